"""The room model on its own (pure: no aiortc)."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from sessions.room import (
    Conflict,
    ConsentMethod,
    ConsentScope,
    Forbidden,
    MediaKind,
    NotFound,
    Presence,
    Role,
    Room,
    RoomEvent,
    RoomKind,
    may_forward,
)

pytestmark = pytest.mark.sessions
A, V = MediaKind.AUDIO, MediaKind.VIDEO
NOW = datetime(2026, 11, 24, 15, 0, tzinfo=UTC)


def visit() -> tuple[Room, list[RoomEvent]]:
    room = Room("r", RoomKind.PATIENT_VISIT)
    events: list[RoomEvent] = []
    room.subscribe(lambda _room, event: events.append(event))
    room.join("host", Role.HOST, observer=False)
    room.join("pt", Role.PATIENT, observer=False)
    room.join("v1", Role.VISITOR, observer=True)
    room.join("v2", Role.VISITOR, observer=False)
    return room, events


def admit_all(room: Room) -> None:
    for p in room.waiting():
        room.admit("host", p.id)


def consent(room: Room) -> None:
    room.record_consent("host", scope=ConsentScope.INTERACT, method=ConsentMethod.VERBAL, at=NOW)


def test_everyone_but_the_host_waits() -> None:
    room, _ = visit()
    assert [p.id for p in room.admitted()] == ["host"]
    assert [p.id for p in room.waiting()] == ["pt", "v1", "v2"]
    assert not may_forward(room, "host", V, "v1")
    room.admit("host", "v1")
    assert may_forward(room, "host", V, "v1")
    assert not may_forward(room, "v1", V, "host")  # an observer publishes nothing


def test_only_the_host_admits_denies_and_removes() -> None:
    room, _ = visit()
    room.admit("host", "v2")
    for action in (room.admit, room.deny, room.remove):
        with pytest.raises(Forbidden):
            action("v2", "v1")
    with pytest.raises(Forbidden):  # a waiting participant is not yet anyone
        room.admit("pt", "v1")
    with pytest.raises(NotFound):
        room.admit("host", "nobody")
    room.deny("host", "v1")
    assert room.participant("v1").presence is Presence.DENIED
    with pytest.raises(Conflict):
        room.admit("host", "v1")
    with pytest.raises(Forbidden):
        room.join("v1", Role.VISITOR, observer=True)  # denied stays out
    room.remove("host", "v2")
    assert not may_forward(room, "host", V, "v2")
    with pytest.raises(Conflict):
        room.remove("host", "host")


def test_one_host_and_patients_only_in_patient_visits() -> None:
    room, _ = visit()
    with pytest.raises(Conflict):
        room.join("host2", Role.HOST, observer=False)
    huddle = Room("h", RoomKind.HUDDLE)
    with pytest.raises(Conflict):
        huddle.join("pt", Role.PATIENT, observer=False)


def test_observers_join_muted_and_cannot_unmute_until_allowed() -> None:
    room, _ = visit()
    admit_all(room)
    v1 = room.participant("v1")
    assert v1.observer and not v1.publishing and not v1.may_publish
    with pytest.raises(Forbidden):
        room.set_publishing("v1", "v1", A, True)
    room.set_publish_permission("host", "v1", A, True)
    assert not may_forward(room, "v1", A, "host")  # allowed, but still muted
    room.set_publishing("v1", "v1", A, True)
    assert may_forward(room, "v1", A, "host") and not may_forward(room, "v1", V, "host")
    # The host can mute, never unmute; revoking the permission also mutes.
    room.set_publishing("host", "v1", A, False)
    with pytest.raises(Forbidden):
        room.set_publishing("host", "v1", A, True)
    room.set_publishing("v1", "v1", A, True)
    room.set_publish_permission("host", "v1", A, False)
    assert A not in v1.publishing and not may_forward(room, "v1", A, "host")
    with pytest.raises(Forbidden):
        room.set_publishing("v2", "v1", A, False)  # only the host mutes others


def test_receive_permission() -> None:
    room, _ = visit()
    admit_all(room)
    room.set_receive_permission("host", "v2", V, False)
    assert not may_forward(room, "host", V, "v2") and may_forward(room, "host", A, "v2")


def test_consent_gate_both_ways_and_withdrawal_at_once() -> None:
    room, events = visit()
    admit_all(room)
    pairs = [("pt", "v1"), ("pt", "v2"), ("v2", "pt")]
    assert not any(may_forward(room, p, k, s) for p, s in pairs for k in MediaKind)
    # The host and the patient see and hear each other; visitors see the host; host sees visitors.
    assert may_forward(room, "pt", V, "host") and may_forward(room, "host", V, "pt")
    assert may_forward(room, "host", A, "v1") and may_forward(room, "v2", V, "host")
    assert may_forward(room, "v2", V, "v1")  # learners among themselves are not gated
    with pytest.raises(Forbidden):
        room.record_consent("v2", scope=ConsentScope.OBSERVE, method=ConsentMethod.VERBAL, at=NOW)
    consent(room)
    assert events[-1] == RoomEvent("consent")
    assert room.consent is not None and room.consent.obtained_by == "host" and room.consent_active
    assert all(may_forward(room, p, k, s) for p, s in pairs for k in MediaKind)
    with pytest.raises(Forbidden):
        room.withdraw_consent("v1", at=NOW)
    room.withdraw_consent("pt", at=NOW)
    assert not room.consent_active and room.consent is not None and room.consent.withdrawn_at == NOW
    assert not any(may_forward(room, p, k, s) for p, s in pairs for k in MediaKind)


def test_consent_only_in_patient_visits_and_no_gate_elsewhere() -> None:
    huddle = Room("h", RoomKind.HUDDLE)
    huddle.join("host", Role.HOST, observer=False)
    huddle.join("v", Role.VISITOR, observer=False)
    huddle.admit("host", "v")
    assert may_forward(huddle, "v", V, "host")
    with pytest.raises(Conflict):
        huddle.record_consent("host", scope=ConsentScope.OBSERVE, method=ConsentMethod.WRITTEN, at=NOW)


def test_every_change_is_an_event() -> None:
    room, events = visit()
    assert [e.type for e in events] == ["joined"] * 4
    room.admit("host", "v1")
    room.set_publish_permission("host", "v1", V, True)
    room.set_publishing("v1", "v1", V, True)
    room.leave("v1")
    room.end()
    assert [(e.type, e.participant_id) for e in events[4:]] == [
        ("admitted", "v1"),
        ("permissions", "v1"),
        ("publishing", "v1"),
        ("left", "v1"),
        ("ended", None),
    ]
    assert not may_forward(room, "host", V, "pt")
    with pytest.raises(Conflict):
        room.admit("host", "pt")


def test_rejoining_keeps_place_and_permissions() -> None:
    room, _ = visit()
    room.admit("host", "v1")
    room.set_publish_permission("host", "v1", A, True)
    room.leave("v1")
    assert not may_forward(room, "host", A, "v1")
    again = room.join("v1", Role.VISITOR, observer=True)
    assert again.presence is Presence.ADMITTED and A in again.may_publish
    assert may_forward(room, "host", A, "v1")
    room.leave("v2")  # never admitted: waits again
    assert room.join("v2", Role.VISITOR, observer=True).presence is Presence.WAITING
    with pytest.raises(Conflict):
        room.join("v1", Role.PATIENT, observer=False)


def test_unknown_kind_or_self_is_never_forwarded() -> None:
    room, _ = visit()
    admit_all(room)
    assert not may_forward(room, "host", "data", "v1")
    assert not may_forward(room, "host", V, "host")
    assert not may_forward(room, "ghost", V, "host")


def test_sessions_never_imports_server_or_room_aiortc() -> None:
    import ast
    from pathlib import Path

    root = Path(__file__).resolve().parents[2] / "sessions"
    for path in root.rglob("*.py"):
        tree = ast.parse(path.read_text())
        names = {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
        names |= {n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
        assert not any(name == "server" or name.startswith("server.") for name in names), path
        if path.name == "room.py":
            assert not any(name.startswith(("aiortc", "av")) for name in names), path


def test_a_snapshot_carries_places_permissions_and_consent_to_another_server() -> None:
    room, _ = visit()
    room.admit("host", "pt")
    room.admit("host", "v1")
    room.deny("host", "v2")
    room.set_publish_permission("host", "v1", A, True)
    room.record_consent("host", scope=ConsentScope.OBSERVE, method=ConsentMethod.VERBAL, at=NOW)
    room.join("late", Role.VISITOR, observer=True)  # still waiting when the server went away

    carried = Room.restored(room.snapshot())
    assert carried.id == "r" and carried.kind is RoomKind.PATIENT_VISIT
    # Everyone's connection was to the other server: all have left, and come back as before.
    assert {p.id: p.presence for p in carried.participants()} == {
        "host": Presence.LEFT,
        "pt": Presence.LEFT,
        "v1": Presence.LEFT,
        "v2": Presence.DENIED,
        "late": Presence.LEFT,
    }
    assert carried.join("v1", Role.VISITOR, observer=True).presence is Presence.ADMITTED
    assert A in carried.participant("v1").may_publish and V not in carried.participant("v1").may_publish
    assert carried.join("late", Role.VISITOR, observer=True).presence is Presence.WAITING
    with pytest.raises(Forbidden):
        carried.join("v2", Role.VISITOR, observer=True)
    assert carried.consent_active and carried.consent == room.consent
    # A snapshot is JSON: what Redis stores is what comes back.
    through_json = Room.restored(json.loads(json.dumps(room.snapshot())))
    assert through_json.snapshot() == Room.restored(room.snapshot()).snapshot()


def test_a_malformed_snapshot_is_refused() -> None:
    room, _ = visit()
    broken = room.snapshot()
    broken["participants"][0]["role"] = "surgeon"
    with pytest.raises(ValueError):
        Room.restored(broken)
    with pytest.raises(KeyError):
        Room.restored({"id": "r"})


def test_observe_scope_lets_learners_see_the_patient_never_the_reverse_and_gives_them_no_floor() -> None:
    """Regression (issue 18, item 2): with "observe" recorded, the patient still got learners' media."""
    room = Room("r", RoomKind.PATIENT_VISIT)
    room.join("host", Role.HOST, observer=False)
    room.join("pt", Role.PATIENT, observer=False)
    room.join("hands-on", Role.VISITOR, observer=False)
    room.join("obs", Role.VISITOR, observer=True)
    for pid in ("pt", "hands-on", "obs"):
        room.admit("host", pid)
    room.record_consent("host", scope=ConsentScope.OBSERVE, method=ConsentMethod.VERBAL, at=NOW)
    for kind in MediaKind:
        assert may_forward(room, "pt", kind, "hands-on") and may_forward(room, "pt", kind, "obs")
        assert not may_forward(room, "hands-on", kind, "pt")
        assert may_forward(room, "hands-on", kind, "host")  # the host still hears the learner
        assert may_forward(room, "host", kind, "pt") and may_forward(room, "pt", kind, "host")
    with pytest.raises(Conflict, match="observing only"):
        room.set_publish_permission("host", "obs", MediaKind.AUDIO, True)
    assert MediaKind.AUDIO not in room.participant("obs").may_publish
    room.set_publish_permission("host", "obs", MediaKind.AUDIO, False)  # taking the floor away is fine
    room.record_consent("host", scope=ConsentScope.INTERACT, method=ConsentMethod.VERBAL, at=NOW)
    assert all(may_forward(room, "hands-on", kind, "pt") for kind in MediaKind)
    room.set_publish_permission("host", "obs", MediaKind.AUDIO, True)
    room.set_publishing("obs", "obs", MediaKind.AUDIO, True)
    assert may_forward(room, "obs", MediaKind.AUDIO, "pt")
