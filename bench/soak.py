"""Soak run: participants joining, dropping, reconnecting and leaving live sessions for a bounded time
(10 minutes by default) on a local cluster, while the nodes' memory, tasks, sockets and peer connections
are sampled. Loopback only.

Run: .venv/bin/python bench/soak.py [--minutes 10] [--rooms 3] [--visitors 3] [--nodes 2]
     [--heap-profile] [--untrimmed-baseline]

Set-up: a fresh PostgreSQL database (``rounds_soak_<random>``, made and dropped by the tests' helpers)
seeded through the services: one preceptor per room and ``--visitors`` enrolled visitors each,
invited to a huddle that is open now, and one more huddle of the first room's block whose host never
comes; ``--nodes`` real ``rounds serve`` processes sharing it and Redis (database 13), each with a host
grace time of 5 s so that rooms whose host left, or that nobody is in, close within the run.

The participants (Python clients in this process, over WebSockets to a node picked at random for each
connection, as a load balancer would): each host publishes video and audio, admits whoever waits, and
now and then drops and comes back; each visitor publishes audio and, again and again, stays 5-20 s,
then either leaves politely and joins again, or loses its connection and reconnects. One more visitor
keeps going to the huddle whose host never comes: waits 5-20 s in its waiting room and leaves, and now
and then opens the session's socket without joining at all. Every 15 s the run reads each node's
``GET /api/v1/health`` (counts and memory, shown to callers on the machine).

At the end everyone leaves. The run then checks, and prints:
* no leak: on every node no participant, socket or peer connection is left, the rooms have closed, and
  asyncio tasks are back to where they were before the first join;
* flat memory: the median resident size (RSS, from the health samples) of the run's second half must
  be within :data:`RESIDENT_GROWTH_LIMIT` of the first half's (the first two minutes are warm-up).
  ``--untrimmed-baseline`` runs the last node without the periodic heap trimming
  (``ROUNDS_HEAP_TRIM_SECONDS=0``), for a comparison in the same run; its RSS is reported, not judged.
  With ``--heap-profile`` each node runs under memray instead, which records the bytes its live
  allocations hold (the *live heap*: what a leak grows) every few milliseconds; then the live heap's
  median must be within :data:`LIVE_HEAP_GROWTH_LIMIT` from the first half to the second, and RSS is
  only reported (memray's own records grow with the run and are part of it);
* the logs: every WARNING and ERROR the nodes logged, by message; an ERROR is a failure.
Exit status 1 if any check fails.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import re
import statistics
import sys
import tempfile
import time
import urllib.request
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("ROUNDS_TEST_REDIS_URL", "redis://127.0.0.1:6379/13")

from sessions import signaling as sig  # noqa: E402
from sessions.client import ParticipantClient, Transport  # noqa: E402
from tests.support.cluster import LocalCluster, connect_to  # noqa: E402
from tests.support.databases import create_postgres_database, drop_postgres_database  # noqa: E402
from tests.support.processes import Credentials, Served, log_in  # noqa: E402

PASSWORD = "soak-password-2026"
SAMPLE_SECONDS = 15.0
STAY_SECONDS = (5.0, 20.0)
TASKS_SLACK = 3  # background tasks that may come and go (e.g. a pending database ping)
WARM_UP_SECONDS = 120.0  # first joins, first connections, caches filling: not compared
#: Allowed growth of the live heap's median from the first half of the run (after warm-up) to the
#: second. Its median moves by well under 1 % between halves of a healthy run (which participants
#: happen to be connected at the samples), while a leak of one peer connection's worth per cycle
#: (~20 KB, hundreds of cycles) adds several percent.
LIVE_HEAP_GROWTH_LIMIT = 0.02
#: Allowed growth of the resident size's median, first half to second, on a node that trims its heap.
#: Healthy runs move by well under 1 %; a leak of a peer connection per cycle adds several percent.
RESIDENT_GROWTH_LIMIT = 0.03


@dataclass
class Sample:
    at: float
    node: str
    stats: dict[str, int]


@dataclass
class Tally:
    joins: int = 0
    leaves: int = 0
    drops: int = 0
    reconnects: int = 0
    waits: int = 0  # joins of the huddle whose host never comes
    unjoined: int = 0  # sockets opened and closed without a join
    failures: Counter[str] = field(default_factory=Counter)


# --- the database --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Seeded:
    """What the run's participants need: per room, its preceptor's email, its visitors' emails and its
    huddle's id (open now); and the huddle whose host never comes, with a visitor invited to it."""

    rooms: list[tuple[str, list[str], int]]
    hostless_visit: int
    hostless_visitor: str


