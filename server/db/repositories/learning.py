"""Queries of the learning record's pages and dashboard: whose enrollments an actor may look at, and the
presentations of many enrollments at once. Read-only; the record's own writes stay in ``repositories``."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession as AsyncDb

from server.db.models import Application, CaseLog, Encounter, Presentation, Program, ProgramPreceptor


class LearningRepository:
    def __init__(self, db: AsyncDb) -> None:
        self.db = db

    async def enrollments_of_visitor(self, visitor_id: int, states: Sequence[str]) -> Sequence[Application]:
        """The visitor's applications in ``states`` (the enrolled ones), oldest first."""
        result = await self.db.execute(
            select(Application)
            .where(Application.visitor_id == visitor_id, Application.state.in_(list(states)))
            .order_by(Application.created_at, Application.id)
        )
        return result.scalars().all()

    async def enrollments_taught_by(self, preceptor_id: int, states: Sequence[str]) -> Sequence[Application]:
        """Applications in ``states`` of every program the preceptor teaches, oldest first."""
        result = await self.db.execute(
            select(Application)
            .join(ProgramPreceptor, ProgramPreceptor.program_id == Application.program_id)
            .where(ProgramPreceptor.preceptor_id == preceptor_id, Application.state.in_(list(states)))
            .order_by(Application.created_at, Application.id)
        )
        return result.scalars().all()

    async def enrollments_run_by(self, coordinator_id: int, states: Sequence[str]) -> Sequence[Application]:
        """Applications in ``states`` of every program the coordinator runs, oldest first."""
        result = await self.db.execute(
            select(Application)
            .join(Program, Program.id == Application.program_id)
            .where(Program.coordinator_id == coordinator_id, Application.state.in_(list(states)))
            .order_by(Application.created_at, Application.id)
        )
        return result.scalars().all()

    async def programs_by_ids(self, ids: Sequence[int]) -> dict[int, Program]:
        if not ids:
            return {}
        result = await self.db.execute(select(Program).where(Program.id.in_(set(ids))))
        return {p.id: p for p in result.scalars()}

    async def presentations_of_enrollments(
        self, enrollment_ids: Sequence[int]
    ) -> dict[int, list[Presentation]]:
        """Each enrollment's presentations, by rotation week then id."""
        out: dict[int, list[Presentation]] = {eid: [] for eid in enrollment_ids}
        if not enrollment_ids:
            return out
        result = await self.db.execute(
            select(Encounter.enrollment_id, Presentation)
            .join(CaseLog, CaseLog.id == Presentation.case_log_id)
            .join(Encounter, Encounter.id == CaseLog.encounter_id)
            .where(Encounter.enrollment_id.in_(set(enrollment_ids)))
            .order_by(Encounter.rotation_week, Presentation.id)
        )
        for enrollment_id, presentation in result:
            out[enrollment_id].append(presentation)
        return out
