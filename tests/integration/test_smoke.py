"""The app starts on each database and walks one application from submission to enrollment."""

from __future__ import annotations

from typing import Any

from tests.support.world import PDF, World


async def test_application_walks_from_submission_to_enrollment(world: World, make_api: Any) -> None:
    visitor = await make_api(world.student.email)
    coordinator = await make_api(world.coordinator.email)
    app = await visitor.post(
        "/applications",
        {"program_id": world.program_id, "block_ids": world.block_ids[:2], "statement": "Keen."},
        expect=201,
    )
    assert app["state"] == "submitted"
    for kind in ("cv", "photo_id"):
        doc = await visitor.upload(kind, PDF)
        await coordinator.post(f"/documents/{doc['id']}/review", {"status": "verified"})
    for action in ("start_review", "make_offer"):
        app = await coordinator.post(f"/applications/{app['id']}/actions", {"action": action})
    assert [b["seats_held"] for b in app["blocks"]] == [1, 1]
    app = await visitor.post(f"/applications/{app['id']}/actions", {"action": "accept_offer"})
    app = await coordinator.post(f"/applications/{app['id']}/actions", {"action": "enroll"})
    assert app["state"] == "enrolled"
    assert [e["to_state"] for e in app["events"]] == [
        "submitted",
        "under_review",
        "offer_made",
        "offer_accepted",
        "enrolled",
    ]
