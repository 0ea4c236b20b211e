"""In a real browser against a real server: Dana applies, uploads her documents, the coordinator
reviews and offers, Dana accepts, the coordinator enrolls, and the preceptor sees Dana.

Fields are found by their labels and buttons by their names, which also proves the labelling.
"""

from __future__ import annotations

import re
import struct
import zlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Locator, Page, expect

from tests.e2e import console

pytestmark = pytest.mark.e2e

PASSWORD = "rounds-demo-2026"
DANA = "dana@rounds.test"
COORDINATOR = "coordinator@rounds.test"
PRECEPTOR = "im.preceptor@rounds.test"
PROGRAM = "Virtual Internal Medicine Observership"  # open to students; Dana is a student
SCREENSHOTS = Path("/tmp")


def small_pdf(title: str) -> bytes:
    """A valid one-page PDF with a cross-reference table; it says nothing about anybody."""
    stream = f"BT /F1 18 Tf 72 720 Td ({title}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def small_png(width: int = 48, height: int = 32) -> bytes:
    """A valid grey PNG: a placeholder picture, not a face."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows = b"".join(b"\x00" + bytes([180]) * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


@pytest.fixture
def context(chromium: Browser) -> Iterator[BrowserContext]:
    """A fresh browser profile in a time zone far from UTC, so local times visibly differ."""
    browser_context = chromium.new_context(
        timezone_id="America/Chicago", locale="en-US", viewport={"width": 1280, "height": 900}
    )
    browser_context.set_default_timeout(15_000)
    yield console.watch(browser_context)
    console.assert_clean(browser_context)
    browser_context.close()


def log_in(page: Page, base: str, email: str) -> None:
    """Log in with the keyboard only: type, Tab to the password, Enter to submit."""
    page.goto(f"{base}/login")
    page.get_by_label("Email").focus()
    page.keyboard.type(email)
    page.keyboard.press("Tab")
    expect(page.get_by_label("Password")).to_be_focused()
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/dashboard$"))


def log_out(page: Page) -> None:
    page.get_by_role("button", name=re.compile("^Log out")).click()
    expect(page.get_by_role("status")).to_have_text("You are logged out.")


def nav(page: Page, name: str) -> Locator:
    """A link of the main navigation."""
    return page.get_by_role("navigation", name="Main").get_by_role("link", name=name, exact=True)


def card(page: Page, heading: str) -> Locator:
    """The card (article) titled ``heading``."""
    return page.locator("article").filter(has=page.get_by_role("heading", name=heading, exact=True))


def test_dana_is_enrolled_from_application_to_preceptor(
    server_url: str, context: BrowserContext, tmp_path: Path
) -> None:
    page = context.new_page()

    # Dana finds a program she is eligible for and applies for its first block.
    log_in(page, server_url, DANA)
    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome, Dana Petrova")
    nav(page, "Programs").click()
    page.get_by_label("Only programs I am eligible for").check()
    page.get_by_role("button", name="Show programs").click()
    expect(page.get_by_role("link", name="Hands-on Internal Medicine Clinical Rotation")).to_have_count(0)
    page.get_by_role("link", name=PROGRAM).click()
    expect(page.get_by_text("You are eligible")).to_be_visible()
    first_block = page.get_by_label(re.compile(r"seats free")).first
    first_block.focus()
    page.keyboard.press("Space")  # checkboxes work from the keyboard
    expect(first_block).to_be_checked()
    page.get_by_label("Personal statement").fill(
        "I want to learn how internists reason through telehealth visits."
    )
    page.get_by_role("button", name="Submit application").click()
    expect(page.get_by_role("status")).to_have_text("Application submitted.")
    expect(page.get_by_text("Submitted", exact=True).first).to_be_visible()
    local_time = page.locator("time[data-local]").first
    expect(local_time).not_to_contain_text("UTC")  # the ES module showed it in Chicago time

    # Her documents: a CV and a HIPAA attestation as PDFs, a photo ID as PNG.
    nav(page, "Dashboard").click()
    files = {
        "CV": ("cv.pdf", small_pdf("Curriculum vitae - demo")),
        "Photo ID": ("photo-id.png", small_png()),
        "HIPAA training attestation": ("hipaa.pdf", small_pdf("HIPAA training completed - demo")),
    }
    for label, (name, data) in files.items():
        path = tmp_path / name
        path.write_bytes(data)
        page.get_by_label("Document type").select_option(label=label)
        page.get_by_label("File", exact=True).set_input_files(path)
        page.get_by_role("button", name="Upload").click()
        expect(page.get_by_role("status")).to_have_text("Document uploaded; a coordinator will review it.")
    required = page.get_by_role("region", name="Required documents")
    expect(required.get_by_text("Awaiting review")).to_have_count(3)

    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(SCREENSHOTS / "rounds-visitor-dashboard-phone.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.screenshot(path=str(SCREENSHOTS / "rounds-visitor-dashboard-desktop.png"), full_page=True)
    log_out(page)

    # The coordinator starts the review, verifies each document and makes an offer.
    log_in(page, server_url, COORDINATOR)
    application = card(page, f"Dana Petrova · {PROGRAM}")
    application.get_by_role("button", name="Start review").click()
    expect(page.get_by_role("status")).to_have_text("Review started.")
    for label in files:
        page.get_by_role("button", name=f"Verify Dana Petrova's {label}").click()
        expect(page.get_by_role("status")).to_have_text("Document verified.")
    application.get_by_label("Note to Dana Petrova").fill("Welcome to the observership.")
    application.get_by_role("button", name="Make offer").click()
    expect(page.get_by_role("status")).to_have_text("Offer made; the seat is held for the visitor.")
    log_out(page)

    # Dana accepts the offer.
    log_in(page, server_url, DANA)
    expect(page.get_by_text("Welcome to the observership.")).to_be_visible()
    expect(page.get_by_role("region", name="Required documents").get_by_text("Verified")).to_have_count(3)
    page.get_by_role("button", name="Accept offer").click()
    expect(page.get_by_role("status")).to_have_text("Offer accepted. Welcome!")
    log_out(page)

    # The coordinator enrolls her.
    log_in(page, server_url, COORDINATOR)
    card(page, f"Dana Petrova · {PROGRAM}").get_by_role("button", name="Enroll").click()
    expect(page.get_by_role("status")).to_have_text("Visitor enrolled.")
    log_out(page)

    # The internal medicine preceptor sees Dana among the current visitors.
    log_in(page, server_url, PRECEPTOR)
    visitors = page.get_by_role("region", name="Current visitors")
    row = visitors.get_by_role("row").filter(has_text="Dana Petrova")
    expect(row).to_contain_text(PROGRAM)
    expect(row).to_contain_text("Enrolled")


def test_keyboard_focus_is_visible_and_the_skip_link_works(server_url: str, context: BrowserContext) -> None:
    page = context.new_page()
    page.goto(f"{server_url}/programs")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to content")
    expect(skip).to_be_focused()
    outline = skip.evaluate("element => getComputedStyle(element).outlineStyle")
    assert outline != "none"
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()
    # In reading order: the invitation to sign up (a stranger's catalog), the log-in link, then the
    # first field of the filter form.
    order = []
    for _ in range(3):
        page.keyboard.press("Tab")
        order.append(page.evaluate("document.activeElement.id || document.activeElement.textContent"))
    assert order == ["catalog-sign-up", "log in", "f-q"]
