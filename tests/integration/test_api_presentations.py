"""Case presentations through the API: drafts, submission and review; the ranked differential, the
preceptor's reference and overrides, and a hand-worked score; the PHI guard; bad input. Both
databases."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from sqlalchemy import select

from server.db import models
from server.db.uow import UnitOfWorkFactory
from tests.integration.api_helpers import row_counts
from tests.integration.test_api_record import audit_rows, enroll, logged
from tests.support.client import Api
from tests.support.world import World

ORAL: dict[str, str] = {
    "identification": "62-year-old with chest pressure for 2 hours",
    "hpi": "Substernal pressure radiating to the left arm, diaphoresis. No fever, no cough.",
    "exam": "BP 142/90, HR 104, lungs clear, no murmur.",
    "summary_statement": "Acute chest pressure with risk factors and tachycardia.",
    "assessment": "Acute coronary syndrome most likely; PE and dissection must be excluded.",
    "plan": "ECG, troponin x2, CT angiography if D-dimer raised.",
}
SNAPPS: dict[str, str] = {
    "summarize": "Chest pressure for 2 hours, diaphoresis, HR 104.",
    "narrow": "ACS versus PE.",
    "analyze": "Exertional onset favours ACS; no leg swelling.",
    "probe": "When is a D-dimer useful here?",
    "plan": "ECG, troponin x2.",
    "select": "Wells score for PE.",
}


def item(rank: int, code: str, likelihood: str = "likely", cant_miss: bool = False, **text: str) -> Any:
    return {"rank": rank, "code": code, "likelihood": likelihood, "cant_miss": cant_miss, **text}


# The visitor's differential and the preceptor's reference of the hand-worked example below.
VISITOR = [
    item(1, "i219", "leading", findings_for="Pressure radiating to the arm", next_test="Troponin x2"),
    item(2, "K21.9"),
    item(3, "I20.0"),
    item(4, "I26.09", "less_likely", cant_miss=True, findings_against="No leg swelling"),
]
REFERENCE = [
    item(1, "I21.4", "leading", cant_miss=True),
    item(2, "I26.99", cant_miss=True),
    item(3, "K21.9", "less_likely"),
    item(4, "I71.00", "unlikely", cant_miss=True),
]


async def presented(visitor: Api, enrollment: int, *, submit: bool = True, **changes: Any) -> Any:
    """A new logged encounter and the visitor's oral presentation of it."""
    log = await logged(visitor, enrollment)
    body = {"format": "oral", "content": ORAL, "differential": VISITOR, "submit": submit, **changes}
    return await visitor.post(f"/caselogs/{log['id']}/presentation", body, expect=201)


async def presentation_rows(uows: UnitOfWorkFactory) -> list[tuple[Any, ...]]:
    async with uows() as uow:
        rows = (
            await uow.db.execute(select(models.PresentationRow).order_by(models.PresentationRow.id))
        ).scalars()
        return [
            (r.id, r.state, r.content, r.differential, r.reference, r.overrides, r.feedback) for r in rows
        ]


@pytest.fixture
async def enrollment(uows: UnitOfWorkFactory, world: World) -> int:
    return await enroll(uows, world.student, world.program_id, world.block_ids[:1])


