"""The security headers on what the demo crawl (test_page_transactions.py) does not reach: pages for
someone not logged in, error pages, the live page, the API, static files. Every response names no server
version; pages and data are never framed, cached or sniffed; the live page may open its WebSocket to the
host the browser used, and only to it."""

from __future__ import annotations

from typing import Any

from aiohttp.test_utils import TestClient

from server.web.headers import content_security_policy
from tests.integration.test_page_transactions import (
    PageLoad,
    inline_code,
    policy_directives,
    security_problems,
)


async def load(client: TestClient[Any, Any], path: str) -> PageLoad:
    response = await client.get(path, allow_redirects=False)
    html = await response.text() if response.content_type == "text/html" else ""
    headers = {name.lower(): value for name, value in response.headers.items()}
    return PageLoad(path, response.status, 0, headers, inline_code(html))


async def test_pages_for_anyone_error_pages_the_live_page_and_the_api(client: TestClient[Any, Any]) -> None:
    paths = {
        "/login": 200,
        "/programs": 200,
        "/certificates/verify": 200,
        "/no-such-page": 404,
        "/record/enrollments/99999": 303,  # to the login page
        "/visits/1/live": 401,  # "we don't know who you are yet": the page a patient's stale link shows
        "/visits/1/check": 401,
        "/api/v1/auth/session": 200,
        "/api/v1/no-such-thing": 404,
    }
    loads = [await load(client, path) for path in paths]
    assert {v.path: v.status for v in loads} == paths
    wrong = {v.path: problems for v in loads if (problems := security_problems(v))}
    assert not wrong, wrong


async def test_the_live_page_may_connect_to_its_own_hosts_websocket_only(
    client: TestClient[Any, Any],
) -> None:
    live = await load(client, "/visits/1/live")
    host = f"{client.server.host}:{client.server.port}"
    connect = policy_directives(live.headers["content-security-policy"])["connect-src"]
    assert connect == ["'self'", f"ws://{host}", f"wss://{host}"]
    assert policy_directives(live.headers["content-security-policy"])["media-src"] == [
        "'self'",
        "blob:",
        "mediastream:",
    ]
    # A Host header that is not a plain host and port never reaches the policy.
    assert content_security_policy("evil.example; script-src *") == content_security_policy(None)
    assert "ws:" not in content_security_policy("a b")


async def test_static_files_name_no_server_version_and_are_not_sniffed(client: TestClient[Any, Any]) -> None:
    for path in ("/static/rounds.css", "/static/session.js", "/favicon.ico"):
        response = await client.get(path)
        assert response.status == 200, path
        assert response.headers["Server"] == "Rounds", path
        assert response.headers["X-Content-Type-Options"] == "nosniff", path
