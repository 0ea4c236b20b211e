"""Applications and enrollment: applying, reviewing, offers that hold seats, enrolling."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import timedelta

from server.db.uow import UnitOfWork
from server.domain.actors import Actor
from server.domain.applications import (
    ENROLLED_STATES,
    FINAL_STATES,
    SEAT_HOLDING_STATES,
    STATE_LABELS,
    SYSTEM,
    Action,
    Application,
    ApplicationEvent,
    AppState,
    NewApplication,
    actions_available,
    plan_transition,
)
from server.domain.blocks import check_stack
from server.domain.dates import human_day
from server.domain.eligibility import eligibility_reasons
from server.domain.errors import Conflict, EmailNotVerified, Invalid, NotFound
from server.domain.placements import STEP_LABELS, PlacementStep
from server.domain.programs import Program
from server.domain.vocab import DOCUMENT_LABELS, DocumentKind, Role
from server.schemas.applications import ActionIn, ApplicationIn, ApplicationOut, EventOut, PersonOut
from server.services import notifications
from server.services.coach_assignment import ensure_coach
from server.services.documents import required_document_status
from server.services.programs import block_out, facts_of, rule_of

# Actions that need a reason the visitor will read.
NOTE_REQUIRED = {Action.REQUEST_RESUBMISSION, Action.DENY, Action.MARK_INELIGIBLE, Action.DISMISS}
# Preceptors see the applications of their programs from acceptance on: their visitors.
PRECEPTOR_VISIBLE = {AppState.OFFER_ACCEPTED, *ENROLLED_STATES}


async def _visible(uow: UnitOfWork, actor: Actor, application: Application) -> bool:
    """Whether ``actor`` may see ``application`` at all (else it is 'not found' for them)."""
    if actor.role is Role.VISITOR:
        return application.visitor_id == actor.user_id
    program = await uow.programs.get(application.program_id)
    if program is None:
        return False
    if actor.role is Role.COORDINATOR:
        return program.is_run_by(actor.user_id) and application.state != AppState.DRAFT
    preceptors = await uow.programs.preceptor_ids([program.id])
    return actor.user_id in preceptors[program.id] and AppState(application.state) in PRECEPTOR_VISIBLE


async def _load(uow: UnitOfWork, actor: Actor, application_id: int) -> Application:
    application = await uow.applications.get(application_id)
    if application is None or not await _visible(uow, actor, application):
        raise NotFound(f"There is no application {application_id}.")
    return application


async def load_visible(uow: UnitOfWork, actor: Actor, application_id: int) -> Application:
    """The application if ``actor`` may see it (its visitor, a coordinator of its program once it is
    submitted, a preceptor of its program from acceptance on); NotFound otherwise. In the caller's open
    unit of work."""
    return await _load(uow, actor, application_id)


async def _outs(
    uow: UnitOfWork, actor: Actor, applications: Sequence[Application], with_events: bool = False
) -> list[ApplicationOut]:
    ids = [a.id for a in applications]
    block_links = await uow.applications.block_ids(ids)
    blocks = {
        b.id: b
        for b in await uow.programs.blocks_by_ids([bid for links in block_links.values() for bid in links])
    }
    programs: dict[int, Program] = {}
    for a in applications:
        if a.program_id not in programs:
            program = await uow.programs.get(a.program_id)
            if program is not None:
                programs[a.program_id] = program
    visitors = await uow.users.by_ids([a.visitor_id for a in applications])
    out = []
    for a in applications:
        events: list[EventOut] = []
        if with_events:
            raw = await uow.applications.events(a.id)
            actors = await uow.users.by_ids([e.actor_id for e in raw if e.actor_id])
            events = [
                EventOut(
                    action=e.action.value,
                    label=STEP_LABELS.get(e.action) if isinstance(e.action, PlacementStep) else None,
                    from_state=e.from_state,
                    to_state=e.to_state,
                    actor_name=actors[e.actor_id].full_name if e.actor_id in actors else None,
                    note=e.note,
                    at=e.at,
                )
                for e in raw
            ]
        visitor = visitors[a.visitor_id]
        app_blocks = sorted(
            (blocks[bid] for bid in block_links[a.id] if bid in blocks), key=lambda b: b.start_date
        )
        out.append(
            ApplicationOut(
                id=a.id,
                program_id=a.program_id,
                program_title=programs[a.program_id].title,
                visitor=PersonOut(id=visitor.id, full_name=visitor.full_name, email=visitor.email),
                state=AppState(a.state),
                state_label=STATE_LABELS[AppState(a.state)],
                blocks=[block_out(b) for b in app_blocks],
                statement=a.statement,
                decision_note=a.decision_note,
                offer_expires_at=a.offer_expires_at,
                created_at=a.created_at,
                submitted_at=a.submitted_at,
                available_actions=actions_available(AppState(a.state), actor.role.value),
                events=events,
            )
        )
    return out


async def _eligibility_check(uow: UnitOfWork, visitor_id: int, program: Program) -> None:
    reasons = eligibility_reasons(rule_of(program), facts_of(await uow.users.visitor_profile(visitor_id)))
    if reasons:
        raise Invalid("You are not eligible for this program: " + " ".join(reasons))


async def _require_verified_email(uow: UnitOfWork, visitor_id: int) -> None:
    """A visitor applies only once their email address is confirmed (sign-up mails the link)."""
    user = await uow.users.get(visitor_id)
    if user is None or user.email_verified_at is None:
        raise EmailNotVerified(
            "Confirm your email address before applying: open the link Rounds emailed you when you "
            "signed up, or send a new one from /account/verify."
        )


async def create_application(uow: UnitOfWork, actor: Actor, data: ApplicationIn) -> ApplicationOut:
    """A visitor applies for one block or a stack of consecutive blocks of a program."""
    actor.require(Role.VISITOR)
    async with uow:
        await _require_verified_email(uow, actor.user_id)
        program = await uow.programs.get(data.program_id)
        if program is None or not program.published:
            raise NotFound(f"There is no program {data.program_id}.", field="program_id")
        blocks = await uow.programs.blocks_by_ids(data.block_ids)
        known = {b.id for b in blocks if b.program_id == program.id}
        unknown = [bid for bid in data.block_ids if bid not in known]
        if unknown:
            raise Invalid(f"Block {unknown[0]} is not a block of this program.", field="block_ids")
        # Every id as given, duplicates included: the same block twice is refused, not merged.
        starts = {b.id: b.start_date for b in blocks}
        check_stack([starts[bid] for bid in data.block_ids])
        today = uow.now().date()
        if any(b.start_date < today for b in blocks):
            raise Invalid("A block that has already started cannot be applied for.", field="block_ids")
        closed = [b for b in blocks if b.closed_at is not None]
        if closed:
            raise Invalid(
                f"The block starting {human_day(closed[0].start_date)} cannot take place: "
                f"{closed[0].closed_reason}",
                field="block_ids",
            )
        # Two tabs applying at once: the second waits here, then sees the first's application.
        await uow.users.lock(actor.user_id)
        if await uow.applications.open_for(actor.user_id, program.id, list(FINAL_STATES)):
            raise Conflict(
                "You already have an open application to this program; withdraw it first to apply again."
            )
        if data.submit:
            await _eligibility_check(uow, actor.user_id, program)
        now = uow.now()
        application = await uow.applications.add(
            NewApplication(visitor_id=actor.user_id, program_id=program.id, statement=data.statement, at=now),
            [b.id for b in blocks],
        )
        if data.submit:
            application = await _apply_transition(uow, actor, application, Action.SUBMIT, None)
        out = (await _outs(uow, actor, [application], with_events=True))[0]
        await uow.commit()
        return out


async def _missing_documents(uow: UnitOfWork, visitor_id: int, program: Program) -> list[str]:
    statuses = await required_document_status(
        uow, visitor_id, [DocumentKind(k) for k in program.required_documents]
    )
    return [DOCUMENT_LABELS[s.kind] for s in statuses if s.status != "verified"]


async def _apply_transition(
    uow: UnitOfWork,
    actor: Actor | None,
    application: Application,
    action: Action,
    note: str | None,
) -> Application:
    """Check and perform one transition with its side effects, inside the caller's transaction;
    returns the application as it now is."""
    current = AppState(application.state)
    target = plan_transition(current, action, actor.role.value if actor else SYSTEM)
    now = uow.now()
    program = await uow.programs.get(application.program_id)
    assert program is not None
    block_ids = (await uow.applications.block_ids([application.id]))[application.id]
    values: dict[str, object] = {"state": target.value, "updated_at": now}

    if action is Action.SUBMIT:
        await _require_verified_email(uow, application.visitor_id)
        await _eligibility_check(uow, application.visitor_id, program)
        values["submitted_at"] = now
        # Every applicant has a coach from the moment they apply (kept when they resubmit).
        await ensure_coach(uow, application.id, program)
    if action is Action.ACCEPT_OFFER and (
        application.offer_expires_at is None or application.offer_expires_at <= now
    ):
        raise Conflict("This offer has expired; the seat is no longer held for you.")
    if action is Action.ENROLL:
        missing = await _missing_documents(uow, application.visitor_id, program)
        if missing:
            raise Conflict("Documents not yet verified: " + ", ".join(missing) + ".")
    if action is Action.ACTIVATE:
        blocks = await uow.programs.blocks_by_ids(block_ids)
        if blocks and blocks[0].start_date > now.date():
            raise Conflict(f"The rotation starts on {human_day(blocks[0].start_date)}.")
    if action is Action.MAKE_OFFER:
        offered_blocks = await uow.programs.blocks_by_ids(block_ids)
        closed = [b for b in offered_blocks if b.closed_at is not None]
        if closed:
            raise Conflict(
                f"The block starting {human_day(closed[0].start_date)} is closed; propose the visitor "
                "an alternative instead."
            )
        started = [b for b in offered_blocks if b.start_date <= now.date()]
        if started:
            raise Conflict(
                f"The block starting {human_day(started[0].start_date)} has already begun; "
                "an offer can only be made for blocks that are still ahead."
            )
        values["offer_expires_at"] = now + timedelta(days=uow.offer_hold_days)
    if note is not None or action in NOTE_REQUIRED:
        values["decision_note"] = note

    # Compare-and-set first: if someone else moved the application meanwhile, nothing is written.
    if not await uow.applications.compare_and_set_state(application.id, current.value, values):
        raise Conflict("The application changed while you were acting on it; reload and try again.")
    if target in SEAT_HOLDING_STATES and current not in SEAT_HOLDING_STATES:
        for block_id in sorted(block_ids):  # a fixed order avoids deadlocks between offers
            if not await uow.programs.take_seat(block_id):
                block = await uow.programs.get_block(block_id)
                start = human_day(block.start_date) if block else str(block_id)
                raise Conflict(f"The block starting {start} is full; waitlist the visitor instead.")
    if current in SEAT_HOLDING_STATES and target not in SEAT_HOLDING_STATES:
        for block_id in sorted(block_ids):
            await uow.programs.release_seat(block_id)
    if target in FINAL_STATES:
        # A closed application's open question about another placement can no longer be answered.
        await uow.placements.lapse_open(application.id, now)
    await uow.applications.add_event(
        ApplicationEvent(
            application_id=application.id,
            action=action,
            from_state=current,
            to_state=target,
            actor_id=actor.user_id if actor else None,
            note=note,
            at=now,
        )
    )
    moved = await uow.applications.get(application.id)
    assert moved is not None  # moved a moment ago, in this transaction
    await notifications.application_moved(uow, moved, current, actor)
    return moved


async def act(uow: UnitOfWork, actor: Actor, application_id: int, data: ActionIn) -> ApplicationOut:
    """Move an application along the state machine; an illegal move is a Conflict (409)."""
    async with uow:
        application = await _load(uow, actor, application_id)
        # Who may, then whether now, then the details: a visitor calling a coordinator's action
        # learns only that it is not theirs (403), whatever the body says.
        plan_transition(AppState(application.state), data.action, actor.role.value)
        if data.action in NOTE_REQUIRED and not data.note:
            raise Invalid("Give a reason: the visitor will read it.", field="note")
        if (
            data.action is Action.ACCEPT_OFFER
            and application.offer_expires_at is not None
            and (application.offer_expires_at <= uow.now())
        ):
            # Record the expiry before refusing, so the seat goes back to the block.
            await _apply_transition(uow, None, application, Action.EXPIRE_OFFER, None)
            await uow.commit()
            raise Conflict("This offer has expired; the seat is no longer held for you.")
        application = await _apply_transition(uow, actor, application, data.action, data.note)
        out = (await _outs(uow, actor, [application], with_events=True))[0]
        await uow.commit()
        return out


async def application_out(uow: UnitOfWork, actor: Actor, application: Application) -> ApplicationOut:
    """One application as the API shows it, with its history, in the caller's open unit of work."""
    return (await _outs(uow, actor, [application], with_events=True))[0]


