"""Real databases for tests: a migrated SQLite file per test, and one PostgreSQL database per run
(migrated once, emptied between tests)."""

from __future__ import annotations

import asyncio
import os
import shutil
import uuid
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

import asyncpg
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from server.db.engine import make_engine
from server.db.migrate import upgrade_to_head
from server.db.models import Base

POSTGRES_ADMIN_URL = os.environ.get(
    "ROUNDS_TEST_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
)


T = TypeVar("T")


def run_now(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine to completion from synchronous code, whether or not this thread already runs an
    event loop (a sync fixture of an async test; Playwright's sync API)."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def asyncpg_dsn(url: str) -> str:
    return url.replace("postgresql+asyncpg://", "postgresql://", 1)


def with_database(url: str, name: str) -> str:
    return url.rsplit("/", 1)[0] + "/" + name


async def postgres_available() -> str | None:
    """None when PostgreSQL answers, else why not."""
    try:
        conn = await asyncio.wait_for(asyncpg.connect(asyncpg_dsn(POSTGRES_ADMIN_URL)), 5)
    except Exception as exc:  # any failure to connect means "absent" here
        return f"{type(exc).__name__}: {exc}"
    await conn.close()
    return None


async def create_postgres_database(prefix: str = "rounds_test_") -> str:
    """Create and migrate a fresh database (``prefix`` + a random tail); returns its URL."""
    name = f"{prefix}{uuid.uuid4().hex[:10]}"
    conn = await asyncpg.connect(asyncpg_dsn(POSTGRES_ADMIN_URL))
    try:
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
    url = with_database(POSTGRES_ADMIN_URL, name)
    engine = make_engine(url)
    try:
        await upgrade_to_head(engine)
    except BaseException:
        await engine.dispose()
        await drop_postgres_database(url)  # a half-migrated database is of no use to anyone
        raise
    await engine.dispose()
    return url


async def drop_postgres_database(url: str) -> None:
    name = url.rsplit("/", 1)[1]
    conn = await asyncpg.connect(asyncpg_dsn(POSTGRES_ADMIN_URL))
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await conn.close()


async def empty_postgres(engine: AsyncEngine) -> None:
    """Empty every table and restart every id sequence, between tests.

    DELETE, children first, rather than TRUNCATE: on a few rows per table it takes 2-6 ms where a
    TRUNCATE of some thirty tables takes 130-250 ms (it locks and swaps each table's files), and the
    suite does this hundreds of times."""
    async with engine.begin() as conn:
        for table in reversed(Base.metadata.sorted_tables):
            await conn.execute(text(f'DELETE FROM "{table.name}"'))
        await conn.execute(text("SELECT setval(c.oid, 1, false) FROM pg_class c WHERE c.relkind = 'S'"))


async def make_sqlite_template(directory: Path) -> Path:
    """A migrated SQLite file that each test copies."""
    path = directory / "template.db"
    engine = make_engine(f"sqlite+aiosqlite:///{path}")
    try:
        await upgrade_to_head(engine)
    finally:
        await engine.dispose()
    return path


def copy_sqlite(template: Path, target: Path) -> str:
    shutil.copyfile(template, target)
    return f"sqlite+aiosqlite:///{target}"
