"""``rounds cluster``, the README's way to try scale-out: it migrates a shared PostgreSQL database, loads
the demo, starts N nodes on consecutive loopback ports with their own ids, and Ctrl+C drains and stops
them all. Runs the command itself, as a person would, on the real PostgreSQL and Redis."""

from __future__ import annotations

import asyncio
import json
import signal
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.support import databases
from tests.support.cluster import (
    AMARA,
    DEMO_PASSWORD,
    PRECEPTOR,
    REDIS_URL,
    open_huddle,
    redis_problem,
    require_engines,
)
from tests.support.processes import clean_env, http_get, log_in, rounds_command

pytestmark = [pytest.mark.slow, pytest.mark.postgres]

NODES = 2
START_BOUND_SECONDS = 180.0  # migrating and loading the demo on a busy machine, then starting the nodes


def consecutive_free_ports(count: int) -> int:
    """A first port such that it and the next ``count - 1`` are free on loopback now."""
    for _ in range(50):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            first: int = probe.getsockname()[1]
        if first + count > 65535:
            continue
        held = []
        try:
            for port in range(first, first + count):
                sock = socket.socket()
                held.append(sock)
                sock.bind(("127.0.0.1", port))
            return first
        except OSError:
            continue
        finally:
            for sock in held:
                sock.close()
    raise RuntimeError("no run of free ports found")


def health(base_url: str) -> dict[str, Any] | None:
    try:
        status, body = http_get(base_url + "/api/v1/health", timeout=2)
    except OSError:
        return None
    return json.loads(body) if status == 200 else None


@pytest.fixture
def cluster_command(tmp_path: Path) -> Iterator[tuple[subprocess.Popen[str], list[str]]]:
    require_engines(asyncio.run(databases.postgres_available()), redis_problem())
    url = asyncio.run(databases.create_postgres_database())
    from redis import Redis

    Redis.from_url(REDIS_URL).flushdb()
    base_port = consecutive_free_ports(NODES)
    env = clean_env(
        ROUNDS_DATABASE_URL=url,
        ROUNDS_REDIS_URL=REDIS_URL,
        ROUNDS_DATA_DIR=str(tmp_path / "data"),
        ROUNDS_SECRET_KEY="cluster-command-test-secret-key-0123456789",
        ROUNDS_DRAIN_SECONDS="1",
    )
    process = subprocess.Popen(
        [*rounds_command(), "cluster", "--nodes", str(NODES), "--base-port", str(base_port), "--demo"],
        env=env,
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    urls = [f"http://127.0.0.1:{base_port + n}" for n in range(NODES)]
    try:
        yield process, urls
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=30)
        asyncio.run(databases.drop_postgres_database(url))


def test_the_cluster_command_starts_nodes_that_share_one_database_and_drains_them_on_ctrl_c(
    cluster_command: tuple[subprocess.Popen[str], list[str]],
) -> None:
    process, urls = cluster_command
    deadline = time.monotonic() + START_BOUND_SECONDS
    answers: list[dict[str, Any] | None] = [None] * NODES
    while time.monotonic() < deadline and not all(answers):
        assert process.poll() is None, process.stdout.read() if process.stdout else ""
        answers = [health(url) for url in urls]
        time.sleep(0.5)
    assert all(answers), f"the nodes did not answer within {START_BOUND_SECONDS:.0f} s: {answers}"
    # Each node has its own id, shares Redis, and takes requests.
    assert [a["node"] for a in answers if a] == [f"node-{n + 1}" for n in range(NODES)]
    assert all(a["redis"] is True and a["status"] == "ok" for a in answers if a)

    # One database and one secret: the demo is there, and a login made on node 1 works on node 2.
    host = log_in(urls[0], PRECEPTOR, DEMO_PASSWORD)
    visit = open_huddle(urls[1], host)
    visitor = log_in(urls[1], AMARA, DEMO_PASSWORD)
    request = urllib.request.Request(f"{urls[0]}/api/v1/visits/{visit}", headers=visitor.headers())
    with urllib.request.urlopen(request, timeout=10) as response:
        assert json.load(response)["id"] == visit

    # Ctrl+C: every node drains and stops, and the command exits cleanly.
    process.send_signal(signal.SIGINT)
    output, _ = process.communicate(timeout=90)
    assert process.returncode == 0, output
    assert all(health(url) is None for url in urls)
    assert "Traceback" not in output, output
    for n in range(NODES):
        assert f"node-{n + 1}: http://127.0.0.1:{urls[n].rsplit(':', 1)[1]}/" in output
