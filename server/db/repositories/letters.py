"""Queries and writes of letters of recommendation: requests, their saved versions, and the reviewed
presentations a letter may rest on."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession as AsyncDb

from server.db.models import CaseLogRow, EncounterRow, LetterRequestRow, LetterVersionRow, PresentationRow


class LetterRepository:
    def __init__(self, db: AsyncDb) -> None:
        self.db = db

    async def add(self, row: LetterRequestRow) -> LetterRequestRow:
        self.db.add(row)
        await self.db.flush()
        return row

    async def get(self, request_id: int) -> LetterRequestRow | None:
        return await self.db.get(LetterRequestRow, request_id)

    async def lock(self, request_id: int) -> LetterRequestRow | None:
        """The request, locked for update (PostgreSQL; SQLite serialises writers anyway), refreshed."""
        result = await self.db.execute(
            select(LetterRequestRow)
            .where(LetterRequestRow.id == request_id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
        return result.scalar_one_or_none()

    async def of_visitor(self, visitor_id: int) -> Sequence[LetterRequestRow]:
        result = await self.db.execute(
            select(LetterRequestRow)
            .where(LetterRequestRow.visitor_id == visitor_id)
            .order_by(LetterRequestRow.id)
        )
        return result.scalars().all()

    async def of_preceptor(self, preceptor_id: int) -> Sequence[LetterRequestRow]:
        result = await self.db.execute(
            select(LetterRequestRow)
            .where(LetterRequestRow.preceptor_id == preceptor_id)
            .order_by(LetterRequestRow.id)
        )
        return result.scalars().all()

    async def of_enrollment(self, enrollment_id: int) -> Sequence[LetterRequestRow]:
        result = await self.db.execute(
            select(LetterRequestRow)
            .where(LetterRequestRow.enrollment_id == enrollment_id)
            .order_by(LetterRequestRow.id)
        )
        return result.scalars().all()

    async def versions(self, request_id: int) -> Sequence[LetterVersionRow]:
        """A request's versions, oldest first."""
        result = await self.db.execute(
            select(LetterVersionRow)
            .where(LetterVersionRow.request_id == request_id)
            .order_by(LetterVersionRow.number)
        )
        return result.scalars().all()

    async def add_version(self, row: LetterVersionRow) -> LetterVersionRow:
        self.db.add(row)
        await self.db.flush()
        return row

    async def save(self) -> None:
        await self.db.flush()

    async def reviewed_presentations(
        self, enrollment_id: int, reviewer_id: int
    ) -> list[tuple[PresentationRow, int, datetime]]:
        """The enrollment's presentations ``reviewer_id`` reviewed, each with its encounter's rotation
        week and when it was reviewed, by week then id."""
        result = await self.db.execute(
            select(PresentationRow, EncounterRow.rotation_week)
            .join(CaseLogRow, CaseLogRow.id == PresentationRow.case_log_id)
            .join(EncounterRow, EncounterRow.id == CaseLogRow.encounter_id)
            .where(
                EncounterRow.enrollment_id == enrollment_id,
                PresentationRow.reviewed_by == reviewer_id,
                PresentationRow.reviewed_at.is_not(None),
            )
            .order_by(EncounterRow.rotation_week, PresentationRow.id)
        )
        return [(p, week, p.reviewed_at) for p, week in result if p.reviewed_at is not None]