async def seed(url: str, rooms: int, visitors: int) -> Seeded:
    from bench.seeding import create_account, create_program_with_block, enroll_visitor, next_monday
    from server.db.engine import make_engine, make_sessionmaker
    from server.db.uow import UnitOfWorkFactory
    from server.domain.actors import Actor
    from server.domain.vocab import Role
    from server.schemas.visits import VisitIn
    from server.services import visits

    engine = make_engine(url)  # created migrated by create_postgres_database
    uows = UnitOfWorkFactory(make_sessionmaker(engine))
    now = uows.clock()
    out = []
    hostless: tuple[int, str] | None = None

    async def huddle(preceptor: Actor, block_id: int, title: str, visitor_ids: list[int]) -> int:
        """Schedule a four-hour huddle starting in five minutes (its room can be joined now)."""
        body = {
            "block_id": block_id,
            "kind": "huddle",
            "title": title,
            "starts_at": now + timedelta(minutes=5),
            "duration_minutes": 240,
            "visitor_ids": visitor_ids,
        }
        return (await visits.schedule_visit(uows(), preceptor, VisitIn.model_validate(body))).id

    try:
        coordinator = await create_account(uows, "coordinator@soak.test", Role.COORDINATOR, "C", PASSWORD)
        first_day = next_monday(now.date())
        for r in range(rooms):
            preceptor = await create_account(
                uows, f"preceptor{r}@soak.test", Role.PRECEPTOR, f"Dr. Soak {r}", PASSWORD
            )
            block = await create_program_with_block(
                uows, coordinator, preceptor, f"Soak Observership {r}", capacity=visitors, first_day=first_day
            )
            enrolled = [
                await enroll_visitor(
                    uows,
                    coordinator,
                    block.program_id,
                    block.block_id,
                    email=f"visitor{r}-{v}@soak.test",
                    full_name=f"Visitor {r}-{v}",
                    password=PASSWORD,
                )
                for v in range(visitors)
            ]
            ids = [visitor.user_id for visitor in enrolled]
            visit = await huddle(preceptor, block.block_id, f"Soak huddle {r}", ids)
            out.append((preceptor.email, [visitor.email for visitor in enrolled], visit))
            if hostless is None:
                title = "Soak huddle whose host never comes"
                hostless = (await huddle(preceptor, block.block_id, title, ids[:1]), enrolled[0].email)
        assert hostless is not None, "the soak needs at least one room"
        return Seeded(out, *hostless)
    finally:
        await engine.dispose()


# --- sampling ------------------------------------------------------------------------------------


def health(node: Served) -> dict[str, Any]:
    with urllib.request.urlopen(node.base_url + "/api/v1/health", timeout=10) as response:
        body: dict[str, Any] = json.load(response)
    return body


async def sampler(cluster: LocalCluster, samples: list[Sample], stop: asyncio.Event) -> None:
    started = time.monotonic()
    while not stop.is_set():
        for name, node in cluster.nodes.items():
            stats = (await asyncio.to_thread(health, node))["stats"]
            samples.append(Sample(time.monotonic() - started, name, stats))
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), SAMPLE_SECONDS)


# --- participants --------------------------------------------------------------------------------


def any_node(cluster: LocalCluster) -> Any:
    def choose() -> Served:
        return random.choice(cluster.alive())

    return choose


