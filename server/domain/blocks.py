"""Four-week blocks and stacking: a visitor may apply for consecutive blocks."""

from __future__ import annotations

from datetime import date, timedelta

from server.domain.errors import Invalid

BLOCK_LENGTH = timedelta(weeks=4)


def block_end(start: date) -> date:
    """The last day of the four-week block starting on ``start``."""
    return start + BLOCK_LENGTH - timedelta(days=1)


def check_stack(starts: list[date]) -> list[date]:
    """Return the block starts in order, or raise if they are not consecutive four-week blocks."""
    if not starts:
        raise Invalid("Choose at least one block.", field="block_ids")
    ordered = sorted(starts)
    if len(set(ordered)) != len(ordered):
        raise Invalid("The same block is listed twice.", field="block_ids")
    for earlier, later in zip(ordered, ordered[1:], strict=False):
        if later - earlier != BLOCK_LENGTH:
            raise Invalid(
                f"Stacked blocks must follow each other: the block starting {earlier.isoformat()} "
                f"is not directly followed by the one starting {later.isoformat()}.",
                field="block_ids",
            )
    return ordered
