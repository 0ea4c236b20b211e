"""Debian's Chromium as every browser test and benchmark starts it: one home for its path and flags."""

from __future__ import annotations

import os
from pathlib import Path

CHROMIUM = Path(os.environ.get("ROUNDS_TEST_CHROMIUM", "/usr/bin/chromium"))
#: Headless, and quiet on this machine's closed network (background networking would be refused).
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
#: A live session in the state real users are in: a fake camera and microphone, and no flag that grants
#: them (the page asks; granted by CDP it offers real addresses, refused it offers mDNS names).
DEFAULT_STATE_ARGS = [
    "--use-fake-device-for-media-stream",
    "--allow-loopback-in-peer-connection",
    "--autoplay-policy=no-user-gesture-required",
]
#: The same with the permission granted by a flag, which also makes Chromium offer real host addresses.
GRANTED_MEDIA_ARGS = [*DEFAULT_STATE_ARGS, "--use-fake-ui-for-media-stream"]
