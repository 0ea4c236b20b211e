"""CPU per forwarded 640x480 30 fps VP8 stream: pass-through forwarding vs aiortc's MediaRelay.

Run: .venv/bin/python bench/forwarding.py [--seconds 5] [--joins 5]

Everything runs in this one process on loopback (ICE servers empty, aioice limited to 127.0.0.1): a
publisher peer sending a synthetic 640x480 VP8 stream at 30 fps, the server, and K subscriber peers.
Subscribers count the encoded frames they receive *without decoding them*, so the process CPU time
measures the publisher's encoder (the same in every run), the server, and the network stack.

For each mode and K = 1, 2, 4 the script measures process CPU time (all threads) over a fixed wall time,
after every subscriber has started receiving. Per forwarded stream it reports:

* ``per stream``: the least-squares slope of CPU against K over K = 0, 1, 2, 4, where K = 0 (measured
  before and after, averaged) is the publisher and a server receiving without decoding;
* ``marginal``: (CPU at K=4 - CPU at K=1) / 3, what one more subscriber costs.

Both in percent of one core. ``passthrough`` is :mod:`sessions.media` (encoded frames forwarded, the
sender only packetizes); ``relay`` is aiortc's ``MediaRelay`` (the server decodes once and every
subscriber's sender encodes again). Then it times a new subscriber's first *decoded* frame (join start
to first frame, both negotiations included), median of ``--joins`` joins while one subscriber watches.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import time
from collections.abc import Awaitable, Callable, Coroutine
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import av  # noqa: E402
from aiortc import (  # noqa: E402
    MediaStreamTrack,
    RTCPeerConnection,
    RTCSessionDescription,
    VideoStreamTrack,
)
from aiortc.contrib.media import MediaRelay  # noqa: E402
from aiortc.mediastreams import MediaStreamError  # noqa: E402

from sessions.forwarding import Publication  # noqa: E402
from sessions.loopback import negotiate, new_peer_connection, use_loopback_only  # noqa: E402
from sessions.media import MediaRouter  # noqa: E402
from sessions.room import Role, Room, RoomKind  # noqa: E402

WIDTH, HEIGHT = 640, 480
BOUND = 30.0  # generous bound on any wait; a benchmark that hangs is a failure, not a figure


class Camera(VideoStreamTrack):
    """640x480 at 30 fps from 30 pre-built frames of a moving pattern (building them costs nothing later)."""

    def __init__(self) -> None:
        super().__init__()
        self.frames = []
        for i in range(30):
            frame = av.VideoFrame(WIDTH, HEIGHT, "yuv420p")
            row = bytes((x + 8 * i) % 256 for x in range(WIDTH))
            frame.planes[0].update(row * HEIGHT)
            frame.planes[1].update(bytes([(100 + 4 * i) % 256]) * (WIDTH * HEIGHT // 4))
            frame.planes[2].update(bytes([150]) * (WIDTH * HEIGHT // 4))
            self.frames.append(frame)
        self.count = 0

    async def recv(self) -> av.VideoFrame:
        pts, time_base = await self.next_timestamp()
        frame = self.frames[self.count % len(self.frames)]
        frame.pts, frame.time_base = pts, time_base
        self.count += 1
        return frame


class Viewer:
    """A subscriber that counts the video frames it receives; with ``decode``, decodes them as a browser."""

    def __init__(self, decode: bool = False) -> None:
        self.pc = new_peer_connection()
        self.frames = 0
        self.tasks: list[asyncio.Task[None]] = []
        self.publications: list[Publication] = []

        @self.pc.on("track")
        def on_track(track: MediaStreamTrack) -> None:
            transceiver = next(t for t in self.pc.getTransceivers() if t.receiver.track is track)
            if decode:
                self.tasks.append(asyncio.ensure_future(self._consume(track)))
            else:
                # Tap the receiver as the server does: encoded frames are counted, nothing is decoded.
                self.publications.append(Publication(transceiver.receiver))

    @property
    def received(self) -> int:
        """Video frames received so far (decoded ones, or encoded ones when not decoding)."""
        return self.frames + sum(p.frames_received for p in self.publications)

    async def wait_first_frame(self) -> None:
        while not self.received:  # noqa: ASYNC110 - the publications' counters have no event to await
            await asyncio.sleep(0.005)

    async def _consume(self, track: MediaStreamTrack) -> None:
        try:
            while True:
                await track.recv()
                self.frames += 1
        except MediaStreamError:
            pass

    async def close(self) -> None:
        for task in self.tasks:
            task.cancel()
        await asyncio.gather(*self.tasks, return_exceptions=True)
        await self.pc.close()


class RemoteViewers:
    """Subscriber peers in a child process, so that the CPU time measured here is the server's alone.

    The child speaks JSON lines on its stdin/stdout: ``new`` (optionally returning a first offer with a
    recvonly video m-line), ``offer`` (returns the answer), ``answer``, ``count`` and ``close``. It taps
    its receivers as the server does: frames are counted, never decoded.
    """

    def __init__(self) -> None:
        self.proc: asyncio.subprocess.Process | None = None
        self.lock = asyncio.Lock()

    async def start(self) -> None:
        self.proc = await asyncio.create_subprocess_exec(
            sys.executable,
            __file__,
            "--viewer-process",
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
        )

    async def call(self, **message: Any) -> dict[str, Any]:
        assert self.proc is not None and self.proc.stdin is not None and self.proc.stdout is not None
        async with self.lock:
            self.proc.stdin.write(json.dumps(message).encode() + b"\n")
            await self.proc.stdin.drain()
            line = await bounded(
                self.proc.stdout.readline(), f"the viewer process to answer {message['cmd']}"
            )
        if not line:
            raise SystemExit("the viewer process ended")
        reply: dict[str, Any] = json.loads(line)
        return reply

    async def frames(self, viewer_id: str) -> int:
        return int((await self.call(cmd="count", id=viewer_id))["frames"])

    async def close(self) -> None:
        if self.proc is not None:
            await self.call(cmd="quit")
            await self.proc.wait()


async def viewer_process() -> None:
    """The child side of :class:`RemoteViewers`."""
    use_loopback_only()
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    pcs: dict[str, RTCPeerConnection] = {}
    taps: dict[str, list[Publication]] = {}

    def reply(**message: Any) -> None:
        sys.stdout.write(json.dumps(message) + "\n")
        sys.stdout.flush()

    while line := await reader.readline():
        message = json.loads(line)
        cmd, vid = message["cmd"], message.get("id", "")
        if cmd == "new":
            pc = pcs[vid] = new_peer_connection()
            taps[vid] = []

            def on_track(track: MediaStreamTrack, pc: RTCPeerConnection = pc, vid: str = vid) -> None:
                transceiver = next(t for t in pc.getTransceivers() if t.receiver.track is track)
                taps[vid].append(Publication(transceiver.receiver))

            pc.on("track", on_track)
            if message["offer"]:
                pc.addTransceiver("video", direction="recvonly")
                await pc.setLocalDescription(await pc.createOffer())
                reply(sdp=pc.localDescription.sdp, type=pc.localDescription.type)
            else:
                reply()
        elif cmd == "offer":
            pc = pcs[vid]
            await pc.setRemoteDescription(RTCSessionDescription(message["sdp"], "offer"))
            await pc.setLocalDescription(await pc.createAnswer())
            reply(sdp=pc.localDescription.sdp, type=pc.localDescription.type)
        elif cmd == "answer":
            await pcs[vid].setRemoteDescription(RTCSessionDescription(message["sdp"], "answer"))
            reply()
        elif cmd == "count":
            reply(frames=sum(p.frames_received for p in taps.get(vid, [])))
        elif cmd == "close":
            await pcs.pop(vid).close()
            reply()
        elif cmd == "quit":
            for pc in pcs.values():
                await pc.close()
            reply()
            return


class Scenario:
    """One publisher, the server in one mode, and any number of viewers."""

    def __init__(self, mode: str, remote: RemoteViewers | None = None) -> None:
        self.mode = mode
        self.remote = remote
        self.remote_ids: list[str] = []
        self.first_exchange_done: dict[str, asyncio.Event] = {}
        self.camera = Camera()
        self.publisher = new_peer_connection()
        self.publisher.addTransceiver(self.camera, direction="sendonly")
        self.server_pcs: dict[str, RTCPeerConnection] = {}
        self.viewers: dict[str, Viewer] = {}
        self.room = Room("bench", RoomKind.HUDDLE)
        self.router = MediaRouter(self.room, on_negotiation_needed=self._renegotiate)
        self.relay = MediaRelay()
        self.source: MediaStreamTrack | None = None
        self.count = 0

    async def _renegotiate(self, participant_id: str) -> None:
        pc = self.router.peer(participant_id)
        assert pc is not None
        if participant_id in self.first_exchange_done:
            await self.first_exchange_done[participant_id].wait()  # the channel is ordered
            await self._offer_to_remote(pc, participant_id)
        else:
            await negotiate(pc, self.viewers[participant_id].pc)

    async def _offer_to_remote(self, pc: RTCPeerConnection, viewer_id: str) -> None:
        assert self.remote is not None
        await pc.setLocalDescription(await pc.createOffer())
        answer = await self.remote.call(cmd="offer", id=viewer_id, sdp=pc.localDescription.sdp)
        await pc.setRemoteDescription(RTCSessionDescription(answer["sdp"], "answer"))

    async def add_remote_viewer(self) -> str:
        """A viewer in the child process (it counts encoded frames; it decodes nothing)."""
        assert self.remote is not None
        self.count += 1
        pid = f"r{self.count}"
        self.remote_ids.append(pid)
        server = new_peer_connection()
        self.server_pcs[pid] = server
        if self.mode == "passthrough":
            self.first_exchange_done[pid] = asyncio.Event()
            self.room.join(pid, Role.VISITOR, observer=True)
            self.room.admit("host", pid)
            self.router.add_peer(pid, server)
            offer = await self.remote.call(cmd="new", id=pid, offer=True)
            await server.setRemoteDescription(RTCSessionDescription(offer["sdp"], "offer"))
            await server.setLocalDescription(await server.createAnswer())
            await self.remote.call(cmd="answer", id=pid, sdp=server.localDescription.sdp)
            self.first_exchange_done[pid].set()
        else:
            assert self.source is not None
            server.addTrack(self.relay.subscribe(self.source))
            await self.remote.call(cmd="new", id=pid, offer=False)
            await self._offer_to_remote(server, pid)
        return pid

    async def start(self) -> None:
        server = new_peer_connection()
        if self.mode == "passthrough":
            self.room.join("host", Role.HOST, observer=False)
            self.router.add_peer("host", server)
        else:

            @server.on("track")
            def on_track(track: MediaStreamTrack) -> None:
                self.source = track

        self.server_pcs["host"] = server
        await negotiate(self.publisher, server)

    async def add_viewer(self, decode: bool = False) -> Viewer:
        self.count += 1
        pid = f"v{self.count}"
        viewer = Viewer(decode)
        self.viewers[pid] = viewer
        server = new_peer_connection()
        self.server_pcs[pid] = server
        if self.mode == "passthrough":
            self.room.join(pid, Role.VISITOR, observer=True)
            self.room.admit("host", pid)
            viewer.pc.addTransceiver("video", direction="recvonly")
            self.router.add_peer(pid, server)  # its slot is negotiated by the router once this offer is done
            await negotiate(viewer.pc, server)
        else:
            assert self.source is not None
            server.addTrack(self.relay.subscribe(self.source))
            await negotiate(server, viewer.pc)
        return viewer

    async def remove_viewer(self, viewer: Viewer) -> None:
        pid = next(k for k, v in self.viewers.items() if v is viewer)
        if self.mode == "passthrough":
            self.room.leave(pid)
            await self.router.remove_peer(pid)
        else:
            await self.server_pcs[pid].close()
        del self.viewers[pid]
        await viewer.close()

    async def close(self) -> None:
        await self.router.close()
        if self.remote is not None:
            for pid in self.remote_ids:
                await self.remote.call(cmd="close", id=pid)
        for viewer in self.viewers.values():
            await viewer.close()
        for pc in self.server_pcs.values():
            await pc.close()
        await self.publisher.close()
        self.camera.stop()


async def bounded(awaitable: Awaitable[Any], what: str) -> Any:
    try:
        async with asyncio.timeout(BOUND):
            return await awaitable
    except TimeoutError:
        raise SystemExit(f"gave up waiting for {what}") from None


async def measure(mode: str, k: int, seconds: float, remote: RemoteViewers) -> tuple[float, float]:
    """This process's CPU as a fraction of one core over ``seconds``, and the slowest viewer's frame rate."""
    scenario = Scenario(mode, remote)
    try:
        await scenario.start()
        ids = [await scenario.add_remote_viewer() for _ in range(k)]

        async def all_started() -> None:
            for vid in ids:
                while not await remote.frames(vid):  # noqa: ASYNC110 - polled in another process
                    await asyncio.sleep(0.05)

        await bounded(all_started(), f"every {mode} viewer's first frame")
        await asyncio.sleep(1.0)  # settle (bitrate ramp, renegotiations)
        frames_before = [await remote.frames(vid) for vid in ids]
        cpu_before, wall_before = time.process_time(), time.monotonic()
        await asyncio.sleep(seconds)
        cpu = time.process_time() - cpu_before
        wall = time.monotonic() - wall_before
        frames_after = [await remote.frames(vid) for vid in ids]
        rates = [(after - before) / wall for before, after in zip(frames_before, frames_after, strict=True)]
        return cpu / wall, min(rates, default=0.0)
    finally:
        await scenario.close()


async def first_frame_times(mode: str, joins: int) -> list[float]:
    """Seconds from a new subscriber's join to its first decoded frame, with one viewer already watching."""
    scenario = Scenario(mode)
    times: list[float] = []
    try:
        await scenario.start()
        watcher = await scenario.add_viewer()
        await bounded(watcher.wait_first_frame(), "the watcher's first frame")
        await asyncio.sleep(1.0)
        for _ in range(joins):
            started = time.monotonic()
            viewer = await scenario.add_viewer(decode=True)
            await bounded(viewer.wait_first_frame(), f"{mode} new subscriber's first decoded frame")
            times.append(time.monotonic() - started)
            await scenario.remove_viewer(viewer)
            await asyncio.sleep(0.5)
    finally:
        await scenario.close()
    return times


