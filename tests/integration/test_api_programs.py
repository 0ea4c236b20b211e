"""Programs over the API: the catalog and its filters, eligibility with reasons, what coordinators
publish (programs, blocks, capacity)."""

from __future__ import annotations

import asyncio
from datetime import date, timedelta
from typing import Any

from server.db.uow import UnitOfWorkFactory
from server.domain.dates import human_day
from tests.integration.api_helpers import act, apply, seats, snapshot
from tests.support.client import Api
from tests.support.world import FakeClock, World


def program_spec(**changes: Any) -> dict[str, Any]:
    spec: dict[str, Any] = {
        "title": "Pediatric Telehealth Research",
        "specialty": "Pediatrics",
        "rotation_type": "research",
        "modality": "hybrid",
        "description": "Weekly research huddles.",
        "allowed_training_statuses": ["graduate"],
        "step1_pass_required": False,
        "required_documents": ["cv", "good_standing", "cv"],
        "preceptor_ids": [],
    }
    spec.update(changes)
    return spec


async def ids(api: Api, query: str = "") -> list[int]:
    return [p["id"] for p in await api.get("/programs" + query)]


async def test_the_catalog_is_public_and_filters_by_specialty_type_and_modality(
    world: World, make_api: Any
) -> None:
    coordinator = await make_api(world.coordinator.email)
    peds = await coordinator.post("/programs", program_spec(), expect=201)
    hands_on = await coordinator.post(
        "/programs",
        program_spec(
            title="Hands-on IM", specialty="Internal Medicine", rotation_type="hands_on", modality="in_person"
        ),
        expect=201,
    )
    anonymous = await make_api()
    observerships = [world.program_id, world.step1_program_id, world.other_program_id]
    assert sorted(await ids(anonymous)) == sorted([*observerships, peds["id"], hands_on["id"]])
    assert await ids(anonymous, "?specialty=pediatrics") == [peds["id"]]
    assert await ids(anonymous, "?specialty=PEDIATRICS&modality=hybrid") == [peds["id"]]
    assert await ids(anonymous, "?specialty=Pediatrics&modality=virtual") == []
    assert await ids(anonymous, "?specialty=Dermatology") == []
    assert await ids(anonymous, "?rotation_type=hands_on") == [hands_on["id"]]
    assert sorted(await ids(anonymous, "?rotation_type=observership")) == sorted(observerships)
    assert await ids(anonymous, "?modality=in_person") == [hands_on["id"]]
    assert sorted(await ids(anonymous, "?specialty=Internal%20Medicine&modality=virtual")) == sorted(
        observerships
    )
    # Anonymous callers see no eligibility at all.
    assert all(p["eligibility"] is None for p in await anonymous.get("/programs"))
    # ...and asking for "eligible" without a visitor profile is explained, not silently empty.
    status, _ = await anonymous.call("GET", "/programs?eligible=true")
    assert status == 422
    one = await anonymous.get(f"/programs/{peds['id']}")
    assert one["specialty"] == "Pediatrics"
    assert one["required_documents"] == ["cv", "good_standing"]


async def test_eligibility_is_shown_with_reasons_and_filters_the_catalog(world: World, make_api: Any) -> None:
    student = await make_api(world.student.email)
    catalog = {p["id"]: p for p in await student.get("/programs")}
    assert catalog[world.program_id]["eligibility"] == {"eligible": True, "reasons": []}
    step1 = catalog[world.step1_program_id]["eligibility"]
    assert step1["eligible"] is False
    assert len(step1["reasons"]) == 2
    assert "graduates only" in step1["reasons"][0]
    assert "USMLE Step 1" in step1["reasons"][1]
    assert sorted(await ids(student, "?eligible=true")) == sorted([world.program_id, world.other_program_id])
    assert sorted(await ids(student, "?eligible=false")) == sorted(catalog)
    graduate = await make_api(world.graduate.email)
    assert sorted(await ids(graduate, "?eligible=true")) == sorted(catalog)
    # A visitor whose profile is empty is told what to add.
    await student.put("/me/visitor-profile", {"training_status": None, "step1_status": None})
    reasons = (await student.get(f"/programs/{world.program_id}"))["eligibility"]["reasons"]
    assert reasons == ["Add your training status (student or graduate) to your profile."]
    assert await ids(student, "?eligible=true") == []
    # Coordinators and preceptors get no eligibility block.
    coordinator = await make_api(world.coordinator.email)
    assert (await coordinator.get(f"/programs/{world.program_id}"))["eligibility"] is None


