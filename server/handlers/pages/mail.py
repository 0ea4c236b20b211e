"""The demo outbox: with no SMTP server set, Rounds keeps its email in the database and shows each
person the mail addressed to them here (under ``rounds demo``, also the mail their browser's own
requests caused). With an SMTP server set these pages do not exist (404).

A mail's HTML part is served at an address of its own, framed by the mail's page: a ``srcdoc`` frame
would inherit the page's Content-Security-Policy, which forbids inline style, and an email's HTML is
all inline style (mail readers ignore stylesheets). Its own policy allows inline style and nothing
else: no script, no request anywhere, framed only by Rounds' own pages."""

from __future__ import annotations

from aiohttp import web

from server.handlers.pages.forms import path_id, render
from server.services import mail
from server.web.csrf import browser_hash
from server.web.keys import ACTOR, MAIL, UOW

routes = web.RouteTableDef()

# The HTML part of a mail: its inline styles, its data: images, nothing else (and no script at all).
MAIL_HTML_POLICY = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; "
    "form-action 'none'; frame-ancestors 'self'"
)


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


@routes.get("/demo/outbox/{mail_id}/html")
async def demo_outbox_mail_html(request: web.Request) -> web.StreamResponse:
    """The HTML part of one mail as its own document, for the frame of the mail's page; the same access
    as the mail's page (a 404 for a mail this person may not read)."""
    shown, _box = await mail.demo_mail(
        request.app[UOW](),
        request.app[MAIL],
        path_id(request, "mail_id"),
        viewer_email=_viewer_email(request),
        browser_hash=browser_hash(request),
    )
    response = web.Response(text=shown.html, content_type="text/html")
    response.headers["Content-Security-Policy"] = MAIL_HTML_POLICY
    response.headers["X-Frame-Options"] = "SAMEORIGIN"  # framed by the mail's page, nowhere else
    return response
