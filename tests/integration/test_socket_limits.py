"""Hostile numbers of sockets and malformed requests against the real app over real sockets (issue 18,
item 11): WebSockets are capped per client address and in all, a refusal is logged once rather than
per attempt, a socket that never joins is closed, and a malformed request line is a quiet 400. The caps
are set small through the settings so that each test opens a handful of sockets only."""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from typing import Any

import aiohttp
import pytest

from server.config import Settings
from server.logs import OncePerWindow, QuietBadRequests
from server.web.keys import SOCKETS
from sessions import signaling as sig
from tests.integration.test_api_visits import START, enrollment, scheduled  # noqa: F401
from tests.sessions.conftest import wait_for
from tests.support.client import Api
from tests.support.world import FakeClock, World

pytestmark = pytest.mark.sessions

BOUND = 10.0  # seconds: a bound on waiting for the server, never a timing being checked


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return dataclasses.replace(settings, max_sockets=3, max_sockets_per_client=2, join_timeout_seconds=1)


def _origin(api: Api) -> str:
    return str(api.client.make_url("/")).rstrip("/")


async def test_sockets_are_capped_per_client_and_in_total_and_a_refusal_is_logged_once(
    make_api: Any, caplog: pytest.LogCaptureFixture
) -> None:
    api: Api = await make_api()
    origin = _origin(api)
    held = [await api.client.ws_connect("/ws/check", origin=origin) for _ in range(2)]
    with caplog.at_level("INFO"):
        for _ in range(5):  # the client's third socket, tried again and again
            with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
                await api.client.ws_connect("/ws/check", origin=origin)
            assert refused.value.status == 429
        # Another address (127.0.0.2 is this machine too) gets the last socket the process may hold...
        url = str(api.client.make_url("/ws/check"))
        other = aiohttp.ClientSession(connector=aiohttp.TCPConnector(local_addr=("127.0.0.2", 0)))
        try:
            third = await other.ws_connect(url, origin=origin)
            # ...and then nobody gets one: 503 with a hint to retry.
            with pytest.raises(aiohttp.WSServerHandshakeError) as full:
                await other.ws_connect(url, origin=origin)
            assert full.value.status == 503
            await third.close()
        finally:
            await other.close()
    refusals = [r for r in caplog.records if "refusing WebSockets" in r.getMessage()]
    assert len(refusals) == 1, [r.getMessage() for r in refusals]
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    # A socket given back is a socket the client may open again.
    await held[0].close()
    again = await api.client.ws_connect("/ws/check", origin=origin)
    await again.send_str('{"type": "ping", "id": 1}')
    assert sig.parse_server_message(await again.receive_str(timeout=BOUND)) == sig.Pong(id=1)
    for ws in (again, held[1]):
        await ws.close()


async def test_sockets_that_never_join_are_closed(
    world: World,
    make_api: Any,
    clock: FakeClock,
    enrollment: int,  # noqa: F811
) -> None:
    visit = await scheduled(make_api, world, [world.student.user_id], kind="huddle")
    clock.advance(seconds=(START - clock()).total_seconds())
    visitor: Api = await make_api(world.student.email)
    origin = _origin(visitor)
    idle = await visitor.client.ws_connect(f"/ws/sessions/{visit['id']}", origin=origin)
    check = await visitor.client.ws_connect("/ws/check", origin=origin)
    # The session socket is told why, then closed; the check socket is closed when its time is over.
    told = sig.parse_server_message(await idle.receive_str(timeout=BOUND))
    assert isinstance(told, sig.ErrorOut) and told.code == "join_timeout", told
    assert (await idle.receive(timeout=BOUND)).type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED)
    assert (await check.receive(timeout=BOUND)).type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED)
    sockets = visitor.client.server.app[SOCKETS]
    await wait_for(lambda: len(sockets) == 0, BOUND)
    # The same person can join afterwards: a closed socket gave its place back.
    fresh = await visitor.client.ws_connect(f"/ws/sessions/{visit['id']}", origin=origin)
    await fresh.send_str('{"type": "join", "protocol": 1}')
    welcome = sig.parse_server_message(await fresh.receive_str(timeout=BOUND))
    assert isinstance(welcome, sig.Welcome), welcome
    await fresh.close()
    await idle.close()
    await check.close()


async def test_malformed_requests_are_a_quiet_400_not_a_traceback_each(
    make_api: Any, caplog: pytest.LogCaptureFixture
) -> None:
    """Regression: each malformed request line or header was answered 400 and logged as an ERROR with a
    traceback, so an anonymous client could flood the log."""
    for found in logging.getLogger("aiohttp.server").filters:
        if isinstance(found, QuietBadRequests):  # installed once per process: start its minute afresh
            found.lines = OncePerWindow(logging.getLogger("rounds.http"), logging.INFO)
    api: Api = await make_api()
    url = api.client.make_url("/")
    with caplog.at_level("INFO"):
        for garbage in (
            b"GET / HTTP/1.1\r\nHost: x\r\nNo colon here\r\n\r\n",
            b"GET /\x00 HTTP/1.1\r\n\r\n",
        ) * 3:
            reader, writer = await asyncio.open_connection(url.host, url.port)
            writer.write(garbage)
            await writer.drain()
            status_line = await asyncio.wait_for(reader.readline(), BOUND)
            assert b" 400 " in status_line, status_line
            writer.close()
            await writer.wait_closed()
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING or r.exc_info], caplog.text
    assert len([r for r in caplog.records if "malformed HTTP request" in r.getMessage()]) == 1
