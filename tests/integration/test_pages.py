"""The HTML pages on each database: every role's dashboard, an application walked from the program
page to enrollment through forms alone, the catalog's filters, the coordinator's forms."""

from __future__ import annotations

import re
from typing import Any

from tests.integration.pages_browser import Browser, assert_labelled_and_outlined, ids_in
from tests.support.client import Api
from tests.support.world import PDF, PNG, World


async def browser_for(make_api: Any, email: str | None) -> Browser:
    api: Api = await make_api(None)
    browser = Browser(api.client)
    if email is not None:
        await browser.login(email)
    return browser


async def test_each_role_sees_its_dashboard(world: World, make_api: Any) -> None:
    student = await browser_for(make_api, world.student.email)
    page = await student.get("/dashboard")
    for heading in ("Your applications", "Documents", "Your profile"):
        assert f">{heading}</h2>" in page.text

    coordinator = await browser_for(make_api, world.coordinator.email)
    page = await coordinator.get("/dashboard")
    for heading in (
        "Applications needing action",
        "Documents to verify",
        "Capacity per block",
        "Your programs",
        "Create a program",
    ):
        assert f">{heading}</h2>" in page.text
    assert "Open Observership" in page.text and "Elsewhere Observership" not in page.text

    preceptor = await browser_for(make_api, world.preceptor.email)
    page = await preceptor.get("/dashboard")
    for heading in ("Current visitors", "Programs you teach", "Your letterhead"):
        assert f">{heading}</h2>" in page.text
    assert "Open Observership" in page.text

    anonymous = await browser_for(make_api, None)
    reply = await anonymous.get("/dashboard", expect=303)
    assert reply.location == "/login?next=/dashboard"
    assert (await anonymous.get("/", expect=302)).location == "/programs"
    assert (await student.get("/", expect=302)).location == "/dashboard"


async def test_an_application_walks_to_enrollment_through_forms(world: World, make_api: Any) -> None:
    visitor = await browser_for(make_api, world.student.email)
    coordinator = await browser_for(make_api, world.coordinator.email)
    preceptor = await browser_for(make_api, world.preceptor.email)
    assert "Student" not in (await preceptor.get("/dashboard")).text

    page = await visitor.get(f"/programs/{world.program_id}")
    assert "You are eligible" in page.text
    assert ids_in(page.text, r'name="block_ids" value="(\d+)"') == world.block_ids
    reply = await visitor.post(
        f"/programs/{world.program_id}/apply",
        [
            ("block_ids", str(world.block_ids[0])),
            ("block_ids", str(world.block_ids[1])),
            ("statement", "I want to learn telehealth medicine."),
            ("intent", "submit"),
        ],
    )
    match = re.fullmatch(r"/applications/(\d+)\?notice=applied", reply.location)
    assert match, reply.location
    app_id = int(match.group(1))
    page = await visitor.get(reply.location)
    assert "Application submitted." in page.text and ">Submitted</span>" in page.text
    assert re.search(r'<time datetime="\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ" data-local>', page.text)
    assert (
        'value="withdraw" class="secondary"\n            data-confirm="Withdraw: this cannot be undone.'
        in page.text
    )

    assert (await visitor.upload("cv", PDF, "cv.pdf")).location == "/dashboard?notice=uploaded#documents"
    await visitor.upload("photo_id", PNG, "id.png")
    page = await visitor.get("/dashboard")
    assert page.text.count("Awaiting review") == 4  # two required, two uploads

    page = await coordinator.get("/dashboard")
    assert f'id="application-{app_id}"' in page.text and "I want to learn telehealth" in page.text
    await coordinator.post(
        f"/applications/{app_id}/actions", {"action": "start_review", "note": "", "back": "/dashboard"}
    )
    page = await coordinator.get("/dashboard")
    document_ids = ids_in(page.text, r'action="/documents/(\d+)/review"')
    assert len(document_ids) == 2
    for document_id in document_ids:
        reply = await coordinator.post(
            f"/documents/{document_id}/review", {"status": "verified", "note": "", "expires_on": ""}
        )
        assert reply.location == "/dashboard?notice=document_verified#documents"
    reply = await coordinator.post(
        f"/applications/{app_id}/actions", {"action": "make_offer", "note": "Welcome.", "back": "/dashboard"}
    )
    assert reply.location == f"/dashboard?notice=action_make_offer#application-{app_id}"
    page = await coordinator.get(reply.location)
    assert "Offer made; the seat is held for the visitor." in page.text
    assert page.text.count("<td>1</td>") >= 2  # seats held in the two blocks

    page = await visitor.get("/dashboard")
    assert ">Offer made</span>" in page.text and "Accept by" in page.text and "Welcome." in page.text
    assert page.text.count(">Verified</span>") == 4
    await visitor.post(f"/applications/{app_id}/actions", {"action": "accept_offer", "back": "/dashboard"})
    await coordinator.post(f"/applications/{app_id}/actions", {"action": "enroll", "back": "/dashboard"})

    page = await visitor.get(f"/applications/{app_id}")
    assert ">Enrolled</span>" in page.text
    history = page.text[page.text.index("History</h2>") :]
    assert [
        s
        for s in ("Submitted", "Under review", "Offer made", "Offer accepted", "Enrolled")
        if f"<strong>{s}</strong>" in history
    ] == ["Submitted", "Under review", "Offer made", "Offer accepted", "Enrolled"]
    page = await preceptor.get("/dashboard")
    assert "Student" in page.text and f"/applications/{app_id}" in page.text
    assert ">Enrolled</span>" in page.text


