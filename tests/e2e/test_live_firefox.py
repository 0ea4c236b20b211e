"""Live sessions with Firefox, and with Chromium in its default permission state, against a real server.

Every browser here is in the state real users are in, not the one test flags make:

* Firefox (``firefox-esr`` over Marionette, see ``firefox.py``) skips the camera prompt without a
  permission remembered for the origin, so it offers mDNS host candidates (``<uuid>.local``) and
  ``a=end-of-candidates``, and writes the mDNS name into ``a=rtcp``.
* Chromium runs without ``--use-fake-ui-for-media-stream``. Measured here (Chromium 156): a camera
  permission granted through CDP (``Browser.grantPermissions``, what Playwright's ``grant_permissions``
  sends) makes Chromium offer its real addresses, exactly like the flag — Chromium shows addresses to
  any page allowed to use the camera or microphone, and revoking the permission ends the camera's
  tracks, so no setting gives a working camera with mDNS candidates. A Chromium page without the
  permission (headless has no prompt, so ``getUserMedia`` is refused) offers mDNS names; it can still
  receive. So the Chromium host here is "a user who clicked Allow", and a Chromium participant
  without the permission is the one offering mDNS candidates.

The page state is read through ``session_probe.js``, added to every page before its own scripts (a
Marionette frame script in Firefox, ``add_init_script`` in Chromium).

Both browsers also send transport-wide congestion control feedback about what the server sends them
(issue 14: the server's offers ask for it, sessions/negotiation.py), and the server matches it to what
it sent (sessions/transport_feedback.py): the last test reads the per-connection summary the server
logs when a connection goes.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Playwright

from tests.e2e.conftest import E2eServer
from tests.e2e.firefox import Firefox, launch_firefox
from tests.e2e.test_live_session import (
    AMARA,
    PASSWORD,
    PRECEPTOR,
    SESSION_PROBE,
    api_post,
    decodes_video_of,
    join,
    log_in,
    participant_id_of,
    poll,
    visit_of_kind,
    wait_until_decoding,
)
from tests.support.chromium import CHROMIUM, CHROMIUM_ARGS, DEFAULT_STATE_ARGS
from tests.support.waiting import poll_until

pytestmark = pytest.mark.e2e

#: Chromium's fake camera and microphone, without the flag that grants them (and real addresses).
#: Bound on each wait: generous, the machine is shared; a join takes about a second.
WAIT_SECONDS = 15.0

FirefoxFactory = Callable[[], Firefox]


@pytest.fixture(scope="module")
def default_chromium(playwright: Playwright) -> Iterator[Browser]:
    """Debian's Chromium with fake media devices and no flag granting them."""
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: install it with `apt-get install -y chromium`.")
    browser = playwright.chromium.launch(
        executable_path=str(CHROMIUM), args=[*CHROMIUM_ARGS, *DEFAULT_STATE_ARGS]
    )
    yield browser
    browser.close()


@pytest.fixture
def contexts(default_chromium: Browser) -> Iterator[list[BrowserContext]]:
    """Fresh Chromium profiles (one per person), closed after the test."""
    made: list[BrowserContext] = []
    yield made
    for context in made:
        context.close()


@pytest.fixture
def firefoxes() -> Iterator[FirefoxFactory]:
    """Start Firefoxes (one per person, each with a fresh profile); all quit after the test."""
    with ExitStack() as stack:
        yield lambda: stack.enter_context(launch_firefox(SESSION_PROBE))


def chromium_person(browser: Browser, contexts: list[BrowserContext], base: str, *, camera: bool) -> Page:
    """A Chromium profile; ``camera`` grants camera and microphone to the server's origin via CDP."""
    context = browser.new_context(viewport={"width": 1100, "height": 800}, locale="en-US")
    context.set_default_timeout(WAIT_SECONDS * 1000)
    context.add_init_script(path=SESSION_PROBE)
    if camera:
        context.grant_permissions(["camera", "microphone"], origin=base)
    contexts.append(context)
    return context.new_page()


def firefox_person(firefoxes: FirefoxFactory, base: str, email: str) -> Firefox:
    """A new Firefox (fresh profile) logged in as ``email``."""
    browser = firefoxes()
    browser.log_in(base, email, PASSWORD)
    return browser


