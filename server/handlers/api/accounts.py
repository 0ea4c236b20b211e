"""API: logging in and out, the current login, profiles."""

from __future__ import annotations

from aiohttp import web

from server.domain.errors import Forbidden
from server.domain.vocab import Role
from server.handlers.api.registry import API
from server.schemas.accounts import (
    LoginIn,
    LoginStateOut,
    PreceptorProfileIn,
    ProfileOut,
    UserOut,
    VisitorProfileIn,
)
from server.services import accounts, profiles
from server.web import csrf
from server.web.api import ApiCall
from server.web.csrf import csrf_token
from server.web.keys import SETTINGS, UOW


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
        user = UserOut(id=actor.user_id, email=actor.email, role=actor.role, full_name=actor.full_name)
    return LoginStateOut(user=user, csrf_token=csrf_token(call.request))


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
        user=UserOut(id=actor.user_id, email=actor.email, role=actor.role, full_name=actor.full_name),
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
