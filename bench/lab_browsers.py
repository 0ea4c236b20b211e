"""Join time, share of joins that connect, and recovery after a drop, for real browsers on each network
path of the tests' network lab.

Run as root: .venv/bin/python bench/lab_browsers.py [--joins 20] [--bound 20] [--drop-seconds 5]

Builds the lab of ``tests/support/netlab.py`` (namespaces, NAT gateways, coturn, a real ``rounds
serve``; Debian's iproute2, iptables, coturn, chromium and firefox-esr) with the demo's preceptor hosting
its open huddle from an aiortc participant beside the server. On each path (``direct``, ``cone``,
``symmetric``: UDP only to TURN, ``no_udp``: TURN over TCP) a Chromium and a Firefox run inside the
path's namespace (tests/lab/browsers.py) and Amara joins the huddle ``--joins`` times from each, the two
browsers taking turns join by join, so a slow spell of the shared machine falls on both alike.

A join is timed in the page (bench/browser_joins.py's timer): from the page sending its ``join``
message to the first decoded frame of the host's video; it connects if that happens within
``--bound`` seconds. The page's selected ICE pair says which candidate type carried it.

Recovery (each browser, on each path behind a gateway, so not ``direct``): once Amara's video flows,
her gateway drops everything for ``--drop-seconds`` (an iptables DROP) and lets it through again; the
time from then until the page decodes the host's video again, on the old peer connection or on a new
one (the page reconnects on its own), polled every 50 ms from here.

Figures come from one loaded machine: compare the rows with each other, not with another run.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from playwright.sync_api import Playwright, sync_playwright  # noqa: E402

from bench.browser_joins import JOIN_MS, JOIN_TIMER, PROBE  # noqa: E402
from bench.common import percentile  # noqa: E402
from server.demo import DEMO_PASSWORD  # noqa: E402
from tests.lab.browsers import (  # noqa: E402
    LabBrowser,
    chromium_in,
    firefox_in,
    frames_from,
    open_huddle_id,
    selected_path,
)
from tests.support.cluster import AMARA, PRECEPTOR  # noqa: E402
from tests.support.netlab import BASE_URL, PATHS, Lab, lab_problem, network_lab  # noqa: E402

BROWSERS = ("chromium", "firefox")


@dataclass
class Row:
    """One browser on one path: the joins tried, the times (ms) of those that connected, their
    candidate types, and the recovery after a drop (seconds, None if not measured or never)."""

    browser: str
    path: str
    tried: int = 0
    times_ms: list[float] = field(default_factory=list)
    candidates: dict[str, int] = field(default_factory=dict)
    recovery_s: float | None = None
    recovered: bool | None = None
    #: Whether the page recovered on a new peer connection (it reconnected) or on the old one.
    recovered_on_new_peer: bool | None = None

    def figures(self) -> dict[str, Any]:
        """The row as numbers (for --json and the table)."""
        times = self.times_ms
        return {
            "browser": self.browser,
            "path": self.path,
            "joins": self.tried,
            "connected": len(times),
            "share_connected": len(times) / self.tried if self.tried else None,
            "join_p50_ms": statistics.median(times) if times else None,
            "join_p95_ms": percentile(times, 0.95) if times else None,
            "join_max_ms": max(times) if times else None,
            "candidates": self.candidates,
            "recovered": self.recovered,
            "recovery_s": self.recovery_s,
            "recovered_on_new_peer": self.recovered_on_new_peer,
        }


@contextmanager
def browser_on(name: str, driver: Playwright, lab: Lab, path: str, timer: Path) -> Iterator[LabBrowser]:
    """Chromium or Firefox in ``path``'s namespace with the probe and the join timer, logged in."""
    with ExitStack() as stack:
        browser: LabBrowser
        if name == "chromium":
            page = stack.enter_context(chromium_in(driver, lab, path))
            page.page.context.add_init_script(path=str(timer))
            browser = page
        else:
            browser = stack.enter_context(firefox_in(lab, path, init_script=timer))
        browser.log_in(BASE_URL, AMARA, DEMO_PASSWORD)
        yield browser


def wait_for(browser: LabBrowser, expression: str, bound: float, every: float = 0.05) -> Any:
    """The first truthy value of ``expression`` within ``bound`` seconds, else None."""
    deadline = time.monotonic() + bound
    while time.monotonic() < deadline:
        value = browser.evaluate(expression)
        if value:
            return value
        time.sleep(every)
    return None


def one_join(browser: LabBrowser, live: str, row: Row, bound: float) -> None:
    """Join once, record the time if the host's video came within ``bound``, then leave."""
    browser.goto(live)
    browser.click("#join")
    row.tried += 1
    joined_ms = wait_for(browser, JOIN_MS, bound)
    if joined_ms:
        row.times_ms.append(float(joined_ms))
        path = selected_path(browser)
        kind = "unknown" if path is None else str(path["localType"])
        if path is not None and path["relayProtocol"]:
            kind += f"/{path['relayProtocol']}"
        row.candidates[kind] = row.candidates.get(kind, 0) + 1
    browser.goto("about:blank")  # the page's pagehide sends `leave`