def ff_join(browser: Firefox, base: str, visit_id: int) -> None:
    """Open the live page and press its join button with a real click."""
    browser.goto(f"{base}/visits/{visit_id}/live")
    browser.click("#join")


def ff_participant_id(browser: Firefox) -> str:
    """The participant id the server gave the page (from its ``welcome``)."""
    return str(browser.poll("window.roundsProbe.participantId", "participant id", WAIT_SECONDS))


def ff_decodes(browser: Firefox, participant_id: str) -> dict[str, int]:
    """Frames decoded from ``participant_id`` and the width of their tile's video (0 if none)."""
    seen: dict[str, int] = browser.evaluate(
        """(async () => {
            const frames = (await window.roundsProbe.framesDecoded())[args[0]] || 0;
            const tile = window.roundsProbe.remoteTiles.find((t) => t.participantId === args[0]);
            return {frames, width: tile ? tile.videoWidth : 0};
        })()""",
        participant_id,
    )
    return seen


def ff_wait_until_decoding(browser: Firefox, participant_id: str, who: str, more_than: int = 0) -> None:
    """Wait until the page has decoded more than ``more_than`` frames of ``participant_id`` and shows them."""
    deadline = time.monotonic() + WAIT_SECONDS
    seen: dict[str, int] = {}
    while time.monotonic() < deadline:
        seen = ff_decodes(browser, participant_id)
        if seen["frames"] > more_than and seen["width"] > 0:
            return
        time.sleep(0.2)
    raise AssertionError(f"{who} never decoded {participant_id}'s video (more than {more_than}): {seen}")


def local_addresses(addresses: list[str]) -> tuple[bool, bool]:
    """Whether ``addresses`` (of a page's host candidates) hold mDNS names, and real addresses."""
    mdns = any(address.endswith(".local") for address in addresses)
    return mdns, any(not address.endswith(".local") for address in addresses)


def admit_if_waiting(presence: str, admit: Callable[[], None]) -> None:
    """Amara goes straight back in once admitted earlier in this module's room; else the host admits."""
    if presence == "waiting":
        admit()


def test_firefox_visitor_and_chromium_host_see_each_other(
    server_url: str, default_chromium: Browser, contexts: list[BrowserContext], firefoxes: FirefoxFactory
) -> None:
    host = chromium_person(default_chromium, contexts, server_url, camera=True)
    log_in(host, server_url, PRECEPTOR)
    visitor = firefox_person(firefoxes, server_url, AMARA)
    huddle = visit_of_kind(host, server_url, "huddle")
    assert huddle is not None, "the demo has a huddle open for joining"

    join(host, server_url, huddle)
    poll(host, "window.roundsProbe.presence === 'admitted'", "the host is in", WAIT_SECONDS)
    host_id = participant_id_of(host)

    ff_join(visitor, server_url, huddle)
    visitor.poll("window.roundsProbe.presence === 'waiting'", "the visitor waits", WAIT_SECONDS)
    visitor_id = ff_participant_id(visitor)
    assert ff_decodes(visitor, host_id)["frames"] == 0
    # The states this test is about: Firefox offers only mDNS names; Chromium, allowed the camera,
    # its addresses.
    ff_addresses = visitor.poll("window.roundsProbe.localAddresses", "Firefox's candidates", WAIT_SECONDS)
    assert local_addresses(ff_addresses) == (True, False), ff_addresses
    assert local_addresses(host.evaluate("window.roundsProbe.localAddresses"))[1]

    host.get_by_role("region", name="Waiting room").get_by_role("button", name="Admit Amara Nwosu").click()
    visitor.poll("window.roundsProbe.presence === 'admitted'", "the visitor is admitted", WAIT_SECONDS)
    ff_wait_until_decoding(visitor, host_id, "the Firefox visitor")
    wait_until_decoding(host, visitor_id, "the Chromium host")
    before = ff_decodes(visitor, host_id)["frames"]
    ff_wait_until_decoding(visitor, host_id, "the Firefox visitor, still", more_than=before + 5)