async def test_a_draft_is_saved_then_submitted_and_changes_can_be_requested(
    world: World, make_api: Any
) -> None:
    visitor = await browser_for(make_api, world.student.email)
    coordinator = await browser_for(make_api, world.coordinator.email)
    reply = await visitor.post(
        f"/programs/{world.program_id}/apply",
        {"block_ids": str(world.block_ids[2]), "statement": "Draft.", "intent": "draft"},
    )
    assert reply.location.endswith("?notice=draft_saved")
    app_id = ids_in(reply.location, r"/applications/(\d+)")[0]
    assert f'id="application-{app_id}"' not in (await coordinator.get("/dashboard")).text
    page = await visitor.get("/dashboard")
    assert ">Draft</span>" in page.text and 'value="submit"' in page.text
    await visitor.post(f"/applications/{app_id}/actions", {"action": "submit", "back": "/dashboard"})
    await coordinator.post(
        f"/applications/{app_id}/actions", {"action": "start_review", "back": "/dashboard"}
    )
    await coordinator.post(
        f"/applications/{app_id}/actions",
        {"action": "request_resubmission", "note": "Say more about your goals.", "back": "/dashboard"},
    )
    page = await visitor.get("/dashboard")
    assert ">Changes requested</span>" in page.text and "Say more about your goals." in page.text
    reply = await visitor.post(f"/applications/{app_id}/actions", {"action": "resubmit"})
    assert reply.location == f"/applications/{app_id}?notice=action_resubmit#application-{app_id}"
    assert ">Under review</span>" in (await visitor.get(reply.location)).text


async def test_catalog_filters_and_eligibility(world: World, make_api: Any) -> None:
    anonymous = await browser_for(make_api, None)
    page = await anonymous.get("/programs")
    assert "3 programs" in page.text and 'name="eligible"' not in page.text
    page = await anonymous.get("/programs?rotation_type=hands_on")
    assert "0 programs" in page.text
    page = await anonymous.get("/programs?specialty=Internal+Medicine&modality=virtual&rotation_type=")
    assert "3 programs" in page.text and 'value="Internal Medicine" selected' in page.text

    student = await browser_for(make_api, world.student.email)
    page = await student.get("/programs?eligible=true")
    assert "2 programs" in page.text and "Step 1 Hands-on" not in page.text
    assert 'name="eligible" value="true" checked' in page.text
    page = await student.get(f"/programs/{world.step1_program_id}")
    assert "You cannot submit an application yet" in page.text
    assert "This program accepts graduates only; your profile says student." in page.text

    graduate = await browser_for(make_api, world.graduate.email)
    page = await graduate.get("/programs?eligible=true")
    assert "3 programs" in page.text and "Step 1 Hands-on" in page.text


async def test_profiles_are_saved_from_the_dashboard(world: World, make_api: Any) -> None:
    visitor = await browser_for(make_api, world.student.email)
    reply = await visitor.post(
        "/profile",
        {
            "training_status": "graduate",
            "profession": "medicine",
            "school": "Charles University",
            "country": "Czechia",
            "graduation_year": "2024",
            "step1_status": "passed",
        },
    )
    assert reply.location == "/dashboard?notice=profile_saved#profile"
    page = await visitor.get("/dashboard?notice=profile_saved")
    assert "Profile saved." in page.text and 'value="Charles University"' in page.text
    assert '<option value="passed" selected>' in page.text
    page = await visitor.get(f"/programs/{world.step1_program_id}")
    assert "You are eligible" in page.text

    preceptor = await browser_for(make_api, world.preceptor.email)
    await preceptor.post(
        "/profile",
        {
            "specialty": "Internal Medicine",
            "institution": "Lakeside Clinic",
            "title": "Attending",
            "npi": "1234567893",
            "phone": "+1 312 555 0100",
            "address": "1 Main St, Chicago, IL",
            "contact_email": "letters@example.org",
        },
    )
    page = await preceptor.get("/dashboard")
    assert 'value="1234567893"' in page.text and "1 Main St, Chicago, IL</textarea>" in page.text


