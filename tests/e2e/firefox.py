"""Headless Firefox (Debian's ``firefox-esr``) driven over Marionette, for the e2e tests.

No geckodriver can be downloaded on these machines, so each browser is a ``firefox-esr --headless
--marionette`` process with a fresh profile of its own (its own cookie jar: one per person), spoken to
with PyPI's ``marionette-driver``. The profile's preferences give Firefox a fake camera and microphone
(``media.navigator.streams.fake``) and skip the permission prompt without remembering a permission for
the origin: that is the state real users are in, in which Firefox offers mDNS host candidates
(``<uuid>.local``) instead of its addresses.

Like Playwright's ``add_init_script``, :func:`launch_firefox` can add a script to every web page
before the page's own scripts (the e2e tests' ``session_probe.js``): a frame script, loaded from the
chrome context, runs it in the page's world when the page's root element appears. The production pages
stay free of test hooks.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Iterator, Mapping
from contextlib import ExitStack, contextmanager, suppress
from pathlib import Path
from typing import Any

from marionette_driver.marionette import Marionette, WebElement

from tests.support.netns_port import forward_into
from tests.support.processes import free_port
from tests.support.waiting import poll_until

FIREFOX = Path(os.environ.get("ROUNDS_TEST_FIREFOX", "/usr/bin/firefox-esr"))
#: Bound on starting Firefox and on each page load; generous because the machine is shared.
START_SECONDS = 60.0
#: Preferences of every profile. The media ones are what the live session needs; the rest keep a
#: machine without internet from waiting on update, telemetry and remote-settings requests.
PREFS: dict[str, bool | int | str] = {
    "media.navigator.streams.fake": True,  # a test pattern and a tone instead of real devices
    "media.navigator.permission.disabled": True,  # no prompt, and nothing remembered: mDNS candidates
    "media.autoplay.default": 0,  # remote audio and video may play without a click
    "media.cubeb.force_mock_context": True,  # no sound card here: AudioContext.resume() hangs without it
    "app.update.disabledForTesting": True,
    "browser.shell.checkDefaultBrowser": False,
    "datareporting.policy.dataSubmissionEnabled": False,
    "toolkit.telemetry.reportingpolicy.firstRun": False,
    "services.settings.server": "data:,#remote-settings-off",
    "network.captive-portal-service.enabled": False,
    "network.connectivity-service.enabled": False,
}

# Runs in each content process (a frame script): when an http(s) document gets its root element, run
# the source in the page's own world (a sandbox with the page's principal and the window as its
# prototype, without Xrays), before any script of the page. Not as an inline <script>: Rounds' pages
# forbid inline scripts (Content-Security-Policy), which holds for a test's too.
_FRAME_SCRIPT = """
const SOURCE = %s;
addEventListener("DOMDocElementInserted", (event) => {
  const doc = event.target;
  if (!doc.documentElement || !/^https?:$/.test(doc.location?.protocol ?? "")) return;
  const win = doc.defaultView;
  const sandbox = Cu.Sandbox(win, { sandboxPrototype: win, wantXrays: false, sameZoneAs: win });
  Cu.evalInSandbox(SOURCE, sandbox);
}, true);
"""


def _write_profile(profile: Path, marionette_port: int, prefs: Mapping[str, bool | int | str]) -> None:
    lines = [f"user_pref({json.dumps(name)}, {json.dumps(value)});" for name, value in prefs.items()]
    lines.append(f'user_pref("marionette.port", {marionette_port});')
    (profile / "user.js").write_text("\n".join(lines) + "\n")


class Firefox:
    """One running Firefox with its own profile: a person's browser in a test."""

    def __init__(self, client: Marionette) -> None:
        self.client = client

    def goto(self, url: str) -> None:
        """Load ``url`` in the browser's tab and wait for it to load."""
        self.client.navigate(url)

    def reload(self) -> None:
        """Reload the page, as the browser's reload button does, and wait for it to load."""
        self.client.refresh()

    @property
    def url(self) -> str:
        """The address of the page shown now."""
        return str(self.client.get_url())

    def evaluate(self, expression: str, *args: Any) -> Any:
        """The value of the JavaScript ``expression`` in the page (a Promise is awaited).

        The expression runs in the page's own world (not a sandbox), so it sees what the page and the
        probe define; ``args`` are visible to it as the array ``args``.
        """
        script = f"return (async (args) => ({expression}))(Array.from(arguments));"
        return self.client.execute_script(script, script_args=list(args), sandbox=None, new_sandbox=False)

    def poll(self, expression: str, what: str, bound: float) -> Any:
        """Evaluate ``expression`` until it is truthy, within ``bound`` seconds; its last value."""
        return poll_until(lambda: self.evaluate(expression), what, bound)

    def element(self, selector: str, name: str | None = None) -> WebElement:
        """The first element matching the CSS ``selector`` (whose accessible name is ``name``, if given).

        The name is the ``aria-label`` or else the text without ``aria-hidden`` parts, as a screen
        reader would say it for a button.
        """
        found = self.client.execute_script(
            """
            const [selector, name] = arguments;
            const spoken = (el) => {
              if (el.getAttribute("aria-label")) return el.getAttribute("aria-label");
              const copy = el.cloneNode(true);
              copy.querySelectorAll("[aria-hidden=true]").forEach((part) => part.remove());
              return copy.textContent.replace(/\\s+/g, " ").trim();
            };
            return [...document.querySelectorAll(selector)].find((el) => name === null || spoken(el) === name)
              ?? null;
            """,
            script_args=[selector, name],
            sandbox=None,
        )
        if not isinstance(found, WebElement):
            raise AssertionError(f"no {selector!r} named {name!r} on {self.url}")
        return found

    def click(self, selector: str, name: str | None = None, bound: float = 8.0) -> None:
        """Click the element (a real click through Marionette, so a user gesture), waiting for it."""
        deadline = time.monotonic() + bound
        while True:
            try:
                self.element(selector, name).click()
                return
            except AssertionError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)

    def fill(self, selector: str, text: str) -> None:
        """Type ``text`` into the input matching ``selector``, replacing what it held."""
        field = self.element(selector)
        field.clear()
        field.send_keys(text)

    def log_in(self, base: str, email: str, password: str) -> None:
        """Log in through the login page and wait for the dashboard."""
        self.goto(f"{base}/login")
        self.fill("#email", email)
        self.fill("#password", password)
        self.click("button[type=submit]", "Log in")
        self.poll("location.pathname === '/dashboard'", f"{email} reaches the dashboard", START_SECONDS)

    def frames_decoded(self) -> dict[str, int]:
        """Video frames decoded per participant, from the probe (inbound-rtp ``framesDecoded``)."""
        return dict(self.evaluate("window.roundsProbe.framesDecoded()"))


