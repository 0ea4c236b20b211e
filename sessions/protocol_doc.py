"""Writes ``docs/signaling.md`` from the message models: ``python -m sessions.protocol_doc``.

The prose (how to connect, the order of things, reconnecting) is here; every message's description,
fields and example come from :mod:`sessions.signaling`, so the document always matches the code. A
test fails when ``docs/signaling.md`` is not what this module writes.
"""

from __future__ import annotations

import json
from typing import Any

from pydantic import BaseModel

from sessions import signaling as sig
from sessions.live import RATE_LIMIT_MESSAGES, RATE_LIMIT_WINDOW_SECONDS
from sessions.refusals import IGNORED_CANDIDATES, REFUSALS

INTRO = """\
# Rounds signaling protocol (version {version})

Everything a program needs to join a Rounds live session and exchange media, without reading Rounds'
code. The server is a participant in every session: each participant holds **one** RTCPeerConnection
to the server, and the server forwards media between participants as the session's rules allow
(waiting room, observers, the patient's consent). A participant never connects to another directly.

This file is generated from `sessions/signaling.py` by `python -m sessions.protocol_doc`; a test
keeps the two equal.

## Connecting

* Open a WebSocket to `ws://HOST/ws/sessions/{{session_id}}` (`wss://` behind HTTPS). `session_id` is
  the scheduled visit's number (`GET /api/v1/visits` lists them).
* **Who you are** comes from how the socket is opened, never from a message:
  * a preceptor or visitor sends the login cookie `rounds_login` (log in with
    `POST /api/v1/auth/login`, see the API's OpenAPI document at `/api/v1/openapi.json`);
  * a patient opens the single-use link the preceptor sent (`/join/{{token}}`) once, in the browser
    or client that will join; it sets the cookie `rounds_patient_pass` (valid until the link's expiry),
    which is then sent with the WebSocket request. Reconnecting needs only the cookie.
* The request must carry an `Origin` header naming this server (e.g. `Origin: http://127.0.0.1:8080`).
* Refusals happen **before** the upgrade, as ordinary HTTP responses with a JSON body
  `{{"error": {{"code": ..., "message": ...}}}}`: 401 (no login and no patient pass), 403 (wrong Origin,
  not invited, not your visit), 404 (no such session), 409 (too early: sessions open 30 minutes
  before their start; cancelled; ended), 410 (a patient link already used or expired), 429 (your
  address already holds `ROUNDS_MAX_SOCKETS_PER_CLIENT` sockets, 20 by default) and 503 (the server
  holds all the sockets it may, `ROUNDS_MAX_SOCKETS`; or live sessions are briefly unavailable: retry
  after `Retry-After`). A browser cannot read the status of a refused WebSocket handshake: ask
  `GET /ws/sessions/{{session_id}}/verdict` (same cookies) when a socket fails before `welcome`; it
  answers 200 `{{"may_join": true}}` or the same refusal as JSON, and changes nothing.
* Send `join` within `ROUNDS_JOIN_TIMEOUT_SECONDS` (30 s by default) of opening the socket; otherwise
  the server answers `error` (code `join_timeout`) and closes it.
* Frames are UTF-8 JSON text, one object per frame, at most {max_bytes} bytes. A larger frame is
  answered with `error` (code `too_large`) and the socket stays open; only a frame over
  {max_frame} bytes makes the server close the socket (close code 1009, "message too big"). The
  server sends WebSocket pings every 5 s; a client that does not answer them is treated as gone
  (its place is kept).
* ICE: use exactly the `ice_servers` from `welcome` (empty unless the server is configured with STUN
  or TURN: the server is reached directly on its host address). With TURN configured
  (`ROUNDS_TURN_URLS`), the list carries a TURN entry with short-lived credentials made for you alone
  (coturn's shared-secret scheme); they expire after `ROUNDS_TURN_TTL_SECONDS`, and each new `welcome`
  (a reconnect) brings fresh ones. Each entry has the shape of the browser's `RTCIceServer`: `urls` (one
  URL or a list of them, e.g. `"turn:turn.example.org:3478"`), and for TURN `username` and
  `credential`; pass the list to `new RTCPeerConnection({{iceServers}})` as it is. The server gathers
  all its candidates before answering, so its descriptions are complete; you may trickle yours with
  `candidate` or wait for gathering to finish.

## The order of things

```
client                                   server
  |-- join ------------------------------>|
  |<----------------------------- welcome |  your participant_id, role, presence, ice_servers
  |<------------------------------- state |  the room (a waiting participant sees only themself)
  |-- offer (your audio + video) -------->|  one sendonly (or sendrecv) audio and video transceiver
  |<------------------------------ answer |
  |      ... ICE + DTLS connect ...        |
  |<------------------------------- offer |  the server adds transceivers for what it will forward
  |-- answer ---------------------------->|
  |<------------------------------ tracks |  which participant each receiving mid carries
  |<------------------------------- state |  after every change in the room
  |-- chat / media / hand / leave ... --->|
  |<------------------------------- bye   |  then the server closes the socket
```

* **Waiting room.** Everyone but the host starts `waiting`. You may connect media while waiting;
  nothing is forwarded to or from you until the host sends `admit`. `state` then shows you
  `admitted` and the server starts forwarding at once (its offer may already have arrived).
* **Media rules are the server's.** Publish what you like; the server forwards a track only when the
  room allows it: the publisher's permission (`may_publish`, granted by the host) and their own switch
  (`media`), the receiver's `may_receive`, and in a patient visit the patient's consent (until the host
  sends `consent`, and again after `withdraw_consent`, no patient media reaches visitors and no
  visitor media reaches the patient; the host is never gated).
* **Consent scopes.** `observe` and `interact` are recorded as the patient agreed, as evidence; for
  media they are the same: with either, patient and visitors see and hear each other. Whether a
  visitor may speak or show their camera is still the host's permission (`permit`).
* **Observers.** Whether a visitor joins as an observer (`ParticipantView.observer`) is decided by the
  server from the kind of session and the visitor's rotation: in a **patient visit** visitors
  observe unless their rotation is hands-on; in **huddles** and **didactic** sessions nobody observes
  (that is where visitors present and talk). The host and the patient never observe. An observer
  starts with `may_publish` and `publishing` empty (camera and microphone off) and `may_receive`
  both kinds, and cannot switch media on until the host permits it; everyone else starts with
  everything allowed and on.
* **Permissions while waiting.** The host may send `permit` and `mute` for a participant who is still
  waiting: the permissions apply from the moment they are admitted (nothing is forwarded before).
* **Numbering.** Offer with your own payload types and header-extension ids: the server's later
  offers keep the numbers agreed for existing media sections and reuse your payload type for a codec
  you already use in new ones. Codecs the server supports: Opus (audio), VP8 and H.264 (video).
* **Receiving.** The server reuses its transceivers: a receiving `mid` may carry one participant now
  and another later, or nothing. Use the latest `tracks` message to label what you show. Media is
  forwarded as the publisher encoded it (Opus, VP8 or H.264), never re-encoded. If your answer rejects
  a section (your side lacks its codec), you keep everything else, and `tracks.unplayable` lists whose
  media you therefore do not get.
* **Weak connections.** The server adapts what it sends you to your downlink, per video: the
  publisher's stream, a smaller one it makes (`low`), or none (`paused`); sound is never dropped for
  video. It learns your downlink from what your peer connection reports anyway (RTCP receiver
  reports, REMB, and transport-wide congestion control feedback: the server's offers ask for it on the
  sections it sends you, with the header extension
  `http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01` and `rtcp-fb transport-cc`;
  accept them if your stack can): nothing else to do on your side. `levels` tells you when and why; a
  switch between levels starts at a keyframe, with the same timestamps going on.
* **Reconnecting.** If the socket or the peer connection drops, open a new socket, send `join` again
  and make a **new** RTCPeerConnection with a new `offer` (there is no ICE restart). An admitted
  participant goes straight back in with their permissions. Joining from a second socket replaces the
  first, which receives `bye` with reason `replaced`. A socket the server closes **without** a `bye`
  (close code 1012, "service restart", when the session moved to another server of a cluster, or a
  server that went away) means: reconnect at once, the same way; the session goes on elsewhere.
* **The host leaving.** If the host's connection ends, `state.host_grace_seconds` counts down; if the
  host is not back in time the session ends for everyone (`bye`, reason `host_gone`). The host ends the
  session at once with `end`. A room nobody is connected to (the host has not come yet, and whoever
  waited has gone) is closed by the server after the same grace time; the session is not over, and the
  next `join` opens it again.
* **Replies and request ids.** Any message may carry `id`, your own label for it: a string of 1 to
  {max_id} characters or an integer (for `ping`, a whole number, 0 by default). The reply it causes
  carries it back as `re`: `welcome` for `join`, `answer` for `offer`, `pong` for `ping`, and an
  `error` for any message it refuses. The other messages have no reply of their own when they
  succeed: their effect shows in the next `state` (or `tracks`, or `chat`). Messages are handled
  one at a time, in the order they arrive.
* **Errors.** A refused or invalid message gets an `error` and changes nothing: the socket stays
  open, and nobody's media (yours included) is interrupted. `refused` names the message type that
  was refused, `field` the field at fault, `re` its `id`. Fields a message does not define are
  refused (`bad_message`, with `field` naming the unknown field), so a typo never passes silently.
* **Rate limit.** Each participant may send {rate_messages} messages in any {rate_window:g}
  seconds; each message beyond that is dropped and answered with `error` (code `rate_limited`).
* **Candidates.** `candidate` takes an RFC 8839 candidate line: component 1 (RTP and RTCP share a
  port), transport `udp` (`tcp` is accepted and ignored: the server does not listen on TCP), a
  priority from 1 to 2^31-1, an IPv4 or IPv6 address or an mDNS name (`<uuid>.local`, accepted and
  ignored: the server cannot resolve it and learns your address from your connectivity checks
  instead), a port from 1 to 65535, and type `host`, `srflx`, `prflx` or `relay`; with `sdpMid` or
  `sdpMLineIndex`. The same holds for `a=candidate` lines inside your SDP.
* **Descriptions.** An `offer` must be an SDP description with one or more `audio` or `video`
  sections and nothing else, none of them rejected (port 0), each with ICE credentials, `a=rtcp-mux`
  and a codec the server supports. It is checked before your current connection is touched: a
  refused offer leaves your media as it was. An `answer` must have one section for each section of
  the server's offer, of the same kind (you may reject one with port 0).
* **Chat** goes to everyone admitted and is not stored anywhere.
* **Attendance.** The server records when each participant was admitted with media connected; that
  is the evidence for verified hours. Nothing else of the session is recorded (no audio or video).
"""


