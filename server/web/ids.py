"""Record ids in URLs, for the pages and the API alike: the one place their bound is applied.

An id is ASCII digits ("²".isdigit() is true but int() refuses it) within the database's 32-bit
INTEGER columns: PostgreSQL refuses to compare an int4 column with a larger number (a 500 had the
page gone on to ask), so anything else is answered like an unknown id before any query.
"""

from __future__ import annotations

from server.schemas.base import MAX_ID

_MAX_DIGITS = len(str(MAX_ID))


def record_id(raw: str) -> int | None:
    """The id ``raw`` names, or None when no record can have it."""
    if not (raw.isascii() and raw.isdigit()) or len(raw) > _MAX_DIGITS:
        return None
    value = int(raw)
    return value if value <= MAX_ID else None
