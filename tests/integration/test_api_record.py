"""The clinical learning record through the API: encounters, case logs (drafts, submission, the PHI
guard, diagnoses), the preceptor's review, the audit log, the coordinator's summary, ICD-10-CM look-up
and bad input. Both databases."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import pytest
from sqlalchemy import select

from server.db import models
from server.db.uow import UnitOfWorkFactory
from server.domain.actors import Actor
from server.schemas.applications import ApplicationIn
from server.services import applications
from tests.integration.api_helpers import row_counts
from tests.support.client import Api
from tests.support.world import World

LOG: dict[str, Any] = {
    "age_band": "50-59",
    "sex": "female",
    "visit_type": "follow_up",
    "chief_complaint": "Follow-up of type 2 diabetes, A1c 7.2%",
    "note": "BP 142/90, on metformin 500 mg twice daily x3 months. Bell's palsy resolved.",
    "minutes": 30,
    "complexity": "moderate",
    "participation": ["presented", "observed"],
    "diagnoses": ["e119", "I10"],
}
ENCOUNTER: dict[str, Any] = {"week": 1, "kind": "patient_visit", "setting": "telehealth_video"}


async def enroll(
    uows: UnitOfWorkFactory,
    visitor: Actor,
    program_id: int,
    block_ids: list[int],
    state: str = "enrolled",
) -> int:
    """An application of ``visitor`` through the service, then moved straight to ``state`` (the
    admissions path to enrollment is tested elsewhere)."""
    app = await applications.create_application(
        uows(), visitor, ApplicationIn(program_id=program_id, block_ids=block_ids)
    )
    async with uows() as uow:
        assert await uow.applications.compare_and_set_state(app.id, "submitted", {"state": state})
        await uow.commit()
    return app.id


async def audit_rows(uows: UnitOfWorkFactory) -> list[tuple[int, str, str, int]]:
    async with uows() as uow:
        rows = (
            await uow.db.execute(select(models.AuditEventRow).order_by(models.AuditEventRow.id))
        ).scalars()
        return [(r.actor_id, r.action, r.record_type, r.record_id) for r in rows]


async def case_log_rows(uows: UnitOfWorkFactory) -> list[tuple[Any, ...]]:
    async with uows() as uow:
        rows = (await uow.db.execute(select(models.CaseLogRow).order_by(models.CaseLogRow.id))).scalars()
        return [
            (r.id, r.state, r.chief_complaint, r.note, r.diagnoses, r.corrected_diagnoses, r.review_status)
            for r in rows
        ]


async def logged(visitor: Api, enrollment_id: int, *, submit: bool = True, **changes: Any) -> Any:
    """A new encounter of the enrollment and the visitor's log of it."""
    encounter = await visitor.post(f"/enrollments/{enrollment_id}/encounters", ENCOUNTER, expect=201)
    return await visitor.post(
        f"/encounters/{encounter['id']}/caselogs", {**LOG, "submit": submit, **changes}, expect=201
    )


@pytest.fixture
async def enrollment(uows: UnitOfWorkFactory, world: World) -> int:
    """The student enrolled in the open program (coordinator, preceptor) for two stacked blocks."""
    return await enroll(uows, world.student, world.program_id, world.block_ids[:2])


# --- encounters -------------------------------------------------------------------------------