async def get_application(uow: UnitOfWork, actor: Actor, application_id: int) -> ApplicationOut:
    async with uow:
        application = await _load(uow, actor, application_id)
        return (await _outs(uow, actor, [application], with_events=True))[0]


async def list_applications(
    uow: UnitOfWork,
    actor: Actor,
    *,
    state: AppState | None = None,
    program_id: int | None = None,
) -> list[ApplicationOut]:
    """The applications the actor may see: their own, their programs', or their visitors'."""
    async with uow:
        return await applications_of(uow, actor, state=state, program_id=program_id)


async def applications_of(
    uow: UnitOfWork,
    actor: Actor,
    *,
    state: AppState | None = None,
    program_id: int | None = None,
) -> list[ApplicationOut]:
    """:func:`list_applications` inside the caller's open unit of work."""
    if actor.role is Role.VISITOR:
        apps: Sequence[Application] = await uow.applications.of_visitor(actor.user_id)
    elif actor.role is Role.COORDINATOR:
        own = await uow.programs.search(published_only=False, coordinator_id=actor.user_id)
        apps = [
            a for a in await uow.applications.of_programs([p.id for p in own]) if a.state != AppState.DRAFT
        ]
    else:
        program_ids = await uow.programs.programs_of_preceptor(actor.user_id)
        apps = await uow.applications.of_programs(program_ids, [s.value for s in PRECEPTOR_VISIBLE])
    if state is not None:
        apps = [a for a in apps if a.state == state.value]
    if program_id is not None:
        apps = [a for a in apps if a.program_id == program_id]
    return await _outs(uow, actor, apps)


