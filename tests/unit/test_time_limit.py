"""Bounded waits for the pre-call check (webclient/static/time-limit.js), run in node. Regression (issue
18, item 23): the check awaited AudioContext.resume(), which never settles without a sound output."""

from __future__ import annotations

import json
from pathlib import Path

from tests.support.node import run_es_module

MODULE = Path(__file__).resolve().parents[2] / "webclient" / "static" / "time-limit.js"


def test_a_wait_that_never_settles_ends_at_its_limit_and_others_pass_through() -> None:
    script = f"""
import {{ TIMED_OUT, within }} from {json.dumps(MODULE.as_uri())};
const never = new Promise(() => {{}});
const results = {{
  never: (await within(never, 20)) === TIMED_OUT,
  value: await within(Promise.resolve(7), 1000),
  plain: await within(8, 1000),
  error: await within(Promise.reject(new Error("denied")), 1000).catch((e) => e.message),
}};
console.log(JSON.stringify(results));
"""
    assert run_es_module(script) == {
        "never": True,
        "value": 7,
        "plain": 8,
        "error": "denied",
    }
