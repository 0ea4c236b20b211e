"""The live-session WebSocket end to end inside one process: the real app (both databases), aiortc
participants speaking the documented protocol over real WebSockets, and what the visit leaves in the
database (attendance, consent, the end and its encounters). Refusals happen before the upgrade, as
plain HTTP errors with JSON bodies."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import aioice.ice
import pytest
from aiohttp.test_utils import TestClient
from sqlalchemy import select

from server.db import models
from server.db.uow import UnitOfWorkFactory
from server.handlers import live_socket
from sessions import signaling as sig
from sessions.client import ParticipantClient
from sessions.loopback import loopback_host_addresses
from tests.integration.test_api_visits import START, enrollment, link_token, scheduled  # noqa: F401
from tests.support.client import Api
from tests.support.world import FakeClock, World

pytestmark = pytest.mark.sessions


@pytest.fixture(autouse=True)
def loopback_ice(monkeypatch: pytest.MonkeyPatch) -> None:
    """Server and participants are in this process: keep ICE on loopback."""
    monkeypatch.setattr(aioice.ice, "get_host_addresses", loopback_host_addresses)


class SocketTransport:
    """The protocol over the test client's WebSocket, with the page's Origin and the client's cookies."""

    def __init__(self, ws: aiohttp.ClientWebSocketResponse) -> None:
        self.ws = ws

    @classmethod
    async def open(cls, client: TestClient[Any, Any], visit_id: int) -> SocketTransport:
        origin = str(client.make_url("/")).rstrip("/")
        return cls(await client.ws_connect(f"/ws/sessions/{visit_id}", origin=origin))

    async def send(self, text: str) -> None:
        if self.ws.closed:
            raise ConnectionError("socket closed")
        await self.ws.send_str(text)

    async def receive(self) -> str | None:
        message = await self.ws.receive()
        return str(message.data) if message.type is aiohttp.WSMsgType.TEXT else None

    async def close(self) -> None:
        await self.ws.close()


@pytest.fixture
async def participants() -> AsyncIterator[list[ParticipantClient]]:
    made: list[ParticipantClient] = []
    yield made
    for client in made:
        await client.close()


def participant(api: Api, visit_id: int, made: list[ParticipantClient], **options: Any) -> ParticipantClient:
    async def connect() -> SocketTransport:
        return await SocketTransport.open(api.client, visit_id)

    client = ParticipantClient(connect, **options)
    made.append(client)
    return client


async def intervals(uows: UnitOfWorkFactory, visit_id: int) -> list[tuple[str, str | None, bool]]:
    async with uows() as uow:
        rows = await uow.db.execute(
            select(models.AttendanceIntervalRow)
            .where(models.AttendanceIntervalRow.visit_id == visit_id)
            .order_by(models.AttendanceIntervalRow.id)
        )
        return [(r.participant_key, r.end_reason, r.disconnected_at is not None) for r in rows.scalars()]


async def visit_status(uows: UnitOfWorkFactory, visit_id: int) -> str:
    async with uows() as uow:
        visit = await uow.visits.get(visit_id)
        assert visit is not None
        return visit.status


async def test_host_admits_a_visitor_media_flows_and_the_visit_leaves_its_record(
    world: World,
    make_api: Any,
    uows: UnitOfWorkFactory,
    clock: FakeClock,
    enrollment: int,  # noqa: F811
    participants: list[ParticipantClient],
) -> None:
    visit = await scheduled(make_api, world, [world.student.user_id], kind="huddle")
    clock.advance(seconds=(START - clock()).total_seconds() - 600)  # ten minutes before the start
    host_api, visitor_api = await make_api(world.preceptor.email), await make_api(world.student.email)
    host = participant(host_api, visit["id"], participants)
    visitor = participant(visitor_api, visit["id"], participants)
    welcome = await host.join()
    assert (welcome.role, welcome.presence, welcome.room_kind) == ("host", "admitted", "huddle")
    assert welcome.participant_id == f"user-{world.preceptor.user_id}"
    assert await visit_status(uows, visit["id"]) == "live"
    welcome = await visitor.join()
    assert (welcome.role, welcome.presence) == ("visitor", "waiting")

    visitor_id = welcome.participant_id
    await host.wait_until(
        lambda: host.state is not None and any(p.presence == "waiting" for p in host.state.participants)
    )
    await host.send(sig.Admit(type="admit", participant_id=visitor_id))
    await visitor.wait_until(lambda: visitor.frames_from(host.participant_id or "", "video") > 3)
    host_name = next(p.name for p in visitor.state.participants if p.role == "host")  # type: ignore[union-attr]
    assert host_name == world.preceptor.full_name

    await visitor.leave()
    assert visitor.bye is not None and visitor.bye.reason == "left"
    await host.send(sig.End(type="end"))
    await host.wait_until(lambda: host.bye is not None)
    assert host.bye is not None and host.bye.reason == "ended"

    async def recorded() -> bool:
        return await visit_status(uows, visit["id"]) == "ended"

    async with asyncio.timeout(10):
        while not await recorded():  # noqa: ASYNC110 - the record is written off the socket's path
            await asyncio.sleep(0.05)
    rows = await intervals(uows, visit["id"])
    assert (visitor_id, "left", True) in rows
    assert (host.participant_id, "ended", True) in rows
    async with uows() as uow:
        found = await uow.db.execute(
            select(models.EncounterRow.enrollment_id, models.EncounterRow.kind).where(
                models.EncounterRow.session_id == visit["id"]
            )
        )
        encounters = [tuple(row) for row in found]
    assert encounters == [(enrollment, "huddle")]


