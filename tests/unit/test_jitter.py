"""The video jitter buffer that gives up on a lost packet: hand-built RTP packets, no network.

Each test packet's depayloaded data (``_data``, which the receiver sets and the jitter buffer joins into
a frame) names its frame and its part, so a released frame shows whether it is whole.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from datetime import UTC, datetime
from types import SimpleNamespace

import pytest
from aiortc import RTCRtpReceiver, jitterbuffer
from aiortc.jitterbuffer import JitterBuffer, JitterFrame
from aiortc.rtcrtpparameters import RTCRtpCodecParameters
from aiortc.rtcrtpreceiver import RemoteStreamTrack
from aiortc.rtp import RtpPacket

from sessions.forwarding import AiortcInternalsChanged, Publication, SubscriberTrack, check_aiortc_internals
from sessions.jitter import DEFAULT_MAX_HOLE_SPAN, HoleSkippingJitterBuffer, SkippedHole

FRAME_TICKS = 3000  # 30 fps on the 90 kHz video clock
CAPACITY = 512  # what aiortc's receiver uses for video


def packet(seq: int, ts: int, data: bytes) -> RtpPacket:
    p = RtpPacket(payload_type=96, sequence_number=seq & 0xFFFF, timestamp=ts & 0xFFFF_FFFF)
    p._data = data  # type: ignore[attr-defined]  # set by RTCRtpReceiver after depayloading
    return p


def part(frame: int, index: int) -> bytes:
    return f"[{frame}.{index}]".encode()


def whole(frame: int, per_frame: int) -> bytes:
    return b"".join(part(frame, i) for i in range(per_frame))


def stream(
    frames: int, per_frame: int, *, first_seq: int = 1000, first_ts: int = 90_000
) -> list[tuple[int, int, RtpPacket]]:
    """(frame number, part, packet) for ``frames`` frames of ``per_frame`` packets each."""
    out = []
    for f in range(frames):
        for i in range(per_frame):
            seq = first_seq + f * per_frame + i
            out.append((f, i, packet(seq, first_ts + f * FRAME_TICKS, part(f, i))))
    return out


class Feed:
    """Feeds packets to a buffer and keeps what comes out, as the receiver would."""

    def __init__(self, buffer: JitterBuffer) -> None:
        self.buffer = buffer
        self.frames: list[JitterFrame] = []
        self.plis: list[int] = []  # indexes of the add() calls that returned pli_flag
        self.adds = 0
        self.timestamps: dict[bytes, int] = {}  # first part of each frame -> its RTP timestamp

    def add(self, packets: Iterable[RtpPacket]) -> None:
        for p in packets:
            self.timestamps[p._data] = p.timestamp  # type: ignore[attr-defined]
            pli, frame = self.buffer.add(p)
            if pli:
                self.plis.append(self.adds)
            if frame is not None:
                self.frames.append(frame)
            self.adds += 1

    def frame_numbers(self, per_frame: int) -> list[int]:
        """The frame numbers released, checking that each one is whole."""
        numbers = []
        for frame in self.frames:
            number = int(frame.data[1:].split(b".")[0])
            assert frame.data == whole(number, per_frame), f"partial or mixed frame released: {frame.data!r}"
            assert frame.timestamp == self.timestamps[part(number, 0)]
            numbers.append(number)
        return numbers


def skipping(**kw: object) -> tuple[HoleSkippingJitterBuffer, list[SkippedHole]]:
    skipped: list[SkippedHole] = []
    buffer = HoleSkippingJitterBuffer(CAPACITY, is_video=True, on_hole_skipped=skipped.append, **kw)  # type: ignore[arg-type]
    return buffer, skipped


LOST_FRAME = 5


@pytest.mark.parametrize(
    ("per_frame", "lost_part", "dropped"),
    [(1, 0, 2), (2, 0, 3), (2, 1, 3), (3, 1, 2)],
    ids=["whole-frame", "first-packet", "last-packet", "middle-packet"],
)
def test_a_packet_that_never_comes_back_is_given_up_on_after_the_bound(
    per_frame: int, lost_part: int, dropped: int
) -> None:
    packets = [p for f, i, p in stream(60, per_frame) if (f, i) != (LOST_FRAME, lost_part)]
    buffer, skipped = skipping()
    feed = Feed(buffer)
    stock = Feed(JitterBuffer(CAPACITY, is_video=True))

    # The first packet held after the hole: the lost frame's own next packet, or the next frame's first.
    lost_frame_goes_on = lost_part < per_frame - 1
    first_after_hole = LOST_FRAME if lost_frame_goes_on else LOST_FRAME + 1
    first_after_hole_ts = 90_000 + first_after_hole * FRAME_TICKS
    # Up to the bound the buffer waits for a retransmission, exactly as aiortc's own does.
    waiting = [p for p in packets if p.timestamp - first_after_hole_ts <= DEFAULT_MAX_HOLE_SPAN]
    feed.add(waiting)
    stock.add(waiting)
    assert feed.frame_numbers(per_frame) == stock.frame_numbers(per_frame)
    assert max(feed.frame_numbers(per_frame)) < LOST_FRAME
    assert not skipped and not feed.plis

    # The next packet makes the span behind the hole exceed the bound: the hole is given up on.
    rest = packets[len(waiting) :]
    feed.add(rest[:1])
    stock.add(rest[:1])
    assert len(skipped) == 1 and buffer.holes_skipped == 1
    assert feed.plis == [len(waiting)]  # the receiver sends a PLI for exactly this packet
    assert skipped[0].missing == 1 and skipped[0].span > DEFAULT_MAX_HOLE_SPAN

    feed.add(rest[1:])
    stock.add(rest[1:])
    released = feed.frame_numbers(per_frame)  # every one whole (checked inside)
    assert LOST_FRAME not in released
    after = [n for n in released if n > LOST_FRAME]
    # Dropped with the hole: the frame the packet right after the hole belongs to (it cannot be told
    # whether that packet starts it). Then the frames follow in order, one per packet added.
    assert after == list(range(first_after_hole + 1, first_after_hole + 1 + len(after)))
    if per_frame > 1:
        # More packets than frames: the backlog drains, up to the newest finished frame (the 60th is
        # still open, no later packet has closed it).
        assert after[-1] == 58
    else:
        # One packet per frame: each packet releases one frame and brings one, so the backlog stays.
        assert len(after) == len(rest)
    assert len(feed.plis) == 1 and len(skipped) == 1
    # What was in front of the hole (frame 4 whole but not known to be, or the lost frame's start) and
    # the frame the packet after the hole belongs to.
    assert skipped[0].dropped == dropped

    # aiortc's own buffer on the same packets: still holding everything behind the hole.
    assert max(stock.frame_numbers(per_frame)) < LOST_FRAME


def test_knowing_keyframes_it_starts_again_at_the_newest_frame_and_drops_the_useless_backlog() -> None:
    """With one packet per frame the backlog would never drain; with a keyframe test it is not kept."""
    frames = 60
    sent = [(f, p) for f, _, p in stream(frames, 1) if f != LOST_FRAME]
    skipped: list[SkippedHole] = []
    buffer = HoleSkippingJitterBuffer(
        CAPACITY, is_video=True, on_hole_skipped=skipped.append, is_keyframe_start=lambda data: False
    )
    feed = Feed(buffer)
    released_by: dict[int, int] = {}  # frame number -> the frame whose packet's add() released it
    for f, p in sent:
        before = len(feed.frames)
        feed.add([p])
        if len(feed.frames) > before:
            released_by[int(feed.frames[-1].data[1:].split(b".")[0])] = f
    assert len(skipped) == 1
    after = [n for n in feed.frame_numbers(1) if n > LOST_FRAME]
    # It started again at the newest frame: from then on each frame comes out as soon as the next one
    # begins, with no backlog (the frames in between went, useless without the lost one).
    assert after and after == list(range(after[0], frames - 1))
    assert all(released_by[n] == n + 1 for n in after)
    assert after[0] > LOST_FRAME + DEFAULT_MAX_HOLE_SPAN // FRAME_TICKS

    # Without the keyframe test, the same stream keeps the half second of backlog for good.
    plain = Feed(HoleSkippingJitterBuffer(CAPACITY, is_video=True))
    plain.add(p for _, p in sent)
    plain_after = [n for n in plain.frame_numbers(1) if n > LOST_FRAME]
    # The newest finished frame is the 59th (number 58); 14 frames (0.47 s) are still waiting behind it.
    assert (frames - 2) - plain_after[-1] == DEFAULT_MAX_HOLE_SPAN // FRAME_TICKS - 1


def test_knowing_keyframes_it_starts_again_at_a_keyframe_held_behind_the_hole() -> None:
    per_frame = 2
    keyframe = LOST_FRAME + 4  # e.g. asked for by a subscriber just before the loss
    packets = [p for f, i, p in stream(60, per_frame) if (f, i) != (LOST_FRAME, 1)]
    skipped: list[SkippedHole] = []
    buffer = HoleSkippingJitterBuffer(
        CAPACITY,
        is_video=True,
        on_hole_skipped=skipped.append,
        is_keyframe_start=lambda d: d == part(keyframe, 0),
    )
    feed = Feed(buffer)
    feed.add(packets)
    assert len(skipped) == 1
    after = [n for n in feed.frame_numbers(per_frame) if n > LOST_FRAME]
    assert after == list(range(keyframe, 59))


def test_a_retransmission_within_the_bound_fills_the_hole_and_nothing_is_skipped() -> None:
    per_frame = 3
    packets = stream(40, per_frame)
    lost_index = next(k for k, (f, i, _) in enumerate(packets) if (f, i) == (LOST_FRAME, 1))
    lost = packets[lost_index][2]
    others = [p for k, (_, _, p) in enumerate(packets) if k != lost_index]
    buffer, skipped = skipping()
    feed = Feed(buffer)
    # The retransmission arrives ten frames (1/3 s of media) after the packet it replaces.
    arrive_at = lost_index + 10 * per_frame
    feed.add(others[:arrive_at])
    assert max(feed.frame_numbers(per_frame)) < LOST_FRAME
    feed.add([lost])
    feed.add(others[arrive_at:])
    numbers = feed.frame_numbers(per_frame)
    assert numbers == list(range(39)) and not skipped and not feed.plis


def test_sequence_numbers_and_timestamps_wrapping_around() -> None:
    per_frame = 2
    # Frame 5's packets carry sequence numbers 65535 and 0; the timestamps wrap a few frames later.
    first_seq = 65535 - LOST_FRAME * per_frame
    first_ts = 0xFFFF_FFFF - 7 * FRAME_TICKS
    packets = stream(60, per_frame, first_seq=first_seq, first_ts=first_ts)
    assert [p.sequence_number for f, _, p in packets if f == LOST_FRAME] == [65535, 0]
    kept = [p for f, i, p in packets if (f, i) != (LOST_FRAME, 1)]  # sequence number 0 is lost
    buffer, skipped = skipping()
    feed = Feed(buffer)
    feed.add(kept)
    assert len(skipped) == 1 and skipped[0].missing == 1 and len(feed.plis) == 1
    numbers = feed.frame_numbers(per_frame)
    # Frame 5 lost its last packet; frame 6, right after the hole, goes with it (see above).
    assert numbers == [*range(LOST_FRAME), *range(LOST_FRAME + 2, 59)]
    # The skip came once the span passed the bound, as it does away from the wrap: about 15 frames on.
    assert 0 < skipped[0].span - DEFAULT_MAX_HOLE_SPAN <= FRAME_TICKS

    stock = Feed(JitterBuffer(CAPACITY, is_video=True))
    stock.add(kept)
    assert stock.frame_numbers(per_frame) == list(range(LOST_FRAME))  # the rest waits behind the hole


def test_a_late_retransmission_of_a_packet_given_up_on_does_not_reset_the_buffer() -> None:
    per_frame = 2
    packets = stream(200, per_frame)
    lost_index = next(k for k, (f, i, _) in enumerate(packets) if (f, i) == (LOST_FRAME, 1))
    lost = packets[lost_index][2]
    others = [p for k, (_, _, p) in enumerate(packets) if k != lost_index]
    buffer, skipped = skipping()
    feed = Feed(buffer)
    # Re-NACKed later, the packet comes back 150 packets after it was sent: 100 or more behind the
    # front, which aiortc's buffer takes for a restarted stream (it empties itself and asks for a PLI).
    arrive_at = lost_index + 150
    feed.add(others[:arrive_at])
    assert len(skipped) == 1
    frames_before = len(feed.frames)
    feed.add([lost])
    feed.add(others[arrive_at:])
    numbers = feed.frame_numbers(per_frame)
    assert numbers[frames_before:] == list(range(numbers[frames_before - 1] + 1, 199))  # no gap
    assert len(feed.plis) == 1  # only the one for the hole

    # Without remembering what it gave up on, the late packet would reset the buffer: another PLI and
    # the frames in the buffer thrown away.
    class Forgetful(HoleSkippingJitterBuffer):
        def _forget_old_abandoned(self, sequence_number: int) -> None:
            self._abandoned.clear()

    forgetful = Feed(Forgetful(CAPACITY, is_video=True))
    forgetful.add(others[:arrive_at])
    forgetful.add([lost])
    assert len(forgetful.plis) == 2


def test_anything_else_is_the_stock_behaviour() -> None:
    """With a bound never reached: the same frames and PLIs as aiortc's buffer, through loss,
    reordering, a retransmission, a jump in sequence numbers (reset) and a capacity overflow."""
    per_frame = 3
    packets = [p for _, _, p in stream(400, per_frame)]
    # Reorder two packets, fill one hole late, lose one for good.
    packets[30], packets[31] = packets[31], packets[30]
    late = packets.pop(60)
    packets.insert(80, late)
    del packets[120]
    # A restarted stream: sequence numbers jump back by 300 (a "misorder" of 100 or more resets).
    restart = [packet(p.sequence_number - 300, p.timestamp, p._data) for p in packets[200:260]]  # type: ignore[attr-defined]
    sequence = packets[:200] + restart + packets[260:]
    ours = Feed(HoleSkippingJitterBuffer(CAPACITY, is_video=True, max_hole_span=2**30))
    stock = Feed(JitterBuffer(CAPACITY, is_video=True))
    ours.add(sequence)
    stock.add(sequence)
    assert [(f.data, f.timestamp) for f in ours.frames] == [(f.data, f.timestamp) for f in stock.frames]
    assert ours.plis == stock.plis
    assert len(stock.plis) >= 2  # the reset and the overflow both happened, so this compared them


def test_a_moved_jitter_buffer_fails_loudly(monkeypatch: pytest.MonkeyPatch) -> None:
    def remove(self: JitterBuffer, count: int) -> None:
        self._packets = self._packets[count:]

    monkeypatch.setattr(jitterbuffer.JitterBuffer, "remove", remove)
    with pytest.raises(AiortcInternalsChanged, match=r"JitterBuffer.remove\(count\) moves the origin"):
        check_aiortc_internals()


def test_the_bound_must_be_positive() -> None:
    with pytest.raises(ValueError):
        HoleSkippingJitterBuffer(CAPACITY, is_video=True, max_hole_span=0)


# --------------------------------------------------------------------------- the publication's side


class PublicationBench:
    """A Publication on a real, never-started aiortc receiver, fed as the receiver would feed it: each
    packet through the receiver's jitter buffer, each frame that comes out through its decoder queue."""

    def __init__(self, *, decode: bool = False) -> None:
        self.receiver = RTCRtpReceiver("video", SimpleNamespace(state="new"))  # type: ignore[arg-type]
        self.receiver._track = RemoteStreamTrack(kind="video")
        self.stock_buffer = self.receiver._RTCRtpReceiver__jitter_buffer  # type: ignore[attr-defined]
        self.publication = Publication(self.receiver, mime_type="video/vp8", decode=decode)
        self.codec = RTCRtpCodecParameters(mimeType="video/VP8", clockRate=90000, payloadType=96)
        self.track = SubscriberTrack("video")
        self.publication.add_subscriber(self.track)
        self.plis = 0

    def feed(self, packets: Iterable[RtpPacket]) -> None:
        buffer = self.receiver._RTCRtpReceiver__jitter_buffer  # type: ignore[attr-defined]
        queue = self.receiver._RTCRtpReceiver__decoder_queue  # type: ignore[attr-defined]
        for p in packets:
            pli, frame = buffer.add(p)
            self.plis += pli
            if frame is not None:
                queue.put((self.codec, frame))

    def forwarded(self) -> list[int]:
        """Frame numbers queued for the subscriber (its sender has not started reading)."""
        return [int(frame.data[2:].split(b".")[0]) for _, frame in self.track._frames]


