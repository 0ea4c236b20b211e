"""Live sessions as records ("visits"), the room side: who may join a visit's room and as what, the
attendance of its participants, the patient's consent, and the end of a visit with the encounters it
leaves behind.

The WebSocket (``server/handlers/live_socket.py``) calls :func:`authorize_join`; the room's recorder
(``server/live/record.py``) calls :func:`record_attendance_start`/:func:`record_attendance_end`,
:func:`record_consent`, :func:`withdraw_consent` and :func:`end_visit`; the app's maintenance calls
:func:`end_overdue_visits`; the API and the pages show :func:`attendance_for`. Scheduling, and who may
see a visit, are in :mod:`server.services.visits`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime

from server.db.uow import UnitOfWork
from server.domain.actors import Actor
from server.domain.applications import ENROLLED_STATES, UNDER_WAY_STATES, AppState
from server.domain.caselog import EncounterKind, EncounterSource, Setting, check_consent
from server.domain.dates import zone_of
from server.domain.errors import Conflict, DomainError, Forbidden, Invalid, NotFound, Unauthorized
from server.domain.visits import (
    AttendanceInterval,
    ConsentMethod,
    ConsentScope,
    EndReason,
    JoinGrant,
    LinkGone,
    ParticipantRole,
    Visit,
    VisitStatus,
    check_joinable,
    is_observer,
    join_window,
    merged_seconds,
    patient_participant_id,
    rotation_week,
    user_participant_id,
)
from server.domain.vocab import Role, RotationType
from server.schemas.visits import AttendanceOut, IntervalOut, ParticipantAttendanceOut
from server.services.visits import ASK_FOR_NEW_LINK, Standing, load_standing

PATIENT_NAME = "Patient"


# --- joining --------------------------------------------------------------------------------------


async def authorize_join(
    uow: UnitOfWork, actor: Actor | None, visit_id: int, patient_pass: tuple[int, int] | None
) -> JoinGrant:
    """Who the caller is in the visit's room, or a typed error saying why they may not join.

    * the host (the visit's preceptor): ``user-{id}``; their first join marks the visit live;
    * an invited visitor whose enrollment is still under way: ``user-{id}``, an observer per
      :func:`server.domain.visits.is_observer`;
    * the patient, with a pass (from a redeemed link) for this visit: ``patient-{link_id}``.
    A logged-in person is judged by their account alone: patients have no account, so a patient pass
    counts only where nobody is logged in (a pass that reached an account's browser gives it no
    patient's place). The visit must be joinable now: not cancelled
    or ended, from 30 minutes before its start until 6 hours after its scheduled end.
    """
    async with uow:
        now = uow.now()
        grant, visit = await _judge_join(uow, actor, visit_id, patient_pass)
        if grant.role == ParticipantRole.HOST.value and visit.status is VisitStatus.SCHEDULED:
            await uow.visits.compare_and_set_status(
                visit.id,
                [VisitStatus.SCHEDULED.value],
                {"status": VisitStatus.LIVE.value, "started_at": now},
            )
            await uow.commit()
        return grant


async def join_verdict(
    uow: UnitOfWork, actor: Actor | None, visit_id: int, patient_pass: tuple[int, int] | None
) -> JoinGrant:
    """What :func:`authorize_join` would answer now, changing nothing (the host's first join is what
    marks a visit live, not this question): the grant, or the same typed error. A browser asks it when
    its WebSocket fails before ``welcome``, since it cannot read a refused handshake's status."""
    async with uow:
        grant, _ = await _judge_join(uow, actor, visit_id, patient_pass)
        return grant


async def joinable_now(uow: UnitOfWork, actor: Actor, visits: Sequence[Visit]) -> set[int]:
    """Ids of the ``visits`` the actor could join at this moment: :func:`authorize_join`'s rule, asked
    of each without side effects, inside the caller's unit of work (the dashboards' Join buttons)."""
    open_ids = set()
    for visit in visits:
        try:
            await _judge_join(uow, actor, visit.id, None)
        except DomainError:
            continue
        open_ids.add(visit.id)
    return open_ids


async def _judge_join(
    uow: UnitOfWork, actor: Actor | None, visit_id: int, patient_pass: tuple[int, int] | None
) -> tuple[JoinGrant, Visit]:
    """The join rules of :func:`authorize_join`, inside the caller's unit of work, without side effects."""
    now = uow.now()
    visit = await uow.visits.get(visit_id)
    if visit is None:
        raise NotFound(f"There is no visit {visit_id}.")
    program = await uow.programs.get(visit.program_id)
    if program is None:
        raise NotFound(f"There is no visit {visit_id}.")
    rotation = RotationType(program.rotation_type)
    grant: JoinGrant | None = None
    refusal: Exception | None = None
    if actor is not None:
        try:
            grant = await _account_grant(uow, actor, visit, rotation)
        except (Forbidden, NotFound) as exc:
            refusal = exc
    # A logged-in account is judged by its account alone: a patient's pass in its cookie jar (a link it
    # opened, or a copied cookie) never makes it the patient (issue 18, item 3).
    if actor is None and patient_pass is not None:
        grant = await _patient_grant(uow, visit, rotation, patient_pass, now)
    if grant is None:
        if refusal is not None:
            raise refusal
        raise Unauthorized("Log in to join this visit; a patient opens the link their clinician sent them.")
    zone = zone_of(actor.time_zone) if actor is not None else None
    check_joinable(visit.status, visit.starts_at, visit.duration_minutes, now, zone)
    return grant, visit


def _observes(role: ParticipantRole, visit: Visit, rotation: RotationType) -> bool:
    """Whether someone of ``role`` joins this visit as an observer: the domain's rule, given the
    visit's kind and its program's rotation type."""
    return is_observer(visit.kind, rotation, role=role)


async def _account_grant(uow: UnitOfWork, actor: Actor, visit: Visit, rotation: RotationType) -> JoinGrant:
    if actor.role is Role.PRECEPTOR and visit.host_id == actor.user_id:
        return JoinGrant(
            visit_id=visit.id,
            participant_id=user_participant_id(actor.user_id),
            role=ParticipantRole.HOST.value,
            display_name=actor.full_name,
            room_kind=visit.kind.value,
            observer=_observes(ParticipantRole.HOST, visit, rotation),
            user_id=actor.user_id,
        )
    if actor.role is Role.VISITOR:
        invitation = await uow.visits.invitation(visit.id, actor.user_id)
        if invitation is not None:
            enrollment = await uow.applications.get(invitation.enrollment_id)
            if enrollment is None or AppState(enrollment.state) not in UNDER_WAY_STATES:
                raise Forbidden(
                    "Your enrollment in this program is no longer under way, so you cannot join its "
                    "visits; contact the program's coordinator."
                )
            return JoinGrant(
                visit_id=visit.id,
                participant_id=user_participant_id(actor.user_id),
                role=ParticipantRole.VISITOR.value,
                display_name=actor.full_name,
                room_kind=visit.kind.value,
                observer=_observes(ParticipantRole.VISITOR, visit, rotation),
                user_id=actor.user_id,
            )
    raise Forbidden(
        "You are not invited to this visit. Only its host and the visitors it invites can join; "
        "ask the host to schedule you into a visit."
    )


async def _patient_grant(
    uow: UnitOfWork, visit: Visit, rotation: RotationType, patient_pass: tuple[int, int], now: datetime
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
        or visit.kind is not EncounterKind.PATIENT_VISIT
    ):
        raise LinkGone("Your visit pass is no longer valid. " + ASK_FOR_NEW_LINK)
    return JoinGrant(
        visit_id=visit.id,
        participant_id=patient_participant_id(link.id),
        role=ParticipantRole.PATIENT.value,
        display_name=PATIENT_NAME,
        room_kind=visit.kind.value,
        observer=_observes(ParticipantRole.PATIENT, visit, rotation),
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
        if visit.status in (VisitStatus.CANCELLED, VisitStatus.ENDED):
            raise Conflict(f"This visit is {visit.status.value}; no attendance can start.")
        await uow.visits.close_open_intervals(
            visit_id, at, EndReason.DROPPED.value, participant_key=grant.participant_id
        )
        interval = await uow.visits.add_interval(
            visit_id=visit_id,
            user_id=grant.user_id,
            participant_key=grant.participant_id,
            role=ParticipantRole(grant.role),
            connected_at=at,
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
        return await attendance_of(uow, actor, await load_standing(uow, actor, visit_id))


async def attendance_of(uow: UnitOfWork, actor: Actor, standing: Standing) -> AttendanceOut:
    """:func:`attendance_for` of a visit the caller has loaded (:func:`load_standing`), inside its
    open unit of work."""
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
                role=items[0].role,
                connected_minutes=round(seconds / 60, 1),
                intervals=[
                    IntervalOut(
                        id=i.id,
                        connected_at=i.connected_at,
                        disconnected_at=i.disconnected_at,
                        end_reason=None if i.end_reason is None else i.end_reason.value,
                    )
                    for i in items
                ],
            )
        )
    return AttendanceOut(visit_id=visit.id, status=visit.status, participants=participants)


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
        if visit.kind is not EncounterKind.PATIENT_VISIT:
            raise Conflict("Only a patient visit has a patient whose consent is recorded.")
        if visit.status in (VisitStatus.CANCELLED, VisitStatus.ENDED):
            raise Conflict(f"This visit is {visit.status.value}; consent can no longer be recorded.")
        consent = await uow.visits.add_consent(
            visit_id=visit.id,
            scope=scope_value,
            method=method_value,
            obtained_by=host_user_id,
            recorded_at=at,
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
        if visit.status is VisitStatus.CANCELLED:
            raise Conflict("This visit was cancelled; there is nothing to end.")
        if visit.status is not VisitStatus.ENDED:
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
            if visit is None or visit.status is not VisitStatus.LIVE:
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
    kind = visit.kind
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
        if enrollment is None or AppState(enrollment.state) not in ENROLLED_STATES:
            continue
        block_ids = (await uow.applications.block_ids([enrollment.id]))[enrollment.id]
        blocks = await uow.programs.blocks_by_ids(block_ids)
        if not blocks:
            continue
        week = rotation_week(blocks[0].start_date, visit.starts_at.date(), len(blocks))
        encounter = await uow.encounters.create(
            enrollment_id=enrollment.id,
            session_id=visit.id,
            kind=kind,
            setting=Setting.TELEHEALTH_VIDEO,
            week=week,
            consent_id=consent_id,
            consent_recorded=consent_flag,
            created_by=visit.host_id,
            at=at,
            source=EncounterSource.PLATFORM,
        )
        created.append(encounter.id)
    return created
