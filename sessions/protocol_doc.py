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
  before their start; cancelled; ended), 410 (a patient link already used or expired).
* Frames are UTF-8 JSON text, one object per frame, at most {max_bytes} bytes. The server sends
  WebSocket pings every 5 s; a client that does not answer them is treated as gone (its place is kept).
* ICE: use exactly the `ice_servers` from `welcome` (an empty list by default: the server is reached
  directly on its host address). The server gathers all its candidates before answering, so its
  descriptions are complete; you may trickle yours with `candidate` or wait for gathering to finish.

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
  visitor media reaches the patient; the host is never gated). Observers (visitors by default) start
  with camera and microphone off and cannot switch them on until the host permits it.
* **Numbering.** Offer with your own payload types and header-extension ids: the server's later
  offers keep the numbers agreed for existing media sections and reuse your payload type for a codec
  you already use in new ones. Codecs the server supports: Opus (audio), VP8 and H.264 (video).
* **Receiving.** The server reuses its transceivers: a receiving `mid` may carry one participant now
  and another later, or nothing. Use the latest `tracks` message to label what you show. Media is
  forwarded as the publisher encoded it (Opus, VP8 or H.264), never re-encoded. If your answer rejects
  a section (your side lacks its codec), you keep everything else, and `tracks.unplayable` lists whose
  media you therefore do not get.
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
* **Errors.** A refused or invalid message gets an `error` and changes nothing; the socket stays
  open. The `refused` field names the message type that was refused.
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
    for name, field_schema in schema.get("properties", {}).items():
        notes = _limits(field_schema)
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


def render() -> str:
    """The whole of ``docs/signaling.md``."""
    out = [INTRO.format(version=sig.PROTOCOL_VERSION, max_bytes=sig.MAX_MESSAGE_BYTES), ""]
    client: tuple[type[BaseModel], ...] = sig.CLIENT_MESSAGE_TYPES
    server: tuple[type[BaseModel], ...] = sig.SERVER_MESSAGE_TYPES
    shapes: tuple[type[BaseModel], ...] = (
        sig.ParticipantView,
        sig.ConsentView,
        sig.TrackSource,
        sig.UnplayableTrack,
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