async def test_visitor_and_preceptor_record_encounters_with_week_and_consent(
    world: World, make_api: Any, enrollment: int
) -> None:
    visitor = await make_api(world.student.email)
    preceptor = await make_api(world.preceptor.email)
    mine = await visitor.post(f"/enrollments/{enrollment}/encounters", ENCOUNTER, expect=201)
    # A visitor's own entry is self-reported and carries no patient's consent (issue 18, item 1).
    assert mine["week"] == 1 and mine["consent_recorded"] is None and mine["session_id"] is None
    assert mine["source"] == "visitor" and mine["self_reported"] is True
    theirs = await preceptor.post(
        f"/enrollments/{enrollment}/encounters",
        {"week": 8, "kind": "huddle", "setting": "telehealth_audio"},
        expect=201,
    )
    assert theirs["consent_recorded"] is None and theirs["session_id"] is None
    assert theirs["created_by"] == world.preceptor.user_id
    assert theirs["source"] == "preceptor" and theirs["self_reported"] is False
    listed = await visitor.get(f"/enrollments/{enrollment}/encounters")
    assert [e["id"] for e in listed] == [mine["id"], theirs["id"]]
    # Two blocks: eight weeks, no ninth.
    status, body = await visitor.call(
        "POST", f"/enrollments/{enrollment}/encounters", json={**ENCOUNTER, "week": 9}
    )
    assert status == 422 and body["error"]["field"] == "week", body
    status, body = await visitor.call(
        "POST",
        f"/enrollments/{enrollment}/encounters",
        json={**ENCOUNTER, "kind": "didactic", "consent_recorded": True},
    )
    assert status == 422 and body["error"]["field"] == "consent_recorded", body


async def test_an_application_not_yet_enrolled_has_no_record(
    world: World, make_api: Any, uows: UnitOfWorkFactory
) -> None:
    app = await applications.create_application(
        uows(), world.student, ApplicationIn(program_id=world.program_id, block_ids=world.block_ids[:1])
    )
    visitor = await make_api(world.student.email)
    status, body = await visitor.call("POST", f"/enrollments/{app.id}/encounters", json=ENCOUNTER)
    assert status == 404, body
    assert "no enrollment" in body["error"]["message"]


async def test_a_completed_rotation_takes_no_new_encounters_but_keeps_its_record(
    world: World, make_api: Any, uows: UnitOfWorkFactory
) -> None:
    done = await enroll(uows, world.student, world.program_id, world.block_ids[:1], state="completed")
    visitor = await make_api(world.student.email)
    await visitor.post(f"/enrollments/{done}/encounters", ENCOUNTER, expect=409)
    assert await visitor.get(f"/enrollments/{done}/encounters") == []


# --- case logs: drafts and submission ---------------------------------------------------------


async def test_a_draft_is_edited_then_submitted_then_read_only(
    world: World, make_api: Any, enrollment: int
) -> None:
    visitor = await make_api(world.student.email)
    draft = await logged(visitor, enrollment, submit=False)
    assert draft["state"] == "draft" and draft["submitted_at"] is None
    assert [d["code"] for d in draft["diagnoses"]] == ["E11.9", "I10"]
    assert draft["diagnoses"][0]["description"] == "Type 2 diabetes mellitus without complications"
    assert draft["participation"] == ["observed", "presented"]
    assert draft["week"] == 1 and draft["setting"] == "telehealth_video"
    assert draft["review"]["status"] == "pending"

    edited = await visitor.put(f"/caselogs/{draft['id']}", {**LOG, "minutes": 45, "note": None})
    assert edited["minutes"] == 45 and edited["note"] is None and edited["state"] == "draft"
    submitted = await visitor.put(f"/caselogs/{draft['id']}", {**LOG, "minutes": 50, "submit": True})
    assert submitted["state"] == "submitted" and submitted["submitted_at"] is not None

    status, body = await visitor.call("PUT", f"/caselogs/{draft['id']}", json={**LOG, "minutes": 5})
    assert status == 409, body
    assert (await visitor.get(f"/caselogs/{draft['id']}"))["minutes"] == 50


async def test_one_log_per_visitor_and_encounter(world: World, make_api: Any, enrollment: int) -> None:
    visitor = await make_api(world.student.email)
    first = await logged(visitor, enrollment)
    status, body = await visitor.call("POST", f"/encounters/{first['encounter_id']}/caselogs", json=LOG)
    assert status == 409, body
    listed = await visitor.get(f"/enrollments/{enrollment}/caselogs")
    assert [log["id"] for log in listed] == [first["id"]]


