"""One Python participant inside a lab namespace, driven over stdin/stdout with JSON lines.

The network lab (:mod:`tests.support.netlab`) starts this as ``ip netns exec NS python -m
tests.lab.participant ...`` so that the participant's sockets live behind that namespace's NAT. Each
line on stdin is ``{"op": NAME, ...}``; each answer is one JSON line on stdout (``{"ok": true, ...}``
or ``{"ok": false, "error": ...}``). Ops: ``join``, ``wait_video`` (from a participant), ``frames``,
``path`` (the selected ICE candidate pair), ``mark`` and ``first_frame_after_mark`` (recovery after
a network drop), ``consent`` (a host records the patient's consent), ``measure_start`` and
``measure_stop`` (what arrived over a window: frames, freezes and audio gaps per source, the bitrate
received; see :class:`Recorder`), ``levels`` and ``wait_level`` (what the server sends of each video,
from its ``levels`` messages), ``leave``, ``quit``. A host also admits whoever waits.

``--receive-only`` publishes nothing, as an observer's browser with camera and microphone off.
``--tone`` publishes a 400 Hz tone at a browser's speech bitrate instead of aiortc's silence (a
receiver's audio energy then grows, and the audio costs a link what a voice does).

A participant logs in (``--email``/``--password``) and joins the demo's open huddle or ``--visit``;
a patient instead opens their one-time link (``--patient-link``, the path ``/join/TOKEN``) and joins
with the pass it gives.

aiortc uses only the first TURN URL it is given; a browser tries every one. ``--turn-transport``
keeps only the URLs of one transport, as a browser on a network without UDP ends up doing.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import json
import logging
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Sequence
from http.cookies import SimpleCookie
from typing import Any

from aiortc import RTCPeerConnection

from sessions import signaling as sig
from sessions.client import ParticipantClient, WebSocketTransport
from sessions.loopback import new_peer_connection
from sessions.sources import FrameSink, SyntheticTone, SyntheticVideo
from tests.support.cluster import open_huddle
from tests.support.continuity import AUDIO_FRAME, AUDIO_GAP, FREEZE, continuity, packet_continuity
from tests.support.processes import log_in

PATIENT_PASS_COOKIE = "rounds_patient_pass"


def keep_transport(ice_servers: Sequence[dict[str, Any]], transport: str) -> list[dict[str, Any]]:
    """``ice_servers`` with only the TURN URLs of ``transport`` ("any" keeps them all, "none" none)."""
    if transport == "any":
        return [dict(s) for s in ice_servers]
    kept = []
    for server in ice_servers:
        urls = server["urls"] if isinstance(server["urls"], list) else [server["urls"]]
        urls = [u for u in urls if not u.startswith("turn") or u.endswith(f"transport={transport}")]
        if urls:
            kept.append({**server, "urls": urls})
    return kept


def selected_path(pc: RTCPeerConnection | None) -> dict[str, Any] | None:
    """The nominated candidate pair of the first transport: types, addresses, transport.

    aiortc has no public getter for it: this reads aioice's ``Connection._nominated`` (pinned aiortc)."""
    if pc is None:
        return None
    for transceiver in pc.getTransceivers():
        dtls = transceiver.sender.transport
        connection = getattr(getattr(dtls, "transport", None), "_connection", None)
        nominated = getattr(connection, "_nominated", {})
        pair = nominated.get(1)
        if pair is None:
            continue
        local, remote = pair.local_candidate, pair.remote_candidate
        return {
            # How this end reaches its TURN server (the relayed address itself is always UDP).
            "turn_transport": connection.turn_transport if local.type == "relay" else None,
            "local_type": local.type,
            "local": f"{local.host}:{local.port}",
            "local_transport": local.transport,
            "remote_type": remote.type,
            "remote": f"{remote.host}:{remote.port}",
        }
    return None


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """Keep the link's 303 as it is: its cookie is the pass, its Location the visit."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def redeem_link(base_url: str, link_path: str) -> tuple[int, str]:
    """Open a patient's one-time link as their browser would: the visit it leads to and the pass
    (the cookie the server sets instead of a login)."""
    try:
        urllib.request.build_opener(_NoRedirect).open(base_url + link_path, timeout=10)
    except urllib.error.HTTPError as answer:
        if answer.code != 303:
            raise
        location = answer.headers["Location"]  # /visits/ID/live
        cookies: SimpleCookie = SimpleCookie()
        for header in answer.headers.get_all("Set-Cookie") or []:
            cookies.load(header)
        return int(location.strip("/").split("/")[1]), cookies[PATIENT_PASS_COOKIE].value
    raise RuntimeError(f"{link_path} did not redirect to a visit")


def received_bytes(stats: Any) -> int:
    """Bytes received so far by a peer connection's transports, from its ``getStats()`` (media, RTCP
    and all: aiortc counts no bytes per stream; one transport when bundled)."""
    return sum(int(getattr(s, "bytesReceived", 0)) for s in stats.values() if s.type == "transport")


class Tally:
    """The growth of a counter since a start, where the counter's owner may be replaced and its new
    one count from zero (a reconnect brings a new peer connection and a new video track)."""

    def __init__(self, owner: object, value: int) -> None:
        self.owner, self.last, self.total = owner, value, 0

    def update(self, owner: object, value: int) -> None:
        """Take the counter's current ``value`` as ``owner`` reports it."""
        self.total += value - self.last if owner is self.owner else value
        self.owner, self.last = owner, value


