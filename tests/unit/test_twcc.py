"""Transport-wide congestion control feedback (sessions/twcc.py): feedback packets written by hand from
the byte layout of draft-holmer-rmcat-transport-wide-cc-extensions-01, section 3.1:

    base sequence number (16) | packet status count (16)
    reference time (24, signed, 64 ms) | feedback packet count (8)
    packet chunks (16 bits each), then receive deltas (8 bits unsigned or 16 bits signed, 250 µs),
    then zero padding to 32 bits.

A chunk is either a run length (T=0, a 2-bit symbol, a 13-bit run) or a status vector (T=1, then S=0
for fourteen 1-bit symbols, S=1 for seven 2-bit ones). Symbols: 00 not received, 01 received with a
small (1-byte) delta, 10 received with a large or negative (2-byte) delta, 11 reserved.
"""

from __future__ import annotations

import random
import struct

import pytest
from aiortc.rtcrtpparameters import RTCRtpHeaderExtensionParameters, RTCRtpParameters
from aiortc.rtp import (
    HeaderExtensionsMap,
    RtcpPacket,
    RtcpReceiverInfo,
    RtcpRrPacket,
    RtpPacket,
)

from sessions.twcc import (
    DELTA_UNIT,
    REFERENCE_TIME_UNIT,
    TRANSPORT_CC_URI,
    MalformedFeedback,
    SendHistory,
    TransportFeedback,
    parse_transport_feedback,
    stamp_transport_sequence,
    transport_feedback_fcis,
)


def header(base: int, count: int, reference: int, feedback_count: int) -> bytes:
    """The FCI's first 8 bytes (reference time as 24-bit two's complement)."""
    return (
        struct.pack("!HH", base, count) + (reference % (1 << 24)).to_bytes(3, "big") + bytes([feedback_count])
    )


# ---------------------------------------------------------------------------------------------- parsing


def test_a_run_length_chunk_of_small_deltas() -> None:
    # Three packets from 100, all received with small deltas: run length chunk 0 01 0000000000011.
    fci = header(100, 3, 1, 7) + bytes([0b0010_0000, 0b0000_0011]) + bytes([4, 8, 0]) + b"\0\0\0"
    feedback = parse_transport_feedback(fci)
    assert feedback == TransportFeedback(
        base_seq=100, reference_time=1, feedback_count=7, arrivals=(4, 12, 12)
    )


def test_a_run_length_chunk_of_lost_packets_has_no_deltas() -> None:
    # 1000 packets not received: 0 00 (1000 in 13 bits).
    fci = header(5, 1000, 0, 0) + struct.pack("!H", 1000) + b"\0\0"
    feedback = parse_transport_feedback(fci)
    assert feedback.arrivals == (None,) * 1000


def test_a_one_bit_status_vector() -> None:
    # 1 0 then 14 symbols 1 0 1 1 0 0 0 0 0 0 0 0 0 1, of which the count (5) uses the first five.
    chunk = 0b1000_0000_0000_0000 | 0b10110000000001
    fci = header(7, 5, 2, 1) + struct.pack("!H", chunk) + bytes([1, 2, 3]) + b"\0"
    assert parse_transport_feedback(fci).arrivals == (1, None, 3, 6, None)


def test_a_two_bit_status_vector_with_large_and_negative_deltas() -> None:
    # 1 1 then 01 10 00 10 01 00 00: small, large (+1000 ms), lost, large (-2 ms: reordered), small.
    chunk = 0b1100_0000_0000_0000 | 0b01_10_00_10_01_00_00
    deltas = bytes([40]) + struct.pack("!h", 4000) + struct.pack("!h", -8) + bytes([3])
    fci = header(0, 5, 0, 0) + struct.pack("!H", chunk) + deltas + b"\0\0\0"
    assert parse_transport_feedback(fci).arrivals == (40, 4040, None, 4032, 4035)


def test_chunks_of_every_kind_in_one_feedback() -> None:
    # run of 2 small, one-bit vector (14: 1 then 13 lost), two-bit vector (large, small, then 5 unused).
    run = 0b0010_0000_0000_0010
    one_bit = 0b1000_0000_0000_0000 | (1 << 13)
    two_bit = 0b1100_0000_0000_0000 | (0b10 << 12) | (0b01 << 10)
    fci = (
        header(65530, 18, 0, 3)
        + struct.pack("!HHH", run, one_bit, two_bit)
        + bytes([1, 1, 1])
        + struct.pack("!h", 400)
        + bytes([2])
    )
    arrivals = parse_transport_feedback(fci).arrivals
    assert arrivals == (1, 2, 3) + (None,) * 13 + (403, 405)


