"""Repositories of the clinical record: encounters and their case logs, read as the domain's
:class:`~server.domain.caselog.Encounter` and :class:`~server.domain.caselog.StoredCaseLog`."""

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
from server.domain.caselog import (
    AgeBand,
    CaseLog,
    Complexity,
    Encounter,
    EncounterKind,
    EncounterSource,
    LogState,
    Participation,
    ReviewStatus,
    Setting,
    Sex,
    StoredCaseLog,
    VisitType,
)
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
        source=EncounterSource(row.source),
    )


def _case_log(row: CaseLogRow) -> StoredCaseLog:
    return StoredCaseLog(
        id=row.id,
        encounter_id=row.encounter_id,
        visitor_id=row.visitor_id,
        state=LogState(row.state),
        age_band=AgeBand(row.age_band),
        sex=Sex(row.sex),
        visit_type=VisitType(row.visit_type),
        chief_complaint=row.chief_complaint,
        note=row.note,
        minutes=row.minutes,
        complexity=Complexity(row.complexity),
        participation=tuple(Participation(p) for p in row.participation),
        diagnoses=tuple(row.diagnoses),
        corrected_diagnoses=None if row.corrected_diagnoses is None else tuple(row.corrected_diagnoses),
        review_status=ReviewStatus(row.review_status),
        reviewed_by=row.reviewed_by,
        reviewed_at=row.reviewed_at,
        created_at=row.created_at,
        updated_at=row.updated_at,
        submitted_at=row.submitted_at,
    )


def _write_log(row: CaseLogRow, log: CaseLog) -> None:
    """Everything of ``log`` that may change, onto the row (new lists: JSON columns are not shared)."""
    row.state = log.state.value
    row.age_band = log.age_band.value
    row.sex = log.sex.value
    row.visit_type = log.visit_type.value
    row.chief_complaint = log.chief_complaint
    row.note = log.note
    row.minutes = log.minutes
    row.complexity = log.complexity.value
    row.participation = [p.value for p in log.participation]
    row.diagnoses = list(log.diagnoses)
    row.corrected_diagnoses = None if log.corrected_diagnoses is None else list(log.corrected_diagnoses)
    row.review_status = log.review_status.value
    row.reviewed_by = log.reviewed_by
    row.reviewed_at = log.reviewed_at
    row.created_at = log.created_at
    row.updated_at = log.updated_at
    row.submitted_at = log.submitted_at


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
        source: EncounterSource,
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
            source=source.value,
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
    """Reads return the domain's :class:`~server.domain.caselog.StoredCaseLog`; writes take the domain's
    logs. The rows stay here."""

    def __init__(self, db: AsyncDb) -> None:
        self.db = db

    async def get(self, case_log_id: int) -> StoredCaseLog | None:
        """The log, if there is one."""
        row = await self.db.get(CaseLogRow, case_log_id)
        return None if row is None else _case_log(row)

    async def add(self, case_log: CaseLog) -> StoredCaseLog:
        """Insert a log; Conflict if the visitor already has one for the encounter (the database's
        unique constraint decides when two requests race)."""
        row = CaseLogRow(encounter_id=case_log.encounter_id, visitor_id=case_log.visitor_id)
        _write_log(row, case_log)
        self.db.add(row)
        try:
            await self.db.flush()
        except IntegrityError:
            raise Conflict("You already have a case log for this encounter; edit that one.") from None
        return _case_log(row)

    async def update(self, stored: StoredCaseLog) -> StoredCaseLog:
        """Write back a log's fields, state, review and times (its encounter and author are fixed)."""
        row = await self.db.get(CaseLogRow, stored.id)
        if row is None:
            raise LookupError(f"no case log {stored.id}")
        _write_log(row, stored)
        await self.db.flush()
        return _case_log(row)

    async def of_encounter(self, encounter_id: int, visitor_id: int) -> StoredCaseLog | None:
        """The visitor's log of the encounter, if they wrote one."""
        result = await self.db.execute(
            select(CaseLogRow).where(
                CaseLogRow.encounter_id == encounter_id, CaseLogRow.visitor_id == visitor_id
            )
        )
        row = result.scalar_one_or_none()
        return None if row is None else _case_log(row)

    async def of_enrollment(self, enrollment_id: int) -> list[StoredCaseLog]:
        """An enrollment's logs by their encounter's rotation week, then id."""
        result = await self.db.execute(
            select(CaseLogRow)
            .join(EncounterRow, EncounterRow.id == CaseLogRow.encounter_id)
            .where(EncounterRow.enrollment_id == enrollment_id)
            .order_by(EncounterRow.rotation_week, CaseLogRow.id)
        )
        return [_case_log(row) for row in result.scalars()]

    async def of_enrollments(self, enrollment_ids: Sequence[int]) -> dict[int, list[StoredCaseLog]]:
        """:meth:`of_enrollment` for each of ``enrollment_ids`` (each present, maybe empty)."""
        out: dict[int, list[StoredCaseLog]] = {eid: [] for eid in enrollment_ids}
        if not enrollment_ids:
            return out
        result = await self.db.execute(
            select(EncounterRow.enrollment_id, CaseLogRow)
            .join(EncounterRow, EncounterRow.id == CaseLogRow.encounter_id)
            .where(EncounterRow.enrollment_id.in_(set(enrollment_ids)))
            .order_by(EncounterRow.rotation_week, CaseLogRow.id)
        )
        for enrollment_id, row in result:
            out[enrollment_id].append(_case_log(row))
        return out
