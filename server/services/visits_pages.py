"""The visits' page view-models, each read in one unit of work: the list (upcoming and past, and for a
preceptor what the scheduling form offers: blocks and their visitors) and one visit with its
attendance. Who may see a visit stays in :func:`server.services.visits.load_standing`, who sees whose
attendance in :func:`server.services.live.attendance_of`."""

from __future__ import annotations

from dataclasses import dataclass

from server.db.uow import UnitOfWork, UnitOfWorkFactory
from server.domain.actors import Actor
from server.domain.applications import UNDER_WAY_STATES
from server.domain.blocks import block_end
from server.domain.visits import is_upcoming
from server.domain.vocab import Role
from server.schemas.visits import AttendanceOut, VisitOut
from server.services import live, visits


@dataclass(frozen=True)
class SchedulableBlock:
    """A block a preceptor may schedule for, with the visitors who can be invited (for the form)."""

    block_id: int
    program_title: str
    start_date: str
    end_date: str
    visitors: list[tuple[int, str]]


@dataclass(frozen=True)
class VisitList:
    """The actor's visits still to come (soonest first) and the others (latest first), and for a
    preceptor the blocks the scheduling form offers (empty for anyone else)."""

    upcoming: list[VisitOut]
    past: list[VisitOut]
    blocks: list[SchedulableBlock]


@dataclass(frozen=True)
class VisitPage:
    """One visit and the attendance the actor may see of it."""

    visit: VisitOut
    attendance: AttendanceOut


async def visit_list(uows: UnitOfWorkFactory, actor: Actor) -> VisitList:
    """Every visit of the actor (as :func:`visits.upcoming_for` with ``include_past``), split into
    upcoming and past by the same rule as the upcoming list, with the preceptor's blocks."""
    async with uows() as uow:
        now = uow.now()
        every = await visits.visits_of(uow, actor, include_past=True)
        soon = [v for v in every if is_upcoming(v.status, v.starts_at, v.duration_minutes, now)]
        ids = {v.id for v in soon}
        blocks = await _schedulable(uow, actor) if actor.role is Role.PRECEPTOR else []
        return VisitList(upcoming=soon, past=[v for v in reversed(every) if v.id not in ids], blocks=blocks)


async def visit_page(uows: UnitOfWorkFactory, actor: Actor, visit_id: int) -> VisitPage:
    """A visit for anyone who may see it, with its attendance (everyone's for the host and the
    program's staff, one's own for a visitor); the access check runs once."""
    async with uows() as uow:
        standing = await visits.load_standing(uow, actor, visit_id)
        return VisitPage(
            visit=await visits.visit_out(uow, standing.visit),
            attendance=await live.attendance_of(uow, actor, standing),
        )


async def schedulable_blocks(uow: UnitOfWork, actor: Actor) -> list[SchedulableBlock]:
    """The blocks of the preceptor's programs that have someone to invite, not yet over."""
    async with uow:
        return await _schedulable(uow, actor)


async def _schedulable(uow: UnitOfWork, actor: Actor) -> list[SchedulableBlock]:
    actor.require(Role.PRECEPTOR)
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
            enrolled = await uow.visits.enrollments_in_block(block.id, [s.value for s in UNDER_WAY_STATES])
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
