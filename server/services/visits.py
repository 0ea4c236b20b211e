"""Live sessions as records ("visits"): scheduling and cancelling, who may see and join a visit, the
patient's single-use link, consent, attendance, and the encounters a visit leaves behind.

Who stands where:
* the **host** is the preceptor who scheduled the visit (one of the program's preceptors);
* an **invitee** is a visitor invited through their enrollment in the visit's block;
* the program's other **preceptors** and its **coordinator** may look at a visit and its attendance;
* the **patient** has no account: a redeemed link gives their browser a signed pass for one visit.
Anyone else is told the visit does not exist (404), as for every other record.

The WebSocket (``server/handlers/live_socket.py``) calls :func:`authorize_join`,
:func:`record_attendance_start`/:func:`record_attendance_end`, :func:`record_consent`,
:func:`withdraw_consent` and :func:`end_visit`; the rest serve the API and the pages.
"""

from __future__ import annotations

import secrets
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from server.db.models import AttendanceInterval, Block, Encounter, PatientLink, Program, Visit, VisitConsent
from server.db.uow import UnitOfWork
from server.domain.actors import Actor
from server.domain.applications import AppState
from server.domain.blocks import block_end
from server.domain.caselog import EncounterKind, Setting, check_consent
from server.domain.errors import Conflict, Forbidden, Invalid, NotFound, Unauthorized
from server.domain.visits import (
    KIND_LABELS,
    CalendarEvent,
    ConsentMethod,
    ConsentScope,
    EndReason,
    JoinGrant,
    LinkGone,
    ParticipantRole,
    PatientPass,
    VisitStatus,
    build_ics,
    check_cancellable,
    check_invitees,
    check_joinable,
    check_schedule,
    is_observer,
    is_upcoming,
    join_window,
    merged_seconds,
    patient_participant_id,
    rotation_week,
    scheduled_end,
    token_hash,
    user_participant_id,
)
from server.domain.vocab import Role, RotationType
from server.schemas.visits import (
    AttendanceOut,
    IntervalOut,
    InviteeOut,
    ParticipantAttendanceOut,
    VisitIn,
    VisitOut,
)

# Who can be invited to, and join, a visit: an enrollment under way (not a completed, withdrawn or
# dismissed one). A completed enrollment still keeps the encounters its visits left.
INVITABLE_STATES = frozenset({AppState.ENROLLED, AppState.ACTIVE})
ENCOUNTER_STATES = frozenset({AppState.ENROLLED, AppState.ACTIVE, AppState.COMPLETED})
PATIENT_NAME = "Patient"
# A visit older than this (from its start) cannot be in anyone's upcoming list: longest visit plus the
# join window's tail, with room to spare.
UPCOMING_LOOKBACK = timedelta(days=1)


def live_path(visit_id: int) -> str:
    return f"/visits/{visit_id}/live"


def visit_path(visit_id: int) -> str:
    return f"/visits/{visit_id}"


@dataclass(frozen=True)
class _Standing:
    """A visit and how the actor stands to it."""

    visit: Visit
    program: Program
    is_host: bool
    is_invitee: bool
    is_program_preceptor: bool
    is_coordinator: bool


async def _load(uow: UnitOfWork, actor: Actor, visit_id: int) -> _Standing:
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
    is_coordinator = actor.role is Role.COORDINATOR and program.coordinator_id == actor.user_id
    if not (is_host or is_invitee or is_program_preceptor or is_coordinator):
        raise missing
    return _Standing(visit, program, is_host, is_invitee, is_program_preceptor, is_coordinator)


def _require_host(standing: _Standing, what: str) -> None:
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
    programs: dict[int, Program] = {}
    for program_id in {v.program_id for v in visits}:
        program = await uow.programs.get(program_id)
        if program is not None:
            programs[program_id] = program
    out = []
    for visit in visits:
        opens, closes = join_window(visit.starts_at, visit.duration_minutes)
        out.append(
            VisitOut(
                id=visit.id,
                program_id=visit.program_id,
                program_title=programs[visit.program_id].title,
                block_id=visit.block_id,
                block_start_date=blocks[visit.block_id].start_date,
                host_id=visit.host_id,
                host_name=users[visit.host_id].full_name,
                kind=EncounterKind(visit.kind),
                title=visit.title,
                starts_at=visit.starts_at,
                ends_at=scheduled_end(visit.starts_at, visit.duration_minutes),
                duration_minutes=visit.duration_minutes,
                status=VisitStatus(visit.status),
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
                calendar_url=f"/api/v1/visits/{visit.id}/calendar.ics",
            )
        )
    return out


