"""Chromium and Firefox send transport-wide congestion control feedback about what the server sends
them, and the server matches it to what it sent (issue 14; sessions/transport_feedback.py).

The server's offers add the transport-wide sequence number extension and ``rtcp-fb transport-cc`` to
the sections it sends on (sessions/negotiation.py); both browsers must accept those offers. A
Chromium host (camera allowed) and a Firefox visitor each receive the other's media from the server
for a few seconds, then leave; when the server lets a connection go it logs what that participant's
transport feedback amounted to (a JSON line with the counts as fields), which is what this test reads
from the server's log: the browser sent feedback, none of it malformed, packets it reported as
received were ones the server had stamped, and their arrival times (the browser's clock) advance
with their send times (the server's).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import ExitStack
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Playwright

from tests.e2e.conftest import E2eServer
from tests.e2e.firefox import Firefox, launch_firefox
from tests.e2e.test_live_firefox import ff_decodes, ff_join, ff_participant_id, firefox_person
from tests.e2e.test_live_session import (
    AMARA,
    PRECEPTOR,
    SESSION_PROBE,
    decodes_video_of,
    join,
    log_in,
    participant_id_of,
    poll,
    visit_of_kind,
)
from tests.support.chromium import CHROMIUM, CHROMIUM_ARGS, GRANTED_MEDIA_ARGS
from tests.support.waiting import poll_until

pytestmark = pytest.mark.e2e

#: Bound on each wait (the machine is shared; a join takes about a second).
WAIT_SECONDS = 20.0
#: Frames each page decodes after the first before both leave: a few seconds of media at 30 fps.
FRAMES = 90


@pytest.fixture(scope="module")
def media_chromium(playwright: Playwright) -> Iterator[Browser]:
    """Debian's Chromium with fake media devices, granted (real host addresses)."""
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: install it with `apt-get install -y chromium`.")
    browser = playwright.chromium.launch(
        executable_path=str(CHROMIUM), args=[*CHROMIUM_ARGS, *GRANTED_MEDIA_ARGS]
    )
    yield browser
    browser.close()


@pytest.fixture
def chromium_pages(media_chromium: Browser) -> Iterator[list[BrowserContext]]:
    made: list[BrowserContext] = []
    yield made
    for context in made:
        context.close()


@pytest.fixture
def firefoxes() -> Iterator[ExitStack]:
    with ExitStack() as stack:
        yield stack


def feedback_lines(log: str) -> dict[str, dict[str, Any]]:
    """The server's transport feedback summaries in ``log``, by participant id."""
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
    e2e_server: E2eServer, media_chromium: Browser, chromium_pages: list[BrowserContext], firefoxes: ExitStack
) -> None:
    base = e2e_server.url
    context = media_chromium.new_context(viewport={"width": 1100, "height": 800}, locale="en-US")
    context.set_default_timeout(WAIT_SECONDS * 1000)
    context.add_init_script(path=SESSION_PROBE)
    context.grant_permissions(["camera", "microphone"], origin=base)
    chromium_pages.append(context)
    host: Page = context.new_page()
    log_in(host, base, PRECEPTOR)
    huddle = visit_of_kind(host, base, "huddle")
    assert huddle is not None, "the demo has a huddle open for joining"
    join(host, base, huddle)
    poll(host, "window.roundsProbe.presence === 'admitted'", "the host is in", WAIT_SECONDS)
    host_id = participant_id_of(host)

    visitor: Firefox = firefox_person(
        lambda: firefoxes.enter_context(launch_firefox(SESSION_PROBE)), base, AMARA
    )
    ff_join(visitor, base, huddle)
    presence = visitor.poll("window.roundsProbe.presence", "the visitor joins", WAIT_SECONDS)
    visitor_id = ff_participant_id(visitor)
    if presence == "waiting":
        host.get_by_role("region", name="Waiting room").get_by_role(
            "button", name="Admit Amara Nwosu"
        ).click()
    visitor.poll("window.roundsProbe.presence === 'admitted'", "the visitor is admitted", WAIT_SECONDS)

    # Media both ways (each browser receives from the server on sections offered with transport-cc:
    # decoding at all shows that both accepted the server's offers), for a few seconds.
    poll_until(lambda: ff_decodes(visitor, host_id)["frames"] > 0, "Firefox decodes the host", WAIT_SECONDS)
    poll_until(
        lambda: decodes_video_of(host, visitor_id)["frames"] > 0, "Chromium decodes Amara", WAIT_SECONDS
    )
    seen_by_visitor = ff_decodes(visitor, host_id)["frames"]
    seen_by_host = decodes_video_of(host, visitor_id)["frames"]
    poll_until(
        lambda: (
            ff_decodes(visitor, host_id)["frames"] > seen_by_visitor + FRAMES
            and decodes_video_of(host, visitor_id)["frames"] > seen_by_host + FRAMES
        ),
        "both pages decode a few seconds more",
        WAIT_SECONDS * 2,
    )

    visitor.click("#leave", "Leave")
    host.get_by_role("button", name="Leave").click()
    summaries = poll_until(
        lambda: (
            (lines := feedback_lines(e2e_server.log.read_text())).keys() >= {host_id, visitor_id} and lines
        ),
        "the server's transport feedback summaries of both participants",
        WAIT_SECONDS,
    )

    for who, participant_id in (("chromium", host_id), ("firefox", visitor_id)):
        counts = summaries[participant_id]
        print(who, counts["message"])  # the figures, for the log of a run
        assert counts["stamped"] > 0, counts
        assert counts["feedbacks"] > 0 and counts["malformed"] == 0, counts
        # Packets reported received matched ones the server sent (only those are counted)...
        assert counts["received"] > FRAMES, counts
        assert counts["received"] + counts["lost"] <= counts["stamped"], counts
        # ...and the browser's arrival times advance with the server's send times: over seconds of
        # media, the two spans differ by the change in queueing delay, a fraction of a second.
        assert counts["arrival_span"] > 0, counts
        assert abs(counts["arrival_span"] - counts["sent_span"]) < 0.5 + 0.1 * counts["sent_span"], counts
