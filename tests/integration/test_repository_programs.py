"""The program repository maps rows to the domain's programs and blocks and back, on both databases:
what is added reads back equal, in a fresh unit of work, by each of its reads."""

from __future__ import annotations

from dataclasses import asdict
from datetime import UTC, date, datetime

from server.db.uow import UnitOfWorkFactory
from server.domain.blocks import Block
from server.domain.programs import NewProgram, Program
from tests.support.world import World

PUBLISHED = datetime(2025, 3, 4, 10, 30, tzinfo=UTC)


async def test_a_program_reads_back_as_added(uows: UnitOfWorkFactory, world: World) -> None:
    new = NewProgram(
        title="Nephrology Observership",
        specialty="Nephrology",
        rotation_type="observership",
        modality="virtual",
        description="Dialysis rounds, twice a week.",
        allowed_training_statuses=("graduate", "student"),
        step1_pass_required=True,
        allowed_professions=("medicine", "nursing"),
        required_documents=("photo_id", "cv"),
        coordinator_id=world.coordinator.user_id,
        published=False,
        created_at=PUBLISHED,
    )
    async with uows() as uow:
        added = await uow.programs.add(new)
        await uow.commit()
    assert added == Program(id=added.id, **asdict(new))
    async with uows() as uow:
        assert await uow.programs.get(added.id) == added
        assert await uow.programs.get(10_000) is None
        assert await uow.programs.search(published_only=False, specialty="nephrology") == [added]
        assert await uow.programs.search(specialty="nephrology") == []
        assert (await uow.learning.programs_by_ids([added.id, 10_000])) == {added.id: added}


async def test_a_block_reads_back_as_opened_and_with_its_seats(uows: UnitOfWorkFactory, world: World) -> None:
    start = date(2031, 6, 2)
    async with uows() as uow:
        opened = await uow.programs.add_block(world.program_id, start, 3)
        await uow.commit()
    assert opened == Block(
        id=opened.id, program_id=world.program_id, start_date=start, capacity=3, seats_held=0
    )
    async with uows() as uow:
        assert await uow.programs.get_block(opened.id) == opened
        assert await uow.programs.block_on(world.program_id, start) == opened
        assert await uow.programs.blocks_by_ids([opened.id]) == [opened]
        assert opened in (await uow.programs.blocks([world.program_id]))[world.program_id]
        # The seat and capacity updates bypass the session: the block read again shows them.
        assert await uow.programs.take_seat(opened.id)
        assert await uow.programs.set_capacity(opened.id, 5)
        assert await uow.programs.get_block(opened.id) == Block(
            id=opened.id, program_id=world.program_id, start_date=start, capacity=5, seats_held=1
        )
