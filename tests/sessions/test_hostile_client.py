"""A participant sending every kind of malformed message cannot break the room: each gets its
``error`` (echoing its request id), no socket closes, and media keeps flowing both ways."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import pytest

from sessions import signaling as sig
from sessions.client import ParticipantClient
from sessions.live import RATE_LIMIT_MESSAGES
from sessions.memory import MemoryTransport
from tests.sessions.hostile import media_flows_both_ways, send_every_refusal, send_ignored_candidates
from tests.sessions.live_support import IDENTITIES, LiveHarness

pytestmark = pytest.mark.sessions


@pytest.fixture
async def harness(no_leaks: None) -> AsyncIterator[LiveHarness]:
    h = LiveHarness()
    yield h
    await h.close()
    for client in h.clients:
        assert client.pc is None or client.pc.connectionState == "closed"
    assert len(h.rooms) == 0


async def host_and_publishing_visitor(harness: LiveHarness) -> tuple[ParticipantClient, ParticipantClient]:
    host = await harness.joined("host")
    visitor = await harness.joined("visitor")
    await host.send(sig.Admit(type="admit", participant_id="user-2"))
    await host.send(
        sig.Permit(type="permit", participant_id="user-2", kind="video", action="publish", allowed=True)
    )
    await visitor.wait_until(lambda: (me := visitor.me()) is not None and "video" in me.may_publish)
    await visitor.send(sig.Media(type="media", kind="video", on=True))
    return host, visitor


def both_open(harness: LiveHarness) -> bool:
    return all(harness.live.member_channel(pid) is not None for pid in ("user-1", "user-2"))


async def test_every_refused_message_gets_its_error_and_breaks_nothing(harness: LiveHarness) -> None:
    host, visitor = await host_and_publishing_visitor(harness)
    await send_every_refusal(host, visitor, lambda: both_open(harness))
    await send_ignored_candidates(visitor)
    await media_flows_both_ways(host, visitor)


async def test_replies_echo_the_request_id(harness: LiveHarness) -> None:
    transport = MemoryTransport(harness.live, IDENTITIES["host"])

    async def next_reply() -> sig.ServerMessage:
        while True:
            text = await transport.receive()
            assert text is not None, "the channel closed"
            message = sig.parse_server_message(text)
            if not isinstance(message, (sig.State, sig.Tracks)):
                return message

    try:
        await transport.send(json.dumps({"type": "join", "id": "j-1"}))
        welcome = await next_reply()
        assert isinstance(welcome, sig.Welcome) and welcome.re == "j-1"
        await transport.send(json.dumps({"type": "ping", "id": 7}))
        assert await next_reply() == sig.Pong(id=7, re=7)
        await transport.send(json.dumps({"type": "join", "id": 12}))
        again = await next_reply()
        assert isinstance(again, sig.ErrorOut) and (again.code, again.re) == ("conflict", 12)
        await transport.send(json.dumps({"type": "chat", "text": "", "id": "c"}))
        empty = await next_reply()
        assert isinstance(empty, sig.ErrorOut) and (empty.field, empty.re, empty.refused) == (
            "text",
            "c",
            "chat",
        )
    finally:
        await transport.close()


async def test_a_flood_is_rate_limited_with_the_request_id_and_the_socket_stays(harness: LiveHarness) -> None:
    host = await harness.joined("host")
    for number in range(RATE_LIMIT_MESSAGES + 5):
        await host.send_raw(json.dumps({"type": "hand", "raised": number % 2 == 0, "id": number}))
    await host.wait_until(lambda: any(e.code == "rate_limited" for e in host.errors))
    limited = [e for e in host.errors if e.code == "rate_limited"]
    assert all(e.re is not None and e.refused == "hand" for e in limited)
    assert host.bye is None and harness.live.member_channel("user-1") is not None


async def test_a_failure_inside_a_room_change_does_not_close_the_hosts_socket(
    harness: LiveHarness, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Regression: aiortc raising (here: refusing a transceiver on the visitor's connection) while the
    room admitted someone escaped ``admit`` and ended the admitting host's socket."""
    host = await harness.joined("host")
    visitor = await harness.joined("visitor")
    await host.wait_until(
        lambda: (pc := harness.live.peer("user-2")) is not None and pc.signalingState == "stable"
    )
    pc = harness.live.peer("user-2")
    assert pc is not None

    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise ValueError("aiortc refuses")

    monkeypatch.setattr(pc, "addTransceiver", refuse)
    await host.send(sig.Admit(type="admit", participant_id="user-2"))
    await visitor.wait_until(lambda: (me := visitor.me()) is not None and me.presence == "admitted")
    await host.send_raw(json.dumps({"type": "teleport", "id": "still-here"}))
    await host.wait_until(lambda: any(e.re == "still-here" for e in host.errors))
    assert host.bye is None and both_open(harness)