def _stop(process: subprocess.Popen[bytes]) -> None:
    """End Firefox and its content processes (its own process group), politely first."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        with suppress(subprocess.TimeoutExpired):
            process.wait(timeout=15)
    with suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)  # content processes that outlived the parent
    process.wait(timeout=15)


@contextmanager
def launch_firefox(
    init_script: Path | None = None,
    *,
    netns: str | None = None,
    extra_prefs: Mapping[str, bool | int | str] | None = None,
) -> Iterator[Firefox]:
    """A headless Firefox with a fresh profile, quit and its profile removed on leaving.

    ``init_script``, if given, runs in every http(s) page before the page's own scripts. ``netns``
    runs Firefox in that network namespace (``ip netns exec``; the network lab's), its Marionette port
    reached through :func:`tests.support.netns_port.forward_into`. ``extra_prefs`` add to :data:`PREFS`.
    """
    if not FIREFOX.exists():
        raise AssertionError(f"{FIREFOX} is missing: install it with `apt-get install -y firefox-esr`.")
    profile = Path(tempfile.mkdtemp(prefix="rounds-firefox-"))
    port = free_port()
    _write_profile(profile, port, {**PREFS, **(extra_prefs or {})})
    with ExitStack() as stack:
        address = port if netns is None else stack.enter_context(forward_into(netns, port))
        yield from _run(profile, port, address, init_script, netns)


def _run(
    profile: Path, port: int, address: int, init_script: Path | None, netns: str | None
) -> Iterator[Firefox]:
    """Start Firefox on ``profile`` (Marionette on ``port``, reached at 127.0.0.1:``address``); stop it."""
    prefix = [] if netns is None else ["ip", "netns", "exec", netns]  # ip execs Firefox: same pid
    with (profile / "firefox.log").open("wb") as log:
        process = subprocess.Popen(
            [
                *prefix,
                *(str(FIREFOX), "--headless", "--marionette", "-remote-allow-system-access", "--no-remote"),
                *("--profile", str(profile), "about:blank"),
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, so cleanup reaches every child
        )
    client: Marionette | None = None
    try:
        client = Marionette(host="127.0.0.1", port=address, startup_timeout=int(START_SECONDS))
        client.start_session()
        client.timeout.page_load = START_SECONDS
        client.timeout.script = START_SECONDS
        if init_script is not None:
            frame_script = _FRAME_SCRIPT % json.dumps(init_script.read_text())
            with client.using_context("chrome"):
                client.execute_script(
                    "Services.mm.loadFrameScript('data:,' + encodeURIComponent(arguments[0]), true);",
                    script_args=[frame_script],
                )
        yield Firefox(client)
    finally:
        if client is not None and client.session_id is not None:
            # Firefox may be gone already (a crash is what failed the test); it is stopped below anyway.
            with suppress(Exception):
                client.delete_session()
        _stop(process)
        shutil.rmtree(profile, ignore_errors=True)
