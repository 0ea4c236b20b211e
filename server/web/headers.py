"""Security headers on every response, set in one place (an ``on_response_prepare`` hook, so that
responses prepared before a middleware could see them, such as static files, downloads and WebSocket
handshakes, get them too).

Pages show letters, records and evaluations: they may not be framed, cached or sniffed, and they run
only Rounds' own scripts and stylesheets (no inline script or style anywhere: see
``tests/unit/test_templates_inline.py``). The live page needs its WebSocket (``connect-src`` names
``ws:``/``wss:`` of the host the browser used, because older browsers do not count a WebSocket to the
same host as ``'self'``) and shows camera streams (``media-src mediastream: blob:``).

A response that sets one of these headers itself keeps its own (the certificate download allows its
one inline stylesheet by hash)."""

from __future__ import annotations

import re

from aiohttp import web

#: Instead of aiohttp's ``Python/3.x aiohttp/3.x``: the version helps no one but an attacker.
SERVER_NAME = "Rounds"
STATIC_PREFIX = "/static/"
# A Host header is the client's to choose: only a plain host[:port] goes into the policy.
_PLAIN_HOST = re.compile(r"[A-Za-z0-9.\-]{1,253}(:[0-9]{1,5})?|\[[0-9A-Fa-f:.]{2,45}\](:[0-9]{1,5})?")

_POLICY = (
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "media-src 'self' blob: mediastream:",
    "font-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
)


def content_security_policy(host: str | None) -> str:
    """The policy for a page reached at ``host`` (the request's Host header)."""
    connect = "connect-src 'self'"
    if host and _PLAIN_HOST.fullmatch(host):
        connect += f" ws://{host} wss://{host}"
    return "; ".join((*_POLICY, connect))


def security_headers(request: web.BaseRequest) -> dict[str, str]:
    """The headers every response to ``request`` carries unless it set its own."""
    headers = {
        "Server": SERVER_NAME,
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "same-origin",
    }
    if not request.path.startswith(STATIC_PREFIX):
        # Everything but the static files is someone's data or a page made for one person.
        headers["Content-Security-Policy"] = content_security_policy(request.host)
        headers["X-Frame-Options"] = "DENY"
        headers["Cache-Control"] = "no-store"
    return headers


async def add_security_headers(request: web.Request, response: web.StreamResponse) -> None:
    """``on_response_prepare`` hook: add :func:`security_headers`, keeping any the handler set."""
    for name, value in security_headers(request).items():
        if name == "Server":
            response.headers[name] = value  # aiohttp fills its own in only when none is set
        else:
            response.headers.setdefault(name, value)
