"""A participant's network goes away for a while and comes back: the video they watch comes back at once,
and current, not seconds behind.

Measured in the network lab (bench/network_paths.py): after a 5 s outage the server's sender could
retransmit only the last 128 packets it had sent, so the oldest ones never came; aiortc's own jitter
buffer in the Python client waited for them until 512 later packets had arrived (12 s of frozen
picture) and then, releasing one frame per arriving packet, played the video 16 s late for good. Here
the outage is shorter and none of its packets come back (as if the sender's history had run out):
what matters is the hole that no retransmission fills. Real aiortc peers on loopback in a live room.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable

import pytest
from aiortc import RTCRtpTransceiver
from aiortc.jitterbuffer import JitterFrame
from aiortc.rtp import RtpPacket

from sessions import signaling as sig
from sessions.client import ParticipantClient
from tests.sessions.live_support import LiveHarness

pytestmark = pytest.mark.sessions

STOCK_CAPACITY = 512  # packets aiortc's video jitter buffer holds before it gives up on a hole
OUTAGE_PACKETS = 45  # about 1.5 s of the synthetic video
VIDEO_CLOCK_RATE = 90_000


class Outage:
    """Cuts one receiver off its network for ``OUTAGE_PACKETS`` video packets, once armed.

    Wraps the receiver's ``_handle_rtp_packet`` (on the instance). Every packet of the outage is lost,
    and so is every later retransmission of one (RTX, whose payload starts with the original sequence
    number, RFC 4588). It also notes the newest RTP timestamp received and, by wrapping the jitter
    buffer's ``add``, the timestamp of each frame released after the outage: how far behind the
    newest media the picture is, in media time rather than seconds.
    """

    def __init__(self, transceiver: RTCRtpTransceiver) -> None:
        codecs = list(transceiver._codecs)
        self.media_types = {c.payloadType for c in codecs if c.name.lower() != "rtx"}
        self.rtx_types = {c.payloadType for c in codecs if c.name.lower() == "rtx"}
        self.armed = False
        self.lost: set[int] = set()
        self.over = False
        self.packets_after = 0  # media packets that reached the receiver after the outage
        self.newest_timestamp: int | None = None
        #: (packets after the outage, RTP ticks behind the newest packet) of each frame released after it
        self.released: list[tuple[int, int]] = []
        receiver = transceiver.receiver
        handle: Callable[[RtpPacket, int], Awaitable[None]] = receiver._handle_rtp_packet
        buffer = receiver._RTCRtpReceiver__jitter_buffer  # type: ignore[attr-defined]
        add: Callable[[RtpPacket], tuple[bool, JitterFrame | None]] = buffer.add

        async def cut_off_handle(packet: RtpPacket, arrival_time_ms: int) -> None:
            if packet.payload_type in self.rtx_types and len(packet.payload) >= 2:
                if int.from_bytes(packet.payload[:2], "big") in self.lost:
                    return
            elif packet.payload_type in self.media_types:
                if self.armed and not self.over:
                    self.lost.add(packet.sequence_number)
                    self.over = len(self.lost) >= OUTAGE_PACKETS
                    return
                if self.over:
                    self.packets_after += 1
                newest = self.newest_timestamp
                if newest is None or 0 < (packet.timestamp - newest) % 2**32 < 2**31:
                    self.newest_timestamp = packet.timestamp
            await handle(packet, arrival_time_ms)

        def watching_add(packet: RtpPacket) -> tuple[bool, JitterFrame | None]:
            pli_flag, frame = add(packet)
            if frame is not None and self.over and self.newest_timestamp is not None:
                behind = (self.newest_timestamp - frame.timestamp) % 2**32
                self.released.append((self.packets_after, behind))
            return pli_flag, frame

        receiver._handle_rtp_packet = cut_off_handle  # type: ignore[method-assign]
        buffer.add = watching_add


@pytest.fixture
async def harness(no_leaks: None) -> AsyncIterator[LiveHarness]:
    h = LiveHarness()
    yield h
    await h.close()


def video_transceiver_from(client: ParticipantClient, participant_id: str) -> RTCRtpTransceiver:
    """The client's transceiver that receives ``participant_id``'s video."""
    assert client.pc is not None
    mid = next(m for m, (kind, who) in client.track_map.items() if (kind, who) == ("video", participant_id))
    return next(t for t in client.pc.getTransceivers() if t.mid == mid)


async def test_video_comes_back_soon_and_current_after_an_outage(harness: LiveHarness) -> None:
    host = await harness.joined("host")
    assert host.participant_id is not None
    visitor = await harness.joined("visitor")
    assert visitor.participant_id is not None
    await host.send(sig.Admit(type="admit", participant_id=visitor.participant_id))
    await visitor.wait_until(lambda: visitor.frames_from(host.participant_id or "", "video") >= 10)
    outage = Outage(video_transceiver_from(visitor, host.participant_id))

    outage.armed = True
    await visitor.wait_until(lambda: outage.over)
    frames_before = visitor.frames_from(host.participant_id, "video")
    recovered_after: list[int] = []

    def recovered() -> bool:
        # Counted in frames and packets, not seconds: 20 frames decoded after the outage; how many
        # packets had arrived by then is what tells the buffers apart.
        done = visitor.frames_from(host.participant_id or "", "video") >= frames_before + 20
        if done and not recovered_after:
            recovered_after.append(outage.packets_after)
        return done

    await visitor.wait_until(recovered)

    # aiortc's own buffer releases nothing before STOCK_CAPACITY - OUTAGE_PACKETS more packets.
    assert recovered_after[0] < 200, f"the picture came back only after {recovered_after[0]} packets"
    assert visitor.video_holes_skipped == 1
    # The picture is current: the last frame released by then is less than a second of media behind
    # the newest packet (aiortc's buffer, releasing one frame per packet, would stay as far behind as
    # the backlog it held when it gave up).
    packets, behind = outage.released[-1]
    assert behind < VIDEO_CLOCK_RATE, f"{behind / VIDEO_CLOCK_RATE:.1f} s of media behind after {packets}"
