"""Messages from the pages: a visitor writes to their coach from the application's page, the unread
count in the coach's navigation, a refused message shown again with the reason and the text kept, and a
coordinator's reassignment from the application's page."""

from __future__ import annotations

from typing import Any

from aiohttp.test_utils import TestClient
from markupsafe import escape

from server.db.uow import UnitOfWorkFactory
from tests.integration.api_helpers import apply
from tests.integration.pages_browser import Browser
from tests.integration.test_messages import PATIENT_PHONE, co_coordinator
from tests.support.world import World


async def browser(make_api: Any, email: str) -> Browser:
    client: TestClient[Any, Any] = (await make_api(None)).client
    person = Browser(client)
    await person.login(email)
    return person


async def test_a_visitor_writes_to_the_coach_and_the_coach_sees_it_unread(
    world: World, make_api: Any, uows: UnitOfWorkFactory
) -> None:
    application = (await apply(await make_api(world.student.email), world.program_id, world.block_ids[:1]))[
        "id"
    ]
    visitor = await browser(make_api, world.student.email)
    page = await visitor.get(f"/applications/{application}")
    assert f'<strong id="coach-name">{world.coordinator.full_name}</strong>' in page.text
    opened = await visitor.post("/messages", {"application_id": str(application)})
    thread_path = opened.location.split("#")[0]
    await visitor.get(thread_path)

    refused = await visitor.post(thread_path, {"body": PATIENT_PHONE}, expect=422)
    # The reason names the kind of identifier; the typed text is back in the box to be fixed.
    assert "phone number" in refused.text
    assert f">{escape(PATIENT_PHONE)}</textarea>" in refused.text

    sent = await visitor.post(thread_path, {"body": "Could we talk about housing near the clinic?"})
    assert sent.location.startswith(thread_path)
    coach = await browser(make_api, world.coordinator.email)
    dashboard = await coach.get("/dashboard")
    assert 'id="messages-count">1<' in dashboard.text
    listing = await coach.get("/messages")
    assert world.student.full_name in listing.text
    reading = await coach.get(thread_path)
    assert "Could we talk about housing near the clinic?" in reading.text
    # Opening the conversation read it: the count is gone.
    assert "messages-count" not in (await coach.get("/dashboard")).text


async def test_a_coordinator_reassigns_the_coach_from_the_application_page(
    world: World, make_api: Any, uows: UnitOfWorkFactory
) -> None:
    co = await co_coordinator(uows, world)
    application = (await apply(await make_api(world.student.email), world.program_id, world.block_ids[:1]))[
        "id"
    ]
    coordinator = await browser(make_api, world.coordinator.email)
    page = await coordinator.get(f"/applications/{application}")
    assert 'id="coach-choice"' in page.text and co.full_name in page.text
    moved = await coordinator.post(f"/applications/{application}/coach", {"coach_id": str(co.user_id)})
    assert moved.location.startswith(f"/applications/{application}?notice=coach_changed")
    visitor = await browser(make_api, world.student.email)
    seen = await visitor.get(f"/applications/{application}")
    assert f'<strong id="coach-name">{co.full_name}</strong>' in seen.text
    assert 'id="coach-choice"' not in seen.text  # the visitor sees the coach, not the controls
