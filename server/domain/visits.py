"""Live sessions as scheduled records ("visits"): their vocabulary and rules, the join window, the
signed patient pass, merged attendance time, and the rotation week of a visit. A visit as a calendar
event is :mod:`server.domain.calendars`.

Plain Python: no I/O. The role and consent vocabularies are the live engine's own (``sessions.room``);
the visit kind is the case log's, a copy of the engine's room kind (the engine knows nothing of the
server): ``tests/unit/test_visits_domain.py`` checks that the kinds and their patient rule agree.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo
from enum import StrEnum

from server.domain.caselog import EncounterKind, weeks_in
from server.domain.dates import human_day, human_moment
from server.domain.errors import Conflict, DomainError, Invalid
from server.domain.vocab import RotationType
from sessions.room import ConsentMethod as ConsentMethod
from sessions.room import ConsentScope as ConsentScope
from sessions.room import Role

# A visit's kind is the kind of the encounter it becomes (and of the room it runs in).
VisitKind = EncounterKind

DURATION_MIN = 5
DURATION_MAX = 240
TITLE_MAX = 200
CANCEL_NOTE_MAX = 300
MAX_INVITEES = 50
# Joinable from half an hour before the start (people test their camera, the waiting room fills)...
JOIN_OPENS_BEFORE = timedelta(minutes=30)
# ...until the host ends it, or at the latest six hours after the scheduled end (a clinic running late).
JOIN_CLOSES_AFTER_END = timedelta(hours=6)
# A visit belongs to a block but may fall a little outside it: an orientation huddle in the two weeks
# before the block starts, a wrap-up in the week after its last day.
SCHEDULE_BEFORE_BLOCK = timedelta(days=14)
SCHEDULE_AFTER_BLOCK = timedelta(days=7)
BLOCK_DAYS = 28


class VisitStatus(StrEnum):
    """scheduled -> live (the host joined) -> ended; scheduled -> cancelled."""

    SCHEDULED = "scheduled"
    LIVE = "live"
    ENDED = "ended"
    CANCELLED = "cancelled"


# Who someone is in a live visit, and the patient's consent: the live-session engine's own
# vocabulary (pure Python, no I/O), so that the record and the room can never disagree on a value.
ParticipantRole = Role


class EndReason(StrEnum):
    """Why an attendance interval closed."""

    LEFT = "left"  # the participant left
    DROPPED = "dropped"  # the connection was lost (they may come back: a new interval)
    REMOVED = "removed"  # the host removed them
    DENIED = "denied"  # the host refused them from the waiting room
    ENDED = "ended"  # the visit ended for everyone


KIND_LABELS: dict[EncounterKind, str] = {
    EncounterKind.PATIENT_VISIT: "Patient visit",
    EncounterKind.HUDDLE: "Huddle",
    EncounterKind.DIDACTIC: "Didactic",
}


class LinkGone(DomainError):
    """A patient link that cannot be used (any more): unknown, used, replaced or expired. HTTP 410:
    the link will never work again, and the message tells the patient what to do instead."""

    status = 410
    code = "gone"


# --- what the live engine is told about a participant -----------------------------------------------


@dataclass(frozen=True)
class JoinGrant:
    """Who may join a visit's room, as what. ``participant_id`` is stable across reconnects
    (``user-{id}`` or ``patient-{link_id}``) so the room can give a returning participant their place."""

    visit_id: int
    participant_id: str
    role: str  # a ParticipantRole value: "host", "visitor" or "patient"
    display_name: str
    room_kind: str  # an EncounterKind value: "patient_visit", "huddle" or "didactic"
    observer: bool
    user_id: int | None


@dataclass(frozen=True)
class PatientPass:
    """A redeemed patient link: the visit it opens, and the link (which names the patient's place)."""

    visit_id: int
    link_id: int
    expires_at: datetime


# --- the stored record of a visit -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Visit:
    """A scheduled visit as stored: its program and block, its host, kind and title, when it starts and
    for how long, where it stands (``status``, with the times it started and ended), the host's note
    if it was cancelled, and when it was scheduled. Times are UTC."""

    id: int
    program_id: int
    block_id: int
    host_id: int
    kind: EncounterKind
    title: str
    starts_at: datetime
    duration_minutes: int
    status: VisitStatus
    started_at: datetime | None
    ended_at: datetime | None
    cancel_note: str | None
    created_at: datetime
    # How many significant revisions (moved, cancelled) it has had, and when the last one was: the
    # calendar's SEQUENCE and DTSTAMP (server.domain.calendars).
    sequence: int = 0
    revised_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class VisitInvitation:
    """A visitor invited to a visit, through their enrollment in its block."""

    id: int
    visit_id: int
    visitor_id: int
    enrollment_id: int


@dataclass(frozen=True, slots=True)
class PatientLink:
    """A patient's single-use link as stored: only its token's hash, who made it and when, when it
    expires, and when it was used or replaced (revoked)."""

    id: int
    visit_id: int
    token_hash: str
    created_by: int
    created_at: datetime
    expires_at: datetime
    redeemed_at: datetime | None
    revoked_at: datetime | None


@dataclass(frozen=True, slots=True)
class VisitConsent:
    """The patient's consent to learners in a patient visit: scope, method, who obtained it, when it
    was recorded and (if so) withdrawn. No patient identifier of any kind."""

    id: int
    visit_id: int
    scope: ConsentScope
    method: ConsentMethod
    obtained_by: int
    recorded_at: datetime
    withdrawn_at: datetime | None


@dataclass(frozen=True, slots=True)
class AttendanceInterval:
    """One stretch of time a participant was connected to a visit's room. ``user_id`` is None for the
    patient; ``participant_key`` is the room's participant id; an open interval has no end yet."""

    id: int
    visit_id: int
    user_id: int | None
    participant_key: str
    role: ParticipantRole
    connected_at: datetime
    disconnected_at: datetime | None
    end_reason: EndReason | None


def user_participant_id(user_id: int) -> str:
    return f"user-{user_id}"


def patient_participant_id(link_id: int) -> str:
    return f"patient-{link_id}"


def is_observer(
    kind: EncounterKind, rotation_type: RotationType, *, role: ParticipantRole = ParticipantRole.VISITOR
) -> bool:
    """Whether someone of ``role`` (a visitor unless told) joins as an observer (camera off, microphone
    muted, and unable to switch them on unless the host allows it). The one home of this rule: the live
    engine does as it is told (``sessions.room.Room.join`` has no default of its own).

    The host and the patient never observe. Only hands-on rotations include patient contact, so in a
    *patient visit* a visitor of every other rotation type (observership, research, advanced study)
    observes. Huddles and didactics have no patient: they are where the visitor presents cases and
    talks, so nobody is an observer there."""
    if role is not ParticipantRole.VISITOR:
        return False
    return kind is EncounterKind.PATIENT_VISIT and rotation_type is not RotationType.HANDS_ON


# --- scheduling -----------------------------------------------------------------------------------


def block_window(block_start: date) -> tuple[datetime, datetime]:
    """The UTC span a visit of the block may start in (see SCHEDULE_BEFORE_BLOCK/AFTER_BLOCK)."""
    first = datetime.combine(block_start, datetime.min.time(), tzinfo=UTC)
    last_day_end = first + timedelta(days=BLOCK_DAYS)
    return first - SCHEDULE_BEFORE_BLOCK, last_day_end + SCHEDULE_AFTER_BLOCK


def check_schedule(starts_at: datetime, duration_minutes: int, block_start: date, now: datetime) -> datetime:
    """The start in UTC, or Invalid naming the field: an aware time, not in the past, within (or near)
    the block, and a duration of 5 to 240 minutes."""
    if starts_at.tzinfo is None or starts_at.utcoffset() is None:
        raise Invalid(
            "Give the start time with its UTC offset (e.g. 2026-12-01T14:00:00Z).", field="starts_at"
        )
    try:
        start = starts_at.astimezone(UTC)
    except OverflowError:  # e.g. 0001-01-01T00:00+14:00 falls before the year 1 in UTC
        raise Invalid("The start time is out of range.", field="starts_at") from None
    if not DURATION_MIN <= duration_minutes <= DURATION_MAX:
        raise Invalid(
            f"A visit lasts between {DURATION_MIN} and {DURATION_MAX} minutes.", field="duration_minutes"
        )
    if start < now:
        raise Invalid("The start time is in the past; choose a time from now on.", field="starts_at")
    earliest, latest = block_window(block_start)
    if not earliest <= start < latest:
        raise Invalid(
            f"The visit must start between {earliest:%Y-%m-%d} and {latest - timedelta(days=1):%Y-%m-%d} "
            f"(UTC): the block runs from {human_day(block_start)} for four weeks.",
            field="starts_at",
        )
    return start


def check_invitees(visitor_ids: Sequence[int]) -> list[int]:
    """The invited visitors, once each, in the order given."""
    if not visitor_ids:
        raise Invalid("Invite at least one visitor enrolled in the block.", field="visitor_ids")
    if len(visitor_ids) > MAX_INVITEES:
        raise Invalid(f"Invite at most {MAX_INVITEES} visitors to one visit.", field="visitor_ids")
    if len(set(visitor_ids)) != len(visitor_ids):
        raise Invalid("A visitor is invited twice.", field="visitor_ids")
    return list(visitor_ids)


def check_movable(status: VisitStatus) -> None:
    """Raise Conflict unless a visit in ``status`` may be moved to another time: only one that has
    not started (a live visit is under way; an ended or cancelled one is history)."""
    if status is not VisitStatus.SCHEDULED:
        raise Conflict(f"This visit is {status.value}; only a scheduled visit can be moved.")


def check_cancellable(status: VisitStatus) -> None:
    if status is VisitStatus.CANCELLED:
        raise Conflict("This visit is already cancelled.")
    if status is not VisitStatus.SCHEDULED:
        raise Conflict(f"This visit is {status.value}; only a scheduled visit can be cancelled.")


# --- joining --------------------------------------------------------------------------------------


def scheduled_end(starts_at: datetime, duration_minutes: int) -> datetime:
    return starts_at + timedelta(minutes=duration_minutes)


def join_window(starts_at: datetime, duration_minutes: int) -> tuple[datetime, datetime]:
    """From when until when a visit can be joined (unless the host ends it sooner)."""
    return starts_at - JOIN_OPENS_BEFORE, scheduled_end(starts_at, duration_minutes) + JOIN_CLOSES_AFTER_END


def check_joinable(
    status: VisitStatus, starts_at: datetime, duration_minutes: int, now: datetime, zone: tzinfo | None = None
) -> None:
    """Raise Conflict with what to do unless the visit can be joined at ``now`` (times named in the
    reader's ``zone``; UTC when None)."""
    if status is VisitStatus.CANCELLED:
        raise Conflict("This visit was cancelled by its host.")
    if status is VisitStatus.ENDED:
        raise Conflict("This visit has ended.")
    opens, closes = join_window(starts_at, duration_minutes)
    if now < opens:
        raise Conflict(
            f"This visit opens at {human_moment(opens, zone)}, 30 minutes before it starts; come back then."
        )
    if now >= closes:
        raise Conflict("This visit is over: it can be joined until 6 hours after its scheduled end.")


def is_upcoming(status: VisitStatus, starts_at: datetime, duration_minutes: int, now: datetime) -> bool:
    """Still to come or under way: scheduled or live, and its join window not yet closed."""
    if status not in (VisitStatus.SCHEDULED, VisitStatus.LIVE):
        return False
    return now < join_window(starts_at, duration_minutes)[1]


# --- the patient pass -----------------------------------------------------------------------------

PASS_MAX_LENGTH = 200


def _pass_mac(secret: str, payload: str) -> str:
    mac = hmac.new(secret.encode(), b"patient-pass:" + payload.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(mac).rstrip(b"=").decode()


def sign_patient_pass(secret: str, visit_id: int, link_id: int, expires_at: datetime) -> str:
    """The value of the patient's pass cookie: ``visit.link.expiry.mac``, the MAC an HMAC-SHA256 of
    the rest under the server's secret key (a different purpose prefix from the CSRF tokens')."""
    payload = f"{visit_id}.{link_id}.{int(expires_at.timestamp())}"
    return f"{payload}.{_pass_mac(secret, payload)}"


def verify_patient_pass(secret: str, value: str | None, now: datetime) -> tuple[int, int] | None:
    """(visit_id, link_id) if ``value`` is a pass this server signed and it has not expired, else None.
    The MAC is compared in constant time."""
    if not value or len(value) > PASS_MAX_LENGTH:
        return None
    parts = value.split(".")
    if len(parts) != 4 or not all(p.isascii() and p.isdigit() and len(p) <= 12 for p in parts[:3]):
        return None
    payload = ".".join(parts[:3])
    if not hmac.compare_digest(_pass_mac(secret, payload).encode(), parts[3].encode()):
        return None
    if int(parts[2]) <= now.timestamp():
        return None
    return int(parts[0]), int(parts[1])


def token_hash(token: str) -> str:
    """What is stored of a patient link's token: its SHA-256, hex."""
    return hashlib.sha256(token.encode()).hexdigest()


# --- attendance -----------------------------------------------------------------------------------


def merged_seconds(intervals: Iterable[tuple[datetime, datetime | None]], until: datetime) -> int:
    """Seconds covered by the union of the intervals: overlapping ones (two tabs, a reconnect that
    overlapped the dropped connection) count once. An open interval runs to ``until``."""
    spans = sorted((start, min(end, until) if end is not None else until) for start, end in intervals)
    total = 0.0
    current_start: datetime | None = None
    current_end: datetime | None = None
    for start, end in spans:
        if end <= start:
            continue
        if current_end is None or start > current_end:
            if current_start is not None and current_end is not None:
                total += (current_end - current_start).total_seconds()
            current_start, current_end = start, end
        elif end > current_end:
            current_end = end
    if current_start is not None and current_end is not None:
        total += (current_end - current_start).total_seconds()
    return int(total)


def rotation_week(first_block_start: date, day: date, number_of_blocks: int) -> int:
    """The rotation week a day falls in for an enrollment starting on ``first_block_start``: week 1 for
    anything before the start (an orientation), the last week for anything after the end."""
    week = (day - first_block_start).days // 7 + 1
    return max(1, min(week, max(weeks_in(number_of_blocks), 1)))
