"""Seats under concurrency: many offers, accepts and declines at the same moment never overbook a
block. Runs on PostgreSQL (real parallel transactions) and on SQLite."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from server.db.models import ApplicationBlockRow, ApplicationRow, BlockRow
from server.db.uow import UnitOfWorkFactory
from server.domain.actors import Actor
from server.domain.applications import SEAT_HOLDING_STATES, Action
from server.domain.errors import Conflict
from server.domain.vocab import Role, Step1Status, TrainingStatus
from server.schemas.accounts import VisitorProfileIn
from server.schemas.applications import ActionIn, ApplicationIn
from server.schemas.placements import AcceptIn, ClosureIn, OptionIn, ProposalIn
from server.schemas.programs import BlockIn, ProgramIn
from server.services import accounts, applications, placements, profiles, programs
from tests.support.world import FakeClock, next_monday

APPLICANTS = 16
CAPACITY = 4


async def _setup(uows: UnitOfWorkFactory) -> tuple[Actor, list[Actor], list[int], list[int]]:
    """A coordinator, APPLICANTS visitors with applications under review for one stacked pair
    of blocks of capacity CAPACITY."""
    async with uows() as uow:
        coordinator = accounts.actor_of(
            await accounts.create_user(
                uow,
                email="coord@example.org",
                password="long-enough-pw",
                role=Role.COORDINATOR,
                full_name="Coordinator",
            )
        )
        visitors = [
            accounts.actor_of(
                await accounts.create_user(
                    uow,
                    email=f"visitor{i}@example.org",
                    password="long-enough-pw",
                    role=Role.VISITOR,
                    full_name=f"Visitor {i}",
                )
            )
            for i in range(APPLICANTS)
        ]
        await uow.commit()
        first = next_monday(uow.now().date())
    for visitor in visitors:
        await profiles.update_visitor_profile(
            uows(),
            visitor,
            VisitorProfileIn(training_status=TrainingStatus.STUDENT, step1_status=Step1Status.PASSED),
        )
    program = await programs.create_program(
        uows(),
        coordinator,
        ProgramIn(
            title="Crowded",
            specialty="Internal Medicine",
            rotation_type="observership",  # type: ignore[arg-type]
            modality="virtual",
            allowed_training_statuses=["student"],  # type: ignore[list-item,arg-type]
        ),
    )
    block_ids = [
        (
            await programs.add_block(
                uows(),
                coordinator,
                program.id,
                BlockIn(start_date=first + timedelta(weeks=4 * i), capacity=CAPACITY),
            )
        ).id
        for i in range(2)
    ]
    app_ids = []
    for visitor in visitors:
        app = await applications.create_application(
            uows(), visitor, ApplicationIn(program_id=program.id, block_ids=block_ids)
        )
        await applications.act(uows(), coordinator, app.id, ActionIn(action=Action.START_REVIEW))
        app_ids.append(app.id)
    return coordinator, visitors, app_ids, block_ids


async def _attempt(coro: object) -> bool:
    """True when the use case succeeded, False when it was refused with a Conflict."""
    try:
        await coro  # type: ignore[misc]
    except Conflict:
        return False
    return True


async def _check_invariant(uows: UnitOfWorkFactory, block_ids: list[int]) -> dict[int, int]:
    """Each block's seat counter equals the applications holding a seat in it, within capacity."""
    held: dict[int, int] = {}
    async with uows() as uow:
        for block_id in block_ids:
            block = await uow.db.get(BlockRow, block_id)
            assert block is not None
            await uow.db.refresh(block)
            holders = (
                await uow.db.execute(
                    select(func.count())
                    .select_from(ApplicationBlockRow)
                    .join(ApplicationRow, ApplicationRow.id == ApplicationBlockRow.application_id)
                    .where(
                        ApplicationBlockRow.block_id == block_id,
                        ApplicationRow.state.in_([s.value for s in SEAT_HOLDING_STATES]),
                    )
                )
            ).scalar_one()
            assert block.seats_held == holders, (block_id, block.seats_held, holders)
            assert holders <= block.capacity
            held[block_id] = holders
    return held


