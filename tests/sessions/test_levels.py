"""Video levels in the forwarder: a subscriber switched between the full stream, the low rendition and
nothing, with real aiortc peers on loopback (sessions/forwarding.py, sessions/rendition.py)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest
from aiortc import MediaStreamTrack, RTCPeerConnection

from sessions.adaptation import Level
from sessions.forwarding import Publication, SubscriberTrack, hook_keyframe_requests
from sessions.loopback import negotiate
from sessions.rendition import LowRendition, fitted_size
from sessions.sources import SyntheticVideo
from tests.sessions.conftest import Client, new_pc, wait_for

pytestmark = pytest.mark.sessions


@dataclass
class Bench:
    publisher: Client
    subscriber: Client
    server_in: RTCPeerConnection
    server_out: RTCPeerConnection
    publication: Publication
    low: LowRendition
    track: SubscriberTrack

    def widths(self) -> list[int | None]:
        return [width for _, width in self.subscriber.sinks_of("video")[0].frames]

    def received(self) -> int:
        return self.subscriber.frames("video")


@pytest.fixture
async def bench(no_leaks: None) -> AsyncIterator[Bench]:
    publisher = Client("publisher", video=False, audio=False)
    camera = SyntheticVideo(640, 480)
    publisher.sources.append(camera)
    publisher.pc.addTransceiver(camera, direction="sendonly")
    subscriber = Client("subscriber", video=False, audio=False)
    server_in, server_out = new_pc(), new_pc()
    track = SubscriberTrack("video")
    out = server_out.addTransceiver(track, direction="sendonly")
    hook_keyframe_requests(out.sender, track.request_keyframe)
    await negotiate(server_out, subscriber.pc)
    publications: list[Publication] = []

    @server_in.on("track")
    def on_track(received: MediaStreamTrack) -> None:
        transceiver = next(t for t in server_in.getTransceivers() if t.receiver.track is received)
        publication = Publication.for_transceiver(transceiver)
        publications.append(publication)
        publication.add_subscriber(track)

    await negotiate(publisher.pc, server_in)
    await wait_for(lambda: subscriber.frames("video") >= 5)
    publication = publications[0]
    low = LowRendition(publication)
    try:
        yield Bench(publisher, subscriber, server_in, server_out, publication, low, track)
    finally:
        low.close()
        await subscriber.close()
        await publisher.close()
        track.stop()
        await server_in.close()
        await server_out.close()


async def test_a_subscriber_goes_low_and_back_at_keyframes_on_one_timeline(bench: Bench) -> None:
    assert not bench.low.active and not bench.publication.decode  # nobody needs it: nothing decoded
    assert bench.widths()[-1] == 640

    bench.track.set_level(Level.LOW, bench.low)
    assert bench.low.active and bench.track.wanted_level is Level.LOW
    await wait_for(lambda: bench.widths()[-1] == 320)
    assert bench.track.level is Level.LOW and bench.track.switches == 1
    assert fitted_size(640, 480) == (320, 240)
    at_low = bench.received()
    await wait_for(lambda: bench.received() >= at_low + 10)

    bench.track.set_level(Level.FULL)
    await wait_for(lambda: bench.widths()[-1] == 640)
    assert bench.track.switches == 2
    # The last subscriber gone, the rendition stops and the publication is no longer decoded.
    assert not bench.low.active and not bench.publication.decode
    assert bench.low.starts == 1 and bench.low.keyframes_encoded >= 1

    # Every frame the subscriber decoded was whole, and its timestamps never went back across the
    # switches (one line: the browser's jitter buffer would drop frames that go back).
    frames = bench.subscriber.sinks_of("video")[0].frames
    stamps = [pts for pts, _ in frames]
    assert stamps == sorted(stamps)
    assert bench.subscriber.pc.getReceivers()[0].track.readyState == "live"


async def test_paused_sends_nothing_and_resumes_at_a_keyframe(bench: Bench) -> None:
    bench.track.set_level(Level.PAUSED)
    sent = bench.track.frames_sent
    received = bench.publication.frames_received
    # Counted in the publisher's frames: 30 of them came in, none went out.
    await wait_for(lambda: bench.publication.frames_received >= received + 30)
    assert bench.track.frames_sent == sent
    assert not bench.low.active

    bench.track.set_level(Level.LOW, bench.low)  # from nothing: at once, from the rendition's keyframe
    assert bench.track.level is Level.LOW
    before = bench.received()
    await wait_for(lambda: bench.received() >= before + 5)
    assert bench.widths()[-1] == 320
