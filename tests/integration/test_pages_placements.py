"""Placement changes and the before-day-one checklist through the pages' forms alone: the coordinator
closes a block from the dashboard and proposes an alternative; the visitor sees the placement
unchanged, accepts, and the page shows the new block; the checklist on the enrollment's page."""

from __future__ import annotations

import re
from typing import Any

from tests.integration.api_helpers import act, offered, verify_documents
from tests.integration.pages_browser import Browser, assert_labelled_and_outlined
from tests.integration.test_checklists import ON_SITE
from tests.integration.test_pages import browser_for
from tests.support.world import World


async def test_a_closure_proposal_and_acceptance_through_forms(world: World, make_api: Any) -> None:
    visitor_api = await make_api(world.student.email)
    coordinator_api = await make_api(world.coordinator.email)
    app = await offered(world, visitor_api, coordinator_api)
    coordinator: Browser = await browser_for(make_api, world.coordinator.email)
    visitor: Browser = await browser_for(make_api, world.student.email)

    page = await coordinator.get("/dashboard")
    assert f'action="/blocks/{world.block_ids[0]}/closure"' in page.text
    await coordinator.post(f"/blocks/{world.block_ids[0]}/closure", {"reason": "The clinic moves."})
    page = await coordinator.get("/dashboard")
    assert f'href="/applications/{app["id"]}#placement"' in page.text

    page = await coordinator.get(f"/applications/{app['id']}")
    assert_labelled_and_outlined(f"/applications/{app['id']}", page.text)
    choices = re.findall(r'name="option" value="([0-9:,]+)"', page.text)
    assert f"{world.program_id}:{world.block_ids[1]}" in choices
    # Nothing ticked: refused with a reason, nothing proposed.
    refused = await coordinator.post(
        f"/applications/{app['id']}/placement-proposals", {"reason": "Closed."}, expect=422
    )
    assert "Tick at least one alternative" in refused.text
    await coordinator.post(
        f"/applications/{app['id']}/placement-proposals",
        [("reason", "The clinic moves."), ("option", f"{world.program_id}:{world.block_ids[1]}")],
    )

    page = await visitor.get(f"/applications/{app['id']}")
    assert "cannot take place: The clinic moves." in page.text
    assert "Your placement stays as it is until you accept an alternative." in page.text
    assert_labelled_and_outlined(f"/applications/{app['id']}", page.text)
    option_id = re.findall(r'name="option_id" value="(\d+)"', page.text)[0]
    proposal_id = re.findall(r'action="/placement-proposals/(\d+)/accept"', page.text)[0]
    await visitor.post(f"/placement-proposals/{proposal_id}/accept", {"option_id": option_id})
    page = await visitor.get(f"/applications/{app['id']}")
    assert "Alternative placement accepted" in page.text
    moved = await visitor_api.get(f"/applications/{app['id']}")
    assert [b["id"] for b in moved["blocks"]] == [world.block_ids[1]]


async def test_the_enrollment_page_shows_what_is_open_before_day_one(world: World, make_api: Any) -> None:
    visitor_api = await make_api(world.student.email)
    coordinator_api = await make_api(world.coordinator.email)
    created = await coordinator_api.post("/programs", ON_SITE, expect=201)
    start = (await coordinator_api.get(f"/programs/{world.program_id}"))["blocks"][1]["start_date"]
    block = await coordinator_api.post(
        f"/programs/{created['id']}/blocks", {"start_date": start, "capacity": 2}, expect=201
    )
    app = await visitor_api.post(
        "/applications", {"program_id": created["id"], "block_ids": [block["id"]]}, expect=201
    )
    for action in ("start_review", "make_offer"):
        await act(coordinator_api, app["id"], action)
    await act(visitor_api, app["id"], "accept_offer")
    await verify_documents(visitor_api, coordinator_api)
    await act(coordinator_api, app["id"], "enroll")

    visitor: Browser = await browser_for(make_api, world.student.email)
    page = await visitor.get(f"/applications/{app['id']}")
    assert "6 still open" in page.text and "Before day one" in page.text
    assert_labelled_and_outlined(f"/applications/{app['id']}", page.text)
    assert f'action="/applications/{app["id"]}/checklist/travel"' in page.text
    # A document item has no button for the visitor: it is done by verification.
    assert f'action="/applications/{app["id"]}/checklist/immunizations"' not in page.text
    await visitor.post(f"/applications/{app['id']}/checklist/travel", {"done": "true", "note": "Train"})
    page = await visitor.get(f"/applications/{app['id']}")
    assert "5 still open" in page.text
