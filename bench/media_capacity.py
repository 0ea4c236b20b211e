"""Media capacity: how many concurrent four-person rooms one node carries, and two nodes, while every
subscriber receives at least 90 % of the frames published to it; the same rooms on an aiortc server that
transcodes (``MediaRelay``), in the same run; and the join time when a participant's WebSocket lands on
the room's node vs on the other node.

Run (the figures in docs/performance.md come from the first line; the second is a quick look):
    .venv/bin/python bench/media_capacity.py --nodes 1,2 --json
    .venv/bin/python bench/media_capacity.py --nodes 1 --max-rooms 4 --seconds 4 --no-baseline
Options: --nodes 1|2|1,2, --max-rooms, --seconds (window), --warmup, --retries, --workers (participant
processes), --joins, --no-baseline, --relay-buffered, --max-others/--disturbed-retries/--patience (see
"shared machine"), --redis-url (database 14 by default), --logs DIR (keep every process's log).

A room: a host and three visitors in a huddle, each publishing 640x480 VP8 at 30 fps and Opus (20 ms
packets) and receiving the other three's video and audio: 24 forwarded streams a room.

How. A node is a server process of its own: the engine the real WebSocket serves
(:class:`sessions.live.LiveRooms`, with its rooms, media router and pass-through forwarding unchanged)
behind a bare aiohttp WebSocket that takes the participant's identity from the URL, as
``bench/join_time.py`` does, plus a ``/stats`` page with what its routers counted and how late its event
loop runs. With ``--nodes 2`` each node is also a :class:`server.cluster.node.ClusterNode` on Redis: the
project's placement, heartbeats and signaling relay, wired as ``server/handlers/live_socket.py`` wires
them; each new room goes to the node the cluster will place it on (its least-loaded), and the table
shows where Redis placed them. Not ``rounds serve``: the baseline has to be the same server with only
the media path changed, which the real server cannot be asked for; and login, ``authorize_join`` and the
attendance writes are per-join work that does not grow with media. Participants run in ``--workers``
processes of their own, whole rooms round-robin, as :class:`sessions.client.ParticipantClient` over
WebSockets, so that the nodes' CPU (``/proc/PID/stat``) is theirs alone and no Python process holds both.

Stepping. Rooms are added one at a time. After each, every participant must receive video and audio from
the other three within 30 s (else the step fails: "setup"), ``--warmup`` seconds pass, then counters
are read over a ``--seconds`` window. A window passes when every (subscriber, publisher) pair received at
least 90 % of the video frames the publisher sent in it *and* every publisher sent at least 90 % of
30 fps (else the participants, not the node, were short of CPU, and the window says so). A failing
window is measured again from fresh rooms (all closed, the same number started again: late frames and
stalled jitter buffers of a failure do not carry over) up to ``--retries`` times; stepping stops at the
first step that still fails, and the figure is the largest count before it.

The baseline. The same rooms, stepped up the same way, on the same node with one change made in its
process only (:func:`use_transcoding`): received tracks are decoded, and every subscriber's sender
encodes them again, through aiortc's ``MediaRelay`` (one decode per publisher, one encode per
subscriber). The relay keeps only each subscriber's latest frame (``buffered=False``), as a live server
must; ``--relay-buffered`` queues every frame instead (aiortc's default, which ``bench/forwarding.py``
uses), which lets latency grow without bound under load.

Wrong-node join time (``--nodes 2``). Two idle nodes; a host publishing live-encoded 640x480 video
(``sessions.sources.SyntheticVideo``, which answers keyframe requests) opens a room on node 1; visitors
join one at a time, alternately through node 1 (the room's node) and node 2, whose ClusterNode relays
their signaling through Redis (media always goes to the room's node). Join time is ``bench/join_time.py``'s:
from sending ``join`` to the first *decoded* frame of the host's video. Medians of ``--joins`` each.

Caveats, to read before quoting a figure:

* One 2-core machine holds the nodes *and* 4 x N simulated participants. Receiving in aiortc costs
  about as much Python per packet as forwarding, so the participants use as much CPU as the node or more:
  the figure is what a node carries while sharing 2 cores with its load generator, a lower bound for a
  node on a machine of its own. Server CPU per room and per forwarded stream, the participants' CPU and
  the node's event-loop lateness are reported so that the node's own cost can be read apart.
* Participants do not encode: each sends a pre-encoded loop (``--loop-seconds`` of ``SyntheticVideo``
  encoded once by aiortc's VP8 encoder at its default 500 kbps, and a 440 Hz tone by aiortc's Opus
  encoder), only packetized, restarting at the loop's keyframe when asked for one (PLI). The node receives
  the same kind of stream either way. Synthetic content encodes cheaply; a camera costs more to encode,
  and (for the baseline) to decode and encode again.
* Participants do not decode: their receivers are tapped as the server's are
  (:class:`sessions.forwarding.Publication`, installed through ``ParticipantClient``'s ``peer_factory``
  before the client's own track handler runs), and a frame counts as received when aiortc's jitter buffer
  completes it, which is what would reach a decoder; that does not prove it would decode (after a lost
  packet, not until the next keyframe). What live encoding and decoding would add is measured at start.
* Counters are read in each participant process at one instant; a frame in flight at a window's edge
  moves a ratio by about 1/(30 x seconds), so ratios a little over 100 % happen, and far over 100 %
  when frames that were late in an earlier window arrive.
* Shared machine: a window in which other processes (anything but the nodes, the participants and this
  process) used more than ``--max-others`` cores and that failed is marked "disturbed" and measured again
  from fresh rooms (at most ``--disturbed-retries`` times); before every window the benchmark waits up to
  ``--patience`` seconds for the machine to be that quiet. Every window's "others" figure is printed.
* aiortc's video jitter buffer (capacity 512 packets) waits for a lost packet that is never retransmitted
  until 512 packets have come after it, at this bitrate about 8 s: once a node or participant starts
  losing datagrams (full socket buffers, "UDP drops"), video stalls for seconds and the step fails all at
  once rather than gradually.
"""

from __future__ import annotations

import argparse
import array
import asyncio
import contextlib
import fractions
import json
import logging
import math
import os
import pickle
import platform
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import aiohttp  # noqa: E402
import av  # noqa: E402
from aiohttp import web  # noqa: E402
from aiortc import MediaStreamTrack, RTCPeerConnection, RTCRtpTransceiver  # noqa: E402
from aiortc.codecs.opus import OpusEncoder  # noqa: E402
from aiortc.codecs.vpx import Vp8Decoder, Vp8Encoder, vp8_depayload  # noqa: E402
from aiortc.contrib.media import MediaRelay  # noqa: E402
from aiortc.jitterbuffer import JitterFrame  # noqa: E402
from aiortc.mediastreams import MediaStreamError  # noqa: E402

from bench.common import (  # noqa: E402
    free_port,
    machine_cpu_seconds,
    percentile,
    process_cpu_seconds,
    process_rss_mb,
    wait_for_port,
)
from server.cluster.node import ClusterNode  # noqa: E402
from server.cluster.nodes import HEARTBEAT_SECONDS, NodeRegistry  # noqa: E402
from server.cluster.placement import Placement  # noqa: E402
from server.domain.visits import JoinGrant  # noqa: E402
from server.web.websocket import WebSocketChannel, text_frames  # noqa: E402
from sessions import signaling as sig  # noqa: E402
from sessions.client import ParticipantClient, WebSocketTransport  # noqa: E402
from sessions.forwarding import (  # noqa: E402
    EncodedFrame,
    Publication,
    SubscriberTrack,
    hook_keyframe_requests,
    is_keyframe,
)
from sessions.live import Channel, Identity, LiveRooms  # noqa: E402
from sessions.loopback import new_peer_connection, use_loopback_only  # noqa: E402
from sessions.room import Role, RoomKind  # noqa: E402
from sessions.sources import SyntheticVideo  # noqa: E402

