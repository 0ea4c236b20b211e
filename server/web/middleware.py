"""Middlewares: errors become responses in one place; the login cookie becomes an actor;
state-changing requests must carry the CSRF token."""

from __future__ import annotations

import logging
import secrets
from collections.abc import Awaitable, Callable

import aiohttp_jinja2
from aiohttp import web
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from server.db.availability import RETRYABLE_SQLSTATES, database_away, sqlstate, storage_problem
from server.domain.errors import (
    DomainError,
    EmailNotVerified,
    Forbidden,
    ServiceUnavailable,
    TooManyRequests,
    disk_full,
    disk_read_only,
)
from server.services import accounts, navigation
from server.web import csrf
from server.web.access_log import redact
from server.web.api import API_PREFIX
from server.web.bodies import FORM_TYPES, read_post
from server.web.keys import ACTOR, CSRF_IDENTITY, SETTINGS, UNREAD_MESSAGES, UNREAD_NOTIFICATIONS, UOW

log = logging.getLogger("rounds.http")
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

STATIC_PREFIX = "/static/"
#: Pages a patient reaches (by their visit link): an error there shows no menu of Rounds' staff pages.
PATIENT_PREFIXES = ("/join/",)
_HTTP_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "invalid",
    429: "too_many_requests",
    503: "service_unavailable",
}
_HTTP_MESSAGES = {
    404: "There is nothing at this address.",
    405: "This address does not accept that method.",
    413: "The request body is too large.",
}


# PostgreSQL: deadlock_detected, serialization_failure.


def is_api(request: web.Request) -> bool:
    """Whether errors on this path are JSON (the API, and WebSockets refused before the upgrade)."""
    return request.path == API_PREFIX or request.path.startswith((API_PREFIX + "/", "/ws/"))


def error_response(
    request: web.Request,
    status: int,
    code: str,
    message: str,
    field: str | None = None,
    headers: dict[str, str] | None = None,
) -> web.StreamResponse:
    """JSON under /api, a friendly page elsewhere."""
    if is_api(request):
        body: dict[str, object] = {"code": code, "message": message}
        if field:
            body["field"] = field
        return web.json_response({"error": body}, status=status, headers=headers)
    response = aiohttp_jinja2.render_template(
        "error.html",
        request,
        {
            "status": status,
            "message": message,
            "actor": request.get(ACTOR),
            # Only a refused form has typed text to go back to.
            "after_form": request.method == "POST",
            "for_patient": request.path.startswith(PATIENT_PREFIXES),
        },
        status=status,
    )
    if headers:
        response.headers.update(headers)
    return response


@web.middleware
async def error_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    try:
        return await handler(request)
    except TooManyRequests as exc:
        return error_response(
            request,
            exc.status,
            exc.code,
            exc.message,
            headers={"Retry-After": str(exc.retry_after_seconds)},
        )
    except ServiceUnavailable as exc:
        return error_response(request, exc.status, exc.code, exc.message, headers={"Retry-After": "5"})
    except EmailNotVerified as exc:
        if is_api(request):
            return error_response(request, exc.status, exc.code, exc.message)
        # A page: the one that says where the link went and has the button to send a new one.
        raise web.HTTPSeeOther("/account/verify?notice=verify_first") from None
    except DomainError as exc:
        return error_response(request, exc.status, exc.code, exc.message, exc.field)
    except web.HTTPException as exc:
        if exc.status < 400:
            raise
        message = _HTTP_MESSAGES.get(exc.status) or exc.reason
        if exc.status == 413:
            message = "The request body is too large."
        return error_response(request, exc.status, _HTTP_CODES.get(exc.status, "error"), message)
    except (DBAPIError, PoolTimeout, ConnectionError) as exc:
        problem = storage_problem(exc)
        if problem is not None:
            # Not "briefly unavailable": the transaction was rolled back whole, and nothing will
            # change until someone makes room (or makes the database writable again).
            log.error("database cannot write: %s (%s %s)", problem, request.method, redact(request.path))
            refusal = disk_full("this change") if problem == "full" else disk_read_only("this change")
            return error_response(request, refusal.status, refusal.code, refusal.message)
        if database_away(exc):
            # The database went away (restart, crash, network) or is out of connections or locked: the
            # client should retry. The first line of the message says which.
            first_line = str(exc).splitlines()[0][:200] if str(exc) else ""
            log.warning("database unavailable: %s: %s", type(exc).__name__, first_line)
            return error_response(
                request,
                503,
                "service_unavailable",
                "The database is briefly unavailable. Try again in a few seconds.",
                headers={"Retry-After": "5"},
            )
        if not isinstance(exc, DBAPIError) or sqlstate(exc) not in RETRYABLE_SQLSTATES:
            log.exception("database error on %s %s", request.method, redact(request.path))
            return error_response(
                request, 500, "internal_error", "Something went wrong on our side; it has been logged."
            )
        # Two transactions collided (deadlock or serialization failure); the loser was rolled
        # back whole, so nothing is half-written and the same request can simply be sent again.
        log.info("transaction collision on %s %s", request.method, redact(request.path))
        return error_response(
            request,
            503,
            "service_unavailable",
            "Rounds was busy with a simultaneous change to the same records. Try again.",
            headers={"Retry-After": "1"},
        )
    except Exception:
        log.exception("unhandled error on %s %s", request.method, redact(request.path))
        return error_response(
            request, 500, "internal_error", "Something went wrong on our side; it has been logged."
        )


