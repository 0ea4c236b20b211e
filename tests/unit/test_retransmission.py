"""The retransmission governor: a packet is resent at most once per spacing, and resends stay a share
of the media sent; on a real aiortc sender, a NACK repeated again and again resends a packet once."""

from __future__ import annotations

from typing import Any

from aiortc import RTCRtpSender
from aiortc.rtp import RTCP_RTPFB_NACK, RtcpRtpfbPacket

from sessions.retransmission import (
    RetransmissionGovernor,
    govern_retransmissions,
    retransmission_internals_problems,
)


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_aiortcs_sender_still_has_what_the_governor_wraps() -> None:
    assert retransmission_internals_problems() == []


def test_a_packet_named_again_soon_is_not_resent_but_is_after_the_spacing() -> None:
    clock = Clock()
    governor = RetransmissionGovernor(clock=clock, spacing=0.25)
    assert governor.allow(7, media_packets_sent=100)
    clock.now += 0.1
    assert not governor.allow(7, media_packets_sent=110)
    assert governor.allow(8, media_packets_sent=110)  # another packet is not held back
    clock.now += 0.2
    assert governor.allow(7, media_packets_sent=120)
    assert (governor.resent, governor.refused_too_soon) == (3, 1)


def test_resends_stay_a_share_of_the_media_sent() -> None:
    clock = Clock()
    governor = RetransmissionGovernor(clock=clock, spacing=0.0, share=0.25, floor=0.0, burst=10.0)
    sent = 0
    allowed = 0
    # A second of a lossy link: 100 media packets, and a NACK naming 20 new packets after every 10.
    for step in range(10):
        sent += 10
        clock.now += 0.1
        allowed += sum(governor.allow(step * 20 + k, sent) for k in range(20))
    # The saved-up burst (10) and a quarter of the 90 packets sent after the first NACK (which sets the
    # count's baseline): 32 of the 200 asked for.
    assert allowed == 32
    assert governor.refused_over_budget == 200 - 32


def test_with_no_media_flowing_the_floor_still_lets_a_few_through() -> None:
    clock = Clock()
    governor = RetransmissionGovernor(clock=clock, spacing=0.0, share=0.25, floor=10.0, burst=5.0)
    assert sum(governor.allow(seq, 0) for seq in range(20)) == 5  # the burst
    clock.now += 0.5
    assert sum(governor.allow(100 + seq, 0) for seq in range(20)) == 5  # half a second of the floor


def test_a_slow_downlink_caps_the_resends_whatever_the_stream_earns() -> None:
    clock = Clock()
    ceiling = [3.0]  # what the subscriber's downlink estimate can spare, a second
    governor = RetransmissionGovernor(
        clock=clock, spacing=0.0, share=0.25, floor=10.0, burst=30.0, ceiling=lambda: ceiling[0]
    )
    # Never more than a second of the ceiling in hand, and no faster than it refills.
    assert sum(governor.allow(seq, 100) for seq in range(20)) == 3
    clock.now += 1.0
    assert sum(governor.allow(100 + seq, 300) for seq in range(20)) == 3
    ceiling[0] = 1000.0  # the link is good again: the stream's own budget rules
    clock.now += 1.0
    assert sum(governor.allow(200 + seq, 500) for seq in range(40)) == 30


async def test_a_real_sender_resends_a_packet_named_in_every_nack_once() -> None:
    """aiortc's own NACK handling, fed the NACKs an aiortc receiver sends on a lossy link (every
    missing packet in every NACK): the packet goes out once, not once per NACK."""
    sent: list[bytes] = []

    class Transport:
        state = "connected"

        async def _send_rtp(self, data: bytes) -> None:
            sent.append(data)

    sender: Any = RTCRtpSender("video", Transport())
    resent: list[int] = []

    async def original(sequence_number: int) -> None:  # stands in for the history lookup and send
        resent.append(sequence_number)

    sender._retransmit = original
    governor = govern_retransmissions(sender, RetransmissionGovernor(spacing=10.0))
    nack = RtcpRtpfbPacket(fmt=RTCP_RTPFB_NACK, ssrc=1, media_ssrc=sender._ssrc)
    nack.lost = [500, 501]
    for _ in range(5):
        await sender._handle_rtcp_packet(nack)
    assert resent == [500, 501]
    assert governor.refused_too_soon == 8