def _type_text(schema: dict[str, Any], defs: dict[str, Any]) -> str:
    if "$ref" in schema:
        return str(schema["$ref"]).rsplit("/", 1)[-1]
    if "const" in schema:
        return json.dumps(schema["const"])
    if "enum" in schema:
        return " \\| ".join(json.dumps(v) for v in schema["enum"])
    if "anyOf" in schema:
        return " or ".join(_type_text(option, defs) for option in schema["anyOf"])
    kind = schema.get("type", "any")
    if kind == "array":
        return f"list of {_type_text(schema.get('items', {}), defs)}"
    if schema.get("format") == "date-time":
        return "date-time (UTC, ISO 8601)"
    return str(kind)


def _limits(schema: dict[str, Any]) -> str:
    parts = []
    for key, label in (
        ("minLength", "min length"),
        ("maxLength", "max length"),
        ("minimum", "min"),
        ("maximum", "max"),
        ("pattern", "pattern"),
    ):
        if key in schema:
            value = schema[key]
            parts.append(f"{label} `{value}`" if key == "pattern" else f"{label} {value}")
    return ", ".join(parts)


def _fields_table(model: type[BaseModel]) -> list[str]:
    schema = model.model_json_schema()
    defs = schema.get("$defs", {})
    required = set(schema.get("required", []))
    lines = ["| field | type | required | notes |", "|---|---|---|---|"]
    properties: dict[str, Any] = schema.get("properties", {})
    order = sorted(properties, key=lambda name: name != "type")  # the type first, then as declared
    for name in order:
        field_schema = properties[name]
        notes = ", ".join(filter(None, [field_schema.get("description", ""), _limits(field_schema)]))
        if "default" in field_schema and name != "type":
            default = json.dumps(field_schema["default"])
            notes = ", ".join(filter(None, [notes, f"default {default}"]))
        lines.append(
            f"| `{name}` | {_type_text(field_schema, defs)} "
            f"| {'yes' if name in required or name == 'type' else 'no'} | {notes} |"
        )
    return lines


