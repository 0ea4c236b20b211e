"""Placement changes only with the visitor's consent (issue 16, item 4), through HTTP: a closed block
changes nobody's placement; a proposal changes nothing; the visitor's acceptance moves the application
and its seats; declining keeps everything or withdraws; every step in the history and the audit log;
who may do what."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from server.db.models import AuditEventRow
from server.db.uow import UnitOfWorkFactory
from tests.integration.api_helpers import (
    access_matrix_mismatches,
    act,
    apply,
    offered,
    role_apis,
    seats,
    snapshot,
)
from tests.integration.test_notifications import mails_to, notes_of
from tests.support.world import World


async def _placement(uows: UnitOfWorkFactory, application_id: int) -> tuple[int, list[int], str]:
    async with uows() as uow:
        app = await uow.applications.get(application_id)
        assert app is not None
        blocks = sorted((await uow.applications.block_ids([application_id]))[application_id])
        return app.program_id, blocks, app.state.value


async def _closed_offer(world: World, visitor: Any, coordinator: Any) -> dict[str, Any]:
    """The student holds an offer for the open program's first block, which then closes."""
    app = await offered(world, visitor, coordinator)
    await coordinator.post(
        f"/blocks/{world.block_ids[0]}/closure", {"reason": "The site closes for renovation."}
    )
    return dict(app)


async def test_closing_and_proposing_change_nothing_until_the_visitor_accepts(
    world: World, make_api: Any, uows: UnitOfWorkFactory
) -> None:
    visitor = await make_api(world.student.email)
    coordinator = await make_api(world.coordinator.email)
    app = await offered(world, visitor, coordinator)
    assert await seats(uows, world.block_ids) == [1, 0, 0]
    before = await _placement(uows, app["id"])

    closed = await coordinator.post(
        f"/blocks/{world.block_ids[0]}/closure", {"reason": "The site closes for renovation."}
    )
    assert closed["affected_application_ids"] == [app["id"]]
    assert closed["blocks"][0]["closed"] is True and closed["blocks"][0]["seats_free"] == 0
    assert await _placement(uows, app["id"]) == before
    assert await seats(uows, world.block_ids) == [1, 0, 0]  # the visitor keeps the seat meanwhile
    assert [a["id"] for a in await coordinator.get("/placements/affected")] == [app["id"]]

    candidates = await coordinator.get(f"/applications/{app['id']}/placement-candidates")
    offered_blocks = [[b["id"] for b in c["blocks"]] for c in candidates]
    assert [world.block_ids[1]] in offered_blocks and [world.block_ids[0]] not in offered_blocks

    proposal = await coordinator.post(
        f"/applications/{app['id']}/placement-proposals",
        {
            "reason": "Your block cannot take place.",
            "options": [
                {"program_id": world.program_id, "block_ids": [world.block_ids[1]]},
                {"program_id": world.program_id, "block_ids": [world.block_ids[2]]},
            ],
        },
        expect=201,
    )
    assert proposal["state"] == "open" and len(proposal["options"]) == 2
    assert await _placement(uows, app["id"]) == before
    assert await seats(uows, world.block_ids) == [1, 0, 0]
    # The visitor is told, in the app and by email, without the coordinator's free-text reason.
    told = (await notes_of(uows, world.student.user_id))[-1]
    assert told.kind.value == "placement_proposed" and told.subject_id == proposal["id"]
    assert told.text == (
        f"{world.coordinator.full_name} proposes 2 alternative placements for your application to "
        "Open Observership: accept one or decline."
    )
    assert told.link == f"/applications/{app['id']}#placement"
    mail = (await mails_to(uows, world.student.email))[-1]
    assert mail.subject == "Another placement is proposed to you"
    assert f"http://127.0.0.1:8080/applications/{app['id']}#placement" in mail.text
    assert "cannot take place" not in mail.text + told.text
    # The coordinator cannot answer for the visitor, and nothing else the program does moves it.
    await coordinator.post(
        f"/placement-proposals/{proposal['id']}/accept",
        {"option_id": proposal["options"][0]["id"]},
        expect=403,
    )
    await act(coordinator, app["id"], "make_offer", expect=409)
    assert await _placement(uows, app["id"]) == before

    seen = await visitor.get(f"/applications/{app['id']}/placement-proposals")
    assert [p["id"] for p in seen] == [proposal["id"]]
    moved = await visitor.post(
        f"/placement-proposals/{proposal['id']}/accept", {"option_id": proposal["options"][0]["id"]}
    )
    assert [b["id"] for b in moved["blocks"]] == [world.block_ids[1]]
    assert moved["state"] == "offer_made"  # the same offer, another block
    assert await _placement(uows, app["id"]) == (world.program_id, [world.block_ids[1]], "offer_made")
    assert await seats(uows, world.block_ids) == [0, 1, 0]
    answered = (await notes_of(uows, world.coordinator.user_id))[-1]
    assert answered.kind.value == "placement_answered" and answered.subject_id == proposal["id"]
    assert answered.text == (
        f"{world.student.full_name} accepted an alternative placement you proposed: now Open Observership."
    )
    [answer_mail] = await mails_to(uows, world.coordinator.email)
    assert answer_mail.subject == "Your proposed placement was answered"
    assert f"/applications/{app['id']}#placement" in answer_mail.text
    steps = [e["action"] for e in moved["events"]]
    assert steps[-2:] == ["propose_placement", "accept_placement"]
    assert moved["events"][-1]["label"] == "Alternative placement accepted"

    # Answered once: a second answer is refused and changes nothing.
    await visitor.post(
        f"/placement-proposals/{proposal['id']}/accept",
        {"option_id": proposal["options"][1]["id"]},
        expect=409,
    )
    await visitor.post(f"/placement-proposals/{proposal['id']}/decline", {}, expect=409)
    assert await seats(uows, world.block_ids) == [0, 1, 0]

    async with uows() as uow:
        audit = (await uow.db.execute(select(AuditEventRow).order_by(AuditEventRow.id))).scalars().all()
        trail = [(a.action, a.record_type, a.actor_id) for a in audit]
    assert ("close", "block", world.coordinator.user_id) in trail
    assert ("propose", "placement_proposal", world.coordinator.user_id) in trail
    assert ("accept", "placement_proposal", world.student.user_id) in trail


