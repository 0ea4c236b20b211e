"""The site's address for links that leave it (a calendar app fetching a feed, an event linking back to
its session): ROUNDS_PUBLIC_URL when set, else the scheme and host the browser used."""

from __future__ import annotations

from aiohttp import web

from server.web.keys import SETTINGS


def public_origin(request: web.Request) -> str:
    """Scheme and host, no trailing slash."""
    configured = request.app[SETTINGS].public_url
    return configured.rstrip("/") if configured else f"{request.scheme}://{request.host}"
