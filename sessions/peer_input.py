"""Checks on what a participant's peer connection sends us, before any of it reaches aiortc.

aiortc and aioice trust their input: a short candidate line fails an ``assert``, a port above 65535
or a priority above 2**32 raises deep inside an ICE check task, text that is not SDP parses as an
empty description (and is answered with an empty SDP). Each of those would break a participant's
signaling or media, so every candidate and every description is checked here first and refused with
a message that says what to fix (:class:`sessions.signaling.BadMessage`).

Candidates are checked against RFC 8839's grammar; descriptions by their shape, then an offer is
rehearsed on a throwaway peer connection (:func:`rehearse_offer`) so that whatever aiortc would
refuse is refused before the participant's working connection is replaced.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from typing import Final, Literal

from aiortc import RTCIceCandidate, RTCPeerConnection, RTCSessionDescription

from sessions.signaling import BadMessage

#: The ICE candidate types RFC 8839 defines.
CANDIDATE_TYPES: Final = frozenset({"host", "srflx", "prflx", "relay"})
#: Transports the server uses (UDP) or recognises and ignores (TCP, which it never listens on).
CANDIDATE_TRANSPORTS: Final = frozenset({"udp", "tcp"})
#: Media sections the server takes in a participant's offer.
MEDIA_KINDS: Final = frozenset({"audio", "video"})
MAX_FOUNDATION_CHARS: Final = 32
MAX_PRIORITY: Final = 2**31 - 1

_FOUNDATION = re.compile(r"[A-Za-z0-9+/]{1,32}")
_TOKEN = re.compile(r"[!#$%&'*+\-.0-9A-Z^_`a-z|~]{1,64}")
_MDNS_NAME = re.compile(r"(?i)[a-z0-9](?:[a-z0-9-]{0,62})\.local")
_DIGITS = re.compile(r"[0-9]{1,10}")
_SDP_LINE = re.compile(r"[a-z]=.*")


@dataclass(frozen=True, slots=True)
class CheckedCandidate:
    """A candidate line that passed the checks: ``usable`` is False for one the server ignores (an
    mDNS name it cannot resolve, TCP), which is accepted without an error."""

    candidate: RTCIceCandidate
    usable: bool


def _bad(message: str, field: str) -> BadMessage:
    return BadMessage(message, field=field)


def _number(text: str, what: str, low: int, high: int) -> int:
    if not _DIGITS.fullmatch(text) or not low <= int(text) <= high:
        raise _bad(
            f"candidate: {what} must be a whole number from {low} to {high}, not {text[:16]!r}", "candidate"
        )
    return int(text)


def _address(text: str, what: str) -> Literal["ip", "mdns"]:
    """An IP address (v4 or v6) or an mDNS host name (``<uuid>.local``)."""
    if _MDNS_NAME.fullmatch(text):
        return "mdns"
    try:
        ipaddress.ip_address(text)
    except ValueError:
        raise _bad(
            f"candidate: the {what} must be an IP address or an mDNS name (.local), not {text[:64]!r}",
            "candidate",
        ) from None
    return "ip"


def check_candidate(line: str, sdp_mid: str | None, sdp_mline_index: int | None) -> CheckedCandidate | None:
    """The candidate a ``candidate`` message carries, or None for end-of-candidates (an empty line).

    ``line`` is the ``a=candidate`` attribute with or without ``a=`` and ``candidate:``. Raises
    :class:`BadMessage` naming what is wrong.
    """
    text = line.strip()
    if text.startswith("a="):
        text = text[2:]
    if text.startswith("candidate:"):
        text = text[len("candidate:") :]
    if not text:
        return None
    if sdp_mid is None and sdp_mline_index is None:
        raise _bad("candidate: give sdpMid or sdpMLineIndex (which media section it belongs to)", "sdpMid")
    bits = text.split()
    if len(bits) < 8 or bits[6] != "typ":
        raise _bad(
            "candidate: not an ICE candidate line; expected "
            "'candidate:FOUNDATION COMPONENT TRANSPORT PRIORITY ADDRESS PORT typ TYPE [raddr A rport P] ...'",
            "candidate",
        )
    foundation, component, transport, priority, address, port, _typ, kind = bits[:8]
    if not _FOUNDATION.fullmatch(foundation):
        raise _bad(
            f"candidate: the foundation must be 1 to {MAX_FOUNDATION_CHARS} letters, digits, '+' or '/'",
            "candidate",
        )
    component_value = _number(component, "the component", 1, 256)
    if component_value > 2:
        raise _bad("candidate: the component must be 1 (RTP) or 2 (RTCP)", "candidate")
    transport = transport.lower()
    if transport not in CANDIDATE_TRANSPORTS:
        raise _bad(f"candidate: the transport must be udp or tcp, not {transport[:16]!r}", "candidate")
    priority_value = _number(priority, "the priority", 1, MAX_PRIORITY)
    host = _address(address, "address")
    port_value = _number(port, "the port", 0 if transport == "tcp" else 1, 65535)
    if kind not in CANDIDATE_TYPES:
        raise _bad(
            f"candidate: the type must be one of host, srflx, prflx, relay, not {kind[:16]!r}", "candidate"
        )
    extensions = bits[8:]
    if len(extensions) % 2:
        raise _bad("candidate: every extension after the type needs a name and a value", "candidate")
    candidate = RTCIceCandidate(
        component=1,
        foundation=foundation,
        ip=address,
        port=port_value,
        priority=priority_value,
        protocol=transport,
        type=kind,
        sdpMid=sdp_mid,
        sdpMLineIndex=sdp_mline_index,
    )
    for name, value in zip(extensions[::2], extensions[1::2], strict=True):
        if not (_TOKEN.fullmatch(name) and _TOKEN.fullmatch(value)):
            raise _bad("candidate: an extension name or value is not a token", "candidate")
        if name == "raddr":
            _address(value, "related address")
            candidate.relatedAddress = value
        elif name == "rport":
            candidate.relatedPort = _number(value, "the related port", 0, 65535)
        elif name == "tcptype":
            candidate.tcpType = value
    # The server cannot resolve a browser's mDNS name (it is meant for the browser's own network),
    # and listens on UDP only; such candidates are fine to send and simply not used: the server
    # learns the browser's address from its connectivity checks instead (peer-reflexive). RTCP
    # candidates (component 2) are what a browser offers before it knows RTCP will be multiplexed
    # (Firefox does, in every offer); the server always multiplexes, so they are not used either.
    usable = host == "ip" and transport == "udp" and component_value == 1
    return CheckedCandidate(candidate, usable=usable)


@dataclass(frozen=True, slots=True)
class _Section:
    kind: str
    port: int


def _sections(sdp: str, what: str) -> list[_Section]:
    """The media sections of a description that is SDP at all; raises BadMessage otherwise."""
    lines = sdp.replace("\r\n", "\n").rstrip("\n").split("\n")
    if not lines or lines[0] != "v=0":
        raise _bad(f"{what}: not an SDP description (it must begin with the line v=0)", "sdp")
    sections: list[_Section] = []
    for number, line in enumerate(lines, start=1):
        if not _SDP_LINE.fullmatch(line):
            raise _bad(f"{what}: line {number} is not an SDP line (expected 'x=...')", "sdp")
        if line.startswith("a=candidate:"):
            try:
                check_candidate(line, "0", None)
            except BadMessage as exc:
                raise _bad(f"{what}: line {number}: {exc}", "sdp") from None
        if line.startswith("m="):
            parts = line[2:].split()
            port = parts[1].split("/", 1)[0] if len(parts) >= 4 else ""
            if not _DIGITS.fullmatch(port) or int(port) > 65535:
                raise _bad(
                    f"{what}: line {number} is not a valid media line ('m=KIND PORT PROTO FMT...')", "sdp"
                )
            sections.append(_Section(kind=parts[0], port=int(port)))
    if not sections:
        raise _bad(f"{what}: the description has no media section (m= line)", "sdp")
    return sections


def check_offer_text(sdp: str) -> None:
    """The shape of a participant's offer: SDP with audio and video sections only, none rejected."""
    for number, section in enumerate(_sections(sdp, "offer"), start=1):
        if section.kind not in MEDIA_KINDS:
            raise _bad(
                f"offer: media section {number} is {section.kind[:16]!r}: only audio and video are taken",
                "sdp",
            )
        if section.port == 0:
            raise _bad(
                f"offer: media section {number} is rejected (port 0); offer only the tracks you send", "sdp"
            )


