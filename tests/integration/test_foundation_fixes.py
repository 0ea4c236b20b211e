"""Regression tests for faults found in review of the foundation; each failed before its fix."""

from __future__ import annotations

from typing import Any

from server.config import Settings
from tests.support.world import PDF, FakeClock, World


async def test_logging_in_again_ends_the_previous_login_on_the_server(world: World, make_api: Any) -> None:
    api = await make_api(world.student.email)
    old_cookie = api.client.session.cookie_jar.filter_cookies(api.client.make_url("/"))["rounds_login"]
    await api.login(world.graduate.email)
    me = await api.get("/me")
    assert me["user"]["email"] == world.graduate.email
    # Someone holding the first cookie (a shared computer) is no longer logged in.
    other = await make_api()
    other.client.session.cookie_jar.update_cookies({"rounds_login": old_cookie.value})
    status, body = await other.call("GET", "/me")
    assert status == 401, body


async def test_a_document_whose_file_vanished_is_a_404_with_a_reason(
    world: World, make_api: Any, settings: Settings
) -> None:
    visitor = await make_api(world.student.email)
    doc = await visitor.upload("cv", PDF)
    for stored in settings.documents_dir.rglob("*"):
        if stored.is_file():
            stored.unlink()
    status, body = await visitor.call("GET", f"/documents/{doc['id']}/file")
    assert status == 404
    assert "missing from storage" in body["error"]["message"]


async def test_no_offer_for_a_block_that_has_already_begun(
    world: World, make_api: Any, clock: FakeClock
) -> None:
    visitor = await make_api(world.student.email)
    coordinator = await make_api(world.coordinator.email)
    app = await visitor.post(
        "/applications", {"program_id": world.program_id, "block_ids": world.block_ids[:1]}, expect=201
    )
    await coordinator.post(f"/applications/{app['id']}/actions", {"action": "start_review"})
    clock.advance(days=8)  # the first block starts on the next Monday: now it has begun
    status, body = await coordinator.call(
        "POST", f"/applications/{app['id']}/actions", json={"action": "make_offer"}
    )
    assert status == 409
    assert "already begun" in body["error"]["message"]
    after = await coordinator.get(f"/applications/{app['id']}")
    assert after["state"] == "under_review"
    assert after["blocks"][0]["seats_held"] == 0


async def test_the_eligible_filter_explains_itself_to_non_visitors(world: World, make_api: Any) -> None:
    for api in (await make_api(), await make_api(world.coordinator.email)):
        status, body = await api.call("GET", "/programs?eligible=true")
        assert status == 422
        assert body["error"]["field"] == "eligible"
    visitor = await make_api(world.graduate.email)
    eligible = await visitor.get("/programs?eligible=true")
    assert {p["id"] for p in eligible} == {world.program_id, world.step1_program_id, world.other_program_id}