# --- the PHI guard ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "text", "span"),
    [
        ("chief_complaint", "Patient John Smith called from 555-867-5309", "555-867-5309"),
        ("note", "Cough for 3 days. MRN 4827315, seen on 03/14/2025.", "4827315"),
    ],
)
async def test_the_phi_guard_blocks_the_save_and_nothing_is_stored_or_logged(
    world: World,
    make_api: Any,
    uows: UnitOfWorkFactory,
    enrollment: int,
    caplog: pytest.LogCaptureFixture,
    field: str,
    text: str,
    span: str,
) -> None:
    caplog.set_level(logging.DEBUG)
    visitor = await make_api(world.student.email)
    encounter = await visitor.post(f"/enrollments/{enrollment}/encounters", ENCOUNTER, expect=201)
    before = await row_counts(uows)
    status, body = await visitor.call(
        "POST", f"/encounters/{encounter['id']}/caselogs", json={**LOG, field: text}
    )
    assert status == 422, body
    assert body["error"]["field"] == field
    assert span in body["error"]["message"] and "looks like" in body["error"]["message"]
    assert await row_counts(uows) == before

    # An edit of an existing draft is refused the same way and leaves the draft as it was.
    draft = await visitor.post(f"/encounters/{encounter['id']}/caselogs", LOG, expect=201)
    rows = await case_log_rows(uows)
    status, body = await visitor.call(
        "PUT", f"/caselogs/{draft['id']}", json={**LOG, field: text, "submit": True}
    )
    assert status == 422 and body["error"]["field"] == field, body
    assert await case_log_rows(uows) == rows
    assert span not in caplog.text


# --- diagnoses --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("diagnoses", "named"),
    [
        (["I10", "Z99.999"], "'Z99.999'"),
        (["I10", "i10"], "I10 is listed twice"),
        (["I10-I1A"], "'I10-I1A'"),
        ([], "diagnoses"),
        (["I10"] * 11, "diagnoses"),
        ([""], "diagnoses"),
        (["I10", 42], "diagnoses"),
    ],
)
async def test_diagnoses_are_checked_against_the_code_set(
    world: World, make_api: Any, uows: UnitOfWorkFactory, enrollment: int, diagnoses: list[Any], named: str
) -> None:
    visitor = await make_api(world.student.email)
    encounter = await visitor.post(f"/enrollments/{enrollment}/encounters", ENCOUNTER, expect=201)
    before = await row_counts(uows)
    status, body = await visitor.call(
        "POST", f"/encounters/{encounter['id']}/caselogs", json={**LOG, "diagnoses": diagnoses}
    )
    assert status == 422, body
    assert named in body["error"]["message"] or named == body["error"].get("field", "").split(".")[0]
    assert await row_counts(uows) == before


# --- the preceptor's review and the audit log -------------------------------------------------


async def test_the_preceptor_confirms_or_corrects_and_the_original_stays_visible(
    world: World, make_api: Any, uows: UnitOfWorkFactory, enrollment: int
) -> None:
    visitor = await make_api(world.student.email)
    preceptor = await make_api(world.preceptor.email)
    first = await logged(visitor, enrollment)
    second = await logged(visitor, enrollment)

    confirmed = await preceptor.post(f"/caselogs/{first['id']}/review", {"action": "confirm"})
    assert confirmed["review"]["status"] == "confirmed"
    assert confirmed["review"]["reviewed_by"] == world.preceptor.user_id
    assert confirmed["review"]["reviewer_name"] == world.preceptor.full_name
    assert confirmed["review"]["reviewed_at"] is not None

    corrected = await preceptor.post(
        f"/caselogs/{second['id']}/review", {"action": "correct", "diagnoses": ["e1165", "I10"]}
    )
    assert corrected["review"]["status"] == "corrected"
    assert [d["code"] for d in corrected["review"]["corrected_diagnoses"]] == ["E11.65", "I10"]
    assert [d["code"] for d in corrected["final_diagnoses"]] == ["E11.65", "I10"]
    mine = await visitor.get(f"/caselogs/{second['id']}")
    assert [d["code"] for d in mine["diagnoses"]] == ["E11.9", "I10"]  # the visitor's own, as written
    assert [d["code"] for d in mine["final_diagnoses"]] == ["E11.65", "I10"]

    status, body = await preceptor.call(
        "POST", f"/caselogs/{second['id']}/review", json={"action": "correct", "diagnoses": ["Q99.99X"]}
    )
    assert status == 422 and "Q99.99X" in body["error"]["message"], body
    status, _ = await preceptor.call("POST", f"/caselogs/{second['id']}/review", json={"action": "correct"})
    assert status == 422
    assert await audit_rows(uows) == [
        (world.preceptor.user_id, "confirm", "case_log", first["id"]),
        (world.preceptor.user_id, "correct", "case_log", second["id"]),
    ]


