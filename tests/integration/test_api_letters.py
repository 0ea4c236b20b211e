"""Letters of recommendation through the API on both databases: the visitor requests a letter (waiver
stated), the author accepts, drafts from the evidence (their released evaluations), saves versions with
wording flags and signs (final). The waiver: a waived letter's text reaches the visitor by no route; a
non-waived one only once signed. Access per role, bad input (nothing written), audit."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.engine import Connection

from server.db.engine import make_engine
from server.db.models import Base
from server.db.uow import UnitOfWorkFactory
from tests.integration.api_helpers import (
    ACCESS_ROLES,
    access_matrix_mismatches,
    role_apis,
    row_counts,
)
from tests.integration.test_api_evaluations import EVALUATION
from tests.integration.test_api_record import audit_rows, enroll
from tests.support.world import World

REQUEST: dict[str, Any] = {
    "specialty": "Internal Medicine",
    "eras_letter_id": "ERAS-12345",
    "author_title": "Attending Physician",
}
LETTERHEAD: dict[str, Any] = {
    "institution": "Lakeside Teaching Clinic",
    "title": "Clinical Associate Professor",
    "phone": "+1 312 555 0188",
    "address": "1 Clinic Way, Chicago, IL 60601",
    "contact_email": "letters@lakeside.test",
}
OWN = "Her persistence and composure under pressure were remarkable throughout the rotation."


async def setup(world: World, make_api: Any, uows: UnitOfWorkFactory, *, waived: bool) -> dict[str, Any]:
    """An enrollment with two released evaluations by the preceptor and one unreleased, and an accepted
    request."""
    enrollment = await enroll(uows, world.student, world.program_id, world.block_ids[:1])
    preceptor = await make_api(world.preceptor.email)
    await preceptor.put("/me/preceptor-profile", LETTERHEAD)
    visitor = await make_api(world.student.email)
    ids = []
    for week in (1, 2):
        evaluation = await preceptor.post(
            f"/enrollments/{enrollment}/evaluations", {**EVALUATION, "week": week}, expect=201
        )
        await preceptor.post(f"/evaluations/{evaluation['id']}/release", {"confirm": True})
        ids.append(evaluation["id"])
    unreleased = await preceptor.post(
        f"/enrollments/{enrollment}/evaluations",
        {**EVALUATION, "example": "Unreleased note about the thyroid exam."},
        expect=201,
    )
    request = await visitor.post(
        f"/enrollments/{enrollment}/letter-requests",
        {**REQUEST, "preceptor_id": world.preceptor.user_id, "ferpa_waived": waived},
        expect=201,
    )
    return {
        "enrollment": enrollment,
        "preceptor": preceptor,
        "visitor": visitor,
        "request": request,
        "evaluations": ids,
        "unreleased": unreleased["id"],
    }


def paragraphs_in(draft: dict[str, Any]) -> list[dict[str, Any]]:
    return [{"text": p["text"], "evidence": p["evidence"], "kind": p["kind"]} for p in draft["paragraphs"]]


def distinctive_words(text: str) -> set[str]:
    """Words of the letter a status answer could not contain by chance (long, not names or states)."""
    words = {w.lower() for w in re.findall(r"[A-Za-z]{9,}", text)}
    return words - {"internal", "medicine", "attending", "physician", "requested", "preceptor"}


async def test_request_accept_draft_edit_sign_and_a_signed_letter_is_final(
    world: World, make_api: Any, uows: UnitOfWorkFactory
) -> None:
    s = await setup(world, make_api, uows, waived=False)
    preceptor, visitor, rid = s["preceptor"], s["visitor"], s["request"]["id"]
    assert s["request"]["state"] == "requested" and s["request"]["ferpa_waived"] is False
    assert (
        s["request"]["author_name"] == "Preceptor" and s["request"]["author_title"] == "Attending Physician"
    )

    mine = await preceptor.get("/letter-requests")
    assert [r["id"] for r in mine] == [rid]
    # Not accepted yet: no drafting.
    await preceptor.post(f"/letter-requests/{rid}/draft", {}, expect=409)
    accepted = await preceptor.post(f"/letter-requests/{rid}/decision", {"decision": "accept"})
    assert accepted["state"] == "accepted"
    await preceptor.post(f"/letter-requests/{rid}/decision", {"decision": "decline"}, expect=409)

    draft = await preceptor.post(f"/letter-requests/{rid}/draft", {"examples": 2})
    kinds = [p["kind"] for p in draft["paragraphs"]]
    assert kinds[0] == "context" and "example" in kinds
    # Every paragraph rests on evidence: the enrollment or the preceptor's RELEASED evaluations only.
    allowed = {f"enrollment:{s['enrollment']}", *(f"evaluation:{i}" for i in s["evaluations"])}
    assert all(p["evidence"] for p in draft["paragraphs"])
    assert set(draft["evidence"]) <= allowed and f"evaluation:{s['unreleased']}" not in draft["evidence"]
    assert "thyroid" not in draft["text"]
    assert "Internal Medicine" in draft["text"] and draft["to_add"]

    edited = [
        *paragraphs_in(draft),
        {"text": OWN + " She showed improvement.", "evidence": [], "kind": "own"},
    ]
    v1 = await preceptor.put(f"/letter-requests/{rid}/letter", {"paragraphs": edited})
    assert v1["request"]["state"] == "drafting" and v1["current"]["number"] == 1
    categories = {f["category"] for f in v1["flags"]}
    assert "faint_praise" in categories and "length" in categories
    for flag in v1["flags"]:
        assert v1["text"][flag["start"] : flag["end"]] == flag["phrase"] or flag["category"] in {
            "length",
            "communal_balance",
        }
    # Rounds never rewrites: the text is saved as given.
    assert OWN in v1["text"]
    v2 = await preceptor.put(f"/letter-requests/{rid}/letter", {"paragraphs": edited[:-1]})
    assert v2["current"]["number"] == 2 and [h["number"] for h in v2["history"]] == [1, 2]

    # Not signed: the visitor sees only the status.
    status = await visitor.get(f"/letter-requests/{rid}")
    assert status["state"] == "drafting" and status["versions"] == 2
    await visitor.get(f"/letter-requests/{rid}/letter", expect=403)

    await preceptor.post(f"/letter-requests/{rid}/sign", {"confirm": False}, expect=422)
    signed = await preceptor.post(f"/letter-requests/{rid}/sign", {"confirm": True})
    assert signed["request"]["state"] == "signed" and signed["request"]["signed_at"]

    # Final.
    await preceptor.put(f"/letter-requests/{rid}/letter", {"paragraphs": edited}, expect=409)
    await preceptor.post(f"/letter-requests/{rid}/sign", {"confirm": True}, expect=409)
    await preceptor.post(f"/letter-requests/{rid}/draft", {}, expect=409)

    # Not waived and signed: the visitor reads it (without the author's flags and history), audited.
    letter = await visitor.get(f"/letter-requests/{rid}/letter")
    assert letter["text"] == v2["text"] and letter["flags"] is None and letter["history"] is None
    audit = await audit_rows(uows)
    letter_rows = [(a, action) for a, action, kind, record in audit if kind == "letter" and record == rid]
    p, v = world.preceptor.user_id, world.student.user_id
    assert letter_rows == [(p, "edit"), (p, "edit"), (p, "sign"), (v, "read")]


async def test_a_waived_letter_never_reaches_the_visitor_by_any_route(
    world: World, make_api: Any, uows: UnitOfWorkFactory
) -> None:
    s = await setup(world, make_api, uows, waived=True)
    preceptor, visitor, rid, e = s["preceptor"], s["visitor"], s["request"]["id"], s["enrollment"]
    await preceptor.post(f"/letter-requests/{rid}/decision", {"decision": "accept"})
    draft = await preceptor.post(f"/letter-requests/{rid}/draft", {})
    edited = [*paragraphs_in(draft), {"text": OWN, "evidence": [], "kind": "own"}]
    saved = await preceptor.put(f"/letter-requests/{rid}/letter", {"paragraphs": edited})
    secret = distinctive_words(saved["text"])
    assert {"persistence", "composure"} <= secret and len(secret) > 10

    async def visitor_sees_nothing(stage: str) -> None:
        calls: list[tuple[str, str, Any]] = [
            ("GET", "/letter-requests", None),
            ("GET", f"/letter-requests/{rid}", None),
            ("GET", f"/letter-requests/{rid}/letter", None),
            ("POST", f"/letter-requests/{rid}/draft", {}),
            ("PUT", f"/letter-requests/{rid}/letter", {"paragraphs": edited}),
            ("POST", f"/letter-requests/{rid}/sign", {"confirm": True}),
            ("POST", f"/letter-requests/{rid}/decision", {"decision": "accept"}),
            (
                "POST",
                f"/enrollments/{e}/letter-requests",
                {**REQUEST, "preceptor_id": 1, "ferpa_waived": True},
            ),
        ]
        for method, path, body in calls:
            status, answer = await visitor.call(method, path, json=body)
            dumped = json.dumps(answer).lower()
            leaked = {w for w in secret if w in dumped}
            assert not leaked, f"{stage}: {method} {path} ({status}) shows {sorted(leaked)}"
            assert "paragraphs" not in (answer if isinstance(answer, dict) else {}), (stage, path)
        status, answer = await visitor.call("GET", f"/letter-requests/{rid}/letter")
        assert status == 403 and "waived" in answer["error"]["message"]

    await visitor_sees_nothing("drafting")
    before = await row_counts(uows)
    await preceptor.post(f"/letter-requests/{rid}/sign", {"confirm": True})
    await visitor_sees_nothing("signed")
    status = await visitor.get(f"/letter-requests/{rid}")
    assert status["state"] == "signed" and status["ferpa_waived"] is True and status["signed_at"]
    # The visitor's refused attempts wrote nothing (the signing wrote one audit row, and told the
    # visitor it was signed, in the app and by email: that it was, never what it says).
    after = await row_counts(uows)
    changed = {k: after[k] - before[k] for k in after if after[k] != before[k]}
    assert changed == {"audit_events": 1, "notifications": 1, "outbox": 1}
    # The author still reads it.
    assert OWN in (await preceptor.get(f"/letter-requests/{rid}/letter"))["text"]


async def test_access_to_letters_per_role(world: World, make_api: Any, uows: UnitOfWorkFactory) -> None:
    s = await setup(world, make_api, uows, waived=False)
    await enroll(uows, world.other_student, world.other_program_id, world.other_block_ids[:1])
    apis = await role_apis(world, make_api)
    rid, e = s["request"]["id"], s["enrollment"]
    await s["preceptor"].post(f"/letter-requests/{rid}/decision", {"decision": "accept"})
    draft = await s["preceptor"].post(f"/letter-requests/{rid}/draft", {})
    version = {"paragraphs": paragraphs_in(draft)}
    new = {**REQUEST, "specialty": "Neurology", "preceptor_id": world.preceptor.user_id, "ferpa_waived": True}
    cases: list[tuple[str, str, Any, tuple[int, ...]]] = [
        ("GET", "/letter-requests", None, (200, 200, 200, 200, 403, 403, 401)),
        ("GET", f"/letter-requests/{rid}", None, (200, 404, 200, 404, 403, 404, 401)),
        ("POST", f"/letter-requests/{rid}/draft", {}, (403, 404, 200, 404, 403, 404, 401)),
        ("PUT", f"/letter-requests/{rid}/letter", version, (403, 404, 200, 404, 403, 404, 401)),
        ("GET", f"/letter-requests/{rid}/letter", None, (403, 404, 200, 404, 403, 404, 401)),
        ("GET", f"/letter-requests/{rid}/document", None, (403, 404, 200, 404, 403, 404, 401)),
        ("GET", f"/letter-requests/{rid}/letter.pdf", None, (403, 404, 409, 404, 403, 404, 401)),
        (
            "PUT",
            f"/letter-requests/{rid}/letter-id",
            {"eras_letter_id": "ERAS-777"},
            (200, 404, 200, 404, 403, 404, 401),
        ),
        (
            "POST",
            f"/letter-requests/{rid}/decision",
            {"decision": "accept"},
            (403, 404, 409, 404, 403, 404, 401),
        ),
        ("POST", f"/letter-requests/{rid}/sign", {"confirm": True}, (403, 404, 200, 404, 403, 404, 401)),
        ("GET", f"/letter-requests/{rid}/letter", None, (200, 404, 200, 404, 403, 404, 401)),
        ("GET", f"/letter-requests/{rid}/document", None, (200, 404, 200, 404, 403, 404, 401)),
        ("GET", f"/letter-requests/{rid}/letter.pdf", None, (200, 404, 200, 404, 403, 404, 401)),
        (
            "PUT",
            f"/letter-requests/{rid}/letter-id",
            {"eras_letter_id": "ERAS-778"},
            (409, 404, 409, 404, 403, 404, 401),
        ),
        ("POST", f"/enrollments/{e}/letter-requests", new, (201, 404, 403, 404, 403, 404, 401)),
    ]
    assert len(cases[0][3]) == len(ACCESS_ROLES)
    wrong = await access_matrix_mismatches(apis, cases)
    assert not wrong, "\n".join(wrong)


async def test_bad_input_is_refused_and_nothing_is_written(
    world: World, make_api: Any, uows: UnitOfWorkFactory
) -> None:
    s = await setup(world, make_api, uows, waived=False)
    preceptor, visitor, rid, e = s["preceptor"], s["visitor"], s["request"]["id"], s["enrollment"]
    await preceptor.post(f"/letter-requests/{rid}/decision", {"decision": "accept"})
    good = {
        **REQUEST,
        "specialty": "Neurology",
        "preceptor_id": world.preceptor.user_id,
        "ferpa_waived": False,
    }
    before = await row_counts(uows)
    path = f"/enrollments/{e}/letter-requests"
    bad_requests = [
        {k: v for k, v in good.items() if k != "ferpa_waived"},  # the waiver must be stated
        {**good, "ferpa_waived": None},
        {**good, "ferpa_waived": "yes"},
        {**good, "eras_letter_id": "ERAS 123!"},
        {**good, "eras_letter_id": "x" * 33},
        {**good, "specialty": "   "},
        {**good, "preceptor_id": world.other_preceptor.user_id},  # not a preceptor of the program
        {**good, "surprise": 1},
    ]
    for body in bad_requests:
        status, answer = await visitor.call("POST", path, json=body)
        assert status == 422, (body, status, answer)
    letter = f"/letter-requests/{rid}/letter"
    bad_versions = [
        {"paragraphs": [{"text": "A sentence.", "evidence": ["evaluation:999999"]}]},  # unknown evidence
        {
            "paragraphs": [{"text": "A sentence.", "evidence": [f"evaluation:{s['unreleased']}"]}]
        },  # unreleased
        {"paragraphs": [{"text": "A sentence.", "evidence": ["patient:1"]}]},
        {"paragraphs": [{"text": "A sentence.", "evidence": ["evaluation:0"]}]},
        {"paragraphs": [{"text": "   "}]},
        {"paragraphs": []},
        {"paragraphs": [{"text": "Saw the patient, MRN 4827315, on rounds."}]},  # PHI
        {"paragraphs": [{"text": "x" * 5001}]},
    ]
    for body in bad_versions:
        status, answer = await preceptor.call("PUT", letter, json=body)
        assert status == 422, (body, status, answer)
    for body in ({"decision": "maybe"}, {}):
        status, _ = await preceptor.call("POST", f"/letter-requests/{rid}/decision", json=body)
        assert status == 422
    letter_id = f"/letter-requests/{rid}/letter-id"
    for body in (
        {"eras_letter_id": "bad id!"},
        {"eras_letter_id": ""},
        {},
        {"eras_letter_id": "A-1", "x": 1},
    ):
        for who in (visitor, preceptor):
            status, answer = await who.call("PUT", letter_id, json=body)
            assert status == 422, (body, status, answer)
    assert await row_counts(uows) == before
    # A duplicate request to the same author for the same specialty is a conflict.
    await visitor.post(path, {**good, "specialty": "Internal Medicine"}, expect=409)


async def test_signing_needs_the_eras_letter_id_and_a_version(
    world: World, make_api: Any, uows: UnitOfWorkFactory
) -> None:
    enrollment = await enroll(uows, world.student, world.program_id, world.block_ids[:1])
    preceptor = await make_api(world.preceptor.email)
    visitor = await make_api(world.student.email)
    body = {**REQUEST, "eras_letter_id": None, "preceptor_id": world.preceptor.user_id, "ferpa_waived": True}
    request = await visitor.post(f"/enrollments/{enrollment}/letter-requests", body, expect=201)
    rid = request["id"]
    await preceptor.post(f"/letter-requests/{rid}/decision", {"decision": "accept"})
    await preceptor.post(f"/letter-requests/{rid}/sign", {"confirm": True}, expect=409)
    draft = await preceptor.post(f"/letter-requests/{rid}/draft", {})
    # No released evaluations: the draft rests on the enrollment's records only.
    assert draft["evidence"] == [f"enrollment:{enrollment}"]
    await preceptor.put(f"/letter-requests/{rid}/letter", {"paragraphs": paragraphs_in(draft)})
    status, answer = await preceptor.call("POST", f"/letter-requests/{rid}/sign", json={"confirm": True})
    assert status == 409 and "ERAS Letter ID" in answer["error"]["message"]
    # A declined request is final.
    other = await visitor.post(
        f"/enrollments/{enrollment}/letter-requests", {**body, "specialty": "Neurology"}, expect=201
    )
    await preceptor.post(f"/letter-requests/{other['id']}/decision", {"decision": "decline"})
    await preceptor.post(f"/letter-requests/{other['id']}/draft", {}, expect=409)


async def test_the_migrated_letter_tables_equal_the_models(database_url: str) -> None:
    engine = make_engine(database_url)

    def diffs(conn: Connection) -> list[Any]:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        return compare_metadata(context, Base.metadata)

    try:
        async with engine.connect() as conn:
            found = await conn.run_sync(diffs)
    finally:
        await engine.dispose()
    ours = [d for d in found if any(name in repr(d) for name in ("letter_requests", "letter_versions"))]
    assert ours == [], ours


async def test_the_letter_may_name_the_applicant_and_its_author_but_not_a_patient(
    world: World, make_api: Any, uows: UnitOfWorkFactory
) -> None:
    """Regression: the PHI guard refused every letter that named the applicant or its author (real
    names such as the demo's "Elena Marković" and "Dr. Samuel Reyes" read as patient names)."""
    async with uows() as uow:
        student = await uow.users.get(world.student.user_id)
        author = await uow.users.get(world.preceptor.user_id)
        assert student is not None and author is not None
        await uow.users.update(replace(student, full_name="Elena Marković"))
        await uow.users.update(replace(author, full_name="Samuel Reyes"))
        await uow.commit()
    s = await setup(world, make_api, uows, waived=False)
    preceptor, rid = s["preceptor"], s["request"]["id"]
    await preceptor.post(f"/letter-requests/{rid}/decision", {"decision": "accept"})
    draft = await preceptor.post(f"/letter-requests/{rid}/draft", {})
    assert "Elena Marković" in draft["text"]
    own = {
        "text": "I recommend Elena Marković without reservation; Ms. Marković and Elena alike impressed me. "
        "Dr. Samuel Reyes",
        "evidence": [],
        "kind": "own",
    }
    saved = await preceptor.put(
        f"/letter-requests/{rid}/letter", {"paragraphs": [*paragraphs_in(draft), own]}
    )
    assert saved["current"]["number"] == 1
    # Someone else's name is still caught.
    patient = {"text": "She examined John Whitaker, a patient in our clinic.", "evidence": [], "kind": "own"}
    status, answer = await preceptor.call(
        "PUT", f"/letter-requests/{rid}/letter", json={"paragraphs": [patient]}
    )
    assert status == 422 and "Whitaker" in json.dumps(answer)


async def test_the_draft_counts_patients_seen_in_patient_visits_only(
    world: World, make_api: Any, uows: UnitOfWorkFactory
) -> None:
    """Regression: huddles and didactics were counted as patients seen. Since issue 18 a visitor's own
    entries count for nothing the platform states (tests/integration/test_record_trust.py counts
    hosted visits)."""
    s = await setup(world, make_api, uows, waived=False)
    preceptor, visitor, rid, e = s["preceptor"], s["visitor"], s["request"]["id"], s["enrollment"]
    for kind in ("patient_visit", "huddle", "didactic"):
        body = {"week": 1, "kind": kind, "setting": "telehealth_video"}
        await visitor.post(f"/enrollments/{e}/encounters", body, expect=201)
    await preceptor.post(f"/letter-requests/{rid}/decision", {"decision": "accept"})
    draft = await preceptor.post(f"/letter-requests/{rid}/draft", {})
    assert "care of 0 patients" in draft["paragraphs"][0]["text"], draft["paragraphs"][0]["text"]
