"""Issue 6, item 4: restarting PostgreSQL or Redis under load loses no acknowledged write, and while an
engine is away Rounds answers 503 with a retry hint, never 500 and never a hang; when it is back, Rounds
recovers by itself.

Real engines, but private ones (``tests/support/engines.py``): a PostgreSQL cluster and a Redis of this
module's own on free ports, so taking them away disturbs no one else. The demo is loaded once; each
test starts real ``rounds serve`` processes on it and drives them over HTTP and WebSockets:

* PostgreSQL goes away (a fast shutdown; a SIGKILL of the postmaster) while several clients save case
  logs as the demo visitor: every write answered 2xx is in the database afterwards, every other answer
  is a 503 with Retry-After, and writes succeed again after PostgreSQL starts, without restarting Rounds.
  Once with a single process, once with a node sharing Redis.
* Redis goes away under the two nodes of a cluster: the API, which does not need Redis, keeps
  answering; a live-session WebSocket is refused before the upgrade with a 503 and Retry-After; once
  Redis is back the nodes beat again and participants on both nodes share a room.
* Redis dies and starts again empty under a live session spanning two nodes (issue 18, item 12): the
  room's node claims it back, so a visitor joining again lands in the host's room and media flows.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import time
import urllib.request
from collections import Counter
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
import asyncpg
import pytest

from server.cluster import names
from server.db import models
from sessions import signaling as sig
from sessions.client import ParticipantClient
from tests.conftest import IN_CI
from tests.support.cluster import AMARA, DEMO_PASSWORD, PRECEPTOR, connect_to, open_huddle
from tests.support.databases import asyncpg_dsn
from tests.support.engines import PrivatePostgres, PrivateRedis, postgres_problem, redis_problem
from tests.support.processes import (
    Credentials,
    Served,
    clean_env,
    exit_problems,
    log_in,
    run_rounds,
    serve,
)

pytestmark = [pytest.mark.slow, pytest.mark.postgres]

#: No answer may take longer than this: past it the request counts as a hang (generous on purpose).
REQUEST_BOUND_SECONDS = 20.0
#: How long an engine stays away.
OUTAGE_SECONDS = 4.0
#: After the engine is back, how long Rounds may take to serve writes (or beat) again by itself.
RECOVERY_BOUND_SECONDS = 30.0
#: How long the load runs before the engine goes away.
STEADY_SECONDS = 2.0
#: Concurrent API clients writing and reading while the engine goes away.
LOAD_CLIENTS = 6
SECRET_KEY = "engine-restart-test-secret-key-shared-by-every-node"
ENCOUNTER = {"week": 1, "kind": "patient_visit", "setting": "telehealth_video"}
CASE_LOG = {
    "age_band": "40-49",
    "sex": "female",
    "visit_type": "follow_up",
    "chief_complaint": "Follow-up of hypertension",
    "note": "BP 138/86 on amlodipine 5 mg daily; no headache or chest pain.",
    "minutes": 20,
    "complexity": "low",
    "participation": ["observed"],
    "diagnoses": ["I10"],
    "submit": False,
}


# --- the private engines and the demo, once for the module -----------------------------------------


@dataclass
class Engines:
    """The module's private PostgreSQL (with the migrated demo database) and Redis."""

    postgres: PrivatePostgres
    redis: PrivateRedis
    database_url: str
    workdir: Path

    def env(self, *, cluster: bool, node_id: str | None = None) -> dict[str, str]:
        """A Rounds process's environment: the private database, and the private Redis for a node."""
        settings = {
            "ROUNDS_DATABASE_URL": self.database_url,
            "ROUNDS_DATA_DIR": str(self.workdir / "data"),
            "ROUNDS_SECRET_KEY": SECRET_KEY,
            "ROUNDS_DRAIN_SECONDS": "1",
        }
        if cluster:
            settings["ROUNDS_REDIS_URL"] = self.redis.url()
        if node_id is not None:
            settings["ROUNDS_NODE_ID"] = node_id
        return clean_env(**settings)

    def ensure_running(self) -> None:
        """Bring back whatever a failed test left stopped, for the next test."""
        self.postgres.start()
        self.redis.start()


