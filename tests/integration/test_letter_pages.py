"""Letters through the pages on both databases: the visitor asks (the waiver must be answered, a refused
form keeps what was typed and writes nothing) and adds the ERAS Letter ID later; the author accepts and
edits the draft, where every paragraph links the records it rests on (evaluations and reviewed
presentations) and shows its wording flags; the PHI guard refuses a paragraph and keeps the rest;
signing needs the box ticked; the signed letter prints the same on the page and in the PDF."""

from __future__ import annotations

import re
from typing import Any

from server.db.uow import UnitOfWorkFactory
from tests.integration.api_helpers import row_counts
from tests.integration.test_api_evaluations import EVALUATION
from tests.integration.test_api_letters import LETTERHEAD
from tests.integration.test_api_presentations import presented
from tests.integration.test_api_record import enroll
from tests.integration.test_pages_record import browser_for, every_field_labelled, forms_carry_csrf
from tests.support.world import World

EVIDENCE = re.compile(r'<a href="([^"]+)" data-evidence="([a-z_]+:\d+)">')
FAINT = "She met expectations and showed improvement over the month."


def editor_fields(html: str) -> list[tuple[str, str]]:
    """The editor form's fields as the page sends them back (textareas, hidden kinds and evidence)."""
    form = re.search(r'<form method="post" action="/letters/\d+/versions".*?</form>', html, flags=re.S)
    assert form, "no editor on the page"
    fields = [
        (name, value)
        for name, value in re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', form.group(0))
        if name != "csrf_token"
    ]
    for name, text in re.findall(r'<textarea[^>]*name="([^"]+)"[^>]*>(.*?)</textarea>', form.group(0), re.S):
        fields.append((name, unescape(text)))
    return fields


def unescape(text: str) -> str:
    return (
        text.replace("&#34;", '"')
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
    )


async def evidence_world(world: World, make_api: Any, uows: UnitOfWorkFactory) -> dict[str, Any]:
    """An enrollment with two released evaluations and one reviewed presentation by the preceptor."""
    enrollment = await enroll(uows, world.student, world.program_id, world.block_ids[:1])
    preceptor = await make_api(world.preceptor.email)
    await preceptor.put("/me/preceptor-profile", LETTERHEAD)
    visitor = await make_api(world.student.email)
    evaluations = []
    for week in (1, 2):
        created = await preceptor.post(
            f"/enrollments/{enrollment}/evaluations", {**EVALUATION, "week": week}, expect=201
        )
        await preceptor.post(f"/evaluations/{created['id']}/release", {"confirm": True})
        evaluations.append(created["id"])
    presentation = await presented(visitor, enrollment)
    await preceptor.post(f"/presentations/{presentation['id']}/review", {"commitment": "Committed early."})
    return {"enrollment": enrollment, "evaluations": evaluations, "presentation": presentation["id"]}


