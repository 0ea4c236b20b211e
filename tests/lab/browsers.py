"""Real browsers inside the network lab's namespaces, behind its NATs, for tests and the bench.

Chromium: Playwright starts the executable it is given and speaks to it over a pipe, so a generated
wrapper that runs ``ip netns exec NS /usr/lib/chromium/chromium "$@"`` puts the whole browser (and
every child process: they inherit the namespace) behind a NAT while Playwright drives it as usual.
Firefox: :func:`tests.e2e.firefox.launch_firefox` runs it with ``ip netns exec`` and reaches its
Marionette port, which listens on the namespace's own loopback, through a forwarding thread.

Both get the same small interface, :class:`LabBrowser`, and read the page through the e2e tests'
``session_probe.js`` (``window.roundsProbe``: presence, decoded frames, the selected ICE pair).

The lab serves pages from ``http://198.18.0.1:8080``, which is not a secure context, and
``getUserMedia`` exists only in one. A real deployment serves HTTPS; here each browser is told to treat
that one origin as secure (Chromium's ``--unsafely-treat-insecure-origin-as-secure``, Firefox's
``media.devices.insecure.enabled`` and ``media.getusermedia.insecure.enabled``, checked on 153 ESR).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Protocol

from playwright.sync_api import Page, Playwright, sync_playwright

from tests.e2e.firefox import launch_firefox
from tests.support.chromium import CHROMIUM_ARGS
from tests.support.netlab import BASE_URL, Lab
from tests.support.waiting import poll_until

#: The browser binary behind Debian's /usr/bin/chromium (a shell script that adds flags of its own).
CHROMIUM_BINARY = Path("/usr/lib/chromium/chromium")
SESSION_PROBE = Path(__file__).resolve().parents[1] / "e2e" / "session_probe.js"
#: Chromium's fake camera and microphone, granted; the lab's origin treated as secure (see above).
LAB_CHROMIUM_ARGS = [
    *CHROMIUM_ARGS,
    "--use-fake-device-for-media-stream",
    "--use-fake-ui-for-media-stream",
    "--autoplay-policy=no-user-gesture-required",
    f"--unsafely-treat-insecure-origin-as-secure={BASE_URL}",
]
#: Firefox: getUserMedia on the lab's plain-HTTP origin (see above).
LAB_FIREFOX_PREFS: dict[str, bool | int | str] = {
    "media.devices.insecure.enabled": True,
    "media.getusermedia.insecure.enabled": True,
}
#: Bound on a page load or a click; generous, the machine is shared.
PAGE_SECONDS = 60.0
#: The browsers the lab runs.
BROWSERS = ("chromium", "firefox")
#: How often the page samples its statistics in a measuring window (:func:`measure`).
SAMPLE_MS = 100


class LabBrowser(Protocol):
    """What the lab's tests and bench do with a browser (one person's, on one network)."""

    def goto(self, url: str) -> None:
        """Load ``url`` and wait for it to load."""

    def evaluate(self, expression: str) -> Any:
        """The value of a JavaScript expression in the page (a Promise is awaited)."""

    def click(self, selector: str) -> None:
        """Click the element matching ``selector`` as a user would."""

    def log_in(self, base: str, email: str, password: str) -> None:
        """Log in through the login page and wait for the dashboard."""


class ChromiumPage:
    """A Playwright page with the :class:`LabBrowser` interface."""

    def __init__(self, page: Page) -> None:
        self.page = page

    def goto(self, url: str) -> None:
        """Load ``url`` and wait for it to load."""
        self.page.goto(url)

    def evaluate(self, expression: str) -> Any:
        """The value of a JavaScript expression in the page (a Promise is awaited)."""
        return self.page.evaluate(expression)

    def click(self, selector: str) -> None:
        """Click the element matching ``selector`` as a user would."""
        self.page.click(selector)

    def log_in(self, base: str, email: str, password: str) -> None:
        """Log in through the login page and wait for the dashboard."""
        self.page.goto(f"{base}/login")
        self.page.fill("#email", email)
        self.page.fill("#password", password)
        self.page.click("button[type=submit]")
        self.page.wait_for_url("**/dashboard")


@contextmanager
def chromium_in(playwright: Playwright, lab: Lab, path: str) -> Iterator[ChromiumPage]:
    """Headless Chromium in the namespace of ``path`` (one fresh profile, the probe in every page);
    closed on leaving."""
    wrapper = lab.workdir / f"chromium-{lab.client_ns(path)}.sh"
    wrapper.write_text(f'#!/bin/sh\nexec ip netns exec {lab.client_ns(path)} {CHROMIUM_BINARY} "$@"\n')
    wrapper.chmod(0o755)
    browser = playwright.chromium.launch(executable_path=str(wrapper), args=LAB_CHROMIUM_ARGS)
    try:
        context = browser.new_context()
        context.set_default_timeout(PAGE_SECONDS * 1000)
        context.add_init_script(path=SESSION_PROBE)
        yield ChromiumPage(context.new_page())
    finally:
        browser.close()


@contextmanager
def firefox_in(lab: Lab, path: str, init_script: Path = SESSION_PROBE) -> Iterator[LabBrowser]:
    """Headless Firefox in the namespace of ``path`` (fresh profile, ``init_script`` in every page);
    quit on leaving."""
    with launch_firefox(init_script, netns=lab.client_ns(path), extra_prefs=LAB_FIREFOX_PREFS) as browser:
        yield browser


@contextmanager
def browser_in(kind: str, lab: Lab, path: str) -> Iterator[LabBrowser]:
    """A browser of ``kind`` (``chromium``, with a Playwright driver of its own, or ``firefox``) in the
    namespace of ``path``; closed on leaving."""
    if kind == "chromium":
        with sync_playwright() as driver, chromium_in(driver, lab, path) as page:
            yield page
    elif kind == "firefox":
        with firefox_in(lab, path) as browser:
            yield browser
    else:
        raise ValueError(f"no browser {kind!r} in the lab ({', '.join(BROWSERS)})")


def measure(browser: LabBrowser, seconds: float, bound: float) -> dict[str, Any]:
    """What the page received over a window of ``seconds`` by its own clock: the probe's measuring
    window (``startMeasuring``), ended once it has taken a window's worth of samples, within ``bound``
    seconds. ``{seconds, samples, sources: {participant id: {audio, video}}}``: per stream, the growth
    of its inbound-rtp counters, and the runs only a series of samples shows."""
    browser.evaluate(f"window.roundsProbe.startMeasuring({SAMPLE_MS})")
    samples = round(seconds * 1000 / SAMPLE_MS)
    poll(browser, f"window.roundsProbe.measuringSamples >= {samples}", f"{samples} samples", bound)
    window: dict[str, Any] = browser.evaluate("window.roundsProbe.stopMeasuring()")
    return window


def hearing(audio: dict[str, Any], seconds: float) -> dict[str, float]:
    """Figures of one source's audio over a measuring window of ``seconds``, from the probe's sums:
    packets received per second; ``played``, the share of the window the page played out (samples it
    rendered, concealment included, against the window); ``concealed``, the share of those samples the
    page made up for lost or late packets (``silent``: of them, the share it made up as silence); the
    longest concealment, approximated twice from 100 ms samples (``longest_step_ms``: the largest
    growth of concealed samples between two samples, so at most a sample's span; ``longest_run_ms``:
    the concealed samples of the longest run of samples that each concealed at least half their span);
    and the tone's energy per second (0 for silence)."""
    rate = float(audio.get("clockRate") or 48000)
    total = float(audio["totalSamplesReceived"])
    concealed = float(audio["concealedSamples"])
    return {
        "packets_per_s": audio["packetsReceived"] / seconds,
        "played": total / rate / seconds,
        "concealed": concealed / total if total else 1.0,
        "silent": audio["silentConcealedSamples"] / concealed if concealed else 0.0,
        "longest_step_ms": audio["maxConcealedStep"] / rate * 1000,
        "longest_run_ms": audio["longestConcealedRun"] / rate * 1000,
        "energy_per_s": audio["totalAudioEnergy"] / seconds,
    }


