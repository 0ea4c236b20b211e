"""Queries and writes of evaluations: per-encounter evaluations, end-of-rotation evaluations, and the
comparison group of a preceptor (their distinct past visitors). Reads return the domain's written
evaluations (:class:`~server.domain.evaluations.StoredEvaluation` and
:class:`~server.domain.evaluations.StoredFinalEvaluation`); the rows stay in this module."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import distinct, func, select
from sqlalchemy.ext.asyncio import AsyncSession as AsyncDb

from server.db.models import ApplicationRow, EncounterEvaluationRow, FinalEvaluationRow, ProgramPreceptorRow
from server.domain.evaluations import (
    ComparativeRating,
    Comparison,
    Competency,
    EncounterEvaluation,
    FinalEvaluation,
    ReleaseState,
    StoredEvaluation,
    StoredFinalEvaluation,
    make_encounter_evaluation,
)
from server.domain.vocab import RotationType

# --- rows <-> domain ----------------------------------------------------------------------------


def _evaluation(row: EncounterEvaluationRow) -> EncounterEvaluation:
    """A stored evaluation as the domain's checked value (the checks run again on reading)."""
    return make_encounter_evaluation(
        row.rotation_type,
        ratings=dict(row.ratings),
        epas=dict(row.epas),
        rime=row.rime,
        minutes_observed=row.minutes_observed,
        minutes_feedback=row.minutes_feedback,
        strengths=row.strengths,
        improvement=row.improvement,
        example=row.example,
    )


