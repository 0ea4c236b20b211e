"""Live sessions as records ("visits"), the scheduling side: scheduling and cancelling, who may see
a visit, the lists, and the patient's single-use link. The calendar file and feed are in
:mod:`server.services.calendars`.

Who stands where:
* the **host** is the preceptor who scheduled the visit (one of the program's preceptors);
* an **invitee** is a visitor invited through their enrollment in the visit's block;
* the program's other **preceptors** and its **coordinator** may look at a visit and its attendance;
* the **patient** has no account: a redeemed link gives their browser a signed pass for one visit.
Anyone else is told the visit does not exist (404), as for every other record.

What happens in the visit's room (joining, attendance, consent, the end and the encounters it leaves)
is in :mod:`server.services.live`; the scheduling form's view of blocks in
:mod:`server.services.visits_pages`.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from server.db.uow import UnitOfWork
from server.domain.actors import Actor
from server.domain.applications import UNDER_WAY_STATES
from server.domain.caselog import EncounterKind
from server.domain.dates import human_day
from server.domain.errors import Conflict, Forbidden, Invalid, NotFound
from server.domain.notifications import NotificationKind
from server.domain.visits import (
    LinkGone,
    PatientPass,
    Visit,
    VisitStatus,
    check_cancellable,
    check_invitees,
    check_movable,
    check_schedule,
    is_upcoming,
    join_window,
    scheduled_end,
    token_hash,
)
from server.domain.vocab import Role
from server.schemas.visits import InviteeOut, VisitIn, VisitMoveIn, VisitOut
from server.services import notifications

# A visit older than this (from its start) cannot be in anyone's upcoming list: longest visit plus the
# join window's tail, with room to spare.
UPCOMING_LOOKBACK = timedelta(days=1)
ASK_FOR_NEW_LINK = "Ask your clinician's office for a new link."


def live_path(visit_id: int) -> str:
    """The page of the visit's room."""
    return f"/visits/{visit_id}/live"


def visit_path(visit_id: int) -> str:
    """The visit's page."""
    return f"/visits/{visit_id}"


def calendar_path(visit_id: int) -> str:
    """The visit's calendar file (one event)."""
    return f"/api/v1/visits/{visit_id}/calendar.ics"


@dataclass(frozen=True)
class Standing:
    """A visit and how the actor stands to it."""

    visit: Visit
    program_title: str
    is_host: bool
    is_invitee: bool
    is_program_preceptor: bool
    is_coordinator: bool


async def load_standing(uow: UnitOfWork, actor: Actor, visit_id: int) -> Standing:
    """The visit if the actor may see it (host, invitee, a preceptor or the coordinator of its
    program); NotFound for anyone else."""
    missing = NotFound(f"There is no visit {visit_id}.")
    visit = await uow.visits.get(visit_id)
    if visit is None:
        raise missing
    program = await uow.programs.get(visit.program_id)
    if program is None:
        raise missing
    is_host = actor.role is Role.PRECEPTOR and visit.host_id == actor.user_id
    is_invitee = (
        actor.role is Role.VISITOR and await uow.visits.invitation(visit.id, actor.user_id) is not None
    )
    is_program_preceptor = (
        actor.role is Role.PRECEPTOR
        and actor.user_id in (await uow.programs.preceptor_ids([program.id]))[program.id]
    )
    is_coordinator = actor.role is Role.COORDINATOR and program.is_run_by(actor.user_id)
    if not (is_host or is_invitee or is_program_preceptor or is_coordinator):
        raise missing
    return Standing(visit, program.title, is_host, is_invitee, is_program_preceptor, is_coordinator)


def _require_host(standing: Standing, what: str) -> None:
    if not standing.is_host:
        raise Forbidden(f"Only the visit's host (the preceptor who scheduled it) can {what}.")


