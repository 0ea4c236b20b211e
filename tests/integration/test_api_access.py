"""Access is checked on the server for every record: each role against each kind of record.

Anonymous callers get 401; a role that never may do something gets 403; a record the caller may
not know about is 404, exactly as if it did not exist."""

from __future__ import annotations

from typing import Any

from server.db.uow import UnitOfWorkFactory
from tests.integration.api_helpers import act, apply, role_apis, snapshot
from tests.support.client import Api
from tests.support.world import PDF, World

# The columns of this file's tables (anonymous first); the same roles as api_helpers.ACCESS_ROLES.
ROLES = [
    "anonymous",
    "visitor",
    "other_visitor",
    "preceptor",
    "other_preceptor",
    "coordinator",
    "other_coordinator",
]


async def _people(world: World, make_api: Any) -> dict[str, Api]:
    people: dict[str, Api] = await role_apis(world, make_api)
    people["graduate"] = await make_api(world.graduate.email)  # a third visitor, not in the matrix
    return people


async def _scenario(world: World, people: dict[str, Api]) -> dict[str, Any]:
    """The visitor has an accepted offer and a document; the graduate a submitted application; the
    other visitor a draft; the coordinator an unpublished program."""
    visitor, coordinator = people["visitor"], people["coordinator"]
    accepted = await apply(visitor, world.program_id, world.block_ids[:1])
    await act(coordinator, accepted["id"], "start_review")
    await act(coordinator, accepted["id"], "make_offer")
    await act(visitor, accepted["id"], "accept_offer")
    document = await visitor.upload("cv", PDF)
    draft = await apply(people["other_visitor"], world.program_id, world.block_ids[:1], submit=False)
    graduate = await apply(people["graduate"], world.program_id, world.block_ids[:1])
    hidden = await coordinator.post(
        "/programs",
        {
            "title": "Hidden",
            "specialty": "Dermatology",
            "rotation_type": "observership",
            "modality": "virtual",
            "allowed_training_statuses": ["student"],
            "published": False,
        },
        expect=201,
    )
    return {
        "accepted": accepted["id"],
        "document": document["id"],
        "draft": draft["id"],
        "hidden": hidden["id"],
        "submitted": graduate["id"],
    }


def _row(
    anonymous: int,
    visitor: int,
    other_visitor: int,
    preceptor: int,
    other_preceptor: int,
    coordinator: int,
    other_coordinator: int,
) -> dict[str, int]:
    return dict(
        zip(
            ROLES,
            [anonymous, visitor, other_visitor, preceptor, other_preceptor, coordinator, other_coordinator],
            strict=True,
        )
    )


async def test_each_role_against_each_kind_of_record(
    world: World, make_api: Any, uows: UnitOfWorkFactory
) -> None:
    people = await _people(world, make_api)
    ids = await _scenario(world, people)
    accepted, document, draft, hidden = ids["accepted"], ids["document"], ids["draft"], ids["hidden"]
    reads: dict[str, tuple[str, dict[str, int]]] = {
        "application": (f"/applications/{accepted}", _row(401, 200, 404, 200, 404, 200, 404)),
        "submitted application": (
            f"/applications/{ids['submitted']}",
            _row(401, 404, 404, 404, 404, 200, 404),
        ),
        "draft application": (f"/applications/{draft}", _row(401, 404, 200, 404, 404, 404, 404)),
        "document": (f"/documents/{document}", _row(401, 200, 404, 404, 404, 200, 404)),
        "document file": (f"/documents/{document}/file", _row(401, 200, 404, 404, 404, 200, 404)),
        "applicant's documents": (
            f"/users/{world.student.user_id}/documents",
            _row(401, 200, 404, 404, 404, 200, 404),
        ),
        "unpublished program": (f"/programs/{hidden}", _row(404, 404, 404, 404, 404, 200, 404)),
        "published program": (f"/programs/{world.program_id}", _row(200, 200, 200, 200, 200, 200, 200)),
        "review queue": ("/review-queue", _row(401, 403, 403, 403, 403, 200, 200)),
        "my visitors": ("/my-visitors", _row(401, 403, 403, 200, 200, 403, 403)),
        "my profile": ("/me", _row(401, 200, 200, 200, 200, 200, 200)),
    }
    before = await snapshot(uows)
    writes: dict[str, tuple[str, dict[str, Any], dict[str, int]]] = {
        # coordinator actions (the coordinator's own 409: the documents are not verified yet)
        "enroll": (
            f"/applications/{accepted}/actions",
            {"action": "enroll"},
            _row(401, 403, 404, 403, 404, 409, 404),
        ),
        "deny without a note": (
            f"/applications/{accepted}/actions",
            {"action": "deny"},
            _row(401, 403, 404, 403, 404, 409, 404),
        ),
        "dismiss": (
            f"/applications/{accepted}/actions",
            {"action": "dismiss", "note": "x"},
            _row(401, 403, 404, 403, 404, 409, 404),
        ),
        # a visitor's action: nobody else may take it for them
        "withdraw": (
            f"/applications/{accepted}/actions",
            {"action": "withdraw"},
            _row(401, 0, 404, 403, 404, 403, 404),
        ),
        "submit the draft": (
            f"/applications/{draft}/actions",
            {"action": "submit"},
            _row(401, 404, 0, 404, 404, 404, 404),
        ),
        "system action": (
            f"/applications/{accepted}/actions",
            {"action": "expire_offer"},
            _row(401, 403, 404, 403, 404, 403, 404),
        ),
        "review a document": (
            f"/documents/{document}/review",
            {"status": "rejected"},
            _row(401, 403, 403, 403, 403, 422, 404),
        ),
        "add a block": (
            f"/programs/{world.program_id}/blocks",
            {"start_date": "2027-03-01", "capacity": 1},
            _row(401, 403, 403, 403, 403, 0, 404),
        ),
        "change capacity": (
            f"/blocks/{world.block_ids[0]}/capacity",
            {"capacity": 0},
            _row(401, 422, 422, 422, 422, 422, 422),
        ),
        "change capacity validly": (
            f"/blocks/{world.block_ids[0]}/capacity",
            {"capacity": 2},
            _row(401, 403, 403, 403, 403, 0, 404),
        ),
        "publish a program": (
            "/programs",
            {
                "title": "X",
                "specialty": "Y",
                "rotation_type": "research",
                "modality": "virtual",
                "allowed_training_statuses": ["student"],
            },
            _row(401, 403, 403, 403, 403, 0, 0),
        ),
        "apply": (
            "/applications",
            {"program_id": world.other_program_id, "block_ids": world.other_block_ids[:1]},
            _row(401, 0, 0, 403, 403, 403, 403),
        ),
        "upload": ("/documents", {}, _row(401, 0, 0, 0, 0, 0, 0)),
    }
    expected: dict[tuple[str, str], int] = {}
    actual: dict[tuple[str, str], int] = {}
    for record, (path, row) in reads.items():
        for role, status in row.items():
            expected[record, role] = status
            actual[record, role], _ = await people[role].call("GET", path)
    for record, (path, body, row) in writes.items():
        for role, status in row.items():
            if status == 0:  # this role may: shown elsewhere, and here it would change the scenario
                continue
            expected[record, role] = status
            actual[record, role], out = await people[role].call(
                "POST" if "capacity" not in path else "PUT", path, json=body
            )
            assert set(out) == {"error"}, (record, role, out)
    assert actual == expected
    assert await snapshot(uows) == before