async def test_draft_then_submitted_read_only_then_reviewed(
    world: World, make_api: Any, enrollment: int
) -> None:
    visitor = await make_api(world.student.email)
    preceptor = await make_api(world.preceptor.email)
    draft = await presented(visitor, enrollment, submit=False, differential=[])
    assert draft["state"] == "draft" and draft["submitted_at"] is None and draft["differential"] == []
    assert draft["content"]["hpi"] == ORAL["hpi"] and draft["content"]["past_history"] == ""
    # A draft is the visitor's own: the preceptor does not see it yet.
    await preceptor.get(f"/presentations/{draft['id']}", expect=404)
    # Submitting an empty differential is refused; then the whole draft is rewritten as SNAPPS.
    status, body = await visitor.call(
        "PUT", f"/presentations/{draft['id']}", json={"format": "oral", "content": ORAL, "submit": True}
    )
    assert status == 422 and body["error"]["field"] == "differential", body
    status, body = await visitor.call(
        "PUT",
        f"/presentations/{draft['id']}",
        json={"format": "snapps", "content": SNAPPS, "differential": VISITOR, "submit": True},
    )
    assert status == 422 and "2 or 3" in body["error"]["message"], body
    submitted = await visitor.put(
        f"/presentations/{draft['id']}",
        {"format": "snapps", "content": SNAPPS, "differential": VISITOR[:2], "submit": True},
    )
    assert submitted["state"] == "submitted" and submitted["format"] == "snapps"
    assert [d["code"] for d in submitted["differential"]] == ["I21.9", "K21.9"]
    assert submitted["differential"][0]["description"] == "Acute myocardial infarction, unspecified"
    # Submitted: read-only for the visitor, and the differential is frozen.
    await visitor.put(
        f"/presentations/{draft['id']}",
        {"format": "snapps", "content": SNAPPS, "differential": []},
        expect=409,
    )
    # One presentation per case log.
    await visitor.post(
        f"/caselogs/{draft['case_log_id']}/presentation", {"format": "oral", "content": ORAL}, expect=409
    )
    feedback = {"commitment": "Asked for the leading diagnosis.", "general_rule": "Rule out PE early."}
    reviewed = await preceptor.post(f"/presentations/{draft['id']}/review", feedback)
    assert reviewed["state"] == "reviewed" and reviewed["reviewed_by"] == world.preceptor.user_id
    assert (
        reviewed["feedback"]["general_rule"] == "Rule out PE early." and reviewed["feedback"]["correct"] == ""
    )
    await preceptor.post(f"/presentations/{draft['id']}/review", feedback, expect=409)
    mine = await visitor.get(f"/presentations/{draft['id']}")
    assert mine["feedback"] == reviewed["feedback"] and mine["differential"] == submitted["differential"]
    listed = await visitor.get(f"/enrollments/{enrollment}/presentations")
    assert [p["id"] for p in listed] == [draft["id"]]


async def test_the_hand_worked_score_and_overrides_changing_it(
    world: World, make_api: Any, enrollment: int
) -> None:
    visitor = await make_api(world.student.email)
    preceptor = await make_api(world.preceptor.email)
    p = await presented(visitor, enrollment)
    # No reference yet: no score, for either of them.
    await visitor.get(f"/presentations/{p['id']}/score", expect=409)
    await preceptor.get(f"/presentations/{p['id']}/score", expect=409)
    await preceptor.put(f"/presentations/{p['id']}/reference", {"items": REFERENCE})

    # Visitor: 1 I21.9, 2 K21.9, 3 I20.0, 4 I26.09 (can't miss).
    # Reference: 1 I21.4 (leading, can't miss), 2 I26.99 (can't miss), 3 K21.9, 4 I71.00 (can't miss).
    # Exact pairs first: K21.9 (ref 3) = K21.9 (visitor 2). Then categories, by reference rank:
    # I21.4 ~ I21.9 (I21: ref 1 <-> visitor 1), I26.99 ~ I26.09 (I26: ref 2 <-> visitor 4).
    # I71.00 matches nothing; I20.0 matches nothing.
    # top-1: the leading I21.4 is matched at visitor rank 1 -> true; top-3 true.
    # comprehensiveness 3 matched / 4 reference = 0.75; relevance 3 / 4 visitor = 0.75;
    # can't-miss coverage: I21.4 and I26.99 matched, I71.00 not -> 2 / 3.
    scored = await visitor.get(f"/presentations/{p['id']}/score")
    assert scored["top_1"] is True and scored["top_3"] is True and scored["leading_found_at"] == 1
    assert scored["comprehensiveness"] == {"matched": 3, "total": 4, "value": 0.75}
    assert scored["relevance"] == {"matched": 3, "total": 4, "value": 0.75}
    assert scored["cant_miss_coverage"]["matched"] == 2 and scored["cant_miss_coverage"]["total"] == 3
    side = [
        (r["reference"]["code"], r["visitor"] and r["visitor"]["code"], r["kind"]) for r in scored["pairings"]
    ]
    assert side == [
        ("I21.4", "I21.9", "category"),
        ("I26.99", "I26.09", "category"),
        ("K21.9", "K21.9", "exact"),
        ("I71.00", None, None),
    ]
    assert [i["code"] for i in scored["unmatched_visitor"]] == ["I20.0"]
    assert scored["pairings"][0]["visitor"]["next_test"] == "Troponin x2"

    # The preceptor forces I71.00 ~ I20.0 (override pairs are taken first): every reference item and
    # every visitor item is matched -> comprehensiveness 4/4, relevance 4/4, can't-miss 3/3.
    force = {"reference_code": "I71.00", "visitor_code": "i200", "match": True}
    await preceptor.put(f"/presentations/{p['id']}/reference", {"items": REFERENCE, "overrides": [force]})
    scored = await preceptor.get(f"/presentations/{p['id']}/score")
    assert scored["comprehensiveness"]["value"] == 1.0 and scored["relevance"]["value"] == 1.0
    assert scored["cant_miss_coverage"] == {"matched": 3, "total": 3, "value": 1.0}
    assert scored["pairings"][3]["kind"] == "override" and scored["unmatched_visitor"] == []

    # ...and forbids I21.4 ~ I21.9: the leading diagnosis is no longer found (top-1 and top-3 false),
    # 3 of 4 on both sides match, and can't-miss coverage falls to 2/3.
    forbid = {"reference_code": "I21.4", "visitor_code": "I21.9", "match": False}
    out = await preceptor.put(
        f"/presentations/{p['id']}/reference", {"items": REFERENCE, "overrides": [force, forbid]}
    )
    assert out["overrides"][0] == {"reference_code": "I71.00", "visitor_code": "I20.0", "match": True}
    scored = await visitor.get(f"/presentations/{p['id']}/score")
    assert scored["top_1"] is False and scored["top_3"] is False and scored["leading_found_at"] is None
    assert scored["comprehensiveness"]["matched"] == 3 and scored["relevance"]["matched"] == 3
    assert scored["cant_miss_coverage"]["matched"] == 2
    assert scored["pairings"][0]["visitor"] is None and [i["code"] for i in scored["unmatched_visitor"]] == [
        "I21.9"
    ]
    # The coordinator sees counts only.
    coordinator = await make_api(world.coordinator.email)
    await coordinator.get(f"/presentations/{p['id']}/score", expect=403)
    counts = await coordinator.get(f"/enrollments/{enrollment}/presentation-summary")
    assert counts == {
        "enrollment_id": enrollment,
        "presentations": 1,
        "drafts": 0,
        "submitted": 1,
        "reviewed": 0,
        "with_reference": 1,
        "by_format": {"oral": 1, "snapps": 0},
    }


