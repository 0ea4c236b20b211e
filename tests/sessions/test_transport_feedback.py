"""Transport-wide congestion control on the server's connections (sessions/transport_feedback.py),
with real aiortc peers in one live room.

aiortc has no receive side for transport feedback, so the patient here is made to behave as a
browser does: its answer accepts the extension the server offers (an SDP filter), and a small test
receiver reads the transport-wide number of every RTP packet its connection gets and sends transport
feedback about them (encoded here from the draft's layout) every 50 ms.
"""

from __future__ import annotations

import asyncio
import itertools
import re
import struct
from collections.abc import AsyncIterator, Awaitable, Callable

import pytest
from aiortc import RTCDtlsTransport

from sessions import signaling as sig
from sessions.client import ParticipantClient
from sessions.twcc import TRANSPORT_CC_URI, PacketResult
from tests.sessions.live_support import LiveHarness

pytestmark = pytest.mark.sessions

FEEDBACK_INTERVAL = 0.05


@pytest.fixture
async def harness(no_leaks: None) -> AsyncIterator[LiveHarness]:
    h = LiveHarness()
    yield h
    await h.close()


def sections(sdp: str) -> list[str]:
    return sdp.split("\r\nm=")[1:]


def server_offer_extension_id(harness: LiveHarness, participant_id: str) -> int:
    pc = harness.live.peer(participant_id)
    assert pc is not None and pc.localDescription is not None
    match = re.search(rf"a=extmap:(\d+) {re.escape(TRANSPORT_CC_URI)}", pc.localDescription.sdp)
    assert match is not None, pc.localDescription.sdp
    return int(match.group(1))


def accepting_transport_cc(harness: LiveHarness) -> Callable[[str, str], str]:
    """An SDP filter: the patient's answers accept the extension on every section they receive on,
    with the id the server's offer gave it (what Chromium and Firefox answer)."""

    def rewrite(kind: str, sdp: str) -> str:
        if kind != "answer":
            return sdp
        extension_id = server_offer_extension_id(harness, "patient-9")
        head, *media = sdp.split("\r\nm=")
        out = [head]
        for section in media:
            if "a=recvonly" in section:
                section = section.replace(
                    "a=recvonly", f"a=recvonly\r\na=extmap:{extension_id} {TRANSPORT_CC_URI}"
                )
            out.append(section)
        return "\r\nm=".join(out)

    return rewrite


def transport_sequence(data: bytes, extension_id: int) -> int | None:
    """The transport-wide number in an RTP packet's one-byte header extension, if it has one."""
    if not data[0] & 0x10:
        return None
    start = 12 + 4 * (data[0] & 0x0F)
    profile, words = struct.unpack("!HH", data[start : start + 4])
    assert profile == 0xBEDE
    block = data[start + 4 : start + 4 + 4 * words]
    position = 0
    while position < len(block):
        x_id, length = block[position] >> 4, (block[position] & 0x0F) + 1
        if x_id == 0:
            position += 1
            continue
        if x_id == extension_id:
            return int.from_bytes(block[position + 1 : position + 1 + length], "big")
        position += 1 + length
    return None


