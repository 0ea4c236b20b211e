"""The demo outbox: with no SMTP server set, Rounds keeps its email in the database and shows each
person the mail addressed to them here (under ``rounds demo``, also the mail their browser's own
requests caused). With an SMTP server set these pages do not exist (404)."""

from __future__ import annotations

from aiohttp import web

from server.handlers.pages.forms import path_id, render
from server.services import mail
from server.web.csrf import browser_hash
from server.web.keys import ACTOR, MAIL, UOW

routes = web.RouteTableDef()


def _viewer_email(request: web.Request) -> str | None:
    actor = request.get(ACTOR)
    return None if actor is None else actor.email


@routes.get("/demo/outbox")
async def demo_outbox(request: web.Request) -> web.StreamResponse:
    """The list of mail this person may read, newest first."""
    box = await mail.demo_outbox(
        request.app[UOW](),
        request.app[MAIL],
        viewer_email=_viewer_email(request),
        browser_hash=browser_hash(request),
    )
    return render(request, "demo_outbox.html", {"box": box, "shown": None})


@routes.get("/demo/outbox/{mail_id}")
async def demo_outbox_mail(request: web.Request) -> web.StreamResponse:
    """One mail, both its parts; a mail this person may not read is a 404."""
    setup = request.app[MAIL]
    viewer, browser = _viewer_email(request), browser_hash(request)
    shown, box = await mail.demo_mail(
        request.app[UOW](), setup, path_id(request, "mail_id"), viewer_email=viewer, browser_hash=browser
    )
    return render(request, "demo_outbox.html", {"box": box, "shown": shown})