# --- scheduling -----------------------------------------------------------------------------------


async def _block_of_preceptor(uow: UnitOfWork, actor: Actor, block_id: int) -> tuple[Block, Program]:
    actor.require(Role.PRECEPTOR)
    block = await uow.programs.get_block(block_id)
    program = await uow.programs.get(block.program_id) if block is not None else None
    if block is None or program is None:
        raise Invalid(f"There is no block {block_id}.", field="block_id")
    if actor.user_id not in (await uow.programs.preceptor_ids([program.id]))[program.id]:
        raise Forbidden("You can schedule visits only for blocks of programs you teach in.")
    return block, program


async def schedule_visit(uow: UnitOfWork, actor: Actor, data: VisitIn) -> VisitOut:
    """A preceptor of the block's program schedules a visit and invites visitors enrolled in the block.
    The preceptor hosts it."""
    async with uow:
        block, program = await _block_of_preceptor(uow, actor, data.block_id)
        start = check_schedule(data.starts_at, data.duration_minutes, block.start_date, uow.now())
        invitees = check_invitees(data.visitor_ids)
        enrolled = await uow.visits.enrollments_in_block(
            block.id, [s.value for s in INVITABLE_STATES], invitees
        )
        strangers = [vid for vid in invitees if vid not in enrolled]
        if strangers:
            raise Invalid(
                f"Visitor {strangers[0]} is not enrolled in this block; invite only visitors whose "
                f"enrollment includes the block starting {block.start_date.isoformat()}.",
                field="visitor_ids",
            )
        visit = await uow.visits.add(
            Visit(
                program_id=program.id,
                block_id=block.id,
                host_id=actor.user_id,
                kind=data.kind.value,
                title=data.title,
                starts_at=start,
                duration_minutes=data.duration_minutes,
                status=VisitStatus.SCHEDULED.value,
                started_at=None,
                ended_at=None,
                cancel_note=None,
                created_at=uow.now(),
            ),
            [(vid, enrolled[vid]) for vid in invitees],
        )
        [out] = await _outs(uow, [visit])
        await uow.commit()
        return out


async def cancel_visit(uow: UnitOfWork, actor: Actor, visit_id: int, note: str | None = None) -> VisitOut:
    """The host cancels a visit that has not started, optionally saying why (shown to invitees).
    Patient links not yet used stop working."""
    async with uow:
        standing = await _load(uow, actor, visit_id)
        _require_host(standing, "cancel it")
        check_cancellable(VisitStatus(standing.visit.status))
        if not await uow.visits.compare_and_set_status(
            visit_id,
            [VisitStatus.SCHEDULED.value],
            {"status": VisitStatus.CANCELLED.value, "cancel_note": note or None},
        ):
            raise Conflict("This visit has just started or changed; reload it.")
        await uow.visits.revoke_unredeemed_links(visit_id, uow.now())
        await uow.visits.refresh(standing.visit)
        [out] = await _outs(uow, [standing.visit])
        await uow.commit()
        return out


async def visit_detail(uow: UnitOfWork, actor: Actor, visit_id: int) -> VisitOut:
    async with uow:
        standing = await _load(uow, actor, visit_id)
        return (await _outs(uow, [standing.visit]))[0]


async def upcoming_for(uow: UnitOfWork, actor: Actor, *, include_past: bool = False) -> list[VisitOut]:
    """The actor's visits still to come or under way, soonest first (all of them with
    ``include_past``): a visitor's invitations, a preceptor's hosted visits, and every visit of a
    coordinator's programs."""
    async with uow:
        now = uow.now()
        since = None if include_past else now - UPCOMING_LOOKBACK
        if actor.role is Role.VISITOR:
            visits = await uow.visits.of_visitor(actor.user_id, since)
        elif actor.role is Role.PRECEPTOR:
            visits = await uow.visits.of_host(actor.user_id, since)
        else:
            programs = await uow.programs.search(published_only=False, coordinator_id=actor.user_id)
            visits = await uow.visits.of_programs([p.id for p in programs], since)
        if not include_past:
            visits = [
                v for v in visits if is_upcoming(VisitStatus(v.status), v.starts_at, v.duration_minutes, now)
            ]
        return await _outs(uow, visits)


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
                    block.id, [s.value for s in INVITABLE_STATES]
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


