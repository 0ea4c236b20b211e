"""What the server refuses, by example: one frame for each way a message can be wrong, with the
``error`` it gets. ``docs/signaling.md`` lists them (:mod:`sessions.protocol_doc`), and the hostile
client tests send every one of them into a room with media flowing, so the list, the document and
the behaviour cannot drift apart.

The examples are as an admitted visitor would send them (host-only messages are ``forbidden`` to
them); frames are text exactly as sent, without a request id (the tests add one where the frame is
a JSON object, and expect it back as ``re``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Final

from sessions import signaling as sig


@dataclass(frozen=True, slots=True)
class Refusal:
    """One refused frame: what is wrong with it, the frame, and the ``error`` it gets."""

    why: str
    frame: str
    code: str
    field: str | None = None
    #: False where the frame's ``id`` cannot be read (not JSON, too large, the id itself is wrong).
    echoes_id: bool = True


def _frame(**message: object) -> str:
    return json.dumps(message)


def _candidate(line: str, **extra: object) -> str:
    return _frame(type="candidate", candidate=line, sdpMid="0", sdpMLineIndex=0, **extra)


_GOOD = "candidate:1 1 udp 2122260223 127.0.0.1 50123 typ host"
_SESSION = ["v=0", "o=- 1 1 IN IP4 127.0.0.1", "s=-", "t=0 0"]
_FINGERPRINT = "a=fingerprint:sha-256 " + ":".join(["AB"] * 32)
_ICE = ["a=ice-ufrag:abcd", "a=ice-pwd:abcdefghijklmnopqrstuvwx"]


def _sdp(*lines: str) -> str:
    return "\r\n".join([*_SESSION, *lines]) + "\r\n"


def _section(media: str, payload: str, codec: str, *, ice: bool = True, port: int = 9) -> list[str]:
    return [
        f"m={media} {port} UDP/TLS/RTP/SAVPF {payload}",
        "c=IN IP4 0.0.0.0",
        "a=mid:0",
        "a=sendonly",
        "a=rtcp-mux",
        f"a=rtpmap:{payload} {codec}",
        "a=setup:actpass",
        _FINGERPRINT,
        *(_ICE if ice else []),
    ]


REFUSALS: Final[tuple[Refusal, ...]] = (
    Refusal("not JSON", "hello", "bad_message", echoes_id=False),
    Refusal("JSON but not an object", "[1, 2]", "bad_message", echoes_id=False),
    Refusal("JSON nested thousands of levels deep", "[" * 20_000, "bad_message", echoes_id=False),
    Refusal(
        "an object with a value nested thousands of levels deep",
        '{"type": "chat", "text": "hi", "id": ' + "[" * 20_000,
        "bad_message",
        echoes_id=False,
    ),
    Refusal("no type", _frame(), "bad_message", "type"),
    Refusal("an unknown type", _frame(type="teleport"), "bad_message", "type"),
    Refusal(
        "an unknown extra field", _frame(type="hand", raised=True, colour="red"), "bad_message", "colour"
    ),
    Refusal("a field of the wrong type", _frame(type="hand", raised="maybe"), "bad_message", "raised"),
    Refusal("a field over its length", _frame(type="chat", text="x" * 1001), "bad_message", "text"),
    Refusal(
        "a request id that is neither a short string nor an integer",
        _frame(type="hand", raised=True, id={"n": 1}),
        "bad_message",
        "id",
        echoes_id=False,
    ),
    Refusal(
        "a participant id of the wrong shape",
        _frame(type="admit", participant_id="../x"),
        "bad_message",
        "participant_id",
    ),
    Refusal(
        f"a frame over {sig.MAX_MESSAGE_BYTES} bytes",
        _frame(type="chat", text="x" * sig.MAX_MESSAGE_BYTES),
        "too_large",
        echoes_id=False,
    ),
    Refusal("`join` on a socket that has joined", _frame(type="join"), "conflict"),
    Refusal(
        "a host-only message",
        _frame(type="permit", participant_id="user-1", kind="audio", action="receive", allowed=False),
        "forbidden",
    ),
    Refusal("`end` from someone not the host", _frame(type="end"), "forbidden"),
    Refusal(
        "`consent` from someone not the host",
        _frame(type="consent", scope="observe", method="verbal"),
        "forbidden",
    ),
    Refusal(
        "`answer` with no offer from the server waiting",
        _frame(type="answer", sdp=_sdp(*_section("audio", "111", "opus/48000/2"))),
        "conflict",
    ),
    Refusal("a candidate that is not a candidate line", _candidate("hello"), "bad_message", "candidate"),
    Refusal(
        "a candidate line cut short",
        _candidate("candidate:1 1 udp 2122260223 127.0.0.1 50123"),
        "bad_message",
        "candidate",
    ),
    Refusal(
        "a candidate with a foundation over 32 characters",
        _candidate(_GOOD.replace("candidate:1 ", "candidate:" + "f" * 33 + " ")),
        "bad_message",
        "candidate",
    ),
    Refusal(
        "a candidate with a bad foundation",
        _candidate(_GOOD.replace("candidate:1 ", "candidate:f*o ")),
        "bad_message",
        "candidate",
    ),
    Refusal(
        "a candidate for component 0",
        _candidate(_GOOD.replace(" 1 udp", " 0 udp")),
        "bad_message",
        "candidate",
    ),
    Refusal(
        "a candidate for component 3 (only RTP and RTCP exist)",
        _candidate(_GOOD.replace(" 1 udp", " 3 udp")),
        "bad_message",
        "candidate",
    ),
    Refusal(
        "a candidate over an unknown transport",
        _candidate(_GOOD.replace("udp", "sctp")),
        "bad_message",
        "candidate",
    ),
    Refusal(
        "a candidate with a priority over 2^31-1",
        _candidate(_GOOD.replace("2122260223", "4294967296")),
        "bad_message",
        "candidate",
    ),
    Refusal(
        "a candidate with a port over 65535",
        _candidate(_GOOD.replace("50123", "70000")),
        "bad_message",
        "candidate",
    ),
    Refusal(
        "a UDP candidate with port 0", _candidate(_GOOD.replace("50123", "0")), "bad_message", "candidate"
    ),
    Refusal(
        "a candidate whose address is a DNS name",
        _candidate(_GOOD.replace("127.0.0.1", "evil.example.com")),
        "bad_message",
        "candidate",
    ),
    Refusal(
        "a candidate of an unknown type",
        _candidate(_GOOD.replace("typ host", "typ nearby")),
        "bad_message",
        "candidate",
    ),
    Refusal(
        "a candidate with a related address that is not one",
        _candidate(_GOOD.replace("typ host", "typ srflx raddr nowhere rport 9")),
        "bad_message",
        "candidate",
    ),
    Refusal(
        "a candidate with an extension missing its value",
        _candidate(_GOOD + " generation"),
        "bad_message",
        "candidate",
    ),
    Refusal("a candidate over 500 characters", _candidate(_GOOD + " x y" * 130), "bad_message", "candidate"),
    Refusal(
        "a candidate naming no media section",
        _frame(type="candidate", candidate=_GOOD),
        "bad_message",
        "sdpMid",
    ),
    Refusal(
        "an offer that is not SDP", _frame(type="offer", sdp="hello, this is not SDP"), "bad_message", "sdp"
    ),
    Refusal("an offer with no media section", _frame(type="offer", sdp=_sdp()), "bad_message", "sdp"),
    Refusal(
        "an offer with a data channel section",
        _frame(type="offer", sdp=_sdp("m=application 9 UDP/DTLS/SCTP webrtc-datachannel", *_ICE)),
        "bad_message",
        "sdp",
    ),
    Refusal(
        "an offer with a rejected section (port 0)",
        _frame(type="offer", sdp=_sdp(*_section("audio", "111", "opus/48000/2", port=0))),
        "bad_message",
        "sdp",
    ),
    Refusal(
        "an offer without ICE credentials",
        _frame(type="offer", sdp=_sdp(*_section("audio", "111", "opus/48000/2", ice=False))),
        "bad_message",
        "sdp",
    ),
    Refusal(
        "an offer with no codec the server supports (VP9 only)",
        _frame(type="offer", sdp=_sdp(*_section("video", "98", "VP9/90000"))),
        "bad_message",
        "sdp",
    ),
    Refusal("an SDP under 10 characters", _frame(type="offer", sdp="v=0"), "bad_message", "sdp"),
)

#: Candidates the server accepts without an error and does not use (it cannot resolve a browser's
#: mDNS name and does not listen on TCP).
IGNORED_CANDIDATES: Final[tuple[tuple[str, str], ...]] = (
    ("an mDNS host name", _GOOD.replace("127.0.0.1", "4f2b0d3c-8a1e-4c1e-9b7a-2f1d3c4b5a69.local")),
    ("an IPv6 address (used only if the server has one)", _GOOD.replace("127.0.0.1", "2001:db8::1")),
    ("TCP", "candidate:2 1 tcp 1518280447 127.0.0.1 9 typ host tcptype active"),
    ("RTCP (component 2: the server multiplexes RTCP with RTP)", _GOOD.replace(" 1 udp", " 2 udp")),
    ("end of candidates", ""),
)
