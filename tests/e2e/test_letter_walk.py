"""In a real browser against the demo: Dr. Reyes turns Elena's four weeks of evaluations into a signed,
ERAS-ready PDF letter (each paragraph showing the records it rests on), and Elena, who waived her right
to see it, reaches it by no URL; her certificate verifies on its public page and a changed code does not.

Fields are found by their labels and buttons by their names, which also proves the labelling.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterator

import pytest
import zxingcpp
from PIL import Image
from playwright.sync_api import Browser, BrowserContext, Page, expect
from pypdf import PdfReader

from tests.e2e import console
from tests.e2e.test_record_walk import log_in

pytestmark = pytest.mark.e2e

PRECEPTOR = "im.preceptor@rounds.test"
ELENA = "elena@rounds.test"
RECOMMENDATION = (
    "I recommend Elena Marković to your internal medicine residency with enthusiasm: she would be among "
    "the residents I would most want to supervise."
)


@pytest.fixture
def context(chromium: Browser) -> Iterator[BrowserContext]:
    browser_context = chromium.new_context(
        locale="en-US", viewport={"width": 1280, "height": 900}, accept_downloads=True
    )
    browser_context.set_default_timeout(20_000)
    yield console.watch(browser_context)
    console.assert_clean(browser_context)
    browser_context.close()


def scanned(png: bytes) -> list[str]:
    """The text of every QR code zxing-cpp finds in a screenshot."""
    return [found.text for found in zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))]


def open_elenas_letter(page: Page, base: str) -> str:
    """From the Letters page to Elena's request; returns its path."""
    page.get_by_role("link", name="Letters", exact=True).click()
    page.get_by_role("link", name="Elena Marković").click()
    expect(page).to_have_url(re.compile(r"/letters/\d+$"))
    return page.url.removeprefix(base)


def test_a_preceptor_signs_an_eras_pdf_that_the_waived_visitor_cannot_reach(
    context: BrowserContext, server_url: str
) -> None:
    page = context.new_page()
    log_in(page, server_url, PRECEPTOR)
    letter_path = open_elenas_letter(page, server_url)
    expect(page.get_by_role("heading", name="Draft from the evidence")).to_be_visible()

    # Every drafted paragraph rests on records; the week-1 and week-4 evaluations are among them.
    evidence = page.locator("[data-evidence]")
    refs = {evidence.nth(i).get_attribute("data-evidence") for i in range(evidence.count())}
    assert any(ref and ref.startswith("evaluation:") for ref in refs)
    assert any(ref and ref.startswith("presentation:") for ref in refs)
    assert any(ref and ref.startswith("enrollment:") for ref in refs)
    expect(page.get_by_text("Your week 1 evaluation").first).to_be_visible()
    expect(page.get_by_text("Your week 4 evaluation").first).to_be_visible()

    # The preceptor adds the recommendation in their own words, with a hedge Rounds will flag.
    own = page.get_by_label(re.compile(r"Your own paragraph")).first
    own.fill(RECOMMENDATION + " I believe she will do well.")
    page.get_by_role("button", name=re.compile(r"Save as version 1")).click()
    expect(page.get_by_role("status")).to_contain_text("Version saved")
    expect(page.locator("mark.flag", has_text="I believe")).to_be_visible()
    # Rounds never rewrites: the preceptor removes the hedge and saves again.
    page.get_by_label(re.compile(r"Your own words")).last.fill(RECOMMENDATION)
    page.get_by_role("button", name=re.compile(r"Save as version 2")).click()
    expect(page.get_by_role("status")).to_contain_text("Version saved")
    expect(page.get_by_text("Version 2, saved")).to_be_visible()

    # Sign (the box and the browser's confirmation), then download the PDF.
    page.get_by_label(re.compile(r"sign it as my letter")).check()
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Sign the letter").click()
    expect(page.get_by_role("heading", name="The signed letter")).to_be_visible()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download the PDF for ERAS").click()
    pdf = download_info.value.path().read_bytes()
    assert len(pdf) <= 1_000_000
    reader = PdfReader(io.BytesIO(pdf))
    assert reader.is_encrypted is False
    assert all((float(p.mediabox.width), float(p.mediabox.height)) == (612.0, 792.0) for p in reader.pages)
    text = re.sub(r"\s+", " ", " ".join(p.extract_text() for p in reader.pages))
    assert "Lakeside Community Health" in text and "+1 312 555 0142" in text
    assert "/s/ Dr. Samuel Reyes" in text and "Signed electronically on" in text
    letter_id = page.locator("#letter-id").inner_text().strip()
    assert letter_id and letter_id in text
    assert "with enthusiasm" in text
    page.close()

    # Elena waived: no URL shows her the letter, and the page says why.
    elena = context.browser.new_context(locale="en-US") if context.browser else None
    assert elena is not None
    visitor = elena.new_page()
    log_in(visitor, server_url, ELENA)
    visitor.goto(server_url + letter_path)
    expect(visitor.get_by_text("You waived your right to see this letter")).to_be_visible()
    assert "with enthusiasm" not in visitor.content()
    request_id = letter_path.rsplit("/", 1)[1]
    for path in (
        f"{letter_path}/letter.pdf",
        f"/api/v1/letter-requests/{request_id}/letter",
        f"/api/v1/letter-requests/{request_id}/letter.pdf",
        f"/api/v1/letter-requests/{request_id}/document",
    ):
        response = visitor.request.get(server_url + path)
        assert response.status == 403, (path, response.status)
        assert "with enthusiasm" not in response.text() and "waived" in response.text()
    status = json.loads(visitor.request.get(f"{server_url}/api/v1/letter-requests/{request_id}").text())
    assert status["state"] == "signed" and status["ferpa_waived"] is True
    elena.close()


def test_elenas_certificate_verifies_and_a_changed_code_does_not(
    context: BrowserContext, server_url: str
) -> None:
    page = context.new_page()
    log_in(page, server_url, ELENA)
    page.goto(server_url + "/record")
    page.get_by_role("link", name=re.compile("Your record")).first.click()
    page.get_by_role("link", name="Certificate of completion").click()
    code = page.locator(".certificate-code code").first.inner_text().strip()
    assert code
    # The QR code, as drawn on the page and in print, scans to the verification page (it was clipped:
    # its SVG had a width and height but no viewBox, and the stylesheet draws it smaller).
    verify_url = f"{server_url}/certificates/verify/{code}"
    assert scanned(page.locator(".certificate-qr svg").first.screenshot()) == [verify_url]
    page.emulate_media(media="print")
    assert scanned(page.locator(".certificate-qr svg").first.screenshot()) == [verify_url]
    page.emulate_media(media="screen")
    public = context.browser.new_context() if context.browser else None
    assert public is not None
    anonymous = public.new_page()  # no login: anyone may verify
    anonymous.goto(f"{server_url}/certificates/verify/{code}")
    expect(anonymous.get_by_role("heading", name="Genuine certificate")).to_be_visible()
    expect(anonymous.get_by_text("Elena Marković").first).to_be_visible()
    changed = code[:-1] + ("A" if code[-1] != "A" else "B")
    anonymous.goto(f"{server_url}/certificates/verify/{changed}")
    expect(anonymous.get_by_role("heading", name="Not genuine")).to_be_visible()
    public.close()
