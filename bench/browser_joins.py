"""Join time and share of joins that connect, for real browsers in their default permission state.

Run: .venv/bin/python bench/browser_joins.py [--joins 20] [--bound 15]

A ``rounds demo`` server process; the preceptor hosts the demo huddle from headless Chromium (camera
allowed, publishing its fake camera) and stays. Amara (a visitor) then joins again and again from
each browser in turn, one browser at a time — the same visitor, so she is admitted once and goes
straight back in after that:

* ``firefox``: ``firefox-esr`` over Marionette, camera prompt skipped with nothing remembered (what a
  user is in): mDNS host candidates.
* ``chromium-allowed``: Chromium without ``--use-fake-ui-for-media-stream``, the camera allowed
  through CDP (a user who clicked Allow): Chromium then offers real addresses.
* ``chromium-no-camera``: Chromium with the camera refused (no prompt in headless): it only receives,
  and offers mDNS host candidates.

A join is timed in the page, from the moment the page sends its ``join`` message on the session's
WebSocket to the first decoded frame of the host's video (inbound-rtp ``framesDecoded`` > 0, polled
every 20 ms), and counts as connected if that happens within ``--bound`` seconds. The browsers take
turns join by join, so a slow spell of the shared machine falls on all of them alike.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any, Protocol

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from playwright.sync_api import Page, sync_playwright  # noqa: E402

from bench.common import free_port, percentile  # noqa: E402
from tests.e2e.firefox import Firefox, launch_firefox  # noqa: E402
from tests.support.chromium import CHROMIUM, CHROMIUM_ARGS, DEFAULT_STATE_ARGS  # noqa: E402
from tests.support.processes import clean_env, rounds_command  # noqa: E402

PASSWORD = "rounds-demo-2026"
PRECEPTOR = "im.preceptor@rounds.test"
AMARA = "amara@rounds.test"
PROBE = ROOT / "tests" / "e2e" / "session_probe.js"

# Added to every page before its scripts, after the probe: the time the page sends `join`, and the
# time its peer connection first decodes a video frame (checked every 20 ms once joined).
JOIN_TIMER = """
(() => {
  const timer = { joinAt: null, firstFrameAt: null };
  window.roundsJoinTimer = timer;
  const send = WebSocket.prototype.send;
  WebSocket.prototype.send = function (data) {
    if (timer.joinAt === null && typeof data === "string" && /"type"\\s*:\\s*"join"/.test(data)) {
      timer.joinAt = performance.now();
      const tick = setInterval(async () => {
        const frames = await window.roundsProbe.framesDecoded();
        if (Object.values(frames).some((n) => n > 0)) {
          timer.firstFrameAt ??= performance.now();
          clearInterval(tick);
        }
      }, 20);
    }
    return send.call(this, data);
  };
})();
"""
#: What a page reads back: the join time in ms once known, else null.
JOIN_MS = (
    "window.roundsJoinTimer && window.roundsJoinTimer.firstFrameAt !== null"
    " ? window.roundsJoinTimer.firstFrameAt - window.roundsJoinTimer.joinAt : null"
)


@dataclass
class Tally:
    """The joins of one browser: times (ms) of those that connected, and how many were tried."""

    times: list[float] = field(default_factory=list)
    tried: int = 0

    def line(self, name: str) -> str:
        """One row of the report."""
        share = (
            f"{len(self.times)}/{self.tried} connected ({100 * len(self.times) / max(self.tried, 1):.0f} %)"
        )
        if not self.times:
            return f"{name:20} {share}"
        median = statistics.median(self.times)
        return (
            f"{name:20} {share}; join → first frame: median {median:.0f} ms, p90 "
            f"{percentile(self.times, 0.9):.0f} ms, min {min(self.times):.0f}, max {max(self.times):.0f} ms"
        )


@contextmanager
def demo_server() -> Iterator[str]:
    """``rounds demo`` on a free port with a data directory of its own; stopped on leaving."""
    with tempfile.TemporaryDirectory(prefix="rounds-bench-") as data_dir:
        port = free_port()
        log = Path(data_dir) / "server.log"
        with log.open("wb") as out:
            process = subprocess.Popen(
                [*rounds_command(), "demo", "--host", "127.0.0.1", "--port", str(port)],
                cwd=data_dir,
                env=clean_env(ROUNDS_DATA_DIR=data_dir),
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    with urllib.request.urlopen(base + "/login", timeout=2):
                        break
                except OSError:
                    if process.poll() is not None or time.monotonic() > deadline:
                        raise RuntimeError(f"rounds demo did not start:\n{log.read_text()[-3000:]}") from None
                    time.sleep(0.25)
            yield base
        finally:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            failures = log.read_text().count("Traceback")
            if failures:
                print(f"(the server logged {failures} tracebacks)")


def wait_for(read: Callable[[], Any], bound: float) -> Any:
    """The first truthy value of ``read()`` within ``bound`` seconds, else None."""
    deadline = time.monotonic() + bound
    while time.monotonic() < deadline:
        value = read()
        if value:
            return value
        time.sleep(0.05)
    return None


def chromium_log_in(page: Page, base: str, email: str) -> None:
    page.goto(f"{base}/login")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/dashboard")


def huddle_of(page: Page, base: str) -> int:
    visits = page.request.get(f"{base}/api/v1/visits").json()
    return next(
        int(v["id"]) for v in visits if v["kind"] == "huddle" and v["status"] in ("scheduled", "live")
    )


class Joiner(Protocol):
    """One of Amara's browsers, logged in: join the huddle, read the join time, leave."""

    def start(self) -> None: ...
    def join_ms(self) -> float | None: ...
    def leave(self) -> None: ...


