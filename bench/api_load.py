"""API capacity: requests per second and p50/p99 latency of the busiest JSON endpoints -- logging in,
saving a case log, listing one's sessions -- at 50 and 200 concurrent clients, on SQLite and PostgreSQL.

Run: .venv/bin/python bench/api_load.py [--clients 50,200] [--seconds 20] [--databases sqlite,postgres]
     [--json]

For each database this script makes a fresh, migrated one (SQLite in a temporary data dir, migrated
with ``rounds db upgrade``; on PostgreSQL a throw-away ``rounds_bench_<random>`` database made and
migrated by the tests' helper next to the ``test`` database, and dropped at the end, even on failure)
and seeds it through the project's service layer (``bench/seeding.py``): a coordinator, a preceptor,
one visitor per client (real argon2 password hashes), each visitor taken through the real admissions
path to enrollment in a block, invited to upcoming sessions, and given enough encounters to log. The
encounters alone are inserted in bulk through the ORM model: the per-encounter service would take
minutes for the tens of thousands a run needs, and no encounter is logged twice (one case log per
visitor and encounter).

Then ``rounds serve`` runs as its own process (one core of Python, as deployed) and every visitor logs
in over HTTP once (cookie + CSRF token). Each measurement starts the load generator as another process
(this script again, with ``--generator``): N virtual clients over aiohttp, closed loop (each sends its
next request as soon as the previous answer is read), for a fixed time; requests still in flight at
the deadline are waited for and counted. Per database and concurrency level, in this order:

* ``GET /auth/session`` anonymous -- the baseline: middleware and JSON, no database;
* ``GET /auth/session`` logged in -- the same plus resolving the login cookie (one transaction);
* ``GET /visits`` -- a visitor's upcoming sessions (the session list);
* ``POST /encounters/{id}/caselogs`` -- a visitor saves a new draft case log (PHI guard, ICD-10 codes);
* ``POST /auth/login`` -- argon2id verification of the visitor's own password, a new login row;
* the anonymous ``GET /auth/session`` again, to see how much the machine drifted meanwhile.

Every request's latency and status are recorded. Requests/s counts 2xx answers over the time from the
start to the last answer; p50/p99 are over every answer. Any non-2xx is an error and is printed with a
sample body, as are the server's own warnings and errors logged during that measurement. These machines
are noisy, so each endpoint's throughput and median latency are also given as a ratio to the anonymous
baseline (the mean of its two runs) measured in the same run, on the same database, at the same
concurrency. The CPU of the server process, of the generator and of the whole machine over each window
say which one was the bottleneck; the server's CPU per answer is the figure least moved by other load.

Login throttling: Rounds counts only *failed* logins (5 per email, 20 per address within 15 minutes,
then a growing delay answered with 429). Every login here uses the right password of its own account,
and client ``i`` logs in only as visitor ``i``, so no 429 is expected; one would be reported as such.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import aiohttp

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.common import free_port, machine_cpu_seconds, percentile, process_cpu_seconds  # noqa: E402
from tests.support.processes import clean_env, rounds_command, run_rounds  # noqa: E402

if TYPE_CHECKING:
    from server.db.uow import UnitOfWorkFactory

API = "/api/v1"
PASSWORD = "bench-load-password-2026"
REQUEST_TIMEOUT = 180.0  # seconds; a closed loop at 200 clients queues logins for tens of seconds
READY_TIMEOUT = 60.0
# An upper guess of case-log saves per second, to seed enough encounters; a client that runs out stops
# and is reported ("encounters exhausted"), so a guess too low shows in the output rather than lying.
SAVE_RATE_CEILING = 400
VISITS_PER_VISITOR = 5
SAMPLE_BODY_CHARS = 300

ENDPOINTS: dict[str, str] = {
    "baseline": "GET /auth/session (anonymous)",
    "auth_check": "GET /auth/session (logged in)",
    "visits": "GET /visits",
    "caselog": "POST /encounters/{id}/caselogs",
    "login": "POST /auth/login",
    "baseline_end": "GET /auth/session (anon., again)",
}
BASELINES = ("baseline", "baseline_end")
CASE_LOG: dict[str, Any] = {
    "age_band": "30-39",
    "sex": "female",
    "visit_type": "follow_up",
    "chief_complaint": "Persistent dry cough for three weeks after a viral illness",
    "note": "Afebrile, lungs clear on video exam. Started on an inhaled corticosteroid trial.",
    "minutes": 25,
    "complexity": "low",
    "participation": ["observed", "presented"],
    "diagnoses": ["R05.3", "J45.909"],
    "submit": False,
}


@dataclass
class Account:
    """A seeded visitor: how to log in, the login the benchmark made, and encounters left to log."""

    email: str
    user_id: int
    enrollment_id: int
    encounter_ids: list[int]
    login_cookie: str = ""
    csrf_token: str = ""


@dataclass
class RunResult:
    """What the generator measured for one endpoint at one concurrency."""

    endpoint: str
    clients: int
    seconds: float
    answers: int
    ok: int
    p50_ms: float
    p99_ms: float
    statuses: dict[str, int]
    samples: dict[str, str]
    failures: dict[str, int]
    failure_samples: dict[str, str]
    exhausted_clients: int
    server_cpu: float
    generator_cpu: float
    machine_cpu: float
    server_log: list[str] = field(default_factory=list)

    @property
    def rps(self) -> float:
        return self.ok / self.seconds if self.seconds > 0 else 0.0

    @property
    def errors(self) -> int:
        return self.answers - self.ok + sum(self.failures.values()) + self.exhausted_clients


# ----------------------------------------------------------------------------- the load generator


class VirtualClient:
    """One closed-loop client: sends a request, reads the whole answer, sends the next."""

    def __init__(self, endpoint: str, account: dict[str, Any]) -> None:
        self.endpoint = endpoint
        self.account = account
        self.encounters: list[int] = list(account["encounter_ids"])
        self.anon_cookie = ""
        self.anon_token = ""
        self.latencies: list[float] = []
        self.statuses: Counter[int] = Counter()
        self.samples: dict[int, str] = {}
        self.failures: Counter[str] = Counter()
        self.failure_samples: dict[str, str] = {}
        self.exhausted = False
        self.last_answer = 0.0

    def _login_headers(self) -> dict[str, str]:
        return {"Cookie": f"rounds_login={self.account['login_cookie']}"}

    def next_request(self) -> tuple[str, str, dict[str, str], Any] | None:
        """(method, path, headers, JSON body) of the next request, or None when there is nothing left."""
        if self.endpoint in BASELINES:
            return "GET", f"{API}/auth/session", {"Cookie": f"rounds_anon={self.anon_cookie}"}, None
        if self.endpoint == "auth_check":
            return "GET", f"{API}/auth/session", self._login_headers(), None
        if self.endpoint == "visits":
            return "GET", f"{API}/visits", self._login_headers(), None
        if self.endpoint == "caselog":
            if not self.encounters:
                self.exhausted = True
                return None
            headers = {**self._login_headers(), "X-CSRF-Token": self.account["csrf_token"]}
            return "POST", f"{API}/encounters/{self.encounters.pop(0)}/caselogs", headers, CASE_LOG
        if self.endpoint == "login":
            # A browser that is not logged in: the anonymous cookie and its token, never the new login
            # cookie (so no login replaces another, and the token stays valid for the next attempt).
            headers = {"Cookie": f"rounds_anon={self.anon_cookie}", "X-CSRF-Token": self.anon_token}
            body = {"email": self.account["email"], "password": PASSWORD}
            return "POST", f"{API}/auth/login", headers, body
        raise ValueError(f"unknown endpoint {self.endpoint}")

    async def prepare(self, http: aiohttp.ClientSession) -> None:
        """An anonymous cookie and its CSRF token (opens this client's connection too); then, except
        for logins (each costs the server ~0.1 s of argon2), one untimed request of the kind measured."""
        async with http.get(f"{API}/auth/session") as response:
            response.raise_for_status()
            self.anon_token = (await response.json())["csrf_token"]
            self.anon_cookie = response.cookies["rounds_anon"].value
        if self.endpoint != "login":
            request = self.next_request()
            if request is not None:
                method, path, headers, body = request
                async with http.request(method, path, headers=headers, json=body) as response:
                    await response.read()

    async def run(self, http: aiohttp.ClientSession, deadline: float) -> None:
        """Send requests until ``deadline``; the one in flight then is finished and counted."""
        while time.perf_counter() < deadline:
            request = self.next_request()
            if request is None:
                return
            method, path, headers, body = request
            sent = time.perf_counter()
            try:
                async with http.request(method, path, headers=headers, json=body) as response:
                    text = await response.text()
                    status = response.status
            except (aiohttp.ClientError, TimeoutError) as exc:
                name = type(exc).__name__
                self.failures[name] += 1
                self.failure_samples.setdefault(name, str(exc)[:SAMPLE_BODY_CHARS])
                self.last_answer = time.perf_counter()
                continue
            self.last_answer = time.perf_counter()
            self.latencies.append((self.last_answer - sent) * 1000.0)
            self.statuses[status] += 1
            if not 200 <= status < 300:
                self.samples.setdefault(status, text[:SAMPLE_BODY_CHARS])


async def generate(spec: dict[str, Any]) -> dict[str, Any]:
    """Run one closed-loop measurement as described by ``spec``; returns the figures as a dict."""
    endpoint: str = spec["endpoint"]
    clients = [VirtualClient(endpoint, account) for account in spec["accounts"]]
    connector = aiohttp.TCPConnector(limit=0)  # at most one connection per client: it waits for answers
    async with aiohttp.ClientSession(
        spec["base_url"],
        connector=connector,
        cookie_jar=aiohttp.DummyCookieJar(),  # each client sends its own cookies explicitly
        timeout=aiohttp.ClientTimeout(total=REQUEST_TIMEOUT),
    ) as http:
        await asyncio.gather(*(client.prepare(http) for client in clients))
        server_before = process_cpu_seconds(spec["server_pid"])
        machine_before = machine_cpu_seconds()
        own_before = time.process_time()
        started = time.perf_counter()
        await asyncio.gather(*(client.run(http, started + spec["seconds"]) for client in clients))
        finished = max([started, *(client.last_answer for client in clients)])
        elapsed = finished - started
        own = time.process_time() - own_before
        server = process_cpu_seconds(spec["server_pid"]) - server_before
        machine_after = machine_cpu_seconds()
        busy, total = machine_after.busy - machine_before.busy, machine_after.total - machine_before.total
    latencies = [latency for client in clients for latency in client.latencies]
    statuses: Counter[int] = Counter()
    failures: Counter[str] = Counter()
    samples: dict[str, str] = {}
    failure_samples: dict[str, str] = {}
    for client in clients:
        statuses.update(client.statuses)
        failures.update(client.failures)
        for status, sample in client.samples.items():
            samples.setdefault(str(status), sample)
        for name, sample in client.failure_samples.items():
            failure_samples.setdefault(name, sample)
    result = RunResult(
        endpoint=endpoint,
        clients=len(clients),
        seconds=elapsed,
        answers=len(latencies),
        ok=sum(count for status, count in statuses.items() if 200 <= status < 300),
        p50_ms=percentile(latencies, 0.50) if latencies else 0.0,
        p99_ms=percentile(latencies, 0.99) if latencies else 0.0,
        statuses={str(status): count for status, count in sorted(statuses.items())},
        samples=samples,
        failures=dict(failures),
        failure_samples=failure_samples,
        exhausted_clients=sum(client.exhausted for client in clients),
        server_cpu=server / elapsed if elapsed else 0.0,
        generator_cpu=own / elapsed if elapsed else 0.0,
        machine_cpu=(busy / total) * (os.cpu_count() or 1) if total else 0.0,
    )
    return asdict(result)


def generator_main(spec_path: Path, result_path: Path) -> None:
    """Entry point of the generator process: read the spec, measure, write the result."""
    spec = json.loads(spec_path.read_text())
    result_path.write_text(json.dumps(asyncio.run(generate(spec))))


# ----------------------------------------------------------------------------- databases and seeding


def rounds_env(database_url: str, data_dir: Path, port: int, secret_key: str) -> dict[str, str]:
    """This environment without any ROUNDS_* variable, plus the benchmark server's settings."""
    return clean_env(
        ROUNDS_DATABASE_URL=database_url,
        ROUNDS_DATA_DIR=str(data_dir),
        ROUNDS_PORT=str(port),
        ROUNDS_HOST="127.0.0.1",
        ROUNDS_SECRET_KEY=secret_key,
    )


def encounters_needed(index: int, levels: list[int], seconds: float) -> int:
    """Encounters visitor ``index`` may log: a share of the saves of every level it takes part in (plus
    one spare for the check before the load)."""
    shares = sum(
        math.ceil(SAVE_RATE_CEILING * seconds / clients) + 2 for clients in levels if index < clients
    )
    return shares + 1


async def insert_encounters(
    uows: UnitOfWorkFactory, enrollment_id: int, visitor_id: int, count: int
) -> list[int]:
    """Insert ``count`` telehealth patient visits of one enrollment in bulk through the ORM model; returns
    their ids. Not the encounter service: one call per encounter would take minutes for the tens of
    thousands a run needs."""
    from server.db.models import EncounterRow

    async with uows() as uow:
        rows = [
            EncounterRow(
                enrollment_id=enrollment_id,
                session_id=None,
                kind="patient_visit",
                setting="telehealth_video",
                rotation_week=1 + n % 4,
                consent_id=None,
                consent_recorded=True,
                created_by=visitor_id,
                created_at=uow.now(),
            )
            for n in range(count)
        ]
        uow.db.add_all(rows)
        await uow.db.flush()
        ids = [row.id for row in rows]
        await uow.commit()
    return ids


async def seed(database_url: str, levels: list[int], seconds: float) -> list[Account]:
    """Coordinator, preceptor and one enrolled visitor per client, through the service layer."""
    # Imported here, not at the top: the generator process runs this script too and needs none of it.
    from bench.seeding import create_account, create_program_with_block, enroll_visitor, next_monday
    from server.db.engine import make_engine, make_sessionmaker
    from server.db.uow import UnitOfWorkFactory
    from server.domain.visits import MAX_INVITEES
    from server.domain.vocab import Role, TrainingStatus
    from server.schemas.visits import VisitIn
    from server.services import visits

    engine = make_engine(database_url)
    uows = UnitOfWorkFactory(make_sessionmaker(engine))
    try:
        coordinator = await create_account(
            uows, "coordinator@bench.test", Role.COORDINATOR, "Bench Coordinator", PASSWORD
        )
        preceptor = await create_account(
            uows, "preceptor@bench.test", Role.PRECEPTOR, "Dr. Bench Preceptor", PASSWORD
        )
        now = uows.clock()
        first_day = next_monday(now.date())
        count = max(levels)
        made: list[Account] = []
        # One program (one block) per group of visitors a visit may invite.
        for group_start in range(0, count, MAX_INVITEES):
            group = range(group_start, min(count, group_start + MAX_INVITEES))
            seeded = await create_program_with_block(
                uows,
                coordinator,
                preceptor,
                title=f"Load Benchmark Observership {group_start // MAX_INVITEES + 1}",
                capacity=len(group),
                first_day=first_day,
                training_statuses=[TrainingStatus.STUDENT, TrainingStatus.GRADUATE],
            )
            group_ids: list[int] = []
            for index in group:
                visitor = await enroll_visitor(
                    uows,
                    coordinator,
                    seeded.program_id,
                    seeded.block_id,
                    email=f"visitor{index:04d}@bench.test",
                    full_name=f"Visitor {index}",
                    password=PASSWORD,
                )
                encounter_ids = await insert_encounters(
                    uows, visitor.application_id, visitor.user_id, encounters_needed(index, levels, seconds)
                )
                made.append(Account(visitor.email, visitor.user_id, visitor.application_id, encounter_ids))
                group_ids.append(visitor.user_id)
            for n in range(VISITS_PER_VISITOR):
                starts = (now + timedelta(days=1 + 2 * n)).replace(minute=0, second=0, microsecond=0)
                await visits.schedule_visit(
                    uows(),
                    preceptor,
                    VisitIn.model_validate(
                        {
                            "block_id": seeded.block_id,
                            "kind": ["huddle", "patient_visit", "didactic"][n % 3],
                            "title": f"Benchmark session {n + 1}",
                            "starts_at": starts,
                            "duration_minutes": 60,
                            "visitor_ids": group_ids,
                        }
                    ),
                )
        return made
    finally:
        await engine.dispose()


async def log_everyone_in(base_url: str, accounts: list[Account]) -> None:
    """Log every visitor in over HTTP (anonymous token, then login): the cookie and token they keep."""
    gate = asyncio.Semaphore(4)

    async def one(account: Account) -> None:
        async with gate, aiohttp.ClientSession(base_url, cookie_jar=aiohttp.DummyCookieJar()) as http:
            async with http.get(f"{API}/auth/session") as response:
                response.raise_for_status()
                token = (await response.json())["csrf_token"]
                anon = response.cookies["rounds_anon"].value
            async with http.post(
                f"{API}/auth/login",
                json={"email": account.email, "password": PASSWORD},
                headers={"Cookie": f"rounds_anon={anon}", "X-CSRF-Token": token},
            ) as response:
                if response.status != 200:
                    raise RuntimeError(f"login of {account.email}: {response.status} {await response.text()}")
                account.csrf_token = (await response.json())["csrf_token"]
                account.login_cookie = response.cookies["rounds_login"].value

    await asyncio.gather(*(one(account) for account in accounts))


async def check_seeded(base_url: str, account: Account) -> str:
    """What the endpoints under load will serve, checked once: the visitor's session list, and one case
    log saved on a spare encounter (which also loads the ICD-10 code set into the server)."""
    headers = {"Cookie": f"rounds_login={account.login_cookie}", "X-CSRF-Token": account.csrf_token}
    async with aiohttp.ClientSession(base_url, cookie_jar=aiohttp.DummyCookieJar()) as http:
        async with http.get(f"{API}/visits", headers=headers) as response:
            listed = await response.json()
            if response.status != 200 or len(listed) != VISITS_PER_VISITOR:
                raise RuntimeError(f"GET /visits: {response.status} {listed}")
            list_size = len(await response.read())
        invitees = sum(len(visit["invitees"]) for visit in listed)
        spare = account.encounter_ids.pop()
        async with http.post(
            f"{API}/encounters/{spare}/caselogs", json=CASE_LOG, headers=headers
        ) as response:
            if response.status != 201:
                raise RuntimeError(f"case-log save: {response.status} {await response.text()}")
            size = len(await response.read())
    return (
        f"a visitor lists {len(listed)} upcoming sessions ({invitees} invitees in all, {list_size} bytes of "
        f"JSON); a saved case log answers {size} bytes"
    )


# ----------------------------------------------------------------------------- the server process


@contextmanager
def served(env: dict[str, str], port: int, log_path: Path) -> Iterator[subprocess.Popen[bytes]]:
    """``rounds serve`` on ``port`` until the block ends; its stdout and stderr go to ``log_path``."""
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [*rounds_command(), "serve"],
            env=env,
            cwd=ROOT,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        wait_until_ready(process, f"http://127.0.0.1:{port}", log_path)
        yield process
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=20)