async def host_loop(client: ParticipantClient, deadline: float, tally: Tally) -> None:
    """Admit whoever waits; now and then lose the connection and come back."""
    next_drop = time.monotonic() + random.uniform(60, 120)
    admitted: set[str] = set()
    while time.monotonic() < deadline:
        state = client.state
        for participant in state.participants if state else []:
            if participant.presence == "waiting" and participant.id not in admitted:
                admitted.add(participant.id)
                with contextlib.suppress(ConnectionError):
                    await client.send(sig.Admit(type="admit", participant_id=participant.id))
            elif participant.presence != "waiting":
                admitted.discard(participant.id)
        if time.monotonic() > next_drop:
            await client.drop()
            tally.drops += 1
            await asyncio.sleep(random.uniform(0.5, 2.0))
            await client.reconnect()
            tally.reconnects += 1
            next_drop = time.monotonic() + random.uniform(60, 120)
        await asyncio.sleep(0.2)


async def visitor_loop(make: Any, deadline: float, tally: Tally, clients: list[ParticipantClient]) -> None:
    """Join, stay, then leave and come back or drop and reconnect, until the deadline."""
    client: ParticipantClient = make()
    clients.append(client)
    await client.join()
    tally.joins += 1
    while time.monotonic() < deadline:
        await asyncio.sleep(random.uniform(*STAY_SECONDS))
        try:
            if random.random() < 0.5:
                await client.leave()
                tally.leaves += 1
                await asyncio.sleep(random.uniform(1.0, 3.0))
                client = make()
                clients.append(client)
                await client.join()
                tally.joins += 1
            else:
                await client.drop()
                tally.drops += 1
                await asyncio.sleep(random.uniform(0.5, 2.0))
                await client.reconnect()
                tally.reconnects += 1
        except (OSError, TimeoutError, ConnectionError) as exc:
            tally.failures[type(exc).__name__] += 1
            await client.close()
            client = make()
            clients.append(client)
            await client.join()
            tally.joins += 1
    await client.leave()
    tally.leaves += 1


async def waiter_loop(
    connector: Callable[[], Awaitable[Transport]],
    deadline: float,
    tally: Tally,
    clients: list[ParticipantClient],
) -> None:
    """A visitor at a huddle whose host never comes: waits in its waiting room, leaves, comes back;
    now and then opens the session's socket and closes it without joining (a tab closed at once)."""
    while time.monotonic() < deadline:
        await asyncio.sleep(random.uniform(1.0, 3.0))
        try:
            if random.random() < 0.3:
                transport = await connector()
                await asyncio.sleep(random.uniform(0.1, 1.0))
                await transport.close()
                tally.unjoined += 1
                continue
            client = ParticipantClient(connector, video=None)
            clients.append(client)
            await client.join()
            tally.waits += 1
            await asyncio.sleep(random.uniform(*STAY_SECONDS))
            await client.leave()
        except (OSError, TimeoutError, ConnectionError) as exc:
            tally.failures[type(exc).__name__] += 1


# --- the run -------------------------------------------------------------------------------------


def log_lines(node: Served) -> Counter[str]:
    """WARNING and ERROR messages the node logged, by level and message (ids left out)."""
    found: Counter[str] = Counter()
    for line in node.log_text().splitlines():
        if not line.startswith("{"):
            continue
        try:
            record = json.loads(line)
        except ValueError:
            continue
        if record.get("level") in ("WARNING", "ERROR", "CRITICAL"):
            message = re.sub(r"\d+", "N", str(record.get("message", "")))[:120]
            found[f"{record['level']}: {record.get('logger')}: {message}"] += 1
    return found


def slope_mb_per_minute(series: list[tuple[float, int]]) -> float:
    """Least-squares slope of (seconds, bytes) points after warm-up, in MB per minute."""
    points = after_warm_up(series)
    if len(points) < 2:
        return 0.0
    xs = [t / 60 for t, _ in points]
    ys = [rss / 1e6 for _, rss in points]
    mean_x, mean_y = statistics.fmean(xs), statistics.fmean(ys)
    spread = sum((x - mean_x) ** 2 for x in xs)
    return (
        0.0 if spread == 0 else sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True)) / spread
    )


