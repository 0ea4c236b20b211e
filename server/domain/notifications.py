"""Notifications: what Rounds tells a person in the app and by email, each kind switchable by them.

A notification is a short sentence with names and a link only (program titles, people's names, a
document's kind): never clinical free text, never patient data, never a session's own title (which a
preceptor types freely). The moment it is about (an offer's expiry, a session's start) is kept apart
from the sentence, so that every reader sees it in their own time zone. A rejected document's reason
is the one note a notification carries, and only when the PHI guard finds nothing in it.

Each kind has defaults for the app and for email (:data:`KINDS`); a person's own choices override
them (:func:`effective`). An email's one-click unsubscribe link carries a signed token naming the
person and the kind (:func:`unsubscribe_token`), so that it works without a login.

Plain Python: no I/O.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from server.domain.mail import MailSetup
from server.domain.vocab import Role


class NotificationKind(StrEnum):
    """Each kind of notification; stored as its value."""

    APPLICATION_STATE = "application_state"
    OFFER_MADE = "offer_made"
    OFFER_EXPIRING = "offer_expiring"
    DOCUMENT_REVIEWED = "document_reviewed"
    SESSION_SCHEDULED = "session_scheduled"
    SESSION_MOVED = "session_moved"
    SESSION_CANCELLED = "session_cancelled"
    SESSION_STARTING = "session_starting"
    EVALUATION_RELEASED = "evaluation_released"
    LETTER_REQUESTED = "letter_requested"
    LETTER_DECIDED = "letter_decided"
    LETTER_SIGNED = "letter_signed"
    CERTIFICATE_ISSUED = "certificate_issued"
    DOCUMENT_TO_VERIFY = "document_to_verify"
    PRESENTATION_TO_REVIEW = "presentation_to_review"
    MESSAGE_RECEIVED = "message_received"
    PLACEMENT_PROPOSED = "placement_proposed"
    PLACEMENT_ANSWERED = "placement_answered"


class SubjectType(StrEnum):
    """The kind of record a notification is about (with its id)."""

    APPLICATION = "application"
    DOCUMENT = "document"
    VISIT = "visit"
    EVALUATION = "evaluation"
    FINAL_EVALUATION = "final_evaluation"
    LETTER_REQUEST = "letter_request"
    CERTIFICATE = "certificate"
    PRESENTATION = "presentation"
    THREAD = "thread"
    PLACEMENT_PROPOSAL = "placement_proposal"


@dataclass(frozen=True)
class KindInfo:
    """How a kind reads and who gets it: its label on the preferences page, the subject line of its
    email, the roles it can reach, and whether it is on in the app and by email until the person
    chooses otherwise."""

    label: str
    email_subject: str
    roles: frozenset[Role]
    in_app: bool = True
    email: bool = True
    # What the moment a notification of this kind is about is, said before it ("Starts 1 Dec...").
    at_label: str = "Starts"


_VISITOR = frozenset({Role.VISITOR})
_SESSIONS = frozenset({Role.VISITOR, Role.PRECEPTOR})
_EVERYONE = frozenset(Role)

# Defaults: everything a visitor must act on, or that changes their plans, comes by email too. What
# waits for staff comes in the app; by email only letter requests (rare, and a person waits on each),
# since a coordinator verifying dozens of uploads a day does not want a mail for each. A message and
# a placement answer come by email to staff too: each is one person waiting on another.
KINDS: dict[NotificationKind, KindInfo] = {
    NotificationKind.APPLICATION_STATE: KindInfo(
        "An application of mine changes state", "Your application has changed", _VISITOR
    ),
    NotificationKind.OFFER_MADE: KindInfo(
        "I am offered a seat", "You have an offer", _VISITOR, at_label="The offer expires"
    ),
    NotificationKind.OFFER_EXPIRING: KindInfo(
        "An offer of mine expires in 48 hours (reminder)",
        "Your offer expires in 48 hours",
        _VISITOR,
        at_label="The offer expires",
    ),
    NotificationKind.DOCUMENT_REVIEWED: KindInfo(
        "A document of mine is verified or rejected", "Your document was reviewed", _VISITOR
    ),
    NotificationKind.SESSION_SCHEDULED: KindInfo(
        "A session I am invited to is scheduled", "A session was scheduled for you", _VISITOR
    ),
    NotificationKind.SESSION_MOVED: KindInfo(
        "A session I am invited to moves to another time", "A session moved to another time", _VISITOR
    ),
    NotificationKind.SESSION_CANCELLED: KindInfo(
        "A session I am invited to is cancelled", "A session was cancelled", _VISITOR
    ),
    NotificationKind.SESSION_STARTING: KindInfo(
        "A session of mine starts in an hour (reminder)", "A session starts in an hour", _SESSIONS
    ),
    NotificationKind.EVALUATION_RELEASED: KindInfo(
        "An evaluation of me is released", "An evaluation was released to you", _VISITOR
    ),
    NotificationKind.LETTER_REQUESTED: KindInfo(
        "A visitor asks me for a letter",
        "A letter of recommendation is requested",
        frozenset({Role.PRECEPTOR}),
    ),
    NotificationKind.LETTER_DECIDED: KindInfo(
        "My letter request is accepted or declined", "Your letter request was answered", _VISITOR
    ),
    NotificationKind.LETTER_SIGNED: KindInfo("My letter is signed", "Your letter was signed", _VISITOR),
    NotificationKind.CERTIFICATE_ISSUED: KindInfo(
        "My certificate of completion is issued", "Your certificate of completion is ready", _VISITOR
    ),
    NotificationKind.DOCUMENT_TO_VERIFY: KindInfo(
        "A document waits for me to verify it",
        "A document waits for verification",
        frozenset({Role.COORDINATOR}),
        email=False,
    ),
    NotificationKind.PRESENTATION_TO_REVIEW: KindInfo(
        "A case presentation waits for my review",
        "A case presentation waits for your review",
        frozenset({Role.PRECEPTOR}),
        email=False,
    ),
    NotificationKind.MESSAGE_RECEIVED: KindInfo(
        "Someone writes to me in a conversation", "You have a new message", _EVERYONE
    ),
    NotificationKind.PLACEMENT_PROPOSED: KindInfo(
        "A program proposes another placement for my application",
        "Another placement is proposed to you",
        _VISITOR,
    ),
    NotificationKind.PLACEMENT_ANSWERED: KindInfo(
        "A visitor answers a placement I proposed",
        "Your proposed placement was answered",
        frozenset({Role.COORDINATOR}),
    ),
}

TEXT_MAX = 300
LINK_MAX = 200
NOTE_MAX = 300
PER_PAGE = 20
PER_PAGE_MAX = 100

# Reminders: an offer 48 hours before it expires, a session an hour before it starts.
OFFER_REMINDER_BEFORE = timedelta(hours=48)
SESSION_REMINDER_BEFORE = timedelta(hours=1)


def kinds_for(role: Role) -> list[NotificationKind]:
    """The kinds that can reach someone of ``role``, in the order the preferences page lists them."""
    return [kind for kind, info in KINDS.items() if role in info.roles]


@dataclass(frozen=True)
class Preference:
    """Whether one kind reaches one person in the app and by email."""

    kind: NotificationKind
    in_app: bool
    email: bool


def effective(
    role: Role, chosen: Mapping[NotificationKind, tuple[bool, bool]]
) -> dict[NotificationKind, Preference]:
    """Every kind for ``role`` with the person's own choice (in app, by email) or its default."""
    out = {}
    for kind in kinds_for(role):
        info = KINDS[kind]
        in_app, email = chosen.get(kind, (info.in_app, info.email))
        out[kind] = Preference(kind, in_app, email)
    return out


