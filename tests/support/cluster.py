"""A local Rounds cluster for tests and benchmarks: N ``rounds serve`` processes sharing one fresh
PostgreSQL database (with the demo data) and the machine's Redis, each with its own node id, and
Python participants whose WebSocket lands on the node of one's choosing (or on any live node, as a
load balancer would send a reconnecting browser)."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import urllib.request
import uuid
from collections.abc import Awaitable, Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from sessions.client import Transport, WebSocketTransport
from tests.support import databases
from tests.support.databases import run_now
from tests.support.processes import (
    Credentials,
    Served,
    clean_env,
    exit_problems,
    log_in,
    run_rounds,
    serve,
)
from tests.support.templates import Demo, copy_demo, load_demo

REDIS_URL = os.environ.get("ROUNDS_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
DEMO_PASSWORD = "rounds-demo-2026"
PRECEPTOR = "im.preceptor@rounds.test"
AMARA = "amara@rounds.test"
SECRET_KEY = "cluster-test-secret-key-shared-by-every-node"


def redis_problem() -> str | None:
    """Why Redis cannot be used for the cluster tests, or None."""
    from redis import Redis
    from redis.exceptions import RedisError

    try:
        Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except (RedisError, OSError) as exc:
        return f"Redis is not reachable at {REDIS_URL}: {exc}"
    return None


def require_engines(*problems: str | None) -> None:
    """Skip the test when an engine it needs is absent (``problems`` from :func:`redis_problem` and
    ``databases.postgres_available``), except in CI, which must run it: there it fails."""
    import pytest

    from tests.conftest import IN_CI

    for problem in problems:
        if problem is not None:
            if IN_CI:
                pytest.fail(f"{problem} (CI must run the cluster tests)")
            pytest.skip(problem)


@dataclass
class LocalCluster:
    """Nodes by id, all on one database and one Redis."""

    database_url: str
    workdir: Path
    run_id: str = field(default_factory=lambda: uuid.uuid4().hex[:8])
    nodes: dict[str, Served] = field(default_factory=dict)
    extra_env: dict[str, str] = field(default_factory=dict)
    killed: set[str] = field(default_factory=set)  # nodes a test killed on purpose

    def env(self, node_id: str | None = None) -> dict[str, str]:
        settings = {
            "ROUNDS_DATABASE_URL": self.database_url,
            "ROUNDS_REDIS_URL": REDIS_URL,
            "ROUNDS_DATA_DIR": str(self.workdir / "data"),
            "ROUNDS_SECRET_KEY": SECRET_KEY,
            **self.extra_env,
        }
        if node_id is not None:
            settings["ROUNDS_NODE_ID"] = node_id
        return clean_env(**settings)

    def __post_init__(self) -> None:
        # The test Redis database starts empty: rooms and snapshots of an earlier run's database
        # (whose visit ids this run's demo reuses) must not be carried on.
        from redis import Redis

        Redis.from_url(REDIS_URL).flushdb()

    def load_demo(self) -> None:
        done = run_rounds(["demo", "--no-serve"], env=self.env(), cwd=self.workdir, timeout=300)
        assert done.returncode == 0, done.stdout + done.stderr

    def node_id(self, name: str) -> str:
        return f"t{self.run_id}-{name}"

    def start(
        self, name: str, settings: dict[str, str] | None = None, command: Sequence[str] | None = None
    ) -> Served:
        """Start node ``name``; ``settings`` are ROUNDS_* variables for this node alone, ``command``
        replaces the ``rounds`` program (see :func:`tests.support.processes.serve`)."""
        node_id = self.node_id(name)
        env = {**self.env(node_id), **(settings or {})}
        served = serve(env=env, cwd=self.workdir, log_path=self.workdir / f"{name}.log", command=command)
        self.nodes[name] = served
        return served

    def kill(self, name: str) -> None:
        """SIGKILL: the node dies without draining, as on a crash."""
        served = self.nodes[name]
        self.killed.add(name)
        served.process.send_signal(signal.SIGKILL)
        served.process.wait(timeout=10)

    def stop_all(self) -> dict[str, int]:
        """SIGTERM every node still running (each drains and exits); their exit statuses by name."""
        return {name: served.stop(timeout=60) for name, served in self.nodes.items()}

    def alive(self) -> list[Served]:
        return [s for s in self.nodes.values() if s.process.poll() is None]

    def log_in(self, name: str, email: str) -> Credentials:
        return log_in(self.nodes[name].base_url, email, DEMO_PASSWORD)


def load_cluster_demo(data_dir: Path, database_url: str) -> Demo:
    """The demo loaded into ``data_dir`` and the migrated PostgreSQL database ``database_url`` with the
    cluster's secret key, as :meth:`LocalCluster.load_demo` would: a template for :func:`two_nodes`."""
    return load_demo(data_dir, database_url, ROUNDS_SECRET_KEY=SECRET_KEY)


