"""How continuous a received stream was over a window: from the arrival times of its decoded frames,
the gaps longer than a threshold (a video *freeze* over 500 ms, an audio *gap* over 200 ms, as issue 14
counts them), their total length and the longest gap of all; for audio also from its RTP packets
(:func:`packet_continuity`), which is what a browser's listener hears: a browser conceals a single lost
packet, where aiortc's decoded frames lose about five around it.

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


@dataclass(frozen=True)
class PacketContinuity:
    """One audio stream over one window, from its RTP packets as they arrived (what the network and the
    server delivered, before any receiver's jitter buffer)."""

    #: Distinct packets received, and their share of the window's 20 ms packets (at most 1).
    packets: int
    share: float
    #: Sequence numbers missing between the first and the last packet received in the window.
    lost: int
    #: Runs of missing audio longer than the threshold, and the longest run (seconds): inside the
    #: window from the RTP timestamps of the packets either side (jitter does not count), at its edges
    #: from the arrival times (a stream that stops, or starts late).
    gaps: int
    longest: float
    #: The longest time without a packet arriving (seconds, the edges included): jitter counts here.
    longest_arrival: float


def packet_continuity(
    streams: Sequence[Sequence[tuple[float, int, int]]],
    start: float,
    end: float,
    threshold: float = AUDIO_GAP,
    *,
    clock_rate: int = 48000,
    frame: float = AUDIO_FRAME,
) -> PacketContinuity:
    """The continuity of one source's audio from its packets, each ``(arrival, extended sequence
    number, RTP timestamp)``, that arrived within ``[start, end]`` (others are ignored; a packet that
    arrived twice counts once). One list per RTP stream: a reconnect starts a new one, with its own
    numbers; the time between two streams counts by arrival."""
    window = end - start
    segments: list[list[tuple[float, int, int]]] = []
    for packets in streams:
        first_arrivals: dict[int, tuple[float, int, int]] = {}
        for arrival, seq, ts in sorted(packets):
            if start <= arrival <= end:
                first_arrivals.setdefault(seq, (arrival, seq, ts))
        if first_arrivals:
            segments.append(sorted(first_arrivals.values(), key=lambda packet: packet[1]))
    if not segments:
        return PacketContinuity(0, 0.0, 0, 1 if window > threshold else 0, window, window)
    missing: list[float] = []
    lost = 0
    for segment in segments:
        for (_, seq_a, ts_a), (_, seq_b, ts_b) in itertools.pairwise(segment):
            lost += seq_b - seq_a - 1
            by_timestamp = ((ts_b - ts_a) % 2**32) / clock_rate - frame
            missing.append(max(by_timestamp, (seq_b - seq_a - 1) * frame))
    # By arrival: the window's edges, and between one stream and the next.
    spans = sorted((min(a for a, _, _ in seg), max(a for a, _, _ in seg)) for seg in segments)
    missing += [spans[0][0] - start, end - max(last for _, last in spans)]
    missing += [later[0] - earlier[1] for earlier, later in itertools.pairwise(spans)]
    arrivals = sorted(arrival for segment in segments for arrival, _, _ in segment)
    edges = [start, *arrivals, end]
    count = sum(len(segment) for segment in segments)
    return PacketContinuity(
        packets=count,
        share=min(count * frame / window, 1.0) if window > 0 else 0.0,
        lost=lost,
        gaps=sum(1 for run in missing if run > threshold),
        longest=max(0.0, *missing),
        longest_arrival=max(later - earlier for earlier, later in itertools.pairwise(edges)),
    )
