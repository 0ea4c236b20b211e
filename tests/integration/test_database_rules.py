"""Rules the database itself enforces, and the migrations that create them."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import text

from server.db.models import OPEN_APPLICATION
from server.db.uow import UnitOfWorkFactory
from server.domain.applications import FINAL_STATES, NewApplication
from server.domain.errors import Conflict
from tests.support.world import World


def test_the_open_application_index_names_exactly_the_final_states() -> None:
    listed = {part.strip(" '()") for part in OPEN_APPLICATION.split("NOT IN", 1)[1].split(",")}
    assert listed == {s.value for s in FINAL_STATES}


async def test_a_second_open_application_is_refused_by_the_database(
    uows: UnitOfWorkFactory, world: World
) -> None:
    """Even a path that skips the service's check cannot create a duplicate open application."""
    now = datetime(2026, 11, 24, tzinfo=UTC)

    def draft() -> NewApplication:
        return NewApplication(
            visitor_id=world.student.user_id, program_id=world.program_id, statement="", at=now
        )

    async with uows() as uow:
        await uow.applications.add(draft(), [world.block_ids[0]])
        with pytest.raises(Conflict, match="already have an open application"):
            await uow.applications.add(draft(), [world.block_ids[0]])

    async with uows() as uow:  # a closed application does not block a new one
        first = await uow.applications.add(draft(), [world.block_ids[0]])
        await uow.db.execute(
            text("UPDATE applications SET state = 'withdrawn' WHERE id = :id"), {"id": first.id}
        )
        second = await uow.applications.add(draft(), [world.block_ids[0]])
        assert second.id != first.id