@dataclass
class FirefoxJoiner:
    browser: Firefox
    live: str

    def start(self) -> None:
        self.browser.goto(self.live)
        self.browser.click("#join")

    def join_ms(self) -> float | None:
        value = self.browser.evaluate(JOIN_MS)
        return None if value is None else float(value)

    def leave(self) -> None:
        self.browser.goto("about:blank")  # the page's pagehide sends `leave`


@dataclass
class ChromiumJoiner:
    page: Page
    live: str

    def start(self) -> None:
        self.page.goto(self.live)
        self.page.click("#join")

    def join_ms(self) -> float | None:
        value = self.page.evaluate(JOIN_MS)
        return None if value is None else float(value)

    def leave(self) -> None:
        self.page.goto("about:blank")


def main() -> None:
    """Time the joins of each browser in turn and print the figures."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--joins", type=int, default=20, help="joins per browser")
    parser.add_argument(
        "--bound", type=float, default=15.0, help="seconds a join may take to count as connected"
    )
    options = parser.parse_args()

    timer = Path(tempfile.mkdtemp(prefix="rounds-join-timer-")) / "probe_and_timer.js"
    timer.write_text(PROBE.read_text() + "\n" + JOIN_TIMER)
    with demo_server() as base, sync_playwright() as driver, ExitStack() as stack:
        stack.callback(shutil.rmtree, timer.parent, ignore_errors=True)
        chromium = driver.chromium.launch(
            executable_path=str(CHROMIUM), args=[*CHROMIUM_ARGS, *DEFAULT_STATE_ARGS]
        )
        stack.callback(chromium.close)
        host_context = chromium.new_context()
        host_context.grant_permissions(["camera", "microphone"], origin=base)
        host = host_context.new_page()
        chromium_log_in(host, base, PRECEPTOR)
        live = f"{base}/visits/{huddle_of(host, base)}/live"
        host.goto(live)
        host.click("#join")

        firefox = stack.enter_context(launch_firefox(timer))
        firefox.log_in(base, AMARA, PASSWORD)
        joiners: dict[str, Joiner] = {"firefox": FirefoxJoiner(firefox, live)}
        for name, allowed in (("chromium-allowed", True), ("chromium-no-camera", False)):
            context = chromium.new_context()
            if allowed:
                context.grant_permissions(["camera", "microphone"], origin=base)
            context.add_init_script(path=str(timer))
            page = context.new_page()
            chromium_log_in(page, base, AMARA)
            joiners[name] = ChromiumJoiner(page, live)

        def admitted_join_ms(joiner: Joiner) -> float | None:
            """Let Amara in if she waits (her first join only: then she is remembered); her join time."""
            admit = host.locator("#waiting-list button", has_text="Admit")
            if admit.count():
                admit.first.click()
            return joiner.join_ms()

        tallies = {name: Tally() for name in joiners}
        for round_number in range(options.joins):
            for name, joiner in joiners.items():
                joiner.start()
                tallies[name].tried += 1
                joined_ms = wait_for(partial(admitted_join_ms, joiner), options.bound)
                if joined_ms:
                    tallies[name].times.append(float(joined_ms))
                joiner.leave()
            print(f"round {round_number + 1}/{options.joins} done", file=sys.stderr)

    print(
        f"Joins, from the page's `join` to its first decoded frame of the host ({options.joins} per browser):"
    )
    for name, tally in tallies.items():
        print(tally.line(name))
    print(f"(machine: {os.cpu_count()} cores, shared; bound {options.bound} s per join)")


if __name__ == "__main__":
    main()
