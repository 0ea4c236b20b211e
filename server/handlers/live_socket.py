"""The live-session WebSocket: ``/ws/sessions/{session_id}`` (the protocol is ``docs/signaling.md``),
and ``/ws/check``, an echo the pre-call check page uses to measure the round trip to the server.

Before upgrading, the handler checks the Origin (a page of another site must not ride on the
visitor's cookie) and asks the visits' room service (:mod:`server.services.live`) who the caller is
in this visit: a logged-in host or invited visitor, or a patient holding a pass from their link.
Refusals are ordinary HTTP errors with a JSON body; after the upgrade, everything is the engine's
(:meth:`sessions.live.LiveRoom.serve`).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Iterator

from aiohttp import WSCloseCode, WSMsgType, web
from redis.exceptions import RedisError

from server.cluster.node import ClusterNode, Node, SoloNode, default_node_id
from server.cluster.placement import NoLiveNode
from server.domain.errors import Forbidden, Invalid, NotFound, ServiceUnavailable
from server.domain.visits import JoinGrant
from server.live.serving import serve_participant
from server.live.turn import participant_ice_servers
from server.services import live
from server.web import csrf
from server.web.ids import record_id
from server.web.keys import ACTOR, LIVE_ROOMS, NODE, SETTINGS, SOCKETS, UOW
from server.web.patient_pass import patient_pass_from_request
from server.web.websocket import OpenSockets, WebSocketChannel, text_frames
from sessions import signaling as sig
from sessions.live import Channel, LiveRooms

log = logging.getLogger("rounds.live")
routes = web.RouteTableDef()

#: Seconds between WebSocket pings; a peer that misses one is treated as gone (a network drop).
HEARTBEAT_SECONDS = 5.0
#: The connection check answers this many pings, then closes.
CHECK_MAX_MESSAGES = 50


def _require_same_origin(request: web.Request) -> None:
    if not csrf.same_origin(request, required=True):
        raise Forbidden(
            "This WebSocket accepts connections from Rounds' own pages only: the Origin header must be "
            f"this server ({request.scheme}://{request.host})."
        )


def _websocket(request: web.Request) -> web.WebSocketResponse:
    # Frames somewhat over the message limit are read and answered with ``too_large`` (the socket
    # stays open, as documented); only frames over the hard cap close it.
    ws = web.WebSocketResponse(heartbeat=HEARTBEAT_SECONDS, max_msg_size=sig.MAX_FRAME_BYTES)
    if not ws.can_prepare(request).ok:
        raise Invalid("This address is a WebSocket: open it with a WebSocket client (see docs/signaling.md).")
    return ws


@contextlib.contextmanager
def _claimed(request: web.Request) -> Iterator[None]:
    """Count the socket against the caps (in all, per client address) from before its handshake is
    checked until its handler ends; over a cap, the handshake is refused (503 or 429)."""
    sockets = request.app[SOCKETS]
    client = csrf.client_ip(request)
    sockets.claim(client)
    try:
        yield
    finally:
        sockets.release(client)


@contextlib.asynccontextmanager
async def _tracked(request: web.Request, ws: web.WebSocketResponse) -> AsyncIterator[None]:
    sockets = request.app[SOCKETS]
    sockets.add(ws)
    try:
        yield
    finally:
        sockets.discard(ws)
        await ws.close()


@routes.get("/ws/sessions/{session_id}")
async def session_socket(request: web.Request) -> web.StreamResponse:
    """Join a visit's live room over the signaling protocol."""
    _require_same_origin(request)
    with _claimed(request):
        return await _session_socket(request)


def _session_id(request: web.Request) -> int:
    raw_id = request.match_info["session_id"]
    visit_id = record_id(raw_id)
    if visit_id is None:
        raise NotFound(f"There is no session {raw_id[:40]!r}.")
    return visit_id


@routes.get("/ws/sessions/{session_id}/verdict")
async def session_verdict(request: web.Request) -> web.StreamResponse:
    """Whether the caller may join the session now: 200 ``{"may_join": true, "role": ...}``, or the
    refusal the WebSocket handshake would get (401, 403, 404, 409, 410) as JSON. Changes nothing. The
    live page asks when its socket fails before ``welcome``: a browser cannot read the status of a
    refused handshake, and must not retry a refusal as if it were a network failure."""
    grant = await live.join_verdict(
        request.app[UOW](), request[ACTOR], _session_id(request), patient_pass_from_request(request)
    )
    return web.json_response(
        {"may_join": True, "role": grant.role}, headers={"Cache-Control": "private, no-store"}
    )


