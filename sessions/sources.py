"""Media for participants that are programs (tests, benchmarks, the Python client): a synthetic video
test pattern, a synthetic tone, a file, and a sink that consumes what is received.

aiortc queues decoded frames of a received track without bound, so every received track must be read:
:class:`FrameSink` reads one and remembers when its first frame arrived.
"""

from __future__ import annotations

import asyncio
import fractions
import math
import struct
import time
from collections import deque
from typing import Any

import av
from aiortc import MediaStreamTrack, VideoStreamTrack
from aiortc.contrib.media import MediaPlayer
from aiortc.mediastreams import MediaStreamError


class SyntheticVideo(VideoStreamTrack):
    """A moving test pattern (aiortc paces it at 30 fps), built as raw YUV planes."""

    def __init__(self, width: int = 320, height: int = 240) -> None:
        super().__init__()
        self.width, self.height = width, height
        self.count = 0

    async def recv(self) -> av.VideoFrame:
        pts, time_base = await self.next_timestamp()
        frame = av.VideoFrame(self.width, self.height, "yuv420p")
        shift = (self.count * 4) % 256
        row = bytes((x + shift) % 256 for x in range(self.width))
        frame.planes[0].update(row * self.height)
        frame.planes[1].update(bytes([(96 + self.count) % 256]) * (self.width * self.height // 4))
        frame.planes[2].update(bytes([160]) * (self.width * self.height // 4))
        frame.pts, frame.time_base = pts, time_base
        self.count += 1
        return frame


class SyntheticTone(MediaStreamTrack):
    """A steady sine tone, encoded here as Opus at a browser's speech bitrate and sent pre-encoded.

    aiortc's own audio test track is silence, which Opus sends as 3-byte frames: a receiver's audio
    energy stays at zero, and a weak link carries none of the load a voice puts on it. aiortc would
    encode a tone at 96 kbit/s stereo; a browser sends speech at about 32 kbit/s mono, so this track
    encodes itself (PyAV's libopus) and hands the sender packets, which it only packetizes.
    """

    kind = "audio"
    RATE = 48_000
    SAMPLES = 960  # 20 ms, one Opus frame

    def __init__(self, frequency: int = 400, bitrate: int = 32_000, amplitude: float = 0.3) -> None:
        super().__init__()
        if frequency <= 0 or frequency % 50:
            raise ValueError("the tone's frequency must be a multiple of 50 Hz (whole cycles per frame)")
        # Whole cycles in every 20 ms frame: each frame's samples are the same, computed once.
        wave = (
            round(amplitude * 32767 * math.sin(2 * math.pi * frequency * n / self.RATE))
            for n in range(self.SAMPLES)
        )
        self._samples = struct.pack(f"<{self.SAMPLES}h", *wave)
        codec = av.CodecContext.create("libopus", "w")
        codec.bit_rate = bitrate
        codec.format = "s16"
        codec.layout = "mono"
        codec.sample_rate = self.RATE
        codec.time_base = fractions.Fraction(1, self.RATE)
        # Constant bitrate: libopus's VBR spends ever more on a steady tone (55 kbit/s after 6 s).
        codec.options = {"application": "voip", "vbr": "off"}
        self._codec: Any = codec
        self._sent = 0  # samples handed to the encoder
        self._stamp = 0  # RTP timestamp (samples) of the next packet
        self._start: float | None = None
        self._ready: deque[av.Packet[Any]] = deque()

    def _frame(self) -> av.AudioFrame:
        frame = av.AudioFrame(format="s16", layout="mono", samples=self.SAMPLES)
        frame.planes[0].update(self._samples)
        frame.sample_rate = self.RATE
        frame.pts = self._sent
        frame.time_base = fractions.Fraction(1, self.RATE)
        self._sent += self.SAMPLES
        return frame

    async def recv(self) -> av.Packet[Any]:  # pre-encoded: a packet, not a frame
        """The next 20 ms Opus packet, paced in real time."""
        if self.readyState != "live":
            raise MediaStreamError
        while not self._ready:
            self._ready.extend(self._codec.encode(self._frame()))
        if self._start is None:
            self._start = time.monotonic()
        else:
            await asyncio.sleep(max(0.0, self._start + self._stamp / self.RATE - time.monotonic()))
        packet = self._ready.popleft()
        # Our own timeline (the encoder's starts below zero): one frame's samples apart.
        packet.pts, packet.time_base = self._stamp, fractions.Fraction(1, self.RATE)
        self._stamp += self.SAMPLES
        return packet


def file_tracks(path: str, *, loop: bool = True) -> tuple[MediaStreamTrack | None, MediaStreamTrack | None]:
    """The (audio, video) tracks of a media file, decoded by PyAV and paced in real time."""
    player = MediaPlayer(path, loop=loop)
    return player.audio, player.video


class FrameSink:
    """Consumes a received track, counting frames and noting when the first one arrived."""

    def __init__(self, track: MediaStreamTrack, mid: str | None = None) -> None:
        self.track = track
        self.mid = mid
        self.count = 0
        self.width: int | None = None
        self.first_frame_at: float | None = None  # time.perf_counter()
        self.got_frame = asyncio.Event()
        self.task = asyncio.ensure_future(self._run())
        self.on_frame: list[Any] = []

    async def _run(self) -> None:
        try:
            while True:
                frame = await self.track.recv()
                self.count += 1
                self.width = getattr(frame, "width", None)
                if self.first_frame_at is None:
                    self.first_frame_at = time.perf_counter()
                self.got_frame.set()
                for callback in self.on_frame:
                    callback(self)
        except MediaStreamError:
            pass

    async def stop(self) -> None:
        """Stop reading (the track itself is stopped by its peer connection)."""
        self.task.cancel()
        await asyncio.gather(self.task, return_exceptions=True)
