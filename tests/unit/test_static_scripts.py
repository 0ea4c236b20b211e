"""The web client's production scripts carry no hooks for tests: no page sets a ``window.rounds*``
global (the e2e tests read pages through tests/e2e/session_probe.js instead)."""

from __future__ import annotations

import re
from pathlib import Path

STATIC = Path(__file__).resolve().parents[2] / "webclient" / "static"
#: An assignment to a property of ``window`` named rounds…, e.g. ``window.roundsSession = {``.
TEST_GLOBAL = re.compile(r"\bwindow\.rounds\w*\s*=(?!=)")


def test_no_static_script_sets_a_rounds_global_on_window() -> None:
    scripts = sorted(STATIC.glob("*.js"))
    assert scripts, f"no scripts found in {STATIC}"
    found = [
        f"{path.name}:{number}: {line.strip()}"
        for path in scripts
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if TEST_GLOBAL.search(line)
    ]
    assert found == []


def test_the_pattern_finds_what_the_pages_used_to_set() -> None:
    assert TEST_GLOBAL.search("window.roundsSession = {")
    assert TEST_GLOBAL.search("window.roundsPrecall = { results };")
    assert not TEST_GLOBAL.search("if (window.roundsProbe === undefined) return;")
