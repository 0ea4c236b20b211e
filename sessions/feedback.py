"""RTCP feedback for adaptation, on aiortc: what a subscriber reports about the media the server sends
it, and the REMB the server sends a publisher.

* :func:`watch_feedback` hears, on one of the server's senders, the subscriber's receiver reports
  (fraction lost, and the round trip aiortc works out from them) and REMB. aiortc's sender reads them
  for its statistics and for its own encoder's bitrate, which a pass-through forward does not have.
* :class:`PublisherSteering` caps the REMB the server's receiver sends to a publisher (aiortc's
  receiver sends one from its own bitrate estimator when the publisher uses abs-send-time) and sends
  the cap itself when the publisher's encoder should go lower than that estimate says: browsers and
  aiortc take REMB as the most they may send.

Both extend one aiortc object each (an instance attribute, never a class patch). The internals they
rely on are checked by :func:`feedback_internals_problems`, which
:func:`sessions.forwarding.check_aiortc_internals` runs with its own checks.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
from collections.abc import Awaitable, Callable
from typing import Any, Final, Protocol

from aiortc import RTCRtpReceiver, RTCRtpSender
from aiortc.rtp import (
    RTCP_PSFB_APP,
    AnyRtcpPacket,
    RtcpPsfbPacket,
    RtcpRrPacket,
    RtcpSrPacket,
    pack_remb_fci,
    unpack_remb_fci,
)

from sessions.twcc import PacketResult

logger = logging.getLogger(__name__)

_SENDER_RTT: Final = "_RTCRtpSender__rtt"
_RECEIVER_RTCP_SSRC: Final = "_RTCRtpReceiver__rtcp_ssrc"
#: Our own REMB to a publisher is repeated this often while a cap holds (a browser keeps the last
#: one it got, but a lost packet should not leave it uncapped for long), and sent at once when the
#: cap moves by more than CAP_CHANGE.
STEERING_INTERVAL: Final = 1.0
CAP_CHANGE: Final = 0.1
#: The receiver's own REMB counts as current for this long (aiortc sends one every half second).
OWN_ESTIMATE_TTL: Final = 2.0


class FeedbackListener(Protocol):
    """Where a subscriber's reports about one outgoing stream go (``stream``: the sender's SSRC)."""

    def on_loss_report(self, stream: int, fraction_lost: float) -> None:
        """A receiver report: the fraction (0..1) of this stream lost since the last one."""

    def on_rtt(self, seconds: float) -> None:
        """The round trip to the subscriber."""

    def on_remb(self, bps: float, streams: list[int]) -> None:
        """The subscriber's estimate of what it can receive on these streams."""

    def on_transport_feedback(self, results: list[PacketResult], now: float) -> None:
        """Transport-wide feedback matched to what the server sent on the subscriber's connection
        (``now``: the server's clock when it arrived; see :mod:`sessions.transport_feedback`)."""


def feedback_internals_problems() -> list[str]:
    """What moved in aiortc among the internals this module uses (empty when nothing did)."""
    problems: list[str] = []
    sender_src = inspect.getsource(RTCRtpSender)
    receiver_src = inspect.getsource(RTCRtpReceiver)
    for source, needle, what in (
        (
            sender_src,
            "async def _handle_rtcp_packet(self, packet: AnyRtcpPacket)",
            "RTCRtpSender._handle_rtcp_packet",
        ),
        (sender_src, "self.__rtt = rtt", "RTCRtpSender.__rtt (the round trip from receiver reports)"),
        (receiver_src, "async def _send_rtcp(self, packet: AnyRtcpPacket)", "RTCRtpReceiver._send_rtcp"),
        (receiver_src, "self.__rtcp_ssrc = ssrc", "RTCRtpReceiver.__rtcp_ssrc"),
        (receiver_src, "fci=pack_remb_fci(*remb)", "RTCRtpReceiver sends REMB through _send_rtcp"),
    ):
        if needle not in source:
            problems.append(f"moved: {what} (looked for {needle!r})")
    return problems


def watch_feedback(sender: RTCRtpSender, listener: FeedbackListener) -> None:
    """Tell ``listener`` what the remote peer of ``sender`` reports about the stream it sends."""
    original: Callable[[AnyRtcpPacket], Awaitable[None]] = sender._handle_rtcp_packet

    async def handle_rtcp_packet(packet: AnyRtcpPacket) -> None:
        await original(packet)
        try:
            _tell(sender, listener, packet)
        except Exception:  # a listener's bug must not stop the sender's RTCP
            logger.exception("could not read a subscriber's feedback")

    sender._handle_rtcp_packet = handle_rtcp_packet  # type: ignore[method-assign]