def vp8_stream(frames: int, per_frame: int, keyframes: set[int]) -> list[tuple[int, int, RtpPacket]]:
    """Like ``stream``, with each frame's first packet starting with a VP8 frame tag (bit 0: not key)."""
    out = []
    for f, i, p in stream(frames, per_frame):
        tag = b"" if i else (b"\x10" if f in keyframes else b"\x11")
        p._data = tag + part(f, i)  # type: ignore[attr-defined]
        out.append((f, i, p))
    return out


async def test_a_publication_swaps_in_the_hole_skipping_buffer_and_waits_for_a_keyframe() -> None:
    bench = PublicationBench()
    buffer = bench.receiver._RTCRtpReceiver__jitter_buffer  # type: ignore[attr-defined]
    assert isinstance(buffer, HoleSkippingJitterBuffer) and bench.publication.jitter_buffer is buffer
    assert buffer.capacity == bench.stock_buffer.capacity == CAPACITY and buffer._is_video
    # A packet has arrived from the publisher's SSRC: keyframe requests have somewhere to go.
    bench.receiver._RTCRtpReceiver__active_ssrc[1234] = datetime.now(UTC)  # type: ignore[attr-defined]

    keyframe_after_loss = 30
    packets = [
        p for f, i, p in vp8_stream(45, 2, keyframes={0, keyframe_after_loss}) if (f, i) != (LOST_FRAME, 1)
    ]
    requests_before = bench.publication.keyframe_requests_sent
    bench.feed(packets)
    await asyncio.sleep(0)  # let the PLI tasks run (they send nothing: this receiver has no transport)

    publication = bench.publication
    assert publication.holes_skipped == 1 and buffer.holes_skipped == 1 and bench.plis == 1
    assert publication.keyframe_requests_sent > requests_before
    # Forwarded: everything before the loss, then nothing until the keyframe, then everything again.
    forwarded = bench.forwarded()
    assert forwarded == [*range(LOST_FRAME), *range(keyframe_after_loss, 44)]
    # Frames came out of the buffer between the skip and the keyframe; none went to the subscriber.
    assert publication.frames_dropped_after_loss > 0
    assert publication.frames_received == len(forwarded) + publication.frames_dropped_after_loss


