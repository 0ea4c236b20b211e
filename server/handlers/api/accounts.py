"""API: signing up and confirming the email, logging in and out, the current login, passwords,
profiles. Sign-up and "forgot password" answer the same whatever the email."""

from __future__ import annotations

from aiohttp import web

from server.domain.actors import Actor
from server.domain.errors import Forbidden
from server.domain.vocab import Role
from server.handlers.api.registry import API
from server.schemas.accounts import (
    AccountCloseIn,
    AccountIn,
    EmailChangeIn,
    EmailConfirmIn,
    LoginIn,
    LoginStateOut,
    MessageOut,
    PasswordChangeIn,
    PasswordForgotIn,
    PasswordResetByTokenIn,
    PreceptorProfileIn,
    ProfileOut,
    SignupIn,
    UserOut,
    VerifyEmailIn,
    VisitorProfileIn,
)
from server.services import account_closing, accounts, email_change, passwords, profiles, signup
from server.web import csrf
from server.web.api import ApiCall
from server.web.csrf import csrf_token
from server.web.keys import MAIL, SETTINGS, UOW
from server.web.rate_limit import check_password_reset, check_signup


@API.route(
    "GET",
    "/auth/session",
    summary="Who is logged in, and the CSRF token to send with changes",
    tag="auth",
    response=LoginStateOut,
    login_required=False,
)
async def get_login_state(call: ApiCall) -> LoginStateOut:
    actor = call.actor_or_none
    user = None
    if actor is not None:
        user = _user_out(actor)
    return LoginStateOut(user=user, csrf_token=csrf_token(call.request))


def _user_out(actor: Actor) -> UserOut:
    return UserOut(
        id=actor.user_id,
        email=actor.email,
        role=actor.role,
        full_name=actor.full_name,
        time_zone=actor.time_zone,
    )


@API.route(
    "POST",
    "/auth/login",
    summary="Log in; sets the HttpOnly login cookie and returns a new CSRF token",
    tag="auth",
    body=LoginIn,
    response=LoginStateOut,
    login_required=False,
    errors=(401, 429),
)
async def login(call: ApiCall) -> web.Response:
    data: LoginIn = call.body
    result = await accounts.log_in(
        call.request.app[UOW](),
        email=data.email,
        password=data.password,
        client_ip=csrf.client_ip(call.request),
        replaces=call.request.cookies.get(csrf.LOGIN_COOKIE),
    )
    actor = result.actor
    body = LoginStateOut(
        user=_user_out(actor),
        csrf_token=csrf.token_for(call.request.app[SETTINGS].secret_key, result.token),
    )
    response = web.Response(body=body.model_dump_json(), content_type="application/json")
    csrf.set_login_cookie(
        response,
        result.token,
        secure=call.request.app[SETTINGS].secure_cookies,
        max_age=int(accounts.LOGIN_LIFETIME.total_seconds()),
    )
    return response


@API.route(
    "POST",
    "/auth/logout",
    summary="Log out this browser",
    tag="auth",
    status=204,
    login_required=False,
)
async def logout(call: ApiCall) -> web.Response:
    token = call.request.cookies.get(csrf.LOGIN_COOKIE)
    if token:
        await accounts.log_out(call.request.app[UOW](), token)
    response = web.Response(status=204)
    response.del_cookie(csrf.LOGIN_COOKIE, path="/")
    return response


@API.route("GET", "/me", summary="My account and profile", tag="profile", response=ProfileOut)
async def get_my_profile(call: ApiCall) -> ProfileOut:
    return await profiles.my_profile(call.request.app[UOW](), call.actor)


@API.route(
    "PUT",
    "/me",
    summary="Change my name and the time zone (IANA, e.g. Asia/Karachi) my pages and emails show times in",
    tag="profile",
    body=AccountIn,
    response=ProfileOut,
    errors=(422,),
)
async def put_my_account(call: ApiCall) -> ProfileOut:
    return await profiles.update_account(call.request.app[UOW](), call.actor, call.body)


@API.route(
    "PUT",
    "/me/visitor-profile",
    summary="Update my visitor profile (training status, school, USMLE Step 1...)",
    tag="profile",
    body=VisitorProfileIn,
    response=ProfileOut,
)
async def put_visitor_profile(call: ApiCall) -> ProfileOut:
    return await profiles.update_visitor_profile(call.request.app[UOW](), call.actor, call.body)


@API.route(
    "PUT",
    "/me/preceptor-profile",
    summary="Update my preceptor profile (specialty, institution, letterhead contact details)",
    tag="profile",
    body=PreceptorProfileIn,
    response=ProfileOut,
)
async def put_preceptor_profile(call: ApiCall) -> ProfileOut:
    if call.actor.role is not Role.PRECEPTOR:
        raise Forbidden("Only a preceptor has a preceptor profile.")
    return await profiles.update_preceptor_profile(call.request.app[UOW](), call.actor, call.body)


SIGNUP_ACCEPTED = (
    "If this address can be used, a link to confirm it is on its way. "
    "Open it to be able to apply to programs."
)
RESEND_ACCEPTED = "If this address has an account still to confirm, a new link is on its way."
RESET_ACCEPTED = "If this address has a Rounds account, a link to choose a new password is on its way."


