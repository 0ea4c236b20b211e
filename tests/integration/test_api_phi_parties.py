"""The record's own people through the API: an evaluation narrative may name its learner and its
evaluator, and the check-as-you-type allows the same names when it names the record, looked up by the
server with the caller's access; a patient's name is refused as before, case logs allow no names, and a
client cannot send names to allow. Both databases."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from server.db.uow import UnitOfWorkFactory
from tests.integration.test_api_evaluations import EVALUATION, FINAL
from tests.integration.test_api_letters import paragraphs_in, setup
from tests.integration.test_api_record import ENCOUNTER, LOG, enroll
from tests.support.world import World

CHECK = "/phi/check"
OWN_PEOPLE = "Priya committed to a diagnosis early; Ms. Raman took Dr. Ogunleye's advice on board."
WITH_PATIENT = "Priya presented Mrs. Okafor's chest pain clearly."


async def _rename(uows: UnitOfWorkFactory, world: World) -> None:
    """Real names: the world's "Student" and "Preceptor" are not names the guard would take for one."""
    async with uows() as uow:
        student = await uow.users.get(world.student.user_id)
        preceptor = await uow.users.get(world.preceptor.user_id)
        assert student is not None and preceptor is not None
        await uow.users.update(replace(student, full_name="Priya Raman"))
        await uow.users.update(replace(preceptor, full_name="Adebayo Ogunleye"))
        await uow.commit()


@pytest.fixture
async def enrollment(uows: UnitOfWorkFactory, world: World) -> int:
    await _rename(uows, world)
    return await enroll(uows, world.student, world.program_id, world.block_ids[:1])


async def test_an_evaluation_may_name_its_learner_and_evaluator_but_not_a_patient(
    world: World, make_api: Any, enrollment: int
) -> None:
    preceptor = await make_api(world.preceptor.email)
    path = f"/enrollments/{enrollment}/evaluations"
    created = await preceptor.post(path, {**EVALUATION, "strengths": OWN_PEOPLE}, expect=201)
    assert created["strengths"] == OWN_PEOPLE
    status, answer = await preceptor.call("POST", path, json={**EVALUATION, "strengths": WITH_PATIENT})
    assert status == 422 and answer["error"]["field"] == "strengths", answer
    assert "Okafor" in answer["error"]["message"] and "Priya" not in answer["error"]["message"]
    final = f"/enrollments/{enrollment}/final-evaluations/{world.preceptor.user_id}"
    await preceptor.put(final, {**FINAL, "narrative": "Great job on every case, Priya. - Adebayo Ogunleye"})
    status, answer = await preceptor.call("PUT", final, json={**FINAL, "narrative": WITH_PATIENT})
    assert status == 422 and answer["error"]["field"] == "narrative", answer


async def test_the_check_allows_the_records_people_only_for_who_writes_there(
    world: World, make_api: Any, enrollment: int
) -> None:
    preceptor = await make_api(world.preceptor.email)
    record = {"kind": "enrollment", "id": enrollment}
    assert await preceptor.post(CHECK, {"text": OWN_PEOPLE, "record": record}) == {
        "clean": True,
        "findings": [],
    }
    answer = await preceptor.post(CHECK, {"text": WITH_PATIENT, "record": record})
    assert [WITH_PATIENT[f["start"] : f["end"]] for f in answer["findings"]] == ["Mrs. Okafor"]
    # Without the record the names are checked like any others (a case log's check).
    assert (await preceptor.post(CHECK, {"text": OWN_PEOPLE}))["clean"] is False
    # The visitor does not write evaluations; another preceptor cannot see the enrollment.
    student = await make_api(world.student.email)
    status, body = await student.call("POST", CHECK, json={"text": OWN_PEOPLE, "record": record})
    assert status == 403, body
    stranger = await make_api(world.other_preceptor.email)
    status, body = await stranger.call("POST", CHECK, json={"text": OWN_PEOPLE, "record": record})
    assert status == 404, body


@pytest.mark.parametrize(
    ("payload", "named"),
    [
        ({"text": "Priya", "parties": ["Priya"]}, "'parties' is not a field"),
        ({"text": "Priya", "record": {"kind": "caselog", "id": 1}}, "record.kind"),
        ({"text": "Priya", "record": {"kind": "enrollment", "id": 0}}, "record.id"),
        ({"text": "Priya", "record": {"kind": "enrollment"}}, "record.id"),
        ({"text": "Priya", "record": "enrollment:1"}, "record"),
    ],
)
async def test_a_client_cannot_send_names_and_a_bad_record_is_a_422(
    world: World, make_api: Any, payload: dict[str, Any], named: str
) -> None:
    preceptor = await make_api(world.preceptor.email)
    status, body = await preceptor.call("POST", CHECK, json=payload)
    assert status == 422 and named in body["error"]["message"], body


async def test_a_case_log_allows_no_names_not_even_the_learners(
    world: World, make_api: Any, enrollment: int
) -> None:
    visitor = await make_api(world.student.email)
    encounter = await visitor.post(f"/enrollments/{enrollment}/encounters", ENCOUNTER, expect=201)
    status, answer = await visitor.call(
        "POST",
        f"/encounters/{encounter['id']}/caselogs",
        json={**LOG, "note": "Priya Raman took the history."},
    )
    assert status == 422 and answer["error"]["field"] == "note", answer


async def test_the_check_allows_a_letters_people_for_its_author(
    world: World, make_api: Any, uows: UnitOfWorkFactory
) -> None:
    await _rename(uows, world)
    s = await setup(world, make_api, uows, waived=False)
    preceptor, rid = s["preceptor"], s["request"]["id"]
    await preceptor.post(f"/letter-requests/{rid}/decision", {"decision": "accept"})
    draft = await preceptor.post(f"/letter-requests/{rid}/draft", {})
    text = "I recommend Ms. Raman without reservation. Sincerely, Adebayo Ogunleye, MD"
    record = {"kind": "letter", "id": rid}
    assert (await preceptor.post(CHECK, {"text": text, "record": record}))["clean"] is True
    own = {"text": text, "evidence": [], "kind": "own"}
    await preceptor.put(f"/letter-requests/{rid}/letter", {"paragraphs": [*paragraphs_in(draft), own]})
    status, body = await s["visitor"].call("POST", CHECK, json={"text": text, "record": record})
    assert status == 403, body
