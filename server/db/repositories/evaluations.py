"""Queries and writes of evaluations: per-encounter evaluations, end-of-rotation evaluations, and the
comparison group of a preceptor (their distinct past visitors)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import distinct, func, select
from sqlalchemy.ext.asyncio import AsyncSession as AsyncDb

from server.db.models import Application, EncounterEvaluationRow, FinalEvaluationRow, ProgramPreceptor


class EvaluationRepository:
    def __init__(self, db: AsyncDb) -> None:
        self.db = db

    # --- per-encounter evaluations ---------------------------------------------------------------

    async def add(self, row: EncounterEvaluationRow) -> EncounterEvaluationRow:
        self.db.add(row)
        await self.db.flush()
        return row

    async def get(self, evaluation_id: int) -> EncounterEvaluationRow | None:
        return await self.db.get(EncounterEvaluationRow, evaluation_id)

    async def of_enrollment(self, enrollment_id: int) -> Sequence[EncounterEvaluationRow]:
        """An enrollment's evaluations by rotation week, then date observed, then id."""
        result = await self.db.execute(
            select(EncounterEvaluationRow)
            .where(EncounterEvaluationRow.enrollment_id == enrollment_id)
            .order_by(
                EncounterEvaluationRow.rotation_week,
                EncounterEvaluationRow.observed_on,
                EncounterEvaluationRow.id,
            )
        )
        return result.scalars().all()

    async def save(self) -> None:
        await self.db.flush()

    # --- end-of-rotation evaluations ------------------------------------------------------------

    async def add_final(self, row: FinalEvaluationRow) -> FinalEvaluationRow:
        self.db.add(row)
        await self.db.flush()
        return row

    async def final_of(self, enrollment_id: int, preceptor_id: int) -> FinalEvaluationRow | None:
        result = await self.db.execute(
            select(FinalEvaluationRow).where(
                FinalEvaluationRow.enrollment_id == enrollment_id,
                FinalEvaluationRow.preceptor_id == preceptor_id,
            )
        )
        return result.scalar_one_or_none()

    async def finals_of_enrollment(self, enrollment_id: int) -> Sequence[FinalEvaluationRow]:
        result = await self.db.execute(
            select(FinalEvaluationRow)
            .where(FinalEvaluationRow.enrollment_id == enrollment_id)
            .order_by(FinalEvaluationRow.id)
        )
        return result.scalars().all()

    # --- the comparison group -------------------------------------------------------------------

    async def past_visitor_count(
        self, preceptor_id: int, *, excluding_visitor_id: int, completed: str
    ) -> int:
        """How many distinct visitors completed an enrollment (state ``completed``) in a program the
        preceptor teaches, not counting ``excluding_visitor_id``."""
        result = await self.db.execute(
            select(func.count(distinct(Application.visitor_id)))
            .join(ProgramPreceptor, ProgramPreceptor.program_id == Application.program_id)
            .where(
                ProgramPreceptor.preceptor_id == preceptor_id,
                Application.state == completed,
                Application.visitor_id != excluding_visitor_id,
            )
        )
        return int(result.scalar_one())
