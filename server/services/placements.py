"""Placement changes only with the visitor's consent: closing blocks, proposing alternatives, and the
visitor's answer -- the one path (besides applying) that changes an application's program or blocks.

Lock order, as for offers: the application row first (its compare-and-set), then the proposal, then
the blocks in id order, so that an acceptance cannot deadlock with an offer, a withdrawal or another
acceptance.
"""

from __future__ import annotations

from collections.abc import Sequence

from server.db.uow import UnitOfWork
from server.domain.actors import Actor
from server.domain.applications import (
    FINAL_STATES,
    SEAT_HOLDING_STATES,
    Application,
    ApplicationEvent,
    AppState,
)
from server.domain.blocks import Block
from server.domain.dates import human_day
from server.domain.errors import Conflict, Invalid, NotFound
from server.domain.placements import (
    PROPOSABLE_STATES,
    PROPOSAL_STATE_LABELS,
    NewOption,
    PlacementStep,
    Proposal,
    ProposalState,
    check_distinct,
    check_option_blocks,
)
from server.domain.programs import Program
from server.domain.vocab import Role
from server.schemas.applications import ApplicationOut
from server.schemas.placements import (
    AcceptIn,
    ClosedOut,
    ClosureIn,
    DeclineIn,
    OptionOut,
    ProposalIn,
    ProposalOut,
    RetractIn,
)
from server.services import applications, notifications
from server.services.audit import BLOCK, PLACEMENT_PROPOSAL, AuditAction, record
from server.services.programs import block_out

_OPEN_STATES = [s.value for s in PROPOSABLE_STATES]


def _stack_words(blocks: Sequence[Block]) -> str:
    """'the blocks starting 5 Jan and 2 Feb 2027' for a history note (dates only: no free text)."""
    days = [human_day(b.start_date) for b in sorted(blocks, key=lambda b: b.start_date)]
    return ("the block starting " if len(days) == 1 else "the blocks starting ") + " and ".join(days)


async def _program_run_by(
    uow: UnitOfWork, actor: Actor, program_id: int, field: str | None = None
) -> Program:
    actor.require(Role.COORDINATOR)
    program = await uow.programs.get(program_id)
    if program is None or not program.is_run_by(actor.user_id):
        raise NotFound(f"There is no program {program_id} among your programs.", field=field)
    return program


async def _close(uow: UnitOfWork, actor: Actor, blocks: Sequence[Block], reason: str) -> ClosedOut:
    now = uow.now()
    for block in blocks:
        if not await uow.programs.close_block(block.id, now, reason):
            raise Conflict(f"The block starting {human_day(block.start_date)} is already closed.")
    await record(uow, actor, AuditAction.CLOSE, BLOCK, [b.id for b in blocks])
    affected = await uow.applications.of_blocks([b.id for b in blocks], _OPEN_STATES)
    closed = await uow.programs.blocks_by_ids([b.id for b in blocks])
    return ClosedOut(blocks=[block_out(b) for b in closed], affected_application_ids=[a.id for a in affected])


async def close_block(uow: UnitOfWork, actor: Actor, block_id: int, data: ClosureIn) -> ClosedOut:
    """The coordinator marks a block of their program as unable to take place. Nothing of the
    applications holding it changes: they are listed, each to be offered alternatives."""
    async with uow:
        block = await uow.programs.get_block(block_id)
        if block is None:
            raise NotFound(f"There is no block {block_id}.")
        await _program_run_by(uow, actor, block.program_id)
        if block.start_date <= uow.now().date():
            raise Conflict("This block has already begun; only a block still ahead can be closed.")
        out = await _close(uow, actor, [block], data.reason)
        await uow.commit()
        return out


async def close_program(uow: UnitOfWork, actor: Actor, program_id: int, data: ClosureIn) -> ClosedOut:
    """Close every block of the program still ahead and open (the program cannot take place)."""
    async with uow:
        await _program_run_by(uow, actor, program_id)
        today = uow.now().date()
        ahead = [
            b
            for b in (await uow.programs.blocks([program_id]))[program_id]
            if b.start_date > today and b.closed_at is None
        ]
        if not ahead:
            raise Conflict("This program has no open block still ahead to close.")
        out = await _close(uow, actor, ahead, data.reason)
        await uow.commit()
        return out


