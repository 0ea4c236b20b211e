"""Real browsers joining a live session from behind the lab's NATs (see tests/lab/browsers.py).

The host is Dr. Reyes's aiortc participant beside the server (the ``host`` fixture, which admits whoever
waits); Amara joins the demo's huddle from a browser running inside one of the lab's home networks.
Each test sees video decoded both ways and reads, from the page's ``getStats()``, which ICE candidate
pair the browser uses — the proof of the path the network allowed.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Playwright, sync_playwright

from server.demo import DEMO_PASSWORD
from tests.lab.browsers import (
    LabBrowser,
    chromium_in,
    firefox_in,
    frames_from,
    join_huddle,
    open_huddle_id,
    poll,
)
from tests.support.cluster import AMARA
from tests.support.netlab import BASE_URL, SERVER_IP, TURN_IP, Lab, Participant

pytestmark = [pytest.mark.lab, pytest.mark.slow]

#: Bound on each wait (a join takes a second or two on an idle machine; this one is shared).
WAIT_SECONDS = 45.0


@pytest.fixture(scope="module")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as driver:
        yield driver


def join_both_ways(browser: LabBrowser, host: tuple[Participant, str]) -> dict[str, Any]:
    """Amara logs in and joins the huddle from ``browser``; both ends decode the other's video. The
    browser's selected candidate pair, and the host candidates its offer carried."""
    preceptor, host_id = host
    browser.log_in(BASE_URL, AMARA, DEMO_PASSWORD)
    join_huddle(browser, open_huddle_id(browser))
    poll(browser, "window.roundsProbe.presence === 'admitted'", "Amara is admitted", WAIT_SECONDS)
    amara_id = str(poll(browser, "window.roundsProbe.participantId", "Amara's participant id", WAIT_SECONDS))
    poll(
        browser,
        f"window.roundsProbe.framesDecoded().then((f) => (f['{host_id}'] || 0) > 0)",
        "Amara's browser decodes the host's video",
        WAIT_SECONDS,
    )
    preceptor.ask("wait_video", source=amara_id, within=WAIT_SECONDS)
    path = poll(browser, "window.roundsProbe.selectedPath()", "a selected candidate pair", WAIT_SECONDS)
    assert frames_from(browser, host_id) > 0
    return {"path": path, "offered": browser.evaluate("window.roundsProbe.localAddresses")}


def test_chromium_behind_a_symmetric_nat_uses_a_turn_relay(
    lab: Lab, host: tuple[Participant, str], playwright: Playwright
) -> None:
    with chromium_in(playwright, lab, "symmetric") as amara:
        joined = join_both_ways(amara, host)
    path = joined["path"]
    # Only UDP to the TURN server gets out of this network: Chromium's side of the pair is a relay
    # candidate on coturn, reached over UDP; the other side is the server's own address.
    assert path["localType"] == "relay" and path["relayProtocol"] == "udp", path
    assert path["localAddress"] == TURN_IP and path["remoteAddress"] == SERVER_IP, path


def test_firefox_behind_a_cone_nat_offers_mdns_and_is_found_through_the_nat(
    lab: Lab, host: tuple[Participant, str]
) -> None:
    with firefox_in(lab, "cone") as amara:
        joined = join_both_ways(amara, host)
    # Firefox hides its address behind mDNS names, which the server cannot resolve: the server learns
    # it peer-reflexively from Firefox's checks through the NAT, and no relay is needed.
    assert joined["offered"] and all(address.endswith(".local") for address in joined["offered"]), joined
    path = joined["path"]
    assert path["localType"] in ("host", "srflx", "prflx"), path
    assert path["remoteAddress"] == SERVER_IP, path


def test_chromium_on_a_network_without_udp_relays_over_turn_tcp(
    lab: Lab, host: tuple[Participant, str], playwright: Playwright
) -> None:
    with chromium_in(playwright, lab, "no_udp") as amara:
        joined = join_both_ways(amara, host)
    path = joined["path"]
    assert path["localType"] == "relay" and path["relayProtocol"] == "tcp", path
    assert path["localAddress"] == TURN_IP and path["remoteAddress"] == SERVER_IP, path
