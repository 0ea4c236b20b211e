"""A video packet lost for good between a publisher and the server: subscribers' video keeps going.

aiortc's own jitter buffer would hold back every later frame until 512 more packets had arrived (many
seconds of frozen video); the publication's :class:`~sessions.jitter.HoleSkippingJitterBuffer` gives up
on the packet after half a second of media and asks for a keyframe. Real aiortc peers on loopback; the
server-side receiver is made to lose one packet, and every retransmission of it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from aiortc import MediaStreamTrack, RTCRtpReceiver, RTCRtpTransceiver
from aiortc.rtp import RtpPacket

from sessions.forwarding import Publication, SubscriberTrack, hook_keyframe_requests, is_keyframe
from sessions.jitter import HoleSkippingJitterBuffer
from sessions.loopback import negotiate
from tests.sessions.conftest import Client, new_pc, wait_for

pytestmark = pytest.mark.sessions

STOCK_CAPACITY = 512  # aiortc's video jitter buffer: what the stock one waits for after a lost packet


class LoseOnePacket:
    """Wraps one receiver's ``_handle_rtp_packet`` (on the instance) to lose one video packet for good.

    Once armed, the next video packet is lost, and so is every later packet carrying its sequence number:
    a resend with the media's own payload type, or an RTX retransmission (whose payload starts with the
    original sequence number, RFC 4588).
    """

    def __init__(self, transceiver: RTCRtpTransceiver, on_loss: Callable[[], None]) -> None:
        codecs = list(transceiver._codecs)
        self.media_types = {c.payloadType for c in codecs if c.name.lower() != "rtx"}
        self.rtx_types = {c.payloadType for c in codecs if c.name.lower() == "rtx"}
        self.armed = False
        self.lost: int | None = None
        self.copies_lost = 0  # the packet and its retransmissions
        self.retransmissions_seen = 0
        self.media_after_loss = 0  # video packets that reached the receiver after the loss
        self.nacks: list[list[int]] = []
        self._on_loss = on_loss
        receiver = transceiver.receiver
        handle: Callable[[RtpPacket, int], Awaitable[None]] = receiver._handle_rtp_packet
        send_nack: Callable[[int, list[int]], Awaitable[None]] = receiver._send_rtcp_nack

        async def lossy_handle(packet: RtpPacket, arrival_time_ms: int) -> None:
            if packet.payload_type in self.rtx_types and len(packet.payload) >= 2:
                sequence_number: int | None = int.from_bytes(packet.payload[:2], "big")
                if sequence_number == self.lost:
                    self.retransmissions_seen += 1
            elif packet.payload_type in self.media_types:
                sequence_number = packet.sequence_number
                if self.armed and self.lost is None:
                    self.lost = sequence_number
                    self._on_loss()
                elif self.lost is not None and sequence_number != self.lost:
                    self.media_after_loss += 1
            else:
                sequence_number = None
            if sequence_number is not None and sequence_number == self.lost:
                self.copies_lost += 1
                return
            await handle(packet, arrival_time_ms)

        async def counting_send_nack(media_ssrc: int, lost: list[int]) -> None:
            self.nacks.append(list(lost))
            await send_nack(media_ssrc, lost)

        receiver._handle_rtp_packet = lossy_handle  # type: ignore[method-assign]
        receiver._send_rtcp_nack = counting_send_nack  # type: ignore[method-assign]


async def test_a_video_packet_lost_for_good_freezes_subscribers_only_briefly(no_leaks: None) -> None:
    publisher = Client("publisher", audio=False)
    subscriber = Client("subscriber", video=False, audio=False)
    server_in, server_out = new_pc(), new_pc()
    publications: list[Publication] = []
    losses: list[LoseOnePacket] = []
    pli_at_publisher: list[int] = []  # media packets after the loss when each PLI reached the publisher
    at_loss: dict[str, int] = {}

    forward = SubscriberTrack("video")
    out = server_out.addTransceiver(forward, direction="sendonly")
    hook_keyframe_requests(out.sender, forward.request_keyframe)
    await negotiate(server_out, subscriber.pc)

    def snapshot() -> None:
        publication = publications[0]
        at_loss.update(
            sent=forward.frames_sent,
            received=subscriber.frames("video"),
            requests=publication.keyframe_requests_sent,
        )

    @server_in.on("track")
    def on_track(track: MediaStreamTrack) -> None:
        transceiver = next(t for t in server_in.getTransceivers() if t.receiver.track is track)
        publication = Publication.for_transceiver(transceiver)
        publications.append(publication)
        publication.add_subscriber(forward)
        losses.append(LoseOnePacket(transceiver, snapshot))

    try:
        sender = publisher.pc.getTransceivers()[0].sender

        def on_pli() -> None:
            lost = bool(losses) and losses[0].lost is not None
            pli_at_publisher.append(losses[0].media_after_loss if lost else -1)

        hook_keyframe_requests(sender, on_pli)
        await negotiate(publisher.pc, server_in)
        await wait_for(lambda: subscriber.frames("video") >= 10)
        publication, loss = publications[0], losses[0]
        receiver: RTCRtpReceiver = publication.receiver
        assert isinstance(receiver._RTCRtpReceiver__jitter_buffer, HoleSkippingJitterBuffer)  # type: ignore[attr-defined]

        # Watch what the subscriber is sent after the loss: the first frame must be a keyframe.
        forwarded_after_loss: list[bool] = []
        push = forward._push

        def watching_push(frame: Any) -> None:
            if loss.lost is not None:
                forwarded_after_loss.append(is_keyframe(frame.mime_type, frame.data))
            push(frame)

        forward._push = watching_push  # type: ignore[method-assign]

        loss.armed = True
        await wait_for(lambda: loss.lost is not None)
        recovered_after: list[int] = []

        def recovered() -> bool:
            # Counted in frames and packets, not seconds: 20 more frames sent to and decoded by the
            # subscriber; how many packets the publisher had sent by then is what tells the buffers apart.
            done = (
                forward.frames_sent >= at_loss["sent"] + 20
                and subscriber.frames("video") >= at_loss["received"] + 20
            )
            if done and not recovered_after:
                recovered_after.append(loss.media_after_loss)
            return done

        await wait_for(recovered)

        # aiortc's buffer would have sent nothing new before 512 more packets had arrived.
        assert recovered_after[0] < STOCK_CAPACITY, f"recovered only after {recovered_after[0]} packets"
        assert publication.holes_skipped == 1
        assert publication.keyframe_requests_sent > at_loss["requests"]
        assert any(count >= 0 for count in pli_at_publisher)  # a PLI after the loss reached the publisher
        # The hole was given up on, not filled: the receiver asked for the packet again (NACK) and its
        # retransmission was lost as well.
        assert [loss.lost] in loss.nacks and loss.copies_lost >= 2
        # Nothing that referred to the lost frame went to the subscriber: it started again on a keyframe.
        assert forwarded_after_loss and forwarded_after_loss[0]
    finally:
        await subscriber.close()
        await publisher.close()
        forward.stop()
        await server_in.close()
        await server_out.close()
