"""Who may do what with case presentations, per role, over the API: the enrollment's visitor, another
visitor, the enrollment's preceptor, another preceptor, the program's coordinator, another coordinator,
and an anonymous caller. Strangers get 404, a wrong role 403; every read by someone other than the
author is audited. Both databases."""

from __future__ import annotations

from typing import Any

from server.db.uow import UnitOfWorkFactory
from tests.integration.api_helpers import (
    access_matrix_mismatches,
    role_apis,
)
from tests.integration.test_api_presentations import ORAL, REFERENCE, VISITOR
from tests.integration.test_api_record import audit_rows, enroll, logged
from tests.support.world import World


async def test_access_to_presentations_per_role_and_the_audit_log(
    world: World, make_api: Any, uows: UnitOfWorkFactory
) -> None:
    enrollment = await enroll(uows, world.student, world.program_id, world.block_ids[:1])
    await enroll(uows, world.other_student, world.other_program_id, world.other_block_ids[:1])
    apis = await role_apis(world, make_api)
    visitor = apis["visitor"]
    body = {"format": "oral", "content": ORAL, "differential": VISITOR}
    logs = [await logged(visitor, enrollment) for _ in range(3)]
    submitted = await visitor.post(
        f"/caselogs/{logs[0]['id']}/presentation", {**body, "submit": True}, expect=201
    )
    draft = await visitor.post(f"/caselogs/{logs[1]['id']}/presentation", body, expect=201)
    unpresented = logs[2]["id"]

    e, s, d = enrollment, submitted["id"], draft["id"]
    reference = {"items": REFERENCE}
    feedback = {"reinforce": "Good summary statement."}
    # (method, path, body, expected status per role in WHO's order)
    cases: list[tuple[str, str, Any, tuple[int, ...]]] = [
        ("GET", f"/presentations/{s}/score", None, (409, 404, 409, 404, 403, 404, 401)),
        ("PUT", f"/presentations/{s}/reference", reference, (403, 404, 200, 404, 403, 404, 401)),
        ("GET", f"/presentations/{s}/score", None, (200, 404, 200, 404, 403, 404, 401)),
        ("GET", f"/enrollments/{e}/presentations", None, (200, 404, 200, 404, 403, 404, 401)),
        ("GET", f"/enrollments/{e}/presentation-summary", None, (200, 404, 200, 404, 200, 404, 401)),
        ("GET", f"/presentations/{s}", None, (200, 404, 200, 404, 403, 404, 401)),
        # A draft is the visitor's own until submitted.
        ("GET", f"/presentations/{d}", None, (200, 404, 404, 404, 403, 404, 401)),
        ("PUT", f"/presentations/{d}/reference", reference, (403, 404, 404, 404, 403, 404, 401)),
        ("PUT", f"/presentations/{s}", body, (409, 404, 403, 404, 403, 404, 401)),
        ("PUT", f"/presentations/{d}", body, (200, 404, 404, 404, 403, 404, 401)),
        ("POST", f"/presentations/{s}/review", feedback, (403, 404, 200, 404, 403, 404, 401)),
        ("POST", f"/caselogs/{unpresented}/presentation", body, (201, 404, 403, 404, 403, 404, 401)),
    ]
    wrong = await access_matrix_mismatches(apis, cases)
    assert not wrong, "\n".join(wrong)

    # Only the preceptor's reads and changes are audited, each in the transaction of the read: the
    # reference entered, the score read, the list (one submitted presentation), the presentation itself
    # and the review. The visitor's own reads and the refused calls leave no row.
    p = world.preceptor.user_id
    rows = [row for row in await audit_rows(uows) if row[2] == "presentation"]
    assert rows == [
        (p, "reference", "presentation", s),
        (p, "read", "presentation", s),
        (p, "read", "presentation", s),
        (p, "read", "presentation", s),
        (p, "review", "presentation", s),
    ]
