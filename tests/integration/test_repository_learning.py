"""The learning repository maps rows to the domain's listed enrollments and program titles, on both
databases: each list holds the enrollments it names, in their states, oldest first."""

from __future__ import annotations

from server.db.uow import UnitOfWorkFactory
from server.domain.applications import AppState
from server.domain.learning import ListedEnrollment
from tests.integration.test_api_record import enroll
from tests.support.world import World


async def test_enrollments_read_back_by_visitor_preceptor_and_coordinator(
    uows: UnitOfWorkFactory, world: World
) -> None:
    student = await enroll(uows, world.student, world.program_id, world.block_ids[:2])
    graduate = await enroll(uows, world.graduate, world.program_id, world.block_ids[2:], state="completed")
    enrolled = ListedEnrollment(student, world.student.user_id, world.program_id, AppState.ENROLLED)
    completed = ListedEnrollment(graduate, world.graduate.user_id, world.program_id, AppState.COMPLETED)
    both = ["enrolled", "completed"]
    async with uows() as uow:
        assert await uow.learning.enrollments_of_visitor(world.student.user_id, both) == [enrolled]
        assert await uow.learning.enrollments_of_visitor(world.graduate.user_id, ["enrolled"]) == []
        assert await uow.learning.enrollments_taught_by(world.preceptor.user_id, both) == [
            enrolled,
            completed,
        ]
        assert await uow.learning.enrollments_taught_by(world.other_preceptor.user_id, both) == []
        assert await uow.learning.enrollments_run_by(world.coordinator.user_id, ["completed"]) == [completed]
        assert await uow.learning.enrollments_run_by(world.other_coordinator.user_id, both) == []


async def test_program_titles_read_back_by_id(uows: UnitOfWorkFactory, world: World) -> None:
    async with uows() as uow:
        programs = await uow.programs.get(world.program_id), await uow.programs.get(world.other_program_id)
        titles = await uow.learning.program_titles([world.program_id, world.other_program_id, 10_000])
        assert await uow.learning.program_titles([]) == {}
        assert titles == {p.id: p.title for p in programs if p is not None}
    assert len(titles) == 2 and all(titles.values())