@pytest.fixture(scope="module")
def engines(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engines]:
    """A private PostgreSQL with the demo loaded and a private Redis, for the whole module; skipped
    (failed under CI) when their programs are not installed."""
    problems = [p for p in (postgres_problem(), redis_problem()) if p is not None]
    if problems:
        message = "; ".join(problems)
        if IN_CI:
            pytest.fail(f"{message} (CI must run the engine restart tests)")
        pytest.skip(message)
    workdir = tmp_path_factory.mktemp("engine-restarts")
    with PrivatePostgres() as postgres, PrivateRedis() as redis:
        postgres.start()
        redis.start()
        url = postgres.create_database("rounds")
        found = Engines(postgres, redis, url, workdir)
        done = run_rounds(["demo", "--no-serve"], env=found.env(cluster=False), cwd=workdir, timeout=300)
        assert done.returncode == 0, done.stdout + done.stderr
        yield found


@contextlib.contextmanager
def nodes_running(engines: Engines, node_names: list[str], *, cluster: bool) -> Iterator[dict[str, Served]]:
    """``rounds serve`` processes (nodes of a cluster sharing the private Redis, or one process alone),
    stopped on the way out whatever happened."""
    started: dict[str, Served] = {}
    try:
        for name in node_names:
            env = engines.env(cluster=cluster, node_id=f"restarts-{name}" if cluster else None)
            workdir = engines.workdir
            started[name] = serve(
                env=env, cwd=workdir, log_path=workdir / f"{name}-{time.monotonic_ns()}.log"
            )
        yield started
    finally:
        for served in started.values():
            served.stop(timeout=30)
        engines.ensure_running()


