"""How continuous a received stream was over a window: from the arrival times of its decoded frames,
the gaps longer than a threshold (a video *freeze* over 500 ms, an audio *gap* over 200 ms, as issue 14
counts them), their total length and the longest gap of all.

The edges count: a stream that stops a second before the window ends has a one-second gap there, and
one that never arrives is one gap as long as the window.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

#: A video freeze: no new picture for longer than this (seconds).
FREEZE = 0.5
#: An audio gap: no sound for longer than this (seconds).
AUDIO_GAP = 0.2
#: One decoded audio frame (Opus at 20 ms, what aiortc and the browsers send).
AUDIO_FRAME = 0.020


@dataclass(frozen=True)
class Continuity:
    """One stream over one window."""

    frames: int
    #: Gaps longer than the threshold, and their total length (seconds).
    gaps: int
    gap_seconds: float
    #: The longest time without a frame (seconds), whether over the threshold or not.
    longest: float


def continuity(times: Sequence[float], start: float, end: float, threshold: float) -> Continuity:
    """The continuity of frames that arrived at ``times`` (seconds, any order) within ``[start, end]``;
    times outside the window are ignored."""
    inside = sorted(t for t in times if start <= t <= end)
    edges = [start, *inside, end]
    spans = [later - earlier for earlier, later in itertools.pairwise(edges)]
    over = [span for span in spans if span > threshold]
    return Continuity(frames=len(inside), gaps=len(over), gap_seconds=sum(over), longest=max(spans))
