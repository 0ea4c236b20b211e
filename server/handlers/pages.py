"""HTML pages. Thin: read the form or query, call one service, render a template."""

from __future__ import annotations

from typing import Any

import aiohttp_jinja2
from aiohttp import web

from server.domain.errors import Unauthorized
from server.schemas import LoginIn
from server.services import accounts
from server.web import csrf
from server.web.keys import ACTOR, SETTINGS, UOW
from server.web.middleware import csrf_token

routes = web.RouteTableDef()


async def template_context(request: web.Request) -> dict[str, Any]:
    """Values every template may use: the actor and the CSRF token for forms."""
    return {"actor": request.get(ACTOR), "csrf_token": csrf_token(request)}


@routes.get("/")
async def home(request: web.Request) -> web.StreamResponse:
    raise web.HTTPFound("/programs" if request.get(ACTOR) is None else "/dashboard")


@routes.get("/login")
@aiohttp_jinja2.template("login.html")
async def login_page(request: web.Request) -> dict[str, Any]:
    return {"email": "", "error": None, "next": request.query.get("next", "")}


@routes.post("/login")
async def login_submit(request: web.Request) -> web.StreamResponse:
    form = await request.post()
    email = str(form.get("email", ""))[:254]
    password = str(form.get("password", ""))[:1024]
    target = str(form.get("next", "")) or "/dashboard"
    if not target.startswith("/") or target.startswith("//"):
        target = "/dashboard"
    try:
        data = LoginIn(email=email, password=password)
        result = await accounts.log_in(
            request.app[UOW](), email=data.email, password=data.password, client_ip=request.remote or "?"
        )
    except (Unauthorized, ValueError) as exc:
        message = exc.message if isinstance(exc, Unauthorized) else "Enter your email and password."
        return aiohttp_jinja2.render_template(
            "login.html", request, {"email": email, "error": message, "next": target}, status=401
        )
    response = web.HTTPSeeOther(target)
    response.set_cookie(
        csrf.LOGIN_COOKIE,
        result.token,
        httponly=True,
        samesite="Lax",
        secure=request.app[SETTINGS].secure_cookies,
        path="/",
        max_age=int(accounts.LOGIN_LIFETIME.total_seconds()),
    )
    raise response


@routes.post("/logout")
async def logout_submit(request: web.Request) -> web.StreamResponse:
    token = request.cookies.get(csrf.LOGIN_COOKIE)
    if token:
        await accounts.log_out(request.app[UOW](), token)
    response = web.HTTPSeeOther("/login")
    response.del_cookie(csrf.LOGIN_COOKIE, path="/")
    raise response


def add_routes(app: web.Application) -> None:
    app.router.add_routes(routes)
