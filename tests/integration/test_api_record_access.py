"""Who may do what with the clinical record, per role and record, over the API: the enrollment's
visitor, another visitor, the enrollment's preceptor, another preceptor, the program's coordinator,
another coordinator, and an anonymous caller. Strangers get 404, a wrong role 403. Both databases."""

from __future__ import annotations

from typing import Any

from server.db.uow import UnitOfWorkFactory
from tests.integration.api_helpers import (
    ACCESS_ROLES,
    access_matrix_mismatches,
    role_apis,
)
from tests.integration.test_api_record import ENCOUNTER, LOG, audit_rows, enroll
from tests.support.world import World

WHO = ACCESS_ROLES


async def test_access_to_every_record_per_role(world: World, make_api: Any, uows: UnitOfWorkFactory) -> None:
    enrollment = await enroll(uows, world.student, world.program_id, world.block_ids[:1])
    # The other visitor has a record of their own elsewhere: it gives them no reach into this one.
    await enroll(uows, world.other_student, world.other_program_id, world.other_block_ids[:1])
    apis = await role_apis(world, make_api)
    visitor = apis["visitor"]
    logged_encounter = await visitor.post(f"/enrollments/{enrollment}/encounters", ENCOUNTER, expect=201)
    unlogged = await visitor.post(f"/enrollments/{enrollment}/encounters", ENCOUNTER, expect=201)
    submitted = await visitor.post(
        f"/encounters/{logged_encounter['id']}/caselogs", {**LOG, "submit": True}, expect=201
    )
    draft_encounter = await visitor.post(f"/enrollments/{enrollment}/encounters", ENCOUNTER, expect=201)
    draft = await visitor.post(f"/encounters/{draft_encounter['id']}/caselogs", LOG, expect=201)

    e, s, d = enrollment, submitted["id"], draft["id"]
    # (method, path, body, expected status per role in WHO's order)
    cases: list[tuple[str, str, Any, tuple[int, ...]]] = [
        ("GET", f"/enrollments/{e}/encounters", None, (200, 404, 200, 404, 200, 404, 401)),
        ("GET", f"/enrollments/{e}/caselog-summary", None, (200, 404, 200, 404, 200, 404, 401)),
        ("GET", f"/programs/{world.program_id}/caselog-summary", None, (404, 404, 200, 404, 200, 404, 401)),
        ("GET", f"/enrollments/{e}/caselogs", None, (200, 404, 200, 404, 403, 404, 401)),
        ("GET", f"/caselogs/{s}", None, (200, 404, 200, 404, 403, 404, 401)),
        # A draft is the visitor's own until submitted: the preceptor does not see it yet.
        ("GET", f"/caselogs/{d}", None, (200, 404, 404, 404, 403, 404, 401)),
        ("PUT", f"/caselogs/{s}", LOG, (409, 404, 403, 404, 403, 404, 401)),
        ("PUT", f"/caselogs/{d}", LOG, (200, 404, 404, 404, 403, 404, 401)),
        ("POST", f"/caselogs/{s}/review", {"action": "confirm"}, (403, 404, 200, 404, 403, 404, 401)),
        ("POST", f"/encounters/{unlogged['id']}/caselogs", LOG, (201, 404, 403, 404, 403, 404, 401)),
        ("POST", f"/enrollments/{e}/encounters", ENCOUNTER, (201, 404, 201, 404, 403, 404, 401)),
    ]
    wrong = await access_matrix_mismatches(apis, cases)
    assert not wrong, "\n".join(wrong)

    # Only the preceptor's reads and review are audited: one read of the list (one submitted log),
    # one read of the log itself, and the confirmation.
    p = world.preceptor.user_id
    assert await audit_rows(uows) == [
        (p, "read", "case_log", s),
        (p, "read", "case_log", s),
        (p, "confirm", "case_log", s),
    ]


async def test_a_preceptor_sees_only_submitted_logs_of_their_own_visitors(
    world: World, make_api: Any, uows: UnitOfWorkFactory
) -> None:
    mine = await enroll(uows, world.student, world.program_id, world.block_ids[:1])
    elsewhere = await enroll(uows, world.other_student, world.other_program_id, world.other_block_ids[:1])
    for email, enrollment in ((world.student.email, mine), (world.other_student.email, elsewhere)):
        api = await make_api(email)
        encounter = await api.post(f"/enrollments/{enrollment}/encounters", ENCOUNTER, expect=201)
        await api.post(f"/encounters/{encounter['id']}/caselogs", {**LOG, "submit": True}, expect=201)
    preceptor = await make_api(world.preceptor.email)
    logs = await preceptor.get(f"/enrollments/{mine}/caselogs")
    assert [log["visitor_id"] for log in logs] == [world.student.user_id]
    await preceptor.get(f"/enrollments/{elsewhere}/caselogs", expect=404)
    other = await make_api(world.other_preceptor.email)
    assert len(await other.get(f"/enrollments/{elsewhere}/caselogs")) == 1
