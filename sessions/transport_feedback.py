"""Transport-wide congestion control on the server's aiortc connections: every RTP packet the server
sends a participant carries a transport-wide sequence number, and the transport feedback their
browser sends back is matched to what was sent (:mod:`sessions.twcc`) and handed to a listener.

aiortc 1.16 implements neither side: it knows the header extension's URI but never writes it, and
its RTCP parser reads an RTPFB of FMT 15 as a NACK's (pid, bitmask) pairs, or refuses the whole
compound packet when the feedback's padding leaves a length that is not a multiple of four. So one
object, :class:`TransportWideCc`, extends the one DTLS transport a bundled connection sends and
receives on (instance attributes, never a class patch):

* ``RTCDtlsTransport._send_rtp(data)`` is where every sender of the connection (audio, video, and
  the RTX resends) hands its serialized packet to SRTP. The wrapper stamps the next sequence number
  into the packet's header extension first (:func:`sessions.twcc.stamp_transport_sequence`) and
  records it with its wire size and send time; RTCP passes untouched.
* ``RTCDtlsTransport._handle_rtcp_data(data)`` receives each decrypted compound RTCP packet. The
  wrapper takes the transport feedback out (:func:`sessions.twcc.transport_feedback_fcis`) and gives
  aiortc the rest.

Numbers are stamped only once the participant's answer accepted the extension
(:meth:`TransportWideCc.negotiated`); the SDP side is :func:`sessions.negotiation.create_offer`.
The internals relied on are checked by :func:`transport_feedback_internals_problems`.
"""

from __future__ import annotations

import inspect
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Final, Protocol

from aiortc import RTCDtlsTransport, RTCPeerConnection, RTCRtpSender, sdp
from aiortc.rtp import is_rtcp

from sessions.twcc import (
    TRANSPORT_CC_URI,
    MalformedFeedback,
    PacketResult,
    SendHistory,
    parse_transport_feedback,
    stamp_transport_sequence,
    transport_feedback_fcis,
)

logger = logging.getLogger(__name__)

#: Bytes SRTP adds to an RTP packet (the authentication tag), by the profile DTLS agreed on.
SRTP_TAG_BYTES: Final = {
    b"SRTP_AES128_CM_SHA1_80": 10,
    b"SRTP_AEAD_AES_128_GCM": 16,
    b"SRTP_AEAD_AES_256_GCM": 16,
}
_DEFAULT_TAG_BYTES: Final = 10
_RECEIVING_DIRECTIONS: Final = ("recvonly", "sendrecv")


class TransportFeedbackListener(Protocol):
    """Where one connection's matched transport feedback goes."""

    def on_transport_feedback(self, results: list[PacketResult], now: float) -> None:
        """What a feedback message said about packets the server sent (``now``: when it came)."""


@dataclass(slots=True)
class FeedbackCounts:
    """What one connection's transport feedback amounted to (for the log and the tests). A packet
    first reported lost and later received (late) counts in both ``lost`` and ``received``."""

    stamped: int = 0
    feedbacks: int = 0
    malformed: int = 0
    received: int = 0
    lost: int = 0
    first_feedback_at: float | None = None
    last_feedback_at: float | None = None
    #: The earliest and latest (send time, arrival time) of packets reported received.
    first_received: tuple[float, float] | None = None
    last_received: tuple[float, float] | None = None

    def fields(self) -> dict[str, int | float]:
        """The counts as log context fields (spans in seconds)."""
        fields: dict[str, int | float] = {
            "stamped": self.stamped,
            "feedbacks": self.feedbacks,
            "malformed": self.malformed,
            "received": self.received,
            "lost": self.lost,
        }
        if self.first_feedback_at is not None and self.last_feedback_at is not None:
            fields["feedback_seconds"] = round(self.last_feedback_at - self.first_feedback_at, 3)
        if self.first_received is not None and self.last_received is not None:
            fields["sent_span"] = round(self.last_received[0] - self.first_received[0], 3)
            fields["arrival_span"] = round(self.last_received[1] - self.first_received[1], 3)
        return fields

    def describe(self) -> str:
        """One line for the log."""
        seconds = 0.0
        if self.first_feedback_at is not None and self.last_feedback_at is not None:
            seconds = self.last_feedback_at - self.first_feedback_at
        rate = f"{self.feedbacks / seconds:.1f}/s" if seconds > 0 else "-"
        spans = "-"
        if self.first_received is not None and self.last_received is not None:
            sent = self.last_received[0] - self.first_received[0]
            arrived = self.last_received[1] - self.first_received[1]
            spans = f"{sent:.2f} s sent, {arrived:.2f} s arrived"
        return (
            f"{self.feedbacks} feedback messages in {seconds:.1f} s ({rate}), {self.malformed} malformed; "
            f"{self.received} packets reported received and {self.lost} lost of {self.stamped} stamped; "
            f"span {spans}"
        )


