"""Repositories of the clinical record: encounters (read as the domain's
:class:`~server.domain.caselog.Encounter`) and their case logs."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession as AsyncDb

from server.db.models import (
    CaseLogRow,
    EncounterRow,
)
from server.domain.caselog import Encounter, EncounterKind, Setting
from server.domain.errors import Conflict


def _encounter(row: EncounterRow) -> Encounter:
    return Encounter(
        id=row.id,
        enrollment_id=row.enrollment_id,
        session_id=row.session_id,
        kind=EncounterKind(row.kind),
        setting=Setting(row.setting),
        rotation_week=row.rotation_week,
        consent_id=row.consent_id,
        consent_recorded=row.consent_recorded,
        created_by=row.created_by,
        created_at=row.created_at,
    )


class EncounterRepository:
    """Reads return the domain's :class:`~server.domain.caselog.Encounter`; the rows stay here."""

    def __init__(self, db: AsyncDb) -> None:
        self.db = db

    async def get(self, encounter_id: int) -> Encounter | None:
        row = await self.db.get(EncounterRow, encounter_id)
        return None if row is None else _encounter(row)

    async def create(
        self,
        *,
        enrollment_id: int,
        session_id: int | None,
        kind: EncounterKind,
        setting: Setting,
        week: int,
        consent_id: int | None,
        consent_recorded: bool | None,
        created_by: int,
        at: datetime,
    ) -> Encounter:
        """Record a new encounter."""
        row = EncounterRow(
            enrollment_id=enrollment_id,
            session_id=session_id,
            kind=kind.value,
            setting=setting.value,
            rotation_week=week,
            consent_id=consent_id,
            consent_recorded=consent_recorded,
            created_by=created_by,
            created_at=at,
        )
        self.db.add(row)
        await self.db.flush()
        return _encounter(row)

    async def of_enrollment(self, enrollment_id: int) -> list[Encounter]:
        """An enrollment's encounters by rotation week, then id."""
        result = await self.db.execute(
            select(EncounterRow)
            .where(EncounterRow.enrollment_id == enrollment_id)
            .order_by(EncounterRow.rotation_week, EncounterRow.id)
        )
        return [_encounter(row) for row in result.scalars()]

    async def of_enrollments(self, enrollment_ids: Sequence[int]) -> dict[int, list[Encounter]]:
        """:meth:`of_enrollment` for each of ``enrollment_ids`` (each present, maybe empty)."""
        out: dict[int, list[Encounter]] = {eid: [] for eid in enrollment_ids}
        if not enrollment_ids:
            return out
        result = await self.db.execute(
            select(EncounterRow)
            .where(EncounterRow.enrollment_id.in_(set(enrollment_ids)))
            .order_by(EncounterRow.rotation_week, EncounterRow.id)
        )
        for row in result.scalars():
            out[row.enrollment_id].append(_encounter(row))
        return out

    async def by_ids(self, ids: Sequence[int]) -> dict[int, Encounter]:
        """The encounters of ``ids`` that exist, by id."""
        if not ids:
            return {}
        result = await self.db.execute(select(EncounterRow).where(EncounterRow.id.in_(set(ids))))
        return {row.id: _encounter(row) for row in result.scalars()}


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