@dataclass
class HeapSeries:
    """A node's live heap and resident size over the run, from memray's snapshots."""

    heap: list[tuple[float, int]]  # (seconds since the node started, bytes)
    rss: list[tuple[float, int]]


def node_command(profile_to: Path | None) -> list[str] | None:
    """``rounds`` under ``memray run`` writing to ``profile_to`` (None: the plain program)."""
    if profile_to is None:
        return None
    # --aggregate keeps only totals and the memory snapshots: a small file however long the run.
    return [
        sys.executable,
        "-m",
        "memray",
        "run",
        "-q",
        "--aggregate",
        "-o",
        str(profile_to),
        "-m",
        "server.cli",
    ]


def read_heap_series(path: Path) -> HeapSeries:
    """The snapshots memray took of a node that has exited."""
    from memray import FileReader

    with FileReader(path) as reader:
        snapshots = list(reader.get_memory_snapshots())
    if not snapshots:
        return HeapSeries([], [])
    started = snapshots[0].time
    return HeapSeries(
        heap=[((s.time - started) / 1000, s.heap) for s in snapshots],
        rss=[((s.time - started) / 1000, s.rss) for s in snapshots],
    )


def after_warm_up(points: list[tuple[float, int]]) -> list[tuple[float, int]]:
    """The (seconds, bytes) points taken once the warm-up was over."""
    return [(t, value) for t, value in points if t >= WARM_UP_SECONDS]


def halves(points: list[tuple[float, int]]) -> tuple[float, float] | None:
    """Median of the first and of the second half of the points after warm-up (None if too few)."""
    kept = after_warm_up(points)
    if len(kept) < 4:
        return None
    middle = kept[0][0] + (kept[-1][0] - kept[0][0]) / 2
    first = [value for t, value in kept if t < middle]
    second = [value for t, value in kept if t >= middle]
    if not first or not second:
        return None
    return statistics.median(first), statistics.median(second)


async def soak(args: argparse.Namespace) -> int:
    url = await create_postgres_database(prefix="rounds_soak_")
    workdir = Path(tempfile.mkdtemp(prefix="rounds-soak-"))
    cluster = LocalCluster(
        url,
        workdir,
        extra_env={
            "ROUNDS_HOST_GRACE_SECONDS": "5",
            # Every simulated browser connects from 127.0.0.1: the per-address cap would refuse most.
            "ROUNDS_MAX_SOCKETS_PER_CLIENT": "100000",
        },
    )
    clients: list[ParticipantClient] = []
    samples: list[Sample] = []
    tally = Tally()
    profiles: dict[str, Path] = {}
    untrimmed_nodes: set[str] = set()
    try:
        seeded = await seed(url, args.rooms, args.visitors)
        for n in range(args.nodes):
            name = chr(ord("a") + n)
            untrimmed = args.untrimmed_baseline and n == args.nodes - 1
            settings = {"ROUNDS_HEAP_TRIM_SECONDS": "0"} if untrimmed else {}
            profile = workdir / f"heap-{name}.bin" if args.heap_profile else None
            await asyncio.to_thread(cluster.start, name, settings, node_command(profile))
            if profile is not None:
                profiles[name] = profile
            if untrimmed:
                untrimmed_nodes.add(name)
        baseline = {name: health(node)["stats"] for name, node in cluster.nodes.items()}
        stop = asyncio.Event()
        sampling = asyncio.create_task(sampler(cluster, samples, stop))
        deadline = time.monotonic() + args.minutes * 60
        names = list(cluster.nodes)
        hosts, visitors = [], []
        for host_email, visitor_emails, visit in seeded.rooms:
            login = await asyncio.to_thread(
                log_in, cluster.nodes[random.choice(names)].base_url, host_email, PASSWORD
            )
            host = ParticipantClient(connect_to(any_node(cluster), visit, login), audio="synthetic")
            clients.append(host)
            await host.join()
            tally.joins += 1
            hosts.append(asyncio.create_task(host_loop(host, deadline, tally)))
            for email in visitor_emails:
                credentials: Credentials = await asyncio.to_thread(
                    log_in, cluster.nodes[random.choice(names)].base_url, email, PASSWORD
                )

                def make(credentials: Credentials = credentials, visit: int = visit) -> ParticipantClient:
                    return ParticipantClient(connect_to(any_node(cluster), visit, credentials), video=None)

                visitors.append(asyncio.create_task(visitor_loop(make, deadline, tally, clients)))
        waiter_login = await asyncio.to_thread(
            log_in, cluster.nodes[random.choice(names)].base_url, seeded.hostless_visitor, PASSWORD
        )
        waiter = connect_to(any_node(cluster), seeded.hostless_visit, waiter_login)
        visitors.append(asyncio.create_task(waiter_loop(waiter, deadline, tally, clients)))
        await asyncio.gather(*visitors)
        for task in hosts:
            await task
        for client in clients:
            if client.transport is not None:
                await client.leave()
        await asyncio.sleep(8)  # the grace time (5 s) passes: every room closes, the hostless one too
        stop.set()
        await sampling
        final = {name: health(node)["stats"] for name, node in cluster.nodes.items()}
        await asyncio.to_thread(cluster.stop_all)  # memray completes its files as the nodes exit
        heaps = {name: read_heap_series(path) for name, path in profiles.items()}
        return report(args, baseline, final, samples, tally, cluster, heaps, untrimmed_nodes)
    finally:
        for client in clients:
            await client.close()
        await asyncio.to_thread(cluster.stop_all)
        await drop_postgres_database(url)


