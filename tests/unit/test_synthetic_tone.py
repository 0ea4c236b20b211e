"""The Python participant's tone (sessions/sources.py SyntheticTone): Opus at a browser's speech
bitrate, one 20 ms packet at a time on a steady timeline, and a tone when decoded, not silence."""

from __future__ import annotations

import fractions
import math
import struct

import av
import pytest

from sessions.sources import SyntheticTone


async def test_the_tone_is_32_kbit_opus_on_a_20_ms_timeline_and_decodes_to_sound() -> None:
    tone = SyntheticTone(frequency=400, amplitude=0.3)
    packets = [await tone.recv() for _ in range(5)]  # 80 ms of real time: it is paced
    tone.stop()
    assert [p.pts for p in packets] == [0, 960, 1920, 2880, 3840]
    assert all(p.time_base == fractions.Fraction(1, 48_000) for p in packets)
    # Constant bitrate: 80 bytes a frame is 32 kbit/s (aiortc's own encoder would spend 96).
    assert {len(bytes(p)) for p in packets[1:]} == {80}
    decoder = av.CodecContext.create("libopus", "r")
    resampler = av.AudioResampler(format="s16", layout="mono", rate=48_000)
    samples: list[int] = []
    for packet in packets:
        for frame in decoder.decode(packet):
            for pcm in resampler.resample(frame):
                samples += struct.unpack(f"<{pcm.samples}h", bytes(pcm.planes[0])[: 2 * pcm.samples])
    rms = math.sqrt(sum(s * s for s in samples[960:]) / len(samples[960:])) / 32767
    assert rms == pytest.approx(0.3 / math.sqrt(2), rel=0.25)  # a sine of amplitude 0.3


def test_a_tone_needs_whole_cycles_in_each_frame() -> None:
    with pytest.raises(ValueError, match="multiple of 50 Hz"):
        SyntheticTone(frequency=440)
