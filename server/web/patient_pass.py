"""The patient's pass cookie: what a patient's browser keeps after opening their single-use link, so
that it can load the live page and (re)connect the WebSocket without an account or the link.

The value is signed by :func:`server.domain.visits.sign_patient_pass` (HMAC under the secret key,
bound to the visit and the link, expiring with the link). It is HttpOnly and SameSite=Lax like the
login cookie (see :mod:`server.web.csrf`), for the whole site: the live page and ``/ws/sessions/``
both need it.
"""

from __future__ import annotations

from datetime import datetime

from aiohttp import web

from server.domain.visits import sign_patient_pass, verify_patient_pass
from server.web.keys import CLOCK, SETTINGS

PATIENT_PASS_COOKIE = "rounds_patient_pass"


def set_patient_pass_cookie(
    response: web.StreamResponse,
    *,
    secret: str,
    visit_id: int,
    link_id: int,
    expires_at: datetime,
    now: datetime,
    secure: bool,
) -> None:
    """Give the browser its pass for ``visit_id``, living as long as the link does."""
    response.set_cookie(
        PATIENT_PASS_COOKIE,
        sign_patient_pass(secret, visit_id, link_id, expires_at),
        httponly=True,
        samesite="Lax",
        secure=secure,
        path="/",
        max_age=max(int((expires_at - now).total_seconds()), 0),
    )


def patient_pass_from_request(request: web.Request) -> tuple[int, int] | None:
    """(visit_id, link_id) from a valid, unexpired pass cookie on the request, else None. Only the
    signature and expiry are checked here; :func:`server.services.live.authorize_join` checks the
    link against the database."""
    value = request.cookies.get(PATIENT_PASS_COOKIE)
    if not value:
        return None
    return verify_patient_pass(request.app[SETTINGS].secret_key, value, request.app[CLOCK]())
