"""What the pages refuse, and how: no CSRF token (403), someone else's record (404), another role's
action (403), bad input (4xx with a message a person can act on). Never a 500, never a half-write."""

from __future__ import annotations

from typing import Any

from tests.integration.pages_browser import Browser, ids_in
from tests.integration.test_pages import browser_for
from tests.support.world import PDF, World


async def applied(browser: Browser, world: World) -> int:
    reply = await browser.post(
        f"/programs/{world.program_id}/apply", {"block_ids": str(world.block_ids[0]), "intent": "submit"}
    )
    return ids_in(reply.location, r"/applications/(\d+)")[0]


async def test_a_form_without_the_csrf_token_is_refused(world: World, make_api: Any) -> None:
    visitor = await browser_for(make_api, world.student.email)
    reply = await visitor.post("/profile", {"school": "Elsewhere"}, expect=403, token=False)
    assert "security token" in reply.text and "<h1>Not allowed</h1>" in reply.text
    reply = await visitor.post(
        "/profile", {"school": "Elsewhere", "csrf_token": "0" * 64}, expect=403, token=False
    )
    reply = await visitor.upload("cv", PDF, expect=403, token=False)
    reply = await visitor.post("/logout", {}, expect=403, token=False)
    page = await visitor.get("/dashboard")
    assert "Elsewhere" not in page.text and "Nothing uploaded yet." in page.text


async def test_another_visitors_application_is_not_found(world: World, make_api: Any) -> None:
    owner = await browser_for(make_api, world.student.email)
    app_id = await applied(owner, world)
    stranger = await browser_for(make_api, world.other_student.email)
    reply = await stranger.get(f"/applications/{app_id}", expect=404)
    assert "<h1>Not found</h1>" in reply.text and f"There is no application {app_id}." in reply.text
    await stranger.post(f"/applications/{app_id}/actions", {"action": "withdraw"}, expect=404)
    other_coordinator = await browser_for(make_api, world.other_coordinator.email)
    await other_coordinator.get(f"/applications/{app_id}", expect=404)
    await owner.get("/applications/99999", expect=404)
    await owner.get("/applications/abc", expect=404)
    await owner.get("/programs/99999", expect=404)
    assert ">Submitted</span>" in (await owner.get(f"/applications/{app_id}")).text


async def test_a_visitor_cannot_take_a_coordinator_action(world: World, make_api: Any) -> None:
    visitor = await browser_for(make_api, world.student.email)
    app_id = await applied(visitor, world)
    reply = await visitor.post(f"/applications/{app_id}/actions", {"action": "start_review"}, expect=403)
    assert "A visitor cannot start the review of an application." in reply.text
    await visitor.post(f"/blocks/{world.block_ids[0]}/capacity", {"capacity": "9"}, expect=403)
    await visitor.post(
        f"/programs/{world.program_id}/blocks", {"start_date": "2027-06-07", "capacity": "2"}, expect=403
    )
    await visitor.post("/documents/1/review", {"status": "verified"}, expect=403)
    coordinator = await browser_for(make_api, world.coordinator.email)
    reply = await coordinator.post(f"/applications/{app_id}/actions", {"action": "accept_offer"}, expect=403)
    await coordinator.post("/profile", {"school": "x"}, expect=403)
    assert ">Submitted</span>" in (await visitor.get(f"/applications/{app_id}")).text
    anonymous = await browser_for(make_api, None)
    reply = await anonymous.post(f"/applications/{app_id}/actions", {"action": "withdraw"}, expect=401)
    assert "Log in first" in reply.text


async def test_bad_form_input_gets_a_message_to_act_on(world: World, make_api: Any) -> None:
    visitor = await browser_for(make_api, world.student.email)
    reply = await visitor.post("/profile", {"graduation_year": "1800"}, expect=422)
    assert "Graduation year: Input should be greater than or equal to 1950" in reply.text
    reply = await visitor.post("/profile", {"training_status": "astronaut"}, expect=422)
    assert "Training status: Input should be &#39;student&#39; or &#39;graduate&#39;" in reply.text

    reply = await visitor.post(
        f"/programs/{world.program_id}/apply", {"statement": "Kept for me.", "intent": "submit"}, expect=422
    )
    assert "Choose at least one block." in reply.text and ">Kept for me.</textarea>" in reply.text
    reply = await visitor.post(
        f"/programs/{world.program_id}/apply",
        [
            ("block_ids", str(world.block_ids[0])),
            ("block_ids", str(world.block_ids[2])),
            ("intent", "submit"),
        ],
        expect=422,
    )
    assert "Stacked blocks must follow each other" in reply.text
    assert f'value="{world.block_ids[2]}"\n                 checked' in reply.text
    reply = await visitor.post(
        f"/programs/{world.step1_program_id}/apply",
        {"block_ids": str(world.step1_block_ids[0]), "intent": "submit"},
        expect=422,
    )
    assert "You are not eligible for this program" in reply.text
    reply = await visitor.upload("cv", b"plain text, not a document", "cv.pdf", expect=415)
    assert "Upload a PDF, JPEG or PNG file" in reply.text
    reply = await visitor.upload("passport_scan", PDF, expect=422)
    assert "Unknown document kind" in reply.text
    reply = await visitor.upload("cv", b"", expect=422)
    assert "The file is empty." in reply.text
    await visitor.get("/programs?rotation_type=bogus", expect=422)

    app_id = await applied(visitor, world)
    await visitor.post(f"/applications/{app_id}/actions", {"action": "fly"}, expect=422)
    await visitor.post(f"/applications/{app_id}/actions", {"action": "accept_offer"}, expect=409)
    await visitor.upload("cv", PDF)
    coordinator = await browser_for(make_api, world.coordinator.email)
    await coordinator.post(f"/applications/{app_id}/actions", {"action": "start_review"})
    reply = await coordinator.post(
        f"/applications/{app_id}/actions", {"action": "deny", "note": " "}, expect=422
    )
    assert "Give a reason: the visitor will read it." in reply.text
    document_id = ids_in((await coordinator.get("/dashboard")).text, r'action="/documents/(\d+)/review"')[0]
    reply = await coordinator.post(
        f"/documents/{document_id}/review", {"status": "rejected", "note": ""}, expect=422
    )
    assert "Say why the document is rejected" in reply.text
    reply = await coordinator.post(
        f"/documents/{document_id}/review", {"status": "verified", "expires_on": "tomorrow"}, expect=422
    )
    assert "Valid until:" in reply.text
    await coordinator.post(f"/applications/{app_id}/actions", {"action": "make_offer"})
    reply = await coordinator.post(f"/blocks/{world.block_ids[0]}/capacity", {"capacity": "0"}, expect=422)
    assert "Seats: Input should be greater than or equal to 1" in reply.text
    await coordinator.post(f"/blocks/{world.block_ids[0]}/capacity", {"capacity": "2"})
    await coordinator.post(
        f"/programs/{world.program_id}/blocks", {"start_date": "2020-01-06", "capacity": "2"}, expect=422
    )
    reply = await coordinator.post(
        "/programs",
        {"title": "No one may apply", "specialty": "X", "rotation_type": "research", "modality": "virtual"},
        expect=422,
    )
    assert "Who may apply" in reply.text
    page = await coordinator.get("/dashboard")
    assert "No one may apply" not in page.text and "<td>2</td>" in page.text
    assert ">Awaiting review</span>" in page.text  # the document is untouched


