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

from collections import OrderedDict
from dataclasses import dataclass
from typing import Final

#: The header extension's URI in SDP (``a=extmap``) and the feedback's name in ``a=rtcp-fb``.
TRANSPORT_CC_URI: Final = "http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01"
TRANSPORT_CC_FEEDBACK: Final = "transport-cc"
RTCP_RTPFB: Final = 205
RTPFB_TRANSPORT_FEEDBACK: Final = 15
#: Units of the draft's fields: the reference time counts 64 ms, receive deltas 250 µs.
REFERENCE_TIME_UNIT: Final = 0.064
DELTA_UNIT: Final = 0.000250
#: What a sent packet is remembered for: feedback comes every 50-100 ms (Chromium, Firefox); one
#: about a packet sent longer ago than this is of no use to a delay detector any more.
HISTORY_SECONDS: Final = 5.0
#: And at most this many packets, so that a 16-bit sequence number is never ambiguous.
HISTORY_PACKETS: Final = 1 << 14

_SEQ_MOD: Final = 1 << 16
_REFERENCE_MOD: Final = 1 << 24
# Packet status symbols (two bits; the one-bit vector uses the first two).
_NOT_RECEIVED: Final = 0
_SMALL_DELTA: Final = 1
_LARGE_DELTA: Final = 2
_FCI_HEADER: Final = 8  # base sequence number, status count, reference time, feedback count
_ONE_BYTE_PROFILE: Final = 0xBEDE
_TWO_BYTE_PROFILE_MASK: Final = 0xFFF0
_TWO_BYTE_PROFILE: Final = 0x1000
_RTP_HEADER: Final = 12


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

    Raises :class:`MalformedFeedback` for anything that does not follow the draft's layout: shorter
    than its header or than its chunks and deltas say, no packet described, a reserved symbol, or
    more than three bytes of padding left over.
    """
    if len(fci) < _FCI_HEADER:
        raise MalformedFeedback(f"transport feedback of {len(fci)} bytes (its header alone is 8)")
    base_seq = int.from_bytes(fci[0:2], "big")
    count = int.from_bytes(fci[2:4], "big")
    reference_time = int.from_bytes(fci[4:7], "big", signed=True)
    feedback_count = fci[7]
    if count == 0:
        raise MalformedFeedback("transport feedback describing no packet")
    symbols, position = _read_chunks(fci, _FCI_HEADER, count)
    arrivals: list[int | None] = []
    ticks = 0
    for symbol in symbols:
        if symbol == _NOT_RECEIVED:
            arrivals.append(None)
            continue
        size = 1 if symbol == _SMALL_DELTA else 2
        if position + size > len(fci):
            raise MalformedFeedback("transport feedback ends inside its receive deltas")
        ticks += int.from_bytes(fci[position : position + size], "big", signed=size == 2)
        position += size
        arrivals.append(ticks)
    if len(fci) - position > 3:
        raise MalformedFeedback(f"transport feedback has {len(fci) - position} bytes after its deltas")
    return TransportFeedback(base_seq, reference_time, feedback_count, tuple(arrivals))


def _read_chunks(fci: bytes, position: int, count: int) -> tuple[list[int], int]:
    """The ``count`` status symbols of the packet chunks from ``position``, and where the deltas start."""
    symbols: list[int] = []
    while len(symbols) < count:
        if position + 2 > len(fci):
            raise MalformedFeedback(f"transport feedback ends after {len(symbols)} of {count} statuses")
        chunk = int.from_bytes(fci[position : position + 2], "big")
        position += 2
        if not chunk & 0x8000:  # run length: T=0, S (2 bits), run length (13 bits)
            symbol = (chunk >> 13) & 0b11
            _check_symbol(symbol)
            symbols.extend([symbol] * min(chunk & 0x1FFF, count - len(symbols)))
        elif not chunk & 0x4000:  # status vector of 14 one-bit symbols (0 not received, 1 small delta)
            symbols.extend((chunk >> shift) & 1 for shift in range(13, -1, -1))
        else:  # status vector of 7 two-bit symbols
            for shift in range(12, -1, -2):
                symbol = (chunk >> shift) & 0b11
                _check_symbol(symbol)
                symbols.append(symbol)
    # A vector chunk's last symbols may lie past the count: they describe nothing (they are zero).
    return symbols[:count], position


def _check_symbol(symbol: int) -> None:
    if symbol > _LARGE_DELTA:
        raise MalformedFeedback("transport feedback uses the reserved status symbol 11")


def transport_feedback_fcis(compound: bytes) -> tuple[list[bytes], bytes]:
    """The FCIs of the transport feedback messages in a compound RTCP packet, and the compound without
    them (every other RTCP packet as it was, in order).

    Raises :class:`MalformedFeedback` when the compound's packet lengths do not add up (the caller
    then leaves the packet to its RTCP parser, which refuses it too).
    """
    fcis: list[bytes] = []
    rest: list[bytes] = []
    position = 0
    while position < len(compound):
        if position + 4 > len(compound):
            raise MalformedFeedback("RTCP packet shorter than its header")
        first, packet_type = compound[position], compound[position + 1]
        end = position + 4 + 4 * int.from_bytes(compound[position + 2 : position + 4], "big")
        if end > len(compound) or first >> 6 != 2:
            raise MalformedFeedback("RTCP packet truncated, or not version 2")
        packet = compound[position:end]
        position = end
        if packet_type != RTCP_RTPFB or first & 0x1F != RTPFB_TRANSPORT_FEEDBACK:
            rest.append(packet)
            continue
        payload = packet[4:]
        if first & 0x20:  # padding: its last byte says how many bytes to drop
            padding = payload[-1] if payload else 0
            if padding == 0 or padding > len(payload):
                raise MalformedFeedback("RTCP padding longer than its packet")
            payload = payload[:-padding]
        if len(payload) < 8:
            raise MalformedFeedback("transport feedback without its two SSRCs")
        fcis.append(payload[8:])
    return fcis, b"".join(rest)


def stamp_transport_sequence(packet: bytes, extension_id: int, seq: int) -> bytes:
    """The RTP ``packet`` with the transport-wide sequence number ``seq`` in header extension
    ``extension_id`` (added, or replacing one already there; one-byte or two-byte header form).

    Raises ValueError for bytes that are not an RTP packet this can extend.
    """
    if len(packet) < _RTP_HEADER or packet[0] >> 6 != 2:
        raise ValueError("not an RTP packet")
    if not 1 <= extension_id <= 14:
        raise ValueError(f"extension id {extension_id} is not a one-byte header id (1-14)")
    value = (seq % _SEQ_MOD).to_bytes(2, "big")
    start = _RTP_HEADER + 4 * (packet[0] & 0x0F)
    if not packet[0] & 0x10:
        if start > len(packet):
            raise ValueError("RTP packet shorter than its CSRC list")
        block = bytes([(extension_id << 4) | 1]) + value + b"\0"
        head = bytes([packet[0] | 0x10]) + packet[1:start]
        return head + _ONE_BYTE_PROFILE.to_bytes(2, "big") + b"\0\1" + block + packet[start:]
    if start + 4 > len(packet):
        raise ValueError("RTP packet shorter than its extension header")
    profile = int.from_bytes(packet[start : start + 2], "big")
    end = start + 4 + 4 * int.from_bytes(packet[start + 2 : start + 4], "big")
    if end > len(packet):
        raise ValueError("RTP packet shorter than its header extension")
    if profile == _ONE_BYTE_PROFILE:
        appended = _append_one_byte(packet, start, end, extension_id, value)
        if appended is not None:
            return appended
    elements = _elements(packet[start + 4 : end], profile)
    kept = [(x_id, x_value) for x_id, x_value in elements if x_id != extension_id]
    kept.append((extension_id, value))
    if profile == _ONE_BYTE_PROFILE:
        body = b"".join(bytes([(x_id << 4) | (len(x_value) - 1)]) + x_value for x_id, x_value in kept)
    else:
        body = b"".join(bytes([x_id, len(x_value)]) + x_value for x_id, x_value in kept)
    body += b"\0" * (-len(body) % 4)
    header = packet[start : start + 2] + (len(body) // 4).to_bytes(2, "big")
    return packet[:start] + header + body + packet[end:]


def _append_one_byte(packet: bytes, start: int, end: int, extension_id: int, value: bytes) -> bytes | None:
    """The fast way for what every packet aiortc sends is (a one-byte block without the id): the
    element added after the last one. None when the block already has the id (or a reserved id 15)."""
    position = used = start + 4
    while position < end:
        byte = packet[position]
        if byte == 0:  # padding
            position += 1
            continue
        if byte >> 4 in (15, extension_id):
            return None
        position += 2 + (byte & 0x0F)
        used = position
    if position > end:
        raise ValueError("RTP header extension element runs past its block")
    body = packet[start + 4 : used] + bytes(((extension_id << 4) | 1,)) + value
    padding = -len(body) % 4
    length = ((len(body) + padding) // 4).to_bytes(2, "big")
    return packet[: start + 2] + length + body + b"\0" * padding + packet[end:]


def _elements(block: bytes, profile: int) -> list[tuple[int, bytes]]:
    """The (id, value) elements of an RTP header extension block (RFC 8285), padding skipped."""
    elements: list[tuple[int, bytes]] = []
    position = 0
    if profile == _ONE_BYTE_PROFILE:
        while position < len(block):
            x_id, length = block[position] >> 4, (block[position] & 0x0F) + 1
            if x_id == 0:  # padding
                position += 1
                continue
            if x_id == 15:  # reserved: stop reading, as RFC 8285 says
                break
            elements.append((x_id, block[position + 1 : position + 1 + length]))
            position += 1 + length
    elif profile & _TWO_BYTE_PROFILE_MASK == _TWO_BYTE_PROFILE:
        while position < len(block):
            if block[position] == 0:
                position += 1
                continue
            if position + 2 > len(block):
                break
            x_id, length = block[position], block[position + 1]
            elements.append((x_id, block[position + 2 : position + 2 + length]))
            position += 2 + length
    else:
        raise ValueError(f"RTP header extension profile {profile:#06x} is neither one- nor two-byte")
    if position > len(block):
        raise ValueError("RTP header extension element runs past its block")
    return elements


@dataclass(slots=True)
class _Sent:
    size: int
    send_time: float
    reported: bool = False  # a feedback said it was lost (a later one may still say it arrived)


class SendHistory:
    """The packets sent on one transport, to match feedback against.

    Sequence numbers are unwrapped past 65535 (by the newest packet sent), and so are the feedback's
    reference times (24 bits of 64 ms: they wrap every 12 days, from wherever the receiver started).
    A packet is reported once as received; once as lost, unless a later feedback says it arrived
    after all (a late packet), which is reported too. Packets not in the history (sent before it, or
    forgotten after ``max_age`` seconds or ``max_packets`` newer ones) are not reported.
    """

    def __init__(self, *, max_age: float = HISTORY_SECONDS, max_packets: int = HISTORY_PACKETS) -> None:
        self._max_age = max_age
        self._max_packets = max_packets
        self._sent: OrderedDict[int, _Sent] = OrderedDict()  # by sequence number, oldest first
        self._newest: int | None = None
        self._reference: int | None = None
        #: Feedback messages taken, and packet results given out.
        self.feedbacks = 0
        self.results = 0

    def __len__(self) -> int:
        return len(self._sent)

    def on_sent(self, seq: int, size: int, now: float) -> None:
        """A packet with transport-wide sequence number ``seq`` (16 bits) of ``size`` bytes went out."""
        unwrapped = self._unwrap(seq)
        if self._newest is None or unwrapped > self._newest:
            self._newest = unwrapped
        self._sent[unwrapped] = _Sent(size, now)
        self._sent.move_to_end(unwrapped)
        while self._sent and (
            len(self._sent) > self._max_packets
            or next(iter(self._sent.values())).send_time < now - self._max_age
        ):
            self._sent.popitem(last=False)

    def on_feedback(self, feedback: TransportFeedback) -> list[PacketResult]:
        """What ``feedback`` says about packets in this history, in sequence order."""
        self.feedbacks += 1
        if self._newest is None:
            return []
        reference = self._unwrap_reference(feedback.reference_time)
        base = self._unwrap(feedback.base_seq)
        results: list[PacketResult] = []
        for index, ticks in enumerate(feedback.arrivals):
            sent = self._sent.get(base + index)
            if sent is None:
                continue
            if ticks is None:
                if sent.reported:
                    continue
                sent.reported = True
                arrival = None
            else:
                del self._sent[base + index]  # reported as received: done with it
                arrival = reference * REFERENCE_TIME_UNIT + ticks * DELTA_UNIT
            results.append(PacketResult(base + index, sent.size, sent.send_time, arrival))
        self.results += len(results)
        return results

    def _unwrap(self, seq: int) -> int:
        """``seq`` (16 bits) as the unwrapped number nearest the newest packet sent."""
        if self._newest is None:
            return seq % _SEQ_MOD
        delta = (seq - self._newest + _SEQ_MOD // 2) % _SEQ_MOD - _SEQ_MOD // 2
        return self._newest + delta

    def _unwrap_reference(self, reference: int) -> int:
        if self._reference is None:
            self._reference = reference
        else:
            delta = (reference - self._reference + _REFERENCE_MOD // 2) % _REFERENCE_MOD - _REFERENCE_MOD // 2
            self._reference += delta
        return self._reference
