"""Databases built once per run and copied wherever a test needs one: the test world on SQLite (a
file copy per test), and the demo that ``rounds demo`` loads (a data directory, with a PostgreSQL
database cloned by ``CREATE DATABASE ... TEMPLATE`` when it lives there). Building them takes far
longer than copying: the world is some thirty service calls, the demo a process hashing eight
passwords at production cost."""

from __future__ import annotations

import fcntl
import shutil
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import asyncpg
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from server.db.engine import make_engine, make_sessionmaker
from server.db.models import Base
from server.db.uow import UnitOfWorkFactory
from tests.support import databases
from tests.support.processes import clean_env, run_rounds
from tests.support.world import FakeClock, World, build_world


@dataclass(frozen=True)
class WorldTemplate:
    """A migrated SQLite file holding :func:`build_world`'s world, and that world's ids."""

    path: Path
    world: World


async def make_sqlite_world_template(schema: Path, directory: Path, start: datetime) -> WorldTemplate:
    """The world built once into a copy of the migrated ``schema`` file, on a clock at ``start`` (the
    ``clock`` fixture's start, so that a copy holds what building it in the test would have made)."""
    path = directory / "world.db"
    engine = make_engine(databases.copy_sqlite(schema, path))
    try:
        world = await build_world(
            UnitOfWorkFactory(make_sessionmaker(engine), FakeClock(start), offer_hold_days=7)
        )
    finally:
        await engine.dispose()
    # The last connection's close checkpoints the write-ahead log into the file: a copy of the file
    # alone is then the whole database.
    assert not path.with_name(path.name + "-wal").exists(), "the world's WAL was not checkpointed"
    return WorldTemplate(path, world)


#: The schema beside ``public`` in the run's PostgreSQL database that holds a copy of the world.
WORLD_SCHEMA = "world_template"


@dataclass(frozen=True)
class PostgresWorldTemplate:
    """The world kept in :data:`WORLD_SCHEMA` of the run's PostgreSQL database, that world's ids, and
    where each id sequence stood once it was built."""

    world: World
    sequences: dict[str, int]


async def make_postgres_world_template(url: str, start: datetime) -> PostgresWorldTemplate:
    """The world built once into the run's (emptied) database and copied, table by table, into
    :data:`WORLD_SCHEMA`. A database per test cloned from a template database would cost as much as
    building the world (creating and dropping one takes 0.1-0.3 s); copying a few rows back does not."""
    engine = make_engine(url)
    try:
        await databases.empty_postgres(engine)
        world = await build_world(
            UnitOfWorkFactory(make_sessionmaker(engine), FakeClock(start), offer_hold_days=7)
        )
        async with engine.begin() as conn:
            await conn.execute(text(f"DROP SCHEMA IF EXISTS {WORLD_SCHEMA} CASCADE"))
            await conn.execute(text(f"CREATE SCHEMA {WORLD_SCHEMA}"))
            for table in Base.metadata.sorted_tables:
                await conn.execute(
                    text(f'CREATE TABLE {WORLD_SCHEMA}."{table.name}" AS SELECT * FROM public."{table.name}"')
                )
            found = await conn.execute(
                text(
                    "SELECT sequencename, last_value FROM pg_sequences"
                    " WHERE schemaname = 'public' AND last_value IS NOT NULL"
                )
            )
            sequences = {str(name): int(value) for name, value in found}
    finally:
        await engine.dispose()
    return PostgresWorldTemplate(world, sequences)


async def restore_postgres_world(engine: AsyncEngine, template: PostgresWorldTemplate) -> None:
    """Put the world back into the emptied database: its rows, parents first, and its sequences."""
    async with engine.begin() as conn:
        for table in Base.metadata.sorted_tables:
            await conn.execute(
                text(f'INSERT INTO public."{table.name}" SELECT * FROM {WORLD_SCHEMA}."{table.name}"')
            )
        for name, value in template.sequences.items():
            await conn.execute(
                text("SELECT setval(:name, :value)"), {"name": f"public.{name}", "value": value}
            )


@dataclass(frozen=True)
class Demo:
    """What ``rounds demo --no-serve`` made: its data directory (uploaded documents, the secret key, and
    the SQLite file unless ``database_url`` names a PostgreSQL database)."""

    data_dir: Path
    database_url: str | None = None

    def settings(self) -> dict[str, str]:
        """The ROUNDS_* variables that serve this demo."""
        found = {"ROUNDS_DATA_DIR": str(self.data_dir)}
        if self.database_url is not None:
            found["ROUNDS_DATABASE_URL"] = self.database_url
        return found


def load_demo(data_dir: Path, database_url: str | None = None, **settings: str) -> Demo:
    """Run ``rounds demo --no-serve`` into ``data_dir`` (and the migrated PostgreSQL database
    ``database_url``, if given); ``settings`` are further ROUNDS_* variables for it."""
    demo = Demo(data_dir, database_url)
    env = clean_env(**demo.settings(), **settings)
    done = run_rounds(["demo", "--no-serve"], env=env, cwd=data_dir.parent, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    return demo


@contextmanager
def exclusive(lock_path: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``lock_path`` (made if missing) for the block: one process at a time,
    across the run's pytest-xdist workers."""
    with lock_path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def built_once(directory: Path, build: Callable[[Path], object]) -> Path:
    """``directory``, built by ``build(directory)`` by the first process that asks for it; the others
    wait for that build and then use it as it is. ``directory`` lives where every worker of the run sees
    it; a ``done`` file beside it says the build finished (a build that failed leaves none: the next
    process to ask tries again)."""
    done = directory.with_name(directory.name + ".done")
    with exclusive(directory.with_name(directory.name + ".lock")):
        if not done.exists():
            shutil.rmtree(directory, ignore_errors=True)
            directory.mkdir(parents=True)
            build(directory)
            done.touch()
    return directory


def copy_demo(template: Demo, data_dir: Path) -> Demo:
    """A copy of ``template`` in ``data_dir``: its files copied, its PostgreSQL database cloned (the
    caller drops it)."""
    shutil.copytree(template.data_dir, data_dir, dirs_exist_ok=True)
    if template.database_url is None:
        return Demo(data_dir)
    return Demo(data_dir, databases.run_now(clone_postgres_database(template.database_url)))


async def clone_postgres_database(template_url: str, prefix: str = "rounds_test_") -> str:
    """A new database made from ``template_url``'s by ``CREATE DATABASE ... TEMPLATE`` (a file copy
    inside PostgreSQL: some 0.1 s where loading the demo takes seconds); returns its URL. The
    template must have no open connection."""
    name = f"{prefix}{uuid.uuid4().hex[:10]}"
    template = template_url.rsplit("/", 1)[1]
    conn = await asyncpg.connect(databases.asyncpg_dsn(databases.POSTGRES_ADMIN_URL))
    try:
        await conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    finally:
        await conn.close()
    return databases.with_database(databases.POSTGRES_ADMIN_URL, name)
