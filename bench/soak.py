"""Soak run: participants joining, dropping, reconnecting and leaving live sessions for a bounded time
(10 minutes by default) on a local cluster, while the nodes' memory, tasks, sockets and peer connections
are sampled. Loopback only.

Run: .venv/bin/python bench/soak.py [--minutes 10] [--rooms 3] [--visitors 3] [--nodes 2]

Set-up: a fresh PostgreSQL database (``rounds_soak_<random>``, made and dropped by the tests' helpers)
seeded through the services: one preceptor per room and ``--visitors`` enrolled visitors each,
invited to a huddle that is open now; ``--nodes`` real ``rounds serve`` processes sharing it and
Redis (database 13), each with a host grace time of 5 s so that rooms whose host left close within
the run.

The participants (Python clients in this process, over WebSockets to a node picked at random for each
connection, as a load balancer would): each host publishes video and audio, admits whoever waits, and
now and then drops and comes back; each visitor publishes audio and, again and again, stays 5-20 s,
then either leaves politely and joins again, or loses its connection and reconnects. Every 15 s the run
reads each node's ``GET /api/v1/health`` (counts and memory, shown to callers on the machine).

At the end everyone leaves. The run then checks, and prints:
* no leak: on every node no participant, socket or peer connection is left, the rooms have closed, and
  asyncio tasks are back to where they were before the first join;
* flat memory: the resident memory's growth from the second minute to the last, and its slope;
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
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("ROUNDS_TEST_REDIS_URL", "redis://127.0.0.1:6379/13")

from sessions import signaling as sig  # noqa: E402
from sessions.client import ParticipantClient  # noqa: E402
from tests.support.cluster import LocalCluster, connect_to  # noqa: E402
from tests.support.databases import create_postgres_database, drop_postgres_database  # noqa: E402
from tests.support.processes import Credentials, Served, log_in  # noqa: E402

PASSWORD = "soak-password-2026"
SAMPLE_SECONDS = 15.0
STAY_SECONDS = (5.0, 20.0)
TASKS_SLACK = 3  # background tasks that may come and go (e.g. a pending database ping)


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
    failures: Counter[str] = field(default_factory=Counter)


# --- the database --------------------------------------------------------------------------------


async def seed(url: str, rooms: int, visitors: int) -> list[tuple[str, list[str], int]]:
    """Per room: its preceptor's email, its visitors' emails and its huddle's id (open now)."""
    from seeding import create_account, create_program_with_block, enroll_visitor, next_monday

    from server.db.engine import make_engine, make_sessionmaker
    from server.db.uow import UnitOfWorkFactory
    from server.domain.vocab import Role
    from server.schemas_visits import VisitIn
    from server.services import visits

    engine = make_engine(url)  # created migrated by create_postgres_database
    uows = UnitOfWorkFactory(make_sessionmaker(engine))
    out = []
    try:
        coordinator = await create_account(uows, "coordinator@soak.test", Role.COORDINATOR, "C", PASSWORD)
        now = uows.clock()
        first_day = next_monday(now.date())
        for r in range(rooms):
            preceptor = await create_account(
                uows, f"preceptor{r}@soak.test", Role.PRECEPTOR, f"Dr. Soak {r}", PASSWORD
            )
            seeded = await create_program_with_block(
                uows, coordinator, preceptor, f"Soak Observership {r}", capacity=visitors, first_day=first_day
            )
            enrolled = [
                await enroll_visitor(
                    uows,
                    coordinator,
                    seeded.program_id,
                    seeded.block_id,
                    email=f"visitor{r}-{v}@soak.test",
                    full_name=f"Visitor {r}-{v}",
                    password=PASSWORD,
                )
                for v in range(visitors)
            ]
            huddle = await visits.schedule_visit(
                uows(),
                preceptor,
                VisitIn.model_validate(
                    {
                        "block_id": seeded.block_id,
                        "kind": "huddle",
                        "title": f"Soak huddle {r}",
                        "starts_at": now + timedelta(minutes=5),
                        "duration_minutes": 240,
                        "visitor_ids": [visitor.user_id for visitor in enrolled],
                    }
                ),
            )
            out.append((preceptor.email, [visitor.email for visitor in enrolled], huddle.id))
        return out
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


def slope_mb_per_minute(points: list[tuple[float, int]]) -> float:
    if len(points) < 2:
        return 0.0
    xs = [t / 60 for t, _ in points]
    ys = [rss / 1e6 for _, rss in points]
    mean_x, mean_y = statistics.fmean(xs), statistics.fmean(ys)
    spread = sum((x - mean_x) ** 2 for x in xs)
    return (
        0.0 if spread == 0 else sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True)) / spread
    )


async def soak(args: argparse.Namespace) -> int:
    url = await create_postgres_database(prefix="rounds_soak_")
    workdir = Path(tempfile.mkdtemp(prefix="rounds-soak-"))
    cluster = LocalCluster(url, workdir, extra_env={"ROUNDS_HOST_GRACE_SECONDS": "5"})
    clients: list[ParticipantClient] = []
    samples: list[Sample] = []
    tally = Tally()
    try:
        rooms = await seed(url, args.rooms, args.visitors)
        for n in range(args.nodes):
            await asyncio.to_thread(cluster.start, chr(ord("a") + n))
        baseline = {name: health(node)["stats"] for name, node in cluster.nodes.items()}
        stop = asyncio.Event()
        sampling = asyncio.create_task(sampler(cluster, samples, stop))
        deadline = time.monotonic() + args.minutes * 60
        names = list(cluster.nodes)
        hosts, visitors = [], []
        for host_email, visitor_emails, visit in rooms:
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
        await asyncio.gather(*visitors)
        for task in hosts:
            await task
        for client in clients:
            if client.transport is not None:
                await client.leave()
        await asyncio.sleep(8)  # the host grace time (5 s) passes: every room closes
        stop.set()
        await sampling
        final = {name: health(node)["stats"] for name, node in cluster.nodes.items()}
        return report(args, baseline, final, samples, tally, cluster)
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
) -> int:
    failed = []
    shape = f"{args.rooms} rooms x (1 host + {args.visitors} visitors), {args.nodes} nodes"
    print(f"\nSoak: {args.minutes} min, {shape}")
    print(
        f"participants: {tally.joins} joins, {tally.leaves} leaves, {tally.drops} drops, "
        f"{tally.reconnects} reconnects, failures {dict(tally.failures) or 'none'}"
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
        points = [(s.at, s.stats["rss_bytes"]) for s in samples if s.node == name and s.at >= 60]
        if points:
            second_minute = [rss for t, rss in points if t < 120] or [points[0][1]]
            last_minute = [rss for t, rss in points if t >= points[-1][0] - 60]
            growth = statistics.median(last_minute) / statistics.median(second_minute) - 1
            print(
                f"  node {name}: RSS {statistics.median(second_minute) / 1e6:.1f} MB (2nd minute) -> "
                f"{statistics.median(last_minute) / 1e6:.1f} MB (last minute), {growth:+.1%}; "
                f"slope {slope_mb_per_minute(points):+.2f} MB/min"
            )
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--rooms", type=int, default=3)
    parser.add_argument("--visitors", type=int, default=3)
    parser.add_argument("--nodes", type=int, default=2, choices=[1, 2, 3])
    parser.add_argument("--seed", type=int, default=20261125, help="random seed (the run's choices)")
    args = parser.parse_args()
    random.seed(args.seed)
    raise SystemExit(asyncio.run(soak(args)))


if __name__ == "__main__":
    main()
