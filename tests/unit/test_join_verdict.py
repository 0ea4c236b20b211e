"""How the live page tells a refused join from a network failure (webclient/static/join-verdict.js),
run in node as the browser runs it (issue 18, item 18: joining an ended session retried six handshakes
and then said "could not be reached… check that you are logged in")."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.support.node import run_es_module

MODULE = Path(__file__).resolve().parents[2] / "webclient" / "static" / "join-verdict.js"


def run(script: str) -> Any:
    """Run ``script`` as an ES module with join-verdict.js imported as ``v``; its last line of output
    is one JSON value, returned."""
    return run_es_module(f"import * as v from {json.dumps(MODULE.as_uri())};\n{script}")


def test_refusals_are_told_apart_from_the_network_and_keep_the_servers_words() -> None:
    found = run(
        """
const ended = {error: {code: "conflict", message: "This visit has ended."}};
console.log(JSON.stringify({
  ended: v.verdictOf(409, ended),
  gone: v.verdictOf(410, null),
  logged_out: v.verdictOf(401, {error: {message: "Log in to join this visit."}}),
  open: v.verdictOf(200, {may_join: true, role: "visitor"}),
  busy: v.verdictOf(503, {error: {message: "briefly unavailable"}}),
  capped: v.verdictOf(429, null),
  nothing: v.verdictOf(0, null),
  url: v.verdictUrl("wss://rounds.example/ws/sessions/7"),
  plain: v.verdictUrl("ws://127.0.0.1:8080/ws/sessions/12"),
}));
"""
    )
    assert found["ended"] == {"kind": "refused", "status": 409, "message": "This visit has ended."}
    assert found["gone"]["kind"] == "refused" and "ended" in found["gone"]["message"]
    assert found["logged_out"]["message"] == "Log in to join this visit."
    assert found["open"] == {"kind": "open"}
    for name in ("busy", "capped", "nothing"):
        assert found[name]["kind"] == "unreachable", name
    assert found["url"] == "https://rounds.example/ws/sessions/7/verdict"
    assert found["plain"] == "http://127.0.0.1:8080/ws/sessions/12/verdict"


def test_asking_treats_a_failed_fetch_as_the_network_and_reads_a_refusal() -> None:
    found = run(
        """
const answer = (status, body) => async () => ({status, json: async () => body});
const broken = async () => { throw new TypeError("Failed to fetch"); };
const notJson = async () => ({status: 502, json: async () => { throw new SyntaxError("<html>"); }});
console.log(JSON.stringify({
  refused: await v.askVerdict("/x", answer(409, {error: {message: "This visit has ended."}})),
  open: await v.askVerdict("/x", answer(200, {may_join: true})),
  network: await v.askVerdict("/x", broken),
  proxy: await v.askVerdict("/x", notJson),
}));
"""
    )
    assert found["refused"] == {"kind": "refused", "status": 409, "message": "This visit has ended."}
    assert found["open"] == {"kind": "open"}
    assert found["network"] == {"kind": "unreachable", "status": 0}
    assert found["proxy"] == {"kind": "unreachable", "status": 502}