async def _outs(uow: UnitOfWork, visits: Sequence[Visit]) -> list[VisitOut]:
    """The API's view of visits, with their programs, blocks, hosts and invitees in a few queries."""
    if not visits:
        return []
    invitations = await uow.visits.invitations([v.id for v in visits])
    user_ids = {v.host_id for v in visits} | {i.visitor_id for inv in invitations.values() for i in inv}
    users = await uow.users.by_ids(list(user_ids))
    blocks = {b.id: b for b in await uow.programs.blocks_by_ids(list({v.block_id for v in visits}))}
    program_titles: dict[int, str] = {}
    for program_id in {v.program_id for v in visits}:
        program = await uow.programs.get(program_id)
        if program is not None:
            program_titles[program_id] = program.title
    out = []
    for visit in visits:
        opens, closes = join_window(visit.starts_at, visit.duration_minutes)
        out.append(
            VisitOut(
                id=visit.id,
                program_id=visit.program_id,
                program_title=program_titles[visit.program_id],
                block_id=visit.block_id,
                block_start_date=blocks[visit.block_id].start_date,
                host_id=visit.host_id,
                host_name=users[visit.host_id].full_name,
                kind=visit.kind,
                title=visit.title,
                starts_at=visit.starts_at,
                ends_at=scheduled_end(visit.starts_at, visit.duration_minutes),
                duration_minutes=visit.duration_minutes,
                status=visit.status,
                started_at=visit.started_at,
                ended_at=visit.ended_at,
                cancel_note=visit.cancel_note,
                created_at=visit.created_at,
                joinable_from=opens,
                joinable_until=visit.ended_at or closes,
                invitees=[
                    InviteeOut(
                        visitor_id=i.visitor_id,
                        name=users[i.visitor_id].full_name,
                        enrollment_id=i.enrollment_id,
                    )
                    for i in invitations[visit.id]
                ],
                live_url=live_path(visit.id),
                calendar_url=calendar_path(visit.id),
            )
        )
    return out


# --- scheduling -----------------------------------------------------------------------------------


async def _block_of_preceptor(uow: UnitOfWork, actor: Actor, block_id: int) -> tuple[int, date, int]:
    """The block's id and start date and its program's id, if the actor teaches in that program."""
    actor.require(Role.PRECEPTOR)
    block = await uow.programs.get_block(block_id)
    program = await uow.programs.get(block.program_id) if block is not None else None
    if block is None or program is None:
        raise Invalid(f"There is no block {block_id}.", field="block_id")
    if actor.user_id not in (await uow.programs.preceptor_ids([program.id]))[program.id]:
        raise Forbidden("You can schedule visits only for blocks of programs you teach in.")
    return block.id, block.start_date, program.id


async def schedule_visit(uow: UnitOfWork, actor: Actor, data: VisitIn) -> VisitOut:
    """A preceptor of the block's program schedules a visit and invites visitors enrolled in the block.
    The preceptor hosts it."""
    async with uow:
        block_id, block_start, program_id = await _block_of_preceptor(uow, actor, data.block_id)
        start = check_schedule(data.starts_at, data.duration_minutes, block_start, uow.now())
        invitees = check_invitees(data.visitor_ids)
        enrolled = await uow.visits.enrollments_in_block(
            block_id, [s.value for s in UNDER_WAY_STATES], invitees
        )
        strangers = [vid for vid in invitees if vid not in enrolled]
        if strangers:
            raise Invalid(
                f"Visitor {strangers[0]} is not enrolled in this block; invite only visitors whose "
                f"enrollment includes the block starting {human_day(block_start)}.",
                field="visitor_ids",
            )
        visit = await uow.visits.add(
            program_id=program_id,
            block_id=block_id,
            host_id=actor.user_id,
            kind=data.kind,
            title=data.title,
            starts_at=start,
            duration_minutes=data.duration_minutes,
            created_at=uow.now(),
            invitations=[(vid, enrolled[vid]) for vid in invitees],
        )
        await notifications.session_changed(uow, visit, NotificationKind.SESSION_SCHEDULED)
        [out] = await _outs(uow, [visit])
        await uow.commit()
        return out


async def cancel_visit(uow: UnitOfWork, actor: Actor, visit_id: int, note: str | None = None) -> VisitOut:
    """The host cancels a visit that has not started, optionally saying why (shown to invitees).
    Patient links not yet used stop working."""
    async with uow:
        standing = await load_standing(uow, actor, visit_id)
        _require_host(standing, "cancel it")
        check_cancellable(standing.visit.status)
        if not await uow.visits.cancel(visit_id, note or None, at=uow.now()):
            raise Conflict("This visit has just started or changed; reload it.")
        await uow.visits.revoke_unredeemed_links(visit_id, uow.now())
        cancelled = await uow.visits.reload(visit_id)
        if cancelled is None:  # it was there a moment ago, in this same transaction
            raise NotFound(f"There is no visit {visit_id}.")
        await notifications.session_changed(uow, cancelled, NotificationKind.SESSION_CANCELLED)
        [out] = await _outs(uow, [cancelled])
        await uow.commit()
        return out


