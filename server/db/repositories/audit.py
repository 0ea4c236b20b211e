"""Repository of the audit trail (who read or changed what, when)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession as AsyncDb

from server.db.models import (
    AuditEvent,
)


class AuditRepository:
    def __init__(self, db: AsyncDb) -> None:
        self.db = db

    async def record(self, events: Sequence[AuditEvent]) -> None:
        """Write audit events in the caller's transaction: they commit with it or not at all."""
        self.db.add_all(list(events))
        await self.db.flush()

    async def of_record(self, record_type: str, record_id: int) -> Sequence[AuditEvent]:
        result = await self.db.execute(
            select(AuditEvent)
            .where(AuditEvent.record_type == record_type, AuditEvent.record_id == record_id)
            .order_by(AuditEvent.at, AuditEvent.id)
        )
        return result.scalars().all()