def test_the_reference_time_is_signed() -> None:
    fci = header(0, 1, -1, 0) + struct.pack("!H", 0b0010_0000_0000_0001) + bytes([0]) + b"\0"
    assert parse_transport_feedback(fci).reference_time == -1
    fci = header(0, 1, (1 << 23) - 1, 0) + fci[8:]
    assert parse_transport_feedback(fci).reference_time == (1 << 23) - 1


@pytest.mark.parametrize(
    ("fci", "why"),
    [
        (b"", "empty"),
        (header(0, 1, 0, 0)[:7], "header cut short"),
        (header(0, 0, 0, 0) + b"\0\0\0\0", "no packet described"),
        (header(0, 3, 0, 0), "no chunk"),
        (header(0, 3, 0, 0) + struct.pack("!H", 0b0010_0000_0000_0011) + bytes([1, 2]), "a delta missing"),
        (header(0, 2, 0, 0) + struct.pack("!H", 0b0100_0000_0000_0010) + bytes([0, 1]), "a large delta cut"),
        (header(0, 3, 0, 0) + struct.pack("!H", 0b0110_0000_0000_0011) + b"\0\0", "reserved run symbol"),
        (header(0, 7, 0, 0) + struct.pack("!H", 0b1111_0000_0000_0000) + b"\0\0", "reserved vector symbol"),
        (header(0, 1, 0, 0) + struct.pack("!H", 0b0000_0000_0000_0001) + b"\0\0\0\0", "trailing junk"),
        (header(0, 20, 0, 0) + struct.pack("!H", 0b0000_0000_0000_0001) * 19, "more statuses than chunks"),
    ],
)
def test_malformed_feedback_is_refused(fci: bytes, why: str) -> None:
    with pytest.raises(MalformedFeedback):
        parse_transport_feedback(fci)


def test_every_truncation_of_a_valid_feedback_is_refused() -> None:
    chunk = 0b1100_0000_0000_0000 | 0b01_10_01_10_01_10_01
    deltas = bytes([1]) + struct.pack("!h", 10) + bytes([1]) + struct.pack("!h", -3) + bytes([1])
    deltas += struct.pack("!h", 1) + bytes([1])
    full = header(9, 7, 3, 4) + struct.pack("!H", chunk) + deltas
    assert parse_transport_feedback(full).arrivals == (1, 11, 12, 9, 10, 11, 12)
    # No padding: every shorter cut loses part of what the chunks promise.
    for length in range(len(full)):
        with pytest.raises(MalformedFeedback):
            parse_transport_feedback(full[:length])


def test_random_bytes_never_raise_anything_but_malformed_feedback() -> None:
    rng = random.Random(14)
    parsed = 0
    for _ in range(3000):
        fci = bytes(rng.randrange(256) for _ in range(rng.randrange(40)))
        try:
            feedback = parse_transport_feedback(fci)
        except MalformedFeedback:
            continue
        parsed += 1
        assert len(feedback.arrivals) == int.from_bytes(fci[2:4], "big")
    assert parsed > 0  # some random inputs are valid, and they parse to what they say


# ------------------------------------------------------------------------------------ the send history


def feedback(base: int, arrivals: list[int | None], reference: int = 0, count: int = 0) -> TransportFeedback:
    return TransportFeedback(base, reference, count, tuple(arrivals))


def test_feedback_is_matched_to_what_was_sent() -> None:
    history = SendHistory()
    for seq in range(10, 14):
        history.on_sent(seq, 1000 + seq, 5.0 + seq / 100)
    results = history.on_feedback(feedback(10, [4, None, 8, 12], reference=10))
    start = 10 * REFERENCE_TIME_UNIT
    assert [(r.seq, r.size, r.send_time) for r in results] == [
        (10, 1010, 5.1),
        (11, 1011, 5.11),
        (12, 1012, 5.12),
        (13, 1013, 5.13),
    ]
    assert [r.arrival_time for r in results] == [
        pytest.approx(start + 4 * DELTA_UNIT),
        None,
        pytest.approx(start + 8 * DELTA_UNIT),
        pytest.approx(start + 12 * DELTA_UNIT),
    ]


