"""CSRF tokens: an HMAC of the browser's login (or anonymous) cookie under the secret key.

A page embeds the token in each form (``csrf_token``) and scripts send it as ``X-CSRF-Token``;
another site can neither read it nor compute it, and it changes whenever the login does.
"""

from __future__ import annotations

import hashlib
import hmac
from urllib.parse import urlsplit

from aiohttp import web

from server.web.keys import CSRF_IDENTITY, SETTINGS

LOGIN_COOKIE = "rounds_login"
ANON_COOKIE = "rounds_anon"
HEADER = "X-CSRF-Token"
FORM_FIELD = "csrf_token"
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
# Paths whose POST carries its own authority in a signed link and acts for nobody's login: a mail
# client's one-click unsubscribe (RFC 8058) POSTs with no cookie and no token. Forging such a request
# needs the link itself, which only its email holds.
SIGNED_LINK_PREFIXES = ("/notifications/unsubscribe/",)


def set_login_cookie(response: web.StreamResponse, token: str, *, secure: bool, max_age: int) -> None:
    """The login cookie: HttpOnly (scripts never see it), SameSite=Lax, for the whole site."""
    response.set_cookie(
        LOGIN_COOKIE, token, httponly=True, samesite="Lax", secure=secure, path="/", max_age=max_age
    )


def client_ip(request: web.Request) -> str:
    """The peer address failed logins are counted against (bounded for storage)."""
    return (request.remote or "unknown")[:64]


def token_for(secret_key: str, cookie_value: str) -> str:
    mac = hmac.new(secret_key.encode(), b"csrf:" + cookie_value.encode(), hashlib.sha256)
    return mac.hexdigest()


def browser_hash(request: web.Request) -> str | None:
    """SHA-256 of this browser's anonymous cookie (which outlives its logins): names the browser whose
    request caused a mail, for the demo outbox, without keeping the cookie itself."""
    anonymous = request.cookies.get(ANON_COOKIE)
    return hashlib.sha256(b"browser:" + anonymous.encode()).hexdigest() if anonymous else None


def browser_identity(request: web.Request) -> str | None:
    """The cookie the token is bound to: the login if there is one, else the anonymous id."""
    return request.cookies.get(LOGIN_COOKIE) or request.cookies.get(ANON_COOKIE)


def matches(secret_key: str, identity: str | None, presented: str | None) -> bool:
    if not identity or not presented:
        return False
    return hmac.compare_digest(token_for(secret_key, identity), presented)


def same_origin(request: web.Request, *, required: bool = False) -> bool:
    """Whether the request's Origin header names this server. Without the header the answer is
    ``not required``: forms and scripts of non-browser clients send none, a browser's WebSocket always
    does. ``Origin: null`` (a sandboxed or file page) never matches."""
    origin = request.headers.get("Origin")
    if origin is None:
        return not required
    return origin != "null" and urlsplit(origin).netloc == request.host


def csrf_token(request: web.Request) -> str:
    """The token the current browser must send back with forms and scripts."""
    identity = request.get(CSRF_IDENTITY) or ""
    return token_for(request.app[SETTINGS].secret_key, identity)
