"""Stacked blocks: consecutive four-week blocks only."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from server.domain.blocks import BLOCK_LENGTH, MAX_DAYS_AHEAD, block_end, check_new_block_start, check_stack
from server.domain.dates import human_day
from server.domain.errors import Invalid

MONDAY = date(2026, 11, 30)


def starts(*weeks: int) -> list[date]:
    return [MONDAY + timedelta(weeks=w) for w in weeks]


def test_a_block_is_four_weeks_inclusive() -> None:
    assert block_end(MONDAY) == date(2026, 12, 27)
    assert (block_end(MONDAY) - MONDAY).days + 1 == 28
    assert timedelta(days=28) == BLOCK_LENGTH


def test_one_block_is_a_stack() -> None:
    assert check_stack(starts(0)) == starts(0)


def test_consecutive_blocks_in_any_order_come_back_sorted() -> None:
    assert check_stack(starts(8, 0, 4)) == starts(0, 4, 8)


def test_a_gap_is_refused_naming_both_blocks() -> None:
    with pytest.raises(Invalid) as refused:
        check_stack(starts(0, 8))
    assert refused.value.field == "block_ids"
    assert human_day(MONDAY) in refused.value.message
    assert human_day(MONDAY + timedelta(weeks=8)) in refused.value.message


def test_overlapping_blocks_are_refused() -> None:
    with pytest.raises(Invalid, match="follow each other"):
        check_stack(starts(0, 2))


def test_the_same_block_twice_is_refused() -> None:
    with pytest.raises(Invalid, match="twice") as refused:
        check_stack(starts(0, 4, 4))
    assert refused.value.field == "block_ids"


def test_no_block_is_refused() -> None:
    with pytest.raises(Invalid, match="at least one") as refused:
        check_stack([])
    assert refused.value.field == "block_ids"


def test_a_new_block_starts_today_or_later_within_five_years() -> None:
    check_new_block_start(MONDAY, MONDAY)
    check_new_block_start(MONDAY + timedelta(days=MAX_DAYS_AHEAD), MONDAY)
    with pytest.raises(Invalid, match="past") as refused:
        check_new_block_start(MONDAY - timedelta(days=1), MONDAY)
    assert refused.value.field == "start_date"
    for far in (MONDAY + timedelta(days=MAX_DAYS_AHEAD + 1), date.max):
        with pytest.raises(Invalid, match="five years") as refused:
            check_new_block_start(far, MONDAY)
        assert refused.value.field == "start_date"
