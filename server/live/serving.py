"""Serving one participant in a live room hosted by this process: the same for a WebSocket that
arrived here and for one relayed from another node (:mod:`server.cluster.node`)."""

from __future__ import annotations

from collections.abc import AsyncIterator

from aiohttp import web

from server.domain.visits import JoinGrant
from server.live.record import VisitRecorder
from server.web.keys import LIVE_ROOMS, NODE, UOW
from sessions.live import Channel, Identity
from sessions.room import Role, RoomKind


def identity_of(grant: JoinGrant) -> Identity:
    """Who the room sees, from what the visits service granted."""
    return Identity(
        participant_id=grant.participant_id,
        role=Role(grant.role),
        name=grant.display_name,
        observer=grant.observer,
        user_id=grant.user_id,
    )


async def serve_participant(
    app: web.Application, grant: JoinGrant, channel: Channel, frames: AsyncIterator[str | bytes]
) -> None:
    """Open the visit's room here if needed (with its recorder) and serve the participant in it until
    their channel ends."""
    rooms = app[LIVE_ROOMS]
    room_id = str(grant.visit_id)
    live = rooms.get(room_id)
    if live is None:
        # Another node may have hosted it until it went away: carry its room on from its snapshot.
        saved = await app[NODE].saved_room(room_id)
        recorder = VisitRecorder(app[UOW], grant.visit_id)
        live = rooms.get(room_id) or rooms.open(
            room_id,
            RoomKind(grant.room_kind),
            observer=recorder,
            snapshot=None if saved is None else saved.snapshot,
        )
        if saved is not None and live.observer is recorder:
            await recorder.taken_over(saved.last_seen, rooms.clock())
    if isinstance(live.observer, VisitRecorder):
        live.observer.remember(grant)
    await live.serve(identity_of(grant), channel, frames)