async def test_lists_show_each_role_only_its_own(world: World, make_api: Any) -> None:
    people = await _people(world, make_api)
    ids = await _scenario(world, people)
    other_app = await apply(people["other_visitor"], world.other_program_id, world.other_block_ids[:1])

    async def listed(role: str, path: str = "/applications") -> set[int]:
        return {a["id"] for a in await people[role].get(path)}

    assert await listed("visitor") == {ids["accepted"]}
    assert await listed("other_visitor") == {ids["draft"], other_app["id"]}
    assert await listed("coordinator") == {ids["accepted"], ids["submitted"]}
    assert await listed("other_coordinator") == {other_app["id"]}
    assert await listed("preceptor") == {ids["accepted"]}
    assert await listed("other_preceptor") == set()
    await people["anonymous"].get("/applications", expect=401)
    assert {a["id"] for a in (await people["coordinator"].get("/review-queue"))["applications"]} == {
        ids["accepted"],
        ids["submitted"],
    }
    assert {a["id"] for a in (await people["other_coordinator"].get("/review-queue"))["applications"]} == {
        other_app["id"]
    }
    assert (await people["other_coordinator"].get("/review-queue"))["documents"] == []
    mine = await people["preceptor"].get("/my-visitors")
    assert [(v["application_id"], v["visitor"]["id"]) for v in mine] == [
        (ids["accepted"], world.student.user_id)
    ]
    assert await people["other_preceptor"].get("/my-visitors") == []
    assert [d["id"] for d in await people["visitor"].get("/documents")] == [ids["document"]]
    assert await people["other_visitor"].get("/documents") == []
    # Filters never widen what a role sees.
    assert await listed("other_coordinator", f"/applications?program_id={world.program_id}") == set()
    assert await listed("visitor", "/applications?state=offer_accepted") == {ids["accepted"]}
    assert await listed("visitor", "/applications?state=submitted") == set()


async def test_a_coordinator_cannot_trigger_an_expiry_by_accepting_for_the_visitor(
    world: World, make_api: Any, uows: UnitOfWorkFactory, clock: Any
) -> None:
    visitor = await make_api(world.student.email)
    coordinator = await make_api(world.coordinator.email)
    app = await apply(visitor, world.program_id, world.block_ids[1:2])
    await act(coordinator, app["id"], "start_review")
    await act(coordinator, app["id"], "make_offer")
    clock.advance(days=7, seconds=1)
    before = await snapshot(uows)
    out = await act(coordinator, app["id"], "accept_offer", expect=403)
    assert "coordinator cannot accept the offer of an application" in out["error"]["message"]
    assert await snapshot(uows) == before
