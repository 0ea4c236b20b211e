"""The live-session WebSocket: ``/ws/sessions/{session_id}`` (the protocol is ``docs/signaling.md``),
and ``/ws/check``, an echo the pre-call check page uses to measure the round trip to the server.

Before upgrading, the handler checks the Origin (a page of another site must not ride on the
visitor's cookie) and asks the visits service who the caller is in this visit: a logged-in host or
invited visitor, or a patient holding a pass from their link. Refusals are ordinary HTTP errors with
a JSON body; after the upgrade, everything is the engine's (:meth:`sessions.live.LiveRoom.serve`).
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator

from aiohttp import WSMsgType, web

from server.domain.errors import Forbidden, Invalid, NotFound
from server.live.record import VisitRecorder
from server.live.websocket import OpenSockets, WebSocketChannel, text_frames
from server.services import visits
from server.web import csrf
from server.web.keys import ACTOR, LIVE_ROOMS, SETTINGS, SOCKETS, UOW
from server.web.patient_pass import patient_pass_from_request
from sessions import signaling as sig
from sessions.live import Identity, LiveRooms
from sessions.room import Role, RoomKind

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
    ws = web.WebSocketResponse(heartbeat=HEARTBEAT_SECONDS, max_msg_size=sig.MAX_MESSAGE_BYTES)
    if not ws.can_prepare(request).ok:
        raise Invalid("This address is a WebSocket: open it with a WebSocket client (see docs/signaling.md).")
    return ws


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
    raw_id = request.match_info["session_id"]
    if not raw_id.isdigit() or len(raw_id) > 12:
        raise NotFound(f"There is no session {raw_id[:40]!r}.")
    visit_id = int(raw_id)
    grant = await visits.authorize_join(
        request.app[UOW](), request[ACTOR], visit_id, patient_pass_from_request(request)
    )
    ws = _websocket(request)
    await ws.prepare(request)
    rooms = request.app[LIVE_ROOMS]
    live = rooms.get(str(visit_id)) or rooms.open(
        str(visit_id), RoomKind(grant.room_kind), observer=VisitRecorder(request.app[UOW], visit_id)
    )
    if isinstance(live.observer, VisitRecorder):
        live.observer.remember(grant)
    identity = Identity(
        participant_id=grant.participant_id,
        role=Role(grant.role),
        name=grant.display_name,
        observer=grant.observer,
        user_id=grant.user_id,
    )
    log.info("socket opened", extra={"room": live.id, "participant": identity.participant_id})
    async with _tracked(request, ws):
        await live.serve(identity, WebSocketChannel(ws), text_frames(ws))
    log.info("socket closed", extra={"room": live.id, "participant": identity.participant_id})
    return ws


@routes.get("/ws/check")
async def check_socket(request: web.Request) -> web.StreamResponse:
    """Answer ``ping`` with ``pong`` (no login needed): the pre-call check's round-trip test."""
    _require_same_origin(request)
    ws = _websocket(request)
    await ws.prepare(request)
    async with _tracked(request, ws):
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
    return ws


async def live_rooms(app: web.Application) -> AsyncIterator[None]:
    """Cleanup context: the live rooms of this process (closed again at cleanup, in case shutdown
    did not run)."""
    settings = app[SETTINGS]
    app[LIVE_ROOMS] = LiveRooms(
        ice_servers=settings.ice_servers, host_grace_seconds=float(settings.host_grace_seconds)
    )
    app[SOCKETS] = OpenSockets()
    yield
    await close_live_rooms(app)


async def close_live_rooms(app: web.Application) -> None:
    """On shutdown, while the socket handlers still run: every room ends for its participants
    (``bye: shutdown``) and every socket closes with GOING_AWAY."""
    await app[LIVE_ROOMS].close_all()
    await app[SOCKETS].close_all()