def test_sequence_numbers_are_unwrapped_past_65535() -> None:
    history = SendHistory()
    for index, seq in enumerate([65534, 65535, 0, 1]):
        history.on_sent(seq, 100, float(index))
    results = history.on_feedback(feedback(65534, [1, 2, 3, 4]))
    assert [r.seq for r in results] == [65534, 65535, 65536, 65537]
    assert [r.send_time for r in results] == [0.0, 1.0, 2.0, 3.0]
    # And again, a whole turn later.
    for index in range(65536):
        history.on_sent((2 + index) % 65536, 100, 4.0)
    assert [r.seq for r in history.on_feedback(feedback(0, [1, 2]))] == [131072, 131073]


def test_reference_time_is_unwrapped_across_feedbacks() -> None:
    history = SendHistory()
    for seq in range(4):
        history.on_sent(seq, 100, 0.0)
    top = (1 << 23) - 1  # the largest reference time; the next one wraps to the smallest
    before = history.on_feedback(feedback(0, [0, 0], reference=top))
    after = history.on_feedback(feedback(2, [0, 0], reference=-(1 << 23)))
    assert after[0].arrival_time is not None and before[0].arrival_time is not None
    assert after[0].arrival_time - before[0].arrival_time == pytest.approx(REFERENCE_TIME_UNIT)


def test_reordered_arrivals_keep_their_arrival_times() -> None:
    history = SendHistory()
    for seq in range(3):
        history.on_sent(seq, 100, seq * 0.01)
    results = history.on_feedback(feedback(0, [40, 80, 72]))  # the third arrived before the second
    arrivals = [r.arrival_time for r in results]
    assert arrivals == [pytest.approx(0.010), pytest.approx(0.020), pytest.approx(0.018)]


def test_duplicates_and_unknown_packets_are_not_reported_again() -> None:
    history = SendHistory()
    for seq in range(100, 104):
        history.on_sent(seq, 100, 0.0)
    first = history.on_feedback(feedback(98, [1, 1, 1, None, 1, 1, 1, 1]))  # 98, 99, 104, 105 unknown
    assert [(r.seq, r.arrival_time is None) for r in first] == [
        (100, False),
        (101, True),
        (102, False),
        (103, False),
    ]
    # The same feedback again (a receiver repeating itself): nothing new.
    assert history.on_feedback(feedback(98, [1, 1, 1, None, 1, 1, 1, 1])) == []
    # 101 arrives late after all: reported once more, as received.
    late = history.on_feedback(feedback(101, [9]))
    assert [r.seq for r in late] == [101]
    assert late[0].arrival_time == pytest.approx(9 * DELTA_UNIT)
    assert history.on_feedback(feedback(101, [9])) == []


def test_old_packets_are_forgotten() -> None:
    history = SendHistory(max_age=2.0, max_packets=100)
    history.on_sent(0, 100, 0.0)
    history.on_sent(1, 100, 1.0)
    history.on_sent(2, 100, 2.5)  # packet 0 is now older than 2 s
    assert [r.seq for r in history.on_feedback(feedback(0, [1, 1, 1]))] == [1, 2]
    for seq in range(3, 203):
        history.on_sent(seq, 100, 3.0)
    assert len(history) == 100
    assert [r.seq for r in history.on_feedback(feedback(102, [1, 1, 1]))] == [103, 104]


def test_feedback_before_anything_was_sent_matches_nothing() -> None:
    assert SendHistory().on_feedback(feedback(0, [1, None])) == []


# ------------------------------------------------------------------- RTCP compounds and RTP stamping