async def test_a_coordinator_publishes_a_program_with_preceptors_and_blocks(
    world: World, make_api: Any, clock: FakeClock
) -> None:
    coordinator = await make_api(world.coordinator.email)
    created = await coordinator.post(
        "/programs",
        program_spec(
            preceptor_ids=[world.preceptor.user_id, world.other_preceptor.user_id, world.preceptor.user_id]
        ),
        expect=201,
    )
    assert created["coordinator_id"] == world.coordinator.user_id
    assert [p["id"] for p in created["preceptors"]] == sorted(
        [world.preceptor.user_id, world.other_preceptor.user_id]
    )
    assert created["blocks"] == []
    today = clock().date()
    block = await coordinator.post(
        f"/programs/{created['id']}/blocks", {"start_date": today.isoformat(), "capacity": 3}, expect=201
    )
    assert block == {
        "id": block["id"],
        "start_date": today.isoformat(),
        "end_date": (today + timedelta(days=27)).isoformat(),
        "capacity": 3,
        "seats_held": 0,
        "seats_free": 3,
        "closed": False,
        "closed_reason": None,
    }
    program = await (await make_api()).get(f"/programs/{created['id']}")
    assert [b["id"] for b in program["blocks"]] == [block["id"]]


async def test_block_rules_past_start_duplicate_start_and_far_future(
    world: World, make_api: Any, clock: FakeClock, uows: UnitOfWorkFactory
) -> None:
    coordinator = await make_api(world.coordinator.email)
    path = f"/programs/{world.program_id}/blocks"
    before = await snapshot(uows)
    yesterday = (clock().date() - timedelta(days=1)).isoformat()
    out = await coordinator.post(path, {"start_date": yesterday, "capacity": 2}, expect=422)
    assert out["error"]["field"] == "start_date"
    assert "past" in out["error"]["message"]
    async with uows() as uow:
        taken = await uow.programs.get_block(world.block_ids[0])
        assert taken is not None
        start = taken.start_date.isoformat()
    out = await coordinator.post(path, {"start_date": start, "capacity": 2}, expect=409)
    assert human_day(taken.start_date) in out["error"]["message"]  # as people write dates
    for far in ("9999-12-31", "2200-01-01"):
        out = await coordinator.post(path, {"start_date": far, "capacity": 2}, expect=422)
        assert out["error"]["field"] == "start_date"
    for bad in (
        {"start_date": "next monday", "capacity": 2},
        {"start_date": start, "capacity": 0},
        {"start_date": start, "capacity": -3},
        {"start_date": start, "capacity": 501},
        {"start_date": start},
    ):
        await coordinator.post(path, bad, expect=422)
    assert await snapshot(uows) == before


async def test_only_the_programs_coordinator_adds_blocks_or_changes_capacity(
    world: World, make_api: Any
) -> None:
    start = (date(2027, 6, 7)).isoformat()
    other = await make_api(world.other_coordinator.email)
    out = await other.post(
        f"/programs/{world.program_id}/blocks", {"start_date": start, "capacity": 2}, expect=404
    )
    assert out["error"]["code"] == "not_found"
    await other.put(f"/blocks/{world.block_ids[0]}/capacity", {"capacity": 9}, expect=404)
    visitor = await make_api(world.student.email)
    await visitor.post(
        f"/programs/{world.program_id}/blocks", {"start_date": start, "capacity": 2}, expect=403
    )
    await visitor.put(f"/blocks/{world.block_ids[0]}/capacity", {"capacity": 9}, expect=403)
    await visitor.post("/programs", program_spec(), expect=403)
    preceptor = await make_api(world.preceptor.email)
    await preceptor.post("/programs", program_spec(), expect=403)
    await preceptor.put(f"/blocks/{world.block_ids[0]}/capacity", {"capacity": 9}, expect=403)
    coordinator = await make_api(world.coordinator.email)
    await coordinator.put("/blocks/999999/capacity", {"capacity": 9}, expect=404)


