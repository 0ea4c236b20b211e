"""Live sessions in real browsers against a real server: headless Chromium with a fake camera and
microphone (a test pattern and a beep), one browser profile per person.

The preceptor hosts the demo huddle; Amara (a visitor) waits and sees nobody until admitted, then
each decodes the other's video; the host takes her camera permission away and gives it back, and she
switches her camera on again. In a patient visit (where an observership visitor is an observer: camera
off until the host allows it) the patient and the visitor see each other only once the host records
consent. Everything is done through the page's buttons, found by their accessible names.

The tests read what a page shows through ``window.roundsProbe``, which ``session_probe.js`` (next to
this file, added to every page before its own scripts) defines from the page's DOM and the WebSocket and
RTCPeerConnection it made: the production pages expose no test-only global. "Decodes" means both the
``framesDecoded`` of the inbound-rtp statistics and a ``<video>`` with a width.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, expect

from tests.e2e import console
from tests.support.chromium import CHROMIUM, CHROMIUM_ARGS, GRANTED_MEDIA_ARGS
from tests.support.waiting import poll_until

pytestmark = pytest.mark.e2e

PASSWORD = "rounds-demo-2026"
PRECEPTOR = "im.preceptor@rounds.test"
AMARA = "amara@rounds.test"
#: Bound on each wait: joins take well under a second on loopback.
WAIT_SECONDS = 8.0
#: Defines ``window.roundsProbe`` in every page of a person's browser profile.
SESSION_PROBE = Path(__file__).with_name("session_probe.js")


@pytest.fixture(scope="module")
def media_chromium(playwright: Playwright) -> Iterator[Browser]:
    """Debian's Chromium with fake media devices (the shared ``chromium`` has none)."""
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: install it with `apt-get install -y chromium`.")
    browser = playwright.chromium.launch(
        executable_path=str(CHROMIUM), args=[*CHROMIUM_ARGS, *GRANTED_MEDIA_ARGS]
    )
    yield browser
    browser.close()


@pytest.fixture
def contexts(media_chromium: Browser) -> Iterator[list[BrowserContext]]:
    """Fresh browser profiles (one per person), closed after the test."""
    made: list[BrowserContext] = []
    yield made
    for context in made:
        console.assert_clean(context)
        context.close()


def new_person(browser: Browser, contexts: list[BrowserContext]) -> Page:
    context = browser.new_context(viewport={"width": 1100, "height": 800}, locale="en-US")
    context.set_default_timeout(WAIT_SECONDS * 1000)
    context.add_init_script(path=SESSION_PROBE)
    contexts.append(console.watch(context))
    return context.new_page()