def rtpfb(fmt: int, payload: bytes, padding: int = 0) -> bytes:
    body = payload + (b"\0" * (padding - 1) + bytes([padding]) if padding else b"")
    assert len(body) % 4 == 0
    return bytes([0x80 | (0x20 if padding else 0) | fmt, 205]) + struct.pack("!H", len(body) // 4) + body


def test_transport_feedback_is_taken_out_of_a_compound_packet() -> None:
    report = bytes(RtcpRrPacket(ssrc=1, reports=[RtcpReceiverInfo(2, 10, 0, 0, 0, 0, 0)]))
    fci = header(3, 1, 0, 0) + struct.pack("!H", 0b0010_0000_0000_0001) + bytes([5])  # 11 bytes
    ssrcs = struct.pack("!LL", 9, 2)
    compound = report + rtpfb(15, ssrcs + fci, padding=1) + rtpfb(1, ssrcs + struct.pack("!HH", 7, 0))
    fcis, rest = transport_feedback_fcis(compound)
    assert [parse_transport_feedback(f).arrivals for f in fcis] == [(5,)]
    # Everything else, as it was, still parses in aiortc: the report and the NACK.
    assert [type(p).__name__ for p in RtcpPacket.parse(rest)] == ["RtcpRrPacket", "RtcpRtpfbPacket"]
    with pytest.raises(MalformedFeedback):
        transport_feedback_fcis(compound[:-2])
    with pytest.raises(MalformedFeedback):
        transport_feedback_fcis(rtpfb(15, ssrcs[:4]))


def parsed_with_twcc(data: bytes, extension_id: int) -> RtpPacket:
    extensions = HeaderExtensionsMap()
    extensions.configure(
        RTCRtpParameters(
            headerExtensions=[
                RTCRtpHeaderExtensionParameters(id=1, uri="urn:ietf:params:rtp-hdrext:sdes:mid"),
                RTCRtpHeaderExtensionParameters(
                    id=3, uri="http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time"
                ),
                RTCRtpHeaderExtensionParameters(id=extension_id, uri=TRANSPORT_CC_URI),
            ]
        )
    )
    return RtpPacket.parse(data, extensions)


def aiortc_packet(**extensions: object) -> RtpPacket:
    packet = RtpPacket(payload_type=96, sequence_number=17, timestamp=1234, ssrc=42, payload=b"frame-bytes")
    for name, value in extensions.items():
        setattr(packet.extensions, name, value)
    return packet


def test_stamping_adds_the_sequence_number_beside_aiortc_s_extensions() -> None:
    extensions = HeaderExtensionsMap()
    extensions.configure(
        RTCRtpParameters(
            headerExtensions=[
                RTCRtpHeaderExtensionParameters(id=1, uri="urn:ietf:params:rtp-hdrext:sdes:mid"),
                RTCRtpHeaderExtensionParameters(
                    id=3, uri="http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time"
                ),
            ]
        )
    )
    data = aiortc_packet(mid="1", abs_send_time=0x123400).serialize(extensions)
    stamped = stamp_transport_sequence(data, 5, 70000)
    packet = parsed_with_twcc(stamped, 5)
    assert packet.extensions.transport_sequence_number == 70000 % 65536
    assert (packet.extensions.mid, packet.extensions.abs_send_time) == ("1", 0x123400)
    assert (packet.sequence_number, packet.ssrc, packet.payload) == (17, 42, b"frame-bytes")
    # Stamped again (a packet is stamped once per send): the number is replaced, not added.
    again = stamp_transport_sequence(stamped, 5, 3)
    assert len(again) == len(stamped)
    assert parsed_with_twcc(again, 5).extensions.transport_sequence_number == 3


def test_stamping_a_packet_without_extensions_with_csrcs_and_padding() -> None:
    plain = aiortc_packet()
    plain.csrc = [7, 8]
    plain.padding_size = 4
    stamped = stamp_transport_sequence(plain.serialize(), 2, 513)
    packet = parsed_with_twcc(stamped, 2)
    assert packet.extensions.transport_sequence_number == 513
    assert (packet.csrc, packet.payload, packet.padding_size) == ([7, 8], b"frame-bytes", 4)


def test_stamping_the_two_byte_header_form() -> None:
    # Profile 0x1000, one element (id 20, 3 bytes) and padding: the stamp joins it in that form.
    block = bytes([20, 3, 0xAA, 0xBB, 0xCC, 0, 0, 0])
    data = (
        bytes([0x90, 96]) + struct.pack("!HLL", 1, 2, 3) + struct.pack("!HH", 0x1000, 2) + block + b"payload"
    )
    packet = parsed_with_twcc(stamp_transport_sequence(data, 6, 258), 6)
    assert packet.extensions.transport_sequence_number == 258
    assert packet.payload == b"payload"


@pytest.mark.parametrize(
    "data",
    [
        b"\x80\x60\x00",  # shorter than a header
        bytes([0x40, 96]) + b"\0" * 10,  # version 1
        bytes([0x90, 96]) + b"\0" * 10,  # extension bit, no extension header
        bytes([0x90, 96]) + b"\0" * 10 + struct.pack("!HH", 0xBEDE, 3) + b"\0" * 4,  # block cut short
        bytes([0x90, 96]) + b"\0" * 10 + struct.pack("!HH", 0xABCD, 0),  # an unknown profile
    ],
)
def test_stamping_refuses_what_is_not_rtp(data: bytes) -> None:
    with pytest.raises(ValueError):
        stamp_transport_sequence(data, 5, 1)