async def test_patient_joins_by_link_and_consent_gates_media_between_patient_and_visitor(
    world: World,
    make_api: Any,
    uows: UnitOfWorkFactory,
    clock: FakeClock,
    enrollment: int,  # noqa: F811
    participants: list[ParticipantClient],
) -> None:
    visit = await scheduled(make_api, world, [world.student.user_id])
    clock.advance(seconds=(START - clock()).total_seconds() - 600)
    token = await link_token(uows, world, visit["id"])
    patient_api: Api = await make_api()
    assert (await patient_api.client.get(f"/join/{token}", allow_redirects=False)).status == 303
    host = participant(await make_api(world.preceptor.email), visit["id"], participants)
    visitor = participant(await make_api(world.student.email), visit["id"], participants)
    patient = participant(patient_api, visit["id"], participants)
    await host.join()
    for guest in (patient, visitor):
        welcome = await guest.join()
        await host.send(sig.Admit(type="admit", participant_id=welcome.participant_id))
    assert patient.welcome is not None and patient.welcome.role == "patient"
    patient_id = patient.welcome.participant_id
    await host.wait_until(lambda: host.frames_from(patient_id, "video") > 3)
    assert visitor.frames_from(patient_id, "video") == 0

    await host.send(sig.RecordConsent(type="consent", scope="observe", method="verbal"))
    await visitor.wait_until(lambda: visitor.frames_from(patient_id, "video") > 3)
    async with uows() as uow:
        found = await uow.db.execute(
            select(
                models.VisitConsentRow.scope,
                models.VisitConsentRow.method,
                models.VisitConsentRow.obtained_by,
                models.VisitConsentRow.withdrawn_at,
            ).where(models.VisitConsentRow.visit_id == visit["id"])
        )
        consents = [tuple(row) for row in found]
    assert consents == [("observe", "verbal", world.preceptor.user_id, None)]
    await patient.send(sig.WithdrawConsent(type="withdraw_consent"))
    await visitor.wait_until(
        lambda: (
            visitor.state is not None
            and visitor.state.consent is not None
            and not visitor.state.consent.active
        )
    )


@pytest.mark.parametrize(
    ("who", "origin", "status", "words"),
    [
        ("preceptor", None, 403, "Origin"),
        ("preceptor", "http://evil.example", 403, "Origin"),
        (None, "self", 401, "Log in"),
        ("other_student", "self", 403, ""),
    ],
)
async def test_refusals_come_before_the_upgrade_with_a_clear_message(
    world: World,
    make_api: Any,
    clock: FakeClock,
    enrollment: int,  # noqa: F811
    who: str | None,
    origin: str | None,
    status: int,
    words: str,
) -> None:
    visit = await scheduled(make_api, world, [world.student.user_id])
    clock.advance(seconds=(START - clock()).total_seconds())
    api: Api = await make_api(getattr(world, who).email if who else None)
    headers = (
        {}
        if origin is None
        else {"Origin": str(api.client.make_url("/")).rstrip("/") if origin == "self" else origin}
    )
    with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
        await api.client.ws_connect(f"/ws/sessions/{visit['id']}", headers=headers)
    assert refused.value.status == status