class Recorder:
    """The arrival time of every decoded frame of every received track, and of every audio RTP packet,
    over a measuring window.

    It hangs a callback on each of the client's frame sinks, also on sinks that appear during the
    window (a renegotiation or a reconnect), and resolves a sink's source when the frame arrives, as
    the client's own count does; audio packets come from the client's packet hook."""

    def __init__(self, client: ParticipantClient) -> None:
        self.client = client
        self.times: dict[tuple[str, str], list[float]] = {}
        #: Per source and receiving stream (a reconnect starts a new one): (arrival, extended sequence
        #: number, RTP timestamp) of each audio packet.
        self.audio_packets: dict[str, dict[int, list[tuple[float, int, int]]]] = {}
        self.start = time.monotonic()
        self._hooked: set[int] = set()
        client.on_audio_packet.append(self._on_audio_packet)

    def _on_audio_packet(self, who: str, stream: int, sequence: int, timestamp: int, arrival: float) -> None:
        self.audio_packets.setdefault(who, {}).setdefault(stream, []).append((arrival, sequence, timestamp))

    def hook(self) -> None:
        """Listen to any sink not yet listened to."""
        for sink in list(self.client.sinks.values()):
            if id(sink) not in self._hooked:
                self._hooked.add(id(sink))
                sink.on_frame.append(self._on_frame)

    def _on_frame(self, sink: FrameSink) -> None:
        kind, who = self.client.track_map.get(sink.mid or "", ("", None))
        if who is None:
            return
        self.times.setdefault((who, kind), []).append(time.monotonic())

    def unhook(self) -> None:
        if self._on_audio_packet in self.client.on_audio_packet:
            self.client.on_audio_packet.remove(self._on_audio_packet)
        for sink in list(self.client.sinks.values()):
            if self._on_frame in sink.on_frame:
                sink.on_frame.remove(self._on_frame)

    def report(self, end: float) -> dict[str, Any]:
        """Per source: video frames, freezes (gaps over 500 ms) and their total and longest; audio
        packets as the network delivered them (their share of the window's 20 ms packets, the missing
        sequence numbers, runs of missing audio over 200 ms and the longest, see
        :func:`~tests.support.continuity.packet_continuity`); and audio frames as aiortc decoded them
        (``audio_decoded_*``: its jitter buffer drops about five frames around each lost packet, where a
        browser conceals one)."""
        window = end - self.start
        sources: dict[str, dict[str, Any]] = {}
        # Every source seen since joining: one that fell silent in the window shows as nothing received.
        for who in {w for w, _ in self.times} | {w for w, _ in self.client.frames}:
            video = continuity(self.times.get((who, "video"), []), self.start, end, FREEZE)
            audio = continuity(self.times.get((who, "audio"), []), self.start, end, AUDIO_GAP)
            streams = list(self.audio_packets.get(who, {}).values())
            packets = packet_continuity(streams, self.start, end, AUDIO_GAP)
            sources[who] = {
                "video_frames": video.frames,
                "fps": video.frames / window,
                "freezes": video.gaps,
                "freeze_seconds": video.gap_seconds,
                "longest_video_gap": video.longest,
                "audio_packets": packets.packets,
                "audio_packet_share": packets.share,
                "audio_packets_lost": packets.lost,
                "audio_gaps": packets.gaps,
                "longest_audio_gap": packets.longest,
                "longest_audio_arrival_gap": packets.longest_arrival,
                "audio_decoded_frames": audio.frames,
                "audio_decoded_share": min(audio.frames * AUDIO_FRAME / window, 1.0),
                "audio_decoded_gaps": audio.gaps,
                "audio_decoded_gap_seconds": audio.gap_seconds,
                "longest_audio_decoded_gap": audio.longest,
            }
        return {"window": window, "sources": sources}


