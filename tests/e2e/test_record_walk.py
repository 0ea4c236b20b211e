"""In a real browser against the demo: Amara logs a case choosing its diagnosis with the ICD-10-CM
type-ahead, presents it (SNAPPS) with a ranked differential built in the editor, Dr. Reyes answers with
a reference differential, and Amara sees the two side by side with the scores.

Fields are found by their labels and buttons by their names, which also proves the labelling.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, BrowserContext, Locator, Page, expect

from tests.e2e import console

pytestmark = pytest.mark.e2e

PASSWORD = "rounds-demo-2026"
AMARA = "amara@rounds.test"
PRECEPTOR = "im.preceptor@rounds.test"


@pytest.fixture
def context(chromium: Browser) -> Iterator[BrowserContext]:
    browser_context = chromium.new_context(locale="en-US", viewport={"width": 1280, "height": 900})
    browser_context.set_default_timeout(15_000)
    yield console.watch(browser_context)
    console.assert_clean(browser_context)
    browser_context.close()


def log_in(page: Page, base: str, email: str) -> None:
    page.goto(f"{base}/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/dashboard$"))


def choose_code(field: Locator, words: str, code: str) -> None:
    """Type words into a code field, wait for the type-ahead, and pick ``code`` with the keyboard."""
    field.fill("")
    field.press_sequentially(words, delay=20)
    listbox = field.page.locator(f"#{field.get_attribute('aria-controls')}")
    option = listbox.get_by_role("option").filter(has_text=code).first
    # The first search loads the ICD-10 index on the server: bound it generously for a loaded machine
    # (a full CI run once took over Playwright's default 5 s here).
    expect(option).to_be_visible(timeout=20_000)
    for _ in range(listbox.get_by_role("option").count()):
        field.press("ArrowDown")
        if option.get_attribute("aria-selected") == "true":
            break
    field.press("Enter")  # chooses; does not submit the form
    expect(field).to_have_value(code)


def row(page: Page, index: int) -> Locator:
    return page.locator("[data-dx-row]").nth(index)


def test_a_case_is_logged_presented_scored_and_compared(server_url: str, context: BrowserContext) -> None:
    page = context.new_page()
    log_in(page, server_url, AMARA)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Clinical record").click()
    page.get_by_role("link", name=re.compile("^Log a case")).first.click()

    page.get_by_label("Which encounter").select_option("new")
    page.get_by_label("Rotation week").fill("2")
    page.get_by_label("Kind of encounter").select_option(label="Patient visit")
    page.get_by_label("Setting").select_option(label="Telehealth (video)")
    page.get_by_label("Age band").select_option(label="30-39 years")
    page.get_by_label("Sex", exact=True).select_option(label="Female")
    page.get_by_label("Visit type").select_option(label="Follow-up")
    page.get_by_label("Complexity").select_option(label="Moderate")
    page.get_by_label("Chief complaint").fill("Wheeze and night cough for 2 weeks")
    choose_code(page.get_by_label("Diagnosis 1", exact=True), "asthma", "J45.909")
    expect(page.locator("#f-diagnoses-0-desc")).to_contain_text("asthma")
    page.get_by_label("Observed").check()
    page.get_by_label("Presented").check()
    page.get_by_label("Minutes").fill("25")
    page.get_by_role("button", name="Submit case log").click()
    expect(page.get_by_role("status")).to_contain_text("Case log submitted")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Wheeze and night cough")
    expect(page.locator("dl.facts")).to_contain_text("Self-reported")  # her own entry (issue 18)

    # Present it: SNAPPS with a differential built in the editor (add, reorder).
    page.get_by_role("link", name="Present it (SNAPPS)").click()
    snapps = {
        "Summarize the history and findings": "Woman in her 30s, 2 weeks of wheeze and night cough.",
        "Narrow the differential": "Asthma, COPD.",
        "Analyze the differential": "Young, non-smoker, variable symptoms favour asthma.",
        "Probe the preceptor": "Spirometry before treatment?",
        "Plan management": "Spirometry with reversibility, inhaled steroid.",
        "Select a case-related issue to learn about": "Diagnosing asthma in adults.",
    }
    for label, text in snapps.items():
        page.get_by_label(re.compile("^" + re.escape(label))).fill(text)
    choose_code(
        row(page, 0).get_by_label("ICD-10-CM code", exact=True), "chronic obstructive pulmonary", "J44.9"
    )
    choose_code(row(page, 1).get_by_label("ICD-10-CM code", exact=True), "asthma", "J45.909")
    # The visitor changes their mind: asthma first, with the keyboard-usable Move up button.
    row(page, 1).get_by_role("button", name=re.compile("^Move up")).click()
    expect(row(page, 0).get_by_label("ICD-10-CM code", exact=True)).to_have_value("J45.909")
    expect(row(page, 0).get_by_label("Rank")).to_have_value("1")
    row(page, 0).get_by_label("Likelihood").select_option(label="Leading")
    row(page, 0).get_by_label("Findings for").fill("Variable wheeze, night cough")
    row(page, 1).get_by_label("Likelihood").select_option(label="Less likely")
    page.get_by_role("button", name="Submit presentation").click()
    expect(page.get_by_role("status")).to_contain_text("Presentation submitted")
    presentation_url = page.url.split("?")[0]
    expect(page.get_by_text("has not entered a reference differential yet")).to_be_visible()

    # Dr. Reyes answers from his review queue with a reference differential.
    preceptor = context.browser.new_context(locale="en-US") if context.browser else None
    assert preceptor is not None
    other = preceptor.new_page()
    try:
        log_in(other, server_url, PRECEPTOR)
        other.get_by_role("navigation", name="Main").get_by_role("link", name="Review queue").click()
        other.get_by_role("link", name="Presentation · SNAPPS").first.click()
        other.get_by_role("link", name="Enter the reference differential").click()
        choose_code(row(other, 0).get_by_label("ICD-10-CM code", exact=True), "asthma", "J45.909")
        row(other, 0).get_by_label("Likelihood").select_option(label="Leading")
        row(other, 1).get_by_label("ICD-10-CM code", exact=True).fill("J44.9")
        row(other, 2).get_by_label("ICD-10-CM code", exact=True).fill("I50.9")
        row(other, 2).get_by_label("Can't miss").check()
        other.get_by_role("button", name="Save the reference").click()
        expect(other.get_by_role("status")).to_contain_text("Reference differential saved")
    finally:
        preceptor.close()

    # Amara sees both lists side by side and the scores.
    page.goto(presentation_url)
    page.get_by_role("link", name="Compare the differentials side by side").click()
    scores = page.locator("#scores")
    expect(scores).to_contain_text("Top-1")
    expect(scores.locator("dd").nth(0)).to_contain_text("Yes")
    expect(scores.locator("dd").nth(2)).to_contain_text("67%")  # 2 of the 3 reference diagnoses
    expect(scores.locator("dd").nth(3)).to_contain_text("100%")  # both of hers match
    expect(scores.locator("dd").nth(4)).to_contain_text("0%")  # heart failure, can't miss, missed
    table = page.get_by_role("region", name="Reference and visitor differentials side by side")
    expect(table.get_by_text("Exact code")).to_have_count(2)
    expect(table.get_by_text("Missed")).to_have_count(1)


def test_the_case_log_form_warns_about_patient_identifiers_as_you_type(
    server_url: str, context: BrowserContext
) -> None:
    page = context.new_page()
    log_in(page, server_url, AMARA)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Clinical record").click()
    page.get_by_role("link", name=re.compile("^Log a case")).first.click()
    note = page.get_by_label("Note (optional)")
    note.press_sequentially("Seen with her daughter; call back on 312-555-0199 if worse.", delay=5)
    warning = page.locator("#" + (note.get_attribute("id") or "") + "-phi")
    expect(warning).to_contain_text("will be refused when you save")
    expect(warning.locator("q")).to_have_text("312-555-0199")
    note.fill("Wheeze improved after salbutamol 2 puffs; SpO2 97% on room air.")
    note.blur()
    expect(warning).to_be_empty()


#: A phone's viewport (CSS pixels) besides the desktop one the context opens with.
PHONE = {"width": 390, "height": 844}


def test_the_learning_dashboard_fits_the_window_and_its_axis_titles_clear_the_ticks(
    server_url: str, context: BrowserContext
) -> None:
    """Issue 18, item 19: the dashboard was 1,505 px wide in a 1,280 px window (873 px on a phone): the
    charts' visually hidden data tables still took their width; and each chart's axis title overlapped
    its top tick label."""
    page = context.new_page()
    log_in(page, server_url, AMARA)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Clinical record").click()
    # The first page that needs the ICD-10 index (its chapters) loads it on the server: seconds on a
    # loaded machine, so this navigation gets a longer bound than a click's.
    href = page.get_by_role("link", name=re.compile("Learning dashboard")).first.get_attribute("href")
    page.goto(f"{server_url}{href}", timeout=60_000)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Learning dashboard")
    assert page.locator("figure.chart svg").count() >= 2
    for viewport in ({"width": 1280, "height": 900}, PHONE):
        page.set_viewport_size(viewport)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= viewport["width"], (viewport, width)
    overlaps = page.evaluate(
        """() => [...document.querySelectorAll("figure.chart svg")].flatMap((svg) => {
            const title = svg.querySelector(".axis-label");
            if (!title) return [];
            const a = title.getBBox();
            return [...svg.querySelectorAll(".tick")].map((tick) => tick.getBBox()).filter((b) =>
                a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height
            ).map(() => svg.closest("figure").id);
        })"""
    )
    assert overlaps == []
