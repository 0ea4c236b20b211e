"""Rooms, participants, the waiting room, permissions and the consent gate — pure Python, no aiortc.

The one question the media layer asks is :func:`may_forward`: "may publisher P's track of kind K reach
subscriber S now?". Every change to a room emits a :class:`RoomEvent` to its listeners, synchronously,
so that the media layer can start or stop forwards before the mutating call returns (a consent
withdrawal takes effect at once).

Rules:

* The host (the preceptor) is admitted on joining; everyone else waits until the host admits them.
  The host may deny a waiting participant, and remove anyone but themself.
* Each participant has, per kind (audio, video), a *permission* to publish (granted by the host) and a
  *switch* (their own microphone/camera). Media flows only when both are on. Observers join with both
  off and cannot switch on what the host has not allowed. Each participant may also be barred from
  receiving a kind.
* In a patient visit, until consent is recorded (and again after it is withdrawn), no patient media
  reaches visitors and no visitor media reaches the patient. The host's media is never gated.
* The consent's scope says how far learners go once it stands. ``observe``: learners see and hear the
  patient; the patient neither sees nor hears any learner, and the host cannot give a learner the
  floor (allow them to publish). ``interact``: both ways. A learner's media still reaches the host and
  the other learners under either scope.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum
from typing import Any

logger = logging.getLogger(__name__)


class MediaKind(StrEnum):
    """The kinds of media a participant can publish."""

    AUDIO = "audio"
    VIDEO = "video"


class Role(StrEnum):
    """Who a participant is in the room."""

    HOST = "host"  # the preceptor
    VISITOR = "visitor"  # a learner
    PATIENT = "patient"  # a patient guest (no account)


class RoomKind(StrEnum):
    """What the session is; only patient visits have a consent gate."""

    PATIENT_VISIT = "patient_visit"
    HUDDLE = "huddle"
    DIDACTIC = "didactic"


class Presence(StrEnum):
    """Where a participant stands with respect to the room."""

    WAITING = "waiting"
    ADMITTED = "admitted"
    DENIED = "denied"
    REMOVED = "removed"
    LEFT = "left"


class ConsentScope(StrEnum):
    """What the patient agreed to: learners observing, or also interacting."""

    OBSERVE = "observe"
    INTERACT = "interact"


class ConsentMethod(StrEnum):
    """How consent was obtained."""

    VERBAL = "verbal"
    WRITTEN = "written"


class RoomError(Exception):
    """Base of the room's errors; each maps to one HTTP-like meaning for the layers above."""

    code = "room_error"


class NotFound(RoomError):
    """No such participant in this room."""

    code = "not_found"


class Forbidden(RoomError):
    """The actor may not do this."""

    code = "forbidden"


class Conflict(RoomError):
    """Not possible in the current state (e.g. admitting someone who is not waiting)."""

    code = "conflict"


@dataclass(frozen=True, slots=True)
class Consent:
    """The patient's consent to learners in this encounter. Holds no patient identifier."""

    scope: ConsentScope
    method: ConsentMethod
    obtained_by: str  # participant id of the preceptor who obtained it
    recorded_at: datetime
    withdrawn_at: datetime | None = None

    @property
    def active(self) -> bool:
        """True while the consent stands (recorded and not withdrawn)."""
        return self.withdrawn_at is None


@dataclass(slots=True)
class Participant:
    """A participant's place in a room; ``may_publish`` is the host's grant, ``publishing`` their switch."""

    id: str
    role: Role
    presence: Presence
    observer: bool = False
    may_publish: set[MediaKind] = field(default_factory=set)
    publishing: set[MediaKind] = field(default_factory=set)
    may_receive: set[MediaKind] = field(default_factory=lambda: set(MediaKind))
    was_admitted: bool = False  # a participant the host let in gets their place back on reconnecting

    @property
    def admitted(self) -> bool:
        """Whether the participant is in the room proper (not waiting, not gone)."""
        return self.presence is Presence.ADMITTED

    def sends(self, kind: MediaKind) -> bool:
        """Whether this participant's ``kind`` media is on and allowed."""
        return kind in self.may_publish and kind in self.publishing


@dataclass(frozen=True, slots=True)
class RoomEvent:
    """Something changed in a room. ``participant_id`` is who it concerns, if anyone."""

    type: str  # joined, admitted, denied, removed, left, permissions, publishing, consent, ended
    participant_id: str | None = None


