"""Forwarding pieces on their own: aiortc internals, keyframe detection, subscriber queues, timestamps."""

from __future__ import annotations

import asyncio
from typing import Any

import aiortc
import pytest
from aiortc import RTCRtpReceiver, RTCRtpSender

from sessions import forwarding
from sessions.forwarding import (
    AiortcInternalsChanged,
    EncodedFrame,
    SubscriberTrack,
    check_aiortc_internals,
    is_keyframe,
)

pytestmark = pytest.mark.sessions


def test_the_aiortc_internals_we_extend_are_still_there() -> None:
    check_aiortc_internals()  # raises AiortcInternalsChanged naming what moved


def test_a_version_change_fails_loudly(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(aiortc, "__version__", "1.17.0")
    with pytest.raises(AiortcInternalsChanged, match=r"aiortc is 1\.17\.0"):
        check_aiortc_internals()


def test_a_moved_decoder_queue_fails_loudly(monkeypatch: pytest.MonkeyPatch) -> None:
    async def handle(self: Any, packet: Any, arrival_time_ms: int) -> None:
        self.decoder.submit(packet)

    monkeypatch.setattr(RTCRtpReceiver, "_handle_rtp_packet", handle)
    with pytest.raises(AiortcInternalsChanged, match=r"_handle_rtp_packet puts \(codec, encoded_frame\)"):
        check_aiortc_internals()


def test_a_moved_keyframe_hook_fails_loudly(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delattr(RTCRtpSender, "_send_keyframe")
    with pytest.raises(AiortcInternalsChanged, match=r"_send_keyframe"):
        check_aiortc_internals()


def test_keyframe_detection() -> None:
    assert is_keyframe("video/vp8", bytes([0x10, 0x02, 0x00]))  # frame tag bit 0 clear: key frame
    assert not is_keyframe("video/vp8", bytes([0x11, 0x02, 0x00]))
    assert not is_keyframe("video/vp8", b"")
    sps_pps_idr = b"\x00\x00\x00\x01\x67\x42" + b"\x00\x00\x00\x01\x68\xce" + b"\x00\x00\x01\x65\x88"
    assert is_keyframe("video/h264", sps_pps_idr)
    assert not is_keyframe("video/h264", b"\x00\x00\x00\x01\x41\x9a")
    assert is_keyframe("audio/opus", b"\xfc")


def vp8(ts: int, key: bool = False) -> EncodedFrame:
    return EncodedFrame(bytes([0x10 if key else 0x11, 0, 0]), ts, 90000, "video/vp8", key)


class FakeSource:
    """Stands in for a Publication: counts keyframe requests."""

    def __init__(self) -> None:
        self.requests = 0

    def request_keyframe(self, *, force: bool = False) -> bool:
        self.requests += 1
        return True

    def remove_subscriber(self, track: SubscriberTrack) -> None:
        track._detach(self)  # type: ignore[arg-type]


async def started(kind: str = "video", **kw: Any) -> tuple[SubscriberTrack, FakeSource]:
    track = SubscriberTrack(kind, **kw)
    source = FakeSource()
    track._attach(source)  # type: ignore[arg-type]
    # The sender's first recv() marks the track as read and asks for a keyframe.
    first = asyncio.ensure_future(track.recv())
    await asyncio.sleep(0)
    track._push(vp8(0, key=True) if kind == "video" else EncodedFrame(b"\xfc", 0, 48000, "audio/opus", True))
    await first
    return track, source


async def test_video_waits_for_a_keyframe_and_asks_for_one() -> None:
    track = SubscriberTrack("video")
    source = FakeSource()
    track._attach(source)  # type: ignore[arg-type]
    reader = asyncio.ensure_future(track.recv())
    await asyncio.sleep(0)
    assert source.requests == 1  # asked at the first read
    track._push(vp8(3000))  # not a keyframe: dropped, asked again
    assert source.requests == 2 and not reader.done()
    track._push(vp8(6000, key=True))
    packet = await reader
    assert bytes(packet)[0] == 0x10 and packet.pts == 0
    track.stop()


async def test_video_arriving_before_the_connection_is_up_is_sent_at_once_from_its_keyframe() -> None:
    """A subscriber still connecting keeps video from a keyframe on, so that its first recv() needs no
    new keyframe (a join's first frame then waits for no round trip to the publisher)."""
    track = SubscriberTrack("video")
    source = FakeSource()
    track._attach(source)  # type: ignore[arg-type]
    track._push(vp8(0))  # a delta before any keyframe: useless, dropped without asking (not reading)
    track._push(vp8(3000, key=True))
    track._push(vp8(6000))
    assert source.requests == 0
    first = await asyncio.wait_for(track.recv(), 1.0)
    second = await asyncio.wait_for(track.recv(), 1.0)
    assert bytes(first)[0] == 0x10 and bytes(second)[0] == 0x11
    assert second.pts == 3000 and source.requests == 0
    track.stop()


async def test_audio_arriving_before_the_connection_is_up_is_not_kept() -> None:
    track = SubscriberTrack("audio")
    track._attach(FakeSource())  # type: ignore[arg-type]
    track._push(EncodedFrame(b"\xfc\x01", 0, 48000, "audio/opus", True))
    reader = asyncio.ensure_future(track.recv())
    await asyncio.sleep(0)
    assert not reader.done()  # the old audio was not kept: it would only delay the start
    track._push(EncodedFrame(b"\xfc\x02", 960, 48000, "audio/opus", True))
    first = await asyncio.wait_for(reader, 1.0)
    assert first.pts == 0
    assert bytes(first) == b"\xfc\x02"  # what it read is the new audio, whenever it read it
    track.stop()


async def test_a_slow_subscriber_drops_to_the_next_keyframe_and_does_not_block_others() -> None:
    slow, slow_source = await started(max_queue=5)
    fast, _ = await started(max_queue=5)
    got = 0
    for i in range(1, 40):  # the fast one reads everything, the slow one reads nothing
        frame = vp8(i * 3000, key=(i == 35))
        slow._push(frame)
        fast._push(frame)
        await fast.recv()
        got += 1
    assert got == 39
    assert len(slow._frames) <= 5 and slow.frames_dropped > 0
    assert slow_source.requests >= 2  # overflow asked for a keyframe
    first = await slow.recv()
    assert bytes(first)[0] == 0x10  # what it gets next starts with a keyframe
    slow.stop()
    fast.stop()


async def test_audio_overflow_drops_the_oldest() -> None:
    track, _ = await started("audio", max_queue=3)
    for i in range(1, 10):
        track._push(EncodedFrame(bytes([i]), i * 960, 48000, "audio/opus", True))
    assert [bytes(f.data)[0] for _, f in track._frames] == [7, 8, 9]
    track.stop()


async def test_timestamps_stay_on_one_line_across_sources_and_gaps() -> None:
    track, source = await started()
    stamps: list[int | None] = [0]
    for i in range(1, 5):
        track._push(vp8(i * 3000))
        stamps.append((await track.recv()).pts)
    assert stamps == [0, 3000, 6000, 9000, 12000]
    # A second source with its own (lower) timeline: the output keeps moving forward.
    source.remove_subscriber(track)
    other = FakeSource()
    track._attach(other)  # type: ignore[arg-type]
    await asyncio.sleep(0.01)
    track._push(vp8(100, key=True))
    track._push(vp8(3100))
    a, b = (await track.recv()).pts, (await track.recv()).pts
    assert a is not None and b is not None and stamps[-1] is not None
    assert stamps[-1] < a < b and b - a == 3000
    track.stop()


async def test_stop_ends_a_waiting_reader() -> None:
    track = SubscriberTrack("audio")
    reader = asyncio.ensure_future(track.recv())
    await asyncio.sleep(0)
    track.stop()
    with pytest.raises(aiortc.mediastreams.MediaStreamError):
        await reader


def test_unknown_kind_is_refused() -> None:
    with pytest.raises(ValueError):
        SubscriberTrack("data")
    assert {"video/vp8", "video/h264", "audio/opus"} == forwarding.SUPPORTED_MIME_TYPES