def poll(browser: LabBrowser, expression: str, what: str, bound: float) -> Any:
    """Evaluate ``expression`` until it is truthy, within ``bound`` seconds; its value."""
    return poll_until(lambda: browser.evaluate(expression), what, bound)


def open_huddle_id(browser: LabBrowser) -> int:
    """The demo's open huddle, as the logged-in browser's API sees it."""
    visits = browser.evaluate("fetch('/api/v1/visits').then((r) => r.json())")
    return next(
        int(v["id"]) for v in visits if v["kind"] == "huddle" and v["status"] in ("scheduled", "live")
    )


def join_huddle(browser: LabBrowser, visit_id: int) -> None:
    """Open the huddle's live page and press its join button."""
    browser.goto(f"{BASE_URL}/visits/{visit_id}/live")
    browser.click("#join")


def frames_from(browser: LabBrowser, participant_id: str) -> int:
    """Video frames the page decoded from ``participant_id`` on its live connection."""
    frames = browser.evaluate("window.roundsProbe.framesDecoded()")
    return int(frames.get(participant_id, 0))


def selected_path(browser: LabBrowser) -> dict[str, Any] | None:
    """The selected ICE candidate pair of the page's live connection (probe's ``selectedPath``)."""
    path: dict[str, Any] | None = browser.evaluate("window.roundsProbe.selectedPath()")
    return path