async def test_declining_keeps_everything_or_withdraws_as_the_visitor_chooses(
    world: World, make_api: Any, uows: UnitOfWorkFactory
) -> None:
    visitor = await make_api(world.student.email)
    other = await make_api(world.other_student.email)
    coordinator = await make_api(world.coordinator.email)
    app = await _closed_offer(world, visitor, coordinator)
    other_app = await offered(world, other, coordinator, [world.block_ids[1]])
    option = {"program_id": world.program_id, "block_ids": [world.block_ids[2]]}
    body = {"reason": "Closed.", "options": [option]}
    proposal = await coordinator.post(f"/applications/{app['id']}/placement-proposals", body, expect=201)
    before = await snapshot(uows)
    kept = await visitor.post(f"/placement-proposals/{proposal['id']}/decline", {"withdraw": False})
    assert kept["state"] == "offer_made" and [b["id"] for b in kept["blocks"]] == [world.block_ids[0]]
    after = await snapshot(uows)
    assert after["applications"] == before["applications"] and after["blocks"] == before["blocks"]
    assert kept["events"][-1]["action"] == "decline_placement"
    kept_note = (await notes_of(uows, world.coordinator.user_id))[-1]
    assert kept_note.kind.value == "placement_answered" and kept_note.subject_id == proposal["id"]
    assert "declined the placements you proposed" in kept_note.text and "stays as it was" in kept_note.text

    # A second proposal: this time the visitor declines and withdraws (the offer declined, seat back).
    again = await coordinator.post(f"/applications/{app['id']}/placement-proposals", body, expect=201)
    gone = await visitor.post(f"/placement-proposals/{again['id']}/decline", {"withdraw": True})
    assert gone["state"] == "offer_declined"
    gone_note = (await notes_of(uows, world.coordinator.user_id))[-1]
    assert gone_note.subject_id == again["id"] and "withdrew from Open Observership" in gone_note.text
    assert [m.subject for m in await mails_to(uows, world.coordinator.email)] == [
        "Your proposed placement was answered"
    ] * 2
    # The other visitor, whose block is open, heard of no proposal.
    assert "placement_proposed" not in [
        n.kind.value for n in await notes_of(uows, world.other_student.user_id)
    ]
    assert await seats(uows, world.block_ids) == [0, 1, 0]
    # The other visitor's placement was never touched, and an application without a closed block gets
    # no proposal.
    await coordinator.post(f"/applications/{other_app['id']}/placement-proposals", body, expect=409)


async def test_a_full_alternative_refuses_the_acceptance_and_nothing_changes(
    world: World, make_api: Any, uows: UnitOfWorkFactory
) -> None:
    visitor = await make_api(world.student.email)
    coordinator = await make_api(world.coordinator.email)
    app = await _closed_offer(world, visitor, coordinator)
    option = {"program_id": world.program_id, "block_ids": [world.block_ids[1]]}
    proposal = await coordinator.post(
        f"/applications/{app['id']}/placement-proposals",
        {"reason": "Closed.", "options": [option]},
        expect=201,
    )
    # Block 2 fills up (capacity 2) after the proposal was made.
    for email in (world.graduate.email, world.other_student.email):
        await offered(world, await make_api(email), coordinator, [world.block_ids[1]])
    before = await snapshot(uows)
    refused = await visitor.post(
        f"/placement-proposals/{proposal['id']}/accept",
        {"option_id": proposal["options"][0]["id"]},
        expect=409,
    )
    assert "no seat left" in refused["error"]["message"]
    assert await snapshot(uows) == before  # the proposal is still open, the placement unchanged
    assert (await visitor.get(f"/applications/{app['id']}/placement-proposals"))[0]["state"] == "open"