class TransportWideCc:
    """Transport-wide sequence numbers and feedback on one server peer connection (see the module
    docstring); ``listener`` hears every feedback that matched something sent."""

    def __init__(
        self,
        pc: RTCPeerConnection,
        listener: TransportFeedbackListener,
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.pc = pc
        self._listener = listener
        self._clock = clock
        #: The header extension's id the participant accepted (None: not negotiated, nothing stamped).
        self.extension_id: int | None = None
        self.counts = FeedbackCounts()
        self._transports: dict[RTCDtlsTransport, _Hook] = {}

    def negotiated(self) -> None:
        """The connection's descriptions changed: stamp with the id the participant's answer gave the
        extension (on a section they receive on), and hook any transport not hooked yet."""
        self.extension_id = _answered_extension_id(self.pc)
        for transceiver in self.pc.getTransceivers():
            transport = transceiver.sender.transport
            if transport is not None and transport not in self._transports:
                self._transports[transport] = _Hook(self, transport, self._clock)

    def history(self, transport: RTCDtlsTransport) -> SendHistory | None:
        """What was sent on one of the connection's transports, if it is hooked."""
        hook = self._transports.get(transport)
        return hook.history if hook is not None else None

    def _on_feedback(self, results: list[PacketResult], malformed: int, now: float) -> None:
        counts = self.counts
        counts.feedbacks += 1
        counts.malformed += malformed
        if counts.first_feedback_at is None:
            counts.first_feedback_at = now
        counts.last_feedback_at = now
        for result in results:
            if result.arrival_time is None:
                counts.lost += 1
                continue
            counts.received += 1
            point = (result.send_time, result.arrival_time)
            if counts.first_received is None or point[0] < counts.first_received[0]:
                counts.first_received = point
            if counts.last_received is None or point[0] > counts.last_received[0]:
                counts.last_received = point
        if not results:
            return
        try:
            self._listener.on_transport_feedback(results, now)
        except Exception:  # a listener's bug must not stop the connection's RTCP
            logger.exception("transport feedback could not be used")


class _Hook:
    """One DTLS transport's sequence numbers, send history and feedback."""

    def __init__(
        self, owner: TransportWideCc, transport: RTCDtlsTransport, clock: Callable[[], float]
    ) -> None:
        self.owner = owner
        self._clock = clock
        self.transport = transport
        self.history = SendHistory()
        self._next = 0
        self._tag_bytes: int | None = None
        send_rtp: Callable[[bytes], Awaitable[None]] = transport._send_rtp
        handle_rtcp: Callable[[bytes], Awaitable[None]] = transport._handle_rtcp_data

        async def stamped_send_rtp(data: bytes) -> None:
            await send_rtp(self._stamp(data))

        async def handle_rtcp_data(data: bytes) -> None:
            rest = self._take_feedback(data)
            if rest:
                await handle_rtcp(rest)

        transport._send_rtp = stamped_send_rtp  # type: ignore[method-assign]
        transport._handle_rtcp_data = handle_rtcp_data  # type: ignore[method-assign]

    def _stamp(self, data: bytes) -> bytes:
        extension_id = self.owner.extension_id
        if extension_id is None or is_rtcp(data):
            return data
        try:
            stamped = stamp_transport_sequence(data, extension_id, self._next)
        except ValueError:
            return data  # not RTP we can extend: it goes out as it was, unnumbered
        self.history.on_sent(self._next, len(stamped) + self._srtp_tag_bytes(), self._clock())
        self._next = (self._next + 1) & 0xFFFF
        self.owner.counts.stamped += 1
        return stamped

    def _srtp_tag_bytes(self) -> int:
        if self._tag_bytes is None:
            ssl = getattr(self.transport, "_ssl", None)
            try:
                profile = ssl.get_selected_srtp_profile() if ssl is not None else b""
            except Exception:  # pyOpenSSL without SRTP support, or no handshake yet
                profile = b""
            self._tag_bytes = SRTP_TAG_BYTES.get(profile, _DEFAULT_TAG_BYTES)
        return self._tag_bytes

    def _take_feedback(self, data: bytes) -> bytes:
        """``data`` without its transport feedback, which goes to the owner."""
        try:
            fcis, rest = transport_feedback_fcis(data)
        except MalformedFeedback:
            return data  # aiortc's parser refuses it (and logs it at debug level) as before
        now = self._clock()
        for fci in fcis:
            try:
                feedback = parse_transport_feedback(fci)
            except MalformedFeedback as exc:
                logger.debug("a malformed transport feedback was dropped: %s", exc)
                self.owner._on_feedback([], 1, now)
                continue
            self.owner._on_feedback(self.history.on_feedback(feedback), 0, now)
        return rest


def _answered_extension_id(pc: RTCPeerConnection) -> int | None:
    """The transport-wide sequence number's id in the participant's answer, on a section they receive
    on (None when there is no answer of theirs or they did not accept it)."""
    remote = pc.remoteDescription
    if remote is None or remote.type != "answer":
        return None
    for media in sdp.SessionDescription.parse(remote.sdp).media:
        if media.direction not in _RECEIVING_DIRECTIONS:
            continue
        for extension in media.rtp.headerExtensions:
            if extension.uri == TRANSPORT_CC_URI:
                return int(extension.id)
    return None


def transport_feedback_internals_problems() -> list[str]:
    """What moved in aiortc among the internals this module uses (empty when nothing did)."""
    problems: list[str] = []
    dtls_src = inspect.getsource(RTCDtlsTransport)
    sender_src = inspect.getsource(RTCRtpSender)
    for source, needle, what in (
        (dtls_src, "async def _send_rtp(self, data: bytes) -> None:", "RTCDtlsTransport._send_rtp"),
        (
            dtls_src,
            "data = self._tx_srtp.protect(data)",
            "RTCDtlsTransport._send_rtp protects the RTP it gets",
        ),
        (
            dtls_src,
            "await self._handle_rtcp_data(data)",
            "RTCDtlsTransport hands each decrypted RTCP packet to self._handle_rtcp_data",
        ),
        (dtls_src, "self._ssl.get_selected_srtp_profile()", "RTCDtlsTransport._ssl (the SRTP profile)"),
        (
            sender_src,
            "await self.transport._send_rtp(packet_bytes)",
            "RTCRtpSender sends (and resends) through its transport's _send_rtp",
        ),
    ):
        if needle not in source:
            problems.append(f"moved: {what} (looked for {needle!r})")
    return problems