def _markdown(docstring: str | None) -> str:
    """A docstring as one Markdown paragraph (reStructuredText ``code`` becomes `code`)."""
    return " ".join((docstring or "").split()).replace("``", "`")


def _section(model: type[BaseModel]) -> list[str]:
    extra = model.model_config.get("json_schema_extra")
    example = extra.get("example") if isinstance(extra, dict) else None
    doc = _markdown(model.__doc__)
    lines = [f"### `{sig.message_type(model)}`", "", doc, "", *_fields_table(model), ""]
    if example is not None:
        lines += ["```json", json.dumps(example), "```", ""]
    return lines


def _shown(frame: str) -> str:
    """A frame as the refusals table shows it: long ones shortened, pipes escaped for Markdown."""
    text = frame if len(frame) <= 90 else f"{frame[:70]}… ({len(frame.encode())} bytes)"
    return "`" + text.replace("|", "\\|").replace("`", "'") + "`" if text else "(empty)"


def _refusals() -> list[str]:
    """The table of refused frames (as an admitted visitor would send them) and their errors."""
    lines = [
        "## What is refused",
        "",
        "Each of these frames, sent by an admitted visitor, gets the `error` shown and changes nothing "
        "(the server's tests send every one of them into a room with media flowing). `re` is the frame's "
        "`id` except where noted.",
        "",
        "| what | example frame | `code` | `field` |",
        "|---|---|---|---|",
    ]
    for refusal in REFUSALS:
        why = refusal.why + ("" if refusal.echoes_id else " (no `re`)")
        lines.append(f"| {why} | {_shown(refusal.frame)} | `{refusal.code}` | {refusal.field or ''} |")
    lines += ["", "Accepted without an error, and not used: candidates with "]
    lines[-1] += "; ".join(f"{why} ({_shown(line)})" for why, line in IGNORED_CANDIDATES) + "."
    return [*lines, ""]


