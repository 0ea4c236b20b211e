"""Repository of case presentations."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession as AsyncDb

from server.db.models import (
    CaseLog,
    Encounter,
    Presentation,
)
from server.domain.errors import Conflict


class PresentationRepository:
    def __init__(self, db: AsyncDb) -> None:
        self.db = db

    async def get(self, presentation_id: int) -> Presentation | None:
        return await self.db.get(Presentation, presentation_id)

    async def add(self, presentation: Presentation) -> Presentation:
        """Insert a presentation; Conflict if its case log already has one (the database's unique
        constraint decides when two requests race)."""
        self.db.add(presentation)
        try:
            await self.db.flush()
        except IntegrityError:
            raise Conflict("This case log already has a presentation; edit that one.") from None
        return presentation

    async def of_case_log(self, case_log_id: int) -> Presentation | None:
        result = await self.db.execute(select(Presentation).where(Presentation.case_log_id == case_log_id))
        return result.scalar_one_or_none()

    async def of_enrollment(self, enrollment_id: int) -> Sequence[Presentation]:
        result = await self.db.execute(
            select(Presentation)
            .join(CaseLog, CaseLog.id == Presentation.case_log_id)
            .join(Encounter, Encounter.id == CaseLog.encounter_id)
            .where(Encounter.enrollment_id == enrollment_id)
            .order_by(Encounter.rotation_week, Presentation.id)
        )
        return result.scalars().all()

    async def save(self) -> None:
        await self.db.flush()