@pytest.mark.parametrize(
    ("change", "field", "span"),
    [
        (
            {"content": {**ORAL, "hpi": "Seen with John Smith, call 555-867-5309"}},
            "content.hpi",
            "555-867-5309",
        ),
        (
            {"differential": [item(1, "I21.4", findings_for="MRN 4827315 on file")]},
            "differential[0].findings_for",
            "4827315",
        ),
    ],
)
async def test_the_phi_guard_blocks_the_save_and_leaves_the_database_unchanged(
    world: World,
    make_api: Any,
    uows: UnitOfWorkFactory,
    enrollment: int,
    change: dict[str, Any],
    field: str,
    span: str,
) -> None:
    visitor = await make_api(world.student.email)
    preceptor = await make_api(world.preceptor.email)
    log = await logged(visitor, enrollment)
    before = await row_counts(uows)
    body = {"format": "oral", "content": ORAL, "differential": VISITOR, **change}
    status, answer = await visitor.call("POST", f"/caselogs/{log['id']}/presentation", json=body)
    assert status == 422 and answer["error"]["field"] == field, answer
    assert span in answer["error"]["message"]
    assert await row_counts(uows) == before

    draft = await visitor.post(
        f"/caselogs/{log['id']}/presentation",
        {"format": "oral", "content": ORAL, "differential": VISITOR},
        expect=201,
    )
    rows = await presentation_rows(uows)
    status, answer = await visitor.call("PUT", f"/presentations/{draft['id']}", json={**body, "submit": True})
    assert status == 422 and answer["error"]["field"] == field, answer
    assert await presentation_rows(uows) == rows

    # The preceptor's feedback and reference are guarded too.
    await visitor.put(
        f"/presentations/{draft['id']}",
        {"format": "oral", "content": ORAL, "differential": VISITOR, "submit": True},
    )
    rows, audit = await presentation_rows(uows), (await row_counts(uows))["audit_events"]
    status, answer = await preceptor.call(
        "POST", f"/presentations/{draft['id']}/review", json={"correct": "Ask Mr. John Smith at 555-867-5309"}
    )
    assert status == 422 and answer["error"]["field"] == "feedback.correct", answer
    status, answer = await preceptor.call(
        "PUT",
        f"/presentations/{draft['id']}/reference",
        json={"items": [item(1, "I21.4", next_test="email jsmith@example.com")]},
    )
    assert status == 422 and answer["error"]["field"] == "items[0].next_test", answer
    assert await presentation_rows(uows) == rows
    assert (await row_counts(uows))["audit_events"] == audit


