"""The ERAS PDF of a signed letter, checked rule by rule on the produced file (read back with pypdf):
US Letter pages, at most 1 MB, not encrypted, on the author's letterhead with contact details, signed
and dated, with the Letter ID; the same text as the letter page (one template); the letterhead kept as
signed; only a signed letter exports; every export audited."""

from __future__ import annotations

import io
import logging
import re
from datetime import datetime
from typing import Any

import pytest
from pypdf import PdfReader

from server.db.uow import UnitOfWorkFactory
from tests.integration.test_api_letters import LETTERHEAD, REQUEST, paragraphs_in, setup
from tests.integration.test_api_record import audit_rows
from tests.integration.test_pages_record import browser_for
from tests.support.world import World

US_LETTER = (612.0, 792.0)  # points: 8.5 x 11 inches
ERAS_MAX_BYTES = 1_000_000
LONG_OWN = (
    "Over four weeks I watched the applicant take histories by video with care and precision, commit "
    "to a ranked differential before hearing mine, and revise it when the examination disagreed. "
)


def words(text: str) -> str:
    """Text with every run of whitespace as one space (PDF extraction breaks lines anywhere)."""
    return re.sub(r"\s+", " ", text).strip()


async def signed_letter(
    world: World, make_api: Any, uows: UnitOfWorkFactory, *, waived: bool
) -> dict[str, Any]:
    s = await setup(world, make_api, uows, waived=waived)
    preceptor, rid = s["preceptor"], s["request"]["id"]
    await preceptor.post(f"/letter-requests/{rid}/decision", {"decision": "accept"})
    draft = await preceptor.post(f"/letter-requests/{rid}/draft", {})
    # Long enough for a second page, so the footer's Letter ID and page size are checked on both.
    own = [{"text": LONG_OWN * 4, "evidence": [], "kind": "own"} for _ in range(4)]
    saved = await preceptor.put(
        f"/letter-requests/{rid}/letter", {"paragraphs": [*paragraphs_in(draft), *own]}
    )
    s["pdf_path"] = f"/letter-requests/{rid}/letter.pdf"
    status, _ = await preceptor.call("GET", s["pdf_path"])
    assert status == 409  # not signed yet: ERAS takes signed letters only
    signed = await preceptor.post(f"/letter-requests/{rid}/sign", {"confirm": True})
    s["text"] = saved["text"]
    s["signed_at"] = datetime.fromisoformat(signed["request"]["signed_at"])
    return s


async def test_the_pdf_meets_each_eras_rule(world: World, make_api: Any, uows: UnitOfWorkFactory) -> None:
    s = await signed_letter(world, make_api, uows, waived=True)
    preceptor, rid = s["preceptor"], s["request"]["id"]
    status, pdf = await preceptor.call("GET", s["pdf_path"])
    assert status == 200 and isinstance(pdf, bytes) and pdf.startswith(b"%PDF-")

    # At most 1 MB.
    assert 0 < len(pdf) <= ERAS_MAX_BYTES, len(pdf)
    reader = PdfReader(io.BytesIO(pdf))
    # Not encrypted (no /Encrypt in the trailer either).
    assert reader.is_encrypted is False and "/Encrypt" not in reader.trailer
    # US Letter, every page.
    assert len(reader.pages) >= 2
    for page in reader.pages:
        box = page.mediabox
        assert (float(box.width), float(box.height)) == US_LETTER
    text = words(" ".join(page.extract_text() for page in reader.pages))
    first = words(reader.pages[0].extract_text())
    # On the author's letterhead, with contact details, on the first page.
    for detail in ("institution", "address", "phone", "contact_email"):
        assert words(LETTERHEAD[detail]) in first, detail
    # Signed and dated (the signing date), with the Letter ID (and in every page's footer).
    day = f"{s['signed_at']:%B} {s['signed_at'].day}, {s['signed_at'].year}"
    assert day in first
    assert "/s/ Preceptor" in text and f"Signed electronically on {day}" in text
    for page in reader.pages:
        assert REQUEST["eras_letter_id"] in page.extract_text()
    # The letter's own words, as saved.
    assert words(LONG_OWN) in text
    # The document's metadata names it.
    assert reader.metadata is not None and "Letter of recommendation" in str(reader.metadata.title)
    # Every export is audited.
    audit = await audit_rows(uows)
    exports = [
        a for a, action, kind, record in audit if kind == "letter" and record == rid and action == "export"
    ]
    assert exports == [world.preceptor.user_id]