@API.route(
    "POST",
    "/auth/signup",
    summary="Sign up as a visitor; a link to confirm the email is mailed (same answer for a taken address)",
    tag="auth",
    body=SignupIn,
    response=MessageOut,
    status=202,
    login_required=False,
    errors=(422, 429),
)
async def sign_up(call: ApiCall) -> MessageOut:
    check_signup(call.request)
    await signup.sign_up(
        call.request.app[UOW](),
        call.body,
        call.request.app[MAIL],
        browser_hash=csrf.browser_hash(call.request),
    )
    return MessageOut(message=SIGNUP_ACCEPTED)


@API.route(
    "POST",
    "/auth/verify-email",
    summary="Confirm an email address with the token of the mailed link (works once, for 48 hours)",
    tag="auth",
    body=VerifyEmailIn,
    response=MessageOut,
    login_required=False,
    errors=(422,),
)
async def verify_email(call: ApiCall) -> MessageOut:
    await signup.verify_email(call.request.app[UOW](), call.body.token)
    return MessageOut(message="Your email address is confirmed.")


@API.route(
    "POST",
    "/auth/verify-email/resend",
    summary="Mail a new link to confirm an address not yet confirmed (same answer whatever the email)",
    tag="auth",
    body=PasswordForgotIn,
    response=MessageOut,
    status=202,
    login_required=False,
    errors=(422, 429),
)
async def resend_verification(call: ApiCall) -> MessageOut:
    check_signup(call.request)
    await signup.resend_verification_to(
        call.request.app[UOW](),
        call.body.email,
        call.request.app[MAIL],
        browser_hash=csrf.browser_hash(call.request),
    )
    return MessageOut(message=RESEND_ACCEPTED)


@API.route(
    "POST",
    "/auth/password/forgot",
    summary="Mail a single-use link to reset the password (same answer whatever the email)",
    tag="auth",
    body=PasswordForgotIn,
    response=MessageOut,
    status=202,
    login_required=False,
    errors=(422, 429),
)
async def forgot_password(call: ApiCall) -> MessageOut:
    check_password_reset(call.request)
    await passwords.request_reset(
        call.request.app[UOW](),
        call.body.email,
        call.request.app[MAIL],
        browser_hash=csrf.browser_hash(call.request),
    )
    return MessageOut(message=RESET_ACCEPTED)


@API.route(
    "POST",
    "/auth/password/reset",
    summary="Set a new password with the token of the mailed link; every login of the account ends",
    tag="auth",
    body=PasswordResetByTokenIn,
    status=204,
    login_required=False,
    errors=(422,),
)
async def reset_password(call: ApiCall) -> web.Response:
    data: PasswordResetByTokenIn = call.body
    await passwords.reset_password(
        call.request.app[UOW](),
        data.token,
        data.password,
        data.password_again,
        call.request.app[MAIL],
        browser_hash=csrf.browser_hash(call.request),
    )
    response = web.Response(status=204)
    response.del_cookie(csrf.LOGIN_COOKIE, path="/")
    return response


@API.route(
    "PUT",
    "/me/password",
    summary="Change my password (the current one is asked); every other login of the account ends",
    tag="auth",
    body=PasswordChangeIn,
    status=204,
    errors=(422,),
)
async def change_password(call: ApiCall) -> web.Response:
    data: PasswordChangeIn = call.body
    await passwords.change_password(
        call.request.app[UOW](),
        call.actor,
        data.current_password,
        data.password,
        data.password_again,
        call.request.app[MAIL],
        login_token=call.request.cookies.get(csrf.LOGIN_COOKIE),
        browser_hash=csrf.browser_hash(call.request),
    )
    return web.Response(status=204)


EMAIL_CHANGE_ACCEPTED = (
    "If that address can be used, a link to confirm it is on its way to it. Until you open the link, "
    "you keep logging in with your current address."
)


@API.route(
    "PUT",
    "/me/email",
    summary="Ask to change my email address (the current password is asked); a link is mailed to the new one",
    tag="auth",
    body=EmailChangeIn,
    response=MessageOut,
    status=202,
    errors=(422, 429),
)
async def change_email(call: ApiCall) -> MessageOut:
    data: EmailChangeIn = call.body
    await email_change.request_change(
        call.request.app[UOW](),
        call.actor,
        data.email,
        data.password,
        call.request.app[MAIL],
        browser_hash=csrf.browser_hash(call.request),
    )
    return MessageOut(message=EMAIL_CHANGE_ACCEPTED)


@API.route(
    "POST",
    "/auth/email/confirm",
    summary="Make the new address the account's, with the token of the link mailed to it (once, 24 hours)",
    tag="auth",
    body=EmailConfirmIn,
    response=MessageOut,
    login_required=False,
    errors=(422,),
)
async def confirm_email_change(call: ApiCall) -> MessageOut:
    user = await email_change.confirm_change(
        call.request.app[UOW](),
        call.body.token,
        call.request.app[MAIL],
        browser_hash=csrf.browser_hash(call.request),
    )
    return MessageOut(message=f"Your account's address is now {user.email}.")


@API.route(
    "POST",
    "/me/close",
    summary="Close my account (the password is asked): see the README's Accounts section for what stays",
    tag="auth",
    body=AccountCloseIn,
    status=204,
    errors=(409, 422),
)
async def close_account(call: ApiCall) -> web.Response:
    await account_closing.close_account(
        call.request.app[UOW](),
        call.actor,
        call.body.password,
        call.request.app[MAIL],
        browser_hash=csrf.browser_hash(call.request),
    )
    response = web.Response(status=204)
    response.del_cookie(csrf.LOGIN_COOKIE, path="/")
    return response
