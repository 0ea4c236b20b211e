"""The evaluation repository maps rows to the domain's written evaluations and back, on both
databases: what is added or updated reads back equal, in a fresh unit of work."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

from server.db.uow import UnitOfWorkFactory
from server.domain.evaluations import (
    ComparativeRating,
    ReleaseState,
    StoredEvaluation,
    StoredFinalEvaluation,
    make_encounter_evaluation,
    make_final_evaluation,
)
from server.domain.vocab import RotationType
from tests.integration.test_api_record import enroll
from tests.support.world import World

WRITTEN = datetime(2025, 3, 4, 10, 30, tzinfo=UTC)
RELEASED = datetime(2025, 3, 5, 8, 0, tzinfo=UTC)

# Every kind of field set: a rated and a not-observed item, EPAs, RIME, all the narrative.
EVALUATION = make_encounter_evaluation(
    RotationType.HANDS_ON,
    ratings={"interviewing": 6, "professionalism": 8, "overall": "not_observed"},
    epas={"epa6": "3a", "epa1": "2b"},
    rime="interpreter",
    minutes_observed=35,
    minutes_feedback=10,
    strengths="Ranked differential, stated first.",
    improvement="Pertinent negatives before the plan.",
    example="Named the can't-miss diagnosis unprompted.",
)
REWRITTEN = make_encounter_evaluation(
    RotationType.OBSERVERSHIP,
    ratings={"professionalism": 9},
    rime=None,
    epas={"epa7": "4"},
    minutes_observed=20,
    minutes_feedback=0,
    strengths="Clear question.",
    improvement="Shorter summary.",
    example="Found the guideline in minutes.",
)


async def test_an_evaluation_reads_back_as_written_and_as_updated(
    uows: UnitOfWorkFactory, world: World
) -> None:
    enrollment_id = await enroll(uows, world.student, world.program_id, world.block_ids[:2])
    async with uows() as uow:
        added = await uow.evaluations.add(
            enrollment_id=enrollment_id,
            preceptor_id=world.preceptor.user_id,
            visitor_id=world.student.user_id,
            encounter_id=None,
            presentation_id=None,
            week=2,
            observed_on=date(2025, 3, 3),
            evaluation=EVALUATION,
            at=WRITTEN,
        )
        await uow.commit()
    assert added == StoredEvaluation(
        id=added.id,
        enrollment_id=enrollment_id,
        preceptor_id=world.preceptor.user_id,
        visitor_id=world.student.user_id,
        encounter_id=None,
        presentation_id=None,
        week=2,
        observed_on=date(2025, 3, 3),
        evaluation=EVALUATION,
        state=ReleaseState.DRAFT,
        released_at=None,
        created_at=WRITTEN,
        updated_at=WRITTEN,
    )
    async with uows() as uow:
        assert await uow.evaluations.get(added.id) == added
        assert await uow.evaluations.evaluations_of(enrollment_id) == [added]
        assert await uow.evaluations.get(added.id + 1) is None

    changed = replace(
        added,
        week=1,
        observed_on=date(2025, 3, 1),
        evaluation=REWRITTEN,
        state=ReleaseState.RELEASED,
        released_at=RELEASED,
        updated_at=RELEASED,
    )
    async with uows() as uow:
        assert await uow.evaluations.update(changed) == changed
        await uow.commit()
    async with uows() as uow:
        assert await uow.evaluations.get(added.id) == changed


async def test_an_end_of_rotation_evaluation_reads_back_as_written_and_as_updated(
    uows: UnitOfWorkFactory, world: World
) -> None:
    enrollment_id = await enroll(uows, world.student, world.program_id, world.block_ids[:2])
    final = make_final_evaluation(
        RotationType.HANDS_ON,
        competencies={"patient_care": 7, "professionalism": 9},
        comparative_rating=ComparativeRating.TOP_THIRD,
        group_size=6,
        will_write_letter=True,
        narrative="Reliable and curious.",
    )
    async with uows() as uow:
        added = await uow.evaluations.add_final(
            enrollment_id=enrollment_id,
            preceptor_id=world.preceptor.user_id,
            visitor_id=world.student.user_id,
            evaluation=final,
            at=WRITTEN,
        )
        await uow.commit()
    assert added == StoredFinalEvaluation(
        id=added.id,
        enrollment_id=enrollment_id,
        preceptor_id=world.preceptor.user_id,
        visitor_id=world.student.user_id,
        evaluation=final,
        state=ReleaseState.DRAFT,
        released_at=None,
        created_at=WRITTEN,
        updated_at=WRITTEN,
    )
    async with uows() as uow:
        assert await uow.evaluations.final(enrollment_id, world.preceptor.user_id) == added
        assert await uow.evaluations.final(enrollment_id, world.other_preceptor.user_id) is None
        assert await uow.evaluations.finals_of_enrollment(enrollment_id) == [added]

    unranked = make_final_evaluation(
        RotationType.OBSERVERSHIP,
        competencies={"medical_knowledge": 5},
        comparative_rating=None,
        group_size=2,
        will_write_letter=False,
        narrative="Kept to the point.",
    )
    changed = replace(
        added, evaluation=unranked, state=ReleaseState.RELEASED, released_at=RELEASED, updated_at=RELEASED
    )
    async with uows() as uow:
        assert await uow.evaluations.update_final(changed) == changed
        await uow.commit()
    async with uows() as uow:
        assert await uow.evaluations.final(enrollment_id, world.preceptor.user_id) == changed
