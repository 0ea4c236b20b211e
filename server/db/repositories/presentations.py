"""Repository of case presentations."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession as AsyncDb

from server.db.models import (
    CaseLogRow,
    EncounterRow,
    PresentationRow,
)
from server.domain.errors import Conflict


class PresentationRepository:
    def __init__(self, db: AsyncDb) -> None:
        self.db = db

    async def get(self, presentation_id: int) -> PresentationRow | None:
        return await self.db.get(PresentationRow, presentation_id)

    async def add(self, presentation: PresentationRow) -> PresentationRow:
        """Insert a presentation; Conflict if its case log already has one (the database's unique
        constraint decides when two requests race)."""
        self.db.add(presentation)
        try:
            await self.db.flush()
        except IntegrityError:
            raise Conflict("This case log already has a presentation; edit that one.") from None
        return presentation

    async def of_case_log(self, case_log_id: int) -> PresentationRow | None:
        result = await self.db.execute(
            select(PresentationRow).where(PresentationRow.case_log_id == case_log_id)
        )
        return result.scalar_one_or_none()

    async def of_enrollment(self, enrollment_id: int) -> Sequence[PresentationRow]:
        result = await self.db.execute(
            select(PresentationRow)
            .join(CaseLogRow, CaseLogRow.id == PresentationRow.case_log_id)
            .join(EncounterRow, EncounterRow.id == CaseLogRow.encounter_id)
            .where(EncounterRow.enrollment_id == enrollment_id)
            .order_by(EncounterRow.rotation_week, PresentationRow.id)
        )
        return result.scalars().all()

    async def save(self) -> None:
        await self.db.flush()
