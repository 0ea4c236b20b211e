"""The presentation repository maps rows to the domain's stored presentations and back, on both
databases: what is added or updated reads back equal, in a fresh unit of work, by every read."""

from __future__ import annotations

from dataclasses import fields, replace
from datetime import UTC, datetime
from typing import Any

import pytest

from server.db.uow import UnitOfWork, UnitOfWorkFactory
from server.domain.caselog import (
    AgeBand,
    CaseLog,
    Complexity,
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
from server.domain.differential import DifferentialItem, Likelihood, Override, make_differential
from server.domain.errors import Conflict
from server.domain.presentations import (
    Presentation,
    PresentationFormat,
    PresentationState,
    StoredPresentation,
)
from tests.integration.test_api_record import enroll
from tests.support.world import World

WRITTEN = datetime(2025, 3, 4, 10, 30, tzinfo=UTC)
SUBMITTED = datetime(2025, 3, 5, 8, 0, tzinfo=UTC)
REVIEWED = datetime(2025, 3, 6, 17, 15, tzinfo=UTC)

DIFFERENTIAL = make_differential(
    [
        DifferentialItem(1, "J18.9", Likelihood.LEADING, cant_miss=True, findings_for="fever, crackles"),
        DifferentialItem(2, "J20.9", Likelihood.LIKELY, findings_against="no wheeze", next_test="CXR"),
    ]
)
REFERENCE = make_differential([DifferentialItem(1, "J15.9", Likelihood.LEADING)])


async def _case_log(uow: UnitOfWork, world: World, enrollment_id: int, week: int) -> StoredCaseLog:
    encounter = await uow.encounters.create(
        enrollment_id=enrollment_id,
        session_id=None,
        kind=EncounterKind.PATIENT_VISIT,
        setting=Setting.CLINIC,
        week=week,
        consent_id=None,
        consent_recorded=True,
        created_by=world.student.user_id,
        at=WRITTEN,
        source=EncounterSource.VISITOR,
    )
    return await uow.case_logs.add(
        CaseLog(
            encounter_id=encounter.id,
            visitor_id=world.student.user_id,
            state=LogState.SUBMITTED,
            age_band=AgeBand.YEARS_60_69,
            sex=Sex.MALE,
            visit_type=VisitType.NEW,
            chief_complaint="Fever and cough",
            note=None,
            minutes=30,
            complexity=Complexity.MODERATE,
            participation=(Participation.PRESENTED,),
            diagnoses=("J18.9",),
            corrected_diagnoses=None,
            review_status=ReviewStatus.PENDING,
            reviewed_by=None,
            reviewed_at=None,
            created_at=WRITTEN,
            updated_at=WRITTEN,
            submitted_at=WRITTEN,
        )
    )


def _draft(case_log_id: int, visitor_id: int) -> Presentation:
    return Presentation(
        case_log_id=case_log_id,
        visitor_id=visitor_id,
        format=PresentationFormat.SNAPPS,
        state=PresentationState.DRAFT,
        content={"summarize": "A man in his sixties with fever.", "narrow": "Pneumonia or bronchitis."},
        differential=DIFFERENTIAL,
        reference=None,
        overrides=(),
        reference_by=None,
        reference_at=None,
        feedback=None,
        reviewed_by=None,
        reviewed_at=None,
        created_at=WRITTEN,
        updated_at=WRITTEN,
        submitted_at=None,
    )


async def test_a_presentation_reads_back_as_written_and_as_reviewed(
    uows: UnitOfWorkFactory, world: World
) -> None:
    enrollment_id = await enroll(uows, world.student, world.program_id, world.block_ids[:2])
    other_enrollment = await enroll(uows, world.graduate, world.program_id, world.block_ids[:1])
    async with uows() as uow:
        late_log = await _case_log(uow, world, enrollment_id, 4)
        early_log = await _case_log(uow, world, enrollment_id, 2)
        # The week-4 presentation is added first: reads order by the encounter's week, then id.
        late = await uow.presentations.add(_draft(late_log.id, world.student.user_id))
        early = await uow.presentations.add(
            replace(_draft(early_log.id, world.student.user_id), format=PresentationFormat.ORAL, content={})
        )
        await uow.commit()
    assert late == StoredPresentation(
        **{**_fields(_draft(late_log.id, world.student.user_id)), "id": late.id}
    )
    assert early.format is PresentationFormat.ORAL and early.content == {}
    async with uows() as uow:
        assert await uow.presentations.get(late.id) == late
        assert await uow.presentations.reread(late.id) == late
        assert await uow.presentations.get(early.id + 1) is None
        assert await uow.presentations.of_case_log(early_log.id) == early
        assert await uow.presentations.of_case_log(early_log.id + late_log.id + 1) is None
        assert await uow.presentations.of_enrollment(enrollment_id) == [early, late]
        assert await uow.presentations.of_enrollments([enrollment_id, other_enrollment]) == {
            enrollment_id: [early, late],
            other_enrollment: [],
        }

    reviewed = replace(
        late,
        state=PresentationState.REVIEWED,
        submitted_at=SUBMITTED,
        updated_at=SUBMITTED,
        reference=REFERENCE,
        overrides=(Override("J15.9", "J18.9", True), Override("J15.9", "J20.9", False)),
        reference_by=world.preceptor.user_id,
        reference_at=REVIEWED,
        feedback={
            "commitment": "Committed to pneumonia.",
            "evidence": "Crackles.",
            "general_rule": "Fever and focal signs.",
            "reinforce": "Good ranking.",
            "correct": "",
        },
        reviewed_by=world.preceptor.user_id,
        reviewed_at=REVIEWED,
    )
    async with uows() as uow:
        assert await uow.presentations.update(reviewed) == reviewed
        await uow.commit()
    async with uows() as uow:
        assert await uow.presentations.get(late.id) == reviewed
        assert await uow.presentations.get(early.id) == early


async def test_a_second_presentation_of_one_case_log_is_a_conflict(
    uows: UnitOfWorkFactory, world: World
) -> None:
    enrollment_id = await enroll(uows, world.student, world.program_id, world.block_ids[:1])
    async with uows() as uow:
        log = await _case_log(uow, world, enrollment_id, 1)
        await uow.presentations.add(_draft(log.id, world.student.user_id))
        with pytest.raises(Conflict):
            await uow.presentations.add(_draft(log.id, world.student.user_id))


def _fields(presentation: Presentation) -> dict[str, Any]:
    # Field by field, not asdict: asdict would turn the differential into dicts as well.
    return {f.name: getattr(presentation, f.name) for f in fields(presentation)}