# --- the calendar file ----------------------------------------------------------------------------


async def visit_ics(uow: UnitOfWork, actor: Actor, visit_id: int, base_url: str = "") -> str:
    """The visit as an RFC 5545 calendar with one event (for anyone who may see the visit).
    ``base_url`` (scheme and host, no trailing slash) makes the event's link absolute."""
    async with uow:
        standing = await _load(uow, actor, visit_id)
        visit = standing.visit
        host = await uow.users.get(visit.host_id)
        kind = KIND_LABELS[EncounterKind(visit.kind)]
        host_name = host.full_name if host else "your preceptor"
        url = base_url.rstrip("/") + visit_path(visit.id)
        event = CalendarEvent(
            uid=f"visit-{visit.id}@rounds",
            stamp=uow.now(),
            start=visit.starts_at,
            end=scheduled_end(visit.starts_at, visit.duration_minutes),
            summary=f"{kind}: {visit.title}",
            description=(
                f"{kind} of {standing.program.title}, hosted by {host_name}."
                f"\nJoin from Rounds up to 30 minutes before the start: {url}"
            ),
            url=url,
            cancelled=visit.status == VisitStatus.CANCELLED.value,
        )
        return build_ics(event)


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
        standing = await _load(uow, actor, visit_id)
        _require_host(standing, "create a patient link")
        visit = standing.visit
        if visit.kind != EncounterKind.PATIENT_VISIT.value:
            raise Conflict("Only a patient visit has a patient to invite; this is a " + visit.kind + ".")
        status = VisitStatus(visit.status)
        if status in (VisitStatus.CANCELLED, VisitStatus.ENDED):
            raise Conflict(f"This visit is {status.value}; a patient link would be of no use.")
        now = uow.now()
        await uow.visits.revoke_unredeemed_links(visit.id, now)
        token = secrets.token_urlsafe(32)
        expires_at = now + timedelta(hours=hours)
        await uow.visits.add_link(
            PatientLink(
                visit_id=visit.id,
                token_hash=token_hash(token),
                created_by=actor.user_id,
                created_at=now,
                expires_at=expires_at,
                redeemed_at=None,
                revoked_at=None,
            )
        )
        await uow.commit()
        return token, expires_at


ASK_FOR_NEW_LINK = "Ask your clinician's office for a new link."


async def redeem_patient_link(
    uow: UnitOfWork, token: str, *, holder: tuple[int, int] | None = None
) -> PatientPass:
    """Use a patient link: the first time marks it used and returns the pass for its visit. Unknown,
    used, replaced and expired links raise :class:`LinkGone` (410) saying what to do.

    ``holder`` is the (visit_id, link_id) of a valid pass the browser already carries: the same
    browser opening its own link again is let back in rather than refused."""
    if not token or len(token) > 128:
        raise LinkGone("This visit link is not valid. " + ASK_FOR_NEW_LINK)
    async with uow:
        now = uow.now()
        link = await uow.visits.link_by_hash(token_hash(token))
        if link is None:
            raise LinkGone("This visit link is not valid. " + ASK_FOR_NEW_LINK)
        visit = await uow.visits.get(link.visit_id)
        if visit is None or visit.status in (VisitStatus.CANCELLED.value, VisitStatus.ENDED.value):
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


# --- joining --------------------------------------------------------------------------------------


