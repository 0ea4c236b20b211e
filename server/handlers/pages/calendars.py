"""Calendars: the private subscription feed calendar apps poll (``/calendar/{token}.ics``, no login),
and the page where a user makes, replaces or revokes its URL (``/account/calendar``)."""

from __future__ import annotations

import hashlib

from aiohttp import web

from server.domain.errors import NotFound
from server.handlers.pages.forms import current_actor, read_form, redirect, render
from server.services import calendars
from server.web.keys import UOW
from server.web.origin import public_origin

routes = web.RouteTableDef()

NOTICES = {
    "calendar_revoked": "Your calendar subscription URL is revoked: calendar apps using it get nothing more.",
    "calendar_none": "You had no calendar subscription URL to revoke.",
}
# Calendar apps poll every few minutes to every few hours; five minutes of reuse spares the server the
# eager ones while a moved session still shows soon. ``private``: a shared cache must never keep it.
FEED_CACHE_CONTROL = "private, max-age=300"


@routes.get("/calendar/{token}.ics")
async def feed(request: web.Request) -> web.StreamResponse:
    """A subscription feed: the owner's sessions in RFC 5545. Unknown and revoked tokens are the same
    404, byte for byte (plain text: a calendar app shows no page, and a page would differ in its form
    token). An ETag lets a polling app get a 304 when nothing changed."""
    try:
        body = await calendars.feed_calendar(
            request.app[UOW](), request.match_info["token"], public_origin(request)
        )
    except NotFound as exc:
        return web.Response(
            status=404,
            text=exc.message,
            content_type="text/plain",
            headers={"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"},
        )
    etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
    headers = {
        "Cache-Control": FEED_CACHE_CONTROL,
        "ETag": etag,
        "X-Content-Type-Options": "nosniff",
        # The URL is a secret: never sent on as a Referer, never indexed.
        "Referrer-Policy": "no-referrer",
        "X-Robots-Tag": "noindex",
    }
    if etag in request.headers.get("If-None-Match", ""):
        return web.Response(status=304, headers=headers)
    response = web.Response(body=body, content_type="text/calendar", charset="utf-8", headers=headers)
    response.headers["Content-Disposition"] = 'inline; filename="rounds.ics"'
    return response


@routes.get("/account/calendar")
async def calendar_page(request: web.Request) -> web.StreamResponse:
    """Whether the user has a subscription URL (it is never shown again), with the buttons to make,
    replace or revoke it."""
    actor = current_actor(request)
    current = await calendars.feed_of(request.app[UOW](), actor)
    return render(request, "calendar.html", {"feed": current, "created": None}, notices=[NOTICES])


@routes.post("/account/calendar")
async def make_feed(request: web.Request) -> web.StreamResponse:
    """Make a subscription URL (``replace``: a new one, the old one stops) and show it, this once, to
    copy."""
    actor = current_actor(request)
    form = await read_form(request)
    replace = form.get("replace") == "true"
    created = await calendars.create_feed(request.app[UOW](), actor, public_origin(request), replace=replace)
    current = await calendars.feed_of(request.app[UOW](), actor)
    response = render(request, "calendar.html", {"feed": current, "created": created})
    response.headers["Cache-Control"] = "no-store"  # the page holds the secret URL
    return response


@routes.post("/account/calendar/revoke")
async def revoke_feed(request: web.Request) -> web.StreamResponse:
    """Stop the subscription URL."""
    actor = current_actor(request)
    revoked = await calendars.revoke_feed(request.app[UOW](), actor)
    redirect("/account/calendar", "calendar_revoked" if revoked else "calendar_none")