def wait_until_ready(process: subprocess.Popen[bytes], base_url: str, log_path: Path) -> None:
    """Wait until the server answers its OpenAPI document."""
    import urllib.error
    import urllib.request

    deadline = time.monotonic() + READY_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"rounds serve exited with {process.returncode}:\n{log_path.read_text()}")
        try:
            with urllib.request.urlopen(base_url + API + "/openapi.json", timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.2)
    raise RuntimeError(f"rounds serve did not answer within {READY_TIMEOUT:.0f} s:\n{log_path.read_text()}")


def server_log_problems(log_path: Path, offset: int) -> list[str]:
    """The server's warnings and errors logged after ``offset`` (not its access log), one line each."""
    with log_path.open("rb") as log:
        log.seek(offset)
        lines = log.read().decode(errors="replace").splitlines()
    problems: Counter[str] = Counter()
    for line in lines:
        try:
            entry = json.loads(line)
        except json.JSONDecodeError:
            if "Traceback" in line or "Error" in line:
                problems[line.strip()[:200]] += 1
            continue
        if not isinstance(entry, dict) or entry.get("level") not in {"WARNING", "ERROR", "CRITICAL"}:
            continue
        text = f"{entry.get('level')} {entry.get('logger')}: {entry.get('message')}"
        if entry.get("exception"):
            text += " | " + str(entry["exception"]).strip().splitlines()[-1]
        problems[text[:300]] += 1
    return [f"{count} x {text}" for text, count in problems.most_common()]