def report(
    args: argparse.Namespace,
    baseline: dict[str, dict[str, int]],
    final: dict[str, dict[str, int]],
    samples: list[Sample],
    tally: Tally,
    cluster: LocalCluster,
    heaps: dict[str, HeapSeries],
    untrimmed_nodes: set[str],
) -> int:
    failed = []
    shape = f"{args.rooms} rooms x (1 host + {args.visitors} visitors), {args.nodes} nodes"
    print(f"\nSoak: {args.minutes} min, {shape}")
    print(
        f"participants: {tally.joins} joins, {tally.leaves} leaves, {tally.drops} drops, "
        f"{tally.reconnects} reconnects, failures {dict(tally.failures) or 'none'}; at the huddle "
        f"whose host never comes: {tally.waits} waits, {tally.unjoined} sockets closed without a join"
    )
    header = ("node", "t (s)", "rooms", "people", "pcs", "sockets", "tasks", "RSS MB")
    print("\n{:6} {:>7} {:>6} {:>7} {:>5} {:>8} {:>6} {:>8}".format(*header))
    for s in samples:
        st = s.stats
        print(
            f"{s.node:6} {s.at:7.0f} {st['rooms']:6} {st['participants']:7} {st['peer_connections']:5} "
            f"{st['sockets']:8} {st['tasks']:6} {st['rss_bytes'] / 1e6:8.1f}"
        )
    print("\nAt the end (after everyone left):")
    for name, stats in final.items():
        before = baseline[name]
        left = {k: stats[k] for k in ("rooms", "participants", "peer_connections", "sockets")}
        print(f"  node {name}: {left}, tasks {stats['tasks']} (before the first join: {before['tasks']})")
        if any(left.values()):
            failed.append(f"node {name} kept {left}")
        if stats["tasks"] > before["tasks"] + TASKS_SLACK:
            failed.append(f"node {name} has {stats['tasks']} tasks, {before['tasks']} before")
        failed += report_resident(args, name, samples, stats, untrimmed=name in untrimmed_nodes)
    failed += report_heaps(args, heaps)
    print("\nWarnings and errors the nodes logged:")
    for name, node in cluster.nodes.items():
        lines = log_lines(node)
        for line, count in sorted(lines.items()):
            print(f"  node {name}: {count:5} x {line}")
            if line.startswith(("ERROR", "CRITICAL")):
                failed.append(f"node {name} logged {line}")
        if "Traceback" in node.log_text():
            failed.append(f"node {name} logged a traceback")
        if not lines:
            print(f"  node {name}: none")
    print("\nResult:", "PASSED" if not failed else "FAILED\n  " + "\n  ".join(failed))
    print(f"(at {datetime.now(UTC):%Y-%m-%d %H:%M} UTC; node logs in {cluster.workdir})")
    return 1 if failed else 0


