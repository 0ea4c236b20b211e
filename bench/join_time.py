"""Join time: from a participant's ``join`` message to the first decoded frame of the host's video,
for 1 to 20 participants joining a live room at once.

Run: .venv/bin/python bench/join_time.py [--sizes 1,2,5,10,20] [--rounds 3] [--width 640 --height 480]

Everything is in this one process on loopback (ICE servers empty, aioice limited to 127.0.0.1): a
:class:`sessions.live.LiveRoom` (the same engine the WebSocket serves), a host publishing a synthetic
video at 30 fps and admitting everyone who waits (as a preceptor watching the waiting room would),
and N visitors (:class:`sessions.client.ParticipantClient` over in-memory channels carrying the
protocol's JSON frames) who join at the same moment. A visitor's join time runs from sending
``join`` — welcome, offer/answer, ICE and DTLS, waiting room, admission, the server's offer for the
forwarded tracks, a keyframe — to its first *decoded* frame of the host's video.

The same-run baseline is one visitor joining an empty-but-for-the-host room: the figures for N are
also given as a ratio to it, since these machines are noisy. Every participant here also decodes
video in this process, so large N measures a 2-core machine doing the work of N+1 computers.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sessions import signaling as sig  # noqa: E402
from sessions.client import ParticipantClient  # noqa: E402
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


async def one_round(size: int, width: int, height: int) -> list[float]:
    """Join times (ms) of ``size`` visitors joining at once a room whose host is already in."""
    rooms = LiveRooms()
    live = rooms.open("bench", RoomKind.HUDDLE)

    def client(identity: Identity, **options: object) -> ParticipantClient:
        async def connect() -> MemoryTransport:
            return MemoryTransport(live, identity)

        return ParticipantClient(connect, **options)  # type: ignore[arg-type]

    host = client(
        Identity("user-1", Role.HOST, "Host"), video=lambda: SyntheticVideo(width, height), audio="synthetic"
    )
    visitors = [
        client(Identity(f"user-{100 + n}", Role.VISITOR, f"Visitor {n}"), video=None, audio=None)
        for n in range(size)
    ]
    admitting: asyncio.Task[None] | None = None
    try:
        await host.join()
        await host.wait_until(lambda: (me := host.me()) is not None and me.connected, bound=BOUND)
        admitting = asyncio.create_task(admit_everyone(host))
        await asyncio.gather(*(v.join() for v in visitors))
        await asyncio.gather(
            *(v.wait_until(lambda v=v: v.frames_from("user-1", "video") > 0, bound=BOUND) for v in visitors)
        )
        return [(v.first_frame_at[("user-1", "video")] - (v.join_sent_at or 0.0)) * 1000.0 for v in visitors]
    finally:
        if admitting is not None:
            admitting.cancel()
            await asyncio.gather(admitting, return_exceptions=True)
        for participant in (*visitors, host):
            await participant.close()
        await rooms.close_all()


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


async def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="1,2,5,10,20")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--width", type=int, default=640)
    parser.add_argument("--height", type=int, default=480)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON too")
    args = parser.parse_args()
    use_loopback_only()
    sizes = [int(s) for s in args.sizes.split(",")]

    baseline: list[float] = []
    results: dict[int, list[float]] = {}
    for _ in range(args.rounds):
        baseline += await one_round(1, args.width, args.height)  # the same-run baseline
        for size in sizes:
            results.setdefault(size, []).extend(await one_round(size, args.width, args.height))
    base = statistics.median(baseline)
    print(f"join time to first decoded {args.width}x{args.height} frame, {args.rounds} rounds per size")
    print(f"baseline (1 visitor, interleaved with every size): median {base:.0f} ms")
    print(f"{'joining at once':>16} {'median ms':>10} {'p90 ms':>8} {'max ms':>8} {'median / baseline':>18}")
    table = {}
    for size in sizes:
        times = results[size]
        median = statistics.median(times)
        table[size] = {"median_ms": median, "p90_ms": percentile(times, 0.9), "max_ms": max(times)}
        print(
            f"{size:>16} {median:>10.0f} {percentile(times, 0.9):>8.0f} {max(times):>8.0f} "
            f"{median / base:>18.2f}"
        )
    if args.json:
        print(json.dumps({"baseline_median_ms": base, "sizes": table}))


if __name__ == "__main__":
    started = time.perf_counter()
    asyncio.run(main())
    print(f"({time.perf_counter() - started:.0f} s)")
