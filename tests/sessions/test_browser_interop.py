"""Peers in a browser's default state: aiortc participants whose SDP is rewritten on the wire to look
like Firefox's, Chromium's without a camera permission, or Safari's (see ``browser_sdp``)."""

from __future__ import annotations

import os
import re
from collections.abc import AsyncIterator, Sequence
from typing import Any

import pytest
from aiortc import RTCPeerConnection

from sessions import signaling as sig
from sessions.client import ParticipantClient
from sessions.loopback import new_peer_connection
from tests.sessions import browser_sdp
from tests.sessions.live_support import LiveHarness

pytestmark = pytest.mark.sessions


def udp_sockets() -> int:
    """UDP sockets this process holds open (file descriptors whose inode is in /proc/net/udp{,6})."""
    inodes: set[str] = set()
    for table in ("/proc/self/net/udp", "/proc/self/net/udp6"):
        with open(table) as rows:
            next(rows)
            inodes.update(row.split()[9] for row in rows)
    count = 0
    for fd in os.listdir("/proc/self/fd"):
        try:
            target = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:
            continue
        match = re.fullmatch(r"socket:\[(\d+)\]", target)
        if match and match.group(1) in inodes:
            count += 1
    return count


@pytest.fixture
async def harness(no_leaks: None) -> AsyncIterator[LiveHarness]:
    h = LiveHarness()
    yield h
    await h.close()
    assert len(h.rooms) == 0


async def admitted_patient(
    harness: LiveHarness, host: ParticipantClient, **options: object
) -> ParticipantClient:
    patient = await harness.joined("patient", **options)
    await host.send(sig.Admit(type="admit", participant_id="patient-9"))
    await patient.wait_until(lambda: (me := patient.me()) is not None and me.presence == "admitted")
    return patient


async def both_ways(host: ParticipantClient, patient: ParticipantClient, kinds: tuple[str, ...]) -> None:
    """Wait until media of each kind has gone from the host to the patient and back (the host is never
    gated by consent, so a patient and the host see each other at once)."""
    for kind in kinds:
        await patient.wait_until(lambda kind=kind: patient.frames_from("user-1", kind) > 3)  # type: ignore[misc]
        await host.wait_until(lambda kind=kind: host.frames_from("patient-9", kind) > 3)  # type: ignore[misc]


async def test_a_peer_offering_only_mdns_host_candidates_connects_with_media_both_ways(
    harness: LiveHarness,
) -> None:
    host = await harness.joined("host")
    patient = await admitted_patient(
        harness, host, sdp_filter=browser_sdp.mdns_host_candidates(in_rtcp=False)
    )
    await both_ways(host, patient, ("audio", "video"))
    server_pc = harness.live.peer("patient-9")
    assert server_pc is not None and server_pc.connectionState == "connected"


async def test_a_peer_naming_its_mdns_host_in_a_rtcp_is_admitted_and_leaves_no_socket_behind(
    no_leaks: None,
) -> None:
    before = udp_sockets()
    harness = LiveHarness()
    try:
        host = await harness.joined("host")
        patient = await admitted_patient(
            harness, host, sdp_filter=browser_sdp.mdns_host_candidates(in_rtcp=True)
        )
        await both_ways(host, patient, ("audio", "video"))
        # The server read the patient's description while admitting them; the host is still there.
        assert host.bye is None and host.errors == []
        assert harness.live.member_channel("user-1") is not None
        await host.send(sig.Chat(type="chat", text="still here"))
        await host.wait_until(lambda: [m.text for m in host.chat] == ["still here"])
        await patient.leave()
        await host.wait_until(lambda: harness.live.peer("patient-9") is None)
    finally:
        await harness.close()
    await harness.rooms.close_all()
    assert udp_sockets() == before


async def test_firefox_style_setup_active_on_new_sections_connects_across_twenty_rejoins(
    harness: LiveHarness,
) -> None:
    host = await harness.joined("host")
    patient = await admitted_patient(harness, host, sdp_filter=browser_sdp.firefox_setup_on_new_sections())
    await both_ways(host, patient, ("video",))
    for _ in range(20):
        seen = patient.frames_from("user-1", "video")
        heard = host.frames_from("patient-9", "video")
        await patient.reconnect()
        await patient.wait_until(lambda seen=seen: patient.frames_from("user-1", "video") > seen + 3)  # type: ignore[misc]
        await host.wait_until(lambda heard=heard: host.frames_from("patient-9", "video") > heard + 3)  # type: ignore[misc]
        assert patient.pc is not None and patient.pc.connectionState == "connected"


async def test_a_peer_rejecting_the_video_section_keeps_audio_and_is_told(harness: LiveHarness) -> None:
    host = await harness.joined("host")
    patient = await admitted_patient(
        harness, host, sdp_filter=browser_sdp.reject_sections(browser_sdp.received_video)
    )
    await patient.wait_until(lambda: patient.frames_from("user-1", "audio") > 3)
    await host.wait_until(
        lambda: host.frames_from("patient-9", "audio") > 3 and host.frames_from("patient-9", "video") > 3
    )
    await patient.wait_until(lambda: patient.unplayable != [])
    assert [(u.participant_id, u.kind, u.codec) for u in patient.unplayable] == [
        ("user-1", "video", "video/vp8")
    ]
    assert patient.frames_from("user-1", "video") == 0


async def test_an_h264_only_publisher_reaches_a_vp8_only_subscriber_by_audio_and_the_subscriber_is_told(
    harness: LiveHarness,
) -> None:
    host = await harness.joined("host", sdp_filter=browser_sdp.offers_only("H264"))
    patient = await admitted_patient(
        harness, host, sdp_filter=browser_sdp.reject_sections(browser_sdp.sections_without("VP8"))
    )
    await patient.wait_until(lambda: patient.frames_from("user-1", "audio") > 3)
    await host.wait_until(lambda: host.frames_from("patient-9", "video") > 3)
    await patient.wait_until(lambda: patient.unplayable != [])
    assert [(u.participant_id, u.kind, u.codec) for u in patient.unplayable] == [
        ("user-1", "video", "video/h264")
    ]
    assert patient.frames_from("user-1", "video") == 0
    assert ("user-1", "video", "patient-9") not in harness.live.router.forwards()


async def test_the_server_offers_only_once_the_participant_s_connection_is_up(no_leaks: None) -> None:
    """On a rejoin the server has something to forward at once; offering during the ICE/DTLS
    handshake is what let a browser's answer change the DTLS role under it."""
    states_at_offer: list[str] = []

    def recording_peer(ice_servers: Sequence[dict[str, Any]]) -> RTCPeerConnection:
        pc = new_peer_connection(ice_servers)

        @pc.on("signalingstatechange")
        def on_signaling() -> None:
            if pc.signalingState == "have-local-offer":
                states_at_offer.append(pc.connectionState)

        return pc

    harness = LiveHarness(peer_factory=recording_peer)
    try:
        host = await harness.joined("host")
        patient = await admitted_patient(harness, host)
        await both_ways(host, patient, ("video",))
        for _ in range(3):
            offers = len(states_at_offer)
            seen = patient.frames_from("user-1", "video")
            await patient.reconnect()
            await patient.wait_until(lambda seen=seen: patient.frames_from("user-1", "video") > seen + 3)  # type: ignore[misc]
            assert len(states_at_offer) > offers
        assert set(states_at_offer) == {"connected"}
    finally:
        await harness.close()
