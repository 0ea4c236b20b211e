"""Media through the router: pass-through forwarding among aiortc peers in one process."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest

from sessions.loopback import negotiate
from sessions.media import MediaRouter
from sessions.room import ConsentMethod, ConsentScope, MediaKind, Role, Room, RoomKind
from tests.sessions.conftest import WAIT, Client, new_pc, wait_for

pytestmark = pytest.mark.sessions
NOW = datetime(2026, 11, 24, 15, 0, tzinfo=UTC)


class Harness:
    """A room, its router, and in-process clients whose signaling is a direct function call."""

    def __init__(self, kind: RoomKind = RoomKind.PATIENT_VISIT) -> None:
        self.room = Room("r1", kind)
        self.clients: dict[str, Client] = {}
        self.router = MediaRouter(self.room, on_negotiation_needed=self._renegotiate)

    async def _renegotiate(self, participant_id: str) -> None:
        server_pc = self.router.peer(participant_id)
        assert server_pc is not None
        await negotiate(server_pc, self.clients[participant_id].pc)

    async def join(self, pid: str, role: Role, *, observer: bool, admit: bool = True) -> Client:
        self.room.join(pid, role, observer=observer)
        client = Client(pid)
        self.clients[pid] = client
        server_pc = new_pc()
        self.router.add_peer(pid, server_pc)
        await negotiate(client.pc, server_pc)
        if admit and role is not Role.HOST:
            self.room.admit("host", pid)
        return client

    async def close(self) -> list[object]:
        peers = [self.router.peer(pid) for pid in self.clients]
        await self.router.close()
        for client in self.clients.values():
            await client.close()
        return [pc for pc in peers if pc is not None]


@pytest.fixture
async def harness(no_leaks: None) -> AsyncIterator[Harness]:
    h = Harness()
    yield h
    server_pcs = await h.close()
    for pc in server_pcs:
        assert pc.connectionState == "closed"  # type: ignore[attr-defined]
    for client in h.clients.values():
        assert client.pc.connectionState == "closed"


async def test_host_video_reaches_admitted_visitor_without_server_decoding(
    harness: Harness, decoder_threads: set[threading.Thread]
) -> None:
    host = await harness.join("host", Role.HOST, observer=False)
    visitor = await harness.join("v1", Role.VISITOR, observer=True)
    await wait_for(lambda: visitor.frames("video") >= 10 and visitor.frames("audio") >= 10)
    assert ("host", "video", "v1") in harness.router.forwards()
    # The observer publishes nothing: the host gets no media from them.
    assert host.frames("video") == 0
    server_threads = {
        pub.receiver._RTCRtpReceiver__decoder_thread  # type: ignore[attr-defined]
        for pub in harness.router.publications.values()
    }
    # Both participants' audio and video receivers are running on the server...
    assert len(server_threads) == 4 and None not in server_threads
    assert not (server_threads & decoder_threads)  # ...and none of them ever made a decoder
    assert any(t.name == "video-decoder" for t in decoder_threads)  # the subscribers do decode


async def test_media_reaches_each_permitted_subscriber_and_no_one_else(harness: Harness) -> None:
    host = await harness.join("host", Role.HOST, observer=False)
    v1 = await harness.join("v1", Role.VISITOR, observer=True)
    v2 = await harness.join("v2", Role.VISITOR, observer=True)
    waiting = await harness.join("v3", Role.VISITOR, observer=True, admit=False)
    await wait_for(lambda: min(v1.frames("video"), v2.frames("video")) >= 10)
    await wait_for(lambda: min(v1.frames("audio"), v2.frames("audio")) >= 10)
    # Let plenty more host frames flow; the waiting visitor still has no forward and no frames.
    target = v1.frames("video") + 30
    await wait_for(lambda: v1.frames("video") >= target)
    assert waiting.frames("video") == 0 and waiting.frames("audio") == 0
    assert {f for f in harness.router.forwards() if f[2] == "v3"} == set()
    # Observers publish nothing; nobody receives their media.
    assert host.frames("video") == 0 and v1.frames("audio") >= 10
    assert all(f[0] == "host" for f in harness.router.forwards())
    # Admission opens the flow.
    harness.room.admit("host", "v3")
    await wait_for(lambda: waiting.frames("video") >= 5)
    widths = {w for sink in waiting.sinks_of("video") for _, w in sink.frames}
    assert widths == {320}  # decoded pictures of the publisher's size


async def test_new_subscriber_starts_on_a_requested_keyframe(harness: Harness) -> None:
    await harness.join("host", Role.HOST, observer=False)
    v1 = await harness.join("v1", Role.VISITOR, observer=True)
    await wait_for(lambda: v1.frames("video") >= 30)  # the publisher's first keyframe is long gone
    publication = next(p for p in harness.router.publications.values() if p.kind == "video")
    requests_before = publication.keyframe_requests_sent
    # aiortc's VP8 encoder makes a keyframe every 3000 frames (100 s): only a PLI lets v2 start now.
    v2 = await harness.join("v2", Role.VISITOR, observer=True)
    await wait_for(lambda: v2.frames("video") >= 1)
    assert publication.keyframe_requests_sent > requests_before


async def test_subscriber_loss_report_asks_the_publisher_for_a_keyframe(harness: Harness) -> None:
    await harness.join("host", Role.HOST, observer=False)
    v1 = await harness.join("v1", Role.VISITOR, observer=True)
    await wait_for(lambda: v1.frames("video") >= 5)
    publication = next(p for p in harness.router.publications.values() if p.kind == "video")
    before = publication.keyframe_requests_sent
    receiver = next(
        t.receiver
        for t in v1.pc.getTransceivers()
        if t.kind == "video" and t.receiver.getSynchronizationSources()
    )
    ssrc = receiver.getSynchronizationSources()[0].source
    # The browser side reports picture loss; the server's sender hears it and relays it to the publisher.
    async with asyncio.timeout(WAIT):
        while publication.keyframe_requests_sent == before:
            await receiver._send_rtcp_pli(ssrc)
            await asyncio.sleep(0.1)  # requests to one publisher are rate-limited


async def test_consent_gate_holds_at_the_media_level(harness: Harness) -> None:
    await harness.join("host", Role.HOST, observer=False)
    patient = await harness.join("patient", Role.PATIENT, observer=False)
    visitor = await harness.join("v1", Role.VISITOR, observer=True)
    # Before consent: the host sees the patient, the visitor does not, and the patient gets no visitor media.
    host = harness.clients["host"]
    await wait_for(lambda: host.frames("video") >= 20 and visitor.frames("video") >= 20)
    harness.room.set_publish_permission("host", "v1", MediaKind.VIDEO, True)
    harness.room.set_publishing("v1", "v1", MediaKind.VIDEO, True)
    await wait_for(lambda: host.frames("video") >= 60)
    assert ("patient", "video", "v1") not in harness.router.forwards()
    assert ("v1", "video", "patient") not in harness.router.forwards()
    patient_video_from = {f[0] for f in harness.router.forwards() if f[2] == "patient" and f[1] == "video"}
    assert patient_video_from == {"host"}
    visitor_sources = {f[0] for f in harness.router.forwards() if f[2] == "v1"}
    assert visitor_sources == {"host"}
    # Only the host's video reached the visitor: one video sink has frames.
    assert [s for s in visitor.sinks_of("video") if s.count] == visitor.sinks_of("video")[:1]

    # Consent to observe: the visitor gets the patient, the patient still gets no visitor media.
    harness.room.record_consent("host", scope=ConsentScope.OBSERVE, method=ConsentMethod.VERBAL, at=NOW)
    assert ("patient", "video", "v1") in harness.router.forwards()
    assert ("v1", "video", "patient") not in harness.router.forwards()
    # Consent to interact: both ways.
    harness.room.record_consent("host", scope=ConsentScope.INTERACT, method=ConsentMethod.VERBAL, at=NOW)
    assert ("v1", "video", "patient") in harness.router.forwards()
    await wait_for(lambda: sum(1 for s in visitor.sinks_of("video") if s.count) == 2)
    await wait_for(lambda: sum(1 for s in patient.sinks_of("video") if s.count) == 2)

    # Withdrawal: the forwards are detached before the call returns; nothing more arrives.
    harness.room.withdraw_consent("patient", at=NOW)
    assert ("patient", "video", "v1") not in harness.router.forwards()
    assert ("patient", "audio", "v1") not in harness.router.forwards()
    assert ("v1", "video", "patient") not in harness.router.forwards()
    patient_tracks = [t for t in harness.router.subscriber_tracks("v1") if t.source is None]
    assert len(patient_tracks) == 2  # the two slots that carried the patient went quiet, not away
    # What was already in flight when the gate closed arrives while the host's stream advances by 30
    # frames (a loaded machine has a few frames in flight); from then on, while the host's advances by
    # 60 more, the patient's (detached) stream must not advance at all.
    host_sink = max(visitor.sinks_of("video"), key=lambda s: s.count)
    drained = host_sink.count + 30
    await wait_for(lambda: host_sink.count >= drained)
    counts = {id(s): s.count for s in visitor.sinks_of("video")}
    target = host_sink.count + 60
    await wait_for(lambda: host_sink.count >= target)
    grown = [s.count - counts[id(s)] for s in visitor.sinks_of("video") if s is not host_sink]
    assert grown and max(grown) == 0


async def test_removal_closes_the_participants_connection(harness: Harness) -> None:
    await harness.join("host", Role.HOST, observer=False)
    v1 = await harness.join("v1", Role.VISITOR, observer=True)
    await wait_for(lambda: v1.frames("video") >= 3)
    server_pc = harness.router.peer("v1")
    assert server_pc is not None
    harness.room.remove("host", "v1")
    assert not {f for f in harness.router.forwards() if f[2] == "v1"}
    await wait_for(lambda: server_pc.connectionState == "closed")
    assert harness.router.peer("v1") is None


async def test_h264_is_forwarded_as_h264(harness: Harness) -> None:
    from aiortc import RTCRtpSender

    harness.room.join("host", Role.HOST, observer=False)
    host = Client("host", audio=False)
    harness.clients["host"] = host
    h264 = [
        c for c in RTCRtpSender.getCapabilities("video").codecs if c.mimeType in ("video/H264", "video/rtx")
    ]
    for transceiver in host.pc.getTransceivers():
        transceiver.setCodecPreferences(h264)
    server_pc = new_pc()
    harness.router.add_peer("host", server_pc)
    await negotiate(host.pc, server_pc)
    v1 = await harness.join("v1", Role.VISITOR, observer=True)
    await wait_for(lambda: v1.frames("video") >= 5)
    publication = next(iter(harness.router.publications.values()))
    assert publication.mime_type == "video/h264"
    sender_codecs = [
        t._codecs[0].mimeType
        for t in harness.router.peer("v1").getTransceivers()  # type: ignore[union-attr]
        if t.sender.track is not None
    ]
    assert sender_codecs == ["video/H264"]


async def test_a_reconnecting_participant_gets_media_on_the_new_connection(harness: Harness) -> None:
    await harness.join("host", Role.HOST, observer=False)
    v1 = await harness.join("v1", Role.VISITOR, observer=True)
    await wait_for(lambda: v1.frames("video") >= 3)
    old_server_pc = harness.router.peer("v1")
    # aiortc has no ICE restart: a new peer connection replaces the old one; the room keeps v1's place.
    harness.room.leave("v1")
    assert not {f for f in harness.router.forwards() if f[2] == "v1"}
    harness.room.join("v1", Role.VISITOR, observer=True)
    again = Client("v1-again")
    harness.clients["v1-again"] = again
    harness.clients["v1"] = again  # renegotiations for v1 now go to the new client
    server_pc = new_pc()
    harness.router.add_peer("v1", server_pc)
    await negotiate(again.pc, server_pc)
    await wait_for(lambda: again.frames("video") >= 3)
    assert old_server_pc is not None and old_server_pc.connectionState == "closed"
    await v1.close()


async def test_decoding_happens_where_it_is_asked_for(no_leaks: None) -> None:
    from aiortc import MediaStreamTrack

    from sessions.forwarding import Publication
    from tests.sessions.conftest import Sink

    publisher, server = Client("p", audio=False), new_pc()
    sinks: list[Sink] = []
    publications: list[Publication] = []

    @server.on("track")
    def on_track(track: MediaStreamTrack) -> None:
        transceiver = next(t for t in server.getTransceivers() if t.receiver.track is track)
        publications.append(Publication.for_transceiver(transceiver, decode=True))
        sinks.append(Sink(track))  # who asks for pixels must consume them

    await negotiate(publisher.pc, server)
    await wait_for(lambda: bool(sinks) and sinks[0].count >= 3)
    assert publications[0].decode and publications[0].frames_received >= 3
    assert {w for _, w in sinks[0].frames} == {320}
    await sinks[0].stop()
    await publisher.close()
    await server.close()
