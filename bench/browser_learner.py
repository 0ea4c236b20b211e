"""Learner A of bench/weak_links.py as a real browser (``--browser chromium|firefox``): Chromium or Firefox
in the learner's home namespace (tests/lab/browsers.py), logged in, joining the visit from its live page
as an observer (camera off, microphone muted), and measured from the page's own ``getStats()``.

The page samples its inbound streams every 100 ms over the window (the e2e probe's measuring window,
tests/e2e/session_probe.js), so each figure is the browser's own: per source, audio played out (samples
rendered, concealment included, against the window), the share of them concealed and the share of
those concealed as silence, audio packets a second, and the longest concealment, approximated twice
from the 100 ms samples (the largest growth of ``concealedSamples`` between two samples, at most a
sample's span; and the concealed samples of the longest run of samples that each concealed at least
half their span); video frames decoded and fps, the browser's own freezes (``freezeCount`` and
``totalFreezesDuration``: Chromium and Firefox count a freeze when a frame comes much later than the
frames before it, about 150 ms over their average spacing, not the 500 ms of the Python participants)
and the longest run of samples without a decoded frame; and kbit/s of RTP payload received from it
(``bytesReceived``: headers, RTCP and retransmissions not counted).
"""

from __future__ import annotations

from typing import Any

from server.demo import DEMO_PASSWORD
from tests.lab.browsers import LabBrowser, hearing, join_huddle, measure, poll
from tests.support.netlab import BASE_URL

#: Bound on a join or a first frame.
WAIT_SECONDS = 60.0


class BrowserLearner:
    """One learner's browser page in the visit."""

    def __init__(self, browser: LabBrowser, email: str) -> None:
        self.browser = browser
        self.email = email

    def join(self, visit_id: int) -> str:
        """Log in, open the visit's live page and join; the participant id once admitted."""
        self.browser.log_in(BASE_URL, self.email, DEMO_PASSWORD)
        join_huddle(self.browser, visit_id)  # any visit's live page
        poll(self.browser, "window.roundsProbe.presence === 'admitted'", "admitted", WAIT_SECONDS)
        return str(poll(self.browser, "window.roundsProbe.participantId", "a participant id", WAIT_SECONDS))

    def wait_video(self, source: str) -> bool:
        """Whether the page decodes ``source``'s video within the bound."""
        try:
            poll(
                self.browser,
                f"window.roundsProbe.framesDecoded().then((f) => (f['{source}'] || 0) > 0)",
                f"video from {source}",
                WAIT_SECONDS,
            )
        except AssertionError:
            return False
        return True

    def measure(self, seconds: float) -> dict[str, Any]:
        """The page's measuring window over ``seconds`` (see tests.lab.browsers.measure), with how often
        the page reconnected meanwhile and every video level the server named to it so far."""
        reconnects = int(self.browser.evaluate("window.roundsProbe.reconnects"))
        window = measure(self.browser, seconds, bound=seconds * 4 + 30)
        window["reconnects"] = int(self.browser.evaluate("window.roundsProbe.reconnects")) - reconnects
        window["levels_ever"] = self.browser.evaluate("window.roundsProbe.videoLevelsEver")
        return window


def source_figures(window: dict[str, Any], source: str) -> dict[str, Any] | None:
    """The figures of one source in a browser's window (None if nothing came from it)."""
    streams = window["sources"].get(source)
    if not streams:
        return None
    seconds = window["seconds"]
    audio, video = streams.get("audio"), streams.get("video")
    figures: dict[str, Any] = {}
    if audio is not None:
        figures.update(hearing(audio, seconds))
    if video is not None:
        figures.update(
            frames=video["framesDecoded"],
            fps=video["framesDecoded"] / seconds,
            freezes=video["freezeCount"],
            frozen_s=video["totalFreezesDuration"],
            longest_still_s=video["longestStillMs"] / 1000,
        )
    payload = sum(s["bytesReceived"] for s in streams.values())
    figures["kbps"] = payload * 8 / 1000 / seconds
    return figures


def print_browser_rows(runs: list[dict[str, Any]], browser: str, sources: tuple[str, ...]) -> None:
    """One line per run and source: what learner A's browser got (see the module docstring)."""
    print(f"learner A's {browser}, from the page's getStats() sampled every 100 ms:")
    print(
        f"{'source':<9} {'run':<16} {'frames':>6} {'fps':>5} {'freezes':>7} {'frozen s':>8} {'still':>6} "
        f"{'played':>6} {'conceal':>7} {'silent':>6} {'step ms':>7} {'run ms':>6} {'pkt/s':>5} {'kbps':>5}"
    )
    for source in sources:
        for run in runs:
            f = source_figures(run["browser"], source)
            if f is None:
                print(f"{source:<9} {run['profile']:<16} nothing received")
                continue
            print(
                f"{source:<9} {run['profile']:<16} {f.get('frames', 0):>6} {f.get('fps', 0):>5.1f} "
                f"{f.get('freezes', 0):>7} {f.get('frozen_s', 0):>8.2f} {f.get('longest_still_s', 0):>6.1f} "
                f"{f.get('played', 0):>6.1%} {f.get('concealed', 0):>7.1%} {f.get('silent', 0):>6.0%} "
                f"{f.get('longest_step_ms', 0):>7.0f} {f.get('longest_run_ms', 0):>6.0f} "
                f"{f.get('packets_per_s', 0):>5.1f} {f['kbps']:>5.0f}"
            )
    for run in runs:
        window = run["browser"]
        print(
            f"  {run['profile']:<16} page reconnects {window['reconnects']}, "
            f"video levels named {window['levels_ever'] or 'none (all full)'}"
        )
    print(
        "frames: video decoded in the window; freezes / frozen s: the browser's own count and total; "
        "still: the longest run of 100 ms samples without a decoded frame (s); played: samples rendered "
        "against the window; conceal: their share made up for lost or late packets (silent: of those, "
        "as silence); step ms: the largest concealment between two samples (at most ~100 ms); run ms: "
        "the longest run of samples each concealing half their span or more (both approximations); "
        "kbps: RTP payload from that source."
    )
