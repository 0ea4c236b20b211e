"""Join time: from a participant's ``join`` message to the first decoded frame of the host's video,
for 1 to 20 participants joining a live room at once.

Run: .venv/bin/python bench/join_time.py [--sizes 1,2,5,10,20] [--rounds 3] [--in-process]

The server runs in a process of its own (as it would on its own machine): a
:class:`sessions.live.LiveRoom` — the engine the real WebSocket serves — behind a bare aiohttp
WebSocket on 127.0.0.1 that takes the participant's identity from the URL (there is no login here).
This process holds the participants: a host publishing a synthetic 640x480 video at 30 fps and
admitting everyone who waits, as a preceptor watching the waiting room would, and N visitors
(:class:`sessions.client.ParticipantClient` over WebSockets) who join at the same moment. A visitor's
join time runs from sending ``join`` — welcome, offer/answer, ICE and DTLS, the waiting room,
admission, the server's offer for the forwarded tracks, a keyframe — to its first *decoded* frame of
the host's video. ICE stays on loopback (no ICE servers, aioice limited to 127.0.0.1).

The same-run baseline is one visitor joining alone, run before every size; figures for N are also
given as a ratio to it, since these machines are noisy. With ``--in-process`` the server shares this
process (and its one core of Python) with the participants, whose decoders then compete with it.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from aiohttp import web  # noqa: E402

from bench.common import free_port, percentile, process_cpu_seconds, wait_for_port  # noqa: E402
from server.web.websocket import WebSocketChannel, text_frames  # noqa: E402
from sessions import signaling as sig  # noqa: E402
from sessions.client import ParticipantClient, Transport, WebSocketTransport  # noqa: E402
from sessions.live import Identity, LiveRooms  # noqa: E402
from sessions.loopback import use_loopback_only  # noqa: E402
from sessions.memory import MemoryTransport  # noqa: E402
from sessions.room import Role, RoomKind  # noqa: E402
from sessions.sources import SyntheticVideo  # noqa: E402

BOUND = 60.0


async def admit_everyone(host: ParticipantClient) -> None:
    """The host admits whoever waits, as soon as a ``state`` shows them."""
    admitted: set[str] = set()
    while True:
        await host.wait_until(
            lambda: (
                host.state is not None
                and any(p.presence == "waiting" and p.id not in admitted for p in host.state.participants)
            ),
            bound=3600,
        )
        assert host.state is not None
        for participant in host.state.participants:
            if participant.presence == "waiting" and participant.id not in admitted:
                admitted.add(participant.id)
                await host.send(sig.Admit(type="admit", participant_id=participant.id))


Connector = Callable[[str, Identity], Callable[[], Awaitable[Transport]]]


def in_process(rooms: LiveRooms) -> Connector:
    """Participants on in-memory channels to a room in this process."""

    def connector(room_id: str, identity: Identity) -> Callable[[], Awaitable[Transport]]:
        async def connect() -> Transport:
            return MemoryTransport(rooms.open(room_id, RoomKind.HUDDLE), identity)

        return connect

    return connector


def over_websocket(base: str) -> Connector:
    """Participants on WebSockets to the benchmark server process."""

    def connector(room_id: str, identity: Identity) -> Callable[[], Awaitable[Transport]]:
        url = f"{base}/ws/{room_id}?id={identity.participant_id}&role={identity.role.value}"
        return lambda: WebSocketTransport.connect(url)

    return connector


async def one_round(connector: Connector, room_id: str, size: int, width: int, height: int) -> list[float]:
    """Join times (ms) of ``size`` visitors joining at once a room whose host is already in."""

    def client(identity: Identity, **options: object) -> ParticipantClient:
        return ParticipantClient(connector(room_id, identity), **options)  # type: ignore[arg-type]

    host = client(
        Identity("user-1", Role.HOST, "Host", observer=False),
        video=lambda: SyntheticVideo(width, height),
        audio="synthetic",
    )
    visitors = [
        client(
            Identity(f"user-{100 + n}", Role.VISITOR, f"Visitor {n}", observer=True), video=None, audio=None
        )
        for n in range(size)
    ]
    admitting: asyncio.Task[None] | None = None
    try:
        await host.join()
        await host.wait_until(lambda: (me := host.me()) is not None and me.connected, bound=BOUND)
        admitting = asyncio.create_task(admit_everyone(host))
        await asyncio.gather(*(v.join() for v in visitors))

        def sees_the_host(visitor: ParticipantClient) -> Callable[[], bool]:
            return lambda: visitor.frames_from("user-1", "video") > 0

        await asyncio.gather(*(v.wait_until(sees_the_host(v), bound=BOUND) for v in visitors))
        return [(v.first_frame_at[("user-1", "video")] - (v.join_sent_at or 0.0)) * 1000.0 for v in visitors]
    finally:
        if admitting is not None:
            admitting.cancel()
            await asyncio.gather(admitting, return_exceptions=True)
        for participant in (*visitors, host):
            await participant.close()


async def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="1,2,5,10,20")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--width", type=int, default=640)
    parser.add_argument("--height", type=int, default=480)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON too")
    parser.add_argument("--in-process", action="store_true", help="run the server in this process")
    args = parser.parse_args()
    use_loopback_only()
    sizes = [int(s) for s in args.sizes.split(",")]

    rooms = LiveRooms()
    server: subprocess.Popen[bytes] | None = None
    if args.in_process:
        connector = in_process(rooms)
    else:
        port = free_port()
        # Started before any media flows; the blocking call is over in milliseconds.
        server = subprocess.Popen([sys.executable, str(Path(__file__)), "--serve", str(port)])  # noqa: ASYNC220
        await wait_for_port(port, BOUND, server.poll)
        connector = over_websocket(f"ws://127.0.0.1:{port}")
    baseline: list[float] = []
    results: dict[int, list[float]] = {}
    server_cpu: dict[int, float] = {}  # seconds of the server process's CPU per size, all rounds
    try:
        for round_number in range(args.rounds):
            # A new room each time: nothing carries over from one measurement to the next.
            baseline += await one_round(connector, f"r{round_number}-base", 1, args.width, args.height)
            for size in sizes:
                room_id = f"r{round_number}-{size}"
                before = process_cpu_seconds(server.pid if server else os.getpid())
                results.setdefault(size, []).extend(
                    await one_round(connector, room_id, size, args.width, args.height)
                )
                spent = process_cpu_seconds(server.pid if server else os.getpid()) - before
                server_cpu[size] = server_cpu.get(size, 0.0) + spent
                await rooms.close_all()
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=15)
    where = "in this process" if args.in_process else "in its own process, over WebSockets"
    base = statistics.median(baseline)
    print(
        f"join time to first decoded {args.width}x{args.height} frame, {args.rounds} rounds per size, "
        f"server {where}"
    )
    print(f"baseline (1 visitor, interleaved with every size): median {base:.0f} ms")
    print(
        f"{'joining at once':>16} {'median ms':>10} {'p90 ms':>8} {'max ms':>8} {'median / baseline':>18}"
        f" {'server CPU ms per join':>23}"
    )
    table = {}
    for size in sizes:
        times = results[size]
        median = statistics.median(times)
        per_join = server_cpu[size] * 1000.0 / (size * args.rounds)
        table[size] = {
            "median_ms": median,
            "p90_ms": percentile(times, 0.9),
            "max_ms": max(times),
            "server_cpu_ms_per_join": per_join,
        }
        print(
            f"{size:>16} {median:>10.0f} {percentile(times, 0.9):>8.0f} {max(times):>8.0f} "
            f"{median / base:>18.2f} {per_join:>23.0f}"
        )
    if not args.in_process:
        print(
            "(server CPU per join: the server process's CPU time over the whole round, the host's media "
            "and the teardown included, divided by the visitors who joined)"
        )
    if args.json:
        print(json.dumps({"baseline_median_ms": base, "sizes": table}))


# ----------------------------------------------------------------------------- the server process


def serve(port: int) -> None:
    """The benchmark's server: live rooms behind a bare WebSocket (identity from the URL: bench only)."""
    use_loopback_only()
    rooms = LiveRooms()

    async def socket_handler(request: web.Request) -> web.StreamResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        role = Role(request.query["role"])
        participant_id = request.query["id"]
        identity = Identity(participant_id, role, participant_id, observer=False)
        live = rooms.open(request.match_info["room"], RoomKind.HUDDLE)
        await live.serve(identity, WebSocketChannel(ws), text_frames(ws))
        await ws.close()
        return ws

    app = web.Application()
    app.router.add_get("/ws/{room}", socket_handler)
    web.run_app(app, host="127.0.0.1", port=port, print=None, handle_signals=True)


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--serve":
        serve(int(sys.argv[2]))
    else:
        started = time.perf_counter()
        asyncio.run(main())
        print(f"({time.perf_counter() - started:.0f} s)")
