"""Consent, reconnects, the host's grace time, removal and attendance — through signaling only."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from typing import Any

import pytest

from sessions import signaling as sig
from sessions.client import ParticipantClient
from sessions.memory import MemoryTransport
from sessions.room import RoomKind
from tests.sessions.conftest import wait_for
from tests.sessions.live_support import IDENTITIES, LiveHarness

pytestmark = pytest.mark.sessions


@pytest.fixture
async def harness(no_leaks: None) -> AsyncIterator[LiveHarness]:
    h = LiveHarness()
    yield h
    await h.close()
    assert len(h.rooms) == 0


async def admitted(harness: LiveHarness, who: str, **options: Any) -> ParticipantClient:
    host = harness.clients[0]
    client = await harness.joined(who, **options)
    assert client.participant_id is not None
    await host.send(sig.Admit(type="admit", participant_id=client.participant_id))
    await client.wait_until(lambda: (me := client.me()) is not None and me.presence == "admitted")
    return client


async def test_consent_gate_holds_against_participants_who_publish_anyway(harness: LiveHarness) -> None:
    host = await harness.joined("host")
    patient = await admitted(harness, "patient")
    visitor = await admitted(harness, "visitor")
    # The visitor's client publishes media it was not allowed to; the host lets them speak.
    await host.send(
        sig.Permit(type="permit", participant_id="user-2", kind="audio", action="publish", allowed=True)
    )
    await visitor.wait_until(lambda: (me := visitor.me()) is not None and "audio" in me.may_publish)
    await visitor.send(sig.Media(type="media", kind="audio", on=True))
    # The host sees and hears both; before consent patient and visitor get nothing of each other.
    await host.wait_until(
        lambda: host.frames_from("patient-9", "video") > 5 and host.frames_from("user-2", "audio") > 5
    )
    assert visitor.frames_from("patient-9", "video") == 0
    assert patient.frames_from("user-2", "audio") == 0
    forwards = harness.live.router.forwards()
    assert not {f for f in forwards if {f[0], f[2]} == {"patient-9", "user-2"}}

    # Consent to interact (under "observe" the patient would get nothing of the visitor's at all).
    await host.send(sig.RecordConsent(type="consent", scope="interact", method="verbal"))
    await visitor.wait_until(lambda: visitor.frames_from("patient-9", "video") > 3)
    await patient.wait_until(lambda: patient.frames_from("user-2", "audio") > 3)
    assert harness.observer.of("consent") == [("consent", "user-1", ("interact", "verbal"))]

    # The patient withdraws: the gate is shut by the time the server has handled the message.
    await patient.send(sig.WithdrawConsent(type="withdraw_consent"))
    await wait_for(lambda: not harness.live.room.consent_active)
    forwards = harness.live.router.forwards()
    assert not {f for f in forwards if {f[0], f[2]} == {"patient-9", "user-2"}}
    assert ("patient-9", "video", "user-1") in forwards  # the host still sees the patient
    await wait_for(lambda: len(harness.observer.of("withdrawn")) == 1)


async def test_consent_that_cannot_be_stored_keeps_the_gate_closed(harness: LiveHarness) -> None:
    host = await harness.joined("host")
    await admitted(harness, "patient")
    harness.observer.fail_consent = True
    await host.send(sig.RecordConsent(type="consent", scope="interact", method="written"))
    await host.wait_until(lambda: len(host.errors) == 1)
    assert host.errors[0].code == "unavailable"
    assert not harness.live.room.consent_active


async def test_a_dropped_visitor_comes_back_admitted_with_their_permissions(harness: LiveHarness) -> None:
    host = await harness.joined("host")
    visitor = await admitted(harness, "visitor", auto_reconnect=True)
    await host.send(
        sig.Permit(type="permit", participant_id="user-2", kind="video", action="publish", allowed=True)
    )
    await visitor.wait_until(lambda: (me := visitor.me()) is not None and "video" in me.may_publish)
    await visitor.send(sig.Media(type="media", kind="video", on=True))
    await host.wait_until(lambda: host.frames_from("user-2", "video") > 3)

    # The network goes: socket and peer connection vanish without a leave; then it comes back.
    await visitor.drop()
    await host.wait_until(
        lambda: (
            host.state is not None
            and any(p.id == "user-2" and p.presence == "left" for p in host.state.participants)
        )
    )
    back = time.perf_counter()
    await visitor.reconnect()
    await visitor.wait_until(lambda: visitor.frames_from("user-1", "video") > 0)
    seconds = time.perf_counter() - back
    me = visitor.me()
    assert me is not None
    assert me.presence == "admitted" and "video" in me.may_publish and "video" in me.publishing
    before = host.frames_from("user-2", "video")
    await host.wait_until(lambda: host.frames_from("user-2", "video") > before + 3)
    assert seconds < 5.0, f"back in {seconds:.2f} s"  # the bound, not a speed figure
    # Attendance: one interval ended by the drop, a new one after the return.
    await wait_for(lambda: len(harness.observer.of("started")) >= 3)
    visitor_events = [e[:2] if e[0] == "started" else e for e in harness.observer.events if e[1] == "user-2"]
    assert visitor_events[:3] == [
        ("started", "user-2"),
        ("ended", "user-2", "dropped"),
        ("started", "user-2"),
    ]


async def test_joining_again_from_a_second_channel_replaces_the_first(harness: LiveHarness) -> None:
    await harness.joined("host")
    visitor = await admitted(harness, "visitor")
    second = await harness.joined("visitor")
    await visitor.wait_until(lambda: visitor.bye is not None)
    assert visitor.bye is not None and visitor.bye.reason == "replaced"
    assert second.welcome is not None and second.welcome.presence == "admitted"


async def test_removed_and_denied_participants_are_told_and_cannot_return(harness: LiveHarness) -> None:
    host = await harness.joined("host")
    visitor = await admitted(harness, "visitor")
    waiting = await harness.joined("visitor3")
    await host.send(sig.Remove(type="remove", participant_id="user-2"))
    await host.send(sig.Deny(type="deny", participant_id="user-3"))
    await visitor.wait_until(lambda: visitor.bye is not None and waiting.bye is not None)
    assert visitor.bye and waiting.bye
    assert (visitor.bye.reason, waiting.bye.reason) == ("removed", "denied")
    await wait_for(lambda: harness.live.peer("user-2") is None or harness.live.router.peer("user-2") is None)
    again = harness.client(IDENTITIES["visitor"])
    with pytest.raises(ConnectionRefusedError):
        await again.join()
    assert again.errors[0].code == "forbidden"


async def test_room_ends_when_the_host_does_not_come_back_in_time(no_leaks: None) -> None:
    harness = LiveHarness(RoomKind.HUDDLE, host_grace_seconds=0.3)
    try:
        host = await harness.joined("host")
        visitor = await admitted(harness, "visitor")
        await host.wait_until(lambda: all(p.connected for p in host.state.participants))  # type: ignore[union-attr]
        await host.drop()
        await visitor.wait_until(
            lambda: visitor.state is not None and visitor.state.host_grace_seconds is not None
        )
        await visitor.wait_until(lambda: visitor.bye is not None)
        assert visitor.bye is not None and visitor.bye.reason == "host_gone"
        await harness.live.wait_closed()
        assert harness.observer.of("room_ended") == [("room_ended", None, "host_gone")]
        ended = [e for e in harness.observer.of("ended")]
        assert {e[1] for e in ended} == {"user-1", "user-2"}, harness.observer.events
    finally:
        await harness.close()


async def test_room_survives_the_host_returning_within_the_grace_time(no_leaks: None) -> None:
    harness = LiveHarness(RoomKind.HUDDLE, host_grace_seconds=5.0)
    try:
        host = await harness.joined("host")
        visitor = await admitted(harness, "visitor")
        await host.drop()
        await visitor.wait_until(lambda: visitor.state is not None and not visitor.state.host_present)
        await host.reconnect()
        await visitor.wait_until(lambda: visitor.state is not None and visitor.state.host_present)
        # A probe behind the return: a bye caused by it would reach the visitor before the chat.
        await host.send(sig.Chat(type="chat", text="back"))
        await visitor.wait_until(lambda: [c.text for c in visitor.chat] == ["back"])
        assert not harness.live.closed and visitor.bye is None
        assert visitor.state is not None and visitor.state.host_grace_seconds is None
    finally:
        await harness.close()


async def test_a_room_nobody_joins_closes_after_the_grace_time_without_ending_the_visit(
    no_leaks: None,
) -> None:
    """Regression: a room was opened for every socket, before its ``join``, and closed only by its host
    leaving or ending it; a socket that never joined, or visitors who waited for a host who never
    came, left the room open for the life of the process (and counted in the node's load)."""
    harness = LiveHarness(RoomKind.HUDDLE, host_grace_seconds=0.3)
    try:
        async with asyncio.timeout(10):
            await harness.live.wait_closed()
        assert harness.live.closed_reason == "idle"
        assert len(harness.rooms) == 0
        # Nobody was in it: the visit is not over (the host may still come and open it again).
        assert harness.observer.of("room_ended") == [("room_ended", None, "idle")]
    finally:
        await harness.close()


async def test_a_join_that_arrives_after_the_idle_close_is_told_to_reconnect(no_leaks: None) -> None:
    """A socket that waited longer than the grace time before its ``join`` finds its room closed as
    idle: the session is not over, so the socket is closed without a ``bye`` or an error (a client
    reconnects then, and the next join opens the room again), never refused as ended."""
    harness = LiveHarness(RoomKind.HUDDLE, host_grace_seconds=0.3)
    try:
        transport = MemoryTransport(harness.live, IDENTITIES["visitor"])
        async with asyncio.timeout(10):
            await harness.live.wait_closed()
        await transport.send(sig.encode(sig.Join(type="join")))
        async with asyncio.timeout(10):
            answer = await transport.receive()
        assert answer is None  # closed, with nothing said: not "this session has ended"
        await transport.close()
    finally:
        await harness.close()


async def test_visitors_who_waited_in_vain_and_left_leave_no_room_behind(no_leaks: None) -> None:
    harness = LiveHarness(RoomKind.HUDDLE, host_grace_seconds=0.3)
    try:
        visitor = await harness.joined("visitor")
        other = await harness.joined("visitor3")
        # Waiting people keep the room open: no countdown runs (the host never came, nobody is idle).
        assert harness.live.countdown is None
        await visitor.drop()
        await wait_for(lambda: harness.live.member_count == 1)  # the server has seen the drop
        assert harness.live.countdown is None  # one is still waiting
        assert not harness.live.closed
        await other.leave()  # the last one leaves politely (a bug once left the room open then)
        async with asyncio.timeout(10):
            await harness.live.wait_closed()
        assert harness.live.closed_reason == "idle"
        assert len(harness.rooms) == 0
    finally:
        await harness.close()


async def test_host_ends_the_session_for_everyone(harness: LiveHarness) -> None:
    host = await harness.joined("host")
    visitor = await admitted(harness, "visitor")
    await host.send(sig.End(type="end"))
    await visitor.wait_until(lambda: visitor.bye is not None and host.bye is not None)
    assert visitor.bye is not None and visitor.bye.reason == "ended"
    await harness.live.wait_closed()
    server_pcs_closed = all(
        pc is None or pc.connectionState == "closed"
        for pc in (harness.live.peer("user-1"), harness.live.peer("user-2"))
    )
    assert server_pcs_closed


def reconnect_loops() -> list[asyncio.Task[Any]]:
    """The participant clients' reconnect loops still running."""
    return [
        task
        for task in asyncio.all_tasks()
        if getattr(task.get_coro(), "__qualname__", "") == "ParticipantClient._reconnect_loop"
    ]


async def test_a_reconnection_that_fails_at_once_is_retried_by_one_loop_only(harness: LiveHarness) -> None:
    """Regression: when the first new channel after a drop closed at once (a server that was going
    away), a second reconnect loop started beside the first; both rejoined, and the participant's own
    second socket replaced its first (seen as ``bye: replaced`` after a cluster node died)."""
    host = await harness.joined("host")
    transports: list[MemoryTransport] = []

    async def connect() -> MemoryTransport:
        transport = MemoryTransport(harness.live, IDENTITIES["visitor"])
        transports.append(transport)
        if len(transports) == 2:  # the first attempt after the drop meets a server closing the socket
            await transport.server_end.close()
        return transport

    visitor = ParticipantClient(connect, auto_reconnect=True)
    harness.clients.append(visitor)
    await visitor.join()
    await host.wait_until(
        lambda: host.state is not None and any(p.presence == "waiting" for p in host.state.participants)
    )
    await host.send(sig.Admit(type="admit", participant_id="user-2"))
    await visitor.wait_until(lambda: visitor.frames_from("user-1", "video") > 0)

    await transports[0].server_end.close()  # the server side goes away: the client notices and reconnects
    await visitor.wait_until(lambda: len(transports) >= 3 and visitor.frames_from("user-1", "video") > 10)
    # A second loop, were there one, would still be running or would have rejoined too.
    await visitor.wait_until(lambda: not reconnect_loops())
    assert len(transports) == 3, f"{len(transports)} connections: more than one reconnect loop ran"
    assert visitor.reconnects == 1 and visitor.bye is None


async def test_a_participant_who_leaves_or_drops_leaves_no_peer_connection_behind(
    harness: LiveHarness,
) -> None:
    """Regression: the room kept the peer connection of everyone who had left or dropped until the
    whole room ended (the soak run saw one per departed participant); a returning participant gets a
    new one anyway."""
    host = await harness.joined("host")
    visitor = await admitted(harness, "visitor")
    await visitor.wait_until(lambda: visitor.frames_from("user-1", "video") > 0)
    assert harness.live.peer("user-2") is not None
    await visitor.drop()
    await wait_for(lambda: harness.live.peer("user-2") is None)
    await visitor.reconnect()
    await visitor.wait_until(lambda: visitor.frames_from("user-1", "video") > 0)
    assert harness.live.peer("user-2") is not None and harness.live.peer_count == 2
    await visitor.leave()
    await wait_for(lambda: harness.live.peer("user-2") is None)
    assert harness.live.peer_count == 1 and host.bye is None