async def test_coordinator_publishes_a_program_and_manages_blocks(world: World, make_api: Any) -> None:
    coordinator = await browser_for(make_api, world.coordinator.email)
    reply = await coordinator.post(
        "/programs",
        [
            ("title", "Night Float Research"),
            ("specialty", "Cardiology"),
            ("rotation_type", "research"),
            ("modality", "hybrid"),
            ("description", ""),
            ("allowed_training_statuses", "graduate"),
            ("allowed_professions", "medicine, nursing"),
            ("required_documents", "cv"),
            ("preceptor_ids", str(world.preceptor.user_id)),
            ("published", "true"),
        ],
    )
    program_id = ids_in(reply.location, r"#program-(\d+)")[0]
    await coordinator.post(f"/programs/{program_id}/blocks", {"start_date": "2027-03-01", "capacity": "3"})
    page = await coordinator.get(f"/programs/{program_id}")
    assert "3 of 3" in page.text
    page = await coordinator.get("/dashboard")
    section = page.text[page.text.index(f'id="capacity-{program_id}"') :]
    block_id = ids_in(section, r'action="/blocks/(\d+)/capacity"')[0]
    reply = await coordinator.post(f"/blocks/{block_id}/capacity", {"capacity": "5"})
    assert reply.location == "/dashboard?notice=capacity_changed#capacity"

    anonymous = await browser_for(make_api, None)
    page = await anonymous.get(f"/programs/{program_id}")
    assert "Night Float Research" in page.text and "Graduate, in good standing" in page.text
    assert "Professions: medicine, nursing" in page.text and "Preceptor" in page.text
    assert "5 of 5" in page.text
    page = await anonymous.get("/programs?specialty=Cardiology")
    assert "1 program<" in page.text


async def test_documents_download_for_owner_and_coordinator_only(world: World, make_api: Any) -> None:
    visitor = await browser_for(make_api, world.student.email)
    await visitor.post(
        f"/programs/{world.program_id}/apply", {"block_ids": str(world.block_ids[0]), "intent": "submit"}
    )
    await visitor.upload("cv", PDF, "my-cv.pdf")
    document_id = ids_in((await visitor.get("/dashboard")).text, r"/documents/(\d+)/file")[0]
    response = await visitor.client.get(f"/documents/{document_id}/file")
    assert response.status == 200 and await response.read() == PDF
    assert response.headers["Content-Disposition"].startswith('attachment; filename="my-cv.pdf"')
    coordinator = await browser_for(make_api, world.coordinator.email)
    assert (await coordinator.client.get(f"/documents/{document_id}/file")).status == 200
    for email in (world.other_coordinator.email, world.other_student.email, world.preceptor.email):
        other = await browser_for(make_api, email)
        await other.get(f"/documents/{document_id}/file", expect=404)


async def test_every_field_is_labelled_and_headings_do_not_skip(world: World, make_api: Any) -> None:
    visitor = await browser_for(make_api, world.student.email)
    await visitor.post(
        f"/programs/{world.program_id}/apply", {"block_ids": str(world.block_ids[0]), "intent": "submit"}
    )
    await visitor.upload("cv", PDF)
    app_id = ids_in((await visitor.get("/dashboard")).text, r'/applications/(\d+)"')[0]
    pages = {
        visitor: ["/dashboard", "/programs", f"/programs/{world.program_id}", f"/applications/{app_id}"],
        await browser_for(make_api, world.coordinator.email): ["/dashboard", f"/applications/{app_id}"],
        await browser_for(make_api, world.preceptor.email): ["/dashboard"],
        await browser_for(make_api, None): ["/login", "/programs"],
    }
    for browser, paths in pages.items():
        for path in paths:
            html = (await browser.get(path)).text
            assert_labelled_and_outlined(path, html)
            assert '<meta name="viewport"' in html


async def test_the_local_time_module_and_stylesheet_are_served(client: Any) -> None:
    script = await client.get("/static/local-time.js")
    assert script.status == 200 and "export function localizeTimes" in await script.text()
    style = await client.get("/static/rounds.css")
    assert style.status == 200 and ":focus-visible" in await style.text()


async def test_the_apply_form_offers_only_blocks_that_have_not_started(
    world: World, make_api: Any, clock: Any
) -> None:
    """Regression: the form offered blocks that had already started, which the service then refused
    (the demo's finished observership block made every applicant's first choice fail)."""
    visitor = await browser_for(make_api, world.student.email)
    page = await visitor.get(f"/programs/{world.program_id}")
    offered = ids_in(page.text, r'name="block_ids" value="(\d+)"')
    assert offered == world.block_ids
    clock.advance(days=7)  # the first block (from next Monday) has started; the others have not
    page = await visitor.get(f"/programs/{world.program_id}")
    assert ids_in(page.text, r'name="block_ids" value="(\d+)"') == world.block_ids[1:]
