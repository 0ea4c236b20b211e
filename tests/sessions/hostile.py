"""A hostile participant: sends every refused frame of the signaling document (``sessions.refusals``)
into a room where a host and a visitor exchange media, and checks after each one that the sender got
its ``error``, that no socket closed and that media still flows both ways. Shared by the in-memory
test (tests/sessions) and the one over the real WebSocket (tests/integration)."""

from __future__ import annotations

import json
from collections.abc import Callable

from sessions.client import ParticipantClient
from sessions.refusals import IGNORED_CANDIDATES, REFUSALS, Refusal


def with_id(refusal: Refusal, request_id: str) -> str:
    """The refusal's frame carrying ``request_id`` (unless its id cannot be read anyway)."""
    if not refusal.echoes_id:
        return refusal.frame
    message = json.loads(refusal.frame)
    message["id"] = request_id
    return json.dumps(message)


async def media_flows_both_ways(host: ParticipantClient, visitor: ParticipantClient) -> None:
    """Wait until more frames arrive each way than had arrived so far (a bounded wait, not a timing)."""
    host_id, visitor_id = host.participant_id or "", visitor.participant_id or ""
    to_visitor = visitor.frames_from(host_id, "video")
    to_host = host.frames_from(visitor_id, "video")
    await visitor.wait_until(lambda: visitor.frames_from(host_id, "video") > to_visitor + 2)
    await host.wait_until(lambda: host.frames_from(visitor_id, "video") > to_host + 2)


async def send_every_refusal(
    host: ParticipantClient, visitor: ParticipantClient, still_open: Callable[[], bool]
) -> None:
    """The hostile run, from the (admitted, publishing) visitor. ``still_open``: both sockets are open
    on the server's side."""
    await media_flows_both_ways(host, visitor)
    for number, refusal in enumerate(REFUSALS):
        request_id = f"hostile-{number}"
        before = len(visitor.errors)
        await visitor.send_raw(with_id(refusal, request_id))
        await visitor.wait_until(lambda: len(visitor.errors) > before)  # noqa: B023 - awaited here
        error = visitor.errors[-1]
        assert len(visitor.errors) == before + 1, (refusal.why, visitor.errors[before:])
        assert (error.code, error.field) == (refusal.code, refusal.field), (refusal.why, error)
        assert error.re == (request_id if refusal.echoes_id else None), (refusal.why, error)
        assert error.message
        assert visitor.bye is None and host.bye is None and still_open(), refusal.why
        await media_flows_both_ways(host, visitor)
    assert host.errors == []


async def send_ignored_candidates(visitor: ParticipantClient) -> None:
    """Candidates the server takes without an error (and does not use): none gets an error, which a
    refused frame sent after them proves (messages are handled in order)."""
    before = len(visitor.errors)
    for number, (_why, line) in enumerate(IGNORED_CANDIDATES):
        frame = {
            "type": "candidate",
            "candidate": line,
            "sdpMid": "0",
            "sdpMLineIndex": 0,
            "id": f"ok-{number}",
        }
        await visitor.send_raw(json.dumps(frame))
    await visitor.send_raw(json.dumps({"type": "teleport", "id": "marker"}))
    await visitor.wait_until(lambda: len(visitor.errors) > before)
    assert [e.re for e in visitor.errors[before:]] == ["marker"]