async def test_refusals_explain_themselves_in_json(world: World, make_api: Any, enrollment: int) -> None:  # noqa: F811
    visit = await scheduled(make_api, world, [world.student.user_id])
    api: Api = await make_api(world.student.email)
    origin = str(api.client.make_url("/")).rstrip("/")
    too_early = await api.client.get(
        f"/ws/sessions/{visit['id']}",
        headers={
            "Origin": origin,
            "Connection": "Upgrade",
            "Upgrade": "websocket",
            "Sec-WebSocket-Version": "13",
            "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==",
        },
    )
    assert too_early.status == 409, await too_early.text()
    body = await too_early.json()
    assert body["error"]["message"]
    foreign = await api.client.get(f"/ws/sessions/{visit['id']}", headers={"Origin": "http://evil.example"})
    assert foreign.status == 403 and "Origin" in (await foreign.json())["error"]["message"]
    missing = await api.client.get("/ws/sessions/999999", headers={"Origin": origin})
    assert missing.status == 404
    assert (await api.client.get("/ws/sessions/abc", headers={"Origin": origin})).status == 404


async def test_connection_check_answers_pings_and_refuses_other_messages(make_api: Any) -> None:
    api: Api = await make_api()
    origin = str(api.client.make_url("/")).rstrip("/")
    ws = await api.client.ws_connect("/ws/check", origin=origin)
    await ws.send_str('{"type": "ping", "id": 7}')
    assert sig.parse_server_message(await ws.receive_str()) == sig.Pong(id=7)
    await ws.send_str('{"type": "join"}')
    reply = sig.parse_server_message(await ws.receive_str())
    assert isinstance(reply, sig.ErrorOut) and reply.code == "bad_message"
    await ws.close()


async def test_deeply_nested_json_is_refused_and_the_check_socket_stays_open(
    make_api: Any, caplog: pytest.LogCaptureFixture
) -> None:
    """Regression (issue 18, item 9): 20,000 `[` in one frame raised RecursionError out of the parser,
    closing the anonymous check socket with a traceback in the log."""
    api: Api = await make_api()
    origin = str(api.client.make_url("/")).rstrip("/")
    ws = await api.client.ws_connect("/ws/check", origin=origin)
    with caplog.at_level("INFO"):
        for frame in ("[" * 20_000, '{"type": "ping", "id": ' + "[" * 20_000):
            await ws.send_str(frame)
            reply = sig.parse_server_message(await ws.receive_str(timeout=10))
            assert isinstance(reply, sig.ErrorOut) and reply.code == "bad_message", reply
        await ws.send_str('{"type": "ping", "id": 8}')
        assert sig.parse_server_message(await ws.receive_str(timeout=10)) == sig.Pong(id=8)
    await ws.close()
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING or r.exc_info], caplog.text
    assert len([r for r in caplog.records if "nested too deeply" in r.getMessage()]) == 2


async def test_the_shipped_websocket_transport_joins_and_shutdown_says_goodbye(
    world: World,
    settings: Any,
    clock: FakeClock,
    uows: UnitOfWorkFactory,
    enrollment: int,  # noqa: F811
) -> None:
    """The Python client's own transport against a server that then shuts down: the participant is told
    ``bye: shutdown``, and the server leaves no socket or room open."""
    from aiohttp.test_utils import TestServer

    from server.app import create_app
    from server.web.keys import LIVE_ROOMS, SOCKETS
    from sessions.client import WebSocketTransport

    visit_id = 0
    app = create_app(settings, clock=clock, maintenance=False)
    server = TestServer(app)
    await server.start_server()
    try:
        login = TestClient(server)
        await login.start_server()
        api = Api(login)
        await api.login(world.preceptor.email)
        visit = await api.post(
            "/visits",
            {
                "block_id": world.block_ids[0],
                "kind": "huddle",
                "title": "Morning huddle",
                "starts_at": START.isoformat(),
                "duration_minutes": 30,
                "visitor_ids": [world.student.user_id],
            },
            expect=201,
        )
        visit_id = visit["id"]
        clock.advance(seconds=(START - clock()).total_seconds())
        cookies = {c.key: c.value for c in login.session.cookie_jar}
        base = str(server.make_url("/")).rstrip("/")
        host = ParticipantClient(
            lambda: WebSocketTransport.connect(
                f"{base.replace('http', 'ws', 1)}/ws/sessions/{visit_id}", cookies=cookies, origin=base
            )
        )
        welcome = await host.join()
        assert welcome.role == "host"
        await host.wait_until(lambda: (me := host.me()) is not None and me.connected)
        assert len(app[SOCKETS]) == 1 and len(app[LIVE_ROOMS]) == 1
        await login.close()
    finally:
        await server.close()  # runs the app's cleanup: rooms end, sockets close
    await host.wait_until(lambda: host.bye is not None)
    assert host.bye is not None and host.bye.reason == "shutdown"
    assert len(app[SOCKETS]) == 0 and len(app[LIVE_ROOMS]) == 0
    await host.close()
    # A shutdown is not the end of the visit: it can be joined again after a restart.
    assert await visit_status(uows, visit_id) == "live"


