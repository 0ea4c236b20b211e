"""A participant's own ICE servers (its TURN credentials) reach its ``welcome`` and nobody else's, and
the server's peer connections never use them: the server is public and needs no relay."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pytest
from aiortc import RTCPeerConnection

from sessions import signaling as sig
from sessions.live import LiveRooms
from sessions.loopback import new_peer_connection
from sessions.memory import MemoryTransport
from sessions.room import RoomKind
from tests.sessions.live_support import IDENTITIES

pytestmark = pytest.mark.sessions

SHARED = {"urls": "stun:198.18.0.2:3478"}


def turn_for(participant_id: str) -> list[dict[str, Any]]:
    return [{"urls": "turn:198.18.0.2:3478", "username": f"99:{participant_id}", "credential": "c"}]


async def welcome_of(transport: MemoryTransport) -> sig.Welcome:
    while True:
        text = await transport.receive()
        assert text is not None, "the channel closed before the welcome"
        message = sig.parse_server_message(text)
        if isinstance(message, sig.Welcome):
            return message


async def test_welcome_carries_the_participants_own_entry_and_the_server_peer_does_not(
    no_leaks: None,
) -> None:
    server_configs: list[list[dict[str, Any]]] = []

    def server_peer(ice_servers: Sequence[dict[str, Any]]) -> RTCPeerConnection:
        server_configs.append([dict(s) for s in ice_servers])
        return new_peer_connection([])  # SHARED names a host that does not exist: never gather from it

    rooms = LiveRooms(ice_servers=[SHARED], participant_ice_servers=turn_for, peer_factory=server_peer)
    live = rooms.open("42", RoomKind.HUDDLE)
    transports = [MemoryTransport(live, IDENTITIES[who]) for who in ("host", "visitor")]
    try:
        welcomes = []
        for transport in transports:
            await transport.send(sig.encode(sig.Join(type="join")))
            welcomes.append(await welcome_of(transport))
        host_id, visitor_id = (IDENTITIES[who].participant_id for who in ("host", "visitor"))
        assert welcomes[0].ice_servers == [SHARED, *turn_for(host_id)]
        assert welcomes[1].ice_servers == [SHARED, *turn_for(visitor_id)]

        # The server's own peer connection (made when the participant offers) gets the shared list only.
        client = new_peer_connection([])
        client.addTransceiver("audio", direction="sendonly")
        await client.setLocalDescription(await client.createOffer())
        await transports[0].send(sig.encode(sig.Offer(type="offer", sdp=client.localDescription.sdp)))
        while not server_configs:  # the answer is not needed, only the server's call
            text = await transports[0].receive()
            assert text is not None
        assert server_configs == [[SHARED]]
        await client.close()
    finally:
        for transport in transports:
            await transport.close()
        await rooms.close_all()
