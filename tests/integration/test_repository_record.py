"""The record's repositories map rows to the domain and back, on both databases: an encounter
recorded reads back equal, in a fresh unit of work, by every read."""

from __future__ import annotations

from datetime import UTC, datetime

from server.db.uow import UnitOfWorkFactory
from server.domain.caselog import Encounter, EncounterKind, Setting
from tests.integration.test_api_record import enroll
from tests.support.world import World

RECORDED = datetime(2025, 3, 4, 10, 30, tzinfo=UTC)


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