def test_two_firefoxes_see_each_other(server_url: str, firefoxes: FirefoxFactory) -> None:
    host = firefox_person(firefoxes, server_url, PRECEPTOR)
    visitor = firefox_person(firefoxes, server_url, AMARA)
    visits = host.evaluate("fetch('/api/v1/visits').then((r) => r.json())")
    huddle_id = next(
        int(v["id"]) for v in visits if v["kind"] == "huddle" and v["status"] in ("scheduled", "live")
    )

    ff_join(host, server_url, huddle_id)
    host.poll("window.roundsProbe.presence === 'admitted'", "the host is in", WAIT_SECONDS)
    host_id = ff_participant_id(host)
    ff_join(visitor, server_url, huddle_id)
    presence = visitor.poll("window.roundsProbe.presence", "the visitor joins", WAIT_SECONDS)
    visitor_id = ff_participant_id(visitor)
    admit_if_waiting(presence, lambda: host.click("#waiting-list button", "Admit Amara Nwosu"))
    visitor.poll("window.roundsProbe.presence === 'admitted'", "the visitor is admitted", WAIT_SECONDS)
    ff_wait_until_decoding(visitor, host_id, "the Firefox visitor")
    ff_wait_until_decoding(host, visitor_id, "the Firefox host")


def test_firefox_visitor_reloads_and_gets_media_again(
    server_url: str, default_chromium: Browser, contexts: list[BrowserContext], firefoxes: FirefoxFactory
) -> None:
    host = chromium_person(default_chromium, contexts, server_url, camera=True)
    log_in(host, server_url, PRECEPTOR)
    visitor = firefox_person(firefoxes, server_url, AMARA)
    huddle = visit_of_kind(host, server_url, "huddle")
    assert huddle is not None
    join(host, server_url, huddle)
    poll(host, "window.roundsProbe.presence === 'admitted'", "the host is in", WAIT_SECONDS)
    host_id = participant_id_of(host)
    ff_join(visitor, server_url, huddle)
    presence = visitor.poll("window.roundsProbe.presence", "the visitor joins", WAIT_SECONDS)
    visitor_id = ff_participant_id(visitor)
    admit_if_waiting(presence, lambda: host.get_by_role("button", name="Admit Amara Nwosu").click())
    ff_wait_until_decoding(visitor, host_id, "the Firefox visitor")
    wait_until_decoding(host, visitor_id, "the Chromium host")
    host_saw = int(host.evaluate(f"window.roundsProbe.framesDecoded().then((f) => f['{visitor_id}'] || 0)"))

    # A reload: the old page goes (pagehide sends leave), the new one joins from scratch with a new
    # peer connection, and, admitted before, she goes straight back in with media both ways.
    visitor.reload()
    visitor.poll("window.roundsProbe.participantId === null", "the page is a new one", WAIT_SECONDS)
    visitor.click("#join")
    visitor.poll("window.roundsProbe.presence === 'admitted'", "the visitor is back in", WAIT_SECONDS)
    assert ff_participant_id(visitor) == visitor_id
    ff_wait_until_decoding(visitor, host_id, "the reloaded Firefox visitor")
    poll(
        host,
        f"window.roundsProbe.framesDecoded().then((f) => (f['{visitor_id}'] || 0) > 5 && "
        f"(f['{visitor_id}'] || 0) !== {host_saw})",
        "the host decodes the reloaded visitor",
        WAIT_SECONDS,
    )


def test_chromium_without_camera_permission_receives_firefox_host(
    server_url: str, default_chromium: Browser, contexts: list[BrowserContext], firefoxes: FirefoxFactory
) -> None:
    host = firefox_person(firefoxes, server_url, PRECEPTOR)
    visitor = chromium_person(default_chromium, contexts, server_url, camera=False)
    log_in(visitor, server_url, AMARA)
    huddle = visit_of_kind(visitor, server_url, "huddle")
    assert huddle is not None
    ff_join(host, server_url, huddle)
    host.poll("window.roundsProbe.presence === 'admitted'", "the host is in", WAIT_SECONDS)
    host_id = ff_participant_id(host)

    join(visitor, server_url, huddle)
    presence = poll(visitor, "window.roundsProbe.presence", "the visitor joins", WAIT_SECONDS)
    admit_if_waiting(presence, lambda: host.click("#waiting-list button", "Admit Amara Nwosu"))
    poll(visitor, "window.roundsProbe.presence === 'admitted'", "the visitor is in", WAIT_SECONDS)
    wait_until_decoding(visitor, host_id, "the Chromium visitor without a camera")
    addresses = visitor.evaluate("window.roundsProbe.localAddresses")
    assert local_addresses(addresses) == (True, False), addresses