async def withdraw_all(uow: UnitOfWork, actor: Actor) -> int:
    """Close every application of the visitor that is still open (their account is being closed),
    inside the caller's transaction: an offer is declined, anything else withdrawn; seats held go back
    to their blocks. Returns how many were closed."""
    actor.require(Role.VISITOR)
    closed = 0
    for application in await uow.applications.of_visitor(actor.user_id):
        if AppState(application.state) in FINAL_STATES:
            continue
        await leave(uow, actor, application, None)
        closed += 1
    return closed


async def leave(uow: UnitOfWork, actor: Actor, application: Application, note: str | None) -> Application:
    """The visitor leaves an open application inside the caller's transaction: an offer is declined,
    anything else withdrawn (seats held go back to their blocks)."""
    actor.require(Role.VISITOR)
    action = Action.DECLINE_OFFER if AppState(application.state) is AppState.OFFER_MADE else Action.WITHDRAW
    return await _apply_transition(uow, actor, application, action, note)


async def outs_of(uow: UnitOfWork, actor: Actor, applications: Sequence[Application]) -> list[ApplicationOut]:
    """The API's view of ``applications`` with their history, inside the caller's unit of work."""
    return await _outs(uow, actor, applications, with_events=True)


async def check_eligible(uow: UnitOfWork, visitor_id: int, program: Program) -> None:
    """Raise Invalid, with the reasons, unless the visitor may apply to ``program``."""
    await _eligibility_check(uow, visitor_id, program)


async def _sweep(uow: UnitOfWork, application_ids: Sequence[int], action: Action) -> int:
    """Apply a system action to each application in its own short transaction.

    One transaction per application keeps the lock order (application row, then its blocks in
    id order) the same as a person's action, so a sweep cannot deadlock with a visitor accepting.
    """
    done = 0
    for application_id in application_ids:
        async with uow:
            application = await uow.applications.get(application_id)
            if application is None:
                continue
            try:
                await _apply_transition(uow, None, application, action, None)
            except Conflict:
                continue  # moved on meanwhile (accepted, declined, not started yet)
            await uow.commit()
            done += 1
    return done


async def expire_offers(uow: UnitOfWork) -> int:
    """Expire every offer past its hold time and give its seats back. Returns how many."""
    async with uow:
        due = [a.id for a in await uow.applications.offers_due(uow.now())]
    return await _sweep(uow, due, Action.EXPIRE_OFFER)


async def activate_started(uow: UnitOfWork) -> int:
    """Mark enrolled applications active once their first block has started."""
    async with uow:
        enrolled = [a.id for a in await uow.applications.in_state(AppState.ENROLLED.value)]
    return await _sweep(uow, enrolled, Action.ACTIVATE)


UowFactory = Callable[[], UnitOfWork]
