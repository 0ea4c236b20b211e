"""Queries of the learning record's pages and dashboard: whose enrollments an actor may look at.
Read-only; the record's own reads and writes (many enrollments' presentations too) stay in their
repositories."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession as AsyncDb

from server.db.models import (
    ApplicationRow,
    ProgramPreceptorRow,
    ProgramRow,
)


class LearningRepository:
    def __init__(self, db: AsyncDb) -> None:
        self.db = db

    async def enrollments_of_visitor(
        self, visitor_id: int, states: Sequence[str]
    ) -> Sequence[ApplicationRow]:
        """The visitor's applications in ``states`` (the enrolled ones), oldest first."""
        result = await self.db.execute(
            select(ApplicationRow)
            .where(ApplicationRow.visitor_id == visitor_id, ApplicationRow.state.in_(list(states)))
            .order_by(ApplicationRow.created_at, ApplicationRow.id)
        )
        return result.scalars().all()

    async def enrollments_taught_by(
        self, preceptor_id: int, states: Sequence[str]
    ) -> Sequence[ApplicationRow]:
        """Applications in ``states`` of every program the preceptor teaches, oldest first."""
        result = await self.db.execute(
            select(ApplicationRow)
            .join(ProgramPreceptorRow, ProgramPreceptorRow.program_id == ApplicationRow.program_id)
            .where(ProgramPreceptorRow.preceptor_id == preceptor_id, ApplicationRow.state.in_(list(states)))
            .order_by(ApplicationRow.created_at, ApplicationRow.id)
        )
        return result.scalars().all()

    async def enrollments_run_by(
        self, coordinator_id: int, states: Sequence[str]
    ) -> Sequence[ApplicationRow]:
        """Applications in ``states`` of every program the coordinator runs, oldest first."""
        result = await self.db.execute(
            select(ApplicationRow)
            .join(ProgramRow, ProgramRow.id == ApplicationRow.program_id)
            .where(ProgramRow.coordinator_id == coordinator_id, ApplicationRow.state.in_(list(states)))
            .order_by(ApplicationRow.created_at, ApplicationRow.id)
        )
        return result.scalars().all()

    async def programs_by_ids(self, ids: Sequence[int]) -> dict[int, ProgramRow]:
        if not ids:
            return {}
        result = await self.db.execute(select(ProgramRow).where(ProgramRow.id.in_(set(ids))))
        return {p.id: p for p in result.scalars()}
