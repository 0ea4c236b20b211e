"""The visits' page view-models: what the scheduling form offers (blocks and their visitors)."""

from __future__ import annotations

from dataclasses import dataclass

from server.db.uow import UnitOfWork
from server.domain.actors import Actor
from server.domain.applications import UNDER_WAY_STATES
from server.domain.blocks import block_end
from server.domain.vocab import Role


@dataclass(frozen=True)
class SchedulableBlock:
    """A block a preceptor may schedule for, with the visitors who can be invited (for the form)."""

    block_id: int
    program_title: str
    start_date: str
    end_date: str
    visitors: list[tuple[int, str]]


async def schedulable_blocks(uow: UnitOfWork, actor: Actor) -> list[SchedulableBlock]:
    """The blocks of the preceptor's programs that have someone to invite, not yet over."""
    actor.require(Role.PRECEPTOR)
    async with uow:
        today = uow.now().date()
        program_ids = await uow.programs.programs_of_preceptor(actor.user_id)
        blocks_by_program = await uow.programs.blocks(program_ids)
        out = []
        for program_id in sorted(program_ids):
            program = await uow.programs.get(program_id)
            if program is None:
                continue
            for block in blocks_by_program[program_id]:
                if block_end(block.start_date) < today:
                    continue
                enrolled = await uow.visits.enrollments_in_block(
                    block.id, [s.value for s in UNDER_WAY_STATES]
                )
                if not enrolled:
                    continue
                users = await uow.users.by_ids(list(enrolled))
                out.append(
                    SchedulableBlock(
                        block_id=block.id,
                        program_title=program.title,
                        start_date=block.start_date.isoformat(),
                        end_date=block_end(block.start_date).isoformat(),
                        visitors=[(vid, users[vid].full_name) for vid in enrolled],
                    )
                )
        return out