WIDTH, HEIGHT, FPS = 640, 480, 30
VIDEO_CLOCK = 90000
AUDIO_RATE, AUDIO_PACKETS_PER_SECOND = 48000, 50  # Opus, 20 ms a packet
PARTICIPANTS = ("user-1", "user-2", "user-3", "user-4")  # the first hosts; ids as the server forms them
HOST_ID = PARTICIPANTS[0]
STREAMS_PER_ROOM = len(PARTICIPANTS) * (len(PARTICIPANTS) - 1) * 2  # video and audio, each to 3 others
PASS_RATIO = 0.9
BOUND = 30.0  # seconds: a room not flowing by then fails its step; a benchmark that hangs is a failure
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/14"


def log_to_stderr() -> None:
    """Child processes log warnings and errors (with their level, which the report looks for)."""
    logging.basicConfig(
        level=logging.WARNING, stream=sys.stderr, format="%(asctime)s %(levelname)s %(name)s %(message)s"
    )


# ============================================================================ media the participants send


@dataclass(frozen=True)
class MediaLoop:
    """Pre-encoded media: VP8 frames (the first a keyframe) and Opus packets, sent in a loop."""

    video: list[bytes]
    audio: list[bytes]
    encode_ms_per_frame: float  # what encoding a frame of this video live costs, measured here
    decode_ms_per_frame: float  # what decoding one costs