async def _option_outs(uow: UnitOfWork, options: Sequence[tuple[int | None, NewOption]]) -> list[OptionOut]:
    blocks = {
        b.id: b for b in await uow.programs.blocks_by_ids([bid for _, o in options for bid in o.block_ids])
    }
    out = []
    for option_id, option in options:
        program = await uow.programs.get(option.program_id)
        out.append(
            OptionOut(
                id=option_id,
                program_id=option.program_id,
                program_title=program.title if program else "",
                blocks=[
                    block_out(blocks[b])
                    for b in sorted(option.block_ids, key=lambda b: blocks[b].start_date)
                    if b in blocks
                ],
            )
        )
    return out


async def proposal_outs(uow: UnitOfWork, proposals: Sequence[Proposal]) -> list[ProposalOut]:
    """The API's view of ``proposals``."""
    people = await uow.users.by_ids([p.coordinator_id for p in proposals])
    out = []
    for p in proposals:
        out.append(
            ProposalOut(
                id=p.id,
                application_id=p.application_id,
                reason=p.reason,
                state=p.state,
                state_label=PROPOSAL_STATE_LABELS[p.state],
                proposed_by=people[p.coordinator_id].full_name if p.coordinator_id in people else "",
                created_at=p.created_at,
                answered_at=p.answered_at,
                chosen_option_id=p.chosen_option_id,
                options=await _option_outs(uow, [(o.id, o) for o in p.options]),
            )
        )
    return out


async def _event(
    uow: UnitOfWork, actor: Actor, application: Application, step: PlacementStep, note: str | None
) -> None:
    state = AppState(application.state)
    await uow.applications.add_event(
        ApplicationEvent(
            application_id=application.id,
            action=step,
            from_state=state,
            to_state=state,
            actor_id=actor.user_id,
            note=note,
            at=uow.now(),
        )
    )


async def proposals_of(uow: UnitOfWork, actor: Actor, application_id: int) -> list[ProposalOut]:
    """The proposals made on an application, to whoever may see the application."""
    async with uow:
        return await proposals_in(uow, actor, application_id)


async def proposals_in(uow: UnitOfWork, actor: Actor, application_id: int) -> list[ProposalOut]:
    """:func:`proposals_of` inside the caller's unit of work."""
    application = await applications.load_visible(uow, actor, application_id)
    found = (await uow.placements.of_applications([application.id]))[application.id]
    return await proposal_outs(uow, found)


async def _closed_blocks(uow: UnitOfWork, application: Application) -> list[Block]:
    ids = (await uow.applications.block_ids([application.id]))[application.id]
    return [b for b in await uow.programs.blocks_by_ids(ids) if b.closed_at is not None]


async def propose(uow: UnitOfWork, actor: Actor, application_id: int, data: ProposalIn) -> ProposalOut:
    """The coordinator asks the visitor whether they would take one of ``data.options`` instead of a
    closed block. The application itself does not change."""
    actor.require(Role.COORDINATOR)
    async with uow:
        application = await applications.load_visible(uow, actor, application_id)
        state = AppState(application.state)
        if state not in PROPOSABLE_STATES:
            raise Conflict(
                "An alternative can be proposed only for an application that is submitted, under review, "
                "waitlisted, offered, accepted or enrolled, before the rotation begins."
            )
        if not await _closed_blocks(uow, application):
            raise Conflict(
                "None of this application's blocks is closed: close the block that cannot take place first."
            )
        current = (await uow.applications.block_ids([application.id]))[application.id]
        today = uow.now().date()
        options = [NewOption(program_id=o.program_id, block_ids=tuple(o.block_ids)) for o in data.options]
        check_distinct(options, NewOption(program_id=application.program_id, block_ids=tuple(current)))
        for option in options:
            program = await _program_run_by(uow, actor, option.program_id, field="options")
            if not program.published:
                raise Invalid(f"Program {program.id} is not published.", field="options")
            blocks = await uow.programs.blocks_by_ids(option.block_ids)
            check_option_blocks(blocks, option.program_id, option.block_ids, today)
            if option.program_id != application.program_id:
                await applications.check_eligible(uow, application.visitor_id, program)
                if await uow.applications.open_for(
                    application.visitor_id, program.id, [s.value for s in FINAL_STATES]
                ):
                    raise Invalid(
                        f"The visitor already has an open application to {program.title}.", field="options"
                    )
        proposal = await uow.placements.add(application.id, actor.user_id, data.reason, options, uow.now())
        await _event(
            uow, actor, application, PlacementStep.PROPOSE, f"{len(options)} alternative(s): {data.reason}"
        )
        await record(uow, actor, AuditAction.PROPOSE, PLACEMENT_PROPOSAL, [proposal.id])
        await notifications.placement_proposed(
            uow,
            proposal_id=proposal.id,
            application_id=application.id,
            visitor_id=application.visitor_id,
            coordinator_name=actor.full_name,
            program_id=application.program_id,
            options=len(options),
        )
        out = (await proposal_outs(uow, [proposal]))[0]
        await uow.commit()
        return out


