"""The databases built once per run hold what building them in each test would have made."""

from __future__ import annotations

import asyncio
from dataclasses import asdict
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from server.db.engine import make_engine, make_sessionmaker
from server.db.models import Base
from server.db.uow import UnitOfWorkFactory
from tests.conftest import CLOCK_START
from tests.support import databases
from tests.support.templates import PostgresWorldTemplate, WorldTemplate, restore_postgres_world
from tests.support.world import FakeClock, build_world

#: Salted: the same password hashes differently each time it is hashed.
SALTED = {"password_hash"}


async def _rows(url: str) -> dict[str, list[dict[str, Any]]]:
    engine = make_engine(url)
    try:
        async with engine.connect() as conn:
            found = {}
            for table in Base.metadata.sorted_tables:
                result = await conn.execute(select(table).order_by(*table.primary_key.columns))
                found[table.name] = [
                    {key: value for key, value in row._mapping.items() if key not in SALTED} for row in result
                ]
            return found
    finally:
        await engine.dispose()


async def _built(url: str, start: datetime) -> Any:
    engine = make_engine(url)
    try:
        uows = UnitOfWorkFactory(make_sessionmaker(engine), FakeClock(start), offer_hold_days=7)
        return await build_world(uows)
    finally:
        await engine.dispose()


def test_a_copy_of_the_world_template_equals_a_world_built_in_the_test(
    sqlite_template: Path, sqlite_world_template: WorldTemplate, tmp_path: Path
) -> None:
    copied = databases.copy_sqlite(sqlite_world_template.path, tmp_path / "copied.db")
    built_url = databases.copy_sqlite(sqlite_template, tmp_path / "built.db")
    built = asyncio.run(_built(built_url, CLOCK_START))
    assert asdict(built) == asdict(sqlite_world_template.world)
    copied_rows, built_rows = asyncio.run(_rows(copied)), asyncio.run(_rows(built_url))
    assert copied_rows["users"] and copied_rows["blocks"]
    assert copied_rows == built_rows


@pytest.mark.postgres
def test_the_world_put_back_on_postgres_equals_a_world_built_in_the_test(
    postgres_url: str, postgres_world_template: PostgresWorldTemplate
) -> None:
    async def put_back() -> None:
        engine = make_engine(postgres_url)
        try:
            await databases.empty_postgres(engine)
            await restore_postgres_world(engine, postgres_world_template)
        finally:
            await engine.dispose()

    asyncio.run(put_back())
    fresh = asyncio.run(databases.create_postgres_database())
    try:
        built = asyncio.run(_built(fresh, CLOCK_START))
        built_rows = asyncio.run(_rows(fresh))
    finally:
        asyncio.run(databases.drop_postgres_database(fresh))
    assert asdict(built) == asdict(postgres_world_template.world)
    restored_rows = asyncio.run(_rows(postgres_url))
    assert restored_rows["users"] and restored_rows["blocks"]
    assert restored_rows == built_rows
    # The sequences go on where building the world left them: the next user gets the next id.
    assert postgres_world_template.sequences["users_id_seq"] == len(restored_rows["users"])
