"""Programs and their blocks: the catalog, and what coordinators publish."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from server.db.uow import UnitOfWork
from server.domain.accounts import VisitorProfile
from server.domain.actors import Actor
from server.domain.blocks import Block, block_end, check_new_block_start, next_blocks
from server.domain.checklists import ChecklistItem, check_items, default_items
from server.domain.dates import human_day
from server.domain.eligibility import ApplicantFacts, EligibilityRule, eligibility_reasons
from server.domain.errors import Conflict, Invalid, NotFound
from server.domain.programs import NewProgram, Program, open_to_profession, search_words
from server.domain.vocab import Role, TrainingStatus
from server.schemas.programs import (
    BlockIn,
    BlockOut,
    EligibilityOut,
    PreceptorOut,
    ProgramIn,
    ProgramOut,
    ProgramQuery,
)


def block_out(block: Block) -> BlockOut:
    """The API's view of a block, with its end date and the seats still free."""
    return BlockOut(
        id=block.id,
        start_date=block.start_date,
        end_date=block_end(block.start_date),
        capacity=block.capacity,
        seats_held=block.seats_held,
        seats_free=0 if block.closed_at is not None else block.capacity - block.seats_held,
        closed=block.closed_at is not None,
        closed_reason=block.closed_reason,
    )


def rule_of(program: Program) -> EligibilityRule:
    """Who may apply to ``program``, as the eligibility rules read it."""
    return EligibilityRule(
        allowed_training_statuses=frozenset(TrainingStatus(s) for s in program.allowed_training_statuses),
        step1_pass_required=program.step1_pass_required,
        allowed_professions=frozenset(program.allowed_professions),
    )


def facts_of(profile: VisitorProfile | None) -> ApplicantFacts:
    """What the eligibility rules know of an applicant from their profile (nothing without one)."""
    if profile is None:
        return ApplicantFacts(None, None, None)
    return ApplicantFacts(
        training_status=profile.training_status,
        profession=profile.profession,
        step1_status=profile.step1_status,
    )


async def _outs(
    uow: UnitOfWork, programs: Sequence[Program], actor: Actor | None, *, starts_from: date | None = None
) -> list[ProgramOut]:
    """The API's view of ``programs``; each one's next block starts today (the unit of work's clock)
    or later, and on or after ``starts_from`` when given."""
    since = max(uow.now().date(), starts_from) if starts_from else uow.now().date()
    ids = [p.id for p in programs]
    blocks = await uow.programs.blocks(ids)
    preceptor_links = await uow.programs.preceptor_ids(ids)
    all_preceptors = sorted({pid for links in preceptor_links.values() for pid in links})
    users = await uow.users.by_ids(all_preceptors)
    profiles = await uow.users.preceptor_profiles(all_preceptors)
    facts = None
    if actor is not None and actor.role is Role.VISITOR:
        facts = facts_of(await uow.users.visitor_profile(actor.user_id))
    out = []
    for program in programs:
        eligibility = None
        if facts is not None:
            reasons = eligibility_reasons(rule_of(program), facts)
            eligibility = EligibilityOut(eligible=not reasons, reasons=reasons)
        preceptors = [
            PreceptorOut(
                id=pid,
                full_name=users[pid].full_name,
                title=profiles[pid].title if pid in profiles else None,
                institution=profiles[pid].institution if pid in profiles else None,
                specialty=profiles[pid].specialty if pid in profiles else None,
            )
            for pid in preceptor_links[program.id]
            if pid in users
        ]
        out.append(
            ProgramOut(
                id=program.id,
                title=program.title,
                specialty=program.specialty,
                rotation_type=program.rotation_type,
                modality=program.modality,
                description=program.description,
                allowed_training_statuses=list(program.allowed_training_statuses),
                step1_pass_required=program.step1_pass_required,
                allowed_professions=list(program.allowed_professions),
                required_documents=list(program.required_documents),
                before_day_one=[ChecklistItem(i) for i in program.before_day_one],
                published=program.published,
                coordinator_id=program.coordinator_id,
                preceptors=preceptors,
                blocks=[block_out(b) for b in blocks[program.id]],
                next_block=next(
                    (block_out(b) for b in next_blocks(blocks[program.id], since) if b.closed_at is None),
                    None,
                ),
                eligibility=eligibility,
            )
        )
    return out


def _can_see_unpublished(program: Program, actor: Actor | None) -> bool:
    return actor is not None and actor.role is Role.COORDINATOR and program.is_run_by(actor.user_id)


async def list_programs(uow: UnitOfWork, actor: Actor | None, query: ProgramQuery) -> list[ProgramOut]:
    """The catalog, filtered. ``eligible`` keeps only programs the visitor may apply to."""
    async with uow:
        return await find_programs(uow, actor, query)