async def test_a_draft_cannot_be_reviewed_and_a_visitor_cannot_review(
    world: World, make_api: Any, uows: UnitOfWorkFactory, enrollment: int
) -> None:
    visitor = await make_api(world.student.email)
    preceptor = await make_api(world.preceptor.email)
    draft = await logged(visitor, enrollment, submit=False)
    # A draft is the visitor's own: to the preceptor it does not exist yet.
    await preceptor.post(f"/caselogs/{draft['id']}/review", {"action": "confirm"}, expect=404)
    await visitor.post(f"/caselogs/{draft['id']}/review", {"action": "confirm"}, expect=403)
    submitted = await logged(visitor, enrollment)
    await visitor.post(f"/caselogs/{submitted['id']}/review", {"action": "confirm"}, expect=403)
    assert await audit_rows(uows) == []


async def test_audit_rows_are_written_exactly_for_reads_by_someone_other_than_the_author(
    world: World, make_api: Any, uows: UnitOfWorkFactory, enrollment: int
) -> None:
    visitor = await make_api(world.student.email)
    preceptor = await make_api(world.preceptor.email)
    coordinator = await make_api(world.coordinator.email)
    first = await logged(visitor, enrollment)
    second = await logged(visitor, enrollment)
    await logged(visitor, enrollment, submit=False)  # a draft: the preceptor does not see it

    await visitor.get(f"/caselogs/{first['id']}")
    await visitor.get(f"/enrollments/{enrollment}/caselogs")
    assert await audit_rows(uows) == []  # the author's own reads

    await preceptor.get(f"/caselogs/{first['id']}")
    listed = await preceptor.get(f"/enrollments/{enrollment}/caselogs")
    assert [log["id"] for log in listed] == [first["id"], second["id"]]
    await coordinator.get(f"/enrollments/{enrollment}/caselog-summary")  # counts only: no read of a log
    await coordinator.get(f"/caselogs/{first['id']}", expect=403)
    p = world.preceptor.user_id
    assert await audit_rows(uows) == [
        (p, "read", "case_log", first["id"]),
        (p, "read", "case_log", first["id"]),
        (p, "read", "case_log", second["id"]),
    ]