def check_answer_text(sdp: str, offered: str | None) -> None:
    """The shape of a participant's answer to the server's offer ``offered``: SDP with one media section
    for each offered one, of the same kind (a section may be rejected with port 0)."""
    sections = _sections(sdp, "answer")
    if offered is None:
        return
    expected = [line[2:].split(" ", 1)[0] for line in offered.splitlines() if line.startswith("m=")]
    if [section.kind for section in sections] != expected:
        raise _bad(
            f"answer: its media sections ({', '.join(s.kind for s in sections)}) do not match the offer's "
            f"({', '.join(expected)})",
            "sdp",
        )


def _without_candidates(sdp: str) -> str:
    """The description without its candidates: a rehearsal must not resolve names or send anything."""
    kept = [line for line in sdp.splitlines() if not line.startswith(("a=candidate:", "a=end-of-candidates"))]
    return "\r\n".join(kept) + "\r\n"


async def rehearse_offer(sdp: str) -> None:
    """Apply an offer (without its candidates) to a throwaway peer connection, so that a description
    aiortc cannot use is refused (BadMessage) before the participant's working connection is touched.
    Nothing is gathered or connected: no socket is opened."""
    pc = RTCPeerConnection()
    try:
        await pc.setRemoteDescription(RTCSessionDescription(sdp=_without_candidates(sdp), type="offer"))
    except Exception as exc:  # aiortc raises ValueError, OperationError and friends on SDP it cannot use
        raise _bad(f"offer: the SDP could not be used ({type(exc).__name__}: {exc})"[:300], "sdp") from None
    finally:
        await pc.close()