async def move_visit(uow: UnitOfWork, actor: Actor, visit_id: int, data: VisitMoveIn) -> VisitOut:
    """The host moves a visit that has not started to another time (and length), by the same rules
    as scheduling it. The visit's revision count goes up, so calendars that hold it replace their
    copy; invitations and patient links stay as they are. The invitees are told, with the calendar
    file; the reminder moves with it."""
    async with uow:
        standing = await load_standing(uow, actor, visit_id)
        _require_host(standing, "move it")
        visit = standing.visit
        check_movable(visit.status)
        block = await uow.programs.get_block(visit.block_id)
        if block is None:  # a visit's block is never deleted
            raise NotFound(f"There is no visit {visit_id}.")
        duration = data.duration_minutes or visit.duration_minutes
        start = check_schedule(data.starts_at, duration, block.start_date, uow.now())
        if start == visit.starts_at and duration == visit.duration_minutes:
            raise Invalid("The visit already starts then; choose another time.", field="starts_at")
        if not await uow.visits.move(visit_id, starts_at=start, duration_minutes=duration, at=uow.now()):
            raise Conflict("This visit has just started or changed; reload it.")
        moved = await uow.visits.reload(visit_id)
        if moved is None:  # it was there a moment ago, in this same transaction
            raise NotFound(f"There is no visit {visit_id}.")
        await notifications.session_changed(uow, moved, NotificationKind.SESSION_MOVED)
        [out] = await _outs(uow, [moved])
        await uow.commit()
        return out


async def visit_detail(uow: UnitOfWork, actor: Actor, visit_id: int) -> VisitOut:
    """A visit, to anyone who may see it (:func:`load_standing`)."""
    async with uow:
        standing = await load_standing(uow, actor, visit_id)
        return await visit_out(uow, standing.visit)


async def visit_outs(uow: UnitOfWork, visits: Sequence[Visit]) -> list[VisitOut]:
    """The API's view of visits the caller has loaded, inside its open unit of work."""
    return await _outs(uow, visits)


async def visit_out(uow: UnitOfWork, visit: Visit) -> VisitOut:
    """The API's view of one visit the caller has loaded, inside its open unit of work."""
    return (await _outs(uow, [visit]))[0]


async def upcoming_for(uow: UnitOfWork, actor: Actor, *, include_past: bool = False) -> list[VisitOut]:
    """The actor's visits still to come or under way, soonest first (all of them with
    ``include_past``): a visitor's invitations, a preceptor's hosted visits, and every visit of a
    coordinator's programs."""
    async with uow:
        return await visits_of(uow, actor, include_past=include_past)


async def visits_of(uow: UnitOfWork, actor: Actor, *, include_past: bool = False) -> list[VisitOut]:
    """:func:`upcoming_for` inside the caller's open unit of work."""
    now = uow.now()
    visits = await visits_since(uow, actor, None if include_past else now - UPCOMING_LOOKBACK)
    if not include_past:
        visits = [v for v in visits if is_upcoming(v.status, v.starts_at, v.duration_minutes, now)]
    return await _outs(uow, visits)


async def visits_since(uow: UnitOfWork, actor: Actor, since: datetime | None) -> list[Visit]:
    """The visits the actor is part of, starting at ``since`` or later (every one with None), soonest
    first: a visitor's invitations, a preceptor's hosted visits, every visit of a coordinator's
    programs. The one answer to "whose visits are these" for the lists, the dashboards and the
    calendar feed."""
    if actor.role is Role.VISITOR:
        return await uow.visits.of_visitor(actor.user_id, since)
    if actor.role is Role.PRECEPTOR:
        return await uow.visits.of_host(actor.user_id, since)
    programs = await uow.programs.search(published_only=False, coordinator_id=actor.user_id)
    return await uow.visits.of_programs([p.id for p in programs], since)


