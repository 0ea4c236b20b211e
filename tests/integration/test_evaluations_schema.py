"""The evaluations tables as migration 0006 creates them equal the models (columns, types, nullability,
indexes, constraints), on each database."""

from __future__ import annotations

from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.engine import Connection

from server.db.engine import make_engine
from server.db.models import Base

TABLES = {"encounter_evaluations", "final_evaluations"}


async def test_the_migrated_evaluation_tables_equal_the_models(database_url: str) -> None:
    engine = make_engine(database_url)

    def diffs(conn: Connection) -> list[Any]:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        return compare_metadata(context, Base.metadata)

    try:
        async with engine.connect() as conn:
            found = await conn.run_sync(diffs)
    finally:
        await engine.dispose()
    ours = [d for d in found if any(name in repr(d) for name in TABLES)]
    assert ours == [], ours
