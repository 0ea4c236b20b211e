"""A live room driven only through signaling messages, by Python participants on in-memory channels."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from sessions import signaling as sig
from sessions.live import Identity
from sessions.memory import MemoryTransport
from sessions.room import Role, RoomKind
from tests.sessions.conftest import wait_for
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


async def test_waiting_visitor_receives_nothing_until_admitted_then_sees_the_host(
    harness: LiveHarness,
) -> None:
    host = await harness.joined("host")
    visitor = await harness.joined("visitor")
    assert visitor.welcome is not None and visitor.welcome.presence == "waiting"
    await host.wait_until(lambda: host.state is not None and len(host.state.participants) == 2)
    assert visitor.state is not None
    # A waiting participant sees only themself.
    await visitor.wait_until(lambda: visitor.state is not None and visitor.state.host_present)
    assert [p.id for p in visitor.state.participants] == ["user-2"]
    await host.wait_until(lambda: harness.live.peer("user-2") is not None)
    assert visitor.frames_from("user-1", "video") == 0

    await host.send(sig.Admit(type="admit", participant_id="user-2"))
    await visitor.wait_until(
        lambda: visitor.frames_from("user-1", "video") > 3 and visitor.frames_from("user-1", "audio") > 3
    )
    # The visitor is an observer: their synthetic media reaches the server but nobody else.
    assert host.frames_from("user-2", "video") == 0
    me = visitor.me()
    assert me is not None and me.presence == "admitted" and me.observer and me.publishing == []


async def test_host_controls_are_refused_to_a_visitor_who_sends_them_anyway(harness: LiveHarness) -> None:
    host = await harness.joined("host")
    visitor = await harness.joined("visitor")
    await host.send(sig.Admit(type="admit", participant_id="user-2"))
    await visitor.wait_until(lambda: (me := visitor.me()) is not None and me.presence == "admitted")
    third = await harness.joined("visitor3")
    for message in (
        sig.Admit(type="admit", participant_id="user-3"),
        sig.Media(type="media", kind="audio", on=True),
        sig.Permit(type="permit", participant_id="user-2", kind="audio", action="publish", allowed=True),
        sig.End(type="end"),
    ):
        await visitor.send(message)
    await visitor.wait_until(lambda: len(visitor.errors) == 4)
    assert [e.code for e in visitor.errors] == ["forbidden"] * 4
    assert [e.refused for e in visitor.errors] == ["admit", "media", "permit", "end"]
    assert third.me() is not None and third.me().presence == "waiting"  # type: ignore[union-attr]
    assert not harness.live.closed


async def test_host_allows_a_visitor_to_speak_and_the_host_hears_them(harness: LiveHarness) -> None:
    host = await harness.joined("host")
    visitor = await harness.joined("visitor")
    await host.send(sig.Admit(type="admit", participant_id="user-2"))
    await visitor.send(sig.Hand(type="hand", raised=True))
    await host.wait_until(
        lambda: host.state is not None and any(p.hand_raised for p in host.state.participants)
    )
    await host.send(
        sig.Permit(type="permit", participant_id="user-2", kind="audio", action="publish", allowed=True)
    )
    await visitor.wait_until(lambda: (me := visitor.me()) is not None and "audio" in me.may_publish)
    await visitor.send(sig.Media(type="media", kind="audio", on=True))
    await host.wait_until(lambda: host.frames_from("user-2", "audio") > 3)
    assert host.frames_from("user-2", "video") == 0  # video was not allowed
    # The host mutes them: their audio stops reaching the host.
    await host.send(sig.Mute(type="mute", participant_id="user-2", kind="audio"))
    await host.wait_until(lambda: ("user-2", "audio", "user-1") not in harness.live.router.forwards())


async def test_bad_frames_get_clear_errors_and_change_nothing(harness: LiveHarness) -> None:
    host = await harness.joined("host")
    await host.send_raw("not json")
    await host.send_raw('{"type": "teleport"}')
    await host.send_raw('{"type": "chat", "text": ""}')
    await host.send_raw('{"type": "admit", "participant_id": "../../etc"}')
    await host.send_raw('{"type": "admit", "participant_id": "user-77"}')
    await host.wait_until(lambda: len(host.errors) == 5)
    codes = [(e.code, e.field) for e in host.errors]
    assert codes[:4] == [
        ("bad_message", None),
        ("bad_message", "type"),
        ("bad_message", "text"),
        ("bad_message", "participant_id"),
    ]
    assert "teleport" in host.errors[1].message and "join" in host.errors[1].message
    assert codes[4][0] == "not_found"
    assert host.me() is not None and host.me().presence == "admitted"  # type: ignore[union-attr]


async def test_chat_reaches_admitted_participants_only(harness: LiveHarness) -> None:
    host = await harness.joined("host")
    visitor = await harness.joined("visitor")
    waiting = await harness.joined("visitor3")
    await host.send(sig.Admit(type="admit", participant_id="user-2"))
    await visitor.wait_until(lambda: (me := visitor.me()) is not None and me.presence == "admitted")
    await visitor.send(sig.Chat(type="chat", text="Is the rash on both arms?"))
    await host.wait_until(lambda: len(host.chat) == 1 and len(visitor.chat) == 1)
    assert host.chat[0].sender_name == "Visitor Two" and host.chat[0].text == "Is the rash on both arms?"
    await waiting.send(sig.Chat(type="chat", text="hello?"))
    await waiting.wait_until(lambda: len(waiting.errors) == 1)
    assert waiting.errors[0].code == "forbidden" and waiting.chat == []
    assert len(host.chat) == 1


async def test_messages_before_join_are_refused(harness: LiveHarness) -> None:
    transport = MemoryTransport(harness.live, IDENTITIES["host"])
    await transport.send('{"type": "admit", "participant_id": "user-2"}')
    reply = sig.parse_server_message((await transport.receive()) or "")
    assert isinstance(reply, sig.ErrorOut) and reply.code == "not_joined"
    await transport.close()


async def test_huddle_has_no_consent_and_no_patients(no_leaks: None) -> None:
    harness = LiveHarness(RoomKind.HUDDLE)
    try:
        host = await harness.joined("host")
        await host.send(sig.RecordConsent(type="consent", scope="observe", method="verbal"))
        await host.wait_until(lambda: len(host.errors) == 1)
        assert host.errors[0].code == "conflict"
        patient = harness.client(IDENTITIES["patient"])
        with pytest.raises(ConnectionRefusedError):
            await patient.join()
    finally:
        await harness.close()
    await wait_for(lambda: len(harness.rooms) == 0)


async def test_observe_consent_holds_against_a_learner_who_ignores_the_page(no_leaks: None) -> None:
    """Regression (issue 18, item 2): with "observe" recorded, the patient still received a learner's
    audio and video. The learner here is a Python participant publishing whatever it likes."""
    harness = LiveHarness()
    try:
        host = await harness.joined("host")
        patient = await harness.joined("patient")
        learner = harness.client(
            Identity("user-4", Role.VISITOR, "Hands-on Learner", observer=False, user_id=4)
        )
        await learner.join()
        observer = await harness.joined("visitor")
        for pid in ("patient-9", "user-4", "user-2"):
            await host.send(sig.Admit(type="admit", participant_id=pid))
        await host.wait_until(lambda: host.frames_from("user-4", "video") > 3)

        await host.send(sig.RecordConsent(type="consent", scope="observe", method="verbal"))
        await learner.wait_until(
            lambda: (
                learner.frames_from("patient-9", "video") > 3
                and learner.frames_from("patient-9", "audio") > 3
            )
        )
        # While the host's stream to the patient advances by 30 frames, nothing of the learner's arrives.
        target = patient.frames_from("user-1", "video") + 30
        await patient.wait_until(lambda: patient.frames_from("user-1", "video") >= target)
        assert patient.frames_from("user-4", "video") == 0 and patient.frames_from("user-4", "audio") == 0
        # Nor can the host give a learner the floor.
        floor = sig.Permit(
            type="permit", participant_id="user-2", kind="audio", action="publish", allowed=True
        )
        await host.send(floor)
        await host.wait_until(lambda: len(host.errors) == 1)
        assert (host.errors[0].code, host.errors[0].refused) == ("conflict", "permit")
        assert "observing only" in host.errors[0].message
        assert (me := observer.me()) is not None and me.may_publish == []

        # Consent to interact: the patient sees and hears the learner, and the floor can be given.
        await host.send(sig.RecordConsent(type="consent", scope="interact", method="verbal"))
        await patient.wait_until(
            lambda: patient.frames_from("user-4", "video") > 3 and patient.frames_from("user-4", "audio") > 3
        )
        await host.send(floor)
        await observer.wait_until(lambda: (me := observer.me()) is not None and "audio" in me.may_publish)
        assert len(host.errors) == 1
    finally:
        await harness.close()
