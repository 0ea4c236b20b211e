"""Databases built once per run and copied wherever a test needs one: the test world on SQLite (a
file copy per test), and the demo that ``rounds demo`` loads (a data directory, with a PostgreSQL
database cloned by ``CREATE DATABASE ... TEMPLATE`` when it lives there). Building them takes far
longer than copying: the world is some thirty service calls, the demo a process hashing eight
passwords at production cost."""

from __future__ import annotations

import shutil
import uuid
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import asyncpg

from server.db.engine import make_engine, make_sessionmaker
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