async def _open_proposal(uow: UnitOfWork, actor: Actor, proposal_id: int) -> tuple[Proposal, Application]:
    """The proposal and its application if ``actor`` may see them (NotFound otherwise), still open."""
    proposal = await uow.placements.get(proposal_id)
    if proposal is None:
        raise NotFound(f"There is no proposal {proposal_id}.")
    try:
        application = await applications.load_visible(uow, actor, proposal.application_id)
    except NotFound:
        raise NotFound(f"There is no proposal {proposal_id}.") from None
    if proposal.state is not ProposalState.OPEN:
        raise Conflict(f"This proposal is no longer open: {PROPOSAL_STATE_LABELS[proposal.state].lower()}.")
    return proposal, application


async def retract(
    uow: UnitOfWork, actor: Actor, proposal_id: int, data: RetractIn | None = None
) -> ProposalOut:
    """The coordinator withdraws a question the visitor has not answered (to propose others)."""
    actor.require(Role.COORDINATOR)
    async with uow:
        proposal, application = await _open_proposal(uow, actor, proposal_id)
        if not await uow.placements.answer(proposal.id, ProposalState.RETRACTED, uow.now()):
            raise Conflict("The visitor answered this proposal meanwhile; reload to see the answer.")
        await _event(uow, actor, application, PlacementStep.RETRACT, data.note if data else None)
        await record(uow, actor, AuditAction.RETRACT, PLACEMENT_PROPOSAL, [proposal.id])
        out = await proposal_outs(uow, [await _fresh(uow, proposal.id)])
        await uow.commit()
        return out[0]


async def _fresh(uow: UnitOfWork, proposal_id: int) -> Proposal:
    proposal = await uow.placements.get(proposal_id)
    assert proposal is not None  # read a moment ago in this transaction
    return proposal


async def accept(uow: UnitOfWork, actor: Actor, proposal_id: int, data: AcceptIn) -> ApplicationOut:
    """The visitor accepts one alternative: the application moves to its program and blocks (keeping
    its state), seats are taken in the new blocks and given back in the old ones, with the offers'
    no-overbooking guarantee. Everything or nothing."""
    actor.require(Role.VISITOR)
    async with uow:
        proposal, application = await _open_proposal(uow, actor, proposal_id)
        option = proposal.option(data.option_id)
        if option is None:
            raise Invalid(f"Option {data.option_id} is not one of this proposal's.", field="option_id")
        state = AppState(application.state)
        if state not in PROPOSABLE_STATES:
            raise Conflict("This application can no longer change its placement.")
        now = uow.now()
        if state is AppState.OFFER_MADE and (
            application.offer_expires_at is None or application.offer_expires_at <= now
        ):
            raise Conflict("Your offer has expired; the seat is no longer held for you.")
        blocks = await uow.programs.blocks_by_ids(option.block_ids)
        try:
            # Seats are not checked here: taking them below decides, atomically.
            check_option_blocks(blocks, option.program_id, option.block_ids, now.date(), need_seat=False)
        except Invalid as exc:
            raise Conflict(f"This alternative is no longer possible: {exc.message}") from None
        program = await uow.programs.get(option.program_id)
        if program is None or not program.published:
            raise Conflict("This alternative's program is no longer offered.")
        if option.program_id != application.program_id:
            await applications.check_eligible(uow, application.visitor_id, program)
        old = set((await uow.applications.block_ids([application.id]))[application.id])
        # The application row first (compare-and-set on its state), as every transition does.
        if not await uow.applications.move_placement(
            application.id, state.value, option.program_id, option.block_ids, now
        ):
            raise Conflict("The application changed while you were answering; reload and try again.")
        if not await uow.placements.answer(proposal.id, ProposalState.ACCEPTED, now, option.id):
            raise Conflict("This proposal was answered or retracted meanwhile; reload to see it.")
        if state in SEAT_HOLDING_STATES:
            new = set(option.block_ids)
            # One pass in block id order over both sets: the same global lock order as offers.
            for block_id in sorted(new ^ old):
                if block_id in new:
                    if not await uow.programs.take_seat(block_id):
                        block = next(b for b in blocks if b.id == block_id)
                        raise Conflict(
                            f"The block starting {human_day(block.start_date)} has no seat left now; "
                            "nothing was changed. Ask the program for another alternative."
                        )
                else:
                    await uow.programs.release_seat(block_id)
        note = f"Now {program.title}, {_stack_words(blocks)}."
        await _event(uow, actor, application, PlacementStep.ACCEPT, note)
        await record(uow, actor, AuditAction.ACCEPT, PLACEMENT_PROPOSAL, [proposal.id])
        await notifications.placement_answered(
            uow,
            proposal_id=proposal.id,
            application_id=application.id,
            coordinator_id=proposal.coordinator_id,
            visitor_name=actor.full_name,
            program_id=program.id,
            accepted=True,
        )
        moved = await uow.applications.get(application.id)
        assert moved is not None
        out = (await applications.outs_of(uow, actor, [moved]))[0]
        await uow.commit()
        return out