async def test_login_form_errors(world: World, make_api: Any) -> None:
    browser = await browser_for(make_api, None)
    reply = await browser.post(
        "/login", {"email": world.student.email, "password": "wrong-password"}, expect=401
    )
    assert "The email or password is not right." in reply.text
    assert f'value="{world.student.email}"' in reply.text
    reply = await browser.post("/login", {"email": "not-an-email", "password": "x"}, expect=422)
    assert "Enter your email address and your password." in reply.text
    await browser.get("/login")
    reply = await browser.post(
        "/login",
        {"email": world.student.email, "password": "correct-horse-battery", "next": "//evil.example/"},
    )
    assert reply.location == "/dashboard"


async def test_odd_form_input_never_breaks_a_page(world: World, make_api: Any) -> None:
    visitor = await browser_for(make_api, world.student.email)
    coordinator = await browser_for(make_api, world.coordinator.email)
    app_id = await applied(visitor, world)
    odd: list[tuple[Browser, str, list[tuple[str, str]]]] = [
        (visitor, "/profile", [("graduation_year", "abc"), ("step1_status", "")]),
        (visitor, "/profile", [("school", "x" * 5000)]),
        (visitor, f"/programs/{world.program_id}/apply", [("block_ids", "abc")]),
        (visitor, f"/programs/{world.program_id}/apply", [("block_ids", "99999999999999999999")]),
        (visitor, f"/programs/{world.program_id}/apply", [("block_ids", str(b)) for b in range(1, 9)]),
        (visitor, f"/programs/{world.program_id}/apply", [("block_ids", "1"), ("statement", "x" * 6000)]),
        (visitor, "/programs/99999/apply", [("block_ids", "1")]),
        (visitor, f"/applications/{app_id}/actions", []),
        (visitor, "/applications/99999999999999999999999/actions", [("action", "withdraw")]),
        (coordinator, "/programs", [("title", "T"), ("specialty", "S"), ("rotation_type", "x")]),
        (coordinator, "/programs", [("title", "T"), ("preceptor_ids", "abc")]),
        (coordinator, f"/programs/{world.program_id}/blocks", [("start_date", "31/12/2027")]),
        (
            coordinator,
            f"/programs/{world.other_program_id}/blocks",
            [("start_date", "2027-06-07"), ("capacity", "2")],
        ),
        (coordinator, "/blocks/99999/capacity", [("capacity", "3")]),
        (coordinator, f"/blocks/{world.block_ids[0]}/capacity", [("capacity", "-4")]),
        (coordinator, "/documents/99999/review", [("status", "verified")]),
        (coordinator, "/documents/1/review", [("status", "maybe")]),
    ]
    for browser, path, data in odd:
        reply = await browser.post(path, data, expect=None)
        assert 400 <= reply.status < 500, (path, data, reply.status, reply.text[-1500:])
        assert "<h1>" in reply.text and "Traceback" not in reply.text
    for path in ("/programs?eligible=perhaps", "/programs?modality=", "/programs/abc", "/documents/x/file"):
        reply = await visitor.get(path, expect=None)
        assert reply.status in {200, 404, 422}, (path, reply.status)


async def test_an_error_page_gives_advice_that_fits_who_reached_it(client: Any) -> None:
    """Issue 18, item 20: a patient whose link is used up was told to "use your browser's Back button"
    (there was no form) and shown the menu of Rounds' own pages. A patient's error page has neither; the
    Back-button advice is for a refused form only."""
    used = await client.get("/join/" + "x" * 43, allow_redirects=False)
    text = await used.text()
    assert used.status == 410 and "ask" in text.lower()
    assert "Back button" not in text
    assert 'aria-label="Main"' not in text and 'href="/login"' not in text and 'href="/programs"' not in text
    missing = await client.get("/no-such-page")
    text = await missing.text()
    assert missing.status == 404 and "Back button" not in text and 'aria-label="Main"' in text
    refused = await client.post("/logout", data={"csrf_token": "stale"}, allow_redirects=False)
    assert refused.status == 403 and "Back button" in await refused.text()