def encode_feedback(base: int, arrivals_ms: list[int | None], reference_ms: int, count: int) -> bytes:
    """An RTPFB FMT=15 packet: the statuses in two-bit vector chunks (7 each), deltas small (one byte)
    when 0-63.75 ms, else large (two bytes, signed), all in 250 µs."""
    reference = reference_ms // 64
    symbols: list[int] = []
    deltas = b""
    previous = reference * 64 * 4  # in 250 µs ticks
    for arrival in arrivals_ms:
        if arrival is None:
            symbols.append(0)
            continue
        delta = arrival * 4 - previous
        previous = arrival * 4
        if 0 <= delta <= 255:
            symbols.append(1)
            deltas += bytes([delta])
        else:
            symbols.append(2)
            deltas += struct.pack("!h", delta)
    chunks = b""
    for start in range(0, len(symbols), 7):
        group = symbols[start : start + 7] + [0] * (7 - len(symbols[start : start + 7]))
        chunk = 0xC000
        for index, symbol in enumerate(group):
            chunk |= symbol << (12 - 2 * index)
        chunks += struct.pack("!H", chunk)
    fci = struct.pack("!HH", base % 65536, len(arrivals_ms)) + (reference % (1 << 24)).to_bytes(3, "big")
    fci += bytes([count % 256]) + chunks + deltas
    fci += b"\0" * (-len(fci) % 4)
    body = struct.pack("!LL", 1, 0) + fci
    return bytes([0x80 | 15, 205]) + struct.pack("!H", len(body) // 4) + body


class FeedbackSender:
    """Reads the transport-wide numbers of what ``transport`` receives and reports them as browsers do."""

    def __init__(self, transport: RTCDtlsTransport, extension_id: int) -> None:
        self.transport = transport
        self.extension_id = extension_id
        self.arrivals: dict[int, int] = {}  # transport-wide number -> arrival (ms)
        self.sent = 0
        self._next: int | None = None
        original: Callable[[bytes, int], Awaitable[None]] = transport._handle_rtp_data

        async def handle_rtp_data(data: bytes, arrival_time_ms: int) -> None:
            seq = transport_sequence(data, self.extension_id)
            if seq is not None:
                self.arrivals[seq] = arrival_time_ms
            await original(data, arrival_time_ms)

        transport._handle_rtp_data = handle_rtp_data  # type: ignore[method-assign]
        self.task = asyncio.ensure_future(self._run())

    async def _run(self) -> None:
        while True:
            await asyncio.sleep(FEEDBACK_INTERVAL)
            if not self.arrivals:
                continue
            newest = max(self.arrivals)  # no wrap in a test this short (numbers start at 0)
            first = min(self.arrivals) if self._next is None else self._next
            if newest < first:
                continue
            arrivals = [self.arrivals.get(seq) for seq in range(first, newest + 1)]
            reference = next(a for a in arrivals if a is not None)
            packet = encode_feedback(first, arrivals, reference, self.sent)
            await self.transport._send_rtp(packet)
            self.sent += 1
            self._next = newest + 1

    async def stop(self) -> None:
        self.task.cancel()
        await asyncio.gather(self.task, return_exceptions=True)


async def admitted_patient(
    harness: LiveHarness, host: ParticipantClient, **options: object
) -> ParticipantClient:
    patient = await harness.joined("patient", **options)
    await host.send(sig.Admit(type="admit", participant_id="patient-9"))
    await patient.wait_until(lambda: (me := patient.me()) is not None and me.presence == "admitted")
    await patient.wait_until(
        lambda: patient.frames_from("user-1", "video") > 3 and patient.frames_from("user-1", "audio") > 3
    )
    return patient


async def test_the_server_offers_transport_cc_only_on_the_sections_it_sends_on(harness: LiveHarness) -> None:
    host = await harness.joined("host")
    await admitted_patient(harness, host)
    pc = harness.live.peer("patient-9")
    assert pc is not None and pc.localDescription is not None
    offer = pc.localDescription.sdp
    extension_id = server_offer_extension_id(harness, "patient-9")
    sending = [s for s in sections(offer) if "a=sendonly" in s]
    receiving = [s for s in sections(offer) if "a=recvonly" in s]
    assert len(sending) == 2 and len(receiving) == 2, offer
    for section in sending:
        assert f"a=extmap:{extension_id} {TRANSPORT_CC_URI}" in section
        codecs = re.findall(r"a=rtpmap:(\d+) (\S+)", section)
        for payload_type, name in codecs:
            expected = not name.lower().startswith("rtx/")
            assert (f"a=rtcp-fb:{payload_type} transport-cc" in section) is expected, section
    for section in receiving:
        assert TRANSPORT_CC_URI not in section and "transport-cc" not in section
    # The extension's id is not used for anything else on the connection.
    assert len(set(re.findall(rf"a=extmap:{extension_id} (\S+)", offer))) == 1
    # aiortc's own answer does not take it: nothing is numbered on this connection.
    router = harness.live.router
    assert router.downlinks is not None
    transport_cc = router.downlinks.transport_cc("patient-9")
    assert transport_cc is not None and transport_cc.extension_id is None
    assert transport_cc.counts.stamped == 0


async def test_feedback_from_a_receiver_that_accepted_the_extension_is_matched_to_what_was_sent(
    harness: LiveHarness,
) -> None:
    host = await harness.joined("host")
    patient = await admitted_patient(harness, host, sdp_filter=accepting_transport_cc(harness))
    server_pc = harness.live.peer("patient-9")
    router = harness.live.router
    assert server_pc is not None and router.downlinks is not None
    transport_cc = router.downlinks.transport_cc("patient-9")
    assert transport_cc is not None
    extension_id = server_offer_extension_id(harness, "patient-9")
    assert transport_cc.extension_id == extension_id

    # What the patient's estimator is told (its method, on this one instance).
    heard: list[PacketResult] = []
    controller = router.downlinks.controller("patient-9")
    assert controller is not None
    controller.estimator.on_transport_feedback = lambda results, now: heard.extend(results)  # type: ignore[method-assign]

    assert patient.pc is not None
    transport = patient.pc.getTransceivers()[0].receiver.transport
    feedback = FeedbackSender(transport, extension_id)
    try:
        await patient.wait_until(lambda: sum(r.arrival_time is not None for r in heard) >= 100)
        # A malformed feedback (it describes no packet) is dropped and counted; the rest goes on.
        await transport._send_rtp(encode_feedback(0, [], 0, 0))
        await patient.wait_until(lambda: transport_cc.counts.malformed == 1)
        await patient.wait_until(lambda: sum(r.arrival_time is not None for r in heard) >= 200)
    finally:
        await feedback.stop()

    counts = transport_cc.counts
    assert counts.malformed == 1 and counts.received >= 200
    received = [r for r in heard if r.arrival_time is not None]
    # Every number the patient saw was one the server stamped on a packet it sent, and the server
    # knew when and how big: on loopback, in order, each arriving no earlier than the one before.
    assert [r.seq for r in received] == sorted(r.seq for r in received)
    assert all(r.seq in feedback.arrivals for r in received)
    arrivals = [r.arrival_time for r in received]
    assert all(a is not None and b is not None and b >= a for a, b in itertools.pairwise(arrivals))
    assert [r.send_time for r in received] == sorted(r.send_time for r in received)
    # Audio and video carry numbers from the one sequence: small Opus packets and full VP8 ones.
    sizes = [r.size for r in received]
    assert min(sizes) < 300 and max(sizes) > 1000, sizes
    # Every feedback the patient sent was taken (the last may still be on its way).
    assert counts.feedbacks >= feedback.sent  # theirs, the last perhaps on its way, and the malformed one


async def test_the_server_numbers_the_extension_as_the_participant_s_own_offer_did(
    harness: LiveHarness,
) -> None:
    """Firefox offers the extension as id 7 on the sections it sends; the server's offers reuse that
    id (its first choice; aiortc's answer leaves the extension out, so the id is still free)."""

    def firefox_numbering(kind: str, sdp: str) -> str:
        if kind != "offer":
            return sdp
        return sdp.replace("a=sendonly", f"a=sendonly\r\na=extmap:7 {TRANSPORT_CC_URI}")

    host = await harness.joined("host")
    await admitted_patient(harness, host, sdp_filter=firefox_numbering)
    assert server_offer_extension_id(harness, "patient-9") == 7
