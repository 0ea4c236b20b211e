"""Sessions ("visits") as calendar events (RFC 5545, written with the ``icalendar`` package): one
session's event, a calendar of events (one session's file, an email's attachment, a user's
subscription feed), and the secret of a calendar subscription.

Plain Python, no I/O: the services read the session, its program and host and pass them in.

What an event says, and why:
* ``UID`` is the session's own (``visit-{id}@rounds``): the same in every file, email and feed, so a
  calendar app that already holds the session updates it instead of adding a second one.
* ``SEQUENCE`` counts the session's significant revisions (moved, cancelled) and ``DTSTAMP`` /
  ``LAST-MODIFIED`` are when the last one happened: apps keep the copy with the higher sequence.
* ``SUMMARY`` says the session's kind, program and preceptor, and nothing the preceptor typed: a
  session's title ("follow-up of ...") and a cancellation note are free text and may name a patient,
  and calendars are synchronised to phones and shared with assistants.
* times are UTC (``...Z``): every calendar app shows them in its reader's zone.
* a cancelled session stays in the calendar with ``STATUS:CANCELLED`` (apps strike it out or remove
  it), rather than vanishing, which apps would not notice in a feed.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from icalendar import Calendar, Event

from server.domain.visits import KIND_LABELS, Visit, VisitStatus, scheduled_end

PRODID = "-//Rounds//Virtual clinical rotations//EN"
# How often a subscribed calendar app should fetch the feed again (RFC 7986 REFRESH-INTERVAL, and the
# X-PUBLISHED-TTL older apps read): a moved session shows within the hour, and a thousand subscribers
# polling hourly are a request every few seconds.
FEED_REFRESH = timedelta(hours=1)
# The subscription feed lists sessions from this long ago (and every one to come): recent history
# for someone looking back at the week, without every session of years of rotations.
FEED_LOOKBACK = timedelta(days=30)
# Bytes of randomness in a subscription token (256 bits: cannot be guessed).
FEED_TOKEN_BYTES = 32
FEED_TOKEN_MAX_LENGTH = 100
# The dashboards' agenda: today and the next seven days.
AGENDA_DAYS_AHEAD = 7


@dataclass(frozen=True, slots=True)
class CalendarFeed:
    """A user's calendar subscription as stored (its token's hash stays in the database layer): when
    it was made and, once replaced or revoked, when."""

    id: int
    user_id: int
    created_at: datetime
    revoked_at: datetime | None


@dataclass(frozen=True)
class SessionEvent:
    """One session as a calendar event; times are aware (written in UTC)."""

    uid: str
    sequence: int
    stamp: datetime
    start: datetime
    end: datetime
    summary: str
    description: str
    url: str
    cancelled: bool


def session_uid(visit_id: int) -> str:
    """The session's event UID, stable across every file and feed."""
    return f"visit-{visit_id}@rounds"


def session_summary(visit: Visit, program_title: str, host_name: str) -> str:
    """``Huddle · Virtual Internal Medicine Observership · Dr. Samuel Reyes``: the session's kind,
    program and preceptor (never its title: see the module's docstring)."""
    return f"{KIND_LABELS[visit.kind]} · {program_title} · {host_name}"


def session_event(visit: Visit, *, program_title: str, host_name: str, url: str) -> SessionEvent:
    """The event of ``visit``, of ``program_title``, hosted by ``host_name``; ``url`` is the absolute
    address of the session's page. Its stamp is the session's last revision (or its creation)."""
    cancelled = visit.status is VisitStatus.CANCELLED
    kind = KIND_LABELS[visit.kind]
    description = f"{kind} of {program_title}, hosted by {host_name}." + (
        "\nThis session was cancelled."
        if cancelled
        else f"\nJoin from Rounds up to 30 minutes before the start: {url}"
    )
    return SessionEvent(
        uid=session_uid(visit.id),
        sequence=visit.sequence,
        stamp=visit.revised_at or visit.created_at,
        start=visit.starts_at,
        end=scheduled_end(visit.starts_at, visit.duration_minutes),
        summary=session_summary(visit, program_title, host_name),
        description=description,
        url=url,
        cancelled=cancelled,
    )


def vevent(event: SessionEvent) -> Event:
    """The VEVENT of one session."""
    out = Event()
    out.add("uid", event.uid)
    out.add("sequence", event.sequence)
    out.add("dtstamp", _utc(event.stamp))
    out.add("last-modified", _utc(event.stamp))
    out.add("dtstart", _utc(event.start))
    out.add("dtend", _utc(event.end))
    out.add("summary", event.summary)
    out.add("description", event.description)
    out.add("url", event.url)
    out.add("status", "CANCELLED" if event.cancelled else "CONFIRMED")
    # A cancelled session no longer blocks the time in anyone's free/busy.
    out.add("transp", "TRANSPARENT" if event.cancelled else "OPAQUE")
    return out


def vcalendar(events: Iterable[SessionEvent], *, name: str | None = None, method: str | None = None) -> bytes:
    """A VCALENDAR of ``events`` as RFC 5545 text (CRLF line ends, folded lines), UTF-8.

    ``method`` is ``PUBLISH`` for a file to import or an email's attachment; a subscription feed has
    none. ``name`` names a subscribed calendar in the apps (RFC 7986 NAME and X-WR-CALNAME) and asks
    them to refresh it every :data:`FEED_REFRESH`."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    if method is not None:
        calendar.add("method", method)
    if name is not None:
        calendar.add("name", name)
        calendar.add("x-wr-calname", name)
        calendar.add("refresh-interval", FEED_REFRESH, parameters={"VALUE": "DURATION"})
        calendar.add("x-published-ttl", FEED_REFRESH)
    for event in events:
        calendar.add_component(vevent(event))
    return bytes(calendar.to_ical())


def agenda_window(now: datetime) -> tuple[datetime, datetime]:
    """The span of the dashboards' agenda: from the start of today (UTC) to the end of the seventh day
    after it, so today's earlier sessions stay listed (ended or cancelled) until the day is over."""
    today = _utc(now).replace(hour=0, minute=0, second=0, microsecond=0)
    return today, today + timedelta(days=AGENDA_DAYS_AHEAD + 1)


def new_feed_token() -> str:
    """A fresh subscription token: URL-safe, 256 random bits."""
    return secrets.token_urlsafe(FEED_TOKEN_BYTES)


def feed_token_hash(token: str) -> str:
    """What is stored of a subscription token: its SHA-256, hex (a database leak gives no feed)."""
    return hashlib.sha256(token.encode()).hexdigest()


def is_plausible_feed_token(token: str) -> bool:
    """Whether ``token`` could be one Rounds made (URL-safe characters, a sane length): anything else is
    answered like an unknown token without touching the database."""
    return 0 < len(token) <= FEED_TOKEN_MAX_LENGTH and all(
        ch.isascii() and (ch.isalnum() or ch in "-_") for ch in token
    )


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