async def test_an_alternative_in_another_program_moves_the_application_there(
    world: World, make_api: Any, uows: UnitOfWorkFactory
) -> None:
    visitor = await make_api(world.graduate.email)
    coordinator = await make_api(world.coordinator.email)
    app = await apply(visitor, world.program_id, world.block_ids[:1])
    await act(coordinator, app["id"], "start_review")
    await coordinator.post(f"/programs/{world.program_id}/closure", {"reason": "The preceptor left."})
    # Only programs the coordinator runs; the other coordinator's is not theirs to offer.
    elsewhere = {"program_id": world.other_program_id, "block_ids": [world.other_block_ids[0]]}
    await coordinator.post(
        f"/applications/{app['id']}/placement-proposals",
        {"reason": "Closed.", "options": [elsewhere]},
        expect=404,
    )
    step1 = {"program_id": world.step1_program_id, "block_ids": [world.step1_block_ids[0]]}
    proposal = await coordinator.post(
        f"/applications/{app['id']}/placement-proposals",
        {"reason": "Closed.", "options": [step1]},
        expect=201,
    )
    moved = await visitor.post(
        f"/placement-proposals/{proposal['id']}/accept", {"option_id": proposal["options"][0]["id"]}
    )
    assert moved["program_id"] == world.step1_program_id and moved["state"] == "under_review"
    assert await seats(uows, world.step1_block_ids) == [0, 0, 0]  # under review holds no seat


async def test_bad_proposals_are_refused_with_a_reason(
    world: World, make_api: Any, uows: UnitOfWorkFactory
) -> None:
    visitor = await make_api(world.student.email)
    coordinator = await make_api(world.coordinator.email)
    app = await _closed_offer(world, visitor, coordinator)
    url = f"/applications/{app['id']}/placement-proposals"
    before = await snapshot(uows)
    same = {"program_id": world.program_id, "block_ids": [world.block_ids[0]]}
    out = await coordinator.post(url, {"reason": "x", "options": [same]}, expect=422)
    assert out["error"]["field"] == "options"
    gap = {"program_id": world.program_id, "block_ids": [world.block_ids[0], world.block_ids[2]]}
    assert (
        "follow each other"
        in (await coordinator.post(url, {"reason": "x", "options": [gap]}, expect=422))["error"]["message"]
    )
    await coordinator.post(url, {"reason": "", "options": [same]}, expect=422)
    await coordinator.post(url, {"reason": "x", "options": []}, expect=422)
    # Step 1 program: the student is not eligible.
    step1 = {"program_id": world.step1_program_id, "block_ids": [world.step1_block_ids[0]]}
    assert (
        "not eligible"
        in (await coordinator.post(url, {"reason": "x", "options": [step1]}, expect=422))["error"]["message"]
    )
    assert await snapshot(uows) == before
    # A closed block takes no new application.
    late = await make_api(world.other_student.email)
    out = await apply(late, world.program_id, world.block_ids[:1], expect=422)
    assert "cannot take place" in out["error"]["message"]
    await coordinator.post(f"/blocks/{world.block_ids[0]}/closure", {"reason": "again"}, expect=409)


async def test_who_may_close_propose_answer_and_read(world: World, make_api: Any) -> None:
    apis = await role_apis(world, make_api)
    app = await offered(world, apis["visitor"], apis["coordinator"])
    block = world.block_ids[0]
    closure = {"reason": "Closed."}
    cases: list[tuple[str, str, Any, tuple[int, ...]]] = [
        # visitor, other visitor, preceptor, other preceptor, coordinator, other coordinator, anonymous
        ("POST", f"/blocks/{block}/closure", closure, (403, 403, 403, 403, 200, 404, 401)),
    ]
    assert await access_matrix_mismatches(apis, cases) == []
    option = {"program_id": world.program_id, "block_ids": [world.block_ids[1]]}
    body = {"reason": "Closed.", "options": [option]}
    url = f"/applications/{app['id']}/placement-proposals"
    cases = [("POST", url, body, (403, 403, 403, 403, 201, 404, 401))]
    assert await access_matrix_mismatches(apis, cases) == []
    proposal = (await apis["coordinator"].get(url))[0]
    pid = proposal["id"]
    cases = [
        ("GET", url, None, (200, 404, 404, 404, 200, 404, 401)),
        ("GET", "/placements/affected", None, (403, 403, 403, 403, 200, 200, 401)),
        ("GET", f"/applications/{app['id']}/placement-candidates", None, (403, 403, 403, 403, 200, 404, 401)),
        ("POST", f"/placement-proposals/{pid}/decline", {}, (200, 404, 403, 403, 403, 403, 401)),
        ("POST", f"/placement-proposals/{pid}/retract", {}, (403, 403, 403, 403, 409, 404, 401)),
    ]
    assert await access_matrix_mismatches(apis, cases) == []