async def test_simultaneous_offers_accepts_and_declines_never_overbook(
    uows: UnitOfWorkFactory, clock: FakeClock, backend: str
) -> None:
    coordinator, visitors, app_ids, block_ids = await _setup(uows)
    by_app = dict(zip(app_ids, visitors, strict=True))

    # 1. The coordinator offers to every applicant at once: only CAPACITY offers can hold seats.
    offered = await asyncio.gather(
        *(
            _attempt(applications.act(uows(), coordinator, app_id, ActionIn(action=Action.MAKE_OFFER)))
            for app_id in app_ids
        )
    )
    assert sum(offered) == CAPACITY
    assert await _check_invariant(uows, block_ids) == {b: CAPACITY for b in block_ids}
    holders = [a for a, ok in zip(app_ids, offered, strict=True) if ok]
    waiting = [a for a, ok in zip(app_ids, offered, strict=True) if not ok]

    # 2. Every holder accepts at the same moment as the coordinator re-offers to everyone else.
    results = await asyncio.gather(
        *(
            _attempt(applications.act(uows(), by_app[a], a, ActionIn(action=Action.ACCEPT_OFFER)))
            for a in holders
        ),
        *(
            _attempt(applications.act(uows(), coordinator, a, ActionIn(action=Action.MAKE_OFFER)))
            for a in waiting
        ),
    )
    assert results[: len(holders)] == [True] * len(holders)
    assert not any(results[len(holders) :])
    await _check_invariant(uows, block_ids)

    # 3. Two holders withdraw while the coordinator offers to all the others: exactly two get in.
    leaving = holders[:2]
    results = await asyncio.gather(
        *(
            _attempt(applications.act(uows(), by_app[a], a, ActionIn(action=Action.WITHDRAW)))
            for a in leaving
        ),
        *(
            _attempt(applications.act(uows(), coordinator, a, ActionIn(action=Action.MAKE_OFFER)))
            for a in waiting
        ),
    )
    # Offers that ran before a withdrawal committed were refused; retry the refused ones once.
    retry = [a for a, ok in zip(waiting, results[len(leaving) :], strict=True) if not ok]
    await asyncio.gather(
        *(
            _attempt(applications.act(uows(), coordinator, a, ActionIn(action=Action.MAKE_OFFER)))
            for a in retry
        )
    )
    assert await _check_invariant(uows, block_ids) == {b: CAPACITY for b in block_ids}

    # 4. The new offers expire while their visitors try to accept at the last moment.
    async with uows() as uow:
        fresh = [a.id for a in await uow.applications.in_state("offer_made")]
    assert len(fresh) == 2
    clock.advance(days=7, seconds=1)
    results = await asyncio.gather(
        applications.expire_offers(uows()),
        *(
            _attempt(applications.act(uows(), by_app[a], a, ActionIn(action=Action.ACCEPT_OFFER)))
            for a in fresh
        ),
    )
    assert not any(results[1:]), "an offer past its hold time was accepted"
    assert await _check_invariant(uows, block_ids) == {b: CAPACITY - 2 for b in block_ids}


async def test_the_database_itself_refuses_an_overbooked_block(uows: UnitOfWorkFactory, backend: str) -> None:
    """Second line of defence: the check constraint holds even if code bypassed the counter."""
    _, _, _, block_ids = await _setup(uows)
    async with uows() as uow:
        with pytest.raises(IntegrityError):
            await uow.db.execute(
                update(BlockRow).where(BlockRow.id == block_ids[0]).values(seats_held=CAPACITY + 1)
            )
            await uow.db.flush()


async def test_visitors_accepting_alternatives_at_once_never_overbook_the_block(
    uows: UnitOfWorkFactory, backend: str
) -> None:
    """A closed block's CAPACITY holders all accept the same alternative at once while the coordinator
    offers it to someone else: the alternative has two seats left, exactly two of the five succeed,
    the refused keep their old placement, and every counter equals its holders."""
    coordinator, visitors, app_ids, block_ids = await _setup(uows)
    closing, alternative = block_ids
    program_id = await _program_of(uows, closing)

    async def single(visitor: Actor, app_id: int, block_id: int, offer: bool = True) -> int:
        """The visitor's stacked application withdrawn, a new one for ``block_id`` alone."""
        await applications.act(uows(), visitor, app_id, ActionIn(action=Action.WITHDRAW))
        app = await applications.create_application(
            uows(), visitor, ApplicationIn(program_id=program_id, block_ids=[block_id])
        )
        await applications.act(uows(), coordinator, app.id, ActionIn(action=Action.START_REVIEW))
        if offer:
            await applications.act(uows(), coordinator, app.id, ActionIn(action=Action.MAKE_OFFER))
        return app.id

    holders = [await single(v, a, closing) for v, a in zip(visitors[:CAPACITY], app_ids, strict=False)]
    for v, a in zip(visitors[CAPACITY : CAPACITY + 2], app_ids[CAPACITY:], strict=False):
        await single(v, a, alternative)  # two of the alternative's four seats are taken
    late = await single(visitors[CAPACITY + 2], app_ids[CAPACITY + 2], alternative, offer=False)
    assert await _check_invariant(uows, block_ids) == {closing: CAPACITY, alternative: 2}

    await placements.close_block(uows(), coordinator, closing, ClosureIn(reason="Site closed."))
    option = OptionIn(program_id=program_id, block_ids=[alternative])
    proposals = [
        await placements.propose(uows(), coordinator, a, ProposalIn(reason="Closed.", options=[option]))
        for a in holders
    ]
    results = await asyncio.gather(
        *(
            _attempt(placements.accept(uows(), v, p.id, AcceptIn(option_id=p.options[0].id or 0)))
            for v, p in zip(visitors[:CAPACITY], proposals, strict=True)
        ),
        _attempt(applications.act(uows(), coordinator, late, ActionIn(action=Action.MAKE_OFFER))),
    )
    assert sum(results) == 2, results
    held = await _check_invariant(uows, block_ids)
    assert held[alternative] == CAPACITY
    async with uows() as uow:
        placed = await uow.applications.block_ids(holders)
    for ok, app_id in zip(results, holders, strict=False):
        assert placed[app_id] == ([alternative] if ok else [closing])
    assert held[closing] == sum(1 for ok in results[:CAPACITY] if not ok)


async def _program_of(uows: UnitOfWorkFactory, block_id: int) -> int:
    async with uows() as uow:
        block = await uow.programs.get_block(block_id)
        assert block is not None
        return block.program_id