# ----------------------------------------------------------------------------- one database


def measure(
    endpoint: str,
    accounts: list[Account],
    clients: int,
    seconds: float,
    base_url: str,
    server_pid: int,
    work: Path,
) -> RunResult:
    """Start the generator process for one endpoint at one concurrency and collect its figures."""
    quota = math.ceil(SAVE_RATE_CEILING * seconds / clients) + 2
    chosen = []
    for account in accounts[:clients]:
        given: list[int] = []
        if endpoint == "caselog":  # each client logs encounters of its own visitor, never reused
            given, account.encounter_ids = account.encounter_ids[:quota], account.encounter_ids[quota:]
        chosen.append({**asdict(account), "encounter_ids": given})
    spec = {
        "endpoint": endpoint,
        "seconds": seconds,
        "base_url": base_url,
        "server_pid": server_pid,
        "accounts": chosen,
    }
    spec_path, result_path = work / "spec.json", work / "result.json"
    spec_path.write_text(json.dumps(spec))
    result_path.unlink(missing_ok=True)
    command = [sys.executable, str(Path(__file__).resolve()), "--generator", str(spec_path), str(result_path)]
    completed = subprocess.run(command, cwd=ROOT, timeout=seconds + REQUEST_TIMEOUT + 120, check=False)
    if completed.returncode != 0 or not result_path.exists():
        raise RuntimeError(f"the load generator failed ({completed.returncode}) on {endpoint} x {clients}")
    return RunResult(**json.loads(result_path.read_text()))


