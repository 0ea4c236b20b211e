"""Account pages: sign up (visitors), confirm the email by its link or send a new one, forgot
password, reset it by its link, and change it while logged in.

Sign-up and "forgot password" answer with the same page whatever the email (no account
enumeration), and both are throttled per client address (``server.web.rate_limit``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from aiohttp import web

from server.domain.errors import DomainError, Invalid
from server.domain.vocab import PROFESSION_LABELS, Profession, TrainingStatus
from server.handlers.pages.forms import (
    Problem,
    current_actor,
    parse_form,
    problem_of,
    read_form,
    redirect,
    render,
    try_form,
)
from server.handlers.pages.view import TRAINING_LABELS
from server.schemas.accounts import PasswordChangeIn, PasswordForgotIn, PasswordResetIn, SignupIn
from server.services import passwords, signup
from server.web import csrf
from server.web.keys import ACTOR, MAIL, UOW
from server.web.rate_limit import check_password_reset, check_signup

routes = web.RouteTableDef()

SIGNUP_LABELS = {
    "full_name": "Full name",
    "email": "Email",
    "password": "Password",
    "training_status": "Training status",
    "profession": "Profession",
}
PASSWORD_LABELS = {
    "current_password": "Current password",
    "password": "New password",
    "password_again": "New password again",
}
# Passwords are never written back into a form that is shown again.
SECRET_FIELDS = frozenset({"password", "password_again", "current_password"})


def _kept(values: Mapping[str, Any]) -> dict[str, str]:
    return {k: str(v) for k, v in values.items() if k not in SECRET_FIELDS and k != "csrf_token"}


def _field(name: str) -> str | None:
    return name


def _message(
    request: web.Request,
    title: str,
    message: str,
    *,
    status: int = 200,
    links: list[tuple[str, str]] | None = None,
) -> web.Response:
    """A page that says one thing (and where to go next)."""
    return render(
        request,
        "account_message.html",
        {"title": title, "message": message, "links": links or []},
        status=status,
    )


# --- sign up -------------------------------------------------------------------------------------


def _signup_page(
    request: web.Request, values: Mapping[str, str], problem: Problem | None, status: int = 200
) -> web.Response:
    return render(
        request,
        "signup.html",
        {
            "v": values,
            "problem": problem,
            "labels": SIGNUP_LABELS,
            "training_choices": [(s.value, TRAINING_LABELS[s]) for s in TrainingStatus],
            "profession_choices": [(p.value, PROFESSION_LABELS[p]) for p in Profession],
        },
        status=status,
    )


@routes.get("/signup")
async def signup_page(request: web.Request) -> web.StreamResponse:
    """The sign-up form (visitors; staff are invited)."""
    if request.get(ACTOR) is not None:
        redirect("/dashboard")
    return _signup_page(request, {}, None)


@routes.post("/signup")
async def signup_submit(request: web.Request) -> web.StreamResponse:
    """Sign up, then "check your email" — the same page whether or not the address had an account."""
    check_signup(request)
    values = await read_form(request)
    setup = request.app[MAIL]

    async def attempt() -> web.StreamResponse:
        data = parse_form(SignupIn, values, labels=SIGNUP_LABELS)
        await signup.sign_up(request.app[UOW](), data, setup, browser_hash=csrf.browser_hash(request))
        return _message(
            request,
            "Check your email",
            f"We sent a link to {data.email.strip().lower()}. Open it to confirm the address: then you can "
            "apply to programs. You can log in already.",
            links=[("/login", "Log in")],
        )

    async def show_again(exc: DomainError) -> web.StreamResponse:
        return _signup_page(request, _kept(values), problem_of(exc, values, _field), exc.status)

    return await try_form(attempt, show_again)


# --- confirming the email ------------------------------------------------------------------------


@routes.get("/account/verify/{token}")
async def verify_link(request: web.Request) -> web.StreamResponse:
    """Open the link from the sign-up email: the address is confirmed (once)."""
    try:
        await signup.verify_email(request.app[UOW](), request.match_info["token"])
    except Invalid as exc:
        return _message(
            request,
            "This link cannot be used",
            exc.message + " Log in and send yourself a new link from Confirm your email.",
            status=410,
            links=[("/account/verify", "Confirm your email")],
        )
    return _message(
        request,
        "Email confirmed",
        "Thank you: your email address is confirmed, and you can apply to programs.",
        links=[("/programs", "Browse programs"), ("/dashboard", "Your dashboard")],
    )


@routes.get("/account/verify")
async def verify_status(request: web.Request) -> web.StreamResponse:
    """Whether the logged-in person's address is confirmed, with the button to send a new link."""
    actor = current_actor(request)
    verified = await signup.is_verified(request.app[UOW](), actor)
    return render(
        request,
        "account_verify.html",
        {"verified": verified, "email": actor.email},
    )


