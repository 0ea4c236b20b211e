"""Transport-wide congestion control feedback (draft-holmer-rmcat-transport-wide-cc-extensions-01),
pure: the feedback's wire format and matching it to what the server sent.

The server stamps one *transport-wide* sequence number (a 16-bit RTP header extension) on every RTP
packet of a connection, whatever its stream; the receiver (Chromium, Firefox) reports in RTCP
transport feedback (RTPFB, FMT=15) which of them arrived and when, in its own clock. Matched with
when the server sent each one, that is the delay-based signal GCC's detector needs (growing one-way
delay while a queue fills), which loss reports cannot give in the 2-10 % "hold band".

* :func:`parse_transport_feedback` reads one feedback message's FCI (everything after the two SSRCs).
* :class:`SendHistory` remembers what was sent (sequence number, wire size, send time) and turns a
  feedback into :class:`PacketResult` s.

No aiortc here: the hooks into aiortc are in :mod:`sessions.transport_feedback`.
"""

from __future__ import annotations

from dataclasses import dataclass


class MalformedFeedback(ValueError):
    """A transport feedback message that does not follow the draft's layout (short, inconsistent)."""


@dataclass(frozen=True, slots=True)
class PacketResult:
    """What a feedback says about one packet the server sent.

    ``seq`` is the transport-wide sequence number, unwrapped (it keeps counting past 65535);
    ``size`` the bytes of the packet on the wire (the SRTP packet: the UDP payload); ``send_time``
    when the server sent it (its monotonic clock, seconds); ``arrival_time`` when the receiver got it
    (the receiver's clock, seconds, any origin: only differences mean something), or None when the
    feedback says it was not received.
    """

    seq: int
    size: int
    send_time: float
    arrival_time: float | None


@dataclass(frozen=True, slots=True)
class TransportFeedback:
    """One transport feedback message as sent.

    ``arrivals[i]`` is about the packet ``base_seq + i`` (mod 2^16): its arrival in 250 µs ticks
    after the reference time (the running sum of the receive deltas), or None if not received.
    """

    base_seq: int
    reference_time: int
    feedback_count: int
    arrivals: tuple[int | None, ...]


def parse_transport_feedback(fci: bytes) -> TransportFeedback:
    """The feedback in ``fci`` (the RTPFB FMT=15 payload after the sender's and the media SSRC).

    Raises :class:`MalformedFeedback` for anything that does not follow the draft's layout.
    """
    raise NotImplementedError


class SendHistory:
    """The packets sent on one transport, to match feedback against."""

    def on_sent(self, seq: int, size: int, now: float) -> None:
        """A packet with transport-wide sequence number ``seq`` (16 bits) of ``size`` bytes went out."""
        raise NotImplementedError

    def on_feedback(self, feedback: TransportFeedback) -> list[PacketResult]:
        """What ``feedback`` says about packets in this history, in sequence order."""
        raise NotImplementedError
