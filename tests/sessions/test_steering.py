"""Publisher steering: the REMB the server sends a publisher never exceeds the cap, and the publisher's
encoder follows it (aiortc's VP8 encoder takes REMB as its target bitrate, as browsers take it as
their ceiling). Real aiortc peers on loopback (sessions/feedback.py)."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable

import pytest
from aiortc import MediaStreamTrack, RTCRtpSender
from aiortc.rtp import RTCP_PSFB_APP, AnyRtcpPacket, RtcpPsfbPacket, unpack_remb_fci

from sessions.feedback import PublisherSteering
from sessions.forwarding import Publication
from sessions.loopback import negotiate
from sessions.sources import SyntheticVideo
from tests.sessions.conftest import Client, new_pc, wait_for

pytestmark = pytest.mark.sessions

CAP = 300_000


def rembs_heard(sender: RTCRtpSender) -> list[int]:
    """Every REMB bitrate the publisher's sender receives from now on."""
    heard: list[int] = []
    original: Callable[[AnyRtcpPacket], Awaitable[None]] = sender._handle_rtcp_packet

    async def handle(packet: AnyRtcpPacket) -> None:
        if isinstance(packet, RtcpPsfbPacket) and packet.fmt == RTCP_PSFB_APP:
            heard.append(unpack_remb_fci(packet.fci)[0])
        await original(packet)

    sender._handle_rtcp_packet = handle  # type: ignore[method-assign]
    return heard


async def test_the_publisher_is_steered_down_to_the_cap_and_freed_when_it_is_lifted(no_leaks: None) -> None:
    publisher = Client("publisher", video=False, audio=False)
    camera = SyntheticVideo(640, 480)  # its 500 kbit/s (aiortc's default) is well over the cap
    publisher.sources.append(camera)
    publisher.pc.addTransceiver(camera, direction="sendonly")
    server_in = new_pc()
    steerings: list[PublisherSteering] = []

    @server_in.on("track")
    def on_track(track: MediaStreamTrack) -> None:
        transceiver = next(t for t in server_in.getTransceivers() if t.receiver.track is track)
        publication = Publication.for_transceiver(transceiver)
        steerings.append(PublisherSteering(publication.receiver, time.monotonic))

    sender = publisher.pc.getTransceivers()[0].sender
    heard = rembs_heard(sender)

    def target() -> int:
        encoder = sender._RTCRtpSender__encoder  # type: ignore[attr-defined]
        return 0 if encoder is None else int(encoder.target_bitrate)

    try:
        await negotiate(publisher.pc, server_in)
        await wait_for(lambda: target() > 0)
        steering = steerings[0]
        steering.set_cap(CAP)

        def steered() -> bool:
            steering.tick()  # as the room's adaptation does every half second
            return 0 < target() <= CAP

        await wait_for(steered)
        assert steering.rembs_sent >= 1
        # From here on nothing the server sends lets the publisher go over the cap, its own
        # estimator's REMB included (capped on the way out).
        count = len(heard)
        await wait_for(lambda: steered() and len(heard) >= count + 3)
        assert max(heard[count:]) <= CAP

        steering.set_cap(None)
        steering.tick()
        # Freed: the receiver's own estimate reaches the encoder again (aiortc sends one each half second).
        await wait_for(lambda: len(heard) > count + 3 and heard[-1] > CAP)
    finally:
        await publisher.close()
        await server_in.close()
