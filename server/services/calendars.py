"""Sessions in people's calendars: one visit's calendar file, and each user's private subscription feed
(``GET /calendar/{token}.ics``, polled by calendar apps without a login).

The subscription's design: the URL carries a random token of 256 bits; Rounds stores only its SHA-256,
so the URL is **shown once**, when it is made (like an API key). Making a new one (replace) revokes the
old one in the same transaction; revoking leaves none. A user has at most one working feed (the database
enforces it). A revoked, replaced or unknown token is the same 404 with the same message: the answer
tells nobody whether a token ever existed. The feed lists the sessions the user is part of
(:func:`server.services.visits.visits_since`) from :data:`~server.domain.calendars.FEED_LOOKBACK` ago
on, cancelled ones included (``STATUS:CANCELLED``).

The events themselves are :mod:`server.domain.calendars`; :func:`session_events` turns stored visits
into them inside an open unit of work (an email's ``.ics`` attachment can use it too).
"""

from __future__ import annotations

from collections.abc import Sequence

from server.db.uow import UnitOfWork
from server.domain.actors import Actor
from server.domain.calendars import (
    FEED_LOOKBACK,
    SessionEvent,
    feed_token_hash,
    is_plausible_feed_token,
    new_feed_token,
    session_event,
    vcalendar,
)
from server.domain.errors import Conflict, NotFound
from server.domain.visits import Visit
from server.schemas.calendars import CalendarFeedCreatedOut, CalendarFeedOut
from server.services.accounts import actor_of
from server.services.visits import load_standing, visit_path, visits_since

FEED_NOT_FOUND = (
    "There is no calendar at this address. It may have been replaced or revoked: make a new subscription "
    "URL on your calendar page in Rounds."
)


def feed_path(token: str) -> str:
    """The path of a subscription feed."""
    return f"/calendar/{token}.ics"


async def session_events(uow: UnitOfWork, visits: Sequence[Visit], base_url: str) -> list[SessionEvent]:
    """The calendar events of ``visits``, with their programs' titles and hosts' names read in a few
    queries; ``base_url`` (scheme and host, no trailing slash) makes each event's link absolute."""
    if not visits:
        return []
    hosts = await uow.users.by_ids(list({v.host_id for v in visits}))
    titles: dict[int, str] = {}
    for program_id in {v.program_id for v in visits}:
        program = await uow.programs.get(program_id)
        titles[program_id] = program.title if program is not None else "a Rounds program"
    origin = base_url.rstrip("/")
    return [
        session_event(
            visit,
            program_title=titles[visit.program_id],
            host_name=hosts[visit.host_id].full_name if visit.host_id in hosts else "your preceptor",
            url=origin + visit_path(visit.id),
        )
        for visit in visits
    ]


async def visit_file(uow: UnitOfWork, actor: Actor, visit_id: int, base_url: str) -> bytes:
    """One visit as an RFC 5545 file to import (``METHOD:PUBLISH``), for anyone who may see it."""
    async with uow:
        standing = await load_standing(uow, actor, visit_id)
        return vcalendar(await session_events(uow, [standing.visit], base_url), method="PUBLISH")


# --- the subscription -----------------------------------------------------------------------------


async def feed_of(uow: UnitOfWork, actor: Actor) -> CalendarFeedOut:
    """Whether the actor has a working subscription URL, and since when (the URL itself is not kept)."""
    async with uow:
        feed = await uow.calendar_feeds.active_of(actor.user_id)
        return CalendarFeedOut(active=feed is not None, created_at=feed.created_at if feed else None)


async def create_feed(
    uow: UnitOfWork, actor: Actor, base_url: str, *, replace: bool = False
) -> CalendarFeedCreatedOut:
    """A new private subscription URL for the actor; with ``replace`` an earlier one stops working at
    once, without it an earlier one is a Conflict. The URL is returned only here."""
    async with uow:
        now = uow.now()
        if not replace and await uow.calendar_feeds.active_of(actor.user_id) is not None:
            raise Conflict(
                "You already have a calendar subscription URL. Replace it to get a new one: the old one "
                "stops working in every calendar app that uses it."
            )
        await uow.calendar_feeds.revoke_all(actor.user_id, now)
        token = new_feed_token()
        feed = await uow.calendar_feeds.add(user_id=actor.user_id, token_hash=feed_token_hash(token), at=now)
        if feed is None:
            raise Conflict("A calendar URL was made at the same moment in another window; reload the page.")
        await uow.commit()
        return CalendarFeedCreatedOut(url=base_url.rstrip("/") + feed_path(token), created_at=feed.created_at)


async def revoke_feed(uow: UnitOfWork, actor: Actor) -> bool:
    """Stop the actor's subscription URL; whether there was one."""
    async with uow:
        revoked = await uow.calendar_feeds.revoke_all(actor.user_id, uow.now())
        await uow.commit()
        return revoked > 0


async def feed_calendar(uow: UnitOfWork, token: str, base_url: str) -> bytes:
    """The calendar behind a subscription token: the sessions its owner is part of, from 30 days ago
    on. NotFound, always with the same message, for a token that is malformed, unknown or revoked."""
    if not is_plausible_feed_token(token):
        raise NotFound(FEED_NOT_FOUND)
    async with uow:
        feed = await uow.calendar_feeds.active_by_hash(feed_token_hash(token))
        owner = await uow.users.get(feed.user_id) if feed is not None else None
        if owner is None:
            raise NotFound(FEED_NOT_FOUND)
        visits = await visits_since(uow, actor_of(owner), uow.now() - FEED_LOOKBACK)
        events = await session_events(uow, visits, base_url)
        return vcalendar(events, name="Rounds sessions")
