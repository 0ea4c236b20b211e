"""Repository of calendar subscriptions: each user's feed, found by its token's hash. Reads return the
domain's :class:`~server.domain.calendars.CalendarFeed`; the rows stay in this module."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession as AsyncDb

from server.db.models import CalendarFeedRow
from server.domain.calendars import CalendarFeed


def _feed(row: CalendarFeedRow) -> CalendarFeed:
    return CalendarFeed(id=row.id, user_id=row.user_id, created_at=row.created_at, revoked_at=row.revoked_at)


class CalendarFeedRepository:
    """Reads return domain objects; writes take the new record's parts."""

    def __init__(self, db: AsyncDb) -> None:
        self.db = db

    async def active_of(self, user_id: int) -> CalendarFeed | None:
        """The user's feed that works now, if there is one."""
        result = await self.db.execute(
            select(CalendarFeedRow).where(
                CalendarFeedRow.user_id == user_id, CalendarFeedRow.revoked_at.is_(None)
            )
        )
        row = result.scalar_one_or_none()
        return None if row is None else _feed(row)

    async def active_by_hash(self, token_hash: str) -> CalendarFeed | None:
        """The feed whose token has this hash, if it has not been revoked."""
        result = await self.db.execute(
            select(CalendarFeedRow).where(
                CalendarFeedRow.token_hash == token_hash, CalendarFeedRow.revoked_at.is_(None)
            )
        )
        row = result.scalar_one_or_none()
        return None if row is None else _feed(row)

    async def revoke_all(self, user_id: int, at: datetime) -> int:
        """Revoke every working feed of the user; how many there were."""
        result = await self.db.execute(
            update(CalendarFeedRow)
            .where(CalendarFeedRow.user_id == user_id, CalendarFeedRow.revoked_at.is_(None))
            .values(revoked_at=at)
            .execution_options(synchronize_session=False)
        )
        return int(result.rowcount)  # type: ignore[attr-defined]

    async def add(self, *, user_id: int, token_hash: str, at: datetime) -> CalendarFeed | None:
        """Keep a new working feed's hash; None when the user already has a working feed (another
        request made one between the caller's revoke and this insert: the partial unique index). The
        unit of work must then be rolled back."""
        row = CalendarFeedRow(user_id=user_id, token_hash=token_hash, created_at=at, revoked_at=None)
        self.db.add(row)
        try:
            await self.db.flush()
        except IntegrityError:
            return None
        return _feed(row)