async def test_a_caller_gone_before_the_upgrade_is_not_an_error(
    world: World,
    make_api: Any,
    clock: FakeClock,
    enrollment: int,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Regression: a browser that went away while the server checked its join (a reconnecting client
    giving up, a closed tab) made the upgrade raise ConnectionResetError, logged as an unhandled 500."""
    visit = await scheduled(make_api, world, [world.student.user_id])
    clock.advance(seconds=(START - clock()).total_seconds())
    real_home_of = live_socket._home_of
    handling: list[asyncio.Task[None]] = []

    async def home_of_after_the_caller_left(request: Any, room_id: str) -> str | None:
        handling.append(request.task)  # the server's task for this connection: it logs any 500
        request.transport.close()  # the caller's connection drops before the upgrade
        return await real_home_of(request, room_id)

    monkeypatch.setattr(live_socket, "_home_of", home_of_after_the_caller_left)
    api: Api = await make_api(world.preceptor.email)
    origin = str(api.client.make_url("/")).rstrip("/")
    with caplog.at_level("ERROR"), pytest.raises((aiohttp.ClientError, ConnectionError)):
        await api.client.ws_connect(f"/ws/sessions/{visit['id']}", headers={"Origin": origin})
    assert handling, "the join was not checked"
    async with asyncio.timeout(10):  # the server is done with the request: whatever it logs is logged
        await asyncio.wait(handling)
    assert not [r for r in caplog.records if r.levelname == "ERROR"], [r.getMessage() for r in caplog.records]


async def test_a_hostile_participant_over_the_websocket_breaks_nothing(
    world: World,
    make_api: Any,
    clock: FakeClock,
    enrollment: int,  # noqa: F811
    participants: list[ParticipantClient],
) -> None:
    """Every refused frame of the signaling document, over the real socket (including one over the
    size limit, which aiohttp used to close with 1009): an ``error`` with the request id each time, no
    socket closed, media still flowing both ways."""
    from tests.sessions.hostile import media_flows_both_ways, send_every_refusal, send_ignored_candidates

    visit = await scheduled(make_api, world, [world.student.user_id], kind="huddle")
    clock.advance(seconds=(START - clock()).total_seconds())
    host = participant(await make_api(world.preceptor.email), visit["id"], participants)
    visitor = participant(await make_api(world.student.email), visit["id"], participants)
    await host.join()
    welcome = await visitor.join()
    await host.send(sig.Admit(type="admit", participant_id=welcome.participant_id))

    def both_open() -> bool:
        return all(
            isinstance(client.transport, SocketTransport) and not client.transport.ws.closed
            for client in (host, visitor)
        )

    await send_every_refusal(host, visitor, both_open)
    await send_ignored_candidates(visitor)
    await media_flows_both_ways(host, visitor)


async def test_the_verdict_tells_a_page_why_its_join_is_refused_and_changes_nothing(
    world: World,
    make_api: Any,
    uows: UnitOfWorkFactory,
    clock: FakeClock,
    enrollment: int,  # noqa: F811
) -> None:
    """Issue 18, item 18: a browser cannot read a refused handshake's status, so the live page asks
    ``/verdict`` when its socket fails before ``welcome``: a refusal is shown, never retried."""
    visit = await scheduled(make_api, world, [world.student.user_id], kind="huddle")
    url = f"/ws/sessions/{visit['id']}/verdict"
    host, visitor, nobody = (
        await make_api(world.preceptor.email),
        await make_api(world.student.email),
        await make_api(),
    )
    early = await visitor.client.get(url)
    assert early.status == 409 and "opens at" in (await early.json())["error"]["message"]
    clock.advance(seconds=(START - clock()).total_seconds())
    allowed = await host.client.get(url)
    assert allowed.status == 200 and await allowed.json() == {"may_join": True, "role": "host"}
    assert await visit_status(uows, visit["id"]) == "scheduled"  # asking is not joining
    assert (await nobody.client.get(url)).status == 401
    assert (await visitor.client.get("/ws/sessions/999999/verdict")).status == 404
    async with uows() as uow:
        await uow.visits.compare_and_set_status(visit["id"], ["scheduled"], {"status": "ended"})
        await uow.commit()
    ended = await visitor.client.get(url)
    assert ended.status == 409 and "has ended" in (await ended.json())["error"]["message"]