@dataclass(frozen=True)
class Notice:
    """One notification to write: to whom, what kind, about which record, the sentence and its link
    (a path on this site), the moment it is about (shown in the reader's zone), a note (a rejected
    document's reason) and, for a session, its calendar file for the email."""

    recipient_id: int
    kind: NotificationKind
    subject_type: SubjectType
    subject_id: int
    text: str
    link: str
    at: datetime | None = None
    note: str | None = None
    ics: str | None = None


@dataclass(frozen=True, slots=True)
class StoredNotification:
    """A notification as kept (what the app lists)."""

    id: int
    recipient_id: int
    kind: NotificationKind
    subject_type: SubjectType
    subject_id: int
    text: str
    link: str
    at: datetime | None
    note: str | None
    created_at: datetime
    read_at: datetime | None


def clip(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters (an ellipsis marks the cut): names can be long."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


# --- reminders ------------------------------------------------------------------------------------


class ReminderKind(StrEnum):
    """The reminders the background job makes; each is also the kind of the notifications it makes."""

    OFFER_EXPIRING = NotificationKind.OFFER_EXPIRING.value
    SESSION_STARTING = NotificationKind.SESSION_STARTING.value


@dataclass(frozen=True, slots=True)
class Reminder:
    """A reminder due at ``due_at`` about a subject whose moment is ``about`` (the expiry, the start):
    made once (``made_at``), or found obsolete when its time came (the offer answered, the session
    cancelled)."""

    id: int
    kind: ReminderKind
    subject_id: int
    about: datetime
    due_at: datetime
    made_at: datetime | None


def offer_reminder_due(expires_at: datetime) -> datetime:
    """When an offer's reminder is due: 48 hours before it expires."""
    return expires_at - OFFER_REMINDER_BEFORE


def session_reminder_due(starts_at: datetime) -> datetime:
    """When a session's reminder is due: an hour before it starts."""
    return starts_at - SESSION_REMINDER_BEFORE


# --- where the settings come in, and the unsubscribe link -----------------------------------------


@dataclass(frozen=True)
class NotifySetup:
    """What writing a notification's email needs from the settings: the mail setup (links, From) and
    the key that signs unsubscribe links."""

    mail: MailSetup
    unsubscribe_key: bytes


def unsubscribe_key(secret_key: str) -> bytes:
    """The key for unsubscribe links, derived from the server's secret key (never the key itself)."""
    return hmac.new(secret_key.encode(), b"rounds-unsubscribe-v1", hashlib.sha256).digest()


def _mac(key: bytes, user_id: int, kind: NotificationKind) -> bytes:
    return hmac.new(key, f"unsubscribe:{user_id}:{kind.value}".encode(), hashlib.sha256).digest()[:16]


def unsubscribe_token(key: bytes, user_id: int, kind: NotificationKind) -> str:
    """A URL-safe token that switches off ``kind``'s email for ``user_id``: it names both and signs
    them. It does not expire: an email's unsubscribe link must keep working as long as the email is
    kept (RFC 8058)."""
    mac = base64.urlsafe_b64encode(_mac(key, user_id, kind)).decode().rstrip("=")
    return f"{user_id}.{kind.value}.{mac}"


def read_unsubscribe_token(key: bytes, token: str) -> tuple[int, NotificationKind] | None:
    """The person and kind a token names, if its signature holds; None for anything else."""
    parts = token.split(".")
    if len(token) > 120 or len(parts) != 3 or not parts[0].isascii() or not parts[0].isdigit():
        return None
    if len(parts[0]) > 10:
        return None
    try:
        kind = NotificationKind(parts[1])
    except ValueError:
        return None
    user_id = int(parts[0])
    expected = base64.urlsafe_b64encode(_mac(key, user_id, kind)).decode().rstrip("=")
    if not hmac.compare_digest(expected, parts[2]):
        return None
    return user_id, kind


def distinct(ids: Iterable[int]) -> list[int]:
    """``ids`` once each, in first-seen order (a person is notified once per change)."""
    return list(dict.fromkeys(ids))