# --- the load: API clients saving case logs ----------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    """One request of the load and what came back (``status`` None: no answer in time, or the
    connection failed)."""

    label: str
    sent: float
    answered: float
    status: int | None
    retry_after: str | None = None
    detail: str = ""


@dataclass
class Load:
    """``LOAD_CLIENTS`` clients, each creating encounters of the visitor's enrollment and logging them
    (a client retries a log whose save was not acknowledged, as a real one would), and reading the
    enrollment's case logs now and then. Every acknowledged write's id is kept."""

    targets: list[tuple[str, Credentials]]  # (base URL, the visitor's login there)
    enrollment_id: int
    outcomes: list[Outcome] = field(default_factory=list)
    encounters: set[int] = field(default_factory=set)
    case_logs: set[int] = field(default_factory=set)
    conflicts_on_retry: int = 0
    stopping: asyncio.Event = field(default_factory=asyncio.Event)

    async def run(self) -> None:
        """Run the clients (spread over the targets) until ``stopping`` is set."""
        cycle = itertools.cycle(self.targets)
        await asyncio.gather(*(self._client(*next(cycle)) for _ in range(LOAD_CLIENTS)))

    def acknowledged_writes_since(self, moment: float) -> int:
        """Writes sent after ``moment`` (monotonic) and answered 201."""
        return sum(
            1 for o in self.outcomes if o.label.startswith("POST") and o.status == 201 and o.sent > moment
        )

    async def _client(self, base_url: str, login: Credentials) -> None:
        api = base_url + "/api/v1"
        timeout = aiohttp.ClientTimeout(total=REQUEST_BOUND_SECONDS)
        pending: list[int] = []  # acknowledged encounters whose log is not acknowledged yet
        async with aiohttp.ClientSession(headers=login.headers(), timeout=timeout) as http:
            for turn in itertools.count():
                if self.stopping.is_set():
                    return
                if pending:
                    encounter_id = pending[0]
                    status, body = await self._call(
                        http, "POST caselog", "POST", f"{api}/encounters/{encounter_id}/caselogs", CASE_LOG
                    )
                    if status == 201:
                        self.case_logs.add(int(body["id"]))
                        pending.pop(0)
                    elif status == 409:  # an earlier unacknowledged try was committed after all
                        self.conflicts_on_retry += 1
                        pending.pop(0)
                else:
                    status, body = await self._call(
                        http,
                        "POST encounter",
                        "POST",
                        f"{api}/enrollments/{self.enrollment_id}/encounters",
                        ENCOUNTER,
                    )
                    if status == 201:
                        self.encounters.add(int(body["id"]))
                        pending.append(int(body["id"]))
                if turn % 3 == 2:
                    status, _ = await self._call(
                        http, "GET caselogs", "GET", f"{api}/enrollments/{self.enrollment_id}/caselogs"
                    )
                await asyncio.sleep(0.05 if status is not None and status < 300 else 0.25)

    async def _call(
        self, http: aiohttp.ClientSession, label: str, method: str, url: str, body: Any = None
    ) -> tuple[int | None, Any]:
        """Send one request and record its outcome; (status, parsed body), or (None, None) when no
        answer came within the bound or the connection failed."""
        sent = time.monotonic()
        try:
            async with http.request(method, url, json=body) as response:
                text = await response.text()
                outcome = Outcome(
                    label,
                    sent,
                    time.monotonic(),
                    response.status,
                    response.headers.get("Retry-After"),
                    text[:300],
                )
                self.outcomes.append(outcome)
                parsed = json.loads(text) if response.content_type == "application/json" else text
                return response.status, parsed
        except (TimeoutError, aiohttp.ClientError, OSError) as exc:
            self.outcomes.append(
                Outcome(label, sent, time.monotonic(), None, detail=f"{type(exc).__name__}: {exc}")
            )
            return None, None

    def improper(self) -> list[Outcome]:
        """Answers that are neither a success nor a 503 with a retry hint (nor the 409 of a retried log
        whose first try was committed unacknowledged): a 500, a hang, a dropped connection, ..."""
        wrong = []
        for o in self.outcomes:
            fine = (
                (o.status is not None and 200 <= o.status < 300)
                or (o.status == 503 and o.retry_after is not None and o.retry_after.isdigit())
                or (o.status == 409 and o.label == "POST caselog")
            )
            if not fine:
                wrong.append(o)
        return wrong

    def summary(self) -> str:
        """Counts by request and status, the slowest answer and the acknowledged writes."""
        counts = Counter((o.label, o.status) for o in self.outcomes)
        slowest = max((o.answered - o.sent for o in self.outcomes), default=0.0)
        return (
            f"{len(self.outcomes)} requests, by (request, status): {dict(sorted(counts.items(), key=str))}; "
            f"slowest answer {slowest:.1f}s; {len(self.encounters)} encounters and {len(self.case_logs)} "
            f"case logs acknowledged; {self.conflicts_on_retry} retried logs found already saved"
        )


def describe(outcomes: list[Outcome], start: float, limit: int = 15) -> str:
    """The first ``limit`` outcomes, one a line, timed from ``start``."""
    return "\n".join(
        f"  t={o.sent - start:6.2f}s +{o.answered - o.sent:5.2f}s {o.label}: {o.status} "
        f"(Retry-After {o.retry_after}) {o.detail[:200]}"
        for o in outcomes[:limit]
    )


async def wait_for(condition: Callable[[], bool], bound: float, what: str) -> None:
    """Poll until ``condition()`` holds; fail naming ``what`` after ``bound`` seconds."""
    deadline = time.monotonic() + bound
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"{what} did not happen within {bound:.0f}s")
        await asyncio.sleep(0.1)


def enrollment_of(base_url: str, login: Credentials) -> int:
    """The visitor's enrollment (in the demo, Amara's observership: the application's id)."""
    request = urllib.request.Request(base_url + "/api/v1/applications", headers=login.headers())
    with urllib.request.urlopen(request, timeout=10) as response:
        applications = json.load(response)
    enrolled = [a for a in applications if a["state"] in ("enrolled", "active")]
    assert enrolled, applications
    return int(enrolled[0]["id"])


async def warm_up(base_url: str, login: Credentials, enrollment_id: int) -> None:
    """One encounter and log before the load: the first log loads the ICD-10-CM code set."""
    timeout = aiohttp.ClientTimeout(total=120)
    async with aiohttp.ClientSession(headers=login.headers(), timeout=timeout) as http:
        async with http.post(
            f"{base_url}/api/v1/enrollments/{enrollment_id}/encounters", json=ENCOUNTER
        ) as made:
            assert made.status == 201, await made.text()
            encounter = await made.json()
        async with http.post(
            f"{base_url}/api/v1/encounters/{encounter['id']}/caselogs", json=CASE_LOG
        ) as logged:
            assert logged.status == 201, await logged.text()


async def stored_ids(database_url: str) -> tuple[set[int], set[int]]:
    """The encounter and case-log ids in the database, read directly."""
    conn = await asyncpg.connect(asyncpg_dsn(database_url), timeout=10)
    try:
        encounters = await conn.fetch(f'SELECT id FROM "{models.EncounterRow.__tablename__}"')
        case_logs = await conn.fetch(f'SELECT id FROM "{models.CaseLogRow.__tablename__}"')
    finally:
        await conn.close()
    return {int(r["id"]) for r in encounters}, {int(r["id"]) for r in case_logs}