async def _session_socket(request: web.Request) -> web.StreamResponse:
    visit_id = _session_id(request)
    grant = await live.authorize_join(
        request.app[UOW](), request[ACTOR], visit_id, patient_pass_from_request(request)
    )
    ws = _websocket(request)
    home = await _home_of(request, str(visit_id))  # before the upgrade: a refusal is still HTTP
    log_fields = {"room": str(visit_id), "participant": grant.participant_id}
    try:
        await ws.prepare(request)
    except ConnectionResetError:  # the caller left while their join was being checked
        log.info("caller gone before the upgrade", extra=log_fields)
        return web.Response(status=400, text="The connection closed before the upgrade.")
    log.info("socket opened", extra={**log_fields, "relayed_to": home or ""})
    async with _tracked(request, ws):
        if home is None:
            await serve_participant(request.app, grant, WebSocketChannel(ws), text_frames(ws))
        else:
            await request.app[NODE].relay(ws, grant, home)
    log.info("socket closed", extra=log_fields)
    return ws


async def _home_of(request: web.Request, room_id: str) -> str | None:
    """The node hosting the room (None: this one). 503 with a retry hint while Redis is away or no
    node can take the room."""
    try:
        return await request.app[NODE].home_of(room_id)
    except (RedisError, OSError) as exc:
        log.warning("placement unavailable: %s", type(exc).__name__, extra={"room": room_id})
        raise ServiceUnavailable(
            "Live sessions are briefly unavailable. Try again in a few seconds."
        ) from exc
    except NoLiveNode as exc:
        raise ServiceUnavailable(f"{exc} Try again in a few seconds.") from exc


@routes.get("/ws/check")
async def check_socket(request: web.Request) -> web.StreamResponse:
    """Answer ``ping`` with ``pong`` (no login needed): the pre-call check's round-trip test. The
    socket is closed after ``CHECK_MAX_MESSAGES`` pongs or ROUNDS_JOIN_TIMEOUT_SECONDS, whichever
    comes first (the check itself takes a second or two)."""
    _require_same_origin(request)
    with _claimed(request):
        ws = _websocket(request)
        await ws.prepare(request)
        async with _tracked(request, ws):
            try:
                async with asyncio.timeout(request.app[SETTINGS].join_timeout_seconds):
                    await _answer_pings(ws)
            except TimeoutError:
                await ws.close(code=WSCloseCode.POLICY_VIOLATION, message=b"the check's time is over")
        return ws


async def _answer_pings(ws: web.WebSocketResponse) -> None:
    answered = 0
    async for message in ws:
        if message.type is not WSMsgType.TEXT:
            break
        try:
            ping = sig.parse_client_message(message.data)
        except sig.BadMessage as exc:
            await ws.send_str(sig.encode(sig.ErrorOut(code=exc.code, message=str(exc), field=exc.field)))
            continue
        if not isinstance(ping, sig.Ping):
            await ws.send_str(
                sig.encode(sig.ErrorOut(code="bad_message", message="the check answers ping only"))
            )
            continue
        await ws.send_str(sig.encode(sig.Pong(id=ping.id)))
        answered += 1
        if answered >= CHECK_MAX_MESSAGES:
            break


async def live_rooms(app: web.Application) -> AsyncIterator[None]:
    """Cleanup context: the live rooms of this process and its place among Rounds' nodes (alone, or
    one of several sharing ``ROUNDS_REDIS_URL``); closed again at cleanup, in case shutdown did not
    run."""
    settings = app[SETTINGS]
    rooms = LiveRooms(
        ice_servers=settings.ice_servers,
        participant_ice_servers=participant_ice_servers(settings),
        host_grace_seconds=float(settings.host_grace_seconds),
        join_timeout=float(settings.join_timeout_seconds),
    )
    app[LIVE_ROOMS] = rooms
    app[SOCKETS] = OpenSockets(settings.max_sockets, settings.max_sockets_per_client)
    app[NODE] = _make_node(app, rooms)
    await app[NODE].start()
    try:
        yield
    finally:
        await close_live_rooms(app)
        await app[NODE].stop()


def _make_node(app: web.Application, rooms: LiveRooms) -> Node:
    settings = app[SETTINGS]
    if settings.redis_url is None:
        return SoloNode(rooms)
    from redis.asyncio import Redis  # only a cluster node talks to Redis

    async def serve(grant: JoinGrant, channel: Channel, frames: AsyncIterator[str | bytes]) -> None:
        await serve_participant(app, grant, channel, frames)

    redis = Redis.from_url(
        settings.redis_url, decode_responses=True, socket_timeout=5, socket_connect_timeout=3
    )
    return ClusterNode(redis, settings.node_id or default_node_id(), rooms, serve)


async def close_live_rooms(app: web.Application) -> None:
    """On shutdown, while the socket handlers still run: a cluster node drains first (no new rooms;
    live ones finish or move to another node, whose browsers reconnect there); then every room left
    ends for its participants (``bye: shutdown``) and every socket closes with GOING_AWAY."""
    await app[NODE].drain(float(app[SETTINGS].drain_seconds))
    await app[LIVE_ROOMS].close_all()
    await app[SOCKETS].close_all()