async def test_capacity_never_goes_below_the_seats_held(
    world: World, make_api: Any, uows: UnitOfWorkFactory
) -> None:
    coordinator = await make_api(world.coordinator.email)
    block = world.block_ids[0]
    for email in (world.student.email, world.graduate.email):
        visitor = await make_api(email)
        app = await apply(visitor, world.program_id, [block])
        await act(coordinator, app["id"], "start_review")
        await act(coordinator, app["id"], "make_offer")
    assert await seats(uows, [block]) == [2]
    out = await coordinator.put(f"/blocks/{block}/capacity", {"capacity": 1}, expect=409)
    assert "2 seats" in out["error"]["message"]
    program = await coordinator.get(f"/programs/{world.program_id}")
    assert program["blocks"][0]["capacity"] == 2
    out = await coordinator.put(f"/blocks/{block}/capacity", {"capacity": 2})
    assert out["seats_free"] == 0
    out = await coordinator.put(f"/blocks/{block}/capacity", {"capacity": 5})
    assert (out["capacity"], out["seats_held"], out["seats_free"]) == (5, 2, 3)


async def test_an_unpublished_program_is_seen_by_its_coordinator_only(world: World, make_api: Any) -> None:
    coordinator = await make_api(world.coordinator.email)
    hidden = await coordinator.post("/programs", program_spec(published=False), expect=201)
    await coordinator.post(
        f"/programs/{hidden['id']}/blocks", {"start_date": "2027-01-04", "capacity": 1}, expect=201
    )
    assert (await coordinator.get(f"/programs/{hidden['id']}"))["published"] is False
    for email in (world.student.email, world.other_coordinator.email, world.preceptor.email, None):
        api = await make_api(email)
        await api.get(f"/programs/{hidden['id']}", expect=404)
        assert hidden["id"] not in await ids(api)
    visitor = await make_api(world.graduate.email)
    block_id = (await coordinator.get(f"/programs/{hidden['id']}"))["blocks"][0]["id"]
    out = await apply(visitor, hidden["id"], [block_id], expect=404)
    assert out["error"]["field"] == "program_id"


async def test_program_input_is_checked(world: World, make_api: Any, uows: UnitOfWorkFactory) -> None:
    coordinator = await make_api(world.coordinator.email)
    before = await snapshot(uows)
    cases: list[tuple[dict[str, Any], str]] = [
        ({"rotation_type": "clerkship"}, "rotation_type"),
        ({"modality": "telepathy"}, "modality"),
        ({"allowed_training_statuses": []}, "allowed_training_statuses"),
        ({"allowed_training_statuses": ["resident"]}, "allowed_training_statuses.0"),
        ({"required_documents": ["passport"]}, "required_documents.0"),
        ({"preceptor_ids": [world.student.user_id]}, "preceptor_ids"),
        ({"preceptor_ids": [987654]}, "preceptor_ids"),
        ({"title": "   "}, "title"),
        ({"title": "t" * 201}, "title"),
        ({"specialty": "s" * 121}, "specialty"),
        ({"allowed_professions": [""]}, "allowed_professions.0"),
        ({"step1_pass_required": "perhaps"}, "step1_pass_required"),
        ({"coordinator_id": world.other_coordinator.user_id}, "coordinator_id"),
    ]
    for changes, field in cases:
        out = await coordinator.post("/programs", program_spec(**changes), expect=422)
        assert out["error"]["field"] == field, (changes, out)
    assert await snapshot(uows) == before


async def test_the_same_block_opened_twice_at_once_is_one_block_and_one_409(
    world: World, make_api: Any
) -> None:
    first = await make_api(world.coordinator.email)
    second = await make_api(world.coordinator.email)
    path = f"/programs/{world.program_id}/blocks"
    body = {"start_date": "2027-05-03", "capacity": 2}
    # On PostgreSQL the requests interleave between the check and the insert; the unique constraint
    # decides, and the loser must hear 409, not 500.
    results = await asyncio.gather(
        *(api.call("POST", path, json=body) for api in (first, second) for _ in range(5))
    )
    assert sorted(status for status, _ in results) == [201] + [409] * 9, results
    program = await first.get(f"/programs/{world.program_id}")
    assert [b["start_date"] for b in program["blocks"]].count("2027-05-03") == 1
