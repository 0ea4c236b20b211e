"""POST /api/v1/phi/check: the PHI guard through the API, for warn-as-you-type and for running a corpus.
Login required (any role), nothing saved or logged, bad input refused with a clear 422; and the endpoint,
a case-log save and ``check_text`` agree on a sample of the blind corpus. Both databases."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from server.db.uow import UnitOfWorkFactory
from server.domain.phi import check_text
from server.schemas.phi import PHI_CHECK_MAX
from tests.integration.api_helpers import row_counts
from tests.integration.test_api_record import ENCOUNTER, LOG, enroll
from tests.phi_blind.evaluate import load
from tests.support.world import World

CHECK = "/phi/check"


async def test_a_hit_returns_its_spans_and_nothing_is_saved_or_logged(
    world: World, make_api: Any, uows: UnitOfWorkFactory, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    visitor = await make_api(world.student.email)
    text = "Mr. Alvarez (MRN 4827315) was admitted on 03/14/2024; call 617-555-0143."
    before = await row_counts(uows)
    body = await visitor.post(CHECK, {"text": text})
    assert body["clean"] is False
    found = [(f["category"], text[f["start"] : f["end"]]) for f in body["findings"]]
    assert found == [
        ("person_name", "Mr. Alvarez"),
        ("medical_record_number", "4827315"),
        ("date", "03/14/2024"),
        ("phone", "617-555-0143"),
    ]
    assert all(f["reason"].startswith("looks like") for f in body["findings"])
    assert "text" not in body  # the text is not echoed back
    assert await row_counts(uows) == before
    assert "4827315" not in caplog.text and "Alvarez" not in caplog.text


@pytest.mark.parametrize("who", ["student", "preceptor", "coordinator"])
async def test_clean_text_returns_no_findings_for_any_role(world: World, make_api: Any, who: str) -> None:
    api = await make_api(getattr(world, who).email)
    text = "72 yo M, BP 142/90, A1c 7.2%, cough x3 days; Bell's palsy; CURB-65 of 2; I10, E11.9; week 3."
    assert await api.post(CHECK, {"text": text}) == {"clean": True, "findings": []}
    assert await api.post(CHECK, {"text": ""}) == {"clean": True, "findings": []}


async def test_login_is_required(make_api: Any) -> None:
    anonymous = await make_api()
    status, body = await anonymous.call("POST", CHECK, json={"text": "MRN 4827315"})
    assert status == 401, body


@pytest.mark.parametrize(
    ("payload", "named"),
    [
        ({}, "'text' is required"),
        ({"text": 42}, "'text'"),
        ({"text": None}, "'text'"),
        ({"text": ["MRN 4827315"]}, "'text'"),
        ({"text": "x" * (PHI_CHECK_MAX + 1)}, f"at most {PHI_CHECK_MAX} characters"),
        ({"text": "ok", "note": "extra"}, "'note' is not a field"),
        ({"text": "nul \u0000 here"}, "NUL"),
    ],
)
async def test_bad_input_is_a_clear_422(world: World, make_api: Any, payload: Any, named: str) -> None:
    visitor = await make_api(world.student.email)
    status, body = await visitor.call("POST", CHECK, json=payload)
    assert status == 422, body
    assert named in body["error"]["message"], body
    if isinstance(payload.get("text"), str) and len(payload["text"]) > 100:
        assert "xxxxxxxxxx" not in body["error"]["message"]  # the text is not quoted back


async def test_the_longest_allowed_text_is_checked(world: World, make_api: Any) -> None:
    visitor = await make_api(world.student.email)
    text = ("Cough x3 days, BP 142/90. " * 200)[: PHI_CHECK_MAX - 20] + " MRN 4827315"
    body = await visitor.post(CHECK, {"text": text})
    assert [f["category"] for f in body["findings"]] == ["medical_record_number"]


async def test_endpoint_case_log_save_and_check_text_agree_on_the_blind_corpus(
    world: World, make_api: Any, uows: UnitOfWorkFactory
) -> None:
    rows = load()
    sample = rows[::6]  # every sixth snippet: both kinds, all styles
    assert any(r["phi"] for r in sample) and any(not r["phi"] for r in sample)
    enrollment = await enroll(uows, world.student, world.program_id, world.block_ids[:2])
    visitor = await make_api(world.student.email)
    encounter = await visitor.post(f"/enrollments/{enrollment}/encounters", ENCOUNTER, expect=201)
    draft = await visitor.post(f"/encounters/{encounter['id']}/caselogs", LOG, expect=201)
    for row in sample:
        text = row["text"]
        expected = [(h.category.value, h.start, h.end) for h in check_text(text)]
        body = await visitor.post(CHECK, {"text": text})
        assert [(f["category"], f["start"], f["end"]) for f in body["findings"]] == expected, row["id"]
        status, saved = await visitor.call("PUT", f"/caselogs/{draft['id']}", json={**LOG, "note": text})
        assert status == (422 if expected else 200), (row["id"], saved)
        if expected:
            assert saved["error"]["field"] == "note"
