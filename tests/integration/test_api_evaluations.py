"""Evaluations through the API on both databases: a preceptor drafts, edits and releases a per-encounter
evaluation (final once released); the visitor sees released ones only; scope per rotation type; the PHI
guard on the narrative; bad input; the end-of-rotation evaluation with its group size counted from the
preceptor's past visitors; the evidence summary."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import select, update

from server.db import models
from server.db.uow import UnitOfWorkFactory
from server.domain.vocab import Role
from server.services import accounts
from tests.integration.api_helpers import row_counts
from tests.integration.test_api_record import audit_rows, enroll
from tests.support.client import DEMO_PASSWORD
from tests.support.world import World

# An observership: professionalism, EPAs 2, 6 and 7 and RIME may be rated.
EVALUATION: dict[str, Any] = {
    "week": 1,
    "ratings": {"professionalism": 7, "interviewing": "not_observed"},
    "epas": {"epa2": "3a", "epa6": "2b"},
    "rime": "interpreter",
    "minutes_observed": 30,
    "minutes_feedback": 10,
    "strengths": "Clear, organised presentation with a prioritised differential.",
    "improvement": "State the pertinent negatives before the assessment.",
    "example": "Named acute coronary syndrome as the can't-miss diagnosis unprompted.",
}
FINAL: dict[str, Any] = {
    "competencies": {"medical_knowledge": 7, "professionalism": 8},
    "will_write_letter": True,
    "narrative": "A reliable, curious learner who presented every case with a ranked differential.",
}


async def make_hands_on(uows: UnitOfWorkFactory, program_id: int) -> None:
    async with uows() as uow:
        await uow.db.execute(
            update(models.ProgramRow)
            .where(models.ProgramRow.id == program_id)
            .values(rotation_type="hands_on")
        )
        await uow.commit()


async def add_past_visitors(uows: UnitOfWorkFactory, program_id: int, n: int, start: int = 0) -> None:
    """``n`` visitors, each with a completed rotation in the program (straight into the table)."""
    async with uows() as uow:
        for i in range(start, start + n):
            user = await accounts.create_user(
                uow,
                email=f"past{i}@example.org",
                password=DEMO_PASSWORD,
                role=Role.VISITOR,
                full_name=f"Past Visitor {i}",
            )
            now = datetime(2025, 1, 1, tzinfo=UTC)
            uow.db.add(
                models.ApplicationRow(
                    visitor_id=user.id,
                    program_id=program_id,
                    state="completed",
                    statement="",
                    created_at=now,
                    updated_at=now,
                )
            )
        await uow.commit()


async def completed(uows: UnitOfWorkFactory, visitor_id: int, program_id: int) -> None:
    """A completed rotation of the visitor in the program (straight into the table)."""
    async with uows() as uow:
        now = datetime(2025, 6, 1, tzinfo=UTC)
        uow.db.add(
            models.ApplicationRow(
                visitor_id=visitor_id,
                program_id=program_id,
                state="completed",
                statement="",
                created_at=now,
                updated_at=now,
            )
        )
        await uow.commit()


async def evaluation_rows(uows: UnitOfWorkFactory) -> list[tuple[Any, ...]]:
    async with uows() as uow:
        rows = (
            await uow.db.execute(
                select(models.EncounterEvaluationRow).order_by(models.EncounterEvaluationRow.id)
            )
        ).scalars()
        return [(r.id, r.state, r.strengths, r.ratings) for r in rows]


@pytest.fixture
async def enrollment(uows: UnitOfWorkFactory, world: World) -> int:
    """The student enrolled in the open observership (one block: four weeks)."""
    return await enroll(uows, world.student, world.program_id, world.block_ids[:1])


# --- drafts, release, visibility --------------------------------------------------------------


async def test_a_draft_is_edited_then_released_then_final_and_only_then_seen_by_the_visitor(
    world: World, make_api: Any, enrollment: int
) -> None:
    preceptor = await make_api(world.preceptor.email)
    visitor = await make_api(world.student.email)
    draft = await preceptor.post(f"/enrollments/{enrollment}/evaluations", EVALUATION, expect=201)
    assert draft["state"] == "draft" and draft["released_at"] is None
    assert draft["ratings"] == {
        "interviewing": None,
        "physical_exam": None,
        "professionalism": 7,
        "clinical_judgment": None,
        "counseling": None,
        "organization_efficiency": None,
        "overall": None,
    }
    assert draft["epas"] == {"epa2": "3a", "epa6": "2b"} and draft["observed_on"] == "2026-11-24"
    assert draft["preceptor_name"] == "Preceptor"

    # A draft is the preceptor's alone.
    assert await visitor.get(f"/enrollments/{enrollment}/evaluations") == []
    await visitor.get(f"/evaluations/{draft['id']}", expect=404)
    summary = await visitor.get(f"/enrollments/{enrollment}/evaluation-summary")
    assert summary["evaluations"] == 0 and summary["released_only"] is True
    counts = await visitor.get(f"/enrollments/{enrollment}/evaluation-counts")
    assert counts["released"] == 0 and counts["drafts"] is None

    edited = await preceptor.put(
        f"/evaluations/{draft['id']}", {**EVALUATION, "ratings": {"professionalism": 8}, "rime": "manager"}
    )
    assert edited["ratings"]["professionalism"] == 8 and edited["rime"] == "manager"
    status, body = await preceptor.call("POST", f"/evaluations/{draft['id']}/release", json={})
    assert status == 422 and body["error"]["field"] == "confirm", body  # releasing is final: say so
    released = await preceptor.post(f"/evaluations/{draft['id']}/release", {"confirm": True})
    assert released["state"] == "released" and released["released_at"] is not None

    [seen] = await visitor.get(f"/enrollments/{enrollment}/evaluations")
    assert seen["id"] == draft["id"] and seen["example"] == EVALUATION["example"]
    assert (await visitor.get(f"/evaluations/{draft['id']}"))["rime"] == "manager"

    # Released is final.
    status, body = await preceptor.call("PUT", f"/evaluations/{draft['id']}", json=EVALUATION)
    assert status == 409 and "released" in body["error"]["message"], body
    status, body = await preceptor.call("POST", f"/evaluations/{draft['id']}/release", json={"confirm": True})
    assert status == 409, body
    assert (await visitor.get(f"/evaluations/{draft['id']}"))["ratings"]["professionalism"] == 8


async def test_the_summary_shows_counts_spread_and_the_week_trajectory_of_released_ones_only(
    world: World, make_api: Any, enrollment: int
) -> None:
    preceptor = await make_api(world.preceptor.email)
    visitor = await make_api(world.student.email)
    ids = []
    for week, score, level in [(1, 5, "2a"), (2, 6, "2b"), (4, 8, "3b")]:
        body = {**EVALUATION, "week": week, "ratings": {"professionalism": score}, "epas": {"epa2": level}}
        created = await preceptor.post(f"/enrollments/{enrollment}/evaluations", body, expect=201)
        ids.append(created["id"])
    for evaluation_id in ids[:2]:
        await preceptor.post(f"/evaluations/{evaluation_id}/release", {"confirm": True})

    mine = await visitor.get(f"/enrollments/{enrollment}/evaluation-summary")
    assert mine["evaluations"] == 2 and mine["weeks"] == [1, 2] and mine["evaluation_ids"] == ids[:2]
    [prof] = [i for i in mine["items"] if i["item"] == "professionalism"]
    stats = prof["stats"]
    assert (stats["count"], stats["minimum"], stats["maximum"], stats["spread"]) == (2, 5, 6, 1)
    assert stats["trajectory"] == {
        "first_week": 1,
        "first_mean": 5.0,
        "last_week": 2,
        "last_mean": 6.0,
        "change": 1.0,
    }
    [epa2] = [e for e in mine["epas"] if e["epa"] == "epa2"]
    assert (epa2["lowest"], epa2["highest"], epa2["latest"]) == ("2a", "2b", "2b")
    assert mine["minutes_observed"] == 60 and len(mine["examples"]) == 2

    # The preceptor's summary counts their draft too: week 1 -> week 4.
    theirs = await preceptor.get(f"/enrollments/{enrollment}/evaluation-summary")
    assert theirs["evaluations"] == 3 and theirs["released_only"] is False
    [prof] = [i for i in theirs["items"] if i["item"] == "professionalism"]
    assert prof["stats"]["trajectory"]["last_week"] == 4 and prof["stats"]["trajectory"]["last_mean"] == 8.0

    coordinator = await make_api(world.coordinator.email)
    counts = await coordinator.get(f"/enrollments/{enrollment}/evaluation-counts")
    assert counts == {
        "enrollment_id": enrollment,
        "released": 2,
        "drafts": 1,
        "weeks_with_released": [1, 2],
        "final_released": 0,
        "final_drafts": 0,
    }


# --- scope ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "field", "named"),
    [
        ({"ratings": {"interviewing": 6}}, "ratings.interviewing", "Medical interviewing"),
        ({"ratings": {"overall": 7}}, "ratings.overall", "Overall clinical competence"),
        ({"epas": {"epa1": "2a"}}, "epas.epa1", "EPA 1"),
        ({"epas": {"epa3": "3a"}}, "epas.epa3", "EPA 3"),
    ],
)
async def test_an_observership_refuses_what_needs_patient_contact(
    world: World, make_api: Any, enrollment: int, uows: UnitOfWorkFactory, change: Any, field: str, named: str
) -> None:
    preceptor = await make_api(world.preceptor.email)
    before = await row_counts(uows)
    status, body = await preceptor.call(
        "POST", f"/enrollments/{enrollment}/evaluations", json={**EVALUATION, **change}
    )
    assert status == 422 and body["error"]["field"] == field, body
    assert named in body["error"]["message"] and "observership" in body["error"]["message"]
    assert await row_counts(uows) == before


async def test_a_hands_on_rotation_rates_every_item_and_epa(
    world: World, make_api: Any, enrollment: int, uows: UnitOfWorkFactory
) -> None:
    await make_hands_on(uows, world.program_id)
    preceptor = await make_api(world.preceptor.email)
    body = {
        **EVALUATION,
        "ratings": {"interviewing": 6, "physical_exam": 5, "overall": 7, "counseling": None},
        "epas": {"epa1": "3a", "epa3": "2b", "epa5": "not_observed"},
    }
    created = await preceptor.post(f"/enrollments/{enrollment}/evaluations", body, expect=201)
    assert created["rotation_type"] == "hands_on" and created["epas"] == {"epa1": "3a", "epa3": "2b"}
    assert created["ratings"]["interviewing"] == 6 and created["ratings"]["counseling"] is None


# --- the PHI guard and bad input --------------------------------------------------------------


async def test_phi_in_the_narrative_is_refused_with_the_span_and_nothing_is_stored(
    world: World, make_api: Any, enrollment: int, uows: UnitOfWorkFactory, caplog: pytest.LogCaptureFixture
) -> None:
    preceptor = await make_api(world.preceptor.email)
    before = await row_counts(uows)
    caplog.set_level(logging.DEBUG)
    body = {**EVALUATION, "example": "Took the history of the patient with MRN 4827315 calmly."}
    status, answer = await preceptor.call("POST", f"/enrollments/{enrollment}/evaluations", json=body)
    assert status == 422 and answer["error"]["field"] == "example", answer
    assert "4827315" in answer["error"]["message"]
    assert await row_counts(uows) == before
    assert "4827315" not in caplog.text

    created = await preceptor.post(f"/enrollments/{enrollment}/evaluations", EVALUATION, expect=201)
    status, answer = await preceptor.call(
        "PUT", f"/evaluations/{created['id']}", json={**EVALUATION, "strengths": "Call her at 312-555-0142."}
    )
    assert status == 422 and answer["error"]["field"] == "strengths", answer
    [(_, _, strengths, _)] = await evaluation_rows(uows)
    assert strengths == EVALUATION["strengths"]

    status, answer = await preceptor.call(
        "PUT",
        f"/enrollments/{enrollment}/final-evaluations/{world.preceptor.user_id}",
        json={**FINAL, "narrative": "Saw patients with her at 200 Lakeshore Drive every week."},
    )
    assert status == 422 and answer["error"]["field"] == "narrative", answer


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"ratings": {"professionalism": 10}}, "ratings.professionalism"),
        ({"ratings": {"professionalism": 0}}, "ratings.professionalism"),
        ({"ratings": {"professionalism": "7"}}, "ratings.professionalism"),
        ({"ratings": {"professionalism": True}}, "ratings.professionalism"),
        ({"ratings": {"professionalism": 7.5}}, "ratings.professionalism"),
        ({"ratings": {"bedside_manner": 7}}, "ratings"),
        ({"ratings": ["professionalism", 7]}, "ratings"),
        ({"epas": {"epa2": "6"}}, "epas.epa2"),
        ({"epas": {"epa2": 3}}, "epas.epa2"),
        ({"epas": {"epa4": "3a"}}, "epas"),
        ({"rime": "expert"}, "rime"),
        ({"minutes_observed": 0}, "minutes_observed"),
        ({"minutes_observed": 601}, "minutes_observed"),
        ({"minutes_observed": "30"}, "minutes_observed"),
        ({"minutes_feedback": 121}, "minutes_feedback"),
        ({"week": 5}, "week"),
        ({"week": 0}, "week"),
        ({"observed_on": "2030-01-01"}, "observed_on"),
        ({"observed_on": "yesterday"}, "observed_on"),
        ({"strengths": "x" * 2001}, "strengths"),
        ({"improvement": "   "}, "improvement"),
        ({"example": None}, "example"),
        ({"ratings": {}, "epas": {}, "rime": None}, "ratings"),
        ({"encounter_id": 999}, "encounter_id"),
        ({"presentation_id": 999}, "presentation_id"),
        ({"grade": "A"}, "grade"),
    ],
)
async def test_bad_input_is_a_422_naming_the_field_and_nothing_is_stored(
    world: World, make_api: Any, enrollment: int, uows: UnitOfWorkFactory, change: Any, field: str
) -> None:
    preceptor = await make_api(world.preceptor.email)
    before = await row_counts(uows)
    status, body = await preceptor.call(
        "POST", f"/enrollments/{enrollment}/evaluations", json={**EVALUATION, **change}
    )
    assert status == 422, body
    assert body["error"]["field"] == field, body
    assert await row_counts(uows) == before


async def test_an_encounter_of_another_enrollment_or_week_cannot_be_linked(
    world: World, make_api: Any, enrollment: int, uows: UnitOfWorkFactory
) -> None:
    visitor = await make_api(world.student.email)
    preceptor = await make_api(world.preceptor.email)
    encounter = await visitor.post(
        f"/enrollments/{enrollment}/encounters",
        {"week": 2, "kind": "patient_visit", "setting": "telehealth_video"},
        expect=201,
    )
    linked = {**EVALUATION, "encounter_id": encounter["id"]}
    status, body = await preceptor.call("POST", f"/enrollments/{enrollment}/evaluations", json=linked)
    assert status == 422 and body["error"]["field"] == "week", body
    created = await preceptor.post(
        f"/enrollments/{enrollment}/evaluations", {**linked, "week": 2}, expect=201
    )
    assert created["encounter_id"] == encounter["id"]


# --- the end-of-rotation evaluation -----------------------------------------------------------


async def test_the_group_size_counts_the_preceptors_distinct_past_visitors_and_is_kept_as_it_was(
    world: World, make_api: Any, enrollment: int, uows: UnitOfWorkFactory
) -> None:
    preceptor = await make_api(world.preceptor.email)
    visitor = await make_api(world.student.email)
    p = world.preceptor.user_id
    final_path = f"/enrollments/{enrollment}/final-evaluations/{p}"
    group = await preceptor.get(f"/enrollments/{enrollment}/comparison-group")
    assert group["group_size"] == 0 and group["enough_to_compare"] is False

    # Not counted: the visitor's own completed rotation, another preceptor's visitors, open enrollments.
    await completed(uows, world.student.user_id, world.step1_program_id)
    await enroll(
        uows, world.other_student, world.other_program_id, world.other_block_ids[:1], state="completed"
    )
    await enroll(uows, world.graduate, world.program_id, world.block_ids[1:2], state="active")
    # Counted once: two past visitors, one of them with two completed rotations.
    await add_past_visitors(uows, world.program_id, 2)
    await add_past_visitors(uows, world.step1_program_id, 1, start=2)
    async with uows() as uow:
        past0 = await uow.users.by_email("past0@example.org")
        assert past0 is not None
        past0_id = past0.id
    await completed(uows, past0_id, world.step1_program_id)
    assert (await preceptor.get(f"/enrollments/{enrollment}/comparison-group"))["group_size"] == 3

    status, body = await preceptor.call("PUT", final_path, json={**FINAL, "comparative_rating": "top_third"})
    assert status == 422 and body["error"]["field"] == "comparison.rating", body
    saved = await preceptor.put(final_path, FINAL)
    assert saved["group_size"] == 3 and saved["comparative_rating"] is None
    assert saved["comparison_label"].startswith("Not enough to compare (3 past visitors")

    await add_past_visitors(uows, world.program_id, 3, start=10)
    status, body = await preceptor.call(
        "PUT", final_path, json={**FINAL, "comparative_rating": "top_10_percent"}
    )
    assert status == 422 and "Top 10%" in body["error"]["message"], body
    saved = await preceptor.put(final_path, {**FINAL, "comparative_rating": "top_third"})
    assert saved["group_size"] == 6 and saved["comparison_label"] == "Top third of 6 past visitors"

    await visitor.get(final_path, expect=404)  # a draft
    assert await visitor.get(f"/enrollments/{enrollment}/final-evaluations") == []
    released = await preceptor.post(final_path + "/release", {"confirm": True})
    assert released["state"] == "released"

    # More past visitors later: the released evaluation keeps the group it was written against.
    await add_past_visitors(uows, world.program_id, 4, start=20)
    assert (await preceptor.get(f"/enrollments/{enrollment}/comparison-group"))["group_size"] == 10
    mine = await visitor.get(final_path)
    assert mine["group_size"] == 6 and mine["comparison_label"] == "Top third of 6 past visitors"
    assert mine["will_write_letter"] is True and mine["competencies"]["patient_care"] is None
    status, body = await preceptor.call("PUT", final_path, json=FINAL)
    assert status == 409, body


async def test_a_final_evaluation_rates_only_what_the_rotation_type_allows(
    world: World, make_api: Any, enrollment: int
) -> None:
    preceptor = await make_api(world.preceptor.email)
    path = f"/enrollments/{enrollment}/final-evaluations/{world.preceptor.user_id}"
    status, body = await preceptor.call("PUT", path, json={**FINAL, "competencies": {"patient_care": 7}})
    assert status == 422 and body["error"]["field"] == "competencies.patient_care", body
    for bad, field in [
        ({"will_write_letter": "yes"}, "will_write_letter"),
        ({"competencies": {"medical_knowledge": 12}}, "competencies.medical_knowledge"),
        ({"comparative_rating": "best"}, "comparative_rating"),
        ({"narrative": "y" * 6001}, "narrative"),
        ({"narrative": ""}, "narrative"),
    ]:
        status, body = await preceptor.call("PUT", path, json={**FINAL, **bad})
        assert status == 422 and body["error"]["field"] == field, (bad, body)
    status, body = await preceptor.call("POST", path + "/release", json={"confirm": True})
    assert status == 404, body


async def test_the_audit_log_has_every_edit_release_and_view_by_someone_else(
    world: World, make_api: Any, enrollment: int, uows: UnitOfWorkFactory
) -> None:
    preceptor = await make_api(world.preceptor.email)
    visitor = await make_api(world.student.email)
    created = await preceptor.post(f"/enrollments/{enrollment}/evaluations", EVALUATION, expect=201)
    e = created["id"]
    await preceptor.put(f"/evaluations/{e}", EVALUATION)
    await preceptor.get(f"/evaluations/{e}")  # the author's own view: not audited
    await preceptor.post(f"/evaluations/{e}/release", {"confirm": True})
    await visitor.get(f"/evaluations/{e}")
    await visitor.get(f"/enrollments/{enrollment}/evaluations")
    await visitor.get(f"/enrollments/{enrollment}/evaluation-summary")
    await visitor.get(f"/enrollments/{enrollment}/evaluation-counts")  # counts: no content, no row
    p, v = world.preceptor.user_id, world.student.user_id
    rows = [row for row in await audit_rows(uows) if row[2] == "evaluation"]
    assert rows == [
        (p, "edit", "evaluation", e),
        (p, "edit", "evaluation", e),
        (p, "release", "evaluation", e),
        (v, "read", "evaluation", e),
        (v, "read", "evaluation", e),
        (v, "read", "evaluation", e),
    ]