# --- PostgreSQL goes away under load ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("how", "cluster"),
    [
        pytest.param("fast", False, id="fast-shutdown-single-process"),
        pytest.param("crash", True, id="crash-node"),
    ],
)
async def test_postgres_restart_under_load_loses_no_acknowledged_write_and_answers_503(
    engines: Engines, how: str, cluster: bool
) -> None:
    """PostgreSQL stops (``fast``) or dies (``crash``) for a few seconds under a writing load, then
    starts again; Rounds is not touched."""
    with nodes_running(engines, ["solo" if not cluster else "node"], cluster=cluster) as nodes:
        (node,) = nodes.values()
        login = await asyncio.to_thread(log_in, node.base_url, AMARA, DEMO_PASSWORD)
        enrollment_id = await asyncio.to_thread(enrollment_of, node.base_url, login)
        await warm_up(node.base_url, login, enrollment_id)

        load = Load([(node.base_url, login)], enrollment_id)
        began = time.monotonic()
        running = asyncio.create_task(load.run())
        try:
            await wait_for(
                lambda: load.acknowledged_writes_since(began) >= 10, 30, "writes before the outage"
            )
            await asyncio.sleep(max(0.0, began + STEADY_SECONDS - time.monotonic()))
            away_from = time.monotonic()
            stop = engines.postgres.crash if how == "crash" else engines.postgres.stop
            await asyncio.to_thread(stop)
            await asyncio.sleep(OUTAGE_SECONDS)
            restart_at = time.monotonic()
            await asyncio.to_thread(engines.postgres.start)
            back_at = time.monotonic()
            # Rounds serves writes again by itself: nobody restarts it.
            await wait_for(
                lambda: load.acknowledged_writes_since(back_at) >= 10,
                RECOVERY_BOUND_SECONDS,
                f"writes after PostgreSQL came back ({load.summary()})",
            )
            await asyncio.sleep(1.0)
        finally:
            load.stopping.set()
            async with asyncio.timeout(REQUEST_BOUND_SECONDS + 10):
                await running

    # Every finding at once: one kind of failure must not hide another.
    report = load.summary()
    problems = []
    wrong = load.improper()
    if wrong:
        problems.append(
            f"{len(wrong)} improper answers (not 2xx, not 503 + Retry-After):\n{describe(wrong, began)}"
        )
    while_away = [o for o in load.outcomes if away_from <= o.sent and o.answered <= restart_at]
    if not any(o.status == 503 for o in while_away):
        problems.append("no 503 while PostgreSQL was away: the load did not see the outage")
    encounters, case_logs = await stored_ids(engines.database_url)
    lost_encounters, lost_logs = load.encounters - encounters, load.case_logs - case_logs
    if lost_encounters or lost_logs:
        problems.append(
            f"acknowledged writes lost: encounters {sorted(lost_encounters)}, case logs {sorted(lost_logs)}"
        )
    problems += exit_problems(nodes)
    assert not problems, f"PostgreSQL {how} ({report}):\n" + "\n\n".join(problems)


# --- Redis goes away under a cluster ------------------------------------------------------------------


async def try_socket(node: Served, visit_id: int, login: Credentials) -> tuple[int, str | None]:
    """Open the visit's live-session WebSocket as a browser page of ``node`` would: 101 when it was
    upgraded (then closed at once), else the refusal's status and Retry-After."""
    url = node.base_url.replace("http://", "ws://") + f"/ws/sessions/{visit_id}"
    async with aiohttp.ClientSession(cookies={"rounds_login": login.login_cookie}) as http:
        try:
            async with asyncio.timeout(REQUEST_BOUND_SECONDS):
                ws = await http.ws_connect(url, origin=node.base_url)
        except aiohttp.WSServerHandshakeError as exc:
            return exc.status, exc.headers.get("Retry-After") if exc.headers else None
        except TimeoutError:
            pytest.fail(f"opening {url} took more than {REQUEST_BOUND_SECONDS:.0f}s (a hang)")
        await ws.close()
        return 101, None


