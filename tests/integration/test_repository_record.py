"""The record's repositories map rows to the domain and back, on both databases: an encounter or a
case log written reads back equal, in a fresh unit of work, by every read."""

from __future__ import annotations

from dataclasses import asdict, replace
from datetime import UTC, datetime

import pytest

from server.db.uow import UnitOfWorkFactory
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
from tests.integration.test_api_record import enroll
from tests.support.world import World

RECORDED = datetime(2025, 3, 4, 10, 30, tzinfo=UTC)
SUBMITTED = datetime(2025, 3, 5, 8, 0, tzinfo=UTC)
REVIEWED = datetime(2025, 3, 6, 17, 15, tzinfo=UTC)


async def test_an_encounter_reads_back_as_recorded(uows: UnitOfWorkFactory, world: World) -> None:
    enrollment_id = await enroll(uows, world.student, world.program_id, world.block_ids[:2])
    other_enrollment = await enroll(uows, world.graduate, world.program_id, world.block_ids[:1])
    async with uows() as uow:
        visit = await uow.encounters.create(
            enrollment_id=enrollment_id,
            session_id=None,
            kind=EncounterKind.PATIENT_VISIT,
            setting=Setting.CLINIC,
            week=2,
            consent_id=None,
            consent_recorded=True,
            created_by=world.student.user_id,
            at=RECORDED,
            source=EncounterSource.PRECEPTOR,
        )
        # Week 1 recorded second: reads order by week, then id.
        huddle = await uow.encounters.create(
            enrollment_id=enrollment_id,
            session_id=41,
            kind=EncounterKind.DIDACTIC,
            setting=Setting.TELEHEALTH_VIDEO,
            week=1,
            consent_id=7,
            consent_recorded=None,
            created_by=world.preceptor.user_id,
            at=RECORDED,
            source=EncounterSource.PLATFORM,
        )
        await uow.commit()
    assert visit == Encounter(
        id=visit.id,
        enrollment_id=enrollment_id,
        session_id=None,
        kind=EncounterKind.PATIENT_VISIT,
        setting=Setting.CLINIC,
        rotation_week=2,
        consent_id=None,
        consent_recorded=True,
        created_by=world.student.user_id,
        created_at=RECORDED,
        source=EncounterSource.PRECEPTOR,
    )
    assert (huddle.session_id, huddle.consent_id, huddle.consent_recorded) == (41, 7, None)
    async with uows() as uow:
        assert await uow.encounters.get(visit.id) == visit
        assert await uow.encounters.get(huddle.id + 1) is None
        assert await uow.encounters.of_enrollment(enrollment_id) == [huddle, visit]
        assert await uow.encounters.of_enrollments([enrollment_id, other_enrollment]) == {
            enrollment_id: [huddle, visit],
            other_enrollment: [],
        }
        assert await uow.encounters.by_ids([visit.id, huddle.id, huddle.id + 1]) == {
            visit.id: visit,
            huddle.id: huddle,
        }


async def test_a_case_log_reads_back_as_written_and_as_updated(uows: UnitOfWorkFactory, world: World) -> None:
    enrollment_id = await enroll(uows, world.student, world.program_id, world.block_ids[:2])
    other_enrollment = await enroll(uows, world.graduate, world.program_id, world.block_ids[:1])
    written = CaseLog(
        encounter_id=0,
        visitor_id=world.student.user_id,
        state=LogState.DRAFT,
        age_band=AgeBand.YEARS_40_49,
        sex=Sex.FEMALE,
        visit_type=VisitType.FOLLOW_UP,
        chief_complaint="Cough for two weeks",
        note=None,
        minutes=25,
        complexity=Complexity.MODERATE,
        participation=(Participation.OBSERVED, Participation.PRESENTED),
        diagnoses=("J20.9", "R05.9"),
        corrected_diagnoses=None,
        review_status=ReviewStatus.PENDING,
        reviewed_by=None,
        reviewed_at=None,
        created_at=RECORDED,
        updated_at=RECORDED,
        submitted_at=None,
    )
    async with uows() as uow:
        late, early = [
            await uow.encounters.create(
                enrollment_id=enrollment_id,
                session_id=None,
                kind=EncounterKind.HUDDLE,
                setting=Setting.TELEHEALTH_VIDEO,
                week=week,
                consent_id=None,
                consent_recorded=None,
                created_by=world.student.user_id,
                at=RECORDED,
                source=EncounterSource.VISITOR,
            )
            for week in (3, 1)
        ]
        # The week-3 log is added first: reads order by the encounter's week, then id.
        first = await uow.case_logs.add(replace(written, encounter_id=late.id))
        second = await uow.case_logs.add(replace(written, encounter_id=early.id, note="Seen with Dr. A."))
        await uow.commit()
    assert first == StoredCaseLog(**{**asdict(written), "encounter_id": late.id, "id": first.id})
    assert second.note == "Seen with Dr. A."
    async with uows() as uow:
        assert await uow.case_logs.get(first.id) == first
        assert await uow.case_logs.get(second.id + 1) is None
        assert await uow.case_logs.of_encounter(late.id, world.student.user_id) == first
        assert await uow.case_logs.of_encounter(late.id, world.graduate.user_id) is None
        assert await uow.case_logs.of_enrollment(enrollment_id) == [second, first]
        assert await uow.case_logs.of_enrollments([enrollment_id, other_enrollment]) == {
            enrollment_id: [second, first],
            other_enrollment: [],
        }

    reviewed = replace(
        first,
        state=LogState.SUBMITTED,
        submitted_at=SUBMITTED,
        updated_at=SUBMITTED,
        review_status=ReviewStatus.CORRECTED,
        corrected_diagnoses=("J18.9",),
        reviewed_by=world.preceptor.user_id,
        reviewed_at=REVIEWED,
    )
    async with uows() as uow:
        assert await uow.case_logs.update(reviewed) == reviewed
        await uow.commit()
    async with uows() as uow:
        assert await uow.case_logs.get(first.id) == reviewed
        assert await uow.case_logs.get(second.id) == second


async def test_a_second_log_of_one_encounter_by_the_same_visitor_is_a_conflict(
    uows: UnitOfWorkFactory, world: World
) -> None:
    enrollment_id = await enroll(uows, world.student, world.program_id, world.block_ids[:1])
    async with uows() as uow:
        encounter = await uow.encounters.create(
            enrollment_id=enrollment_id,
            session_id=None,
            kind=EncounterKind.DIDACTIC,
            setting=Setting.CLINIC,
            week=1,
            consent_id=None,
            consent_recorded=None,
            created_by=world.student.user_id,
            at=RECORDED,
            source=EncounterSource.VISITOR,
        )
        log = CaseLog(
            encounter_id=encounter.id,
            visitor_id=world.student.user_id,
            state=LogState.SUBMITTED,
            age_band=AgeBand.YEARS_90_PLUS,
            sex=Sex.UNKNOWN,
            visit_type=VisitType.NEW,
            chief_complaint="Falls",
            note="",
            minutes=600,
            complexity=Complexity.HIGH,
            participation=(Participation.COUNSELED,),
            diagnoses=("W19.XXXA",),
            corrected_diagnoses=None,
            review_status=ReviewStatus.PENDING,
            reviewed_by=None,
            reviewed_at=None,
            created_at=RECORDED,
            updated_at=RECORDED,
            submitted_at=RECORDED,
        )
        await uow.case_logs.add(log)
        with pytest.raises(Conflict):
            await uow.case_logs.add(log)