async def test_the_pdf_and_the_page_print_the_same_letter_and_the_letterhead_is_kept_as_signed(
    world: World, make_api: Any, uows: UnitOfWorkFactory
) -> None:
    s = await signed_letter(world, make_api, uows, waived=False)
    preceptor, rid = s["preceptor"], s["request"]["id"]
    # The author moves after signing: the signed letter keeps the letterhead it was signed on.
    await preceptor.put(
        "/me/preceptor-profile", {**LETTERHEAD, "address": "9 Elsewhere Road, Denver, CO 80201"}
    )
    status, pdf = await preceptor.call("GET", s["pdf_path"])
    assert status == 200
    text = words(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages))
    assert words(LETTERHEAD["address"]) in text and "Elsewhere" not in text

    browser = await browser_for(make_api, world.preceptor.email)
    page = await browser.get(f"/letters/{rid}")
    sheet = re.search(r'<div class="letter-sheet">(.*?)</article>', page.text, flags=re.S)
    assert sheet is not None
    shown = words(re.sub(r"<[^>]+>", " ", sheet.group(1)).replace("&#39;", "'"))
    assert words(LETTERHEAD["address"]) in shown and "Elsewhere" not in shown
    # Each paragraph of the page's letter is in the PDF (the same template renders both).
    for paragraph in re.findall(r"<p>(.*?)</p>", sheet.group(1), flags=re.S):
        assert words(paragraph.replace("&#39;", "'").replace("&#34;", '"'))[:60] in text


async def test_the_visitor_who_did_not_waive_may_download_it_and_a_waived_one_may_not(
    world: World, make_api: Any, uows: UnitOfWorkFactory
) -> None:
    open_letter = await signed_letter(world, make_api, uows, waived=False)
    status, pdf = await open_letter["visitor"].call("GET", open_letter["pdf_path"])
    assert status == 200 and pdf.startswith(b"%PDF-")
    await open_letter["visitor"].put(
        f"/letter-requests/{open_letter['request']['id']}/letter-id", {"eras_letter_id": "NEW-1"}, expect=409
    )


def fonts_used(reader: PdfReader) -> set[str]:
    """The base font names the PDF's pages draw with, without the subset prefix (``ABCDEF+``)."""
    names: set[str] = set()
    for page in reader.pages:
        resources = page.get("/Resources")
        fonts = resources.get_object().get("/Font") if resources else None
        for ref in (fonts.get_object() if fonts else {}).values():
            names.add(str(ref.get_object()["/BaseFont"]).split("+")[-1])
    return names


async def test_the_pdf_is_drawn_with_the_letters_stylesheet(
    world: World, make_api: Any, uows: UnitOfWorkFactory, caplog: pytest.LogCaptureFixture
) -> None:
    """The stylesheet reaches WeasyPrint as CSS, not HTML-escaped (``&#34;DejaVu Serif&#34;``, which it
    ignored with a warning and drew everything in its default font): the letterhead is bold sans-serif
    and the body serif, and WeasyPrint has nothing to ignore."""
    s = await signed_letter(world, make_api, uows, waived=True)
    with caplog.at_level(logging.WARNING, logger="weasyprint"):
        status, pdf = await s["preceptor"].call("GET", s["pdf_path"])
    assert status == 200 and isinstance(pdf, bytes)
    ignored = [r.getMessage() for r in caplog.records if r.name.startswith("weasyprint")]
    assert not ignored, ignored[:5]
    fonts = fonts_used(PdfReader(io.BytesIO(pdf)))
    assert {"DejaVu-Sans-Bold", "DejaVu-Serif"} <= fonts, fonts