async def main(seconds: float, joins: int) -> None:
    use_loopback_only()
    remote = RemoteViewers()
    await remote.start()
    try:
        await measure_all(seconds, joins, remote)
    finally:
        await remote.close()


async def measure_all(seconds: float, joins: int, remote: RemoteViewers) -> None:
    ks = (1, 2, 4)
    print(f"VP8 {WIDTH}x{HEIGHT} 30 fps, {seconds:g} s of process CPU per run, one publisher, K subscribers")
    base, _ = await measure("passthrough", 0, seconds, remote)
    results: dict[str, dict[int, float]] = {}
    for mode in ("passthrough", "relay"):
        results[mode] = {}
        for k in ks:
            cpu, fps = await measure(mode, k, seconds, remote)
            results[mode][k] = cpu
            print(
                f"{mode:>11} K={k}: {cpu * 100:5.1f} % of a core in total, slowest subscriber {fps:4.1f} fps"
            )
    base = (base + (await measure("passthrough", 0, seconds, remote))[0]) / 2
    print(f"baseline (publisher encoding + server receiving, no subscriber): {base * 100:.1f} % of a core")
    print()
    summary: dict[str, tuple[float, float]] = {}
    for mode in ("passthrough", "relay"):
        points = [(0, base), *((k, results[mode][k]) for k in ks)]
        per_stream = statistics.linear_regression([p[0] for p in points], [p[1] for p in points]).slope
        marginal = (results[mode][4] - results[mode][1]) / 3
        summary[mode] = (per_stream, marginal)
        print(
            f"{mode:>11}: {per_stream * 100:5.2f} % of a core per stream (slope over K), "
            f"marginal {marginal * 100:5.2f} %"
        )
    ratio = summary["relay"][0] / max(summary["passthrough"][0], 1e-9)
    marginal_ratio = summary["relay"][1] / max(summary["passthrough"][1], 1e-9)
    print(
        f"pass-through is {ratio:.1f}x cheaper per stream ({marginal_ratio:.1f}x at the margin); target >= 8x"
    )
    print()
    for mode in ("passthrough", "relay"):
        times = await first_frame_times(mode, joins)
        print(
            f"{mode:>11}: new subscriber's first decoded frame after "
            f"{statistics.median(times) * 1000:.0f} ms "
            f"(median of {len(times)}; min {min(times) * 1000:.0f}, max {max(times) * 1000:.0f})"
        )


def run(
    argv: list[str] | None = None, entry: Callable[[float, int], Coroutine[Any, Any, None]] = main
) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--seconds", type=float, default=5.0, help="wall time measured per run")
    parser.add_argument("--joins", type=int, default=5, help="new subscribers timed per mode")
    parser.add_argument("--viewer-process", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.viewer_process:
        asyncio.run(viewer_process())
    else:
        asyncio.run(entry(args.seconds, args.joins))


if __name__ == "__main__":
    run()