Listener = Callable[["Room", RoomEvent], None]


class Room:
    """The state of one live session: participants, permissions and consent.

    Methods taking ``actor`` check that the actor (a participant id) may do the thing, raising
    :class:`Forbidden`, :class:`NotFound` or :class:`Conflict`.
    """

    def __init__(self, room_id: str, kind: RoomKind) -> None:
        self.id = room_id
        self.kind = kind
        self.ended = False
        self._participants: dict[str, Participant] = {}
        self._consent: Consent | None = None
        self._listeners: list[Listener] = []

    # -- observation

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        """Call ``listener(room, event)`` after every change; returns a function that unsubscribes."""
        self._listeners.append(listener)

        def unsubscribe() -> None:
            if listener in self._listeners:
                self._listeners.remove(listener)

        return unsubscribe

    def participant(self, participant_id: str) -> Participant:
        """The participant with this id (raises :class:`NotFound`)."""
        try:
            return self._participants[participant_id]
        except KeyError:
            raise NotFound(f"no participant {participant_id!r} in room {self.id!r}") from None

    def participants(self) -> Iterator[Participant]:
        """Every participant who ever joined, in joining order."""
        return iter(list(self._participants.values()))

    def admitted(self) -> list[Participant]:
        """The participants in the room proper."""
        return [p for p in self._participants.values() if p.admitted]

    def waiting(self) -> list[Participant]:
        """The waiting room, in arrival order."""
        return [p for p in self._participants.values() if p.presence is Presence.WAITING]

    @property
    def consent(self) -> Consent | None:
        """The latest consent record (active or withdrawn), if any."""
        return self._consent

    @property
    def consent_active(self) -> bool:
        """Whether consent currently stands."""
        return self._consent is not None and self._consent.active

    @property
    def consent_scope(self) -> ConsentScope | None:
        """The scope of the consent that stands in a patient visit (None: none stands, or no patient)."""
        if self.kind is not RoomKind.PATIENT_VISIT or self._consent is None or not self._consent.active:
            return None
        return self._consent.scope

    # -- joining and leaving

    def join(self, participant_id: str, role: Role, *, observer: bool) -> Participant:
        """Add a participant: the host is admitted at once, everyone else waits.

        An observer joins muted with the camera off and may not switch either on until the host allows
        it; everyone else may publish both kinds. Who observes is the caller's product rule (the
        server's ``is_observer``), so the engine has no default; a host is never one.
        Rejoining after leaving (a reconnect) keeps permissions and, for someone the host had admitted, their
        place; a removed or denied participant stays out.
        """
        self._assert_open()
        existing = self._participants.get(participant_id)
        if existing is not None:
            if existing.presence in (Presence.REMOVED, Presence.DENIED):
                raise Forbidden("the host has turned this participant away")
            if existing.role is not role:
                raise Conflict("a participant keeps their role")
            if existing.presence is Presence.LEFT:
                back_in = role is Role.HOST or existing.was_admitted
                existing.presence = Presence.ADMITTED if back_in else Presence.WAITING
                self._emit("joined", participant_id)
            return existing
        if role is Role.HOST and any(p.role is Role.HOST for p in self._participants.values()):
            raise Conflict("the room already has a host")
        if role is Role.PATIENT and self.kind is not RoomKind.PATIENT_VISIT:
            raise Conflict(f"a {self.kind.value} has no patient")
        is_observer = observer and role is not Role.HOST
        everything = set(MediaKind)
        participant = Participant(
            id=participant_id,
            role=role,
            presence=Presence.ADMITTED if role is Role.HOST else Presence.WAITING,
            was_admitted=role is Role.HOST,
            observer=is_observer,
            may_publish=set() if is_observer else set(everything),
            publishing=set() if is_observer else set(everything),
        )
        self._participants[participant_id] = participant
        self._emit("joined", participant_id)
        return participant

    def leave(self, participant_id: str) -> None:
        """The participant left (or their connection ended); their place and permissions are kept."""
        participant = self.participant(participant_id)
        if participant.presence in (Presence.ADMITTED, Presence.WAITING):
            participant.presence = Presence.LEFT
            self._emit("left", participant_id)

    def end(self) -> None:
        """End the room for everyone."""
        if not self.ended:
            self.ended = True
            self._emit("ended")

    # -- the host's controls

    def admit(self, actor: str, participant_id: str) -> None:
        """Let a waiting participant in."""
        self._assert_host(actor)
        participant = self.participant(participant_id)
        if participant.presence is not Presence.WAITING:
            raise Conflict(f"{participant_id!r} is not waiting (they are {participant.presence.value})")
        participant.presence = Presence.ADMITTED
        participant.was_admitted = True
        self._emit("admitted", participant_id)

    def deny(self, actor: str, participant_id: str) -> None:
        """Turn a waiting participant away."""
        self._assert_host(actor)
        participant = self.participant(participant_id)
        if participant.presence is not Presence.WAITING:
            raise Conflict(f"{participant_id!r} is not waiting (they are {participant.presence.value})")
        participant.presence = Presence.DENIED
        self._emit("denied", participant_id)

    def remove(self, actor: str, participant_id: str) -> None:
        """Remove a participant from the room (they cannot rejoin)."""
        self._assert_host(actor)
        if actor == participant_id:
            raise Conflict("the host cannot remove themself; end the room instead")
        participant = self.participant(participant_id)
        if participant.presence in (Presence.REMOVED, Presence.DENIED):
            return
        participant.presence = Presence.REMOVED
        self._emit("removed", participant_id)

    def set_publish_permission(self, actor: str, participant_id: str, kind: MediaKind, allowed: bool) -> None:
        """The host allows or forbids a participant to publish ``kind``; forbidding also switches it off."""
        self._assert_host(actor)
        participant = self.participant(participant_id)
        if allowed and participant.role is Role.VISITOR and self.consent_scope is ConsentScope.OBSERVE:
            raise Conflict(
                "the patient consented to learners observing only: a learner cannot be given the floor "
                "(record the patient's consent to interact first)"
            )
        if allowed:
            participant.may_publish.add(kind)
        else:
            participant.may_publish.discard(kind)
            participant.publishing.discard(kind)
        self._emit("permissions", participant_id)

    def set_receive_permission(self, actor: str, participant_id: str, kind: MediaKind, allowed: bool) -> None:
        """The host allows or bars a participant from receiving ``kind``."""
        self._assert_host(actor)
        participant = self.participant(participant_id)
        if allowed:
            participant.may_receive.add(kind)
        else:
            participant.may_receive.discard(kind)
        self._emit("permissions", participant_id)

    def set_publishing(self, actor: str, participant_id: str, kind: MediaKind, on: bool) -> None:
        """Switch a participant's microphone or camera.

        Anyone may switch their own media off, and on only with the host's permission; the host may
        switch anyone's media off (a mute), never on.
        """
        self._assert_open()
        participant = self.participant(participant_id)
        if actor != participant_id:
            self._assert_host(actor)
            if on:
                raise Forbidden("only the participant can switch their own media on")
        if on and kind not in participant.may_publish:
            raise Forbidden(f"{participant_id!r} may not publish {kind.value} until the host allows it")
        if on:
            participant.publishing.add(kind)
        else:
            participant.publishing.discard(kind)
        self._emit("publishing", participant_id)

    # -- consent

    def record_consent(
        self, actor: str, *, scope: ConsentScope, method: ConsentMethod, at: datetime
    ) -> Consent:
        """The host records the patient's consent to learners; the consent gate opens at once."""
        self.check_may_record_consent(actor)
        self._consent = Consent(scope=scope, method=method, obtained_by=actor, recorded_at=at)
        self._emit("consent")
        return self._consent

    def check_may_record_consent(self, actor: str) -> None:
        """Raise unless ``actor`` may record consent now (the admitted host, in a patient visit): for
        callers that must store the consent elsewhere before :meth:`record_consent` opens the gate."""
        self._assert_host(actor)
        if self.kind is not RoomKind.PATIENT_VISIT:
            raise Conflict("consent is recorded for patient visits only")

    def withdraw_consent(self, actor: str, *, at: datetime) -> None:
        """Consent is withdrawn (by the patient, or recorded so by the host): the gate closes at once."""
        self._assert_open()
        participant = self.participant(actor)
        if participant.role not in (Role.HOST, Role.PATIENT):
            raise Forbidden("only the host or the patient can withdraw consent")
        if self._consent is None or not self._consent.active:
            return
        self._consent = replace(self._consent, withdrawn_at=at)
        self._emit("consent")

    # -- internals

    # -- carrying the room to another server

    def snapshot(self) -> dict[str, Any]:
        """What another server needs to carry this room on once this one is gone (JSON-ready): each
        participant's place and permissions, and the consent. Nothing about patients but their
        participant id."""
        consent = self._consent
        return {
            "id": self.id,
            "kind": self.kind.value,
            "participants": [
                {
                    "id": p.id,
                    "role": p.role.value,
                    "presence": p.presence.value,
                    "observer": p.observer,
                    "may_publish": sorted(k.value for k in p.may_publish),
                    "publishing": sorted(k.value for k in p.publishing),
                    "may_receive": sorted(k.value for k in p.may_receive),
                    "was_admitted": p.was_admitted,
                }
                for p in self._participants.values()
            ],
            "consent": None
            if consent is None
            else {
                "scope": consent.scope.value,
                "method": consent.method.value,
                "obtained_by": consent.obtained_by,
                "recorded_at": consent.recorded_at.isoformat(),
                "withdrawn_at": None if consent.withdrawn_at is None else consent.withdrawn_at.isoformat(),
            },
        }

    @classmethod
    def restored(cls, snapshot: Mapping[str, Any]) -> Room:
        """The room a :meth:`snapshot` describes, everyone in it as having left (their connections were
        to the other server): the host and those the host had admitted go straight back in when they
        reconnect; the waiting wait again; the denied and removed stay out; the consent stands as it
        stood. Raises ValueError (KeyError, TypeError) for a malformed snapshot."""
        room = cls(str(snapshot["id"]), RoomKind(snapshot["kind"]))
        for data in snapshot["participants"]:
            presence = Presence(data["presence"])
            if presence in (Presence.ADMITTED, Presence.WAITING):
                presence = Presence.LEFT
            room._participants[str(data["id"])] = Participant(
                id=str(data["id"]),
                role=Role(data["role"]),
                presence=presence,
                observer=bool(data["observer"]),
                may_publish={MediaKind(k) for k in data["may_publish"]},
                publishing={MediaKind(k) for k in data["publishing"]},
                may_receive={MediaKind(k) for k in data["may_receive"]},
                was_admitted=bool(data["was_admitted"]),
            )
        if (consent := snapshot.get("consent")) is not None:
            withdrawn = consent.get("withdrawn_at")
            room._consent = Consent(
                scope=ConsentScope(consent["scope"]),
                method=ConsentMethod(consent["method"]),
                obtained_by=str(consent["obtained_by"]),
                recorded_at=datetime.fromisoformat(consent["recorded_at"]),
                withdrawn_at=None if withdrawn is None else datetime.fromisoformat(withdrawn),
            )
        return room

    def _assert_open(self) -> None:
        if self.ended:
            raise Conflict("the room has ended")

    def _assert_host(self, actor: str) -> None:
        self._assert_open()
        participant = self.participant(actor)
        if participant.role is not Role.HOST or not participant.admitted:
            raise Forbidden("only the host can do this")

    def _emit(self, type_: str, participant_id: str | None = None) -> None:
        event = RoomEvent(type=type_, participant_id=participant_id)
        for listener in list(self._listeners):
            # The change is made: a listener that fails (the media plane refusing something a peer
            # sent) must neither undo it for the others nor reach whoever asked for the change.
            try:
                listener(self, event)
            except Exception:
                logger.exception("a room listener failed on %s", type_, extra={"room": self.id})


def may_forward(room: Room, publisher_id: str, kind: MediaKind | str, subscriber_id: str) -> bool:
    """May ``publisher_id``'s ``kind`` track reach ``subscriber_id`` now? The media layer asks only this."""
    if room.ended or publisher_id == subscriber_id:
        return False
    try:
        media_kind = MediaKind(kind)
        publisher = room.participant(publisher_id)
        subscriber = room.participant(subscriber_id)
    except (ValueError, NotFound):
        return False
    if not (publisher.admitted and subscriber.admitted):
        return False
    if not publisher.sends(media_kind) or media_kind not in subscriber.may_receive:
        return False
    if room.kind is RoomKind.PATIENT_VISIT and {publisher.role, subscriber.role} == {
        Role.PATIENT,
        Role.VISITOR,
    }:
        # The consent gate, and its scope: under "observe" learners see and hear the patient, never
        # the other way round.
        scope = room.consent_scope
        if scope is None or (scope is ConsentScope.OBSERVE and publisher.role is Role.VISITOR):
            return False
    return True