async def authorize_join(
    uow: UnitOfWork, actor: Actor | None, visit_id: int, patient_pass: tuple[int, int] | None
) -> JoinGrant:
    """Who the caller is in the visit's room, or a typed error saying why they may not join.

    * the host (the visit's preceptor): ``user-{id}``; their first join marks the visit live;
    * an invited visitor whose enrollment is still under way: ``user-{id}``, an observer per
      :func:`server.domain.visits.is_observer`;
    * the patient, with a pass (from a redeemed link) for this visit: ``patient-{link_id}``.
    A logged-in person is judged by their account first; the patient pass is used only when the
    account gives no place (or there is no login). The visit must be joinable now: not cancelled
    or ended, from 30 minutes before its start until 6 hours after its scheduled end.
    """
    async with uow:
        now = uow.now()
        visit = await uow.visits.get(visit_id)
        if visit is None:
            raise NotFound(f"There is no visit {visit_id}.")
        program = await uow.programs.get(visit.program_id)
        if program is None:
            raise NotFound(f"There is no visit {visit_id}.")
        grant: JoinGrant | None = None
        refusal: Exception | None = None
        if actor is not None:
            try:
                grant = await _account_grant(uow, actor, visit, program)
            except (Forbidden, NotFound) as exc:
                refusal = exc
        if grant is None and patient_pass is not None:
            grant = await _patient_grant(uow, visit, patient_pass, now)
        if grant is None:
            if refusal is not None:
                raise refusal
            raise Unauthorized(
                "Log in to join this visit; a patient opens the link their clinician sent them."
            )
        check_joinable(VisitStatus(visit.status), visit.starts_at, visit.duration_minutes, now)
        if grant.role == ParticipantRole.HOST.value and visit.status == VisitStatus.SCHEDULED.value:
            await uow.visits.compare_and_set_status(
                visit.id,
                [VisitStatus.SCHEDULED.value],
                {"status": VisitStatus.LIVE.value, "started_at": now},
            )
            await uow.commit()
        return grant


async def _account_grant(uow: UnitOfWork, actor: Actor, visit: Visit, program: Program) -> JoinGrant:
    if actor.role is Role.PRECEPTOR and visit.host_id == actor.user_id:
        return JoinGrant(
            visit_id=visit.id,
            participant_id=user_participant_id(actor.user_id),
            role=ParticipantRole.HOST.value,
            display_name=actor.full_name,
            room_kind=visit.kind,
            observer=False,
            user_id=actor.user_id,
        )
    if actor.role is Role.VISITOR:
        invitation = await uow.visits.invitation(visit.id, actor.user_id)
        if invitation is not None:
            enrollment = await uow.applications.get(invitation.enrollment_id)
            if enrollment is None or AppState(enrollment.state) not in INVITABLE_STATES:
                raise Forbidden(
                    "Your enrollment in this program is no longer under way, so you cannot join its "
                    "visits; contact the program's coordinator."
                )
            return JoinGrant(
                visit_id=visit.id,
                participant_id=user_participant_id(actor.user_id),
                role=ParticipantRole.VISITOR.value,
                display_name=actor.full_name,
                room_kind=visit.kind,
                observer=is_observer(EncounterKind(visit.kind), RotationType(program.rotation_type)),
                user_id=actor.user_id,
            )
    raise Forbidden(
        "You are not invited to this visit. Only its host and the visitors it invites can join; "
        "ask the host to schedule you into a visit."
    )


async def _patient_grant(
    uow: UnitOfWork, visit: Visit, patient_pass: tuple[int, int], now: datetime
) -> JoinGrant:
    pass_visit_id, link_id = patient_pass
    if pass_visit_id != visit.id:
        raise Forbidden(
            "Your visit pass is for another visit. Open the link your clinician sent for this one."
        )
    link = await uow.visits.get_link(link_id)
    if (
        link is None
        or link.visit_id != visit.id
        or link.redeemed_at is None
        or link.expires_at <= now
        or visit.kind != EncounterKind.PATIENT_VISIT.value
    ):
        raise LinkGone("Your visit pass is no longer valid. " + ASK_FOR_NEW_LINK)
    return JoinGrant(
        visit_id=visit.id,
        participant_id=patient_participant_id(link.id),
        role=ParticipantRole.PATIENT.value,
        display_name=PATIENT_NAME,
        room_kind=visit.kind,
        observer=False,
        user_id=None,
    )


# --- attendance -----------------------------------------------------------------------------------


async def record_attendance_start(uow: UnitOfWork, visit_id: int, grant: JoinGrant, at: datetime) -> int:
    """A participant's connection to the room opened at ``at``; returns the interval's id. An interval
    of the same participant still open (a drop the server had not noticed yet) is closed as dropped."""
    if grant.visit_id != visit_id:
        raise Invalid("The join grant is for another visit.")
    async with uow:
        visit = await uow.visits.get(visit_id)
        if visit is None:
            raise NotFound(f"There is no visit {visit_id}.")
        if visit.status in (VisitStatus.CANCELLED.value, VisitStatus.ENDED.value):
            raise Conflict(f"This visit is {visit.status}; no attendance can start.")
        await uow.visits.close_open_intervals(
            visit_id, at, EndReason.DROPPED.value, participant_key=grant.participant_id
        )
        interval = await uow.visits.add_interval(
            AttendanceInterval(
                visit_id=visit_id,
                user_id=grant.user_id,
                participant_key=grant.participant_id,
                role=grant.role,
                connected_at=at,
                disconnected_at=None,
                end_reason=None,
            )
        )
        await uow.commit()
        return interval.id


