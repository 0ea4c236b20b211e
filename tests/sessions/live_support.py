"""A live room with Python participants on in-memory channels, and a recording observer."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sessions.adaptation import DEFAULT_ADAPTATION, AdaptationSettings
from sessions.client import ParticipantClient
from sessions.live import Identity, LiveRoom, LiveRooms, PeerFactory
from sessions.loopback import new_peer_connection
from sessions.memory import MemoryTransport
from sessions.room import Role, RoomKind


class RecordingObserver:
    """Keeps what the room reports, in order, as (event, participant id or None, detail)."""

    def __init__(self) -> None:
        self.events: list[tuple[str, str | None, Any]] = []
        self.fail_consent = False

    async def attendance_started(self, identity: Identity, at: datetime) -> None:
        self.events.append(("started", identity.participant_id, at))

    async def attendance_ended(self, identity: Identity, at: datetime, reason: str) -> None:
        self.events.append(("ended", identity.participant_id, reason))

    async def consent_recorded(self, host: Identity, scope: str, method: str, at: datetime) -> None:
        if self.fail_consent:
            raise RuntimeError("database away")
        self.events.append(("consent", host.participant_id, (scope, method)))

    async def consent_withdrawn(self, at: datetime) -> None:
        self.events.append(("withdrawn", None, at))

    async def room_ended(self, at: datetime, reason: str) -> None:
        self.events.append(("room_ended", None, reason))

    def of(self, event: str) -> list[tuple[str, str | None, Any]]:
        return [e for e in self.events if e[0] == event]


IDENTITIES = {
    "host": Identity("user-1", Role.HOST, "Dr. Host", observer=False, user_id=1),
    "visitor": Identity("user-2", Role.VISITOR, "Visitor Two", observer=True, user_id=2),
    "visitor3": Identity("user-3", Role.VISITOR, "Visitor Three", observer=True, user_id=3),
    "patient": Identity("patient-9", Role.PATIENT, "Patient", observer=False),
}


class LiveHarness:
    """One room, its observer, and clients joined over in-memory channels."""

    def __init__(
        self,
        kind: RoomKind = RoomKind.PATIENT_VISIT,
        *,
        host_grace_seconds: float = 30.0,
        peer_factory: PeerFactory = new_peer_connection,
        adaptation: AdaptationSettings | None = DEFAULT_ADAPTATION,
    ) -> None:
        self.rooms = LiveRooms(
            host_grace_seconds=host_grace_seconds, peer_factory=peer_factory, adaptation=adaptation
        )
        self.observer = RecordingObserver()
        self.live: LiveRoom = self.rooms.open("42", kind, observer=self.observer)
        self.clients: list[ParticipantClient] = []

    def client(self, identity: Identity, **options: Any) -> ParticipantClient:
        async def connect() -> MemoryTransport:
            return MemoryTransport(self.live, identity)

        client = ParticipantClient(connect, **options)
        self.clients.append(client)
        return client

    async def joined(self, who: str, **options: Any) -> ParticipantClient:
        client = self.client(IDENTITIES[who], **options)
        await client.join()
        return client

    async def close(self) -> None:
        for client in self.clients:
            await client.close()
        await self.rooms.close_all()