async def cluster_state(redis_url: str, node_ids: list[str], visit_id: int) -> dict[str, Any]:
    """What Redis holds of the cluster now: each node's heartbeat, how many listen on its inbox, and
    where the visit's room is placed (``{"redis": "away"}`` when Redis does not answer)."""
    from redis.asyncio import Redis
    from redis.exceptions import RedisError

    client = Redis.from_url(redis_url, socket_connect_timeout=1, socket_timeout=2, decode_responses=True)
    try:
        beating = {node_id: bool(await client.exists(names.node(node_id))) for node_id in node_ids}
        listening = dict(await client.pubsub_numsub(*(names.inbox(node_id) for node_id in node_ids)))
        return {
            "heartbeats": beating,
            "inbox listeners": listening,
            "room placed on": await client.get(names.room(str(visit_id))),
        }
    except (RedisError, OSError):
        return {"redis": "away"}
    finally:
        await client.aclose()


async def test_redis_restart_under_load_keeps_the_api_refuses_sockets_with_503_and_nodes_recover(
    engines: Engines,
) -> None:
    """Redis stops for a few seconds under two nodes and a writing load, then starts again, empty."""
    with nodes_running(engines, ["a", "b"], cluster=True) as nodes:
        a, b = nodes["a"], nodes["b"]
        node_ids = ["restarts-a", "restarts-b"]
        host_login = await asyncio.to_thread(log_in, a.base_url, PRECEPTOR, DEMO_PASSWORD)
        visitor_logins = [await asyncio.to_thread(log_in, n.base_url, AMARA, DEMO_PASSWORD) for n in (a, b)]
        visit_id = await asyncio.to_thread(open_huddle, a.base_url, host_login)
        enrollment_id = await asyncio.to_thread(enrollment_of, a.base_url, visitor_logins[0])
        await warm_up(a.base_url, visitor_logins[0], enrollment_id)
        await warm_up(b.base_url, visitor_logins[1], enrollment_id)
        assert await try_socket(a, visit_id, host_login) == (101, None)

        load = Load([(a.base_url, visitor_logins[0]), (b.base_url, visitor_logins[1])], enrollment_id)
        began = time.monotonic()
        running = asyncio.create_task(load.run())
        refusals: list[tuple[str, int, str | None]] = []
        try:
            await wait_for(
                lambda: load.acknowledged_writes_since(began) >= 10, 30, "writes before the outage"
            )
            await asyncio.sleep(max(0.0, began + STEADY_SECONDS - time.monotonic()))
            away_from = time.monotonic()
            await asyncio.to_thread(engines.redis.stop)
            await asyncio.sleep(1.0)
            for node in (a, b):  # before and after the heartbeats have expired
                refusals.append((node.base_url, *await try_socket(node, visit_id, host_login)))
            await asyncio.sleep(max(0.0, away_from + OUTAGE_SECONDS - time.monotonic()))
            for node in (a, b):
                refusals.append((node.base_url, *await try_socket(node, visit_id, host_login)))
            restart_at = time.monotonic()
            await asyncio.to_thread(engines.redis.start)
            back_at = time.monotonic()
            await wait_for(
                lambda: load.acknowledged_writes_since(back_at) >= 5,
                RECOVERY_BOUND_SECONDS,
                "writes after Redis came back",
            )
        finally:
            load.stopping.set()
            async with asyncio.timeout(REQUEST_BOUND_SECONDS + 10):
                await running

        # Every finding at once: one kind of failure must not hide another.
        report = load.summary()
        problems = []
        wrong = load.improper()
        if wrong:
            problems.append(f"{len(wrong)} improper API answers:\n{describe(wrong, began)}")
        # The API does not need Redis: not even a 503.
        unavailable = [o for o in load.outcomes if o.status == 503]
        if unavailable:
            problems.append(f"the API answered 503 while Redis was away:\n{describe(unavailable, began)}")
        if not any(away_from <= o.sent and o.answered <= restart_at for o in load.outcomes):
            problems.append("the load sent nothing while Redis was away")
        # A live session cannot be placed without Redis: refused before the upgrade, with a retry hint.
        if not all(status == 503 and hint is not None and hint.isdigit() for _, status, hint in refusals):
            problems.append(f"WebSockets opened while Redis was away: (node, status, Retry-After) {refusals}")

        # Back by themselves: both nodes beat again, and a host on A and a visitor on B (relayed
        # through Redis to the room's node) share a room.
        state: dict[str, Any] = {}
        deadline = time.monotonic() + RECOVERY_BOUND_SECONDS
        while not (state.get("heartbeats") and all(state["heartbeats"].values())):
            if time.monotonic() > deadline:
                problems.append(f"no heartbeats {RECOVERY_BOUND_SECONDS:.0f}s after Redis came back: {state}")
                break
            await asyncio.sleep(0.05)  # join as soon as the nodes beat again
            state = await cluster_state(engines.redis.url(), node_ids, visit_id)
        else:
            problem = await room_shared_across_nodes(
                a,
                b,
                visit_id,
                (host_login, visitor_logins[1]),
                lambda: cluster_state(engines.redis.url(), node_ids, visit_id),
                state,
            )
            if problem is not None:
                problems.append(problem)

    problems += exit_problems(nodes)
    assert not problems, f"Redis restart ({report}):\n" + "\n\n".join(problems)


