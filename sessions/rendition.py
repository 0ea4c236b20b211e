"""A low rendition of one video publication, made on demand: the lower layer a weak subscriber gets.

Browsers in Rounds publish one stream per camera, and aiortc cannot receive simulcast, so a smaller
picture for a subscriber whose link cannot carry the publisher's stream is made here: the publication
is decoded once (aiortc's decoder thread, fed by the publication's tap) and re-encoded once, small,
at a few frames a second and a low bitrate, for every subscriber that needs it. It runs only while
one does: the first subscriber starts the decoding, the last one leaving stops it, so a room
without weak links costs what it cost before (measured in docs/performance.md).

Only VP8 publications have one (:func:`supports_low_rendition`): the rendition must be in the codec
the subscriber's transceiver negotiated for the publication, and browsers here publish VP8.

Timestamps are the publication's own: a decoded frame carries the RTP timestamp of the encoded frame it
came from (aiortc's decoder keeps it as ``pts``), so a subscriber that switches between the full stream
and this one stays on one timeline.
"""

from __future__ import annotations

import asyncio
import contextlib
import fractions
import logging
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Final

import av
from aiortc.mediastreams import MediaStreamError

from sessions.adaptation import wire_bytes
from sessions.forwarding import EncodedFrame, is_keyframe

if TYPE_CHECKING:
    from sessions.forwarding import Publication, SubscriberTrack

logger = logging.getLogger(__name__)

VIDEO_CLOCK_RATE: Final = 90_000
#: The largest picture of a low rendition; a smaller source is not enlarged.
MAX_WIDTH: Final = 320
MAX_HEIGHT: Final = 240
FRAME_RATE: Final = 10
#: The range the rendition's bitrate is steered in (its subscribers' budgets decide where).
MIN_BITRATE: Final = 80_000
MAX_BITRATE: Final = 250_000
DEFAULT_BITRATE: Final = 150_000
#: A new target bitrate is applied only when it differs this much (a new target restarts the encoder,
#: which costs a keyframe), and not more often than this.
BITRATE_CHANGE: Final = 0.25
BITRATE_CHANGE_INTERVAL: Final = 5.0
#: Smallest interval between two keyframes made on request (a subscriber's loss reports, switches).
KEYFRAME_INTERVAL: Final = 0.5


def supports_low_rendition(mime_type: str | None) -> bool:
    """Whether a publication in this codec can have a low rendition."""
    return mime_type == "video/vp8"


