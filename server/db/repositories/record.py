"""Repositories of the clinical record: encounters and their case logs."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession as AsyncDb

from server.db.models import (
    CaseLogRow,
    EncounterRow,
)
from server.domain.errors import Conflict


class EncounterRepository:
    def __init__(self, db: AsyncDb) -> None:
        self.db = db

    async def get(self, encounter_id: int) -> EncounterRow | None:
        return await self.db.get(EncounterRow, encounter_id)

    async def add(self, encounter: EncounterRow) -> EncounterRow:
        self.db.add(encounter)
        await self.db.flush()
        return encounter

    async def of_enrollment(self, enrollment_id: int) -> Sequence[EncounterRow]:
        result = await self.db.execute(
            select(EncounterRow)
            .where(EncounterRow.enrollment_id == enrollment_id)
            .order_by(EncounterRow.rotation_week, EncounterRow.id)
        )
        return result.scalars().all()

    async def of_enrollments(self, enrollment_ids: Sequence[int]) -> dict[int, list[EncounterRow]]:
        out: dict[int, list[EncounterRow]] = {eid: [] for eid in enrollment_ids}
        if not enrollment_ids:
            return out
        result = await self.db.execute(
            select(EncounterRow)
            .where(EncounterRow.enrollment_id.in_(set(enrollment_ids)))
            .order_by(EncounterRow.rotation_week, EncounterRow.id)
        )
        for encounter in result.scalars():
            out[encounter.enrollment_id].append(encounter)
        return out

    async def by_ids(self, ids: Sequence[int]) -> dict[int, EncounterRow]:
        if not ids:
            return {}
        result = await self.db.execute(select(EncounterRow).where(EncounterRow.id.in_(set(ids))))
        return {e.id: e for e in result.scalars()}


class CaseLogRepository:
    def __init__(self, db: AsyncDb) -> None:
        self.db = db

    async def get(self, case_log_id: int) -> CaseLogRow | None:
        return await self.db.get(CaseLogRow, case_log_id)

    async def add(self, case_log: CaseLogRow) -> CaseLogRow:
        """Insert a log; Conflict if the visitor already has one for the encounter (the database's
        unique constraint decides when two requests race)."""
        self.db.add(case_log)
        try:
            await self.db.flush()
        except IntegrityError:
            raise Conflict("You already have a case log for this encounter; edit that one.") from None
        return case_log

    async def of_encounter(self, encounter_id: int, visitor_id: int) -> CaseLogRow | None:
        result = await self.db.execute(
            select(CaseLogRow).where(
                CaseLogRow.encounter_id == encounter_id, CaseLogRow.visitor_id == visitor_id
            )
        )
        return result.scalar_one_or_none()

    async def of_enrollment(self, enrollment_id: int) -> Sequence[CaseLogRow]:
        result = await self.db.execute(
            select(CaseLogRow)
            .join(EncounterRow, EncounterRow.id == CaseLogRow.encounter_id)
            .where(EncounterRow.enrollment_id == enrollment_id)
            .order_by(EncounterRow.rotation_week, CaseLogRow.id)
        )
        return result.scalars().all()

    async def of_enrollments(self, enrollment_ids: Sequence[int]) -> dict[int, list[CaseLogRow]]:
        out: dict[int, list[CaseLogRow]] = {eid: [] for eid in enrollment_ids}
        if not enrollment_ids:
            return out
        result = await self.db.execute(
            select(EncounterRow.enrollment_id, CaseLogRow)
            .join(EncounterRow, EncounterRow.id == CaseLogRow.encounter_id)
            .where(EncounterRow.enrollment_id.in_(set(enrollment_ids)))
            .order_by(EncounterRow.rotation_week, CaseLogRow.id)
        )
        for enrollment_id, case_log in result:
            out[enrollment_id].append(case_log)
        return out

    async def save(self) -> None:
        await self.db.flush()
