"""Repository of the audit trail (who read or changed what, when)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession as AsyncDb

from server.db.models import (
    AuditEventRow,
)


class AuditRepository:
    def __init__(self, db: AsyncDb) -> None:
        self.db = db

    async def record(self, events: Sequence[AuditEventRow]) -> None:
        """Write audit events in the caller's transaction: they commit with it or not at all."""
        self.db.add_all(list(events))
        await self.db.flush()

    async def of_record(self, record_type: str, record_id: int) -> Sequence[AuditEventRow]:
        result = await self.db.execute(
            select(AuditEventRow)
            .where(AuditEventRow.record_type == record_type, AuditEventRow.record_id == record_id)
            .order_by(AuditEventRow.at, AuditEventRow.id)
        )
        return result.scalars().all()
