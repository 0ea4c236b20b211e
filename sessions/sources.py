"""Media for participants that are programs (tests, benchmarks, the Python client): a synthetic video
test pattern, a file, and a sink that consumes what is received.

aiortc queues decoded frames of a received track without bound, so every received track must be read:
:class:`FrameSink` reads one and remembers when its first frame arrived.
"""

from __future__ import annotations

import asyncio
import time
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