def bench_database(kind: str, levels: list[int], seconds: float) -> list[RunResult]:
    """Create, migrate and seed one database, serve it, measure every endpoint at every level."""
    # Imported here, not at the top: it loads the server's database layer, which the generator process
    # (this script again) has no use for.
    from tests.support.databases import create_postgres_database, drop_postgres_database

    work = Path(tempfile.mkdtemp(prefix=f"rounds-bench-{kind}-"))
    data_dir = work / "data"
    data_dir.mkdir()
    database_url = f"sqlite+aiosqlite:///{data_dir / 'rounds.db'}"
    if kind == "postgres":  # created and migrated by the tests' helper
        database_url = asyncio.run(create_postgres_database(prefix="rounds_bench_"))
    results: list[RunResult] = []
    try:
        port = free_port()
        env = rounds_env(database_url, data_dir, port, secrets.token_urlsafe(32))
        if kind == "sqlite":  # a new, empty file; the PostgreSQL database came migrated
            upgrade = run_rounds(["db", "upgrade"], env=env, cwd=ROOT)
            if upgrade.returncode != 0:
                raise RuntimeError(f"rounds db upgrade failed:\n{upgrade.stdout}{upgrade.stderr}")
        started = time.perf_counter()
        accounts = asyncio.run(seed(database_url, levels, seconds))
        print(f"[{kind}] seeded {len(accounts)} enrolled visitors in {time.perf_counter() - started:.0f} s")
        log_path = work / "server.log"
        base_url = f"http://127.0.0.1:{port}"
        with served(env, port, log_path) as server:
            started = time.perf_counter()
            asyncio.run(log_everyone_in(base_url, accounts))
            print(f"[{kind}] logged in {len(accounts)} visitors in {time.perf_counter() - started:.0f} s")
            print(f"[{kind}] {asyncio.run(check_seeded(base_url, accounts[0]))}")
            for clients in levels:
                for endpoint in ENDPOINTS:
                    offset = log_path.stat().st_size
                    result = measure(endpoint, accounts, clients, seconds, base_url, server.pid, work)
                    result.server_log = server_log_problems(log_path, offset)
                    results.append(result)
                    print(
                        f"[{kind}] {ENDPOINTS[endpoint]:<32} x{clients:<4} {result.rps:8.1f} req/s  "
                        f"p50 {result.p50_ms:8.1f} ms  p99 {result.p99_ms:8.1f} ms  errors {result.errors}",
                        flush=True,
                    )
                    if server.poll() is not None:
                        raise RuntimeError(
                            f"the server exited with {server.returncode}:\n{log_path.read_text()}"
                        )
    finally:
        if kind == "postgres":
            asyncio.run(drop_postgres_database(database_url))
        shutil.rmtree(work, ignore_errors=True)
    return results