def render() -> str:
    """The whole of ``docs/signaling.md``."""
    out = [
        INTRO.format(
            version=sig.PROTOCOL_VERSION,
            max_bytes=sig.MAX_MESSAGE_BYTES,
            max_frame=sig.MAX_FRAME_BYTES,
            max_id=sig.MAX_REQUEST_ID_CHARS,
            rate_messages=RATE_LIMIT_MESSAGES,
            rate_window=RATE_LIMIT_WINDOW_SECONDS,
        ),
        "",
        *_refusals(),
    ]
    client: tuple[type[BaseModel], ...] = sig.CLIENT_MESSAGE_TYPES
    server: tuple[type[BaseModel], ...] = sig.SERVER_MESSAGE_TYPES
    shapes: tuple[type[BaseModel], ...] = (
        sig.ParticipantView,
        sig.ConsentView,
        sig.TrackSource,
        sig.UnplayableTrack,
        sig.VideoLevel,
    )
    out += ["## Messages from the participant to the server", ""]
    for model in client:
        out += _section(model)
    out += ["## Messages from the server to the participant", ""]
    for model in server:
        out += _section(model)
    out += ["## Shapes used inside messages", ""]
    for model in shapes:
        out += [f"### {model.__name__}", "", _markdown(model.__doc__), ""]
        out += [*_fields_table(model), ""]
    return "\n".join(out).rstrip() + "\n"


if __name__ == "__main__":
    print(render(), end="")