async def find_programs(uow: UnitOfWork, actor: Actor | None, query: ProgramQuery) -> list[ProgramOut]:
    """:func:`list_programs` inside the caller's open unit of work: the text search, the start-date and
    profession filters, specialty, type and modality, each when given."""
    if query.eligible and (actor is None or actor.role is not Role.VISITOR):
        raise Invalid(
            "The 'eligible' filter compares programs with a visitor's profile: log in as a visitor "
            "to use it.",
            field="eligible",
        )
    programs = await uow.programs.search(
        specialty=query.specialty,
        rotation_type=query.rotation_type.value if query.rotation_type else None,
        modality=query.modality.value if query.modality else None,
        words=search_words(query.q or ""),
        starts_from=query.starts_from,
    )
    if query.profession is not None:
        programs = [p for p in programs if open_to_profession(p, query.profession)]
    outs = await _outs(uow, programs, actor, starts_from=query.starts_from)
    if query.eligible:
        outs = [p for p in outs if p.eligibility is not None and p.eligibility.eligible]
    return outs


async def coordinator_programs(uow: UnitOfWork, actor: Actor) -> list[ProgramOut]:
    """Every program this coordinator runs, published or not."""
    async with uow:
        return await programs_run_by(uow, actor)


async def programs_run_by(uow: UnitOfWork, actor: Actor) -> list[ProgramOut]:
    """:func:`coordinator_programs` inside the caller's open unit of work."""
    actor.require(Role.COORDINATOR)
    programs = await uow.programs.search(published_only=False, coordinator_id=actor.user_id)
    return await _outs(uow, programs, actor)


async def get_program(uow: UnitOfWork, actor: Actor | None, program_id: int) -> ProgramOut:
    """A published program, or an unpublished one to its coordinator; NotFound for anyone else."""
    async with uow:
        return await program_of(uow, actor, program_id)


async def program_of(uow: UnitOfWork, actor: Actor | None, program_id: int) -> ProgramOut:
    """:func:`get_program` inside the caller's open unit of work."""
    program = await uow.programs.get(program_id)
    if program is None or not (program.published or _can_see_unpublished(program, actor)):
        raise NotFound(f"There is no program {program_id}.")
    return (await _outs(uow, [program], actor))[0]


async def _check_preceptors(uow: UnitOfWork, preceptor_ids: Sequence[int]) -> None:
    users = await uow.users.by_ids(preceptor_ids)
    for pid in preceptor_ids:
        if pid not in users or users[pid].role is not Role.PRECEPTOR:
            raise Invalid(f"User {pid} is not a preceptor.", field="preceptor_ids")


async def create_program(uow: UnitOfWork, actor: Actor, data: ProgramIn) -> ProgramOut:
    """Publish a new program run by the calling coordinator."""
    actor.require(Role.COORDINATOR)
    async with uow:
        await _check_preceptors(uow, data.preceptor_ids)
        program = await uow.programs.add(
            NewProgram(
                title=data.title,
                specialty=data.specialty,
                rotation_type=data.rotation_type.value,
                modality=data.modality.value,
                description=data.description,
                allowed_training_statuses=tuple(sorted({s.value for s in data.allowed_training_statuses})),
                step1_pass_required=data.step1_pass_required,
                allowed_professions=tuple(sorted(set(data.allowed_professions))),
                required_documents=tuple(dict.fromkeys(d.value for d in data.required_documents)),
                coordinator_id=actor.user_id,
                published=data.published,
                created_at=uow.now(),
                before_day_one=default_items(data.modality)
                if data.before_day_one is None
                else check_items(data.modality, data.before_day_one),
            )
        )
        await uow.programs.set_preceptors(program.id, data.preceptor_ids)
        out = (await _outs(uow, [program], actor))[0]
        await uow.commit()
        return out


async def _own_program(uow: UnitOfWork, actor: Actor, program_id: int) -> Program:
    actor.require(Role.COORDINATOR)
    program = await uow.programs.get(program_id)
    if program is None or not program.is_run_by(actor.user_id):
        raise NotFound(f"There is no program {program_id} among your programs.")
    return program


async def add_block(uow: UnitOfWork, actor: Actor, program_id: int, data: BlockIn) -> BlockOut:
    """Open a four-week block of a program on ``data.start_date``."""
    async with uow:
        await _own_program(uow, actor, program_id)
        check_new_block_start(data.start_date, uow.now().date())
        taken = Conflict(
            f"The program already has a block starting {human_day(data.start_date)}.",
            field="start_date",
        )
        if await uow.programs.block_on(program_id, data.start_date) is not None:
            raise taken
        block = await uow.programs.add_block(program_id, data.start_date, data.capacity)
        if block is None:  # opened at the same moment by another request
            raise taken
        out = block_out(block)
        await uow.commit()
        return out


async def set_block_capacity(uow: UnitOfWork, actor: Actor, block_id: int, capacity: int) -> BlockOut:
    """Change a block's capacity; never below the seats already offered or taken."""
    async with uow:
        block = await uow.programs.get_block(block_id)
        if block is None:
            raise NotFound(f"There is no block {block_id}.")
        await _own_program(uow, actor, block.program_id)
        if not await uow.programs.set_capacity(block_id, capacity):
            raise Conflict(
                f"{block.seats_held} seats of this block are already offered or taken; "
                f"the capacity cannot go below that."
            )
        changed = await uow.programs.get_block(block_id)
        assert changed is not None  # read a moment ago, in this transaction
        out = block_out(changed)
        await uow.commit()
        return out
