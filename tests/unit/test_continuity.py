"""Freezes and audio gaps from frame arrival times (tests/support/continuity.py), as the weak-links
benchmark counts them."""

from __future__ import annotations

import pytest

from tests.support.continuity import FREEZE, continuity


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
