"""Small in-memory, per-address limits: look-ups of the public certificate check, sign-ups and
password-reset requests.

The login limiter (``server.services.accounts``) counts failed logins in the database because a
password guesser must be slowed down across processes and restarts; a certificate code has 100 bits and
cannot be guessed, so here the limit only keeps one address from hammering the public page: at most
``limit`` look-ups per ``window`` per address, counted in this process's memory (several server processes
each allow that many). The clock is the app's, so tests move it by hand.
"""

from __future__ import annotations

import math
import weakref
from collections import deque
from datetime import datetime, timedelta

from aiohttp import web

from server.domain.errors import TooManyRequests
from server.web.csrf import client_ip
from server.web.keys import CLOCK

LOOKUPS_PER_WINDOW = 30
WINDOW = timedelta(minutes=10)
# Addresses remembered at most; past that the quietest are forgotten first (memory stays bounded).
MAX_ADDRESSES = 10_000


class LookupLimiter:
    """Sliding window: each address may make ``limit`` look-ups in any ``window``."""

    def __init__(self, limit: int | None = None, window: timedelta | None = None) -> None:
        self.limit = LOOKUPS_PER_WINDOW if limit is None else limit
        self.window = WINDOW if window is None else window
        self._seen: dict[str, deque[datetime]] = {}

    def check(self, address: str, now: datetime, what: str = "look-ups") -> None:
        """Count one look-up by ``address`` at ``now``, or raise TooManyRequests (nothing counted)."""
        times = self._seen.get(address)
        if times is None:
            if len(self._seen) >= MAX_ADDRESSES:
                self._forget(now)
            times = self._seen.setdefault(address, deque())
        while times and times[0] <= now - self.window:
            times.popleft()
        if len(times) >= self.limit:
            wait = max(1, math.ceil((times[0] + self.window - now).total_seconds()))
            raise TooManyRequests(
                f"Too many {what} from your address. Wait {wait} seconds before trying again.",
                retry_after_seconds=wait,
            )
        times.append(now)

    def _forget(self, now: datetime) -> None:
        stale = [a for a, t in self._seen.items() if not t or t[-1] <= now - self.window]
        for address in stale:
            del self._seen[address]
        if len(self._seen) >= MAX_ADDRESSES:  # all busy: drop the least recently active half
            by_last = sorted(self._seen, key=lambda a: self._seen[a][-1])
            for address in by_last[: len(by_last) // 2]:
                del self._seen[address]


# Sign-ups and password-reset requests per address: enough for a family or a clinic sharing one
# address, not for a script creating accounts or flooding someone's inbox with resets.
SIGNUPS_PER_WINDOW = 5
SIGNUP_WINDOW = timedelta(hours=1)
RESETS_PER_WINDOW = 5
RESET_WINDOW = timedelta(hours=1)


def _limits(kind: str) -> tuple[int, timedelta]:
    """The limit and window of ``kind``, read when its limiter is made (a test may lower them)."""
    return {
        "certificate": (LOOKUPS_PER_WINDOW, WINDOW),
        "signup": (SIGNUPS_PER_WINDOW, SIGNUP_WINDOW),
        "reset": (RESETS_PER_WINDOW, RESET_WINDOW),
    }[kind]


# One limiter per app and kind (the API and the page share it), without an app key: apps are frozen
# once started.
_LIMITERS: weakref.WeakKeyDictionary[web.Application, dict[str, LookupLimiter]] = weakref.WeakKeyDictionary()


def limiter_for(app: web.Application, kind: str = "certificate") -> LookupLimiter:
    """The app's limiter of ``kind`` (certificate, signup, reset)."""
    limiters = _LIMITERS.setdefault(app, {})
    limiter = limiters.get(kind)
    if limiter is None:
        limit, window = _limits(kind)
        limiter = limiters[kind] = LookupLimiter(limit, window)
    return limiter


def check_lookup(request: web.Request) -> None:
    """Count a certificate look-up by the request's address (429 with Retry-After when over the limit)."""
    limiter_for(request.app).check(client_ip(request), request.app[CLOCK](), "certificate look-ups")


def check_signup(request: web.Request) -> None:
    """Count a sign-up by the request's address (429 with Retry-After when over the limit)."""
    limiter_for(request.app, "signup").check(client_ip(request), request.app[CLOCK](), "sign-ups")


def check_password_reset(request: web.Request) -> None:
    """Count a password-reset request by the request's address (429 when over the limit)."""
    limiter_for(request.app, "reset").check(
        client_ip(request), request.app[CLOCK](), "password-reset requests"
    )