# ----------------------------------------------------------------------------- the report


def report(figures: dict[str, list[RunResult]], seconds: float) -> None:
    """Print the table, the ratios to the same-run baseline, and every error in detail."""
    print()
    print(
        f"API capacity: closed loop, {seconds:g} s per measurement, server and load generator in separate "
        f"processes on {os.cpu_count()} cores"
    )
    print(
        "req/s counts 2xx answers; p50/p99 are over every answer; x base = ratio to the mean of the two "
        "anonymous GET /auth/session runs (first and last) of the same database and concurrency; "
        "server ms/req = the server process's CPU per 2xx answer; CPU columns in cores (1.00 = one core)"
    )
    header = (
        f"{'database':<9} {'endpoint':<32} {'clients':>7} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>9} "
        f"{'errors':>6} {'req/s x base':>12} {'p50 x base':>10} {'server ms/req':>13} {'server':>6} "
        f"{'gen':>5} {'machine':>7}"
    )
    print(header)
    print("-" * len(header))
    for kind, results in figures.items():
        for r in results:
            bases = [b for b in results if b.endpoint in BASELINES and b.clients == r.clients]
            base_rps = sum(b.rps for b in bases) / len(bases)
            base_p50 = sum(b.p50_ms for b in bases) / len(bases)
            rps_ratio = r.rps / base_rps if base_rps else 0.0
            p50_ratio = r.p50_ms / base_p50 if base_p50 else 0.0
            cpu_per_request = r.server_cpu * 1000.0 / r.rps if r.rps else 0.0
            print(
                f"{kind:<9} {ENDPOINTS[r.endpoint]:<32} {r.clients:>7} {r.rps:>8.1f} {r.p50_ms:>8.1f} "
                f"{r.p99_ms:>9.1f} {r.errors:>6} {rps_ratio:>12.4f} {p50_ratio:>10.1f} "
                f"{cpu_per_request:>13.2f} {r.server_cpu:>6.2f} {r.generator_cpu:>5.2f} {r.machine_cpu:>7.2f}"
            )
    print()
    print(
        "Login and 429: Rounds throttles only failed logins (5 per email, 20 per address in 15 min). Every "
        "benchmark login is client i logging in as its own visitor i with the right password, from a "
        "browser that is not logged in, so no login replaces another and none should be throttled; any 429 "
        "below is reported as the rate limiter's, not hidden. Login time is argon2id verification "
        "(about 0.1 s of CPU each), on purpose."
    )
    problems = False
    for kind, results in figures.items():
        for r in results:
            lines = []
            for status, count in r.statuses.items():
                if not 200 <= int(status) < 300:
                    what = "RATE LIMITED (login throttle)" if status == "429" else "HTTP"
                    if status.startswith("5"):
                        what = "SERVER ERROR (a bug to report)" if status == "500" else "server unavailable"
                    lines.append(f"  {count} x {what} {status}: {r.samples.get(status, '')}")
            for name, count in r.failures.items():
                lines.append(f"  {count} x no answer ({name}): {r.failure_samples.get(name, '')}")
            if r.exhausted_clients:
                lines.append(
                    f"  {r.exhausted_clients} clients ran out of seeded encounters (raise SAVE_RATE_CEILING)"
                )
            lines += [f"  server log: {line}" for line in r.server_log]
            if lines:
                problems = True
                print(f"\n[{kind}] {ENDPOINTS[r.endpoint]} x {r.clients}:")
                print("\n".join(lines))
    if not problems:
        print("\nNo errors: every answer was 2xx and the server logged no warning or error.")


