"""``rounds cluster``: N Rounds nodes on loopback ports sharing the local PostgreSQL and Redis, to try
scale-out on one machine and for the tests. It migrates the database once (and loads the demo data if
asked), starts each node as its own ``rounds serve`` process with its own node id, forwards Ctrl+C or
SIGTERM to all of them (each drains), and exits when they have.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from types import FrameType

DEFAULT_DATABASE_URL = "postgresql+asyncpg://postgres@127.0.0.1:5432/rounds_cluster"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"


@dataclass(frozen=True)
class NodePlan:
    """One node to start: its id and port."""

    node_id: str
    port: int


def plan(nodes: int, base_port: int) -> list[NodePlan]:
    """Nodes ``node-1`` .. ``node-N`` on consecutive ports from ``base_port``."""
    if not 1 <= nodes <= 16:
        raise ValueError("--nodes must be from 1 to 16")
    if not 1024 <= base_port <= 65535 - nodes:
        raise ValueError("--base-port must leave room for every node below 65536")
    return [NodePlan(f"node-{i + 1}", base_port + i) for i in range(nodes)]


def cluster_env(base: dict[str, str], node: NodePlan) -> dict[str, str]:
    """The node's environment: the shared database, Redis and secret key, its own id and port."""
    env = dict(base)
    env["ROUNDS_NODE_ID"] = node.node_id
    env["ROUNDS_PORT"] = str(node.port)
    env.setdefault("ROUNDS_REDIS_URL", DEFAULT_REDIS_URL)
    env.setdefault("ROUNDS_DATABASE_URL", DEFAULT_DATABASE_URL)
    env["PYTHONUNBUFFERED"] = "1"
    return env


def run_nodes(nodes: list[NodePlan], host: str, env: dict[str, str]) -> int:
    """Start every node, wait for them, pass SIGINT/SIGTERM on. Returns the worst exit code."""
    command = [sys.executable, "-m", "server.cli", "serve", "--host", host]
    children = [
        subprocess.Popen([*command, "--port", str(node.port)], env=cluster_env(env, node)) for node in nodes
    ]
    for node in nodes:
        print(f"  {node.node_id}: http://{host}:{node.port}/", flush=True)

    def forward(signum: int, _frame: FrameType | None) -> None:
        for child in children:
            if child.poll() is None:
                child.send_signal(signal.SIGTERM)

    signal.signal(signal.SIGINT, forward)
    signal.signal(signal.SIGTERM, forward)
    while any(child.poll() is None for child in children):
        time.sleep(0.2)
    return max((abs(child.returncode or 0) for child in children), default=0)


def database_name(url: str) -> str:
    """The database a PostgreSQL URL names."""
    return url.rsplit("/", 1)[-1].split("?", 1)[0]


async def ensure_postgres_database(url: str) -> None:
    """Create the URL's PostgreSQL database if it does not exist (connecting to ``postgres``)."""
    import asyncpg

    name = database_name(url)
    if not name.replace("_", "").isalnum():
        raise ValueError(f"unexpected database name {name!r}")
    admin = url.replace("postgresql+asyncpg://", "postgresql://", 1).rsplit("/", 1)[0] + "/postgres"
    connection = await asyncpg.connect(admin)
    try:
        if not await connection.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name):
            await connection.execute(f'CREATE DATABASE "{name}"')
    finally:
        await connection.close()


def environment() -> dict[str, str]:
    """This process's environment with the cluster's defaults filled in."""
    env = dict(os.environ)
    env.setdefault("ROUNDS_REDIS_URL", DEFAULT_REDIS_URL)
    env.setdefault("ROUNDS_DATABASE_URL", DEFAULT_DATABASE_URL)
    return env
