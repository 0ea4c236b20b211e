"""Repository of case presentations. Reads return the domain's
:class:`~server.domain.presentations.StoredPresentation`; writes take the domain's presentations. The
rows, and the JSON the differentials, overrides and feedback are stored as, stay in this module."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession as AsyncDb

from server.db.models import (
    CaseLogRow,
    EncounterRow,
    PresentationRow,
)
from server.domain.differential import Differential, DifferentialItem, Likelihood, Override, make_differential
from server.domain.errors import Conflict
from server.domain.presentations import (
    Presentation,
    PresentationFormat,
    PresentationState,
    StoredPresentation,
)

# --- rows <-> domain ----------------------------------------------------------------------------


def _differential(stored: Sequence[Mapping[str, Any]]) -> Differential:
    # Checked again on reading, as the domain asks of every differential scoring relies on.
    return make_differential(
        DifferentialItem(
            rank=int(item["rank"]),
            code=str(item["code"]),
            likelihood=Likelihood(item["likelihood"]),
            cant_miss=bool(item["cant_miss"]),
            findings_for=str(item["findings_for"]),
            findings_against=str(item["findings_against"]),
            next_test=str(item["next_test"]),
        )
        for item in stored
    )


def _stored_differential(differential: Differential) -> list[dict[str, Any]]:
    return [
        {
            "rank": item.rank,
            "code": item.code,
            "likelihood": item.likelihood.value,
            "cant_miss": item.cant_miss,
            "findings_for": item.findings_for,
            "findings_against": item.findings_against,
            "next_test": item.next_test,
        }
        for item in differential.items
    ]


def _presentation(row: PresentationRow) -> StoredPresentation:
    return StoredPresentation(
        id=row.id,
        case_log_id=row.case_log_id,
        visitor_id=row.visitor_id,
        format=PresentationFormat(row.format),
        state=PresentationState(row.state),
        # Copies: the domain object must not share the row's mutable JSON.
        content=dict(row.content),
        differential=_differential(row.differential),
        reference=None if row.reference is None else _differential(row.reference),
        overrides=tuple(
            Override(str(o["reference_code"]), str(o["visitor_code"]), bool(o["match"]))
            for o in row.overrides
        ),
        reference_by=row.reference_by,
        reference_at=row.reference_at,
        feedback=None if row.feedback is None else dict(row.feedback),
        reviewed_by=row.reviewed_by,
        reviewed_at=row.reviewed_at,
        created_at=row.created_at,
        updated_at=row.updated_at,
        submitted_at=row.submitted_at,
    )


def _write(row: PresentationRow, presentation: Presentation) -> None:
    """Everything of ``presentation`` that may change, onto the row."""
    row.format = presentation.format.value
    row.state = presentation.state.value
    row.content = dict(presentation.content)
    row.differential = _stored_differential(presentation.differential)
    row.reference = None if presentation.reference is None else _stored_differential(presentation.reference)
    row.overrides = [
        {"reference_code": o.reference_code, "visitor_code": o.visitor_code, "match": o.match}
        for o in presentation.overrides
    ]
    row.reference_by = presentation.reference_by
    row.reference_at = presentation.reference_at
    row.feedback = None if presentation.feedback is None else dict(presentation.feedback)
    row.reviewed_by = presentation.reviewed_by
    row.reviewed_at = presentation.reviewed_at
    row.created_at = presentation.created_at
    row.updated_at = presentation.updated_at
    row.submitted_at = presentation.submitted_at


class PresentationRepository:
    """Reads return domain objects; writes take them."""

    def __init__(self, db: AsyncDb) -> None:
        self.db = db

    async def get(self, presentation_id: int) -> StoredPresentation | None:
        """The presentation, if there is one."""
        row = await self.db.get(PresentationRow, presentation_id)
        return None if row is None else _presentation(row)

    async def reread(self, presentation_id: int) -> StoredPresentation | None:
        """The presentation read fresh from the database, not from what this unit of work has seen:
        after a lock, a change another transaction committed meanwhile is seen."""
        result = await self.db.execute(
            select(PresentationRow)
            .where(PresentationRow.id == presentation_id)
            .execution_options(populate_existing=True)
        )
        row = result.scalar_one_or_none()
        return None if row is None else _presentation(row)

    async def add(self, presentation: Presentation) -> StoredPresentation:
        """Insert a presentation; Conflict if its case log already has one (the database's unique
        constraint decides when two requests race)."""
        row = PresentationRow(case_log_id=presentation.case_log_id, visitor_id=presentation.visitor_id)
        _write(row, presentation)
        self.db.add(row)
        try:
            await self.db.flush()
        except IntegrityError:
            raise Conflict("This case log already has a presentation; edit that one.") from None
        return _presentation(row)

    async def update(self, stored: StoredPresentation) -> StoredPresentation:
        """Write back what changes in a presentation's life (its case log and author are fixed)."""
        row = await self.db.get(PresentationRow, stored.id)
        if row is None:
            raise LookupError(f"no presentation {stored.id}")
        _write(row, stored)
        await self.db.flush()
        return _presentation(row)

    async def of_case_log(self, case_log_id: int) -> StoredPresentation | None:
        """The case log's presentation, if it has one."""
        result = await self.db.execute(
            select(PresentationRow).where(PresentationRow.case_log_id == case_log_id)
        )
        row = result.scalar_one_or_none()
        return None if row is None else _presentation(row)

    async def of_enrollment(self, enrollment_id: int) -> list[StoredPresentation]:
        """An enrollment's presentations by their encounter's rotation week, then id."""
        result = await self.db.execute(
            select(PresentationRow)
            .join(CaseLogRow, CaseLogRow.id == PresentationRow.case_log_id)
            .join(EncounterRow, EncounterRow.id == CaseLogRow.encounter_id)
            .where(EncounterRow.enrollment_id == enrollment_id)
            .order_by(EncounterRow.rotation_week, PresentationRow.id)
        )
        return [_presentation(row) for row in result.scalars()]

    async def of_enrollments(self, enrollment_ids: Sequence[int]) -> dict[int, list[StoredPresentation]]:
        """:meth:`of_enrollment` for each of ``enrollment_ids`` (each present, maybe empty)."""
        out: dict[int, list[StoredPresentation]] = {eid: [] for eid in enrollment_ids}
        if not enrollment_ids:
            return out
        result = await self.db.execute(
            select(EncounterRow.enrollment_id, PresentationRow)
            .join(CaseLogRow, CaseLogRow.id == PresentationRow.case_log_id)
            .join(EncounterRow, EncounterRow.id == CaseLogRow.encounter_id)
            .where(EncounterRow.enrollment_id.in_(set(enrollment_ids)))
            .order_by(EncounterRow.rotation_week, PresentationRow.id)
        )
        for enrollment_id, row in result:
            out[enrollment_id].append(_presentation(row))
        return out
