"""Account pages for the logged-in person: name and time zone, changing the email address (and the
link that confirms the new one), and closing the account."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from aiohttp import web

from server.domain.dates import COMMON_ZONES
from server.domain.errors import Conflict, DomainError, Invalid
from server.handlers.pages.forms import (
    current_actor,
    parse_form,
    problem_of,
    read_form,
    redirect,
    render,
    try_form,
)
from server.schemas.accounts import AccountCloseIn, AccountIn, EmailChangeIn
from server.services import account_closing, email_change, profiles
from server.web import csrf
from server.web.keys import MAIL, UOW

routes = web.RouteTableDef()

ACCOUNT_LABELS = {"full_name": "Full name", "time_zone": "Time zone"}
EMAIL_LABELS = {"email": "New email address", "password": "Current password"}
CLOSE_LABELS = {"password": "Password", "confirm": "Confirmation"}
NOTICES = {
    "account_saved": "Saved. Times are now shown in your time zone.",
    "email_change_sent": (
        "If that address can be used, a link to confirm it is on its way to it. Until you open the link, "
        "you keep logging in with your current address."
    ),
}


def _field(name: str) -> str | None:
    return name


def _zone_choices(current: str | None) -> list[str]:
    """The common zones, with the person's own first when it is not among them."""
    if current and current not in COMMON_ZONES:
        return [current, *COMMON_ZONES]
    return list(COMMON_ZONES)


async def _account_page(
    request: web.Request, values: Mapping[str, str] | None, problem: Any = None, status: int = 200
) -> web.Response:
    actor = current_actor(request)
    profile = await profiles.my_profile(request.app[UOW](), actor)
    shown = dict(values) if values is not None else {}
    shown.setdefault("full_name", profile.user.full_name)
    shown.setdefault("time_zone", profile.user.time_zone or "")
    return render(
        request,
        "account.html",
        {
            "v": shown,
            "user": profile.user,
            "problem": problem,
            "labels": ACCOUNT_LABELS,
            "zones": _zone_choices(profile.user.time_zone),
        },
        status=status,
        notices=[NOTICES],
    )


@routes.get("/account")
async def account_page(request: web.Request) -> web.StreamResponse:
    """The person's account: name and time zone, and the ways to change the email, the password, or
    to close the account."""
    return await _account_page(request, None)


@routes.post("/account")
async def account_submit(request: web.Request) -> web.StreamResponse:
    """Save the name and the time zone."""
    actor = current_actor(request)
    values = await read_form(request)

    async def attempt() -> web.StreamResponse:
        data = parse_form(AccountIn, values, labels=ACCOUNT_LABELS)
        await profiles.update_account(request.app[UOW](), actor, data)
        redirect("/account", "account_saved")

    async def show_again(exc: DomainError) -> web.StreamResponse:
        kept = {k: str(v) for k, v in values.items() if k != "csrf_token"}
        return await _account_page(request, kept, problem_of(exc, values, _field), exc.status)

    return await try_form(attempt, show_again)


# --- changing the email address -------------------------------------------------------------------


@routes.get("/account/email")
async def email_page(request: web.Request) -> web.StreamResponse:
    """The form to change the email address."""
    actor = current_actor(request)
    context = {"v": {}, "problem": None, "labels": EMAIL_LABELS, "current": actor.email}
    return render(request, "account_email.html", context, notices=[NOTICES])


@routes.post("/account/email")
async def email_submit(request: web.Request) -> web.StreamResponse:
    """Mail a link to the new address if it can be used; the same notice whether or not it could."""
    actor = current_actor(request)
    values = await read_form(request)

    async def attempt() -> web.StreamResponse:
        data = parse_form(EmailChangeIn, values, labels=EMAIL_LABELS)
        await email_change.request_change(
            request.app[UOW](),
            actor,
            data.email,
            data.password,
            request.app[MAIL],
            browser_hash=csrf.browser_hash(request),
        )
        redirect("/account/email", "email_change_sent")

    async def show_again(exc: DomainError) -> web.StreamResponse:
        kept = {"email": str(values.get("email", ""))}
        problem = problem_of(exc, values, _field)
        context = {"v": kept, "problem": problem, "labels": EMAIL_LABELS, "current": actor.email}
        return render(request, "account_email.html", context, status=exc.status)

    return await try_form(attempt, show_again)


@routes.get("/account/email/confirm/{token}")
async def email_confirm(request: web.Request) -> web.StreamResponse:
    """Open the link mailed to the new address: it becomes the account's (once)."""
    try:
        user = await email_change.confirm_change(
            request.app[UOW](),
            request.match_info["token"],
            request.app[MAIL],
            browser_hash=csrf.browser_hash(request),
        )
    except Invalid as exc:
        return render(
            request,
            "account_message.html",
            {
                "title": "This link cannot be used",
                "message": exc.message + " You can ask for a new link on your account page.",
                "links": [("/account/email", "Change your email address")],
            },
            status=410,
        )
    return render(
        request,
        "account_message.html",
        {
            "title": "Email address changed",
            "message": f"Your account's address is now {user.email}: log in with it from now on.",
            "links": [("/account", "Your account"), ("/dashboard", "Your dashboard")],
        },
    )


# --- closing the account --------------------------------------------------------------------------


def _close_page(
    request: web.Request, problem: Any = None, status: int = 200, refusal: str | None = None
) -> web.Response:
    actor = current_actor(request)
    context = {"problem": problem, "labels": CLOSE_LABELS, "refusal": refusal, "role": actor.role.value}
    return render(request, "account_close.html", context, status=status)


@routes.get("/account/close")
async def close_page(request: web.Request) -> web.StreamResponse:
    """What closing the account does, and the form to do it (password and a confirmation)."""
    return _close_page(request)


@routes.post("/account/close")
async def close_submit(request: web.Request) -> web.StreamResponse:
    """Close the account: the browser is logged out and told what happened."""
    actor = current_actor(request)
    values = await read_form(request)

    async def attempt() -> web.StreamResponse:
        if values.get("confirm") != "yes":
            raise Invalid("Tick the box to confirm that you want to close your account.", field="confirm")
        data = parse_form(AccountCloseIn, {"password": values.get("password", "")}, labels=CLOSE_LABELS)
        await account_closing.close_account(
            request.app[UOW](),
            actor,
            data.password,
            request.app[MAIL],
            browser_hash=csrf.browser_hash(request),
        )
        response = web.HTTPSeeOther("/login?notice=account_closed")
        response.del_cookie(csrf.LOGIN_COOKIE, path="/")
        raise response

    async def show_again(exc: DomainError) -> web.StreamResponse:
        if isinstance(exc, Conflict):
            return _close_page(request, None, exc.status, refusal=exc.message)
        return _close_page(request, problem_of(exc, values, _field), exc.status)

    return await try_form(attempt, show_again)