async def room_shared_across_nodes(
    a: Served,
    b: Served,
    visit_id: int,
    logins: tuple[Credentials, Credentials],
    state: Callable[[], Awaitable[dict[str, Any]]],
    at_recovery: dict[str, Any],
) -> str | None:
    """Dr. Reyes joins on node A, Amara on node B; he admits her; chat goes both ways and she hears him.
    None when all that happened; else which step did not happen within the client's bound, and what
    Redis held."""
    host_login, visitor_login = logins
    # Both reconnect by themselves when their socket closes, as the browser client does: right after
    # Redis returns, a node that still held a stale copy of the room closes it while the first join is
    # relayed elsewhere, and a fresh-clone CI run once saw the host's relayed socket closed 55 ms after
    # it opened (2026-11-25; cause not found, see the issue note). What this test proves is that the
    # room is shared again by itself, as people would see it.
    host = ParticipantClient(connect_to(lambda: a, visit_id, host_login), video=None, auto_reconnect=True)
    visitor = ParticipantClient(
        connect_to(lambda: b, visit_id, visitor_login), video=None, auto_reconnect=True
    )
    step = "the host joining on node A"
    try:
        await host.join()
        step = "the visitor joining on node B"
        await visitor.join()
        visitor_id = str(visitor.participant_id)
        step = "the host seeing the visitor waiting"
        await host.wait_until(
            lambda: (
                host.state is not None
                and any(p.id == visitor_id and p.presence == "waiting" for p in host.state.participants)
            )
        )
        await host.send(sig.Admit(type="admit", participant_id=visitor_id))
        step = "the visitor admitted"
        await visitor.wait_until(lambda: (me := visitor.me()) is not None and me.presence == "admitted")
        await visitor.send(sig.Chat(type="chat", text="Back after Redis, from node B"))
        await host.send(sig.Chat(type="chat", text="Back after Redis, from node A"))
        step = "chat from B reaching the host"
        await host.wait_until(lambda: any(c.text == "Back after Redis, from node B" for c in host.chat))
        step = "chat from A reaching the visitor"
        await visitor.wait_until(lambda: any(c.text == "Back after Redis, from node A" for c in visitor.chat))
        step = "the visitor hearing the host"
        await visitor.wait_until(lambda: visitor.frames_from(str(host.participant_id), "audio") > 0)
    except (TimeoutError, ConnectionError) as exc:
        return (
            f"after Redis came back, {step} did not happen ({type(exc).__name__}: {exc}); Redis held "
            f"{at_recovery} when the heartbeats were back, and holds {await state()} now"
        )
    finally:
        await visitor.leave()
        await host.leave()
    return None


# --- Redis restarts empty under a live session ---------------------------------------------------------

#: Audio frames (20 ms each) that must arrive each way after the visitor is back: half a second.
FRAMES_AFTER_RETURN = 25