@routes.post("/account/verify/resend")
async def verify_resend(request: web.Request) -> web.StreamResponse:
    """Mail a new verification link (the older ones stop working)."""
    actor = current_actor(request)
    await signup.resend_verification(
        request.app[UOW](), actor, request.app[MAIL], browser_hash=csrf.browser_hash(request)
    )
    redirect("/account/verify", "verify_sent")


# --- forgot password and reset ---------------------------------------------------------------------


@routes.get("/password/forgot")
async def forgot_page(request: web.Request) -> web.StreamResponse:
    """Ask for a reset link."""
    return render(request, "password_forgot.html", {"v": {}, "problem": None, "labels": {"email": "Email"}})


@routes.post("/password/forgot")
async def forgot_submit(request: web.Request) -> web.StreamResponse:
    """Mail a reset link if the address has an account; the same page either way."""
    check_password_reset(request)
    values = await read_form(request)

    async def attempt() -> web.StreamResponse:
        data = parse_form(PasswordForgotIn, values, labels={"email": "Email"})
        await passwords.request_reset(
            request.app[UOW](), data.email, request.app[MAIL], browser_hash=csrf.browser_hash(request)
        )
        return _message(
            request,
            "Check your email",
            f"If {data.email.strip().lower()} has a Rounds account, we sent it a link to choose a new "
            "password. The link works once, for 30 minutes.",
            links=[("/login", "Log in")],
        )

    async def show_again(exc: DomainError) -> web.StreamResponse:
        problem = problem_of(exc, values, _field)
        context = {"v": _kept(values), "problem": problem, "labels": {"email": "Email"}}
        return render(request, "password_forgot.html", context, status=exc.status)

    return await try_form(attempt, show_again)


def _bad_link(request: web.Request, exc: Invalid) -> web.Response:
    return _message(
        request,
        "This link cannot be used",
        exc.message + " Ask for a new one.",
        status=410,
        links=[("/password/forgot", "Forgot password")],
    )


@routes.get("/password/reset/{token}")
async def reset_page(request: web.Request) -> web.StreamResponse:
    """The new-password form, if the link can be used (looking does not spend it)."""
    try:
        await passwords.check_reset_link(request.app[UOW](), request.match_info["token"])
    except Invalid as exc:
        return _bad_link(request, exc)
    return render(request, "password_reset.html", {"problem": None, "labels": PASSWORD_LABELS})


@routes.post("/password/reset/{token}")
async def reset_submit(request: web.Request) -> web.StreamResponse:
    """Set the new password: the link is spent and every login of the account ends."""
    values = await read_form(request)
    token = request.match_info["token"]

    async def attempt() -> web.StreamResponse:
        data = parse_form(PasswordResetIn, values, labels=PASSWORD_LABELS)
        await passwords.reset_password(
            request.app[UOW](),
            token,
            data.password,
            data.password_again,
            request.app[MAIL],
            browser_hash=csrf.browser_hash(request),
        )
        response = web.HTTPSeeOther("/login?notice=password_reset")
        response.del_cookie(csrf.LOGIN_COOKIE, path="/")
        raise response

    async def show_again(exc: DomainError) -> web.StreamResponse:
        if isinstance(exc, Invalid) and exc.field is None:
            return _bad_link(request, exc)  # the link itself, not the passwords
        problem = problem_of(exc, values, _field)
        return render(
            request, "password_reset.html", {"problem": problem, "labels": PASSWORD_LABELS}, status=exc.status
        )

    return await try_form(attempt, show_again)


# --- change password (logged in) ---------------------------------------------------------------------


@routes.get("/account/password")
async def change_page(request: web.Request) -> web.StreamResponse:
    """The change-password form."""
    current_actor(request)
    return render(request, "password_change.html", {"problem": None, "labels": PASSWORD_LABELS})


@routes.post("/account/password")
async def change_submit(request: web.Request) -> web.StreamResponse:
    """Change the password: the current one is asked; every other login ends."""
    actor = current_actor(request)
    values = await read_form(request)

    async def attempt() -> web.StreamResponse:
        data = parse_form(PasswordChangeIn, values, labels=PASSWORD_LABELS)
        await passwords.change_password(
            request.app[UOW](),
            actor,
            data.current_password,
            data.password,
            data.password_again,
            request.app[MAIL],
            login_token=request.cookies.get(csrf.LOGIN_COOKIE),
            browser_hash=csrf.browser_hash(request),
        )
        redirect("/account/password", "password_changed")

    async def show_again(exc: DomainError) -> web.StreamResponse:
        problem = problem_of(exc, values, _field)
        return render(
            request,
            "password_change.html",
            {"problem": problem, "labels": PASSWORD_LABELS},
            status=exc.status,
        )

    return await try_form(attempt, show_again)