def fitted_size(width: int, height: int) -> tuple[int, int]:
    """The rendition's size for a source picture: within MAX_WIDTH x MAX_HEIGHT, the same shape, even
    (VP8 in 4:2:0 needs it), never larger than the source."""
    scale = min(1.0, MAX_WIDTH / width, MAX_HEIGHT / height)
    return max(2, int(width * scale) // 2 * 2), max(2, int(height * scale) // 2 * 2)


class _Vp8Encoder:
    """libvpx through PyAV, configured for a small real-time stream (aiortc's encoder will not go under
    250 kbps, and packetizes itself: here the packets go to subscribers' senders as they are)."""

    def __init__(self, width: int, height: int, bitrate: int) -> None:
        self.width, self.height, self.bitrate = width, height, bitrate
        codec = av.CodecContext.create("libvpx", "w")
        codec.width, codec.height = width, height
        codec.bit_rate = bitrate
        codec.pix_fmt = "yuv420p"
        codec.framerate = fractions.Fraction(FRAME_RATE, 1)
        codec.time_base = fractions.Fraction(1, VIDEO_CLOCK_RATE)
        codec.gop_size = 3000  # keyframes when asked for, not on a schedule
        codec.thread_count = 1
        codec.options = {
            "deadline": "realtime",
            "cpu-used": "8",  # the fastest: a small picture for a weak link, not a showcase
            "lag-in-frames": "0",
            "bufsize": str(bitrate),
            "minrate": str(bitrate),
            "maxrate": str(bitrate),
            "undershoot-pct": "100",
            "overshoot-pct": "15",
            "static-thresh": "1",
            "partitions": "0",
        }
        self.codec = codec

    def encode(self, frame: av.VideoFrame, keyframe: bool) -> list[bytes]:
        small = frame.reformat(width=self.width, height=self.height, format="yuv420p")
        small.pts = frame.pts
        small.time_base = fractions.Fraction(1, VIDEO_CLOCK_RATE)
        if keyframe:
            small.pict_type = av.video.frame.PictureType.I
        return [bytes(packet) for packet in self.codec.encode(small)]


class LowRendition:
    """The low rendition of one VP8 publication; see the module docstring.

    Subscribers are :class:`~sessions.forwarding.SubscriberTrack` objects at (or switching to) the low
    level: they call :meth:`add_subscriber` and :meth:`remove_subscriber` themselves (through
    ``SubscriberTrack.set_level``), and get each encoded frame through ``_push_low``.
    """

    def __init__(self, publication: Publication, *, clock: Callable[[], float] = time.monotonic) -> None:
        self.publication = publication
        self._clock = clock
        self._subscribers: list[SubscriberTrack] = []
        self._reader: asyncio.Task[None] | None = None
        self._encoder: _Vp8Encoder | None = None
        self._closed = False
        self._last_pts: int | None = None
        self._keyframe_wanted = True
        self._last_keyframe_at = -1e9
        self.target_bitrate = DEFAULT_BITRATE
        self._bitrate_changed_at = -1e9
        self._sent: list[tuple[float, int]] = []  # (time, wire bytes) over the last second
        #: Counters: frames decoded while active, frames encoded, and the CPU seconds spent scaling
        #: and encoding (the decoding runs in aiortc's decoder thread and is not in it).
        self.frames_decoded = 0
        self.frames_encoded = 0
        self.keyframes_encoded = 0
        self.encode_seconds = 0.0
        self.starts = 0

    @property
    def active(self) -> bool:
        """Whether the publication is being decoded and re-encoded now (someone needs it)."""
        return bool(self._subscribers) and not self._closed

    @property
    def subscribers(self) -> tuple[SubscriberTrack, ...]:
        """The tracks fed by this rendition (at the low level, or switching to it)."""
        return tuple(self._subscribers)

    def cost(self) -> float:
        """What a subscriber's link pays for this rendition, bits per second: its target, with the
        packets' overhead and the keyframes a switch brings (steadier than a measurement, which a
        keyframe doubles for a second). While it is not running, what it would cost at its lowest:
        it starts where its first subscriber can take it (:meth:`prepare`)."""
        return 1.1 * (self.target_bitrate if self.active else MIN_BITRATE)

    def prepare(self, bps: float) -> None:
        """Before it starts: run at ``bps`` (clamped) from the first frame."""
        if not self.active:
            self.target_bitrate = int(min(MAX_BITRATE, max(MIN_BITRATE, bps)))

    def bitrate(self) -> float:
        """What the rendition produced over the last second (bits per second, on the wire), or its
        target while it has produced nothing yet."""
        now = self._clock()
        self._sent = [(t, size) for t, size in self._sent if t >= now - 1.0]
        if not self._sent:
            return float(self.target_bitrate)
        return 8.0 * sum(size for _, size in self._sent)

    def add_subscriber(self, track: SubscriberTrack) -> None:
        """Feed ``track``; the first subscriber starts the rendition."""
        if self._closed or track in self._subscribers:
            return
        self._subscribers.append(track)
        if len(self._subscribers) == 1:
            self._start()
        self.request_keyframe()

    def remove_subscriber(self, track: SubscriberTrack) -> None:
        """Stop feeding ``track``; the last one leaving stops the rendition."""
        if track in self._subscribers:
            self._subscribers.remove(track)
            if not self._subscribers:
                self._stop()

    def request_keyframe(self) -> None:
        """Make the next encoded frame a keyframe (at most every KEYFRAME_INTERVAL seconds)."""
        if self._clock() - self._last_keyframe_at >= KEYFRAME_INTERVAL:
            self._keyframe_wanted = True

    def set_target_bitrate(self, bps: float) -> None:
        """Steer the rendition's bitrate (clamped to MIN_BITRATE..MAX_BITRATE); applied only when it
        changes by BITRATE_CHANGE or more, at most every BITRATE_CHANGE_INTERVAL seconds."""
        target = int(min(MAX_BITRATE, max(MIN_BITRATE, bps)))
        now = self._clock()
        if abs(target - self.target_bitrate) < BITRATE_CHANGE * self.target_bitrate:
            return
        if now - self._bitrate_changed_at < BITRATE_CHANGE_INTERVAL:
            return
        self.target_bitrate = target
        self._bitrate_changed_at = now

    def close(self) -> None:
        """The publication ended: stop for good (subscribers are detached by their publication)."""
        self._closed = True
        self._subscribers.clear()
        self._stop()
        if self._reader is not None:
            self._reader.cancel()

    # -- internals

    def _start(self) -> None:
        self.starts += 1
        self._keyframe_wanted = True
        self._last_pts = None
        self.publication.start_decoding()
        if self._reader is None or self._reader.done():
            self._reader = asyncio.ensure_future(self._read())

    def _stop(self) -> None:
        self.publication.stop_decoding()
        self._encoder = None  # a restart begins with a keyframe from a fresh encoder

    async def _read(self) -> None:
        """Read the publication's decoded frames for as long as its receiver lives; encode them while
        someone needs it (the reader stays to drain what the decoder had in hand when it stopped)."""
        track = self.publication.receiver.track
        with contextlib.suppress(MediaStreamError, asyncio.CancelledError):
            while not self._closed:
                frame = await track.recv()
                if not self.active or not isinstance(frame, av.VideoFrame):
                    continue
                self.frames_decoded += 1
                if self._due(frame):  # fewer frames: FRAME_RATE a second
                    await self._encode(frame)

    def _due(self, frame: av.VideoFrame) -> bool:
        pts = int(frame.pts or 0)
        if self._keyframe_wanted or self._last_pts is None or pts < self._last_pts:
            return True
        # A little early is on time: frames come at the publisher's rate, which rarely divides evenly.
        return pts - self._last_pts >= 0.9 * VIDEO_CLOCK_RATE / FRAME_RATE

    async def _encode(self, frame: av.VideoFrame) -> None:
        width, height = fitted_size(frame.width, frame.height)
        encoder = self._encoder
        if encoder is None or (encoder.width, encoder.height, encoder.bitrate) != (
            width,
            height,
            self.target_bitrate,
        ):
            encoder = self._encoder = _Vp8Encoder(width, height, self.target_bitrate)
            self._keyframe_wanted = True
        keyframe = self._keyframe_wanted
        self._keyframe_wanted = False
        if keyframe:
            self._last_keyframe_at = self._clock()
        pts = int(frame.pts or 0)
        self._last_pts = pts
        loop = asyncio.get_running_loop()
        try:
            packets, seconds = await loop.run_in_executor(None, _timed_encode, encoder, frame, keyframe)
        except av.FFmpegError as exc:
            logger.warning("the low rendition could not encode a frame: %s", exc)
            self._encoder = None
            return
        self.encode_seconds += seconds
        if not self.active or encoder is not self._encoder:
            return
        for data in packets:
            encoded = EncodedFrame(
                data=data,
                timestamp=pts,
                clock_rate=VIDEO_CLOCK_RATE,
                mime_type="video/vp8",
                keyframe=is_keyframe("video/vp8", data),
            )
            self.frames_encoded += 1
            self.keyframes_encoded += encoded.keyframe
            self._sent.append((self._clock(), wire_bytes(len(data))))
            for track in tuple(self._subscribers):
                track._push_low(encoded)


def _timed_encode(encoder: _Vp8Encoder, frame: av.VideoFrame, keyframe: bool) -> tuple[list[bytes], float]:
    """Encode in a worker thread, returning the packets and the thread's CPU time for it."""
    started = time.thread_time()
    packets = encoder.encode(frame, keyframe)
    return packets, time.thread_time() - started


__all__ = ["LowRendition", "fitted_size", "supports_low_rendition"]