@contextlib.contextmanager
def two_nodes(workdir: Path, demo: Demo) -> Iterator[LocalCluster]:
    """Nodes ``a`` and ``b`` (2 s drain) on a fresh PostgreSQL database with the demo loaded (a clone of
    ``demo``, from :func:`load_cluster_demo`), for one test. On the way out every node still running is
    stopped and the database dropped; then the test fails if a node logged a traceback, or a node it
    did not kill did not drain and exit 0. Skipped (failed in CI) when PostgreSQL or Redis is absent."""
    require_engines(run_now(databases.postgres_available()), redis_problem())
    copied = copy_demo(demo, workdir / "data")
    assert copied.database_url is not None, "the cluster's demo lives in PostgreSQL"
    url = copied.database_url
    local = LocalCluster(url, workdir, extra_env={"ROUNDS_DRAIN_SECONDS": "2"})
    try:
        local.start("a")
        local.start("b")
        yield local
    finally:
        local.stop_all()
        run_now(databases.drop_postgres_database(url))
    problems = exit_problems(local.nodes, spared=local.killed)
    assert not problems, "\n\n".join(problems)


def open_huddle(base_url: str, credentials: Credentials) -> int:
    """The demo's huddle that is open now (Dr. Reyes hosts it, Amara is invited)."""
    request = urllib.request.Request(base_url + "/api/v1/visits", headers=credentials.headers())
    with urllib.request.urlopen(request, timeout=10) as response:
        visits = json.load(response)
    open_now = [v for v in visits if v["kind"] == "huddle" and v["status"] in ("scheduled", "live")]
    assert open_now, visits
    return int(open_now[0]["id"])


def connect_to(
    choose: Callable[[], Served], visit_id: int, credentials: Credentials
) -> Callable[[], Awaitable[Transport]]:
    """A participant's connector: each (re)connection goes to the node ``choose`` gives then."""

    async def connect() -> Transport:
        node = choose()
        url = node.base_url.replace("http://", "ws://") + f"/ws/sessions/{visit_id}"
        return await WebSocketTransport.connect(
            url, cookies={"rounds_login": credentials.login_cookie}, origin=node.base_url
        )

    return connect


def first_alive(cluster: LocalCluster, order: Sequence[str]) -> Callable[[], Served]:
    """A load balancer that sends each connection to the first live node in ``order``."""

    def choose() -> Served:
        for name in order:
            served = cluster.nodes.get(name)
            if served is not None and served.process.poll() is None:
                return served
        raise OSError("no live node")

    return choose


async def redis_get(key: str) -> str | None:
    from redis.asyncio import Redis

    redis = Redis.from_url(REDIS_URL, decode_responses=True)
    try:
        value = await redis.get(key)
        return None if value is None else str(value)
    finally:
        await redis.aclose()


__all__ = [
    "AMARA",
    "PRECEPTOR",
    "LocalCluster",
    "connect_to",
    "first_alive",
    "load_cluster_demo",
    "open_huddle",
    "run_now",
    "two_nodes",
]