async def test_redis_restarting_empty_during_a_live_session_keeps_everyone_in_one_room(
    engines: Engines,
) -> None:
    """Issue 18, item 12: Dr. Reyes on node A hosts the huddle and Amara, on node B (relayed to A), hears
    him and he hears her. Redis dies and starts again empty (no persistence): the room's placement and
    snapshot are gone. Amara's relayed socket closes; once both nodes beat again she joins again on B
    (the surest way to the split: B is then the least-loaded node for a room it finds unplaced). She
    must land in his room on A, not in a fresh, empty room on B, and media must flow both ways again.
    Redis then holds the room's placement on A and its snapshot again."""
    # An empty Redis to start with: an earlier test's snapshot of this huddle (the visitor admitted)
    # would let her straight in.
    await asyncio.to_thread(engines.redis.restart)
    with nodes_running(engines, ["a", "b"], cluster=True) as nodes:
        a, b = nodes["a"], nodes["b"]
        host_login = await asyncio.to_thread(log_in, a.base_url, PRECEPTOR, DEMO_PASSWORD)
        visitor_login = await asyncio.to_thread(log_in, b.base_url, AMARA, DEMO_PASSWORD)
        visit_id = await asyncio.to_thread(open_huddle, a.base_url, host_login)
        host = ParticipantClient(connect_to(lambda: a, visit_id, host_login), video=None, auto_reconnect=True)
        visitor = ParticipantClient(connect_to(lambda: b, visit_id, visitor_login), video=None)
        node_ids = ["restarts-a", "restarts-b"]
        step = "the host joining on node A"
        problems: list[str] = []
        try:
            await host.join()
            step = "the visitor joining on node B"
            await visitor.join()
            host_id, visitor_id = str(host.participant_id), str(visitor.participant_id)
            step = "the host seeing the visitor waiting"
            await host.wait_until(
                lambda: (
                    host.state is not None
                    and any(p.id == visitor_id and p.presence == "waiting" for p in host.state.participants)
                )
            )
            await host.send(sig.Admit(type="admit", participant_id=visitor_id))
            step = "media both ways before Redis goes"
            await visitor.wait_until(lambda: visitor.frames_from(host_id, "audio") > FRAMES_AFTER_RETURN)
            await host.wait_until(lambda: host.frames_from(visitor_id, "audio") > FRAMES_AFTER_RETURN)

            await asyncio.to_thread(engines.redis.crash)
            await asyncio.to_thread(engines.redis.start)  # empty: it keeps nothing on disk
            step = "both nodes beating again"
            state: dict[str, Any] = {}
            deadline = time.monotonic() + RECOVERY_BOUND_SECONDS
            while not (state.get("heartbeats") and all(state["heartbeats"].values())):
                if time.monotonic() > deadline:
                    raise TimeoutError(f"no heartbeats {RECOVERY_BOUND_SECONDS:.0f}s after Redis came back")
                await asyncio.sleep(0.05)
                state = await cluster_state(engines.redis.url(), node_ids, visit_id)
            step = "the visitor joining again on node B"
            await visitor.reconnect()
            heard, was_heard = visitor.frames_from(host_id, "audio"), host.frames_from(visitor_id, "audio")
            step = "the visitor hearing the host again"
            await visitor.wait_until(
                lambda: visitor.frames_from(host_id, "audio") > heard + FRAMES_AFTER_RETURN
            )
            step = "the host hearing the visitor again"
            await host.wait_until(
                lambda: host.frames_from(visitor_id, "audio") > was_heard + FRAMES_AFTER_RETURN
            )
            step = "Redis holding the room's placement and snapshot again"
            state = await cluster_state(engines.redis.url(), node_ids, visit_id)
            if state.get("room placed on") != "restarts-a":
                problems.append(f"the room is not placed on node A after Redis came back: {state}")
            snapshot = await redis_value(engines.redis.url(), names.room_state(str(visit_id)))
            if snapshot is None:
                problems.append("the room's snapshot was not written again after Redis came back")
        except (TimeoutError, ConnectionError, aiohttp.ClientError) as exc:
            state = await cluster_state(engines.redis.url(), node_ids, visit_id)
            problems.append(
                f"{step} did not happen ({type(exc).__name__}: {exc}); the visitor reconnected "
                f"{visitor.reconnects} times; Redis holds {state}"
            )
        finally:
            await visitor.leave()
            await host.leave()

    problems += exit_problems(nodes)
    assert not problems, "\n\n".join(problems)


async def redis_value(redis_url: str, key: str) -> str | None:
    """A key's value in the private Redis (None when absent)."""
    from redis.asyncio import Redis

    client = Redis.from_url(redis_url, socket_connect_timeout=1, socket_timeout=2, decode_responses=True)
    try:
        value = await client.get(key)
        return None if value is None else str(value)
    finally:
        await client.aclose()