async def end_stale_attendance(
    uow: UnitOfWork, visit_id: int, until: datetime, opened_before: datetime
) -> int:
    """The server that hosted the visit's room went away without closing its participants'
    intervals: those still open (and opened before ``opened_before``, the moment another server took
    the room over) end at ``until``, the last time that server was seen hosting the room, as
    dropped. Returns how many were closed."""
    async with uow:
        closed = await uow.visits.close_open_intervals(
            visit_id, until, EndReason.DROPPED.value, opened_before=opened_before
        )
        await uow.commit()
        return closed


async def record_attendance_end(
    uow: UnitOfWork, interval_id: int, at: datetime, reason: EndReason | str
) -> bool:
    """The connection of an interval closed at ``at`` (never before it opened). False, and nothing
    changed, if the interval was already closed (e.g. by :func:`end_visit`)."""
    try:
        why = EndReason(reason)
    except ValueError:
        raise Invalid(f"Unknown end reason {reason!r}.") from None
    async with uow:
        if await uow.visits.get_interval(interval_id) is None:
            raise NotFound(f"There is no attendance interval {interval_id}.")
        closed = await uow.visits.close_interval(interval_id, at, why.value)
        await uow.commit()
        return closed


async def attendance_for(uow: UnitOfWork, actor: Actor, visit_id: int) -> AttendanceOut:
    """Who was connected when, with each participant's total connected minutes (overlaps once). The
    host, the program's preceptors and its coordinator see everyone; an invited visitor sees only
    themself."""
    async with uow:
        standing = await _load(uow, actor, visit_id)
        visit = standing.visit
        only_self = not (standing.is_host or standing.is_program_preceptor or standing.is_coordinator)
        intervals = await uow.visits.intervals(visit.id, actor.user_id if only_self else None)
        until = visit.ended_at or uow.now()
        by_key: dict[str, list[AttendanceInterval]] = defaultdict(list)
        for interval in intervals:
            by_key[interval.participant_key].append(interval)
        users = await uow.users.by_ids([i.user_id for i in intervals if i.user_id is not None])
        participants = []
        for key, items in by_key.items():
            user_id = items[0].user_id
            seconds = merged_seconds([(i.connected_at, i.disconnected_at) for i in items], until)
            participants.append(
                ParticipantAttendanceOut(
                    participant_id=key,
                    user_id=user_id,
                    name=users[user_id].full_name if user_id in users else PATIENT_NAME,
                    role=ParticipantRole(items[0].role),
                    connected_minutes=round(seconds / 60, 1),
                    intervals=[
                        IntervalOut(
                            id=i.id,
                            connected_at=i.connected_at,
                            disconnected_at=i.disconnected_at,
                            end_reason=i.end_reason,
                        )
                        for i in items
                    ],
                )
            )
        return AttendanceOut(visit_id=visit.id, status=VisitStatus(visit.status), participants=participants)


# --- consent --------------------------------------------------------------------------------------


async def record_consent(
    uow: UnitOfWork,
    visit_id: int,
    host_user_id: int,
    scope: ConsentScope | str,
    method: ConsentMethod | str,
    at: datetime,
) -> int:
    """The host records the patient's consent to learners in a patient visit; returns its id. A new
    record supersedes earlier ones (the latest standing consent is the one that counts)."""
    try:
        scope_value, method_value = ConsentScope(scope), ConsentMethod(method)
    except ValueError:
        raise Invalid("Consent scope is observe or interact; method is verbal or written.") from None
    async with uow:
        visit = await uow.visits.get(visit_id)
        if visit is None:
            raise NotFound(f"There is no visit {visit_id}.")
        if visit.host_id != host_user_id:
            raise Forbidden("Only the visit's host records the patient's consent.")
        if visit.kind != EncounterKind.PATIENT_VISIT.value:
            raise Conflict("Only a patient visit has a patient whose consent is recorded.")
        if visit.status in (VisitStatus.CANCELLED.value, VisitStatus.ENDED.value):
            raise Conflict(f"This visit is {visit.status}; consent can no longer be recorded.")
        consent = await uow.visits.add_consent(
            VisitConsent(
                visit_id=visit.id,
                scope=scope_value.value,
                method=method_value.value,
                obtained_by=host_user_id,
                recorded_at=at,
                withdrawn_at=None,
            )
        )
        await uow.commit()
        return consent.id


