"""In a real browser against ``rounds demo``: the front door walked as a stranger would (issue 15,
"How it will be checked").

A stranger creates an account from the login page, confirms the address from the demo outbox, sets a
time zone, applies to a program from the catalog; forgets the password and resets it from the outbox
(the new one works, the old one no longer does). A coordinator invites a preceptor by email, and the
preceptor creates an account from the invitation's link and finds the program on their dashboard.

Everything is read from what the pages show, never from the database: the mail's links are the ones
the demo outbox shows in the mail's plain-text part.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.e2e import console

pytestmark = pytest.mark.e2e

DEMO_PASSWORD = "rounds-demo-2026"
COORDINATOR = "coordinator@rounds.test"
PROGRAM = "Virtual Internal Medicine Observership"  # open to medical students

STRANGER_NAME = "Noor Haddad"
STRANGER = "noor.haddad@rounds.test"
FIRST_PASSWORD = "first-walk-password"
SECOND_PASSWORD = "second-walk-password"

PRECEPTOR_NAME = "Ilse Brandt"
PRECEPTOR = "ilse.brandt@rounds.test"
PRECEPTOR_PASSWORD = "preceptor-walk-password"


@pytest.fixture
def browser_contexts(chromium: Browser) -> Iterator[list[BrowserContext]]:
    """Fresh browser profiles (one per person), each watched for console errors; the clock of the
    browsers is in Chicago, so a zone chosen on the account page visibly differs from it."""
    opened: list[BrowserContext] = []
    yield opened
    for context in opened:
        console.assert_clean(context)
        context.close()


def new_person(chromium: Browser, opened: list[BrowserContext]) -> Page:
    """A page in a browser profile of its own (cookies, and so the demo outbox's view, not shared)."""
    context = chromium.new_context(
        timezone_id="America/Chicago", locale="en-US", viewport={"width": 1280, "height": 900}
    )
    context.set_default_timeout(15_000)
    opened.append(console.watch(context))
    return context.new_page()


def log_in(page: Page, base: str, email: str, password: str) -> None:
    page.goto(f"{base}/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()


def log_out(page: Page) -> None:
    page.get_by_role("button", name=re.compile("^Log out")).click()
    expect(page.get_by_role("status")).to_have_text("You are logged out.")


def link_in_outbox(page: Page, subject: str, path: str) -> str:
    """Open the demo outbox from the page's own link, open the one mail titled ``subject`` and return
    the link to ``path`` its plain-text part shows."""
    page.get_by_role("link", name="demo outbox").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Demo outbox")
    page.get_by_role("link", name=subject, exact=True).click()
    expect(page.get_by_role("heading", name=subject)).to_be_visible()
    link = page.locator("pre.mail-text a", has_text=path)
    expect(link).to_have_count(1)
    href = link.get_attribute("href")
    assert href is not None
    return href


def test_a_stranger_signs_up_applies_resets_and_a_preceptor_joins_by_invitation(
    server_url: str, chromium: Browser, browser_contexts: list[BrowserContext]
) -> None:
    page = new_person(chromium, browser_contexts)

    # The login page offers a free account; the stranger signs up as a medical student.
    page.goto(f"{server_url}/login")
    page.get_by_role("link", name="Create a free account").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Create your free account")
    page.get_by_label("Full name").fill(STRANGER_NAME)
    page.get_by_label("Email").fill(STRANGER)
    page.get_by_label("Password").fill(FIRST_PASSWORD)
    page.get_by_label("Training status").select_option(label="Student")
    page.get_by_label("Profession").select_option(label="Medicine")
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")
    expect(page.locator("#account-message")).to_contain_text(STRANGER)

    # The confirmation mail is in the demo outbox (this browser asked for it); its link confirms.
    verify = link_in_outbox(page, "Confirm your email address for Rounds", "/account/verify/")
    expect(page.locator("pre.mail-text")).to_contain_text(f"Hello {STRANGER_NAME}")
    # The HTML part shows with its inline styles (a srcdoc frame took the page's policy and lost them).
    html_part = page.frame_locator("iframe[title='The HTML part of this email']")
    button = html_part.get_by_role("link", name="Confirm my email address")
    expect(button).to_have_css("background-color", "rgb(29, 79, 145)")
    page.goto(verify)
    expect(page.get_by_role("heading", level=1)).to_have_text("Email confirmed")

    # Logged in, the account says so, and the profile gets a time zone far from the browser's.
    log_in(page, server_url, STRANGER, FIRST_PASSWORD)
    expect(page).to_have_url(re.compile(r"/dashboard$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Welcome, {STRANGER_NAME}")
    page.goto(f"{server_url}/account/verify")
    expect(page.get_by_role("main")).to_contain_text("confirmed")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Account", exact=True).click()
    page.get_by_label("Time zone").select_option(value="Asia/Tokyo")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status")).to_have_text("Saved. Times are now shown in your time zone.")
    expect(page.get_by_label("Time zone")).to_have_value("Asia/Tokyo")
    expect(page.get_by_role("contentinfo")).to_contain_text("Asia/Tokyo")

    # From the catalog, the stranger applies to a program they are eligible for.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Programs", exact=True).click()
    page.get_by_role("link", name=PROGRAM).click()
    expect(page.get_by_text("You are eligible")).to_be_visible()
    page.get_by_label(re.compile(r"seats free")).first.check()
    page.get_by_label("Personal statement").fill("I want to see how internists reason in telehealth visits.")
    page.get_by_role("button", name="Submit application").click()
    expect(page.get_by_role("status")).to_have_text("Application submitted.")
    expect(page.get_by_text("Submitted", exact=True).first).to_be_visible()
    log_out(page)

    # "Forgot your password?": the reset mail is in the outbox, and its link sets a new password.
    page.get_by_role("link", name="Log in").first.click()
    page.get_by_role("link", name="Forgot your password?").click()
    page.get_by_label("Email").fill(STRANGER)
    page.get_by_role("button", name="Send the link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")
    reset = link_in_outbox(page, "Reset your Rounds password", "/password/reset/")
    page.goto(reset)
    expect(page.get_by_role("heading", level=1)).to_have_text("Choose a new password")
    page.get_by_label("New password", exact=True).fill(SECOND_PASSWORD)
    page.get_by_label("New password again").fill(SECOND_PASSWORD)
    page.get_by_role("button", name="Set the new password").click()
    expect(page).to_have_url(re.compile(r"/login\?"))
    expect(page.get_by_role("status")).to_contain_text("Your new password is set")

    # The old password no longer works, the new one does, and the reset link is spent.
    log_in(page, server_url, STRANGER, FIRST_PASSWORD)
    expect(page.get_by_role("alert")).to_have_text("The email or password is not right.")
    log_in(page, server_url, STRANGER, SECOND_PASSWORD)
    expect(page).to_have_url(re.compile(r"/dashboard$"))
    expect(page.get_by_text(PROGRAM).first).to_be_visible()  # the application is still there
    page.goto(reset)
    expect(page.get_by_role("heading", level=1)).to_have_text("This link cannot be used")

    # A coordinator invites a preceptor to the program's staff by email.
    staff = new_person(chromium, browser_contexts)
    log_in(staff, server_url, COORDINATOR, DEMO_PASSWORD)
    expect(staff).to_have_url(re.compile(r"/dashboard$"))
    staff.get_by_role("link", name=f"Staff and invitations of {PROGRAM}").click()
    staff.get_by_label("Email").fill(PRECEPTOR)
    staff.get_by_label("Role").select_option(label="Preceptor")
    staff.get_by_role("button", name="Send the invitation").click()
    expect(staff.get_by_role("status")).to_contain_text("Invitation sent.")
    expect(staff.get_by_role("row").filter(has_text=PRECEPTOR)).to_contain_text("Pending")
    invitation = link_in_outbox(staff, "You are invited to teach on Rounds", "/invitation/")
    expect(staff.locator("pre.mail-text")).to_contain_text(PROGRAM)

    # The preceptor, in a browser of their own, creates the account from the link and logs in.
    preceptor = new_person(chromium, browser_contexts)
    preceptor.goto(invitation)
    expect(preceptor.get_by_role("heading", level=1)).to_have_text(f"Join {PROGRAM} as a preceptor")
    preceptor.get_by_label("Full name").fill(PRECEPTOR_NAME)
    preceptor.get_by_label("Password", exact=True).fill(PRECEPTOR_PASSWORD)
    preceptor.get_by_label("Password again").fill(PRECEPTOR_PASSWORD)
    preceptor.get_by_role("button", name="Create my account and join").click()
    expect(preceptor.get_by_role("status")).to_contain_text("Your account is ready")
    log_in(preceptor, server_url, PRECEPTOR, PRECEPTOR_PASSWORD)
    expect(preceptor).to_have_url(re.compile(r"/dashboard$"))
    taught = preceptor.get_by_role("region", name="Programs you teach")
    expect(taught.get_by_role("link", name=PROGRAM)).to_be_visible()
    preceptor.get_by_role("link", name=PROGRAM).first.click()
    expect(preceptor.get_by_role("main")).to_contain_text(PRECEPTOR_NAME)  # among its preceptors

    # The coordinator's staff page shows the invitation used.
    staff.goto(f"{server_url}/dashboard")
    staff.get_by_role("link", name=f"Staff and invitations of {PROGRAM}").click()
    expect(staff.get_by_role("row").filter(has_text=PRECEPTOR)).not_to_contain_text("Pending")
    expect(staff.locator("#team-heading + dl")).to_contain_text(PRECEPTOR_NAME)