BAD: list[tuple[dict[str, Any], str]] = [
    ({"differential": [item(1, "Z99.999")]}, "differential[0].code"),
    ({"differential": [item(1, "I21.4"), item(1, "K21.9")]}, "differential[1].rank"),
    ({"differential": [item(1, "I21.4"), item(2, "i214")]}, "differential[1].code"),
    ({"differential": [item(1, "I21.4"), item(3, "K21.9")]}, "differential[1].rank"),
    ({"differential": [item(2, "I21.4", "leading"), item(1, "K21.9")]}, "differential[0].likelihood"),
    ({"differential": [{**item(1, "I21.4"), "rank": "1"}]}, "differential"),
    ({"differential": [{**item(1, "I21.4"), "cant_miss": "yes"}]}, "differential"),
    ({"differential": [item(1, "I21.4", next_test="x" * 501)]}, "differential"),
    ({"content": {"hpi": "x" * 4001}}, "content"),
    ({"content": {"summarize": "Snapps field in an oral presentation"}}, "content"),
    ({"content": {"hpi": 42}}, "content"),
    ({"content": {"hpi": "nul \x00 byte"}}, "content"),
    ({"differential": [item(1, "I21.4", findings_for="nul \x00")]}, "differential"),
    ({"format": "haiku"}, "format"),
    ({"extra": 1}, "extra"),
]


async def test_bad_input_is_a_clear_4xx_and_nothing_is_written(
    world: World, make_api: Any, uows: UnitOfWorkFactory, enrollment: int
) -> None:
    visitor = await make_api(world.student.email)
    log = await logged(visitor, enrollment)
    before = await row_counts(uows)
    wrong = []
    for change, field in BAD:
        body = {"format": "oral", "content": ORAL, "differential": VISITOR, **change}
        status, answer = await visitor.call("POST", f"/caselogs/{log['id']}/presentation", json=body)
        got = answer.get("error", {}).get("field") or ""
        if status != 422 or not got.startswith(field):
            wrong.append(f"{change!r:.80}: {status} {answer!r:.200}")
    assert not wrong, "\n".join(wrong)
    for path in ("/caselogs/999999/presentation", "/caselogs/2147483648/presentation"):
        status, _ = await visitor.call("POST", path, json={"format": "oral"})
        assert status in (404, 422)
    status, _ = await visitor.call("POST", f"/caselogs/{log['id']}/presentation", data=b"not json")
    assert 400 <= status < 500
    await visitor.get("/presentations/424242", expect=404)
    assert await row_counts(uows) == before

    # The reference: unknown codes, contradictory overrides, an empty list.
    p = await presented(visitor, enrollment)
    preceptor = await make_api(world.preceptor.email)
    before = await row_counts(uows)
    rows = await presentation_rows(uows)
    bad_refs: list[tuple[dict[str, Any], int]] = [
        ({"items": []}, 422),
        ({"items": [item(1, "Q99.99X")]}, 422),
        (
            {
                "items": REFERENCE,
                "overrides": [{"reference_code": "I21.4", "visitor_code": "ZZZ", "match": True}],
            },
            422,
        ),
        (
            {
                "items": REFERENCE,
                "overrides": [
                    {"reference_code": "I21.4", "visitor_code": "I20.0", "match": True},
                    {"reference_code": "i214", "visitor_code": "I20.0", "match": False},
                ],
            },
            422,
        ),
        ({"items": REFERENCE, "overrides": [{"reference_code": "I21.4", "visitor_code": "I20.0"}]}, 422),
    ]
    for body, expected in bad_refs:
        status, answer = await preceptor.call("PUT", f"/presentations/{p['id']}/reference", json=body)
        assert status == expected, (body, answer)
    status, _ = await preceptor.call("POST", f"/presentations/{p['id']}/review", json={})
    assert status == 422
    assert await presentation_rows(uows) == rows and await row_counts(uows) == before


async def test_two_reviews_at_once_one_wins_and_the_other_is_refused(
    world: World, make_api: Any, uows: UnitOfWorkFactory, enrollment: int
) -> None:
    visitor = await make_api(world.student.email)
    p = await presented(visitor, enrollment)
    first, second = await make_api(world.preceptor.email), await make_api(world.preceptor.email)
    path = f"/presentations/{p['id']}/review"
    results = await asyncio.gather(
        first.call("POST", path, json={"reinforce": "First review."}),
        second.call("POST", path, json={"reinforce": "Second review."}),
    )
    assert sorted(status for status, _ in results) == [200, 409], results
    winner = next(body for status, body in results if status == 200)
    assert (await visitor.get(f"/presentations/{p['id']}"))["feedback"] == winner["feedback"]
    assert [row[1] for row in await audit_rows(uows) if row[2] == "presentation"].count("review") == 1
