"""Freezes and audio gaps from frame arrival times (tests/support/continuity.py), as the weak-links
benchmark counts them."""

from __future__ import annotations

import pytest

from tests.support.continuity import AUDIO_GAP, FREEZE, continuity, packet_continuity


def test_a_steady_stream_has_no_gap() -> None:
    times = [i / 30 for i in range(301)]  # 30 fps for ten seconds
    seen = continuity(times, 0.0, 10.0, FREEZE)
    assert seen.frames == 301 and seen.gaps == 0 and seen.gap_seconds == 0.0
    assert seen.longest == pytest.approx(1 / 30)


def test_a_pause_longer_than_the_threshold_is_one_freeze_of_its_whole_length() -> None:
    times = [0.1 * i for i in range(11)] + [1.0 + 0.7 + 0.1 * i for i in range(10)]
    seen = continuity(times, 0.0, 2.6, FREEZE)
    assert seen.gaps == 1
    assert seen.gap_seconds == pytest.approx(0.7)
    assert seen.longest == pytest.approx(0.7)


def test_the_edges_of_the_window_count() -> None:
    # Starts late and stops early: two freezes, at either end.
    seen = continuity([1.0, 1.1, 1.2], 0.0, 3.0, FREEZE)
    assert seen.gaps == 2 and seen.gap_seconds == pytest.approx(1.0 + 1.8)
    # Nothing at all: the whole window.
    nothing = continuity([], 0.0, 3.0, FREEZE)
    assert (nothing.frames, nothing.gaps, nothing.gap_seconds) == (0, 1, 3.0)


def test_frames_outside_the_window_are_ignored() -> None:
    seen = continuity([-5.0, 0.1, 0.2, 0.3, 0.4, 9.0], 0.0, 0.5, FREEZE)
    assert seen.frames == 4 and seen.gaps == 0


def audio(
    first: int, last: int, *, skip: frozenset[int] = frozenset(), late: float = 0.0
) -> list[tuple[float, int, int]]:
    """Packets ``first``..``last`` of a 20 ms Opus stream as (arrival, sequence number, timestamp), but
    those in ``skip``, each arriving ``late`` seconds after it was due."""
    return [(0.02 * n + late, n, 960 * n) for n in range(first, last + 1) if n not in skip]


def test_audio_packets_every_one_received() -> None:
    seen = packet_continuity([audio(0, 499)], 0.0, 10.0)
    assert seen.packets == 500 and seen.share == pytest.approx(1.0) and seen.lost == 0
    assert seen.gaps == 0 and seen.longest == pytest.approx(0.02)  # the edge after the last packet
    assert seen.longest_arrival == pytest.approx(0.02)


def test_single_lost_audio_packets_are_a_small_share_and_short_gaps() -> None:
    # 3 % random-ish loss: every 33rd packet. Decoded frames would lose several times as much.
    lost = frozenset(range(10, 500, 33))
    seen = packet_continuity([audio(0, 499, skip=lost)], 0.0, 10.0)
    assert seen.lost == len(lost) and seen.packets == 500 - len(lost)
    assert seen.share == pytest.approx((500 - len(lost)) / 500)
    assert seen.gaps == 0 and seen.longest == pytest.approx(0.02)


def test_a_run_of_missing_audio_is_measured_from_the_timestamps_not_the_arrivals() -> None:
    # 15 packets (300 ms) missing; the packets after them are held up 100 ms more (jitter).
    packets = audio(0, 99) + audio(115, 499, late=0.1)
    seen = packet_continuity([packets], 0.0, 10.1)
    assert seen.lost == 15 and seen.gaps == 1
    assert seen.longest == pytest.approx(0.3)
    assert seen.longest_arrival == pytest.approx(0.3 + 0.1 + 0.02)


def test_audio_dropped_by_the_server_shows_in_the_timestamps() -> None:
    # Consecutive sequence numbers, but 250 ms of audio never sent: the timestamps jump.
    packets = [(0.02 * n, n, 960 * n) for n in range(100)] + [
        (2.25 + 0.02 * n, n, 960 * n + 48000 // 4) for n in range(100, 200)
    ]
    seen = packet_continuity([packets], 0.0, 4.25)
    assert seen.lost == 0 and seen.gaps == 1 and seen.longest == pytest.approx(0.25)


def test_audio_that_stops_or_never_comes_is_one_gap_at_the_edge() -> None:
    stopped = packet_continuity([audio(0, 99)], 0.0, 5.0)  # nothing after 2 s
    assert stopped.gaps == 1 and stopped.longest == pytest.approx(3.0, abs=0.03)
    nothing = packet_continuity([[]], 0.0, 5.0)
    assert (nothing.packets, nothing.share, nothing.gaps, nothing.longest) == (0, 0.0, 1, 5.0)


def test_a_packet_received_twice_counts_once() -> None:
    packets = [*audio(0, 9), (0.19, 5, 960 * 5)]  # a resend of packet 5
    seen = packet_continuity([packets], 0.0, 0.2, AUDIO_GAP)
    assert seen.packets == 10


def test_a_reconnect_starts_a_new_stream_and_the_time_between_counts_by_arrival() -> None:
    before = audio(0, 99)  # until 1.98 s
    after = [(3.0 + 0.02 * n, 40000 + n, 123456 + 960 * n) for n in range(100)]  # new numbers
    seen = packet_continuity([before, after], 0.0, 5.0)
    assert seen.packets == 200 and seen.lost == 0
    assert seen.gaps == 1 and seen.longest == pytest.approx(3.0 - 1.98)