# --- the patient link -----------------------------------------------------------------------------


async def create_patient_link(
    uow: UnitOfWork, actor: Actor, visit_id: int, hours: int, *, requested_hours: int | None = None
) -> tuple[str, datetime]:
    """The host makes a single-use link for the patient of a patient visit; returns the token (only
    its hash is kept) and when the link expires: after ``hours`` (the configured lifetime), or the
    shorter ``requested_hours``. Earlier links not yet used stop working."""
    if requested_hours is not None:
        if requested_hours > hours:
            raise Invalid(f"A patient link lasts at most {hours} hours here.", field="hours")
        hours = requested_hours
    async with uow:
        standing = await load_standing(uow, actor, visit_id)
        _require_host(standing, "create a patient link")
        visit = standing.visit
        if visit.kind is not EncounterKind.PATIENT_VISIT:
            raise Conflict(
                "Only a patient visit has a patient to invite; this is a " + visit.kind.value + "."
            )
        status = visit.status
        if status in (VisitStatus.CANCELLED, VisitStatus.ENDED):
            raise Conflict(f"This visit is {status.value}; a patient link would be of no use.")
        now = uow.now()
        await uow.visits.revoke_unredeemed_links(visit.id, now)
        token = secrets.token_urlsafe(32)
        expires_at = now + timedelta(hours=hours)
        await uow.visits.add_link(
            visit_id=visit.id,
            token_hash=token_hash(token),
            created_by=actor.user_id,
            created_at=now,
            expires_at=expires_at,
        )
        await uow.commit()
        return token, expires_at


PATIENT_LINK_IS_NOT_FOR_ACCOUNTS = (
    "This is a patient's one-time link: it lets the patient of a telehealth visit join without an "
    "account. You are logged in as {name}, so it was not used and still works for the patient; send it "
    "to them as it is. To join a session yourself, open it from Sessions (/visits)."
)


async def redeem_patient_link(
    uow: UnitOfWork,
    token: str,
    *,
    holder: tuple[int, int] | None = None,
    account: Actor | None = None,
) -> PatientPass:
    """Use a patient link: the first time marks it used and returns the pass for its visit. Unknown,
    used, replaced and expired links raise :class:`LinkGone` (410) saying what to do.

    ``holder`` is the (visit_id, link_id) of a valid pass the browser already carries: the same
    browser opening its own link again is let back in rather than refused. ``account`` is whoever is
    logged in on that browser: patients have no account, so a logged-in person (a preceptor trying the
    link, a visitor it was forwarded to) is refused with Forbidden before the link is even looked up,
    and the link stays unused for the patient."""
    if account is not None:
        raise Forbidden(PATIENT_LINK_IS_NOT_FOR_ACCOUNTS.format(name=account.full_name))
    if not token or len(token) > 128:
        raise LinkGone("This visit link is not valid. " + ASK_FOR_NEW_LINK)
    async with uow:
        now = uow.now()
        link = await uow.visits.link_by_hash(token_hash(token))
        if link is None:
            raise LinkGone("This visit link is not valid. " + ASK_FOR_NEW_LINK)
        visit = await uow.visits.get(link.visit_id)
        if visit is None or visit.status in (VisitStatus.CANCELLED, VisitStatus.ENDED):
            raise LinkGone("This visit has ended or was cancelled; there is nothing to join.")
        if link.redeemed_at is not None:
            if holder == (link.visit_id, link.id) and link.expires_at > now:
                return PatientPass(link.visit_id, link.id, link.expires_at)
            raise LinkGone(
                "This visit link has already been used. If you were disconnected, reopen the visit in "
                "the browser you first opened it in. " + ASK_FOR_NEW_LINK
            )
        if link.revoked_at is not None:
            raise LinkGone("This visit link was replaced by a newer one. " + ASK_FOR_NEW_LINK)
        if link.expires_at <= now:
            raise LinkGone("This visit link has expired. " + ASK_FOR_NEW_LINK)
        if not await uow.visits.redeem_link(link.id, now):
            raise LinkGone("This visit link has just been used from another browser. " + ASK_FOR_NEW_LINK)
        await uow.commit()
        return PatientPass(link.visit_id, link.id, link.expires_at)