class Driver:
    """The participant and the ops the lab asks of it."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.cookies: dict[str, str] | None = None
        self.visit_id: int | None = args.visit
        self.client: ParticipantClient | None = None
        self.admitter: asyncio.Task[None] | None = None
        self.marked = 0
        self.video: SyntheticVideo | None = None
        self.recorder: Recorder | None = None
        self.measuring: asyncio.Task[None] | None = None
        self.received: Tally | None = None  # bytes received, from measure_start
        self.sent: Tally | None = None  # video frames sent, from measure_start
        self._reconnects_from = 0

    def _connect_args(self) -> tuple[str, dict[str, str]]:
        if self.cookies is None:
            if self.args.patient_link is not None:
                self.visit_id, token = redeem_link(self.args.base_url, self.args.patient_link)
                self.cookies = {PATIENT_PASS_COOKIE: token}
            else:
                # The server may still be starting: it is ready once a login works.
                deadline = time.monotonic() + self.args.ready_seconds
                while True:
                    try:
                        credentials = log_in(self.args.base_url, self.args.email, self.args.password)
                        break
                    except OSError:
                        if time.monotonic() > deadline:
                            raise
                        time.sleep(0.2)
                self.cookies = {"rounds_login": credentials.login_cookie}
                if self.visit_id is None:
                    self.visit_id = open_huddle(self.args.base_url, credentials)
        url = self.args.base_url.replace("http://", "ws://") + f"/ws/sessions/{self.visit_id}"
        return url, self.cookies

    async def join(self) -> dict[str, Any]:
        url, cookies = await asyncio.to_thread(self._connect_args)

        async def connect() -> WebSocketTransport:
            return await WebSocketTransport.connect(url, cookies=cookies, origin=self.args.base_url)

        def peer(ice_servers: list[dict[str, Any]]) -> RTCPeerConnection:
            pc = new_peer_connection(keep_transport(ice_servers, self.args.turn_transport))
            if self.args.receive_only:
                # As the web page does with camera and microphone off: both transceivers, no track
                # (the server takes no offer without a media section; nothing leaves without a track).
                for kind in ("audio", "video"):
                    pc.addTransceiver(kind, direction="sendonly")
            return pc

        def video() -> SyntheticVideo:
            # Kept to count the frames this participant sends.
            self.video = SyntheticVideo()
            return self.video

        if self.client is not None:
            await self.client.close()
        publish = not self.args.receive_only
        self.client = ParticipantClient(
            connect,
            peer_factory=peer,
            auto_reconnect=self.args.reconnect,
            video=video if publish else None,
            audio=(SyntheticTone if self.args.tone else "synthetic") if publish else None,
        )
        welcome = await self.client.join()
        if welcome.role == "host" and self.admitter is None:
            self.admitter = asyncio.ensure_future(self._admit_everyone())
        return {
            "participant_id": welcome.participant_id,
            "role": welcome.role,
            "ice_servers": welcome.ice_servers,
        }

    async def _admit_everyone(self) -> None:
        """Admit whoever waits, as a preceptor watching the waiting room would (again after a second
        without effect: a participant who leaves and joins again waits again)."""
        sent: dict[str, float] = {}
        while True:
            client = self.client
            state = None if client is None else client.state
            if client is not None and state is not None:
                for person in state.participants:
                    if person.presence == "waiting" and time.monotonic() - sent.get(person.id, 0.0) > 1.0:
                        sent[person.id] = time.monotonic()
                        with contextlib.suppress(ConnectionError):
                            await client.send(sig.Admit(type="admit", participant_id=person.id))
            await asyncio.sleep(0.05)

    async def wait_video(self, source: str, within: float = 30.0) -> dict[str, Any]:
        """Wait (up to ``within`` seconds) for the first decoded video frame from ``source``; the time
        from ``join`` to it."""
        client = self._joined()
        start_frames = client.frames_from(source, "video")
        await client.wait_until(lambda: client.frames_from(source, "video") > start_frames, bound=within)
        first = client.first_frame_at.get((source, "video"))
        joined = client.join_sent_at
        return {
            "join_to_frame": None if first is None or joined is None else first - joined,
            "frames": client.frames_from(source, "video"),
            "path": selected_path(client.pc),
        }

    async def frames(self) -> dict[str, Any]:
        client = self._joined()
        return {"frames": {f"{who}/{kind}": n for (who, kind), n in client.frames.items()}}

    async def path(self) -> dict[str, Any]:
        client = self._joined()
        return {
            "path": selected_path(client.pc),
            "state": None if client.pc is None else client.pc.connectionState,
        }

    async def mark(self, source: str) -> dict[str, Any]:
        """Remember how many video frames ``source`` has sent so far (before the network comes back)."""
        self.marked = self._joined().frames_from(source, "video")
        return {"frames": self.marked}

    async def first_frame_after_mark(self, source: str, within: float = 60.0) -> dict[str, Any]:
        """Wait for video from ``source`` beyond the mark (after a reconnect, on the new connection);
        the wall-clock time (``time.time``, shared by the lab's processes) it was seen."""
        await self._joined().wait_until(
            lambda: self._joined().frames_from(source, "video") > self.marked, bound=within
        )
        client = self._joined()
        return {"at": time.time(), "reconnects": client.reconnects, "path": selected_path(client.pc)}

    async def consent(
        self, scope: str = "observe", method: str = "verbal", within: float = 30.0
    ) -> dict[str, Any]:
        """As the host, record the patient's consent; answer once the room's state shows it (up to
        ``within`` seconds)."""
        client = self._joined()
        await client.send(
            sig.RecordConsent.model_validate({"type": "consent", "scope": scope, "method": method})
        )
        await client.wait_until(
            lambda: (
                client.state is not None and client.state.consent is not None and client.state.consent.active
            ),
            bound=within,
        )
        return {}

    async def levels(self) -> dict[str, Any]:
        """What the server sends this participant of each video now (``full``, ``low``, ``paused``,
        with the reason), and every level it ever named per source."""
        client = self._joined()
        ever: dict[str, list[str]] = {}
        for message in client.levels_received:
            for level in message.video:
                seen = ever.setdefault(level.participant_id, [])
                if level.level not in seen:
                    seen.append(level.level)
        return {
            "levels": {pid: level.model_dump() for pid, level in client.video_levels.items()},
            "ever": ever,
        }

    async def wait_level(self, source: str, levels: list[str], within: float = 60.0) -> dict[str, Any]:
        """Wait (up to ``within`` seconds) until ``source``'s video is at one of ``levels``."""
        client = self._joined()
        await client.wait_until(lambda: client.video_level(source) in levels, bound=within)
        return {"level": client.video_level(source)}

    async def measure_start(self) -> dict[str, Any]:
        """Start a measuring window: from now, record every decoded frame's arrival, and keep count of
        the bytes received and the frames sent (across reconnects, which replace both counters)."""
        client = self._joined()
        await self._stop_measuring()
        recorder = self.recorder = Recorder(client)
        self.received = Tally(client.pc, await self._received_bytes())
        self.sent = Tally(self.video, self._sent_frames())
        self._reconnects_from = client.reconnects

        async def keep_hooking() -> None:
            for tick in itertools.count():
                recorder.hook()
                if tick % 10 == 0:  # a reconnect replaces the counters: sample them twice a second
                    await self._sample()
                await asyncio.sleep(0.05)  # the sampler's period (new tracks hooked within 50 ms), not a wait

        self.measuring = asyncio.ensure_future(keep_hooking())
        return {}

    async def _sample(self) -> None:
        if self.received is not None and self.sent is not None:
            pc = self._joined().pc
            self.received.update(pc, await self._received_bytes())
            self.sent.update(self.video, self._sent_frames())

    async def measure_stop(self) -> dict[str, Any]:
        """End the window: what arrived from each source (see :meth:`Recorder.report`), the bitrate
        received, the video frames this participant sent, lost video given up on (since joining), and
        how often the client reconnected in the window."""
        if self.recorder is None:
            raise RuntimeError("no measure_start")
        end = time.monotonic()
        recorder = self.recorder
        await self._sample()
        await self._stop_measuring()
        report = recorder.report(end)
        assert self.received is not None and self.sent is not None
        report["kbps_received"] = self.received.total * 8 / 1000 / report["window"]
        report["video_frames_sent"] = self.sent.total
        report["video_holes_skipped"] = self._joined().video_holes_skipped
        report["reconnects"] = self._joined().reconnects - self._reconnects_from
        return report

    async def _stop_measuring(self) -> None:
        if self.measuring is not None:
            self.measuring.cancel()
            await asyncio.gather(self.measuring, return_exceptions=True)
            self.measuring = None
        if self.recorder is not None:
            self.recorder.unhook()
            self.recorder = None

    async def _received_bytes(self) -> int:
        pc = self._joined().pc
        return 0 if pc is None else received_bytes(await pc.getStats())

    def _sent_frames(self) -> int:
        return 0 if self.video is None else self.video.count

    async def leave(self) -> dict[str, Any]:
        if self.client is not None:
            await self.client.leave()
            self.client = None
        return {}

    def _joined(self) -> ParticipantClient:
        if self.client is None:
            raise RuntimeError("not joined")
        return self.client

    async def close(self) -> None:
        await self._stop_measuring()
        if self.admitter is not None:
            self.admitter.cancel()
            await asyncio.gather(self.admitter, return_exceptions=True)
        if self.client is not None:
            await self.client.close()


async def serve(args: argparse.Namespace) -> None:
    """Answer ops from stdin until ``quit`` or end of input."""
    driver = Driver(args)
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    print(json.dumps({"ok": True, "ready": True}), flush=True)
    try:
        while line := await reader.readline():
            request = json.loads(line)
            op = request.pop("op")
            if op == "quit":
                break
            try:
                answer = {"ok": True, **await getattr(driver, op)(**request)}
            except Exception as exc:  # reported to the lab, which decides what it means
                answer = {"ok": False, "error": f"{type(exc).__name__}: {exc}"}
            print(json.dumps(answer), flush=True)
    finally:
        await driver.close()


def main(argv: Sequence[str] | None = None) -> None:
    """Parse the arguments and serve ops."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--base-url", required=True)
    parser.add_argument("--email")
    parser.add_argument("--password")
    parser.add_argument("--visit", type=int, help="join this visit (default: the demo's open huddle)")
    parser.add_argument("--patient-link", help="join as the patient whose link is this path")
    parser.add_argument("--turn-transport", choices=["udp", "tcp", "any", "none"], default="any")
    parser.add_argument("--reconnect", action="store_true", help="reconnect on its own after a drop")
    parser.add_argument("--receive-only", action="store_true", help="publish no audio or video")
    parser.add_argument("--tone", action="store_true", help="publish a tone, not silence")
    parser.add_argument("--ready-seconds", type=float, default=60.0)
    args = parser.parse_args(argv)
    if args.patient_link is None and (args.email is None or args.password is None):
        parser.error("give --email and --password, or --patient-link")
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    asyncio.run(serve(args))


if __name__ == "__main__":
    main()