def test_firefox_patient_and_visitor_see_each_other_only_after_consent(
    server_url: str, default_chromium: Browser, contexts: list[BrowserContext], firefoxes: FirefoxFactory
) -> None:
    host = chromium_person(default_chromium, contexts, server_url, camera=True)
    log_in(host, server_url, PRECEPTOR)
    visitor = firefox_person(firefoxes, server_url, AMARA)
    patient = firefoxes()

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
            "title": "Telehealth follow-up (Firefox e2e)",
            "starts_at": starts,
            "duration_minutes": 30,
            "visitor_ids": [invitee["visitor_id"] for invitee in detail["invitees"]],
        },
    )
    link = api_post(host, server_url, f"/visits/{visit['id']}/patient-link", {})
    patient.goto(link["url"] if link["url"].startswith("http") else server_url + link["url"])
    assert patient.url == f"{server_url}/visits/{visit['id']}/live"

    join(host, server_url, visit["id"])
    poll(host, "window.roundsProbe.presence === 'admitted'", "the host is in", WAIT_SECONDS)
    host_id = participant_id_of(host)
    ff_join(visitor, server_url, visit["id"])
    patient.click("#join", "Join the visit")
    visitor_id = ff_participant_id(visitor)
    patient_id = ff_participant_id(patient)
    waiting_room = host.get_by_role("region", name="Waiting room")
    waiting_room.get_by_role("button", name="Admit Amara Nwosu").click()
    waiting_room.get_by_role("button", name="Admit Patient").click()
    patient.poll("window.roundsProbe.presence === 'admitted'", "the patient is admitted", WAIT_SECONDS)
    ff_wait_until_decoding(patient, host_id, "the Firefox patient")
    ff_wait_until_decoding(visitor, host_id, "the Firefox visitor")
    wait_until_decoding(host, patient_id, "the host")

    # Amara's camera on (allowed by the host): still, without consent, neither sees the other.
    host.get_by_role("group", name="Controls for Amara Nwosu").get_by_role(
        "button", name="Allow to use camera"
    ).click()
    visitor.poll(
        "document.getElementById('toggle-video').getAttribute('aria-disabled') === 'false'",
        "the visitor may use her camera",
        WAIT_SECONDS,
    )
    visitor.click("#toggle-video", "Camera")
    wait_until_decoding(host, visitor_id, "the host")
    assert ff_decodes(patient, visitor_id)["frames"] == 0
    assert ff_decodes(visitor, patient_id)["frames"] == 0

    # The host records verbal consent to interact: both decode each other (to observe only, the
    # patient would get nothing of Amara's).
    consent = host.get_by_role("region", name="Patient consent")
    consent.get_by_label("Learners may interact").check()
    consent.get_by_label("Verbally").check()
    consent.get_by_role("button", name="Record consent").click()
    patient.poll(
        "[...document.querySelectorAll('[role=status]')]"
        ".some((s) => s.textContent.includes('Consent recorded'))",
        "the patient is told consent was recorded",
        WAIT_SECONDS,
    )
    ff_wait_until_decoding(patient, visitor_id, "the Firefox patient")
    ff_wait_until_decoding(visitor, patient_id, "the Firefox visitor")


#: Frames each page decodes, after its first, before both leave: a few seconds of media at 30 fps.
FEEDBACK_FRAMES = 90


def feedback_summaries(log: str) -> dict[str, dict[str, Any]]:
    """The server's transport feedback summaries in ``log`` (JSON lines), by participant id."""
    found: dict[str, dict[str, Any]] = {}
    for line in log.splitlines():
        try:
            entry = json.loads(line)
        except ValueError:
            continue
        if isinstance(entry, dict) and str(entry.get("message", "")).startswith(
            "transport-wide feedback from"
        ):
            found[str(entry["participant"])] = entry
    return found


