"""Applications over the API: stacking, eligibility, drafts, every transition, seats held by
offers, offer expiry, enrollment gated on verified documents, full blocks."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

from sqlalchemy import select

from server.db.models import ApplicationEventRow
from server.db.uow import UnitOfWorkFactory
from server.services import applications
from tests.integration.api_helpers import (
    act,
    apply,
    offered,
    row_counts,
    seats,
    snapshot,
    verify_documents,
)
from tests.support.world import PDF, FakeClock, World


async def test_a_visitor_applies_for_stacked_consecutive_blocks(world: World, make_api: Any) -> None:
    visitor = await make_api(world.student.email)
    app = await apply(
        visitor,
        world.program_id,
        [world.block_ids[2], world.block_ids[0], world.block_ids[1]],
        statement="I want to learn telehealth.",
    )
    assert app["state"] == "submitted"
    assert app["state_label"] == "Submitted"
    assert [b["id"] for b in app["blocks"]] == world.block_ids
    starts = [b["start_date"] for b in app["blocks"]]
    assert starts == sorted(starts)
    assert app["statement"] == "I want to learn telehealth."
    assert app["submitted_at"] is not None
    assert app["available_actions"] == ["withdraw"]
    assert app["visitor"]["id"] == world.student.user_id
    assert [e["to_state"] for e in app["events"]] == ["submitted"]
    assert (await visitor.get(f"/applications/{app['id']}"))["blocks"] == app["blocks"]
    assert [a["id"] for a in await visitor.get("/applications")] == [app["id"]]


async def test_blocks_that_are_not_a_stack_are_refused(
    world: World, make_api: Any, uows: UnitOfWorkFactory
) -> None:
    visitor = await make_api(world.student.email)
    before = await snapshot(uows)
    out = await apply(visitor, world.program_id, [world.block_ids[0], world.block_ids[2]], expect=422)
    assert out["error"]["field"] == "block_ids"
    assert "follow each other" in out["error"]["message"]
    out = await apply(visitor, world.program_id, [world.block_ids[0], world.other_block_ids[1]], expect=422)
    assert out["error"]["field"] == "block_ids"
    assert str(world.other_block_ids[1]) in out["error"]["message"]
    out = await apply(visitor, world.program_id, [world.block_ids[0], world.block_ids[0]], expect=422)
    assert out["error"]["field"] == "block_ids"
    assert "twice" in out["error"]["message"]
    out = await apply(visitor, world.program_id, [], expect=422)
    assert out["error"]["field"] == "block_ids"
    out = await apply(visitor, world.program_id, [424242], expect=422)
    assert out["error"]["field"] == "block_ids"
    out = await apply(visitor, 424242, world.block_ids[:1], expect=404)
    assert out["error"]["field"] == "program_id"
    assert await snapshot(uows) == before


async def test_a_block_that_has_started_cannot_be_applied_for(
    world: World, make_api: Any, clock: FakeClock, uows: UnitOfWorkFactory
) -> None:
    visitor = await make_api(world.student.email)
    clock.advance(days=7)  # the first block started yesterday
    before = await row_counts(uows)
    out = await apply(visitor, world.program_id, world.block_ids[:2], expect=422)
    assert "already started" in out["error"]["message"]
    assert await row_counts(uows) == before
    await apply(visitor, world.program_id, world.block_ids[1:])


async def test_an_ineligible_visitor_is_told_why_and_nothing_is_submitted(
    world: World, make_api: Any, uows: UnitOfWorkFactory
) -> None:
    visitor = await make_api(world.student.email)
    before = await row_counts(uows)
    out = await apply(visitor, world.step1_program_id, world.step1_block_ids[:1], expect=422)
    message = out["error"]["message"]
    assert "not eligible" in message
    assert "graduates only" in message
    assert "USMLE Step 1" in message
    assert await row_counts(uows) == before
    # A draft may be kept while the profile is completed; submitting it checks again.
    draft = await apply(visitor, world.step1_program_id, world.step1_block_ids[:1], submit=False)
    assert draft["state"] == "draft"
    assert draft["submitted_at"] is None
    assert set(draft["available_actions"]) == {"submit", "withdraw"}
    out = await act(visitor, draft["id"], "submit", expect=422)
    assert "USMLE Step 1" in out["error"]["message"]
    assert (await visitor.get(f"/applications/{draft['id']}"))["state"] == "draft"
    await visitor.put("/me/visitor-profile", {"training_status": "graduate", "step1_status": "passed"})
    submitted = await act(visitor, draft["id"], "submit")
    assert submitted["state"] == "submitted"
    assert submitted["submitted_at"] is not None
    assert [(e["from_state"], e["to_state"]) for e in submitted["events"]] == [("draft", "submitted")]


async def test_one_open_application_per_program(world: World, make_api: Any, uows: UnitOfWorkFactory) -> None:
    visitor = await make_api(world.student.email)
    first = await apply(visitor, world.program_id, world.block_ids[:1], submit=False)
    before = await row_counts(uows)
    out = await apply(visitor, world.program_id, world.block_ids[1:2], expect=409)
    assert "already have an open application" in out["error"]["message"]
    assert await row_counts(uows) == before
    await apply(visitor, world.other_program_id, world.other_block_ids[:1])  # another program is fine
    await act(visitor, first["id"], "withdraw")
    again = await apply(visitor, world.program_id, world.block_ids[1:2])
    assert again["id"] != first["id"]


async def test_review_paths_and_the_reasons_visitors_read(world: World, make_api: Any) -> None:
    coordinator = await make_api(world.coordinator.email)
    student = await make_api(world.student.email)
    graduate = await make_api(world.graduate.email)
    other = await make_api(world.other_student.email)

    app = await apply(student, world.program_id, world.block_ids[:1])
    app = await act(coordinator, app["id"], "start_review")
    assert app["state"] == "under_review"
    assert set(app["available_actions"]) == {
        "request_resubmission",
        "make_offer",
        "waitlist",
        "deny",
        "mark_ineligible",
    }
    out = await act(coordinator, app["id"], "request_resubmission", expect=422)
    assert out["error"]["field"] == "note"
    await act(coordinator, app["id"], "request_resubmission", note="   ", expect=422)
    app = await act(coordinator, app["id"], "request_resubmission", note="Add your dates of availability.")
    assert app["state"] == "resubmission_requested"
    seen = await student.get(f"/applications/{app['id']}")
    assert seen["decision_note"] == "Add your dates of availability."
    assert seen["available_actions"] == ["resubmit", "withdraw"]
    app = await act(student, app["id"], "resubmit")
    assert app["state"] == "under_review"
    app = await act(coordinator, app["id"], "waitlist")
    assert app["state"] == "waitlisted"
    app = await act(coordinator, app["id"], "deny", note="The block filled up.")
    assert app["state"] == "denied"
    assert app["available_actions"] == []
    assert [(e["action"], e["actor_name"], e["note"]) for e in app["events"]] == [
        ("submit", world.student.full_name, None),
        ("start_review", world.coordinator.full_name, None),
        ("request_resubmission", world.coordinator.full_name, "Add your dates of availability."),
        ("resubmit", world.student.full_name, None),
        ("waitlist", world.coordinator.full_name, None),
        ("deny", world.coordinator.full_name, "The block filled up."),
    ]

    app = await apply(graduate, world.program_id, world.block_ids[:1])
    await act(coordinator, app["id"], "start_review")
    await act(coordinator, app["id"], "mark_ineligible", expect=422)
    app = await act(coordinator, app["id"], "mark_ineligible", note="Enrollment letter is from 2019.")
    assert app["state"] == "ineligible"

    app = await apply(other, world.program_id, world.block_ids[:1])
    await act(coordinator, app["id"], "start_review")
    app = await act(coordinator, app["id"], "deny", note="Not this time.")
    assert app["state"] == "denied"
    assert (await other.get(f"/applications/{app['id']}"))["decision_note"] == "Not this time."


async def test_from_offer_to_completion_and_the_ways_out(
    world: World, make_api: Any, clock: FakeClock, uows: UnitOfWorkFactory
) -> None:
    coordinator = await make_api(world.coordinator.email)
    student = await make_api(world.student.email)
    graduate = await make_api(world.graduate.email)
    other = await make_api(world.other_student.email)

    # student: offer -> accept -> enroll -> active -> completed
    app = await offered(world, student, coordinator)
    await verify_documents(student, coordinator)
    assert app["state"] == "offer_made"
    assert (await student.get(f"/applications/{app['id']}"))["available_actions"] == [
        "accept_offer",
        "decline_offer",
    ]
    app = await act(student, app["id"], "accept_offer")
    assert app["state"] == "offer_accepted"
    app = await act(coordinator, app["id"], "enroll")
    assert app["state"] == "enrolled"
    out = await act(coordinator, app["id"], "activate", expect=409)
    assert "starts on" in out["error"]["message"]
    out = await act(coordinator, app["id"], "complete", expect=409)
    assert "'Enrolled'" in out["error"]["message"]
    assert "Active" in out["error"]["message"]

    # graduate: enrolled -> dismissed (with a reason)
    grad_app = await offered(world, graduate, coordinator)
    await verify_documents(graduate, coordinator)
    await act(graduate, grad_app["id"], "accept_offer")
    await act(coordinator, grad_app["id"], "enroll")
    await act(coordinator, grad_app["id"], "dismiss", expect=422)
    grad_app = await act(coordinator, grad_app["id"], "dismiss", note="Did not attend the first week.")
    assert grad_app["state"] == "dismissed"

    # Once the first block has started, rotations become active (by the clock or the coordinator).
    clock.advance(days=7)
    assert await applications.activate_started(uows()) == 1
    app = await student.get(f"/applications/{app['id']}")
    assert app["state"] == "active"
    assert app["events"][-1]["actor_name"] is None  # the system did it
    app = await act(coordinator, app["id"], "complete")
    assert app["state"] == "completed"
    assert app["available_actions"] == []

    # other student: enrolled -> active (coordinator) -> withdrawn (visitor)
    third = await apply(other, world.program_id, world.block_ids[1:2])
    await verify_documents(other, coordinator)
    await act(coordinator, third["id"], "start_review")
    await act(coordinator, third["id"], "make_offer")
    await act(other, third["id"], "accept_offer")
    await act(coordinator, third["id"], "enroll")
    clock.advance(days=28)
    for api, email in ((coordinator, world.coordinator.email), (other, world.other_student.email)):
        await api.login(email)  # logins last 14 days
    third = await act(coordinator, third["id"], "activate")
    assert third["state"] == "active"
    third = await act(other, third["id"], "withdraw")
    assert third["state"] == "withdrawn"
    assert await seats(uows, world.block_ids) == [0, 0, 0]


async def test_an_illegal_transition_is_a_clear_409_and_changes_nothing(
    world: World, make_api: Any, uows: UnitOfWorkFactory
) -> None:
    coordinator = await make_api(world.coordinator.email)
    visitor = await make_api(world.student.email)
    app = await apply(visitor, world.program_id, world.block_ids[:1])
    before = await snapshot(uows)
    out = await act(coordinator, app["id"], "make_offer", expect=409)
    assert out["error"]["code"] == "conflict"
    assert out["error"]["message"] == (
        "Cannot make an offer on this application: it is 'Submitted' and this is only possible from: "
        "Under review, Waitlisted."
    )
    out = await act(visitor, app["id"], "accept_offer", expect=409)
    assert "'Submitted'" in out["error"]["message"]
    assert "Offer made" in out["error"]["message"]
    await act(visitor, app["id"], "submit", expect=409)
    await act(coordinator, app["id"], "enroll", expect=409)
    await act(coordinator, app["id"], "start_review")
    await act(coordinator, app["id"], "start_review", expect=409)
    await act(coordinator, app["id"], "deny", note="No.")
    snap = await snapshot(uows)
    for action in ("resubmit", "withdraw", "accept_offer", "decline_offer"):
        out = await act(visitor, app["id"], action, expect=409)
        assert "'Not offered'" in out["error"]["message"]
    for action in ("make_offer", "start_review", "waitlist", "enroll", "complete"):
        await act(coordinator, app["id"], action, note="again", expect=409)
    assert await snapshot(uows) == snap
    assert before["counts"]["application_events"] + 2 == snap["counts"]["application_events"]


async def test_an_offer_holds_a_seat_in_every_block_of_the_stack_and_gives_them_back(
    world: World, make_api: Any, uows: UnitOfWorkFactory
) -> None:
    coordinator = await make_api(world.coordinator.email)
    student = await make_api(world.student.email)
    graduate = await make_api(world.graduate.email)
    stack = world.block_ids[:2]

    app = await apply(student, world.program_id, stack)
    await act(coordinator, app["id"], "start_review")
    assert await seats(uows, world.block_ids) == [0, 0, 0]
    app = await act(coordinator, app["id"], "make_offer")
    assert [b["seats_held"] for b in app["blocks"]] == [1, 1]
    assert await seats(uows, world.block_ids) == [1, 1, 0]
    app = await act(student, app["id"], "decline_offer")
    assert app["state"] == "offer_declined"
    assert await seats(uows, world.block_ids) == [0, 0, 0]

    app = await apply(graduate, world.program_id, world.block_ids)
    await act(coordinator, app["id"], "start_review")
    await act(coordinator, app["id"], "make_offer")
    assert await seats(uows, world.block_ids) == [1, 1, 1]
    await act(graduate, app["id"], "accept_offer")
    assert await seats(uows, world.block_ids) == [1, 1, 1]
    await verify_documents(graduate, coordinator)
    await act(coordinator, app["id"], "enroll")
    assert await seats(uows, world.block_ids) == [1, 1, 1]
    await act(graduate, app["id"], "withdraw")
    assert await seats(uows, world.block_ids) == [0, 0, 0]

    # A waitlisted visitor gets an offer when a seat frees up.
    waiting = await apply(student, world.program_id, stack)
    await act(coordinator, waiting["id"], "start_review")
    await act(coordinator, waiting["id"], "waitlist")
    assert await seats(uows, world.block_ids) == [0, 0, 0]
    waiting = await act(coordinator, waiting["id"], "make_offer")
    assert await seats(uows, world.block_ids) == [1, 1, 0]
    await act(student, waiting["id"], "accept_offer")
    await verify_documents(student, coordinator)
    await act(coordinator, waiting["id"], "enroll")
    await act(coordinator, waiting["id"], "dismiss", note="Left the program.")
    assert await seats(uows, world.block_ids) == [0, 0, 0]


async def test_offers_expire_after_seven_days_and_give_their_seats_back(
    world: World, make_api: Any, clock: FakeClock, uows: UnitOfWorkFactory
) -> None:
    coordinator = await make_api(world.coordinator.email)
    visitor = await make_api(world.student.email)
    made_at = clock()
    app = await offered(world, visitor, coordinator, world.block_ids[:2])
    assert app["offer_expires_at"] == (made_at + timedelta(days=7)).isoformat().replace("+00:00", "Z")
    clock.advance(days=6, hours=23, minutes=59)
    assert await applications.expire_offers(uows()) == 0
    assert await seats(uows, world.block_ids[:2]) == [1, 1]
    clock.advance(minutes=1)
    assert await applications.expire_offers(uows()) == 1
    assert await applications.expire_offers(uows()) == 0
    app = await visitor.get(f"/applications/{app['id']}")
    assert app["state"] == "offer_expired"
    assert app["available_actions"] == []
    assert app["events"][-1]["action"] == "expire_offer"
    assert app["events"][-1]["actor_name"] is None
    assert await seats(uows, world.block_ids[:2]) == [0, 0]
    out = await act(visitor, app["id"], "accept_offer", expect=409)
    assert "Offer expired" in out["error"]["message"]
    # The visitor may apply again (for blocks not yet started); the old application is final.
    await apply(visitor, world.program_id, world.block_ids[1:])


async def test_accepting_too_late_is_refused_and_the_seat_goes_back(
    world: World, make_api: Any, clock: FakeClock, uows: UnitOfWorkFactory
) -> None:
    coordinator = await make_api(world.coordinator.email)
    visitor = await make_api(world.student.email)
    app = await offered(world, visitor, coordinator, world.block_ids[:2])
    clock.advance(days=7)
    out = await act(visitor, app["id"], "accept_offer", expect=409)
    assert "expired" in out["error"]["message"]
    app = await visitor.get(f"/applications/{app['id']}")
    assert app["state"] == "offer_expired"
    assert await seats(uows, world.block_ids[:2]) == [0, 0]
    # Just in time works.
    graduate = await make_api(world.graduate.email)
    app = await offered(world, graduate, coordinator, world.block_ids[1:])
    clock.advance(days=6, hours=23, minutes=59, seconds=59)
    assert (await act(graduate, app["id"], "accept_offer"))["state"] == "offer_accepted"
    clock.advance(days=30)
    assert await applications.expire_offers(uows()) == 0
    assert await seats(uows, world.block_ids) == [0, 1, 1]


async def test_enrollment_waits_for_every_required_document_to_be_verified(
    world: World, make_api: Any, uows: UnitOfWorkFactory
) -> None:
    coordinator = await make_api(world.coordinator.email)
    visitor = await make_api(world.student.email)
    app = await offered(world, visitor, coordinator)
    await act(visitor, app["id"], "accept_offer")
    out = await act(coordinator, app["id"], "enroll", expect=409)
    assert out["error"]["message"] == "Documents not yet verified: CV, Photo ID."
    cv = await visitor.upload("cv", PDF)
    out = await act(coordinator, app["id"], "enroll", expect=409)
    assert out["error"]["message"] == "Documents not yet verified: CV, Photo ID."
    await coordinator.post(f"/documents/{cv['id']}/review", {"status": "verified"})
    photo = await visitor.upload("photo_id", PDF, filename="id.pdf")
    await coordinator.post(f"/documents/{photo['id']}/review", {"status": "rejected", "note": "Blurred."})
    out = await act(coordinator, app["id"], "enroll", expect=409)
    assert out["error"]["message"] == "Documents not yet verified: Photo ID."
    assert (await visitor.get(f"/applications/{app['id']}"))["state"] == "offer_accepted"
    photo = await visitor.upload("photo_id", PDF, filename="id-again.pdf")
    await coordinator.post(
        f"/documents/{photo['id']}/review", {"status": "verified", "expires_on": "2030-01-31"}
    )
    assert (await act(coordinator, app["id"], "enroll"))["state"] == "enrolled"


async def test_a_full_block_refuses_a_further_offer_and_the_application_stays_as_it_was(
    world: World, make_api: Any, uows: UnitOfWorkFactory
) -> None:
    coordinator = await make_api(world.coordinator.email)
    first, second, third = (
        await make_api(world.student.email),
        await make_api(world.graduate.email),
        await make_api(world.other_student.email),
    )
    await offered(world, first, coordinator, world.block_ids[1:2])
    await offered(world, second, coordinator, world.block_ids[1:2])
    assert await seats(uows, world.block_ids) == [0, 2, 0]
    # A stack whose second block is full: the free first block must not keep a seat either.
    app = await apply(third, world.program_id, world.block_ids[:2])
    await act(coordinator, app["id"], "start_review")
    before = await snapshot(uows)
    out = await act(coordinator, app["id"], "make_offer", expect=409)
    assert "full" in out["error"]["message"]
    assert await snapshot(uows) == before
    app = await coordinator.get(f"/applications/{app['id']}")
    assert app["state"] == "under_review"
    assert app["offer_expires_at"] is None
    assert [e["action"] for e in app["events"]] == ["submit", "start_review"]
    assert await seats(uows, world.block_ids) == [0, 2, 0]
    # The coordinator waitlists instead; raising the capacity then lets the offer through.
    await act(coordinator, app["id"], "waitlist")
    await coordinator.put(f"/blocks/{world.block_ids[1]}/capacity", {"capacity": 3})
    assert (await act(coordinator, app["id"], "make_offer"))["state"] == "offer_made"
    assert await seats(uows, world.block_ids) == [1, 3, 0]
    async with uows() as uow:
        actions = [
            e.action
            for e in (
                await uow.db.execute(
                    select(ApplicationEventRow).where(ApplicationEventRow.application_id == app["id"])
                )
            ).scalars()
        ]
    assert actions == ["submit", "start_review", "waitlist", "make_offer"]


async def test_a_double_submitted_application_is_created_once(
    world: World, make_api: Any, uows: UnitOfWorkFactory
) -> None:
    # The same visitor in two tabs, both clicking "Apply" at once.
    tabs = [await make_api(world.student.email) for _ in range(2)]
    body = {"program_id": world.program_id, "block_ids": world.block_ids[:1]}
    results = await asyncio.gather(
        *(tab.call("POST", "/applications", json=body) for tab in tabs for _ in range(4))
    )
    assert sorted(status for status, _ in results) == [201] + [409] * 7, results
    assert len(await tabs[0].get("/applications")) == 1


async def test_a_visitor_may_withdraw_from_every_state_before_the_end(
    world: World, make_api: Any, uows: UnitOfWorkFactory
) -> None:
    coordinator = await make_api(world.coordinator.email)
    visitor = await make_api(world.student.email)
    paths: dict[str, list[tuple[Any, str, str | None]]] = {
        "draft": [],
        "submitted": [],
        "under_review": [(coordinator, "start_review", None)],
        "resubmission_requested": [
            (coordinator, "start_review", None),
            (coordinator, "request_resubmission", "Add a statement."),
        ],
        "waitlisted": [(coordinator, "start_review", None), (coordinator, "waitlist", None)],
        "offer_accepted": [
            (coordinator, "start_review", None),
            (coordinator, "make_offer", None),
            (visitor, "accept_offer", None),
        ],
    }
    for state, steps in paths.items():
        app = await apply(visitor, world.program_id, world.block_ids[:2], submit=state != "draft")
        for api, action, note in steps:
            app = await act(api, app["id"], action, note=note)
        assert app["state"] == state
        assert "withdraw" in (await visitor.get(f"/applications/{app['id']}"))["available_actions"]
        app = await act(visitor, app["id"], "withdraw")
        assert app["state"] == "withdrawn", state
        assert app["events"][-1]["from_state"] == state
        assert await seats(uows, world.block_ids) == [0, 0, 0], state
    # An offer not yet answered is declined, not withdrawn.
    app = await offered(world, visitor, coordinator)
    out = await act(visitor, app["id"], "withdraw", expect=409)
    assert "'Offer made'" in out["error"]["message"]


async def test_an_active_visitor_can_be_dismissed_and_the_seats_come_back(
    world: World, make_api: Any, clock: FakeClock, uows: UnitOfWorkFactory
) -> None:
    coordinator = await make_api(world.coordinator.email)
    visitor = await make_api(world.graduate.email)
    app = await offered(world, visitor, coordinator, world.block_ids[:2])
    await act(visitor, app["id"], "accept_offer")
    await verify_documents(visitor, coordinator)
    await act(coordinator, app["id"], "enroll")
    clock.advance(days=6)
    assert await applications.activate_started(uows()) == 1
    assert await seats(uows, world.block_ids) == [1, 1, 0]
    app = await act(coordinator, app["id"], "dismiss", note="Repeated unprofessional conduct.")
    assert app["state"] == "dismissed"
    assert await seats(uows, world.block_ids) == [0, 0, 0]
    seen = await visitor.get(f"/applications/{app['id']}")
    assert seen["decision_note"] == "Repeated unprofessional conduct."