async def test_after_a_skip_the_decoder_too_gets_nothing_before_a_keyframe() -> None:
    bench = PublicationBench(decode=True)
    packets = [p for f, i, p in vp8_stream(45, 2, keyframes={0, 30}) if (f, i) != (LOST_FRAME, 1)]
    bench.feed(packets)
    queue = bench.receiver._RTCRtpReceiver__decoder_queue  # type: ignore[attr-defined]
    decoded = []
    while not queue.empty():
        _, frame = queue.get_nowait()
        decoded.append(int(frame.data[2:].split(b".")[0]))
    assert decoded == bench.forwarded() == [*range(LOST_FRAME), *range(30, 44)]


async def test_a_keyframe_held_behind_the_hole_is_where_the_publication_starts_again() -> None:
    bench = PublicationBench()
    keyframe = LOST_FRAME + 3  # e.g. asked for by a new subscriber just before the loss
    # 30 frames: the subscriber's queue (it is not reading) holds at most 30.
    packets = [p for f, i, p in vp8_stream(30, 2, keyframes={0, keyframe}) if (f, i) != (LOST_FRAME, 1)]
    bench.feed(packets)
    assert bench.publication.holes_skipped == 1
    forwarded = bench.forwarded()
    # From the keyframe on every frame is decodable and kept (the backlog drains one frame per packet).
    assert forwarded[:LOST_FRAME] == list(range(LOST_FRAME))
    assert forwarded[LOST_FRAME:] == list(range(keyframe, keyframe + len(forwarded) - LOST_FRAME))
    assert len(forwarded) - LOST_FRAME > 10
    assert bench.publication.frames_dropped_after_loss == 0