async def test_a_letter_from_request_to_signed_pdf_through_the_pages(
    world: World, make_api: Any, uows: UnitOfWorkFactory
) -> None:
    w = await evidence_world(world, make_api, uows)
    visitor = await browser_for(make_api, world.student.email)
    preceptor = await browser_for(make_api, world.preceptor.email)
    choice = f"{w['enrollment']}:{world.preceptor.user_id}"

    page = await visitor.get("/letters")
    assert f'value="{choice}"' in page.text and "waive" in page.text
    assert forms_carry_csrf(page.text) and every_field_labelled(page.text)
    # The waiver must be answered: refused, what was typed kept, nothing written.
    before = await row_counts(uows)
    refused = await visitor.post(
        "/letters", {"choice": choice, "specialty": "Family Medicine", "eras_letter_id": ""}, expect=422
    )
    assert "Say whether you waive" in refused.text and 'value="Family Medicine"' in refused.text
    assert await row_counts(uows) == before
    sent = await visitor.post(
        "/letters", {"choice": choice, "specialty": "Family Medicine", "ferpa_waived": "no"}
    )
    rid = int(sent.location.split("/")[2].split("?")[0])

    page = await visitor.get(f"/letters/{rid}")
    assert "Add the ERAS Letter ID" in page.text and "not given yet" in page.text
    bad = await visitor.post(f"/letters/{rid}/letter-id", {"eras_letter_id": "ERAS 12!"}, expect=422)
    assert "letters, digits or hyphens" in bad.text
    await visitor.post(f"/letters/{rid}/letter-id", {"eras_letter_id": "ERAS-2026-77"})
    assert "ERAS-2026-77" in (await visitor.get(f"/letters/{rid}")).text

    listing = await preceptor.get("/letters")
    assert f'href="/letters/{rid}"' in listing.text
    page = await preceptor.get(f"/letters/{rid}")
    assert "Accept and draft" in page.text
    await preceptor.post(f"/letters/{rid}/decision", {"decision": "accept"})

    # The draft: every paragraph links the records it rests on, and each link opens for the author.
    page = await preceptor.get(f"/letters/{rid}")
    assert "Draft from the evidence" in page.text and forms_carry_csrf(page.text)
    linked = dict((ref, url) for url, ref in EVIDENCE.findall(page.text))
    expected = {
        f"enrollment:{w['enrollment']}",
        *(f"evaluation:{e}" for e in w["evaluations"]),
        f"presentation:{w['presentation']}",
    }
    assert expected <= set(linked), sorted(linked)
    for url in set(linked.values()):
        assert (await preceptor.get(url.split("#")[0])).status == 200
    fields = editor_fields(page.text)
    own = [name for name, value in fields if name.endswith("-kind") and value == "own"]
    assert own, "no blank paragraph for the author's own words"
    own_text = own[0].replace("-kind", "-text")

    # The PHI guard refuses the version; the paragraph gets the message and everything typed is kept.
    before = await row_counts(uows)
    phi = "Seen with her son John Smith, MRN 4827315."
    typed = [(n, phi if n == own_text else v) for n, v in fields]
    refused = await preceptor.post(f"/letters/{rid}/versions", typed, expect=422)
    assert "patient identifiers" in refused.text and "4827315" in refused.text
    assert 'aria-invalid="true"' in refused.text
    assert await row_counts(uows) == before

    typed = [(n, FAINT if n == own_text else v) for n, v in fields]
    await preceptor.post(f"/letters/{rid}/versions", typed)
    page = await preceptor.get(f"/letters/{rid}")
    assert "Version 1, saved" in page.text and FAINT in page.text
    assert re.search(r'<mark class="flag flag-faint_praise">met expectations</mark>', page.text)
    assert "How the letter will print" in page.text and LETTERHEAD["institution"] in page.text

    refused = await preceptor.post(f"/letters/{rid}/sign", {}, expect=422)
    assert "Tick the box" in refused.text
    await preceptor.post(f"/letters/{rid}/sign", {"confirm": "yes"})
    page = await preceptor.get(f"/letters/{rid}")
    assert "The signed letter" in page.text and f"/letters/{rid}/letter.pdf" in page.text
    assert "/versions" not in page.text  # no editor: a signed letter is final

    # Not waived and signed: the visitor reads it on the page and downloads the same PDF.
    mine = await visitor.get(f"/letters/{rid}")
    assert FAINT in mine.text and "Signed electronically on" in mine.text
    response = await visitor.client.get(f"/letters/{rid}/letter.pdf")
    assert response.status == 200 and response.content_type == "application/pdf"
    assert (await response.read()).startswith(b"%PDF-")


async def test_the_coordinator_and_other_people_get_no_letter_page(
    world: World, make_api: Any, uows: UnitOfWorkFactory
) -> None:
    enrollment = await enroll(uows, world.student, world.program_id, world.block_ids[:1])
    visitor = await make_api(world.student.email)
    request = await visitor.post(
        f"/enrollments/{enrollment}/letter-requests",
        {
            "preceptor_id": world.preceptor.user_id,
            "specialty": "Neurology",
            "ferpa_waived": True,
            "author_title": "Attending Physician",
        },
        expect=201,
    )
    rid = request["id"]
    coordinator = await browser_for(make_api, world.coordinator.email)
    other = await browser_for(make_api, world.other_student.email)
    stranger = await browser_for(make_api, world.other_preceptor.email)
    assert (await coordinator.get(f"/letters/{rid}", expect=None)).status == 403
    assert (await coordinator.get("/letters", expect=None)).status == 403
    for person in (other, stranger):
        assert (await person.get(f"/letters/{rid}", expect=None)).status == 404
        assert (await person.client.get(f"/letters/{rid}/letter.pdf")).status == 404
    anonymous = await make_api(None)
    response = await anonymous.client.get(f"/letters/{rid}", allow_redirects=False)
    assert response.status == 303 and response.headers["Location"].startswith("/login")
