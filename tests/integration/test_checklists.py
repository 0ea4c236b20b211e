"""Before day one (issue 16, item 5), through HTTP: an in-person program's checklist per enrollment,
with due dates from the start, items done by documents or by hand, shared by the visitor and their
coordinator, read by the preceptor; none for a virtual program."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from tests.integration.api_helpers import (
    access_matrix_mismatches,
    act,
    apply,
    role_apis,
    verify_documents,
)
from tests.support.world import PDF, World

ON_SITE = {
    "title": "Bedside Cardiology",
    "specialty": "Cardiology",
    "rotation_type": "hands_on",
    "modality": "in_person",
    "allowed_training_statuses": ["student", "graduate"],
    "required_documents": ["cv", "photo_id"],
}


async def _on_site_enrollment(
    world: World, visitor: Any, coordinator: Any, **program: Any
) -> tuple[int, date]:
    """An in-person program of the coordinator (taught by the preceptor), the visitor enrolled in it."""
    body = {**ON_SITE, "preceptor_ids": [world.preceptor.user_id], **program}
    created = await coordinator.post("/programs", body, expect=201)
    start = date.fromisoformat(
        (await coordinator.get(f"/programs/{world.program_id}"))["blocks"][1]["start_date"]
    )
    block = await coordinator.post(
        f"/programs/{created['id']}/blocks", {"start_date": start.isoformat(), "capacity": 2}, expect=201
    )
    app = await apply(visitor, created["id"], [block["id"]])
    for action in ("start_review", "make_offer"):
        await act(coordinator, app["id"], action)
    await act(visitor, app["id"], "accept_offer")
    await verify_documents(visitor, coordinator)
    await act(coordinator, app["id"], "enroll")
    return app["id"], start


async def test_the_checklist_follows_the_start_and_is_shared(world: World, make_api: Any) -> None:
    visitor = await make_api(world.student.email)
    coordinator = await make_api(world.coordinator.email)
    preceptor = await make_api(world.preceptor.email)
    app_id, start = await _on_site_enrollment(world, visitor, coordinator)
    checklist = await visitor.get(f"/applications/{app_id}/checklist")
    items = {i["item"]: i for i in checklist["items"]}
    assert list(items) == [
        "travel",
        "housing",
        "malpractice_insurance",
        "immunizations",
        "background_check",
        "orientation",
    ]
    assert checklist["starts_on"] == start.isoformat() and checklist["open_count"] == 6
    assert items["background_check"]["due_on"] == (start - timedelta(days=28)).isoformat()
    assert items["immunizations"]["document_kind"] == "immunization_record"
    assert items["travel"]["document_kind"] is None

    # The visitor marks travel done; the coordinator sees it (shared) and the preceptor reads it.
    marked = await visitor.put(
        f"/applications/{app_id}/checklist/travel", {"done": True, "note": "Train booked"}
    )
    assert marked["open_count"] == 5
    travel = next(i for i in marked["items"] if i["item"] == "travel")
    assert travel["status"] == "done" and travel["done_by"] == "Student" and travel["note"] == "Train booked"
    assert (await preceptor.get(f"/applications/{app_id}/checklist"))["open_count"] == 5
    await preceptor.put(f"/applications/{app_id}/checklist/housing", {"done": True}, expect=403)

    # A document item: the visitor cannot tick it, the upload makes it wait, verification makes it done.
    out = await visitor.put(f"/applications/{app_id}/checklist/immunizations", {"done": True}, expect=409)
    assert "upload" in out["error"]["message"].lower()
    doc = await visitor.upload("immunization_record", PDF)
    waiting = await coordinator.get(f"/applications/{app_id}/checklist")
    assert next(i for i in waiting["items"] if i["item"] == "immunizations")["status"] == "waiting"
    await coordinator.post(f"/documents/{doc['id']}/review", {"status": "verified"})
    done = await visitor.get(f"/applications/{app_id}/checklist")
    assert next(i for i in done["items"] if i["item"] == "immunizations")["status"] == "done"
    assert done["open_count"] == 4
    # The coordinator (the coach) marks the background check done by hand, and may reopen travel.
    await coordinator.put(
        f"/applications/{app_id}/checklist/background_check", {"done": True, "note": "Seen"}
    )
    reopened = await coordinator.put(f"/applications/{app_id}/checklist/travel", {"done": False})
    assert reopened["open_count"] == 4

    # Unknown items and items the program does not ask for are 404s with the list of items.
    await visitor.put(f"/applications/{app_id}/checklist/parking", {"done": True}, expect=404)


async def test_a_program_asks_only_for_what_it_requires_and_a_virtual_one_for_nothing(
    world: World, make_api: Any
) -> None:
    visitor = await make_api(world.student.email)
    coordinator = await make_api(world.coordinator.email)
    app_id, _ = await _on_site_enrollment(
        world, visitor, coordinator, before_day_one=["housing", "orientation"]
    )
    checklist = await visitor.get(f"/applications/{app_id}/checklist")
    assert [i["item"] for i in checklist["items"]] == ["housing", "orientation"]
    await visitor.put(f"/applications/{app_id}/checklist/travel", {"done": True}, expect=404)
    out = await coordinator.post(
        "/programs", {**ON_SITE, "modality": "virtual", "before_day_one": ["travel"]}, expect=422
    )
    assert out["error"]["field"] == "before_day_one"
    virtual = await coordinator.post("/programs", {**ON_SITE, "modality": "virtual"}, expect=201)
    assert virtual["before_day_one"] == []


async def test_overdue_items_are_flagged_and_the_checklist_waits_for_an_accepted_offer(
    world: World, make_api: Any, clock: Any
) -> None:
    visitor = await make_api(world.student.email)
    coordinator = await make_api(world.coordinator.email)
    app_id, start = await _on_site_enrollment(world, visitor, coordinator)
    fresh = await apply(await make_api(world.other_student.email), world.program_id, world.block_ids[:1])
    await coordinator.get(f"/applications/{fresh['id']}/checklist", expect=409)
    items = {i["item"]: i for i in (await visitor.get(f"/applications/{app_id}/checklist"))["items"]}
    assert not any(i["overdue"] for i in items.values())
    # Ten days before the start (logged in again: the first login has expired by then).
    clock.current = clock.current.replace(year=start.year, month=start.month, day=start.day) - timedelta(
        days=10
    )
    visitor = await make_api(world.student.email)
    items = {i["item"]: i for i in (await visitor.get(f"/applications/{app_id}/checklist"))["items"]}
    assert items["background_check"]["overdue"] and items["housing"]["overdue"]
    assert not items["orientation"]["overdue"]


async def test_who_may_read_and_mark_the_checklist(world: World, make_api: Any) -> None:
    apis = await role_apis(world, make_api)
    app_id, _ = await _on_site_enrollment(world, apis["visitor"], apis["coordinator"])
    url = f"/applications/{app_id}/checklist"
    cases: list[tuple[str, str, Any, tuple[int, ...]]] = [
        # visitor, other visitor, preceptor, other preceptor, coordinator, other coordinator, anonymous
        ("GET", url, None, (200, 404, 200, 404, 200, 404, 401)),
        ("PUT", f"{url}/housing", {"done": True}, (200, 404, 403, 403, 200, 404, 401)),
    ]
    assert await access_matrix_mismatches(apis, cases) == []