async def test_the_audit_row_is_written_in_the_same_transaction_as_the_read(
    world: World, make_api: Any, uows: UnitOfWorkFactory, enrollment: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """If the audit row cannot be written, the read does not happen: nothing is returned."""
    from server.db.repositories.audit import AuditRepository
    from server.services import caselogs

    visitor = await make_api(world.student.email)
    log = await logged(visitor, enrollment)

    written = AuditRepository.add

    async def broken(self: AuditRepository, events: Any) -> None:
        # The events reach the transaction, then the store fails: the rollback must take them too.
        await written(self, events)
        raise RuntimeError("audit store failed")

    monkeypatch.setattr(AuditRepository, "add", broken)
    with pytest.raises(RuntimeError):
        await caselogs.get_case_log(uows(), world.preceptor, log["id"])
    assert await audit_rows(uows) == []  # rolled back with the read
    monkeypatch.undo()
    out = await caselogs.get_case_log(uows(), world.preceptor, log["id"])
    assert out.chief_complaint == LOG["chief_complaint"]
    assert await audit_rows(uows) == [(world.preceptor.user_id, "read", "case_log", log["id"])]


# --- the coordinator's summary ----------------------------------------------------------------


async def test_the_summary_counts_without_free_text(world: World, make_api: Any, enrollment: int) -> None:
    visitor = await make_api(world.student.email)
    preceptor = await make_api(world.preceptor.email)
    coordinator = await make_api(world.coordinator.email)
    first = await logged(visitor, enrollment)
    await logged(visitor, enrollment, submit=False, minutes=15)
    await preceptor.post(f"/enrollments/{enrollment}/encounters", {**ENCOUNTER, "week": 3}, expect=201)
    await preceptor.post(f"/caselogs/{first['id']}/review", {"action": "correct", "diagnoses": ["I10"]})

    summary = await coordinator.get(f"/enrollments/{enrollment}/caselog-summary")
    assert summary["weeks"] == 8 and len(summary["by_week"]) == 8
    assert summary["encounters"] == 3 and summary["encounters_by_kind"]["patient_visit"] == 3
    assert (summary["case_logs"], summary["drafts"], summary["submitted"]) == (2, 1, 1)
    assert (summary["confirmed"], summary["corrected"], summary["awaiting_review"]) == (0, 1, 0)
    assert summary["minutes"] == 45
    assert summary["by_week"][0] == {
        "week": 1,
        "encounters": 2,
        "case_logs": 2,
        "submitted": 1,
        "minutes": 45,
    }
    assert summary["by_week"][2]["encounters"] == 1
    text = str(summary)
    assert LOG["chief_complaint"] not in text and "metformin" not in text
    # The program's overview: one summary per enrollment, the same counts.
    overview = await coordinator.get(f"/programs/{world.program_id}/caselog-summary")
    assert overview == [summary]
    assert await coordinator.get(f"/programs/{world.other_program_id}/caselog-summary", expect=404)


# --- ICD-10-CM --------------------------------------------------------------------------------


async def test_icd10_search_and_lookup(world: World, make_api: Any) -> None:
    visitor = await make_api(world.student.email)
    found = await visitor.get("/icd10?q=e11.9&limit=3")
    assert found[0] == {
        "code": "E11.9",
        "description": "Type 2 diabetes mellitus without complications",
        "billable": True,
        "chapter": 4,
        "chapter_title": "Endocrine, nutritional and metabolic diseases",
        "category": "E11",
    }
    assert len(await visitor.get("/icd10?q=type 2 diab&limit=5")) == 5
    assert await visitor.get("/icd10?q=zzzzqqq") == []
    assert (await visitor.get("/icd10/e119"))["code"] == "E11.9"
    assert (await visitor.get("/icd10/E11"))["billable"] is False
    for bad in ("Z99.999", "I10-I1A", "x" * 41):
        await visitor.get(f"/icd10/{bad}", expect=404)
    for query in ("", "?q=", "?q=I10&limit=0", "?q=I10&limit=101", "?q=I10&limit=ten", "?q=I10&x=1"):
        await visitor.get(f"/icd10{query}", expect=422)
    anonymous = await make_api()
    await anonymous.get("/icd10?q=I10", expect=401)
    await anonymous.get("/icd10/I10", expect=401)


# --- bad input --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "changes",
    [
        {"minutes": 0},
        {"minutes": 601},
        {"minutes": "thirty"},
        {"minutes": True},
        {"age_band": "95"},
        {"sex": None},
        {"chief_complaint": ""},
        {"chief_complaint": "x" * 301},
        {"note": "y" * 2001},
        {"chief_complaint": "cough\u0000"},
        {"participation": []},
        {"participation": ["observed", "observed"]},
        {"participation": ["slept"]},
        {"diagnoses": "I10"},
        {"surprise": 1},
        {"complexity": "extreme"},
    ],
)
async def test_bad_case_log_input_is_a_4xx_and_writes_nothing(
    world: World, make_api: Any, uows: UnitOfWorkFactory, enrollment: int, changes: dict[str, Any]
) -> None:
    visitor = await make_api(world.student.email)
    encounter = await visitor.post(f"/enrollments/{enrollment}/encounters", ENCOUNTER, expect=201)
    before = await row_counts(uows)
    status, body = await visitor.call(
        "POST", f"/encounters/{encounter['id']}/caselogs", json={**LOG, **changes}
    )
    assert status == 422, body
    assert body["error"]["message"]
    assert await row_counts(uows) == before