def stop_on_sigterm(signum: int, frame: object) -> None:
    """Turn SIGTERM into an exception, so that every ``finally`` runs."""
    raise SystemExit(128 + signum)


def main() -> None:
    """Parse the options, benchmark each database in turn, print the report."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--clients", default="50,200", help="concurrency levels, comma-separated")
    parser.add_argument("--seconds", type=float, default=20.0, help="duration of each measurement")
    parser.add_argument("--databases", default="sqlite,postgres", help="sqlite, postgres or both")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON too")
    parser.add_argument("--generator", nargs=2, metavar=("SPEC", "RESULT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.generator:
        generator_main(Path(args.generator[0]), Path(args.generator[1]))
        return
    levels = sorted({int(n) for n in args.clients.split(",")})
    kinds = [k.strip() for k in args.databases.split(",")]
    if unknown := [k for k in kinds if k not in {"sqlite", "postgres"}]:
        parser.error(f"unknown database {unknown[0]!r}: choose sqlite, postgres or both")
    # A SIGTERM unwinds like Ctrl+C: the server and generator are stopped and the database is dropped.
    signal.signal(signal.SIGTERM, stop_on_sigterm)
    started = time.perf_counter()
    print(f"started {datetime.now(UTC):%Y-%m-%d %H:%M} UTC; levels {levels}, {args.seconds:g} s each")
    figures = {kind: bench_database(kind, levels, args.seconds) for kind in kinds}
    report(figures, args.seconds)
    if args.json:
        print(json.dumps({kind: [asdict(r) for r in results] for kind, results in figures.items()}))
    print(f"({time.perf_counter() - started:.0f} s)")


if __name__ == "__main__":
    main()
