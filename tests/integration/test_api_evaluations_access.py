"""Who may do what with evaluations, per role, over the API: the enrollment's visitor, another visitor,
the enrollment's preceptor, another preceptor, the program's coordinator (counts only), another
coordinator, and an anonymous caller; and a co-preceptor of the same program. Strangers get 404, a wrong
role 403. Both databases."""

from __future__ import annotations

from typing import Any

from server.db import models
from server.db.uow import UnitOfWorkFactory
from tests.integration.api_helpers import (
    ACCESS_ROLES,
    access_matrix_mismatches,
    role_apis,
)
from tests.integration.test_api_evaluations import EVALUATION, FINAL
from tests.integration.test_api_record import audit_rows, enroll
from tests.support.world import World


async def test_access_to_evaluations_per_role(world: World, make_api: Any, uows: UnitOfWorkFactory) -> None:
    enrollment = await enroll(uows, world.student, world.program_id, world.block_ids[:1])
    await enroll(uows, world.other_student, world.other_program_id, world.other_block_ids[:1])
    apis = await role_apis(world, make_api)
    preceptor = apis["preceptor"]
    released = await preceptor.post(f"/enrollments/{enrollment}/evaluations", EVALUATION, expect=201)
    await preceptor.post(f"/evaluations/{released['id']}/release", {"confirm": True})
    draft = await preceptor.post(f"/enrollments/{enrollment}/evaluations", EVALUATION, expect=201)

    e, r, d, p = enrollment, released["id"], draft["id"], world.preceptor.user_id
    final = f"/enrollments/{e}/final-evaluations/{p}"
    cases: list[tuple[str, str, Any, tuple[int, ...]]] = [
        ("GET", f"/enrollments/{e}/evaluations", None, (200, 404, 200, 404, 403, 404, 401)),
        ("GET", f"/evaluations/{r}", None, (200, 404, 200, 404, 403, 404, 401)),
        ("GET", f"/evaluations/{d}", None, (404, 404, 200, 404, 403, 404, 401)),
        ("PUT", f"/evaluations/{d}", EVALUATION, (404, 404, 200, 404, 403, 404, 401)),
        ("PUT", f"/evaluations/{r}", EVALUATION, (403, 404, 409, 404, 403, 404, 401)),
        ("POST", f"/evaluations/{r}/release", {"confirm": True}, (403, 404, 409, 404, 403, 404, 401)),
        ("POST", f"/enrollments/{e}/evaluations", EVALUATION, (403, 404, 201, 404, 403, 404, 401)),
        ("GET", f"/enrollments/{e}/evaluation-summary", None, (200, 404, 200, 404, 403, 404, 401)),
        ("GET", f"/enrollments/{e}/evaluation-counts", None, (200, 404, 200, 404, 200, 404, 401)),
        ("GET", f"/enrollments/{e}/comparison-group", None, (403, 404, 200, 404, 403, 404, 401)),
        ("PUT", final, FINAL, (403, 404, 200, 404, 403, 404, 401)),
        ("GET", final, None, (404, 404, 200, 404, 403, 404, 401)),
        ("GET", f"/enrollments/{e}/final-evaluations", None, (200, 404, 200, 404, 403, 404, 401)),
        ("POST", final + "/release", {"confirm": True}, (403, 404, 200, 404, 403, 404, 401)),
        ("GET", final, None, (200, 404, 200, 404, 403, 404, 401)),
        (
            "PUT",
            f"/enrollments/{e}/final-evaluations/{world.other_preceptor.user_id}",
            FINAL,
            (403, 404, 403, 404, 403, 404, 401),
        ),
    ]
    assert ACCESS_ROLES[0] == "visitor"
    wrong = await access_matrix_mismatches(apis, cases)
    assert not wrong, "\n".join(wrong)

    # The coordinator's counts carry no ratings and no text.
    counts = await apis["coordinator"].get(f"/enrollments/{e}/evaluation-counts")
    assert counts["released"] == 1 and counts["drafts"] == 2 and "strengths" not in str(counts)

    # Audited: the visitor's views of the released evaluations, never the author's own; nobody else's
    # refused calls leave a row.
    v = world.student.user_id
    readers = {row[0] for row in await audit_rows(uows) if row[1] == "read"}
    assert readers == {v}
    reads = [row for row in await audit_rows(uows) if row[1] == "read" and row[2] == "evaluation"]
    assert reads and {row[3] for row in reads} == {r}


async def test_a_co_preceptor_sees_released_evaluations_only_and_cannot_change_them(
    world: World, make_api: Any, uows: UnitOfWorkFactory
) -> None:
    enrollment = await enroll(uows, world.student, world.program_id, world.block_ids[:1])
    async with uows() as uow:
        uow.db.add(
            models.ProgramPreceptorRow(
                program_id=world.program_id, preceptor_id=world.other_preceptor.user_id
            )
        )
        await uow.commit()
    preceptor = await make_api(world.preceptor.email)
    colleague = await make_api(world.other_preceptor.email)
    released = await preceptor.post(f"/enrollments/{enrollment}/evaluations", EVALUATION, expect=201)
    await preceptor.post(f"/evaluations/{released['id']}/release", {"confirm": True})
    draft = await preceptor.post(f"/enrollments/{enrollment}/evaluations", EVALUATION, expect=201)
    seen = await colleague.get(f"/enrollments/{enrollment}/evaluations")
    assert [s["id"] for s in seen] == [released["id"]]
    await colleague.get(f"/evaluations/{draft['id']}", expect=404)
    await colleague.put(f"/evaluations/{released['id']}", EVALUATION, expect=403)
    await colleague.post(f"/evaluations/{released['id']}/release", {"confirm": True}, expect=403)
    # Their own evaluation of the same visitor is theirs.
    own = await colleague.post(f"/enrollments/{enrollment}/evaluations", EVALUATION, expect=201)
    await preceptor.get(f"/evaluations/{own['id']}", expect=404)
    rows = [row for row in await audit_rows(uows) if row[1] == "read"]
    assert rows == [
        (world.other_preceptor.user_id, "read", "evaluation", released["id"]),
    ]
