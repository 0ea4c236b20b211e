"""Notification pages: the list (newest first, a page at a time; open one, mark one or all read),
the preferences (per kind, in the app and by email), and the unsubscribe page an email links to,
which works without a login."""

from __future__ import annotations

from aiohttp import web

from server.domain.errors import Invalid
from server.domain.notifications import KINDS, PER_PAGE, Preference
from server.handlers.pages.forms import current_actor, path_id, read_form, redirect, render
from server.schemas.notifications import MAX_PAGE
from server.services import notifications
from server.web.ids import record_id
from server.web.keys import UOW

routes = web.RouteTableDef()

NOTICES = {
    "all_read": "Every notification is marked read.",
    "preferences_saved": "Your notification preferences are saved.",
}


def _page_number(request: web.Request) -> int:
    raw = request.query.get("page", "1")
    if not raw.isascii() or not raw.isdigit() or not 1 <= int(raw[:7]) <= MAX_PAGE:
        raise Invalid(f"There is no page {raw[:20]!r}; pages are numbered from 1.", field="page")
    return int(raw)


@routes.get("/notifications")
async def notification_list(request: web.Request) -> web.StreamResponse:
    """The person's notifications, newest first."""
    actor = current_actor(request)
    page = await notifications.page_of(
        request.app[UOW](), actor, page=_page_number(request), per_page=PER_PAGE
    )
    return render(request, "notifications.html", {"page": page, "kinds": KINDS}, notices=[NOTICES])


@routes.get("/notifications/preferences")
async def preferences_page(request: web.Request) -> web.StreamResponse:
    """Each kind that can reach the person, with two switches: in the app, by email."""
    actor = current_actor(request)
    chosen = await notifications.preferences(request.app[UOW](), actor)
    return render(
        request, "notification_preferences.html", {"preferences": chosen, "kinds": KINDS}, notices=[NOTICES]
    )


@routes.post("/notifications/preferences")
async def preferences_submit(request: web.Request) -> web.StreamResponse:
    """Save every switch of the form (an unticked box is not sent: off)."""
    actor = current_actor(request)
    form = await read_form(request)
    shown = await notifications.preferences(request.app[UOW](), actor)
    choices = [
        Preference(p.kind, in_app=f"in_app.{p.kind.value}" in form, email=f"email.{p.kind.value}" in form)
        for p in shown
    ]
    await notifications.set_preferences(request.app[UOW](), actor, choices)
    redirect("/notifications/preferences", "preferences_saved")


@routes.post("/notifications/read-all")
async def read_all(request: web.Request) -> web.StreamResponse:
    """Mark every notification read, up to the newest the page showed (one that arrived since the
    page was loaded stays unread)."""
    form = await read_form(request)
    raw = str(form.get("up_to_id", ""))
    up_to_id = record_id(raw) if raw else None
    if raw and up_to_id is None:
        raise Invalid("The form is out of date; reload the page and try again.", field="up_to_id")
    await notifications.mark_all_read(request.app[UOW](), current_actor(request), up_to_id=up_to_id)
    redirect("/notifications", "all_read")


@routes.post("/notifications/{notification_id}/read")
async def read_one(request: web.Request) -> web.StreamResponse:
    """Mark one notification read and come back to the list."""
    await notifications.mark_read(
        request.app[UOW](), current_actor(request), path_id(request, "notification_id")
    )
    redirect("/notifications")


@routes.get("/notifications/{notification_id}/open")
async def open_one(request: web.Request) -> web.StreamResponse:
    """Mark one notification read and go to the record it is about. (Marking read is the only thing
    this GET changes, and only for its own recipient: anyone else gets a 404.)"""
    marked = await notifications.mark_read(
        request.app[UOW](), current_actor(request), path_id(request, "notification_id")
    )
    raise web.HTTPSeeOther(marked.link)


@routes.get("/notifications/unsubscribe/{token}")
async def unsubscribe_page(request: web.Request) -> web.StreamResponse:
    """What the link would switch off, and a button to do it. Opening the link changes nothing: mail
    scanners open links, and RFC 8058 asks for a POST."""
    target = await notifications.unsubscribe_target(request.app[UOW](), request.match_info["token"])
    return render(
        request,
        "notification_unsubscribe.html",
        {"target": target, "done": False, "token": request.match_info["token"]},
    )


@routes.post("/notifications/unsubscribe/{token}")
async def unsubscribe_submit(request: web.Request) -> web.StreamResponse:
    """Switch that kind's email off: a mail client's one-click POST (``List-Unsubscribe=One-Click``)
    or the page's button. No login and no CSRF token: the signed link is the authority (see
    server/web/csrf.py)."""
    # RFC 8058's body (``List-Unsubscribe=One-Click``, urlencoded or multipart) is read, not required:
    # the signed link says everything. Reading it makes a body cut short a 400, as on every form.
    await read_form(request)
    target = await notifications.unsubscribe(request.app[UOW](), request.match_info["token"])
    return render(request, "notification_unsubscribe.html", {"target": target, "done": True, "token": None})
