"""Repositories of the clinical record: encounters and their case logs."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession as AsyncDb

from server.db.models import (
    CaseLog,
    Encounter,
)
from server.domain.errors import Conflict


class EncounterRepository:
    def __init__(self, db: AsyncDb) -> None:
        self.db = db

    async def get(self, encounter_id: int) -> Encounter | None:
        return await self.db.get(Encounter, encounter_id)

    async def add(self, encounter: Encounter) -> Encounter:
        self.db.add(encounter)
        await self.db.flush()
        return encounter

    async def of_enrollment(self, enrollment_id: int) -> Sequence[Encounter]:
        result = await self.db.execute(
            select(Encounter)
            .where(Encounter.enrollment_id == enrollment_id)
            .order_by(Encounter.rotation_week, Encounter.id)
        )
        return result.scalars().all()

    async def of_enrollments(self, enrollment_ids: Sequence[int]) -> dict[int, list[Encounter]]:
        out: dict[int, list[Encounter]] = {eid: [] for eid in enrollment_ids}
        if not enrollment_ids:
            return out
        result = await self.db.execute(
            select(Encounter)
            .where(Encounter.enrollment_id.in_(set(enrollment_ids)))
            .order_by(Encounter.rotation_week, Encounter.id)
        )
        for encounter in result.scalars():
            out[encounter.enrollment_id].append(encounter)
        return out

    async def by_ids(self, ids: Sequence[int]) -> dict[int, Encounter]:
        if not ids:
            return {}
        result = await self.db.execute(select(Encounter).where(Encounter.id.in_(set(ids))))
        return {e.id: e for e in result.scalars()}


class CaseLogRepository:
    def __init__(self, db: AsyncDb) -> None:
        self.db = db

    async def get(self, case_log_id: int) -> CaseLog | None:
        return await self.db.get(CaseLog, case_log_id)

    async def add(self, case_log: CaseLog) -> CaseLog:
        """Insert a log; Conflict if the visitor already has one for the encounter (the database's
        unique constraint decides when two requests race)."""
        self.db.add(case_log)
        try:
            await self.db.flush()
        except IntegrityError:
            raise Conflict("You already have a case log for this encounter; edit that one.") from None
        return case_log

    async def of_encounter(self, encounter_id: int, visitor_id: int) -> CaseLog | None:
        result = await self.db.execute(
            select(CaseLog).where(CaseLog.encounter_id == encounter_id, CaseLog.visitor_id == visitor_id)
        )
        return result.scalar_one_or_none()

    async def of_enrollment(self, enrollment_id: int) -> Sequence[CaseLog]:
        result = await self.db.execute(
            select(CaseLog)
            .join(Encounter, Encounter.id == CaseLog.encounter_id)
            .where(Encounter.enrollment_id == enrollment_id)
            .order_by(Encounter.rotation_week, CaseLog.id)
        )
        return result.scalars().all()

    async def of_enrollments(self, enrollment_ids: Sequence[int]) -> dict[int, list[CaseLog]]:
        out: dict[int, list[CaseLog]] = {eid: [] for eid in enrollment_ids}
        if not enrollment_ids:
            return out
        result = await self.db.execute(
            select(Encounter.enrollment_id, CaseLog)
            .join(Encounter, Encounter.id == CaseLog.encounter_id)
            .where(Encounter.enrollment_id.in_(set(enrollment_ids)))
            .order_by(Encounter.rotation_week, CaseLog.id)
        )
        for enrollment_id, case_log in result:
            out[enrollment_id].append(case_log)
        return out

    async def save(self) -> None:
        await self.db.flush()
