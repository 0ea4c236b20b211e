"""Offers captured from real browsers in their default state pass the server's checks.

``tests/sessions/data/firefox_153_offer.sdp`` is what Debian's firefox-esr 153 offered with fake devices
and the camera permission not remembered: mDNS host names, TCP candidates, RTCP candidates (component
2, offered before RTCP multiplexing is agreed) and ``a=rtcp`` naming an mDNS host. The checks once
refused it for its component-2 candidates, so no Firefox user got media.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from sessions import peer_input
from sessions.remote_sdp import clean_description

FIREFOX_OFFER = (
    Path(__file__).resolve().parents[1] / "sessions" / "data" / "firefox_153_offer.sdp"
).read_text()


def test_a_real_firefox_offer_passes_the_checks_and_the_rehearsal() -> None:
    assert " 2 UDP " in FIREFOX_OFFER and ".local" in FIREFOX_OFFER  # what made it hard
    peer_input.check_offer_text(FIREFOX_OFFER)
    asyncio.run(peer_input.rehearse_offer(clean_description(FIREFOX_OFFER)))


def test_its_candidates_are_accepted_and_none_is_used() -> None:
    lines = [line for line in FIREFOX_OFFER.splitlines() if line.startswith("a=candidate:")]
    assert len(lines) == 16
    checked = [peer_input.check_candidate(line, "0", None) for line in lines]
    assert all(c is not None and not c.usable for c in checked)  # mDNS, TCP or RTCP: learnt by checks
