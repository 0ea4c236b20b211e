"""The application repository maps rows to the domain's applications and their events and back, on
both databases: what is added or moved reads back equal, in a fresh unit of work."""

from __future__ import annotations

from datetime import UTC, datetime

from server.db.uow import UnitOfWorkFactory
from server.domain.applications import Action, Application, ApplicationEvent, AppState, NewApplication
from tests.support.world import World

APPLIED = datetime(2025, 3, 4, 10, 30, tzinfo=UTC)
SUBMITTED = datetime(2025, 3, 5, 9, 0, tzinfo=UTC)


async def test_an_application_and_its_events_read_back_as_written(
    uows: UnitOfWorkFactory, world: World
) -> None:
    new = NewApplication(
        visitor_id=world.student.user_id,
        program_id=world.program_id,
        statement="Ich möchte lernen.",
        at=APPLIED,
    )
    async with uows() as uow:
        added = await uow.applications.add(new, world.block_ids[:2])
        await uow.commit()
    assert added == Application(
        id=added.id,
        visitor_id=world.student.user_id,
        program_id=world.program_id,
        state=AppState.DRAFT,
        statement="Ich möchte lernen.",
        decision_note=None,
        created_at=APPLIED,
        updated_at=APPLIED,
        submitted_at=None,
        offer_expires_at=None,
    )
    submitted = ApplicationEvent(
        application_id=added.id,
        action=Action.SUBMIT,
        from_state=AppState.DRAFT,
        to_state=AppState.SUBMITTED,
        actor_id=world.student.user_id,
        note=None,
        at=SUBMITTED,
    )
    async with uows() as uow:
        assert await uow.applications.get(added.id) == added
        assert sorted((await uow.applications.block_ids([added.id]))[added.id]) == sorted(world.block_ids[:2])
        values = {
            "state": "submitted",
            "updated_at": SUBMITTED,
            "submitted_at": SUBMITTED,
            "decision_note": "ok",
        }
        assert await uow.applications.compare_and_set_state(added.id, "draft", values)
        await uow.applications.add_event(submitted)
        # The conditional update bypasses the session: the application read again shows it.
        moved = await uow.applications.get(added.id)
        await uow.commit()
    expected = Application(
        id=added.id,
        visitor_id=world.student.user_id,
        program_id=world.program_id,
        state=AppState.SUBMITTED,
        statement="Ich möchte lernen.",
        decision_note="ok",
        created_at=APPLIED,
        updated_at=SUBMITTED,
        submitted_at=SUBMITTED,
        offer_expires_at=None,
    )
    assert moved == expected
    async with uows() as uow:
        assert await uow.applications.get(added.id) == expected
        assert await uow.applications.events(added.id) == [submitted]
        assert await uow.applications.of_visitor(world.student.user_id) == [expected]
        assert await uow.applications.of_programs([world.program_id], ["submitted"]) == [expected]
        assert await uow.applications.in_state("submitted") == [expected]
        assert await uow.applications.get(10_000) is None