async def test_bad_encounter_input_and_unknown_ids(world: World, make_api: Any, enrollment: int) -> None:
    visitor = await make_api(world.student.email)
    for body in (
        {**ENCOUNTER, "week": 0},
        {**ENCOUNTER, "week": "one"},
        {**ENCOUNTER, "kind": "party"},
        {**ENCOUNTER, "setting": "beach"},
        {**ENCOUNTER, "session_id": 0},
        {**ENCOUNTER, "session_id": 2**40},
        {"week": 1},
    ):
        status, answer = await visitor.call("POST", f"/enrollments/{enrollment}/encounters", json=body)
        assert status == 422, (body, answer)
    for method, path, json in (
        ("POST", "/enrollments/999999/encounters", ENCOUNTER),
        ("GET", "/enrollments/999999/encounters", None),
        ("POST", "/encounters/999999/caselogs", LOG),
        ("GET", "/caselogs/999999", None),
        ("PUT", "/caselogs/999999", LOG),
        ("POST", "/caselogs/999999/review", {"action": "confirm"}),
        ("GET", "/enrollments/999999/caselog-summary", None),
        ("GET", "/caselogs/99999999999", None),
        ("GET", "/caselogs/abc", None),
    ):
        status, answer = await visitor.call(method, path, json=json)
        assert status == 404, (path, answer)
    status, answer = await visitor.call(
        "POST",
        f"/enrollments/{enrollment}/encounters",
        data="not json",
        headers={"Content-Type": "text/plain"},
    )
    assert status == 415, answer


async def test_two_simultaneous_logs_of_one_encounter_make_one_log_and_a_409(
    world: World, make_api: Any, uows: UnitOfWorkFactory, enrollment: int
) -> None:
    tabs = [await make_api(world.student.email) for _ in range(2)]
    encounter = await tabs[0].post(f"/enrollments/{enrollment}/encounters", ENCOUNTER, expect=201)
    results = await asyncio.gather(
        *(tab.call("POST", f"/encounters/{encounter['id']}/caselogs", json=LOG) for tab in tabs)
    )
    assert sorted(status for status, _ in results) == [201, 409], results
    assert len(await case_log_rows(uows)) == 1


async def test_a_new_encounter_and_its_log_are_written_together_or_not_at_all(
    uows: UnitOfWorkFactory, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The record page logs a case for a new encounter in one transaction: when writing the log fails
    after the encounter was added, the encounter is not kept (no half-written record)."""
    from server.db.repositories.record import CaseLogRepository
    from server.domain.caselog import CaseLog, StoredCaseLog
    from server.schemas.record import CaseLogIn, EncounterIn
    from server.services import casebook, caselogs

    enrollment = await enroll(uows, world.student, world.program_id, world.block_ids[:1])
    before = await row_counts(uows)

    async def failing_add(self: CaseLogRepository, log: CaseLog) -> StoredCaseLog:
        raise RuntimeError("the disk filled up")

    monkeypatch.setattr(CaseLogRepository, "add", failing_add)
    with pytest.raises(RuntimeError):
        await casebook.record_case(
            uows,
            world.student,
            enrollment,
            encounter_id=None,
            encounter=EncounterIn.model_validate(ENCOUNTER),
            case_log=CaseLogIn.model_validate({**LOG, "submit": True}),
        )
    assert await row_counts(uows) == before
    monkeypatch.undo()
    made = await caselogs.create_encounter_with_log(
        uows(),
        world.student,
        enrollment,
        EncounterIn.model_validate(ENCOUNTER),
        CaseLogIn.model_validate({**LOG, "submit": True}),
    )
    assert made.state.value == "submitted"