async def withdraw_consent(uow: UnitOfWork, visit_id: int, at: datetime) -> int:
    """The patient withdrew consent: every standing consent of the visit is withdrawn at ``at``.
    Returns how many were (0 when none stood)."""
    async with uow:
        if await uow.visits.get(visit_id) is None:
            raise NotFound(f"There is no visit {visit_id}.")
        count = await uow.visits.withdraw_consents(visit_id, at)
        await uow.commit()
        return count


# --- ending ---------------------------------------------------------------------------------------


async def end_visit(uow: UnitOfWork, visit_id: int, at: datetime) -> list[int]:
    """End a visit: status ended, every open attendance interval closed at ``at``, and an encounter
    for each invited visitor who was connected at some point (unless the visit already made one for
    that enrollment). Returns the ids of the encounters made. Ending an ended visit changes nothing
    but still makes any encounter missing; a cancelled visit cannot be ended."""
    async with uow:
        visit = await uow.visits.lock(visit_id)
        if visit is None:
            raise NotFound(f"There is no visit {visit_id}.")
        if visit.status == VisitStatus.CANCELLED.value:
            raise Conflict("This visit was cancelled; there is nothing to end.")
        if visit.status != VisitStatus.ENDED.value:
            await uow.visits.compare_and_set_status(
                visit.id,
                [VisitStatus.SCHEDULED.value, VisitStatus.LIVE.value],
                {"status": VisitStatus.ENDED.value, "ended_at": at},
            )
        await uow.visits.close_open_intervals(visit.id, at, EndReason.ENDED.value)
        created = await _encounters_of(uow, visit, at)
        await uow.commit()
        return created


async def end_overdue_visits(uow: UnitOfWork) -> int:
    """End every live visit whose join window has closed: its room is long gone (the host never came
    back to a server that restarted, or the process died). Open attendance closes at the window's end,
    not now, so that hours are not counted for time nobody could have been there. One transaction per
    visit (the unit of work is entered once per visit). Returns how many were ended."""
    async with uow:
        live = await uow.visits.live_ids()
    ended = 0
    for visit_id in live:
        async with uow:
            visit = await uow.visits.get(visit_id)
            if visit is None or visit.status != VisitStatus.LIVE.value:
                continue
            closes = join_window(visit.starts_at, visit.duration_minutes)[1]
            if uow.now() < closes:
                continue
        await end_visit(uow, visit_id, closes)
        ended += 1
    return ended


async def _encounters_of(uow: UnitOfWork, visit: Visit, at: datetime) -> list[int]:
    attended = {i.user_id for i in await uow.visits.intervals(visit.id) if i.role == ParticipantRole.VISITOR}
    done = await uow.visits.encounter_enrollments(visit.id)
    kind = EncounterKind(visit.kind)
    consent_id: int | None = None
    if kind is EncounterKind.PATIENT_VISIT:
        consents = await uow.visits.consents(visit.id)
        consent_id = consents[-1].id if consents else None
    # A patient visit records whether consent was given; the other kinds have no patient (None).
    consent_flag = check_consent(
        kind, consent_id is not None if kind is EncounterKind.PATIENT_VISIT else None
    )
    created = []
    for invitation in (await uow.visits.invitations([visit.id]))[visit.id]:
        if invitation.visitor_id not in attended or invitation.enrollment_id in done:
            continue
        enrollment = await uow.applications.get(invitation.enrollment_id)
        if enrollment is None or AppState(enrollment.state) not in ENCOUNTER_STATES:
            continue
        block_ids = (await uow.applications.block_ids([enrollment.id]))[enrollment.id]
        blocks = await uow.programs.blocks_by_ids(block_ids)
        if not blocks:
            continue
        week = rotation_week(blocks[0].start_date, visit.starts_at.date(), len(blocks))
        encounter = await uow.encounters.add(
            Encounter(
                enrollment_id=enrollment.id,
                session_id=visit.id,
                kind=kind.value,
                setting=Setting.TELEHEALTH_VIDEO.value,
                rotation_week=week,
                consent_id=consent_id,
                consent_recorded=consent_flag,
                created_by=visit.host_id,
                created_at=at,
            )
        )
        created.append(encounter.id)
    return created
