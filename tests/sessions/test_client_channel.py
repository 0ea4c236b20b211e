"""The Python participant when its channel closes under it while it answers the server."""

from __future__ import annotations

import asyncio
import logging

import pytest
from aiortc import AudioStreamTrack

from sessions import signaling as sig
from sessions.client import ParticipantClient
from sessions.loopback import close_peer_connection, new_peer_connection, use_loopback_only


class ClosingTransport:
    """Delivers one server offer, then fails every send as a socket closing under the writer does."""

    def __init__(self, offer_sdp: str) -> None:
        self._frames: list[str | None] = [sig.encode(sig.ServerOffer(type="offer", sdp=offer_sdp)), None]

    async def send(self, text: str) -> None:
        raise ConnectionResetError("Cannot write to closing transport")

    async def receive(self) -> str | None:
        return self._frames.pop(0)

    async def close(self) -> None:
        return None


async def test_a_reply_cut_off_by_the_closing_channel_is_not_logged_as_an_error(
    caplog: pytest.LogCaptureFixture,
) -> None:
    use_loopback_only()
    server = new_peer_connection()
    server.addTransceiver(AudioStreamTrack(), direction="sendonly")
    await server.setLocalDescription(await server.createOffer())
    client = ParticipantClient(lambda: None, video=None, audio=None)  # type: ignore[arg-type,return-value]
    client.pc = new_peer_connection()
    transport = ClosingTransport(server.localDescription.sdp)
    client.transport = transport
    try:
        with caplog.at_level(logging.INFO, logger="sessions.client"):
            await client._read(transport)
        # The offer was acted on: the answer was made, and sending it failed with the channel...
        assert client.pc.localDescription is not None and client.pc.localDescription.type == "answer"
    finally:
        await close_peer_connection(client.pc)
        await close_peer_connection(server)
    assert any("channel closed while acting on the server's offer" in r.message for r in caplog.records)
    # ...which is no error for a person to act on.
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]


async def test_a_connection_closed_while_it_settles_is_closed_even_when_cancelled(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Regression: cancelling ``close_peer_connection`` while it waited for ICE to settle (a room
    finishing its tasks) left the connection open, with its UDP sockets."""
    import sessions.loopback as loopback

    pc = new_peer_connection()
    monkeypatch.setattr(loopback, "_setting_up", lambda _pc: True)
    closing = asyncio.ensure_future(close_peer_connection(pc))
    async with asyncio.timeout(10):  # until it waits for the connection to settle
        while not pc.listeners("connectionstatechange"):  # noqa: ASYNC110
            await asyncio.sleep(0.005)
    closing.cancel()
    await asyncio.gather(closing, return_exceptions=True)
    assert pc.connectionState == "closed"
