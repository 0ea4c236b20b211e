"""Repository of the audit trail (who read or changed what, when). Writes take the domain's
:class:`~server.domain.audit.AuditEvent`, reads return
:class:`~server.domain.audit.StoredAuditEvent`; the rows stay in this module."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession as AsyncDb

from server.db.models import AuditEventRow
from server.domain.audit import AuditEvent, StoredAuditEvent


def _stored(row: AuditEventRow) -> StoredAuditEvent:
    return StoredAuditEvent(
        id=row.id,
        event=AuditEvent(
            actor_id=row.actor_id,
            action=row.action,
            record_type=row.record_type,
            record_id=row.record_id,
            at=row.at,
        ),
    )


class AuditRepository:
    """Reads return domain objects; writes take them."""

    def __init__(self, db: AsyncDb) -> None:
        self.db = db

    async def add(self, events: Sequence[AuditEvent]) -> None:
        """Write audit events in the caller's transaction: they commit with it or not at all."""
        self.db.add_all(
            [
                AuditEventRow(
                    actor_id=e.actor_id,
                    action=e.action,
                    record_type=e.record_type,
                    record_id=e.record_id,
                    at=e.at,
                )
                for e in events
            ]
        )
        await self.db.flush()

    async def of_record(self, record_type: str, record_id: int) -> list[StoredAuditEvent]:
        """The record's events, oldest first."""
        result = await self.db.execute(
            select(AuditEventRow)
            .where(AuditEventRow.record_type == record_type, AuditEventRow.record_id == record_id)
            .order_by(AuditEventRow.at, AuditEventRow.id)
        )
        return [_stored(row) for row in result.scalars()]