def _stored(row: EncounterEvaluationRow) -> StoredEvaluation:
    return StoredEvaluation(
        id=row.id,
        enrollment_id=row.enrollment_id,
        preceptor_id=row.preceptor_id,
        visitor_id=row.visitor_id,
        encounter_id=row.encounter_id,
        presentation_id=row.presentation_id,
        week=row.rotation_week,
        observed_on=row.observed_on,
        evaluation=_evaluation(row),
        state=ReleaseState(row.state),
        released_at=row.released_at,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


def _write(row: EncounterEvaluationRow, evaluation: EncounterEvaluation) -> None:
    row.rotation_type = evaluation.rotation_type.value
    row.ratings = {item.value: score for item, score in evaluation.ratings.items()}
    row.epas = {epa.value: level.value for epa, level in evaluation.epas.items()}
    row.rime = None if evaluation.rime is None else evaluation.rime.value
    row.minutes_observed = evaluation.minutes_observed
    row.minutes_feedback = evaluation.minutes_feedback
    row.strengths = evaluation.strengths
    row.improvement = evaluation.improvement
    row.example = evaluation.example


def _final(row: FinalEvaluationRow) -> StoredFinalEvaluation:
    # Built as stored, without make_final_evaluation's checks: the group size is the one counted when
    # it was written, and a ranking valid then must still read back though the rule may have moved.
    competencies: dict[Competency, int | None] = dict.fromkeys(Competency)
    for key, value in row.competencies.items():
        competencies[Competency(key)] = value
    rating = None if row.comparative_rating is None else ComparativeRating(row.comparative_rating)
    return StoredFinalEvaluation(
        id=row.id,
        enrollment_id=row.enrollment_id,
        preceptor_id=row.preceptor_id,
        visitor_id=row.visitor_id,
        evaluation=FinalEvaluation(
            rotation_type=RotationType(row.rotation_type),
            competencies=competencies,
            comparison=Comparison(rating, row.group_size),
            will_write_letter=row.will_write_letter,
            narrative=row.narrative,
        ),
        state=ReleaseState(row.state),
        released_at=row.released_at,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


def _write_final(row: FinalEvaluationRow, evaluation: FinalEvaluation) -> None:
    rating = evaluation.comparison.rating
    row.rotation_type = evaluation.rotation_type.value
    row.competencies = {c.value: score for c, score in evaluation.competencies.items()}
    row.comparative_rating = None if rating is None else rating.value
    row.group_size = evaluation.comparison.group_size
    row.will_write_letter = evaluation.will_write_letter
    row.narrative = evaluation.narrative


class EvaluationRepository:
    """Reads return domain objects read fresh from the database (a caller that took a lock sees what
    the lock protects); writes take domain objects."""

    def __init__(self, db: AsyncDb) -> None:
        self.db = db

    # --- per-encounter evaluations ---------------------------------------------------------------

    async def add(
        self,
        *,
        enrollment_id: int,
        preceptor_id: int,
        visitor_id: int,
        encounter_id: int | None,
        presentation_id: int | None,
        week: int,
        observed_on: date,
        evaluation: EncounterEvaluation,
        at: datetime,
    ) -> StoredEvaluation:
        """Write a new evaluation as a draft."""
        row = EncounterEvaluationRow(
            enrollment_id=enrollment_id,
            preceptor_id=preceptor_id,
            visitor_id=visitor_id,
            encounter_id=encounter_id,
            presentation_id=presentation_id,
            rotation_week=week,
            observed_on=observed_on,
            state=ReleaseState.DRAFT.value,
            released_at=None,
            created_at=at,
            updated_at=at,
        )
        _write(row, evaluation)
        self.db.add(row)
        await self.db.flush()
        return _stored(row)

    async def update(self, stored: StoredEvaluation) -> StoredEvaluation:
        """Write back every field of ``stored`` but its identity (enrollment, author, visitor, created)."""
        row = await self._row(stored.id)
        row.encounter_id = stored.encounter_id
        row.presentation_id = stored.presentation_id
        row.rotation_week = stored.week
        row.observed_on = stored.observed_on
        _write(row, stored.evaluation)
        row.state = stored.state.value
        row.released_at = stored.released_at
        row.updated_at = stored.updated_at
        await self.db.flush()
        return _stored(row)

    async def get(self, evaluation_id: int) -> StoredEvaluation | None:
        row = await self.db.get(EncounterEvaluationRow, evaluation_id, populate_existing=True)
        return None if row is None else _stored(row)

    async def evaluations_of(self, enrollment_id: int) -> list[StoredEvaluation]:
        """An enrollment's evaluations by rotation week, then date observed, then id."""
        result = await self.db.execute(
            select(EncounterEvaluationRow)
            .where(EncounterEvaluationRow.enrollment_id == enrollment_id)
            .order_by(
                EncounterEvaluationRow.rotation_week,
                EncounterEvaluationRow.observed_on,
                EncounterEvaluationRow.id,
            )
            .execution_options(populate_existing=True)
        )
        return [_stored(row) for row in result.scalars()]

    async def _row(self, evaluation_id: int) -> EncounterEvaluationRow:
        row = await self.db.get(EncounterEvaluationRow, evaluation_id)
        if row is None:
            raise LookupError(f"no evaluation {evaluation_id}")
        return row

    # --- end-of-rotation evaluations ------------------------------------------------------------

    async def add_final(
        self,
        *,
        enrollment_id: int,
        preceptor_id: int,
        visitor_id: int,
        evaluation: FinalEvaluation,
        at: datetime,
    ) -> StoredFinalEvaluation:
        """Write a new end-of-rotation evaluation as a draft."""
        row = FinalEvaluationRow(
            enrollment_id=enrollment_id,
            preceptor_id=preceptor_id,
            visitor_id=visitor_id,
            state=ReleaseState.DRAFT.value,
            released_at=None,
            created_at=at,
            updated_at=at,
        )
        _write_final(row, evaluation)
        self.db.add(row)
        await self.db.flush()
        return _final(row)

    async def update_final(self, stored: StoredFinalEvaluation) -> StoredFinalEvaluation:
        """Write back the evaluation, release state and times of ``stored``."""
        row = await self.db.get(FinalEvaluationRow, stored.id)
        if row is None:
            raise LookupError(f"no end-of-rotation evaluation {stored.id}")
        _write_final(row, stored.evaluation)
        row.state = stored.state.value
        row.released_at = stored.released_at
        row.updated_at = stored.updated_at
        await self.db.flush()
        return _final(row)

    async def final(self, enrollment_id: int, preceptor_id: int) -> StoredFinalEvaluation | None:
        """The preceptor's end-of-rotation evaluation of the enrollment, if written."""
        result = await self.db.execute(
            select(FinalEvaluationRow)
            .where(
                FinalEvaluationRow.enrollment_id == enrollment_id,
                FinalEvaluationRow.preceptor_id == preceptor_id,
            )
            .execution_options(populate_existing=True)
        )
        row = result.scalar_one_or_none()
        return None if row is None else _final(row)

    async def finals_of_enrollment(self, enrollment_id: int) -> list[StoredFinalEvaluation]:
        result = await self.db.execute(
            select(FinalEvaluationRow)
            .where(FinalEvaluationRow.enrollment_id == enrollment_id)
            .order_by(FinalEvaluationRow.id)
            .execution_options(populate_existing=True)
        )
        return [_final(row) for row in result.scalars()]

    # --- the comparison group -------------------------------------------------------------------

    async def past_visitor_count(
        self, preceptor_id: int, *, excluding_visitor_id: int, completed: str
    ) -> int:
        """How many distinct visitors completed an enrollment (state ``completed``) in a program the
        preceptor teaches, not counting ``excluding_visitor_id``."""
        result = await self.db.execute(
            select(func.count(distinct(ApplicationRow.visitor_id)))
            .join(ProgramPreceptorRow, ProgramPreceptorRow.program_id == ApplicationRow.program_id)
            .where(
                ProgramPreceptorRow.preceptor_id == preceptor_id,
                ApplicationRow.state == completed,
                ApplicationRow.visitor_id != excluding_visitor_id,
            )
        )
        return int(result.scalar_one())
