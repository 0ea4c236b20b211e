"""The live page's reconnect schedule (webclient/static/reconnect.js), run in a real JavaScript engine:
node imports the ES module as the browser does (no build step) and prints the delays it computes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.support.node import run_es_module

ROOT = Path(__file__).resolve().parents[2]
MODULE = ROOT / "webclient" / "static" / "reconnect.js"
UNITS = [0.0, 0.25, 0.5, 0.999999]  # stand-ins for Math.random(), the lowest and the highest it gives


def run_module(script: str) -> Any:
    """Run ``script`` as an ES module in node with ``reconnect.js`` imported as ``backoff``; its last
    line must print one JSON value, which is returned."""
    return run_es_module(f"import * as backoff from {json.dumps(MODULE.as_uri())};\n{script}")


def schedule() -> dict[str, Any]:
    """The constants, and the delay for attempts 0 to 11 at each of the unit values."""
    return dict(
        run_module(
            f"""
const units = {json.dumps(UNITS)};
const delays = units.map((unit) =>
  Array.from({{ length: 12 }}, (_, attempt) => backoff.reconnectDelay(attempt, unit)),
);
console.log(JSON.stringify({{
  first: backoff.FIRST_CEILING_MS,
  cap: backoff.CEILING_CAP_MS,
  delays,
}}));
"""
        )
    )


def test_the_first_retry_comes_within_half_a_second() -> None:
    found = schedule()
    assert found["first"] <= 500
    first_waits = [row[0] for row in found["delays"]]
    assert all(0 <= wait < found["first"] for wait in first_waits)
    assert first_waits[0] == 0  # full jitter: the wait may be none at all


def test_the_ceiling_doubles_until_the_cap_of_a_few_seconds() -> None:
    found = schedule()
    assert 3_000 <= found["cap"] <= 6_000  # longer than a failover takes to notice, not much longer
    highest = found["delays"][-1]  # the unit closest to 1: each wait is just under its ceiling
    ceilings = [min(found["cap"], found["first"] * 2**attempt) for attempt in range(len(highest))]
    assert [ceiling - 1 for ceiling in ceilings] == highest
    assert highest[1] > highest[0] and highest[2] > highest[1]  # growing
    assert highest[-1] == highest[-2] == found["cap"] - 1  # and then capped


def test_the_wait_is_the_unit_times_the_ceiling_whole_milliseconds() -> None:
    found = schedule()
    for unit, row in zip(UNITS, found["delays"], strict=True):
        for attempt, wait in enumerate(row):
            ceiling = min(found["cap"], found["first"] * 2**attempt)
            assert wait == int(unit * ceiling)
            assert 0 <= wait < ceiling


def test_a_random_draw_spreads_browsers_out() -> None:
    # Many browsers dropped together, each with its own Math.random(): their waits differ.
    waits = run_module(
        "console.log(JSON.stringify(Array.from({ length: 200 }, () => "
        "backoff.reconnectDelay(5, Math.random()))));"
    )
    assert len(set(waits)) > 100
    assert min(waits) >= 0 and max(waits) < 5_000


#: Five reconnects, a welcome, two more: the waits each set, with every random draw just under 1.
CONNECTION_SCRIPT = f"""
globalThis.window = new EventTarget();
const waits = [];
globalThis.setTimeout = (callback, wait) => {{ waits.push(wait); return waits.length; }};
globalThis.clearTimeout = () => {{}};
globalThis.setInterval = () => 0;
globalThis.clearInterval = () => {{}};
Math.random = () => 0.999999;  // every wait just under its ceiling
const {{ SessionConnection }} = await import({json.dumps((MODULE.parent / "session-conn.js").as_uri())});
const conn = new SessionConnection("ws://unused");
conn.startPeer = async () => {{}};  // node has no RTCPeerConnection; media is not what is tested
for (let n = 0; n < 5; n += 1) conn.scheduleReconnect();
const before = waits.splice(0);
await conn.handle({{ type: "welcome", ice_servers: [] }});
conn.scheduleReconnect();
conn.scheduleReconnect();
console.log(JSON.stringify({{
  first: backoff.FIRST_CEILING_MS,
  cap: backoff.CEILING_CAP_MS,
  before,
  after: waits,
}}));
"""


def test_the_connection_starts_the_count_again_after_every_welcome() -> None:
    # SessionConnection (session-conn.js) counts the reconnects it schedules and sets the count back
    # to zero on a welcome; it runs in node with stand-ins for the browser's window and timers.
    found = run_module(CONNECTION_SCRIPT)
    first, cap = found["first"], found["cap"]
    assert found["before"] == [first - 1, 2 * first - 1, 4 * first - 1, 8 * first - 1, cap - 1]
    assert found["after"] == [first - 1, 2 * first - 1]


#: Sockets that close before any welcome: five within 2.5 s (a cluster still noticing a dead node),
#: then one more after ten seconds. The page must give up only then.
FIRST_JOIN_SCRIPT = f"""
globalThis.window = new EventTarget();
globalThis.setTimeout = () => 1;
globalThis.clearTimeout = () => {{}};
globalThis.setInterval = () => 0;
globalThis.clearInterval = () => {{}};
// The network is down: the page's question to /verdict after each failed socket fails too (node's own
// fetch would otherwise go out and trip over the stand-in clock below).
globalThis.fetch = async () => {{ throw new TypeError("network is unreachable"); }};
let clock = 0;
Object.defineProperty(globalThis, "performance", {{ value: {{ now: () => clock }}, configurable: true }});
const sockets = [];
globalThis.WebSocket = class {{
  static OPEN = 1;
  constructor(url) {{ this.readyState = 0; sockets.push(this); }}
  close() {{}}
  send() {{}}
}};
const {{ SessionConnection }} = await import({json.dumps((MODULE.parent / "session-conn.js").as_uri())});
const conn = new SessionConnection("ws://unused");
conn.startPeer = async () => {{}};
let refused = null;
conn.refuse = (text) => {{ refused = text; conn.finished = true; }};
conn.openSocket();
for (let n = 0; n < 5; n += 1) {{
  clock += 500;
  sockets.at(-1).onclose();
  conn.openSocket();  // what the scheduled retry does
}}
const early = refused;
clock = 10500;
sockets.at(-1).onclose();
console.log(JSON.stringify({{ early, late: refused, failed: conn.failedAttempts }}));
"""


def test_before_the_first_welcome_the_page_keeps_trying_for_ten_seconds() -> None:
    # Five failed sockets within 2.5 s once made the page give up, at random, while a room was moving
    # to a surviving node; now it gives up only after five failures AND ten seconds.
    found = run_module(FIRST_JOIN_SCRIPT)
    assert found["early"] is None and found["failed"] == 6
    assert "could not be reached" in found["late"]