def test_chromium_and_firefox_send_transport_feedback_that_the_server_matches(
    e2e_server: E2eServer,
    default_chromium: Browser,
    contexts: list[BrowserContext],
    firefoxes: FirefoxFactory,
) -> None:
    base = e2e_server.url
    log_start = e2e_server.log.stat().st_size  # earlier tests' connections have summaries too
    host = chromium_person(default_chromium, contexts, base, camera=True)
    log_in(host, base, PRECEPTOR)
    visitor = firefox_person(firefoxes, base, AMARA)
    # A huddle of its own: the demo's has the earlier tests' people and their media states in it.
    demo_huddle = visit_of_kind(host, base, "huddle")
    assert demo_huddle is not None
    detail = host.request.get(f"{base}/api/v1/visits/{demo_huddle}").json()
    huddle = api_post(
        host,
        base,
        "/visits",
        {
            "block_id": detail["block_id"],
            "kind": "huddle",
            "title": "Huddle (transport feedback e2e)",
            "starts_at": (datetime.now(UTC) + timedelta(minutes=2)).replace(microsecond=0).isoformat(),
            "duration_minutes": 30,
            "visitor_ids": [invitee["visitor_id"] for invitee in detail["invitees"]],
        },
    )["id"]
    join(host, base, huddle)
    poll(host, "window.roundsProbe.presence === 'admitted'", "the host is in", WAIT_SECONDS)
    host_id = participant_id_of(host)
    ff_join(visitor, base, huddle)
    visitor.poll("window.roundsProbe.presence === 'waiting'", "the visitor waits", WAIT_SECONDS)
    visitor_id = ff_participant_id(visitor)
    host.get_by_role("region", name="Waiting room").get_by_role("button", name="Admit Amara Nwosu").click()
    visitor.poll("window.roundsProbe.presence === 'admitted'", "the visitor is admitted", WAIT_SECONDS)

    # Media both ways, each browser receiving from the server on sections offered with transport-cc
    # (decoding at all shows that both accepted the server's offers), for a few seconds.
    ff_wait_until_decoding(visitor, host_id, "the Firefox visitor")
    wait_until_decoding(host, visitor_id, "the Chromium host")
    seen_by_visitor = ff_decodes(visitor, host_id)["frames"]
    seen_by_host = decodes_video_of(host, visitor_id)["frames"]
    poll_until(
        lambda: (
            ff_decodes(visitor, host_id)["frames"] > seen_by_visitor + FEEDBACK_FRAMES
            and decodes_video_of(host, visitor_id)["frames"] > seen_by_host + FEEDBACK_FRAMES
        ),
        "both pages decode a few seconds more",
        WAIT_SECONDS * 2,
    )

    visitor.click("#leave", "Leave")
    host.get_by_role("button", name="Leave").click()

    def summaries() -> dict[str, dict[str, Any]]:
        with e2e_server.log.open("rb") as log:
            log.seek(log_start)
            found = feedback_summaries(log.read().decode("utf-8", "replace"))
        return found if found.keys() >= {host_id, visitor_id} else {}

    found = poll_until(summaries, "the server's transport feedback summaries of both", WAIT_SECONDS)
    for who, participant_id in (("chromium", host_id), ("firefox", visitor_id)):
        counts = found[participant_id]
        print(who, counts["message"])  # the figures, for the log of a run
        assert counts["stamped"] > 0, counts
        assert counts["feedbacks"] > 0 and counts["malformed"] == 0, counts
        # Packets reported received matched ones the server numbered (only those are counted)...
        assert counts["received"] > FEEDBACK_FRAMES, counts
        assert counts["received"] + counts["lost"] <= counts["stamped"], counts
        # ...and the browser's arrival times advance with the server's send times: over seconds of
        # media the two spans differ by how much the queueing delay changed, a fraction of a second.
        assert counts["arrival_span"] > 0, counts
        assert abs(counts["arrival_span"] - counts["sent_span"]) < 0.5 + 0.1 * counts["sent_span"], counts
