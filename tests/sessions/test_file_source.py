"""The Python participant can publish a video file; the host receives it through the server."""

from __future__ import annotations

from pathlib import Path

import av
import pytest

from sessions import signaling as sig
from sessions.sources import file_tracks
from tests.sessions.live_support import IDENTITIES, LiveHarness

pytestmark = pytest.mark.sessions


def write_clip(path: Path, frames: int = 60) -> None:
    """A two-second 160x120 clip of a moving gradient (MPEG-4 in MP4: encoders PyAV always has)."""
    with av.open(str(path), "w") as container:
        stream = container.add_stream("mpeg4", rate=30)
        stream.width, stream.height, stream.pix_fmt = 160, 120, "yuv420p"
        for index in range(frames):
            frame = av.VideoFrame(160, 120, "yuv420p")
            frame.planes[0].update(bytes((x + index * 4) % 256 for x in range(160)) * 120)
            frame.planes[1].update(bytes([128]) * (80 * 60))
            frame.planes[2].update(bytes([128]) * (80 * 60))
            frame.pts = index
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)


async def test_a_participant_publishes_a_file_and_the_host_decodes_it(tmp_path: Path, no_leaks: None) -> None:
    clip = tmp_path / "clip.mp4"
    write_clip(clip)
    harness = LiveHarness()
    try:
        host = await harness.joined("host")
        patient = harness.client(IDENTITIES["patient"], video=lambda: file_tracks(str(clip))[1], audio=None)
        await patient.join()
        await host.send(sig.Admit(type="admit", participant_id="patient-9"))
        await host.wait_until(lambda: host.frames_from("patient-9", "video") > 10)
        widths = {sink.width for sink in host.sinks.values() if sink.track.kind == "video"}
        assert 160 in widths
    finally:
        await harness.close()
