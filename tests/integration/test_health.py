"""``GET /api/v1/health`` for load balancers: 200 while the node can serve, with its live counts for a
caller on this machine only; 503 with Retry-After when its database does not answer."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import text

from server.app import create_app
from server.config import Settings
from server.web.keys import ENGINE


async def test_a_healthy_node_says_so_and_shows_its_counts_only_to_this_machine(make_api: Any) -> None:
    api = await make_api(None)
    health = await api.get("/health")
    assert health["status"] == "ok" and health["database"] is True and health["redis"] is None
    assert health["node"] == "solo" and health["draining"] is False
    stats = health["stats"]
    assert stats["rooms"] == 0 and stats["sockets"] == 0 and stats["tasks"] > 0 and stats["rss_bytes"] > 0
    assert stats["heap_trims"] >= 0 and stats["heap_released_bytes"] >= 0
    # Through a proxy (or from elsewhere) the counts are not shown.
    status, proxied = await api.call("GET", "/health", headers={"X-Forwarded-For": "203.0.113.9"})
    assert status == 200 and proxied["stats"] is None


async def test_a_node_whose_database_is_away_answers_503_with_a_retry_hint(
    settings: Settings, tmp_path: Path
) -> None:
    for url in (
        "postgresql+asyncpg://rounds@127.0.0.1:9/nowhere",
        f"sqlite+aiosqlite:///{tmp_path}/gone.db",  # the file is not there (the probe must not create it)
    ):
        away = replace(settings, database_url=url)
        async with TestClient(TestServer(create_app(away, maintenance=False))) as client:
            response = await client.get("/api/v1/health")
            body = await response.json()
        assert response.status == 503 and response.headers["Retry-After"]
        assert "database is away" in body["error"]["message"]
    assert not (tmp_path / "gone.db").exists()


async def test_a_write_transaction_held_open_does_not_make_the_node_unhealthy(
    client: TestClient[Any, Any],
) -> None:
    """SQLite lets one writer at a time: a probe that queued for the write lock (BEGIN IMMEDIATE) timed
    out behind a long write and called the database away, and a load balancer dropped the only node.
    Here a real write transaction holds the lock (on PostgreSQL: a row) while the node is asked."""
    assert client.app is not None
    engine = client.app[ENGINE]
    async with engine.connect() as writer:
        await writer.execute(text("UPDATE alembic_version SET version_num = version_num"))
        assert writer.in_transaction()
        response = await client.get("/api/v1/health")
        body = await response.json()
        assert writer.in_transaction()  # the write was still open when the node answered
        await writer.rollback()
    assert response.status == 200, body
    assert body["status"] == "ok" and body["database"] is True
