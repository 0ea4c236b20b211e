"""What the live page says when the room changes (``announcement`` in webclient/static/session-ui.js),
run in node. Regression (issue 18, item 16): after the host came back, the visitor's "The host has
left… ends in 120 seconds" stayed on the page."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.support.node import run_es_module

MODULE = Path(__file__).resolve().parents[2] / "webclient" / "static" / "session-ui.js"


def announce(steps: list[dict[str, Any]], role: str = "visitor", room_kind: str = "huddle") -> list[Any]:
    """The announcement after each state of ``steps`` (the first has none: nothing changed yet)."""
    script = f"""
import {{ announcement }} from {json.dumps(MODULE.as_uri())};
const steps = {json.dumps(steps)};
const me = {{ roomKind: {json.dumps(room_kind)}, role: {json.dumps(role)} }};
console.log(JSON.stringify(steps.map((next, i) => announcement(i ? steps[i - 1] : null, next, me))));
"""
    result: list[Any] = run_es_module(script)
    return result


def state(
    host_present: bool = True, grace: int | None = None, consent: dict[str, Any] | None = None
) -> dict[str, Any]:
    return {"participants": [], "consent": consent, "host_present": host_present, "host_grace_seconds": grace}


def test_the_host_leaving_is_announced_and_their_return_clears_it() -> None:
    said = announce([state(), state(False, 120), state(False, 120), state(True, None)])
    assert said[0] is None and said[2] is None
    assert said[1] == "The host has left. The session ends in 120 seconds unless they come back."
    assert said[3] == "The host is back: the session goes on."
    # The host is not told about themself.
    assert announce([state(), state(False, 120), state()], role="host") == [None, None, None]


def test_consent_words_follow_the_scope() -> None:
    observe = {"scope": "observe", "method": "verbal", "active": True}
    interact = {"scope": "interact", "method": "verbal", "active": True}
    withdrawn = {**interact, "active": False}
    said = announce(
        [state(), state(consent=observe), state(consent=interact), state(consent=withdrawn)],
        room_kind="patient_visit",
    )
    assert said[1] is not None and "the patient does not see or hear the learners" in said[1]
    assert said[2] == "Consent recorded: learners and the patient can now see and hear each other."
    assert said[3] is not None and said[3].startswith("Consent withdrawn")