def _tell(sender: RTCRtpSender, listener: FeedbackListener, packet: AnyRtcpPacket) -> None:
    ssrc = sender._ssrc
    if isinstance(packet, RtcpRrPacket | RtcpSrPacket):
        for report in packet.reports:
            if report.ssrc == ssrc:
                listener.on_loss_report(ssrc, report.fraction_lost / 256.0)
                rtt = getattr(sender, _SENDER_RTT, None)
                if isinstance(rtt, float):
                    listener.on_rtt(rtt)
    elif isinstance(packet, RtcpPsfbPacket) and packet.fmt == RTCP_PSFB_APP:
        try:
            bitrate, ssrcs = unpack_remb_fci(packet.fci)
        except ValueError:
            return
        if ssrc in ssrcs:
            listener.on_remb(float(bitrate), ssrcs)


class PublisherSteering:
    """The REMB the server sends one publisher's stream: at most :attr:`cap` (None: no cap).

    Wraps the receiver's ``_send_rtcp`` so that the REMB its own estimator sends never exceeds the
    cap, and :meth:`tick` sends the cap itself when it is under that estimate (or when there is none,
    the publisher not using abs-send-time).
    """

    def __init__(self, receiver: RTCRtpReceiver, clock: Callable[[], float]) -> None:
        self.receiver = receiver
        self._clock = clock
        self.cap: float | None = None
        self.own_estimate: float | None = None
        self._own_at = -1e9
        self._sent_cap: float | None = None
        self._sent_at = -1e9
        self.rembs_sent = 0
        original: Callable[[AnyRtcpPacket], Awaitable[None]] = receiver._send_rtcp

        async def send_rtcp(packet: AnyRtcpPacket) -> None:
            await original(self._capped(packet))

        self._original_send = original
        receiver._send_rtcp = send_rtcp  # type: ignore[method-assign]

    def set_cap(self, bps: float | None) -> None:
        """What the publisher may send at most from now on (None: what the receiver estimates)."""
        self.cap = None if bps is None else max(0.0, bps)

    def tick(self) -> None:
        """Send our own REMB if the cap calls for one now (cheap; call it every adaptation tick)."""
        if self.cap is None:
            self._sent_cap = None
            return
        now = self._clock()
        own = self.own_estimate if now - self._own_at <= OWN_ESTIMATE_TTL else None
        value = self.cap if own is None else min(self.cap, own)
        if own is not None and value >= own:
            return  # the receiver's own REMB already says as much (and goes out on its own)
        moved = self._sent_cap is None or abs(value - self._sent_cap) > CAP_CHANGE * self._sent_cap
        if not moved and now - self._sent_at < STEERING_INTERVAL:
            return
        ssrcs = [source.source for source in self.receiver.getSynchronizationSources()]
        rtcp_ssrc = getattr(self.receiver, _RECEIVER_RTCP_SSRC, None)
        if not ssrcs or not isinstance(rtcp_ssrc, int):
            return
        packet = RtcpPsfbPacket(
            fmt=RTCP_PSFB_APP, ssrc=rtcp_ssrc, media_ssrc=0, fci=pack_remb_fci(int(value), ssrcs)
        )
        self._sent_cap, self._sent_at = value, now
        self.rembs_sent += 1
        task = asyncio.ensure_future(self._original_send(packet))
        task.add_done_callback(_log_failure)

    def _capped(self, packet: AnyRtcpPacket) -> AnyRtcpPacket:
        if not (isinstance(packet, RtcpPsfbPacket) and packet.fmt == RTCP_PSFB_APP):
            return packet
        try:
            bitrate, ssrcs = unpack_remb_fci(packet.fci)
        except ValueError:
            return packet
        self.own_estimate, self._own_at = float(bitrate), self._clock()
        if self.cap is None or bitrate <= self.cap:
            return packet
        return RtcpPsfbPacket(
            fmt=packet.fmt,
            ssrc=packet.ssrc,
            media_ssrc=packet.media_ssrc,
            fci=pack_remb_fci(int(self.cap), ssrcs),
        )


def _log_failure(task: asyncio.Future[Any]) -> None:
    if not task.cancelled() and task.exception() is not None:
        logger.warning("a REMB to a publisher could not be sent: %r", task.exception())