def report_resident(
    args: argparse.Namespace, name: str, samples: list[Sample], stats: dict[str, int], *, untrimmed: bool
) -> list[str]:
    """Print a node's resident size, first half of the run against second (after warm-up); the
    failure when a node that trims its heap, not under memray, grew past the limit."""
    points = [(s.at, s.stats["rss_bytes"]) for s in samples if s.node == name]
    medians = halves(points)
    if medians is None:
        print(f"  node {name}: the run is too short to compare two halves of its RSS after warm-up")
        return []
    growth = medians[1] / medians[0] - 1
    trimming = (
        "no heap trimming (the baseline: reported, not judged)"
        if untrimmed
        else f"{stats['heap_trims']} heap trims gave back {stats['heap_released_bytes'] / 1e6:.1f} MB"
    )
    print(
        f"  node {name}: RSS {medians[0] / 1e6:.1f} -> {medians[1] / 1e6:.1f} MB ({growth:+.1%}, slope "
        f"{slope_mb_per_minute(points):+.2f} MB/min), medians of the halves after {WARM_UP_SECONDS:.0f} s; "
        f"{trimming}"
    )
    if untrimmed or args.heap_profile or growth <= RESIDENT_GROWTH_LIMIT:
        return []
    return [
        f"node {name}'s resident size grew {growth:+.1%} from the first half of the run to the second "
        f"(limit {RESIDENT_GROWTH_LIMIT:.0%})"
    ]


def report_heaps(args: argparse.Namespace, heaps: dict[str, HeapSeries]) -> list[str]:
    """Print each node's live heap and resident size, first half against second; the failures."""
    if not heaps:
        print("\nLive heap: not profiled (--heap-profile runs the nodes under memray)")
        return []
    failed = []
    print(f"\nLive heap and resident size (memray), medians after the first {WARM_UP_SECONDS:.0f} s:")
    for name, series in heaps.items():
        heap, rss = halves(series.heap), halves(series.rss)
        if heap is None or rss is None:
            print(f"  node {name}: the run is too short to compare two halves after warm-up")
            continue
        heap_growth, rss_growth = heap[1] / heap[0] - 1, rss[1] / rss[0] - 1
        print(
            f"  node {name}: live heap {heap[0] / 1e6:.1f} -> {heap[1] / 1e6:.1f} MB ({heap_growth:+.1%}, "
            f"slope {slope_mb_per_minute(series.heap):+.2f} MB/min); RSS {rss[0] / 1e6:.1f} -> "
            f"{rss[1] / 1e6:.1f} MB ({rss_growth:+.1%}, slope {slope_mb_per_minute(series.rss):+.2f} MB/min)"
        )
        if heap_growth > LIVE_HEAP_GROWTH_LIMIT:
            failed.append(
                f"node {name}'s live heap grew {heap_growth:+.1%} from the first half of the run to the "
                f"second (limit {LIVE_HEAP_GROWTH_LIMIT:.0%}): a leak?"
            )
    return failed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--rooms", type=int, default=3)
    parser.add_argument("--visitors", type=int, default=3)
    parser.add_argument("--nodes", type=int, default=2, choices=[1, 2, 3])
    parser.add_argument("--seed", type=int, default=20261125, help="random seed (the run's choices)")
    parser.add_argument(
        "--heap-profile",
        action=argparse.BooleanOptionalAction,
        default=False,
        help="run the nodes under memray and judge their live heap instead of their RSS (default: off)",
    )
    parser.add_argument(
        "--untrimmed-baseline",
        action="store_true",
        help="the last node does not trim its heap (ROUNDS_HEAP_TRIM_SECONDS=0): a baseline in the same run",
    )
    args = parser.parse_args()
    random.seed(args.seed)
    raise SystemExit(asyncio.run(soak(args)))


if __name__ == "__main__":
    main()
