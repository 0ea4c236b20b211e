"""Four-week blocks and stacking: a visitor may apply for consecutive blocks."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from itertools import pairwise

from server.domain.dates import human_day
from server.domain.errors import Invalid

BLOCK_LENGTH = timedelta(weeks=4)
# How far ahead a block may be opened: far enough for any real schedule, near enough that dates
# stay meaningful (and end dates never overflow the calendar).
MAX_DAYS_AHEAD = 5 * 366


def block_end(start: date) -> date:
    """The last day of the four-week block starting on ``start``."""
    return start + BLOCK_LENGTH - timedelta(days=1)


def next_blocks(blocks: Iterable[Block], since: date) -> list[Block]:
    """The blocks starting on ``since`` or later, soonest first: what the catalog may call "next". A
    block that has started (let alone ended) is never next, whatever order the blocks come in."""
    return sorted((b for b in blocks if b.start_date >= since), key=lambda b: b.start_date)


def check_stack(starts: list[date]) -> list[date]:
    """Return the block starts in order, or raise if they are not consecutive four-week blocks."""
    if not starts:
        raise Invalid("Choose at least one block.", field="block_ids")
    ordered = sorted(starts)
    if len(set(ordered)) != len(ordered):
        raise Invalid("The same block is listed twice.", field="block_ids")
    for earlier, later in pairwise(ordered):
        if later - earlier != BLOCK_LENGTH:
            raise Invalid(
                f"Stacked blocks must follow each other: the block starting {human_day(earlier)} "
                f"is not directly followed by the one starting {human_day(later)}.",
                field="block_ids",
            )
    return ordered


def check_new_block_start(start: date, today: date) -> None:
    """Raise unless a new block may start on ``start``: not in the past, not years away."""
    if start < today:
        raise Invalid("A new block cannot start in the past.", field="start_date")
    latest = today + timedelta(days=MAX_DAYS_AHEAD)
    if start > latest:
        raise Invalid(
            f"A new block must start within five years (by {human_day(latest)}).", field="start_date"
        )


@dataclass(frozen=True)
class Block:
    """A four-week block of a program as kept: its capacity, the seats that offers and enrollments
    hold, and, once it cannot take place, when and why the coordinator closed it (a closed block takes
    no new application or offer; those who hold it keep it until they accept an alternative)."""

    id: int
    program_id: int
    start_date: date
    capacity: int
    seats_held: int
    closed_at: datetime | None = None
    closed_reason: str | None = None