async def build_media_loop(seconds: float) -> MediaLoop:
    """Encode ``seconds`` of ``SyntheticVideo`` at 640x480 with aiortc's VP8 encoder (its defaults) and
    of a 440 Hz tone with aiortc's Opus encoder, timing the video's encoding and decoding."""
    source = SyntheticVideo(WIDTH, HEIGHT)
    produced = 0

    async def unpaced() -> tuple[int, fractions.Fraction]:
        nonlocal produced
        produced += 1
        return (produced - 1) * (VIDEO_CLOCK // FPS), fractions.Fraction(1, VIDEO_CLOCK)

    source.next_timestamp = unpaced  # type: ignore[method-assign]  # frames now, not at 30 fps
    encoder = Vp8Encoder()
    video: list[bytes] = []
    encoding = 0.0
    for index in range(round(seconds * FPS)):
        frame = await source.recv()
        started = time.process_time()
        payloads, _ = encoder.encode(frame, force_keyframe=index == 0)
        encoding += time.process_time() - started
        video.append(b"".join(vp8_depayload(payload) for payload in payloads))
    if not is_keyframe("video/vp8", video[0]):
        raise RuntimeError("the loop's first VP8 frame is not a keyframe")
    decoder = Vp8Decoder()
    started = time.process_time()
    for index, data in enumerate(video):
        decoder.decode(JitterFrame(data=data, timestamp=index * (VIDEO_CLOCK // FPS)))
    decoding = time.process_time() - started

    tone = array.array(
        "h", (int(6000 * math.sin(2 * math.pi * 440 * n / AUDIO_RATE)) for n in range(AUDIO_RATE))
    )
    samples = AUDIO_RATE // AUDIO_PACKETS_PER_SECOND
    opus = OpusEncoder()
    audio: list[bytes] = []
    index = 0
    while len(audio) < round(seconds * AUDIO_PACKETS_PER_SECOND):
        start = (index * samples) % len(tone)
        chunk = av.AudioFrame(format="s16", layout="mono", samples=samples)
        chunk.planes[0].update(tone[start : start + samples].tobytes())
        chunk.sample_rate = AUDIO_RATE
        chunk.pts = index * samples
        chunk.time_base = fractions.Fraction(1, AUDIO_RATE)
        packets, _ = opus.encode(chunk)
        audio.extend(packets)
        index += 1
    return MediaLoop(video, audio, encoding * 1000 / len(video), decoding * 1000 / len(video))


class LoopedTrack(MediaStreamTrack):
    """Pre-encoded frames in a loop, paced in real time; ``RTCRtpSender`` only packetizes them.

    ``request_keyframe`` (a PLI reaching the sender) restarts the loop at its first frame, a keyframe:
    the frames after it were encoded after it, so the stream stays decodable.
    """

    def __init__(self, kind: str, frames: Sequence[bytes], rate: int, clock_rate: int) -> None:
        super().__init__()
        self.kind = kind
        self._frames = frames
        self._interval = 1.0 / rate
        self._ticks = clock_rate // rate
        self._time_base = fractions.Fraction(1, clock_rate)
        self._next = 0
        self._started: float | None = None
        self.sent = 0
        self.keyframe_requests = 0

    def request_keyframe(self) -> None:
        self.keyframe_requests += 1
        self._next = 0

    async def recv(self) -> av.Packet[Any]:
        if self.readyState != "live":
            raise MediaStreamError
        now = time.monotonic()
        if self._started is None:
            self._started = now
        due = self._started + self.sent * self._interval
        if due > now:
            await asyncio.sleep(due - now)
        if self._next >= len(self._frames):
            self._next = 0
        packet = av.Packet(self._frames[self._next])
        packet.pts = self.sent * self._ticks
        packet.time_base = self._time_base
        self._next += 1
        self.sent += 1
        return packet


# ============================================================================ participants (worker processes)


class CountingPeers:
    """A ``peer_factory`` for :class:`ParticipantClient` whose peer connections count what they receive
    without decoding it, and pass keyframe requests on to a :class:`LoopedTrack` they send.

    Its ``track`` listener is registered before the client's own, so it runs first and taps the receiver
    (a :class:`Publication`, as the server does) before aiortc starts it; the client's sinks then never
    get a frame, and no decoder runs.
    """

    def __init__(self) -> None:
        self.taps: dict[str, Publication] = {}  # mid -> tap, for the current peer connection

    def __call__(self, ice_servers: list[dict[str, Any]]) -> RTCPeerConnection:
        pc = new_peer_connection(ice_servers)
        taps: dict[str, Publication] = {}
        self.taps = taps

        def on_track(track: MediaStreamTrack) -> None:
            transceiver = next((t for t in pc.getTransceivers() if t.receiver.track is track), None)
            if transceiver is not None and transceiver.mid is not None:
                taps[transceiver.mid] = Publication(transceiver.receiver)

        pc.on("track", on_track)
        add_transceiver = pc.addTransceiver

        def add_hooked(
            track_or_kind: MediaStreamTrack | str, direction: str = "sendrecv"
        ) -> RTCRtpTransceiver:
            transceiver = add_transceiver(track_or_kind, direction=direction)
            if isinstance(track_or_kind, LoopedTrack) and track_or_kind.kind == "video":
                hook_keyframe_requests(transceiver.sender, track_or_kind.request_keyframe)
            return transceiver

        pc.addTransceiver = add_hooked  # type: ignore[method-assign,assignment]  # this instance only
        return pc


class LoadParticipant:
    """One simulated participant: sends the loop, counts frames received per publisher."""

    def __init__(self, participant_id: str, url: str, media: MediaLoop) -> None:
        self.id = participant_id
        self.media = media
        self.peers = CountingPeers()
        self.tracks: dict[str, LoopedTrack] = {}
        self.client = ParticipantClient(
            lambda: WebSocketTransport.connect(url),
            video=lambda: self._track("video"),
            audio=lambda: self._track("audio"),
            peer_factory=self.peers,
        )

    def _track(self, kind: str) -> LoopedTrack:
        if kind == "video":
            track = LoopedTrack("video", self.media.video, FPS, VIDEO_CLOCK)
        else:
            track = LoopedTrack("audio", self.media.audio, AUDIO_PACKETS_PER_SECOND, AUDIO_RATE)
        self.tracks[kind] = track
        return track

    def sent(self, kind: str) -> int:
        track = self.tracks.get(kind)
        return track.sent if track is not None else 0

    def received(self, publisher: str, kind: str) -> int:
        """Encoded frames received so far from ``publisher``'s ``kind`` track."""
        track_map = self.client.track_map
        return sum(
            tap.frames_received
            for mid, tap in self.peers.taps.items()
            if track_map.get(mid) == (kind, publisher)
        )


def waiting_ids(host: ParticipantClient) -> set[str]:
    """Who the host's last ``state`` shows in the waiting room."""
    if host.state is None:
        return set()
    return {p.id for p in host.state.participants if p.presence == "waiting"}


async def admit_waiting(host: ParticipantClient) -> None:
    """Admit whoever waits, as a preceptor watching the waiting room would (until cancelled)."""
    admitted: set[str] = set()
    while True:
        await host.wait_until(lambda: bool(waiting_ids(host) - admitted), bound=24 * 3600)
        for participant_id in sorted(waiting_ids(host) - admitted):
            admitted.add(participant_id)
            await host.send(sig.Admit(type="admit", participant_id=participant_id))


def participant_url(base: str, room_id: str, participant_id: str, role: Role) -> str:
    return f"{base}/ws/{room_id}?id={participant_id}&role={role.value}"


class LoadRoom:
    """Four participants in one room: the host joins, admits the three visitors, all see all."""

    def __init__(self, room_id: str, base_url: str, media: MediaLoop) -> None:
        self.id = room_id
        self.participants = [
            LoadParticipant(
                pid, participant_url(base_url, room_id, pid, Role.HOST if i == 0 else Role.VISITOR), media
            )
            for i, pid in enumerate(PARTICIPANTS)
        ]

    def everyone_receives_everyone(self) -> bool:
        return all(
            sub.received(pub.id, "video") > 0 and sub.received(pub.id, "audio") > 0
            for sub in self.participants
            for pub in self.participants
            if pub is not sub
        )

    async def start(self) -> None:
        host = self.participants[0].client
        await host.join()
        await host.wait_until(lambda: (me := host.me()) is not None and me.connected, bound=BOUND)
        admitting = asyncio.create_task(admit_waiting(host))
        try:
            await asyncio.gather(*(p.client.join() for p in self.participants[1:]))
            await host.wait_until(lambda: self.everyone_receives_everyone() or admitting.done(), bound=BOUND)
        finally:
            if not admitting.done():
                admitting.cancel()
            await asyncio.gather(admitting, return_exceptions=True)
        if not admitting.cancelled() and admitting.exception() is not None:
            raise RuntimeError(f"admitting failed: {admitting.exception()!r}")

    def counts(self) -> dict[str, Any]:
        return {
            "sent": {p.id: {kind: p.sent(kind) for kind in ("video", "audio")} for p in self.participants},
            "recv": {
                sub.id: {
                    pub.id: {kind: sub.received(pub.id, kind) for kind in ("video", "audio")}
                    for pub in self.participants
                    if pub is not sub
                }
                for sub in self.participants
            },
            "keyframe_requests": sum(
                p.tracks["video"].keyframe_requests for p in self.participants if "video" in p.tracks
            ),
        }

    async def close(self) -> None:
        await asyncio.gather(*(p.client.close() for p in self.participants), return_exceptions=True)


async def worker_main(media: MediaLoop) -> None:
    """A participant process: JSON lines on stdin (``room``, ``reset``, ``counts``, ``quit``), one reply
    each on stdout."""
    use_loopback_only()
    log_to_stderr()
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader(limit=2**22)
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    rooms: dict[str, LoadRoom] = {}

    def reply(**message: Any) -> None:
        sys.stdout.write(json.dumps(message) + "\n")
        sys.stdout.flush()

    while line := await reader.readline():
        message = json.loads(line)
        command = message["cmd"]
        if command == "room":
            room = rooms[message["room"]] = LoadRoom(message["room"], message["url"], media)
            try:
                await room.start()
            except Exception as exc:  # reported as the step's failure, not a crash
                reply(ok=False, error=f"{type(exc).__name__}: {exc}")
            else:
                reply(ok=True)
        elif command == "reset":
            await asyncio.gather(*(room.close() for room in rooms.values()))
            rooms.clear()
            reply(ok=True)
        elif command == "counts":
            reply(ok=True, rooms={room_id: room.counts() for room_id, room in rooms.items()})
        elif command == "quit":
            await asyncio.gather(*(room.close() for room in rooms.values()))
            reply(ok=True)
            return


# ============================================================================ the server (node processes)


class TranscodedTrack(SubscriberTrack):
    """The baseline's subscriber track: its source's *decoded* frames through aiortc's ``MediaRelay``
    (latest frame only), which this subscriber's sender encodes again.

    Replaces :class:`SubscriberTrack` in the baseline server's process only (see
    :func:`use_transcoding`); everything else in the room and the media router is Rounds' own. Switching
    a slot to another source while its sender waits is not handled: no room here ever does that.
    """

    relay: MediaRelay | None = None
    buffered = False  # the relay keeps only each subscriber's latest frame (bounded latency)

    def __init__(self, kind: str, *, max_queue: int | None = None) -> None:
        super().__init__(kind, max_queue=max_queue)
        self._proxy: MediaStreamTrack | None = None
        self._proxy_changed = asyncio.Event()

    def request_keyframe(self) -> None:
        return None  # the subscriber's own encoder makes the keyframe (aiortc forces it on PLI)

    def _attach(self, source: Publication) -> None:
        super()._attach(source)
        assert TranscodedTrack.relay is not None and source.receiver.track is not None
        self._set_proxy(
            TranscodedTrack.relay.subscribe(source.receiver.track, buffered=TranscodedTrack.buffered)
        )

    def _detach(self, source: Publication) -> None:
        super()._detach(source)
        if self.source is None:
            self._set_proxy(None)

    def _push(self, frame: EncodedFrame) -> None:
        return None  # the encoded frames are not forwarded: decoded ones are

    def _set_proxy(self, proxy: MediaStreamTrack | None) -> None:
        old, self._proxy = self._proxy, proxy
        if old is not None and old is not proxy:
            old.stop()
        self._proxy_changed.set()

    async def recv(self) -> Any:
        while True:
            if self.readyState != "live":
                raise MediaStreamError
            proxy = self._proxy
            if proxy is None:
                self._proxy_changed.clear()
                await self._proxy_changed.wait()
                continue
            try:
                frame = await proxy.recv()
            except MediaStreamError:
                if proxy is self._proxy:
                    self._proxy = None
                continue
            self.frames_sent += 1
            return frame

    def stop(self) -> None:
        super().stop()
        self._set_proxy(None)


class DecodingPublication(Publication):
    """The baseline's publication: its receiver also decodes (the relay reads ``receiver.track``)."""

    def __init__(
        self,
        receiver: Any,
        *,
        mime_type: str | None = None,
        decode: bool = False,
        on_end: Callable[[Publication], None] | None = None,
    ) -> None:
        super().__init__(receiver, mime_type=mime_type, decode=True, on_end=on_end)


def use_transcoding(buffered: bool) -> None:
    """Make this process's media router decode and re-encode (the baseline): it builds its publications
    and subscriber tracks from :mod:`sessions.media`'s names, which are rebound here, in this process."""
    import sessions.media as media_module

    TranscodedTrack.relay = MediaRelay()
    TranscodedTrack.buffered = buffered
    media_module.Publication = DecodingPublication  # type: ignore[attr-defined]
    media_module.SubscriberTrack = TranscodedTrack  # type: ignore[attr-defined]


def serve(port: int, mode: str, redis_url: str | None, node_id: str | None, relay_buffered: bool) -> None:
    """A node: live rooms behind a bare WebSocket (identity from the URL: benchmarks only); with
    ``redis_url``, a cluster node placing rooms and relaying signaling as
    ``server.handlers.live_socket`` does."""
    use_loopback_only()
    log_to_stderr()
    if mode == "transcode":
        use_transcoding(relay_buffered)
    rooms = LiveRooms()
    nodes: list[ClusterNode] = []

    async def serve_grant(grant: JoinGrant, channel: Channel, frames: AsyncIterator[str | bytes]) -> None:
        identity = Identity(
            grant.participant_id, Role(grant.role), grant.display_name, observer=grant.observer
        )
        live = rooms.open(str(grant.visit_id), RoomKind(grant.room_kind))
        await live.serve(identity, channel, frames)

    async def socket_handler(request: web.Request) -> web.StreamResponse:
        participant_id = request.query["id"]
        grant = JoinGrant(
            visit_id=int(request.match_info["room"]),
            participant_id=participant_id,
            role=Role(request.query["role"]).value,
            display_name=participant_id,
            room_kind=RoomKind.HUDDLE.value,
            observer=False,
            # An account id, as a host's or visitor's grant has: a grant without one (a patient's) is
            # dropped by the room's node when relayed (see the report of this benchmark).
            user_id=int(participant_id.rsplit("-", 1)[1]),
        )
        home = await nodes[0].home_of(str(grant.visit_id)) if nodes else None
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        if home is None:
            await serve_grant(grant, WebSocketChannel(ws), text_frames(ws))
        else:
            await nodes[0].relay(ws, grant, home)
        await ws.close()
        return ws

    async def lifecycle(app: web.Application) -> AsyncIterator[None]:
        watcher = asyncio.create_task(watch_loop())
        if redis_url is not None and node_id is not None:
            from redis.asyncio import Redis

            redis = Redis.from_url(
                redis_url, decode_responses=True, socket_timeout=5, socket_connect_timeout=3
            )
            nodes.append(ClusterNode(redis, node_id, rooms, serve_grant))
            await nodes[0].start()
        yield
        watcher.cancel()
        await rooms.close_all()
        if nodes:
            await nodes[0].stop()

    lag = {"sum": 0.0, "count": 0.0, "max": 0.0}

    async def watch_loop() -> None:
        """How late a 10 ms sleep wakes up: how busy this node's event loop is."""
        loop = asyncio.get_running_loop()
        while True:
            started = loop.time()
            await asyncio.sleep(0.01)
            late = max(0.0, loop.time() - started - 0.01)
            lag["sum"] += late
            lag["count"] += 1
            lag["max"] = max(lag["max"], late)

    async def stats_handler(request: web.Request) -> web.StreamResponse:
        """What this node's media routers counted, summed over its rooms (video and audio apart), and
        its event loop's lateness since the last call."""
        totals: dict[str, dict[str, float]] = {
            kind: {"received": 0, "sent": 0, "dropped": 0} for kind in ("video", "audio")
        }
        totals["loop"] = {
            "mean_ms": lag["sum"] / lag["count"] * 1000 if lag["count"] else 0.0,
            "max_ms": lag["max"] * 1000,
        }
        lag.update(sum=0.0, count=0.0, max=0.0)
        for live in rooms.all():
            router = live.router
            for publication in router.publications.values():
                totals[publication.kind]["received"] += publication.frames_received
            for participant in live.room.participants():
                for track in router.subscriber_tracks(participant.id):
                    totals[track.kind]["sent"] += track.frames_sent
                    totals[track.kind]["dropped"] += track.frames_dropped
        return web.json_response(totals)

    app = web.Application()
    app.router.add_get("/ws/{room}", socket_handler)
    app.router.add_get("/stats", stats_handler)
    app.cleanup_ctx.append(lifecycle)
    web.run_app(app, host="127.0.0.1", port=port, print=None, handle_signals=True)


# ============================================================================ the coordinator


async def stop_process(process: asyncio.subprocess.Process, grace: float = 15.0) -> None:
    """SIGTERM, then SIGKILL if it has not ended within ``grace`` seconds."""
    if process.returncode is None:
        with contextlib.suppress(ProcessLookupError):
            process.terminate()
        try:
            async with asyncio.timeout(grace):
                await process.wait()
        except TimeoutError:
            with contextlib.suppress(ProcessLookupError):
                process.kill()
            await process.wait()


@dataclass
class Node:
    """A server process."""

    node_id: str
    port: int
    process: asyncio.subprocess.Process
    log_path: Path

    @property
    def url(self) -> str:
        return f"ws://127.0.0.1:{self.port}"

    def exit_code(self) -> int | None:
        """The process's exit code, None while it runs."""
        return self.process.returncode


async def start_nodes(
    count: int,
    mode: str,
    redis_url: str | None,
    logs: Path,
    run_id: str,
    label: str,
    relay_buffered: bool = False,
) -> list[Node]:
    nodes: list[Node] = []
    try:
        for index in range(count):
            port = free_port()
            node_id = f"bench-{run_id}-{label}-n{index + 1}"
            log_path = logs / f"{node_id}.log"
            command = [sys.executable, str(Path(__file__)), "--serve", str(port), "--mode", mode]
            if count > 1 and redis_url is not None:
                command += ["--redis-url", redis_url, "--node-id", node_id]
            if relay_buffered:
                command.append("--relay-buffered")
            with log_path.open("wb") as log_file:
                process = await asyncio.create_subprocess_exec(
                    *command, stdin=subprocess.DEVNULL, stdout=log_file, stderr=subprocess.STDOUT
                )
            node = Node(node_id, port, process, log_path)
            nodes.append(node)
            await wait_for_port(port, BOUND, node.exit_code)
        if count > 1:
            await asyncio.sleep(1.5)  # every node's heartbeat is in before the first placement
    except BaseException:
        for node in nodes:
            await stop_process(node.process)
        raise
    return nodes


class Worker:
    """A participant process (see :func:`worker_main`)."""

    def __init__(self, process: asyncio.subprocess.Process, log_path: Path) -> None:
        self.process = process
        self.log_path = log_path
        self.lock = asyncio.Lock()

    @classmethod
    async def start(cls, media_path: Path, log_path: Path) -> Worker:
        with log_path.open("wb") as log_file:
            process = await asyncio.create_subprocess_exec(
                sys.executable,
                str(Path(__file__)),
                "--worker",
                str(media_path),
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=log_file,
                limit=2**22,
            )
        return cls(process, log_path)

    async def call(self, bound: float = 4 * BOUND, **message: Any) -> dict[str, Any]:
        assert self.process.stdin is not None and self.process.stdout is not None
        async with self.lock:
            self.process.stdin.write(json.dumps(message).encode() + b"\n")
            await self.process.stdin.drain()
            async with asyncio.timeout(bound):
                line = await self.process.stdout.readline()
        if not line:
            raise RuntimeError(f"a participant process ended (see {self.log_path})")
        reply: dict[str, Any] = json.loads(line)
        return reply

    async def stop(self) -> None:
        with contextlib.suppress(Exception):
            await self.call(bound=BOUND, cmd="quit")
        await stop_process(self.process, grace=5.0)


@dataclass
class Sample:
    """Everything read at one instant."""

    at: float
    server_cpu: list[float]
    server_rss_mb: list[float]
    workers_cpu: float
    own_cpu: float  # this (the coordinating) process
    machine_busy: float
    udp_receive_errors: int
    udp_drops_nodes: list[int]
    udp_drops_workers: list[int]
    node_stats: list[dict[str, dict[str, float]]]
    counts: dict[str, Any]


def udp_receive_errors() -> int:
    """Datagrams the kernel dropped because a socket's receive buffer was full (machine-wide)."""
    lines = [
        line.split() for line in Path("/proc/net/snmp").read_text().splitlines() if line.startswith("Udp:")
    ]
    header, values = lines[0], lines[1]
    return int(values[header.index("RcvbufErrors")])


def udp_drops_by_process(pids: Sequence[int]) -> list[int]:
    """Datagrams dropped so far on each process's open UDP sockets (full receive buffer), from
    /proc/net/udp's per-socket counter, matched to processes through their file descriptors."""
    drops_by_inode: dict[str, int] = {}
    for line in Path("/proc/net/udp").read_text().splitlines()[1:]:
        fields = line.split()
        if len(fields) >= 13:
            drops_by_inode[fields[9]] = int(fields[-1])
    totals: list[int] = []
    for pid in pids:
        total = 0
        with contextlib.suppress(OSError):
            for fd in os.listdir(f"/proc/{pid}/fd"):
                with contextlib.suppress(OSError):
                    target = os.readlink(f"/proc/{pid}/fd/{fd}")
                    if target.startswith("socket:["):
                        total += drops_by_inode.get(target[8:-1], 0)
        totals.append(total)
    return totals


async def node_stats(http: aiohttp.ClientSession, node: Node) -> dict[str, dict[str, float]]:
    async with http.get(f"http://127.0.0.1:{node.port}/stats") as response:
        stats: dict[str, dict[str, float]] = await response.json()
        return stats


async def sample(http: aiohttp.ClientSession, nodes: Sequence[Node], workers: Sequence[Worker]) -> Sample:
    replies, stats = await asyncio.gather(
        asyncio.gather(*(worker.call(cmd="counts") for worker in workers)),
        asyncio.gather(*(node_stats(http, node) for node in nodes)),
    )
    counts: dict[str, Any] = {}
    for reply in replies:
        counts.update(reply["rooms"])
    return Sample(
        at=time.monotonic(),
        server_cpu=[process_cpu_seconds(node.process.pid) for node in nodes],
        server_rss_mb=[process_rss_mb(node.process.pid) for node in nodes],
        workers_cpu=sum(process_cpu_seconds(worker.process.pid) for worker in workers),
        own_cpu=time.process_time(),
        machine_busy=machine_cpu_seconds().busy,
        udp_receive_errors=udp_receive_errors(),
        udp_drops_nodes=udp_drops_by_process([node.process.pid for node in nodes]),
        udp_drops_workers=udp_drops_by_process([worker.process.pid for worker in workers]),
        node_stats=list(stats),
        counts=counts,
    )


@dataclass
class Window:
    """One measurement window over the rooms running."""

    seconds: float
    video_min: float
    video_median: float
    audio_min: float
    audio_median: float
    below_90: int  # (subscriber, publisher) video pairs under 90 %
    pairs: int
    publisher_fps_min: float
    server_cores: list[float]  # per node
    server_rss_mb: list[float]
    workers_cores: float
    machine_cores: float
    others_cores: float  # the machine's busy cores that are neither the nodes nor the participants
    # Where video frames went, over the window: published, reached the nodes, sent on by the nodes (to
    # three subscribers each), dropped by the nodes' subscriber queues, counted by the subscribers.
    video_published: int
    video_at_nodes: int
    video_sent_by_nodes: int
    video_dropped_by_nodes: int
    video_received: int
    udp_receive_errors: int  # machine-wide, every process's sockets
    udp_drops_at_nodes: int  # on the nodes' sockets (those open at both ends of the window)
    udp_drops_at_participants: int
    loop_lag_mean_ms: float  # how late the nodes' event loops woke from a 10 ms sleep (worst node)
    loop_lag_max_ms: float
    keyframe_requests: int
    passed: bool
    reason: str
    disturbed: bool = False  # others' load exceeded --max-others: measured again, not used
    rooms_per_node: list[int] = field(default_factory=list)  # where Redis had placed the rooms


def evaluate(before: Sample, after: Sample) -> Window:
    wall = after.at - before.at
    video: list[float] = []
    audio: list[float] = []
    publisher_fps: list[float] = []
    keyframes = 0
    published = received_total = 0
    for room_id, now in after.counts.items():
        then = before.counts.get(room_id)
        if then is None:
            continue
        keyframes += now["keyframe_requests"] - then["keyframe_requests"]
        sent = {
            pid: {kind: now["sent"][pid][kind] - then["sent"][pid][kind] for kind in ("video", "audio")}
            for pid in now["sent"]
        }
        publisher_fps += [sent[pid]["video"] / wall for pid in sent]
        published += sum(sent[pid]["video"] for pid in sent)
        for sub, by_publisher in now["recv"].items():
            for pub, kinds in by_publisher.items():
                for kind, ratios in (("video", video), ("audio", audio)):
                    received = kinds[kind] - then["recv"][sub][pub][kind]
                    ratios.append(received / sent[pub][kind] if sent[pub][kind] else 0.0)
                    if kind == "video":
                        received_total += received
    server_cores = [(a - b) / wall for a, b in zip(after.server_cpu, before.server_cpu, strict=True)]
    workers_cores = (after.workers_cpu - before.workers_cpu) / wall
    machine_cores = (after.machine_busy - before.machine_busy) / wall
    own_cores = (after.own_cpu - before.own_cpu) / wall

    def at_nodes(field_name: str) -> int:
        return sum(
            int(a["video"][field_name] - b["video"][field_name])
            for a, b in zip(after.node_stats, before.node_stats, strict=True)
        )

    below = sum(1 for ratio in video if ratio < PASS_RATIO)
    fps_min = min(publisher_fps, default=0.0)
    drops_at_nodes = max(0, sum(after.udp_drops_nodes) - sum(before.udp_drops_nodes))
    drops_at_participants = max(0, sum(after.udp_drops_workers) - sum(before.udp_drops_workers))
    if below:
        reason = f"{below} of {len(video)} subscriber-publisher pairs got < 90 % of the video frames"
        if drops_at_nodes or drops_at_participants:
            reason += (
                f"; datagrams dropped on full sockets: {drops_at_nodes} at the nodes,"
                f" {drops_at_participants} at the participants"
            )
    elif fps_min < PASS_RATIO * FPS:
        reason = f"a publisher sent only {fps_min:.1f} fps: the load generator is short of CPU"
    else:
        reason = ""
    return Window(
        seconds=wall,
        video_min=min(video, default=0.0),
        video_median=statistics.median(video) if video else 0.0,
        audio_min=min(audio, default=0.0),
        audio_median=statistics.median(audio) if audio else 0.0,
        below_90=below,
        pairs=len(video),
        publisher_fps_min=fps_min,
        server_cores=server_cores,
        server_rss_mb=after.server_rss_mb,
        workers_cores=workers_cores,
        machine_cores=machine_cores,
        others_cores=max(0.0, machine_cores - sum(server_cores) - workers_cores - own_cores),
        video_published=published,
        video_at_nodes=at_nodes("received"),
        video_sent_by_nodes=at_nodes("sent"),
        video_dropped_by_nodes=at_nodes("dropped"),
        video_received=received_total,
        udp_receive_errors=after.udp_receive_errors - before.udp_receive_errors,
        udp_drops_at_nodes=drops_at_nodes,
        udp_drops_at_participants=drops_at_participants,
        loop_lag_mean_ms=max(stats["loop"]["mean_ms"] for stats in after.node_stats),
        loop_lag_max_ms=max(stats["loop"]["max_ms"] for stats in after.node_stats),
        keyframe_requests=keyframes,
        passed=not reason,
        reason=reason,
    )


@dataclass
class Step:
    rooms: int
    rooms_per_node: list[int]
    setup_error: str | None
    windows: list[Window] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return self.setup_error is None and bool(self.windows) and self.windows[-1].passed

    @property
    def disturbed_windows(self) -> int:
        return sum(1 for window in self.windows if window.disturbed)

    @property
    def window(self) -> Window | None:
        return self.windows[-1] if self.windows else None


@dataclass
class CapacityRun:
    mode: str  # passthrough | transcode
    nodes: int
    steps: list[Step]
    largest_passing: int
    stop_reason: str
    log_problems: list[str]


async def room_placements(redis_url: str, room_ids: Sequence[str], nodes: Sequence[Node]) -> list[int]:
    """Rooms per node, as Redis places them."""
    from redis.asyncio import Redis

    redis = Redis.from_url(redis_url, decode_responses=True)
    try:
        placement = Placement(redis, NodeRegistry(redis))
        homes = [await placement.node_of(room_id) for room_id in room_ids]
    finally:
        await redis.aclose()
    return [sum(1 for home in homes if home == node.node_id) for node in nodes]


async def least_loaded(redis_url: str, nodes: Sequence[Node]) -> Node:
    """The node the cluster will place a new room on (its least-loaded live node)."""
    from redis.asyncio import Redis

    redis = Redis.from_url(redis_url, decode_responses=True)
    try:
        live = await NodeRegistry(redis).live()
    finally:
        await redis.aclose()
    by_id = {node.node_id: node for node in nodes}
    for load in live:
        if load.node_id in by_id:
            return by_id[load.node_id]
    raise RuntimeError("no benchmark node is beating in Redis")


def log_problems(paths: Sequence[Path]) -> list[str]:
    """Warnings, errors and tracebacks the processes logged."""
    problems: list[str] = []
    for path in paths:
        if not path.exists():
            continue
        for line in path.read_text(errors="replace").splitlines():
            if any(word in line for word in (" WARNING ", " ERROR ", " CRITICAL ", "Traceback")):
                problems.append(f"{path.name}: {line.strip()[:300]}")
    return problems


class Fleet:
    """The nodes and participant processes of one capacity run, and the rooms running on them."""

    def __init__(
        self, nodes: list[Node], workers: list[Worker], redis_url: str | None, http: aiohttp.ClientSession
    ) -> None:
        self.nodes = nodes
        self.workers = workers
        self.redis_url = redis_url
        self.http = http
        self.room_ids: list[str] = []
        self.next_room = 0

    async def add_room(self, room_base: int) -> str | None:
        """One more room, on the node the cluster will place it on; returns why it failed, or None."""
        self.next_room += 1
        room_id = str(room_base + self.next_room)
        node = self.nodes[0] if self.redis_url is None else await least_loaded(self.redis_url, self.nodes)
        worker = self.workers[len(self.room_ids) % len(self.workers)]
        self.room_ids.append(room_id)
        try:
            reply = await worker.call(cmd="room", room=room_id, url=node.url)
        except TimeoutError:
            return "the participant process did not answer in time"
        return None if reply["ok"] else str(reply["error"])

    async def rooms_per_node(self) -> list[int]:
        if self.redis_url is None:
            return [len(self.room_ids)]
        return await room_placements(self.redis_url, self.room_ids, self.nodes)

    async def rebuild(self, count: int, room_base: int) -> str | None:
        """Close every room and start ``count`` new ones, so that nothing of a failed window (late
        frames, stalled jitter buffers) carries over into the next."""
        await asyncio.gather(*(worker.call(cmd="reset") for worker in self.workers))
        self.room_ids = []
        await asyncio.sleep(2.5 if self.redis_url else 1.0)  # the nodes' heartbeats show the new load
        errors: list[str] = []
        for _ in range(count):
            if (error := await self.add_room(room_base)) is not None:
                errors.append(error)
            if self.redis_url is not None:  # the next placement sees this room in the node's heartbeat
                await asyncio.sleep(HEARTBEAT_SECONDS + 0.3)
        return errors[0] if errors else None

    async def others_cores(self, seconds: float) -> float:
        """Cores the rest of the machine used over ``seconds`` (everything but this run's processes)."""
        pids = [node.process.pid for node in self.nodes] + [worker.process.pid for worker in self.workers]

        def ours() -> float:
            return sum(process_cpu_seconds(pid) for pid in pids) + time.process_time()

        machine, mine = machine_cpu_seconds().busy, ours()
        await asyncio.sleep(seconds)
        return max(0.0, (machine_cpu_seconds().busy - machine) - (ours() - mine)) / seconds

    async def wait_for_quiet(self, limit: float, patience: float) -> float:
        """Wait (up to ``patience`` seconds) until other work on the machine uses at most ``limit`` cores;
        returns the last reading."""
        deadline = time.monotonic() + patience
        while True:
            others = await self.others_cores(1.0)
            if others <= limit or time.monotonic() > deadline:
                return others

    async def measure(self, seconds: float) -> Window:
        before = await sample(self.http, self.nodes, self.workers)
        await asyncio.sleep(seconds)
        return evaluate(before, await sample(self.http, self.nodes, self.workers))


async def step_up(
    mode: str,
    node_count: int,
    args: argparse.Namespace,
    media_path: Path,
    logs: Path,
    run_id: str,
    room_base: int,
) -> CapacityRun:
    """Add four-person rooms one at a time until a step fails (see the module's documentation)."""
    label = f"{mode}-{node_count}"
    redis_url = args.redis_url if node_count > 1 else None
    if redis_url is not None:
        await flush_redis(redis_url)
    nodes = await start_nodes(node_count, mode, redis_url, logs, run_id, label, args.relay_buffered)
    workers: list[Worker] = []
    steps: list[Step] = []
    stop_reason = f"--max-rooms {args.max_rooms} reached"
    http = aiohttp.ClientSession()
    try:
        for index in range(args.workers):
            workers.append(await Worker.start(media_path, logs / f"worker-{label}-{index + 1}.log"))
        fleet = Fleet(nodes, workers, redis_url, http)
        for count in range(1, args.max_rooms + 1):
            error = await fleet.add_room(room_base)
            step = Step(count, await fleet.rooms_per_node(), error)
            steps.append(step)
            await asyncio.sleep(args.warmup)
            retries = disturbed = 0
            while True:
                await fleet.wait_for_quiet(args.max_others, args.patience)
                window = await fleet.measure(args.seconds)
                window.rooms_per_node = step.rooms_per_node
                step.windows.append(window)
                if window.passed or step.setup_error is not None:
                    print_step(step, len(step.windows) - 1)
                    break
                # A failing window while other people's work took more than --max-others cores says
                # nothing about Rounds: it is measured again (and shown, marked), from fresh rooms.
                if window.others_cores > args.max_others and disturbed < args.disturbed_retries:
                    window.disturbed = True
                    disturbed += 1
                elif retries < args.retries:
                    retries += 1
                else:
                    print_step(step, len(step.windows) - 1)
                    break
                print_step(step, len(step.windows) - 1)
                step.setup_error = await fleet.rebuild(count, room_base)
                step.rooms_per_node = await fleet.rooms_per_node()
                await asyncio.sleep(args.warmup)
            if not step.passed:
                why = f"setup failed ({step.setup_error})" if step.setup_error else step.windows[-1].reason
                stop_reason = f"failed at {count} rooms: {why}"
                break
    finally:
        await http.close()
        for worker in workers:
            await worker.stop()
        for node in nodes:
            await stop_process(node.process)
        if redis_url is not None:
            await flush_redis(redis_url)
    largest = 0
    for step in steps:  # the largest count before the first failure
        if not step.passed:
            break
        largest = step.rooms
    problems = log_problems([node.log_path for node in nodes] + [worker.log_path for worker in workers])
    return CapacityRun(mode, node_count, steps, largest, stop_reason, problems)


async def flush_redis(redis_url: str) -> None:
    """Empty the benchmark's own Redis database (keys of an earlier run must not place rooms)."""
    from redis.asyncio import Redis

    redis = Redis.from_url(redis_url)
    try:
        await redis.flushdb()
    finally:
        await redis.aclose()


# ---------------------------------------------------------------------------- wrong-node join time


@dataclass
class JoinTimes:
    right_ms: list[float]
    wrong_ms: list[float]
    log_problems: list[str]

    @property
    def ratio(self) -> float:
        return statistics.median(self.wrong_ms) / statistics.median(self.right_ms)


async def join_once(node: Node, room_id: str, visitor_id: str) -> float:
    """One visitor's join time (ms) to the host's first decoded frame; the visitor leaves after."""
    url = participant_url(node.url, room_id, visitor_id, Role.VISITOR)
    visitor = ParticipantClient(lambda: WebSocketTransport.connect(url), video=None, audio=None)
    try:
        await visitor.join()
        await visitor.wait_until(lambda: visitor.frames_from(HOST_ID, "video") > 0, bound=BOUND)
        return (visitor.first_frame_at[(HOST_ID, "video")] - (visitor.join_sent_at or 0.0)) * 1000.0
    finally:
        await visitor.leave()


async def wrong_node_joins(args: argparse.Namespace, logs: Path, run_id: str) -> JoinTimes:
    """Join times through the room's node and through the other node, interleaved (see the docs)."""
    await flush_redis(args.redis_url)
    nodes = await start_nodes(2, "passthrough", args.redis_url, logs, run_id, "joins")
    room_id = "9001"
    host = ParticipantClient(
        lambda: WebSocketTransport.connect(participant_url(nodes[0].url, room_id, HOST_ID, Role.HOST)),
        video=lambda: SyntheticVideo(WIDTH, HEIGHT),
        audio="synthetic",
    )
    admitting: asyncio.Task[None] | None = None
    right: list[float] = []
    wrong: list[float] = []
    try:
        await host.join()
        await host.wait_until(lambda: (me := host.me()) is not None and me.connected, bound=BOUND)
        homes = await room_placements(args.redis_url, [room_id], nodes)
        if homes != [1, 0]:
            raise RuntimeError(f"the room was not placed on node 1 ({homes})")
        admitting = asyncio.create_task(admit_waiting(host))
        await join_once(nodes[0], room_id, "user-900")  # the first joins pay for imports and caches
        await join_once(nodes[1], room_id, "user-901")
        for index in range(args.joins):
            order = [("right", nodes[0]), ("wrong", nodes[1])]
            for label, node in order if index % 2 == 0 else order[::-1]:
                visitor_id = f"user-{1000 + 2 * index + (label == 'wrong')}"
                elapsed = await join_once(node, room_id, visitor_id)
                (right if label == "right" else wrong).append(elapsed)
                await asyncio.sleep(0.2)
    finally:
        if admitting is not None:
            admitting.cancel()
            await asyncio.gather(admitting, return_exceptions=True)
        await host.close()
        for node in nodes:
            await stop_process(node.process)
        await flush_redis(args.redis_url)
    return JoinTimes(right, wrong, log_problems([node.log_path for node in nodes]))


# ---------------------------------------------------------------------------- report


def server_slope(run: CapacityRun) -> float | None:
    """Server cores per added room: least-squares slope over the passing steps (None with < 2)."""
    points = [(s.rooms, sum(s.window.server_cores)) for s in run.steps if s.passed and s.window]
    if len(points) < 2:
        return None
    return statistics.linear_regression([p[0] for p in points], [p[1] for p in points]).slope


def run_name(run: CapacityRun) -> str:
    what = "pass-through (Rounds)" if run.mode == "passthrough" else "transcoding baseline (MediaRelay)"
    return f"{what}, {run.nodes} node{'s' if run.nodes > 1 else ''}"


def describe_run(run: CapacityRun) -> list[str]:
    """The run as a Markdown table, one row per window, and what it comes to."""
    lines = [
        f"{run_name(run)}: largest passing count **{run.largest_passing}** ({run.stop_reason})",
        "",
        "| rooms | per node | video min / median | audio min / median | server cores | per stream "
        "| participants | others | video published → at nodes → received | UDP drops nodes / participants "
        "| node loop lag mean / max | result |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for step in run.steps:
        for attempt, window in enumerate(step.windows):
            server = sum(window.server_cores)
            per_node = "+".join(f"{c:.2f}" for c in window.server_cores)
            result = "pass" if window.passed and step.setup_error is None else "FAIL"
            if window.disturbed:
                result = f"({result.lower()}; others' load: not used)"
            placed = "/".join(map(str, window.rooms_per_node))
            lines.append(
                f"| {step.rooms}{' (again)' if attempt else ''} | {placed} "
                f"| {window.video_min * 100:.1f} / {window.video_median * 100:.1f} % "
                f"| {window.audio_min * 100:.1f} / {window.audio_median * 100:.1f} % "
                f"| {server:.2f}{f' ({per_node})' if len(window.server_cores) > 1 else ''} "
                f"| {server / (step.rooms * STREAMS_PER_ROOM) * 100:.2f} % "
                f"| {window.workers_cores:.2f} | {window.others_cores:.2f} "
                f"| {window.video_published} → {window.video_at_nodes} → {window.video_received} "
                f"(of {3 * window.video_published}) "
                f"| {window.udp_drops_at_nodes} / {window.udp_drops_at_participants} "
                f"| {window.loop_lag_mean_ms:.1f} / {window.loop_lag_max_ms:.0f} ms | {result} |"
            )
    slope = server_slope(run)
    if slope is not None:
        lines.append("")
        lines.append(
            f"Server CPU per added room (slope over the passing steps): {slope * 100:.1f} % of a core, "
            f"{slope / STREAMS_PER_ROOM * 100:.2f} % per forwarded stream."
        )
    return lines


def print_header() -> None:
    print(
        f"  {'rooms':>11} {'per node':>8}  {'video min/med %':>15}  {'audio min/med %':>15}  {'pub fps':>7}"
        f"  {'server':>14}  {'particip.':>9}  {'others':>6}  {'video published>nodes>received':>31}"
        f"  {'UDP drops nodes/particip./all':>29}  {'node loop lag mean/max ms':>25}",
        flush=True,
    )


def print_step(step: Step, attempt: int) -> None:
    """One window, as it is measured."""
    window = step.window
    assert window is not None
    per_node = "/".join(str(n) for n in window.rooms_per_node)
    server = f"{sum(window.server_cores):.2f}"
    if len(window.server_cores) > 1:
        server += f" ({'+'.join(f'{c:.2f}' for c in window.server_cores)})"
    flow = f"{window.video_published}>{window.video_at_nodes}>{window.video_received}"
    drops = f"{window.udp_drops_at_nodes}/{window.udp_drops_at_participants}/{window.udp_receive_errors}"
    verdict = "pass" if window.passed and step.setup_error is None else "FAIL"
    if window.disturbed:
        verdict = "disturbed"
    note = step.setup_error or window.reason
    print(
        f"  {step.rooms:>5}{' again' if attempt else '      '} {per_node:>8}"
        f"  {window.video_min * 100:7.1f}/{window.video_median * 100:5.1f}"
        f"  {window.audio_min * 100:7.1f}/{window.audio_median * 100:5.1f}  {window.publisher_fps_min:7.1f}"
        f"  {server:>14}  {window.workers_cores:9.2f}  {window.others_cores:6.2f}  {flow:>31}"
        f"  {drops:>29}  {window.loop_lag_mean_ms:16.1f}/{window.loop_lag_max_ms:<8.0f}  {verdict}"
        + (f"  [{note}]" if note else ""),
        flush=True,
    )


def print_summary(runs: Sequence[CapacityRun], joins: JoinTimes | None, media: MediaLoop) -> None:
    """The runs' tables, the ratios to the baseline, the join times, and what the processes logged."""
    print("\n" + "=" * 100)
    for run in runs:
        print("\n".join(describe_run(run)) + "\n")
    for node_count in sorted({run.nodes for run in runs}):
        of = {run.mode: run for run in runs if run.nodes == node_count}
        if "transcode" not in of or "passthrough" not in of:
            continue
        ours, base = of["passthrough"].largest_passing, of["transcode"].largest_passing
        ratio = f"{ours / base:.1f}x" if base else "no ratio: the baseline carried no room"
        print(f"{node_count} node(s): pass-through {ours} rooms, transcoding {base} ({ratio})")
        first = [run.steps[0].windows[0] for run in (of["passthrough"], of["transcode"]) if run.steps]
        if len(first) == 2:
            ours_cpu, base_cpu = sum(first[0].server_cores), sum(first[1].server_cores)
            print(
                f"  server CPU with one room: pass-through {ours_cpu:.2f} cores, transcoding {base_cpu:.2f}"
                f" cores ({base_cpu / max(ours_cpu, 1e-9):.1f}x; the transcoding server gets what the machine"
                " leaves it, so this understates its need when it fails)"
            )
    if joins is not None:
        right, wrong = statistics.median(joins.right_ms), statistics.median(joins.wrong_ms)
        print(
            f"join time, join -> first decoded frame of the host's video, {len(joins.right_ms)} joins each:"
            f"\n  socket on the room's node: median {right:.0f} ms,"
            f" p90 {percentile(joins.right_ms, 0.9):.0f},"
            f" max {max(joins.right_ms):.0f}"
            f"\n  socket on the other node (relayed through Redis): median {wrong:.0f} ms,"
            f" p90 {percentile(joins.wrong_ms, 0.9):.0f}, max {max(joins.wrong_ms):.0f}"
            f"\n  other / room's node: {joins.ratio:.2f}x ({wrong - right:+.0f} ms)"
        )
    print(
        f"participant-side work left out per room (measured on the loop): live VP8 encoding "
        f"{4 * media.encode_ms_per_frame * FPS / 10:.0f} % of a core, decoding the 12 received videos "
        f"{12 * media.decode_ms_per_frame * FPS / 10:.0f} % (synthetic content)"
    )
    problems = [p for run in runs for p in run.log_problems] + (joins.log_problems if joins else [])
    print(f"\nwarnings and errors the processes logged: {len(problems)}")
    for problem in problems[:40]:
        print(f"  {problem}")


async def main(args: argparse.Namespace) -> None:
    use_loopback_only()
    node_counts = [int(n) for n in str(args.nodes).split(",")]
    if not node_counts or any(n not in (1, 2) for n in node_counts):
        raise SystemExit("--nodes takes 1, 2 or 1,2")
    run_id = uuid.uuid4().hex[:6]
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="rounds-media-capacity-") as tmp:
        logs = Path(args.logs) if args.logs else Path(tmp)
        logs.mkdir(parents=True, exist_ok=True)
        media = await build_media_loop(args.loop_seconds)
        media_path = Path(tmp) / "media.pickle"
        media_path.write_bytes(pickle.dumps(asdict(media)))
        video_kbps = sum(map(len, media.video)) * 8 / args.loop_seconds / 1000
        audio_kbps = sum(map(len, media.audio)) * 8 / args.loop_seconds / 1000
        print(f"{os.cpu_count()} CPUs, Python {platform.python_version()}, {platform.platform()}")
        print(
            f"media: VP8 {WIDTH}x{HEIGHT} {FPS} fps ({video_kbps:.0f} kbps) + Opus 20 ms"
            f" ({audio_kbps:.0f} kbps), a pre-encoded {args.loop_seconds:g} s loop;"
            f" this video costs {media.encode_ms_per_frame:.2f} ms"
            f" a frame to encode live, {media.decode_ms_per_frame:.2f} ms to decode"
        )
        print(
            f"rooms of 4 ({STREAMS_PER_ROOM} forwarded streams each); {args.warmup:g} s warm-up,"
            f" {args.seconds:g} s windows; participants in {args.workers} processes on this machine",
            flush=True,
        )
        joins: JoinTimes | None = None
        runs: list[CapacityRun] = []
        room_base = 1000
        for node_count in node_counts:
            for mode in ["passthrough"] + (["transcode"] if args.baseline else []):
                print(f"\n== {mode}, {node_count} node{'s' if node_count > 1 else ''}", flush=True)
                print_header()
                runs.append(await step_up(mode, node_count, args, media_path, logs, run_id, room_base))
                room_base += 1000
            if node_count == 2 and args.joins > 0:
                print("\n== join time: socket on the room's node vs on the other node", flush=True)
                joins = await wrong_node_joins(args, logs, run_id)
    print_summary(runs, joins, media)
    print(f"({time.monotonic() - started:.0f} s)")
    if args.json:
        figures = {
            "media": {
                "video_kbps": video_kbps,
                "audio_kbps": audio_kbps,
                "encode_ms_per_frame": media.encode_ms_per_frame,
                "decode_ms_per_frame": media.decode_ms_per_frame,
            },
            "runs": [asdict(run) for run in runs],
            "joins": asdict(joins) if joins else None,
        }
        print(json.dumps(figures))


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--nodes", default="1", help="1, 2, or 1,2 (both, in one run)")
    parser.add_argument("--max-rooms", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=10.0, help="measurement window per step")
    parser.add_argument(
        "--warmup", type=float, default=3.0, help="seconds after a room joins, before measuring"
    )
    parser.add_argument("--retries", type=int, default=1, help="windows re-measured when a step fails")
    parser.add_argument("--workers", type=int, default=2, help="participant processes")
    parser.add_argument(
        "--max-others",
        type=float,
        default=0.3,
        help="cores other processes may use during a window before it is measured again",
    )
    parser.add_argument("--disturbed-retries", type=int, default=4, help="re-measures of disturbed windows")
    parser.add_argument(
        "--patience",
        type=float,
        default=60.0,
        help="seconds to wait for the machine to be quiet before a window",
    )
    parser.add_argument("--joins", type=int, default=10, help="wrong-node vs right-node joins (--nodes 2)")
    parser.add_argument(
        "--no-baseline", dest="baseline", action="store_false", help="skip the transcoding runs"
    )
    parser.add_argument("--loop-seconds", type=float, default=10.0, help="length of the pre-encoded loop")
    parser.add_argument(
        "--relay-buffered",
        action="store_true",
        help="baseline: MediaRelay queues every frame per subscriber (aiortc's default), not the latest",
    )
    parser.add_argument("--redis-url", default=DEFAULT_REDIS_URL)
    parser.add_argument("--logs", default=None, help="keep the processes' logs in this directory")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON too")
    return parser.parse_args(argv)


if __name__ == "__main__":
    if len(sys.argv) >= 3 and sys.argv[1] == "--serve":
        serving = argparse.ArgumentParser()
        serving.add_argument("--serve", type=int, required=True)
        serving.add_argument("--mode", choices=("passthrough", "transcode"), default="passthrough")
        serving.add_argument("--redis-url", default=None)
        serving.add_argument("--node-id", default=None)
        serving.add_argument("--relay-buffered", action="store_true")
        options = serving.parse_args()
        serve(options.serve, options.mode, options.redis_url, options.node_id, options.relay_buffered)
    elif len(sys.argv) == 3 and sys.argv[1] == "--worker":
        asyncio.run(worker_main(MediaLoop(**pickle.loads(Path(sys.argv[2]).read_bytes()))))
    else:
        asyncio.run(main(parse_args()))
