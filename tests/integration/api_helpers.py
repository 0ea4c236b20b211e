"""Shared helpers for the API tests (tests/integration/test_api_*.py)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from server.db import models
from server.db.uow import UnitOfWorkFactory
from tests.support.client import Api
from tests.support.world import World


async def apply(
    visitor: Api,
    program_id: int,
    block_ids: list[int],
    *,
    submit: bool = True,
    statement: str = "",
    expect: int = 201,
) -> Any:
    return await visitor.post(
        "/applications",
        {"program_id": program_id, "block_ids": block_ids, "submit": submit, "statement": statement},
        expect=expect,
    )


async def act(api: Api, application_id: int, action: str, note: str | None = None, expect: int = 200) -> Any:
    body: dict[str, Any] = {"action": action}
    if note is not None:
        body["note"] = note
    return await api.post(f"/applications/{application_id}/actions", body, expect=expect)


async def verify_documents(
    visitor: Api, coordinator: Api, kinds: tuple[str, ...] = ("cv", "photo_id")
) -> None:
    from tests.support.world import PDF

    for kind in kinds:
        doc = await visitor.upload(kind, PDF)
        await coordinator.post(f"/documents/{doc['id']}/review", {"status": "verified"})


async def offered(world: World, visitor: Api, coordinator: Api, block_ids: list[int] | None = None) -> Any:
    """An application of ``visitor`` to the open program with an offer made."""
    app = await apply(visitor, world.program_id, block_ids or world.block_ids[:1])
    await act(coordinator, app["id"], "start_review")
    return await act(coordinator, app["id"], "make_offer")


async def seats(uows: UnitOfWorkFactory, block_ids: list[int]) -> list[int]:
    async with uows() as uow:
        blocks = {b.id: b.seats_held for b in await uow.programs.blocks_by_ids(block_ids)}
    return [blocks[b] for b in block_ids]


async def row_counts(uows: UnitOfWorkFactory) -> dict[str, int]:
    """How many rows each table holds: compared before and after a refused request."""
    counts: dict[str, int] = {}
    async with uows() as uow:
        for table in models.Base.metadata.sorted_tables:
            if table.name in {"logins", "login_failures"}:  # tests log people in as they go
                continue
            counts[table.name] = (await uow.db.execute(select(func.count()).select_from(table))).scalar_one()
    return counts


async def snapshot(uows: UnitOfWorkFactory) -> dict[str, Any]:
    """Row counts plus the state of every application and block: nothing half-written shows here."""
    async with uows() as uow:
        apps = (
            await uow.db.execute(select(models.ApplicationRow).order_by(models.ApplicationRow.id))
        ).scalars()
        app_rows = [(a.id, a.state, a.statement, a.decision_note, a.offer_expires_at) for a in apps]
        blocks = (await uow.db.execute(select(models.BlockRow).order_by(models.BlockRow.id))).scalars()
        block_rows = [(b.id, b.capacity, b.seats_held, b.start_date) for b in blocks]
        profiles = (
            await uow.db.execute(select(models.VisitorProfileRow).order_by(models.VisitorProfileRow.user_id))
        ).scalars()
        profile_rows = [
            (
                p.user_id,
                p.training_status,
                p.profession,
                p.school,
                p.country,
                p.graduation_year,
                p.step1_status,
            )
            for p in profiles
        ]
        docs = (await uow.db.execute(select(models.DocumentRow).order_by(models.DocumentRow.id))).scalars()
        doc_rows = [(d.id, d.status, d.review_note, d.expires_on) for d in docs]
    return {
        "counts": await row_counts(uows),
        "applications": app_rows,
        "blocks": block_rows,
        "profiles": profile_rows,
        "documents": doc_rows,
    }


# Who is asked in an access matrix, in the order the expected statuses are listed.
ACCESS_ROLES = (
    "visitor",
    "other_visitor",
    "preceptor",
    "other_preceptor",
    "coordinator",
    "other_coordinator",
    "anonymous",
)


async def role_apis(world: Any, make_api: Any) -> dict[str, Any]:
    """One logged-in Api per role of ACCESS_ROLES (anonymous: none), from the test world."""
    emails = {
        "visitor": world.student.email,
        "other_visitor": world.other_student.email,
        "preceptor": world.preceptor.email,
        "other_preceptor": world.other_preceptor.email,
        "coordinator": world.coordinator.email,
        "other_coordinator": world.other_coordinator.email,
        "anonymous": None,
    }
    assert tuple(emails) == ACCESS_ROLES
    return {who: await make_api(email) for who, email in emails.items()}


async def access_matrix_mismatches(
    apis: dict[str, Any], cases: list[tuple[str, str, Any, tuple[int, ...]]]
) -> list[str]:
    """Call each (method, path, body, expected statuses per ACCESS_ROLES) as each role and return
    one line per status that differs. Anonymous goes first and the visitor last, so a change the
    visitor makes cannot alter what the others are shown. Every refusal must be a proper error body."""
    wrong = []
    for method, path, body, expected in cases:
        for who, status in reversed(list(zip(ACCESS_ROLES, expected, strict=True))):
            got, answer = await apis[who].call(method, path, json=body)
            if got != status:
                wrong.append(f"{who} {method} {path}: {got} (expected {status}) {answer!r:.150}")
            elif got >= 400:
                assert set(answer["error"]) >= {"code", "message"}
    return wrong