def recovery(browser: LabBrowser, lab: Lab, live: str, host_id: str, row: Row, drop: float) -> None:
    """Drop ``row.path``'s network for ``drop`` seconds once video flows; time until it flows again."""
    browser.goto(live)
    browser.click("#join")
    if not wait_for(browser, JOIN_MS, 60.0):
        row.recovered = False
        return
    lab.cut_off(row.path, cut=True)
    try:
        time.sleep(drop)
        peers = int(browser.evaluate("window.roundsProbe.peersMade"))
        frames = frames_from(browser, host_id)
    finally:
        lab.cut_off(row.path, cut=False)
    back = time.monotonic()

    def flowing() -> bool:
        now = frames_from(browser, host_id)
        renewed = int(browser.evaluate("window.roundsProbe.peersMade")) != peers
        return now > 0 if renewed else now > frames

    deadline = back + 90.0
    while time.monotonic() < deadline and not flowing():
        time.sleep(0.05)
    row.recovered = time.monotonic() < deadline
    row.recovery_s = time.monotonic() - back if row.recovered else None
    row.recovered_on_new_peer = int(browser.evaluate("window.roundsProbe.peersMade")) != peers
    browser.goto("about:blank")


def measure_path(
    driver: Playwright, lab: Lab, path: str, host_id: str, timer: Path, options: argparse.Namespace
) -> list[Row]:
    """Both browsers on ``path``: joins in turns, then a drop each (behind a gateway)."""
    with ExitStack() as stack:
        browsers = {
            name: stack.enter_context(browser_on(name, driver, lab, path, timer)) for name in BROWSERS
        }
        live = f"{BASE_URL}/visits/{open_huddle_id(browsers['chromium'])}/live"
        rows = {name: Row(name, path) for name in BROWSERS}
        for number in range(options.joins):
            for name, browser in browsers.items():
                one_join(browser, live, rows[name], options.bound)
            print(f"{path}: round {number + 1}/{options.joins}", file=sys.stderr)
        if path != "direct":
            for name, browser in browsers.items():
                recovery(browser, lab, live, host_id, rows[name], options.drop_seconds)
        return list(rows.values())


def main() -> None:
    """Build the lab, measure each browser on each path, print the table."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--joins", type=int, default=20, help="joins per browser and path")
    parser.add_argument("--bound", type=float, default=20.0, help="seconds a join may take to connect")
    parser.add_argument("--drop-seconds", type=float, default=5.0)
    parser.add_argument("--paths", default=",".join(PATHS), help="comma-separated subset of the paths")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON too")
    options = parser.parse_args()
    problem = lab_problem()
    if problem is not None:
        sys.exit(problem)
    timer_dir = Path(tempfile.mkdtemp(prefix="rounds-lab-timer-"))
    timer = timer_dir / "probe_and_timer.js"
    timer.write_text(PROBE.read_text() + "\n" + JOIN_TIMER)
    rows: list[Row] = []
    try:
        with (
            tempfile.TemporaryDirectory(prefix="rounds-labbrowsers-") as workdir,
            network_lab(Path(workdir)) as lab,
            sync_playwright() as driver,
        ):
            host = lab.participant("pub", PRECEPTOR)
            host_id = str(host.ask("join")["participant_id"])
            for path in options.paths.split(","):
                rows += measure_path(driver, lab, path, host_id, timer, options)
            host.ask("leave")
    finally:
        shutil.rmtree(timer_dir, ignore_errors=True)
    print_table([row.figures() for row in rows], options)


def print_table(figures: list[dict[str, Any]], options: argparse.Namespace) -> None:
    """The figures as a table (and as JSON with --json)."""
    print(
        f"Joins ({options.joins} per browser and path: the page's `join` to its first decoded host frame)"
        f" and recovery after a {options.drop_seconds:.0f} s drop (link back to the next decoded frame)"
    )
    print(
        f"{'browser':<9} {'path':<10} {'connected':>10} {'p50 ms':>7} {'p95 ms':>7} {'max ms':>7}"
        f" {'recovery':>19}  candidates"
    )
    for row in figures:
        recovered = (
            "-" if row["recovered"] is None else f"{row['recovery_s']:.1f} s" if row["recovered"] else "never"
        )
        if row["recovered"]:
            recovered += " (new pc)" if row["recovered_on_new_peer"] else " (same pc)"
        print(
            f"{row['browser']:<9} {row['path']:<10} {row['connected']:>4}/{row['joins']:<5}"
            f" {ms(row['join_p50_ms']):>7} {ms(row['join_p95_ms']):>7} {ms(row['join_max_ms']):>7}"
            f" {recovered:>19}  {row['candidates']}"
        )
    print(f"(one loaded 2-core machine shared with other test runs; bound {options.bound:.0f} s per join)")
    if options.json:
        print(json.dumps(figures, indent=2))


def ms(value: float | None) -> str:
    return "-" if value is None else f"{value:.0f}"


if __name__ == "__main__":
    main()