def log_in(page: Page, base: str, email: str) -> None:
    page.goto(f"{base}/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_label("Password").press("Enter")
    page.wait_for_url("**/dashboard")


def poll(page: Page, script: str, what: str, bound: float = WAIT_SECONDS) -> Any:
    """Evaluate ``script`` (an expression, possibly a Promise) until it is truthy, within ``bound``."""
    return poll_until(lambda: page.evaluate(script), what, bound)


def join(page: Page, base: str, visit_id: int) -> None:
    """Open the live page and press the join button (a click also lets sound play)."""
    page.goto(f"{base}/visits/{visit_id}/live")
    page.get_by_role("button", name="Join", exact=False).click()


def decodes_video_of(page: Page, participant_id: str) -> Any:
    """Frames decoded from ``participant_id`` and the width of their tile's video (0 if none)."""
    return page.evaluate(
        """async (pid) => {
            const frames = (await window.roundsProbe.framesDecoded())[pid] || 0;
            const tile = window.roundsProbe.remoteTiles.find((t) => t.participantId === pid);
            return {frames, width: tile ? tile.videoWidth : 0};
        }""",
        participant_id,
    )


def wait_until_decoding(page: Page, participant_id: str, who: str) -> None:
    deadline = time.monotonic() + WAIT_SECONDS
    seen: Any = None
    while time.monotonic() < deadline:
        seen = decodes_video_of(page, participant_id)
        if seen["frames"] > 0 and seen["width"] > 0:
            return
        time.sleep(0.1)
    raise AssertionError(f"{who} never decoded {participant_id}'s video: {seen}")


def participant_id_of(page: Page) -> str:
    return str(poll(page, "window.roundsProbe.participantId", "participant id"))


def visit_of_kind(page: Page, base: str, kind: str) -> int | None:
    """The id of a joinable visit of ``kind`` the logged-in person can see, if any."""
    response = page.request.get(f"{base}/api/v1/visits")
    assert response.ok, response.text()
    now = datetime.now(UTC)
    for visit in response.json():
        opens = datetime.fromisoformat(visit["joinable_from"].replace("Z", "+00:00"))
        if visit["kind"] == kind and visit["status"] in ("scheduled", "live") and opens <= now:
            return int(visit["id"])
    return None


def api_post(page: Page, base: str, path: str, body: dict[str, Any]) -> Any:
    """POST to the API with the page's login cookie and the CSRF token API clients use."""
    session = page.request.get(f"{base}/api/v1/auth/session")
    assert session.ok, session.text()
    token = session.json()["csrf_token"]
    response = page.request.post(f"{base}/api/v1{path}", data=body, headers={"X-CSRF-Token": token})
    assert response.ok, response.text()
    return response.json()


def test_host_admits_visitor_and_each_decodes_the_other(
    server_url: str, media_chromium: Browser, contexts: list[BrowserContext]
) -> None:
    host = new_person(media_chromium, contexts)
    visitor = new_person(media_chromium, contexts)
    log_in(host, server_url, PRECEPTOR)
    log_in(visitor, server_url, AMARA)
    huddle = visit_of_kind(host, server_url, "huddle")
    assert huddle is not None, "the demo has a huddle open for joining"

    join(host, server_url, huddle)
    poll(host, "window.roundsProbe.presence === 'admitted'", "the host is in at once")
    host_id = participant_id_of(host)

    # Amara waits: nobody's media reaches her, and she is told why.
    join(visitor, server_url, huddle)
    poll(visitor, "window.roundsProbe.presence === 'waiting'", "the visitor waits")
    visitor_id = participant_id_of(visitor)
    expect(visitor.get_by_role("heading", name="Waiting for the host to let you in")).to_be_visible()
    expect(visitor.get_by_role("status")).to_have_text("You are in the waiting room.")
    # Media would have reached her by now if the server let any through: her connection is up, and
    # the host has sent a second of video (30 frames) to the server since.
    poll(visitor, "window.roundsProbe.selectedPath().then((p) => p?.state === 'succeeded')", "her link")
    sent = host.evaluate("window.roundsProbe.framesSent()")
    poll(host, f"window.roundsProbe.framesSent().then((n) => n >= {sent + 30})", "the host sends video")
    assert visitor.evaluate("window.roundsProbe.remoteTiles") == []
    assert decodes_video_of(visitor, host_id)["frames"] == 0
    assert (
        visitor.evaluate(f"window.roundsProbe.audioSamplesReceived().then((a) => a['{host_id}'] || 0)") == 0
    )

    # The host admits her from the waiting-room panel; she decodes the host's video.
    waiting_room = host.get_by_role("region", name="Waiting room")
    waiting_room.get_by_role("button", name="Admit Amara Nwosu").click()
    poll(visitor, "window.roundsProbe.presence === 'admitted'", "the visitor is admitted")
    expect(visitor.get_by_role("status")).to_have_text("You are in: the host let you in.")
    wait_until_decoding(visitor, host_id, "the visitor")
    poll(
        visitor,
        f"window.roundsProbe.audioSamplesReceived().then((a) => (a['{host_id}'] || 0) > 0)",
        "the visitor hears the host",
    )

    # In a huddle she presents, so she is not an observer: her camera is on and the host sees her.
    camera = visitor.get_by_role("button", name="Camera", exact=True)
    expect(camera).to_have_attribute("aria-pressed", "true")
    wait_until_decoding(host, visitor_id, "the host")
    poll(
        host,
        f"window.roundsProbe.audioSamplesReceived().then((a) => (a['{visitor_id}'] || 0) > 0)",
        "the host hears her",
    )

    # The host takes her camera permission away (which switches it off), then gives it back; she
    # switches it on again herself, and her video reaches the host again.
    controls = host.get_by_role("group", name="Controls for Amara Nwosu")
    controls.get_by_role("button", name="Stop allowing to use camera").click()
    expect(camera).to_have_attribute("aria-disabled", "true")
    expect(camera).to_have_attribute("aria-pressed", "false")
    expect(visitor.get_by_text("Your camera is off")).to_be_visible()
    camera.focus()  # still reachable from the keyboard, and it says why it does nothing now
    visitor.keyboard.press("Enter")
    expect(visitor.get_by_role("alert")).to_contain_text("Raise your hand to ask")
    controls.get_by_role("button", name="Allow to use camera").click()
    expect(camera).to_have_attribute("aria-disabled", "false")
    before = decodes_video_of(host, visitor_id)["frames"]
    camera.click()
    expect(camera).to_have_attribute("aria-pressed", "true")
    poll(
        host,
        f"window.roundsProbe.framesDecoded().then((f) => (f['{visitor_id}'] || 0) > {before} + 5)",
        "the host decodes her video again",
    )

    # Leaving ends the page cleanly, and the host sees her go.
    visitor.get_by_role("button", name="Leave").click()
    expect(visitor.get_by_role("heading", name="The session has ended")).to_be_visible()
    expect(visitor.get_by_text("You left the session.").first).to_be_visible()
    poll(host, "window.roundsProbe.remoteTiles.length === 0", "the visitor's tile goes away")


def test_visitor_reconnects_after_a_drop(
    server_url: str, media_chromium: Browser, contexts: list[BrowserContext]
) -> None:
    host = new_person(media_chromium, contexts)
    visitor = new_person(media_chromium, contexts)
    log_in(host, server_url, PRECEPTOR)
    log_in(visitor, server_url, AMARA)
    huddle = visit_of_kind(host, server_url, "huddle")
    assert huddle is not None
    join(host, server_url, huddle)
    poll(host, "window.roundsProbe.presence === 'admitted'", "the host is in")
    host_id = participant_id_of(host)
    join(visitor, server_url, huddle)
    presence = poll(visitor, "window.roundsProbe.presence", "the visitor joins")
    if presence == "waiting":  # run alone; after the first test she goes straight back in
        host.get_by_role("button", name="Admit Amara Nwosu").click()
    poll(visitor, "window.roundsProbe.presence === 'admitted'", "the visitor is in")
    wait_until_decoding(visitor, host_id, "the visitor")

    # The network drops: the socket closes without a goodbye and the page says so.
    assert "reconnecting" not in visitor.evaluate("window.roundsProbe.socketStatesSeen")
    visitor.evaluate("window.roundsProbe.dropSocket()")
    dropped = time.monotonic()
    # What the page showed, not what it shows now: it may be back before a poll looks.
    poll(visitor, "window.roundsProbe.socketStatesSeen.includes('reconnecting')", "reconnecting shown", 5)
    poll(
        visitor,
        "window.roundsProbe.statusesSeen.includes('Connection lost. Reconnecting…')",
        "the page says the connection was lost",
        5,
    )
    poll(visitor, "window.roundsProbe.socketState === 'open'", "the socket is back", 5)
    old_frames = 0  # a new peer connection counts from zero
    deadline = dropped + 5
    while time.monotonic() < deadline:
        seen = decodes_video_of(visitor, host_id)
        if seen["frames"] > old_frames and seen["width"] > 0:
            break
        time.sleep(0.1)
    else:
        raise AssertionError("the visitor did not get the host's video back within 5 s")
    assert visitor.evaluate("window.roundsProbe.reconnects") == 1
    assert visitor.evaluate("window.roundsProbe.presence") == "admitted"

    # Now the host's network drops: Amara is told the host left, and that they are back once they
    # are (regression: "The host has left… ends in 120 seconds" used to stay on her page).
    host.evaluate("window.roundsProbe.dropSocket()")
    poll(host, "window.roundsProbe.socketState === 'open'", "the host is back", 5)
    expect(visitor.get_by_role("status")).to_have_text("The host is back: the session goes on.")


def test_patient_and_visitor_see_each_other_only_after_consent(
    server_url: str, media_chromium: Browser, contexts: list[BrowserContext]
) -> None:
    host = new_person(media_chromium, contexts)
    visitor = new_person(media_chromium, contexts)
    patient = new_person(media_chromium, contexts)
    log_in(host, server_url, PRECEPTOR)
    log_in(visitor, server_url, AMARA)

    # A patient visit starting now, and the patient's single-use link.
    huddle = visit_of_kind(host, server_url, "huddle")
    assert huddle is not None
    detail = host.request.get(f"{server_url}/api/v1/visits/{huddle}").json()
    starts = (datetime.now(UTC) + timedelta(minutes=2)).replace(microsecond=0).isoformat()
    visit = api_post(
        host,
        server_url,
        "/visits",
        {
            "block_id": detail["block_id"],
            "kind": "patient_visit",
            "title": "Telehealth follow-up (e2e)",
            "starts_at": starts,
            "duration_minutes": 30,
            "visitor_ids": [invitee["visitor_id"] for invitee in detail["invitees"]],
        },
    )
    link = api_post(host, server_url, f"/visits/{visit['id']}/patient-link", {})
    opened = patient.goto(link["url"] if link["url"].startswith("http") else server_url + link["url"])
    if opened is None or opened.status == 404:
        pytest.skip("the patient link page (/join/{token}) is not served yet")
    expect(patient).to_have_url(f"{server_url}/visits/{visit['id']}/live")
    expect(patient.get_by_role("button", name="Join the visit")).to_be_visible()

    join(host, server_url, visit["id"])
    poll(host, "window.roundsProbe.presence === 'admitted'", "the host is in")
    host_id = participant_id_of(host)
    join(visitor, server_url, visit["id"])
    patient.get_by_role("button", name="Join the visit").click()
    visitor_id = participant_id_of(visitor)
    patient_id = participant_id_of(patient)
    waiting_room = host.get_by_role("region", name="Waiting room")
    waiting_room.get_by_role("button", name="Admit Amara Nwosu").click()
    waiting_room.get_by_role("button", name="Admit Patient").click()
    poll(patient, "window.roundsProbe.presence === 'admitted'", "the patient is admitted")
    wait_until_decoding(patient, host_id, "the patient")
    wait_until_decoding(visitor, host_id, "the visitor")

    # Amara's camera on (allowed by the host): still, without consent, neither sees the other.
    controls = host.get_by_role("group", name="Controls for Amara Nwosu")
    controls.get_by_role("button", name="Allow to use camera").click()
    camera = visitor.get_by_role("button", name="Camera", exact=True)
    expect(camera).to_have_attribute("aria-disabled", "false")
    camera.click()
    wait_until_decoding(host, visitor_id, "the host")
    assert decodes_video_of(patient, visitor_id)["frames"] == 0
    assert decodes_video_of(visitor, patient_id)["frames"] == 0

    # The host records verbal consent to interact: both decode each other (to observe only, the
    # patient would get nothing of Amara's).
    consent = host.get_by_role("region", name="Patient consent")
    consent.get_by_label("Learners may interact").check()
    consent.get_by_label("Verbally").check()
    consent.get_by_role("button", name="Record consent").click()
    expect(patient.get_by_role("status")).to_contain_text("Consent recorded")
    wait_until_decoding(patient, visitor_id, "the patient")
    wait_until_decoding(visitor, patient_id, "the visitor")

    # The patient withdraws: the page asks first, then the learners' view of them stops.
    patient.once("dialog", lambda dialog: dialog.accept())
    patient.get_by_role("button", name="Stop learners seeing and hearing me").click()
    expect(visitor.get_by_role("status")).to_contain_text("Consent withdrawn")

    # The host ends the visit. Joining it again is refused at once, and the page says why (it used to
    # retry six handshakes, then blame the network or the login).
    host.once("dialog", lambda dialog: dialog.accept())
    host.get_by_role("button", name="End for everyone").click()
    expect(visitor.get_by_role("heading", name="The session has ended")).to_be_visible()
    join(visitor, server_url, visit["id"])
    expect(visitor.get_by_role("heading", name="The session has ended")).to_be_visible()
    expect(visitor.locator("#ended-text")).to_have_text("This visit has ended.")


def test_precall_check_and_a_stranger(
    server_url: str, media_chromium: Browser, contexts: list[BrowserContext]
) -> None:
    stranger = new_person(media_chromium, contexts)
    response = stranger.goto(f"{server_url}/visits/1/live")
    assert response is not None and response.status == 401
    expect(stranger.get_by_role("alert")).to_contain_text("log in first")
    expect(stranger.get_by_role("link", name="Log in").last).to_have_attribute(
        "href", "/login?next=/visits/1/live"
    )

    visitor = new_person(media_chromium, contexts)
    log_in(visitor, server_url, AMARA)
    huddle = visit_of_kind(visitor, server_url, "huddle")
    assert huddle is not None
    visitor.goto(f"{server_url}/visits/{huddle}/live")
    visitor.get_by_role("link", name="Check my camera, sound and connection first").click()
    visitor.get_by_role("button", name="Start the check").click()
    for check in ("camera", "microphone", "connection"):
        expect(visitor.locator(f"#check-{check} .verdict")).to_have_text("Works")
    expect(visitor.locator("#check-connection .advice")).to_contain_text("Round trip")
    visitor.get_by_role("button", name="Play a test sound").click()
    visitor.get_by_role("button", name="Yes").click()
    expect(visitor.locator("#check-speaker .verdict")).to_have_text("Works")
    visitor.get_by_role("link", name="Go to the session").click()
    expect(visitor.get_by_role("button", name="Join session")).to_be_visible()

    # A device with no sound output, where AudioContext.resume() never settles (regression: the
    # check waited for ever): every check ends, and the page says what it could not test.
    silent = visitor.context.new_page()
    silent.add_init_script("AudioContext.prototype.resume = function () { return new Promise(() => {}); };")
    silent.goto(f"{server_url}/visits/{huddle}/check")
    silent.get_by_role("button", name="Start the check").click()
    for check in ("camera", "connection"):
        expect(silent.locator(f"#check-{check} .verdict")).to_have_text("Works")
    for check in ("microphone", "speaker"):
        expect(silent.locator(f"#check-{check} .verdict")).to_have_text("Check this")
        expect(silent.locator(f"#check-{check} .advice")).to_contain_text("could not")
    expect(silent.locator("#status")).to_contain_text("we could not test your speakers")
