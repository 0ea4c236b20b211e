"""Short-lived TURN credentials from a secret shared with the TURN server.

This is the scheme coturn calls ``use-auth-secret`` (the "TURN REST API" draft): the username is
``<expiry as unix time>:<participant id>`` and the password is the base64 of HMAC-SHA1 over that
username, keyed with ``static-auth-secret``. coturn recomputes the password from the username, so
nothing per participant is stored anywhere, and a leaked credential stops working at its expiry.
Pure functions: the caller gives the time.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from collections.abc import Callable, Sequence
from typing import Any

from server.config import Settings


def turn_username(participant_id: str, expires_at: int) -> str:
    """The username coturn reads the expiry from (the part before the first colon)."""
    return f"{expires_at}:{participant_id}"


def turn_password(secret: str, username: str) -> str:
    """base64(HMAC-SHA1(secret, username)), as coturn computes it for ``use-auth-secret``."""
    digest = hmac.new(secret.encode(), username.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode("ascii")


def turn_ice_server(
    urls: Sequence[str], secret: str, participant_id: str, *, now: float, ttl_seconds: int
) -> dict[str, Any]:
    """One RTCIceServer entry for ``participant_id``, valid for ``ttl_seconds`` from ``now``."""
    username = turn_username(participant_id, int(now) + ttl_seconds)
    return {"urls": list(urls), "username": username, "credential": turn_password(secret, username)}


def participant_ice_servers(
    settings: Settings, clock: Callable[[], float] = time.time
) -> Callable[[str], list[dict[str, Any]]]:
    """What a live room adds to each participant's ``welcome``: their own TURN entry when
    ROUNDS_TURN_URLS is set (fresh credentials on every join), else nothing."""
    urls, secret, ttl = settings.turn_urls, settings.turn_secret, settings.turn_ttl_seconds

    def for_participant(participant_id: str) -> list[dict[str, Any]]:
        if not urls or not secret:
            return []
        return [turn_ice_server(urls, secret, participant_id, now=clock(), ttl_seconds=ttl)]

    return for_participant