@web.middleware
async def login_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Resolve the login cookie to ``request[ACTOR]``; give new browsers an anonymous id."""
    request[ACTOR] = None
    if request.path.startswith(STATIC_PREFIX):
        # Stylesheets and scripts are public: no database round trip for each of them.
        request[CSRF_IDENTITY] = ""
        return await handler(request)
    request[UNREAD_MESSAGES] = request[UNREAD_NOTIFICATIONS] = None
    token = request.cookies.get(csrf.LOGIN_COOKIE)
    if token and len(token) <= 128:
        if is_api(request):
            request[ACTOR] = await accounts.resolve_login(request.app[UOW](), token)
        else:  # a page: the navigation shows the unread counts, read in the same transaction
            page_login = await navigation.resolve_login_for_page(request.app[UOW](), token)
            request[ACTOR] = page_login.actor
            request[UNREAD_MESSAGES] = page_login.unread_messages
            request[UNREAD_NOTIFICATIONS] = page_login.unread_notifications
    anon = request.cookies.get(csrf.ANON_COOKIE)
    new_anon = None
    if not token and not anon:
        new_anon = secrets.token_urlsafe(24)
        request[CSRF_IDENTITY] = new_anon
    else:
        request[CSRF_IDENTITY] = token or anon or ""
    response = await handler(request)
    if new_anon and not response.prepared:
        settings = request.app[SETTINGS]
        response.set_cookie(
            csrf.ANON_COOKIE,
            new_anon,
            httponly=True,
            samesite="Lax",
            secure=settings.secure_cookies,
            path="/",
        )
    return response


@web.middleware
async def csrf_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Refuse state-changing requests without a valid CSRF token or from another origin."""
    if request.method in csrf.UNSAFE_METHODS and not request.path.startswith(csrf.SIGNED_LINK_PREFIXES):
        secret = request.app[SETTINGS].secret_key
        presented = request.headers.get(csrf.HEADER)
        if presented is None and request.content_type in FORM_TYPES:
            # In the body, never the URL (URLs end up in logs and Referer headers); a body cut short
            # is a 400 here, before any handler reads it.
            form = await read_post(request)
            value = form.get(csrf.FORM_FIELD)
            presented = value if isinstance(value, str) else None
        identity = csrf.browser_identity(request)
        if not csrf.same_origin(request) or not csrf.matches(secret, identity, presented):
            raise Forbidden(
                "The security token is missing or stale (CSRF check). Reload the page and try "
                "again; API clients send the csrf_token from GET /api/v1/auth/session as the "
                "X-CSRF-Token header."
            )
    return await handler(request)