async def decline(uow: UnitOfWork, actor: Actor, proposal_id: int, data: DeclineIn) -> ApplicationOut:
    """The visitor declines every alternative: the placement stays as it was, or, if they choose, the
    application is withdrawn (an offer declined) and its seats go back."""
    actor.require(Role.VISITOR)
    async with uow:
        proposal, application = await _open_proposal(uow, actor, proposal_id)
        if not await uow.placements.answer(proposal.id, ProposalState.DECLINED, uow.now()):
            raise Conflict("This proposal was answered or retracted meanwhile; reload to see it.")
        await _event(
            uow,
            actor,
            application,
            PlacementStep.DECLINE,
            "and withdrew" if data.withdraw else "kept the placement",
        )
        await record(uow, actor, AuditAction.DECLINE, PLACEMENT_PROPOSAL, [proposal.id])
        if data.withdraw:
            application = await applications.leave(
                uow, actor, application, "Declined the proposed alternatives."
            )
        await notifications.placement_answered(
            uow,
            proposal_id=proposal.id,
            application_id=application.id,
            coordinator_id=proposal.coordinator_id,
            visitor_name=actor.full_name,
            program_id=application.program_id,
            accepted=False,
            withdrew=data.withdraw,
        )
        out = (await applications.outs_of(uow, actor, [application]))[0]
        await uow.commit()
        return out


async def affected(uow: UnitOfWork, actor: Actor) -> list[ApplicationOut]:
    """The coordinator's applications that ask for or hold a closed block: each needs an alternative."""
    async with uow:
        return await affected_in(uow, actor)


async def affected_in(uow: UnitOfWork, actor: Actor) -> list[ApplicationOut]:
    """:func:`affected` inside the caller's unit of work."""
    actor.require(Role.COORDINATOR)
    own = await uow.programs.search(published_only=False, coordinator_id=actor.user_id)
    blocks = await uow.programs.blocks([p.id for p in own])
    closed = [b.id for bs in blocks.values() for b in bs if b.closed_at is not None]
    found = await uow.applications.of_blocks(closed, _OPEN_STATES)
    return await applications.outs_of(uow, actor, found)


async def candidates(uow: UnitOfWork, actor: Actor, application_id: int) -> list[OptionOut]:
    """Alternatives a coordinator could propose for an application: stacks of as many consecutive open
    blocks still ahead, with a seat free, in the programs they run (for the page's form)."""
    async with uow:
        return await candidates_in(uow, actor, application_id)


async def candidates_in(uow: UnitOfWork, actor: Actor, application_id: int) -> list[OptionOut]:
    """:func:`candidates` inside the caller's unit of work."""
    actor.require(Role.COORDINATOR)
    application = await applications.load_visible(uow, actor, application_id)
    length = len((await uow.applications.block_ids([application.id]))[application.id]) or 1
    own = [p for p in await uow.programs.search(published_only=True, coordinator_id=actor.user_id)]
    blocks = await uow.programs.blocks([p.id for p in own])
    today = uow.now().date()
    found: list[tuple[int | None, NewOption]] = []
    for program in own:
        usable = [
            b
            for b in blocks[program.id]
            if b.closed_at is None and b.start_date > today and b.seats_held < b.capacity
        ]
        for i in range(len(usable) - length + 1):
            stack = usable[i : i + length]
            try:
                check_option_blocks(stack, program.id, tuple(b.id for b in stack), today)
            except Invalid:
                continue
            found.append((None, NewOption(program.id, tuple(b.id for b in stack))))
    return await _option_outs(uow, found)
