"""HTML pages: the shared template context, home, login and logout. Each other group of pages
lives in its own module of this package; :func:`add_routes` adds them all.

Thin handlers: read the form or query, call one service, render a template or redirect.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import aiohttp_jinja2
from aiohttp import web
from pydantic import ValidationError

from server.domain.actors import Actor
from server.domain.dates import zone_of
from server.domain.errors import Unauthorized
from server.handlers.pages import (
    account_settings,
    applications,
    calendars,
    certificates,
    dashboards,
    documents,
    evaluations,
    invitations,
    learning,
    letters,
    live,
    mail,
    messages,
    placements,
    presentations,
    programs,
    programs_coordinator,
    record,
    visits,
)
from server.handlers.pages import (
    accounts as account_pages,
)
from server.handlers.pages import (
    notifications as notification_pages,
)
from server.handlers.pages.forms import read_form
from server.handlers.pages.view import NOTICES, VOCABULARY
from server.schemas.accounts import LoginIn
from server.services import accounts
from server.templating import READER_ZONE
from server.web import csrf
from server.web.csrf import csrf_token
from server.web.keys import ACTOR, MAIL, SETTINGS, UNREAD_MESSAGES, UNREAD_NOTIFICATIONS, UOW
from server.web.redirects import local_path

routes = web.RouteTableDef()
FAVICON = Path(__file__).resolve().parents[3] / "webclient" / "static" / "favicon.svg"


async def template_context(request: web.Request) -> dict[str, Any]:
    """Values every template may use: the actor, the CSRF token for forms, the labels of the
    vocabularies, the notice left by the last form, the path (to mark the current page), the
    reader's time zone, which the date filters write times in (``server/templating.py``), and the
    number of unread notifications (the bell)."""
    actor: Actor | None = request.get(ACTOR)
    return {
        "actor": actor,
        "unread_messages": request.get(UNREAD_MESSAGES),
        READER_ZONE: zone_of(actor.time_zone if actor is not None else None),
        "unread": request.get(UNREAD_NOTIFICATIONS),
        "csrf_token": csrf_token(request),
        "vocab": VOCABULARY,
        "notice": NOTICES.get(request.query.get("notice", "")),
        "path": request.path,
        # No SMTP server: the login page and the account pages point to the demo outbox.
        "demo_outbox": not request.app[MAIL].smtp,
    }


@routes.get("/")
async def home(request: web.Request) -> web.StreamResponse:
    """Visitors without a login start at the catalog; everyone else at their dashboard."""
    raise web.HTTPFound("/programs" if request.get(ACTOR) is None else "/dashboard")


@routes.get("/favicon.ico")
async def favicon(request: web.Request) -> web.StreamResponse:
    """The icon, for a browser that asks for it where no page names one (a PDF, a JSON document):
    pages link ``/static/favicon.svg`` themselves."""
    return web.FileResponse(
        FAVICON, headers={"Content-Type": "image/svg+xml", "Cache-Control": "public, max-age=86400"}
    )


@routes.get("/login")
@aiohttp_jinja2.template("login.html")
async def login_page(request: web.Request) -> dict[str, Any]:
    """The login form; ``next`` is where to go afterwards."""
    return {"email": "", "error": None, "next": local_path(request.query.get("next"), "")}


@routes.post("/login")
async def login_submit(request: web.Request) -> web.StreamResponse:
    """Check the password, set the login cookie and go on; a wrong password shows the form again."""
    form = await read_form(request)
    email = str(form.get("email", ""))[:254]
    password = str(form.get("password", ""))[:1024]
    target = local_path(form.get("next"), "/dashboard")
    try:
        data = LoginIn(email=email, password=password)
        result = await accounts.log_in(
            request.app[UOW](),
            email=data.email,
            password=data.password,
            client_ip=csrf.client_ip(request),
            replaces=request.cookies.get(csrf.LOGIN_COOKIE),
        )
    except ValidationError:
        return aiohttp_jinja2.render_template(
            "login.html",
            request,
            {"email": email, "error": "Enter your email address and your password.", "next": target},
            status=422,
        )
    except Unauthorized as exc:
        return aiohttp_jinja2.render_template(
            "login.html", request, {"email": email, "error": exc.message, "next": target}, status=401
        )
    response = web.HTTPSeeOther(target)
    csrf.set_login_cookie(
        response,
        result.token,
        secure=request.app[SETTINGS].secure_cookies,
        max_age=int(accounts.LOGIN_LIFETIME.total_seconds()),
    )
    raise response


@routes.post("/logout")
async def logout_submit(request: web.Request) -> web.StreamResponse:
    """End the login on the server and forget the cookie."""
    token = request.cookies.get(csrf.LOGIN_COOKIE)
    if token:
        await accounts.log_out(request.app[UOW](), token)
    response = web.HTTPSeeOther("/login?notice=logged_out")
    response.del_cookie(csrf.LOGIN_COOKIE, path="/")
    raise response


def add_routes(app: web.Application) -> None:
    """Add every page to ``app``."""
    app.router.add_routes(routes)
    for module in (
        programs,
        programs_coordinator,
        dashboards,
        applications,
        documents,
        record,
        presentations,
        evaluations,
        learning,
        live,
        visits,
        certificates,
        letters,
        mail,
        notification_pages,
        account_pages,
        calendars,
        account_settings,
        invitations,
        messages,
        placements,
    ):
        app.router.add_routes(module.routes)
