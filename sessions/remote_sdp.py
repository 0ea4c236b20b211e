"""A browser's SDP made into something aiortc 1.16 can use, before ``setRemoteDescription``.

What mainstream browsers send in their default state and aiortc mishandles (facts checked in
``/work/shared/design/browsers.md``):

* **mDNS host candidates.** Firefox, and Chromium without a camera permission, name their host
  addresses ``<uuid>.local`` and add ``a=end-of-candidates``. aioice tries to resolve the names over
  multicast DNS (one second each, and it fails wherever multicast does not reach), then, with no
  candidate left at end-of-candidates, prunes the ICE component: the server gathers no candidate of its
  own and answers with none, so no path is ever checked. Production SFUs ignore what they cannot
  resolve and let the browser's connectivity checks reveal its address (a peer-reflexive candidate).
  :func:`clean_description` drops such candidates and, when it dropped any, the end-of-candidates, so
  aioice keeps its component, answers with its candidates and keeps waiting for the peer's checks
  (aioice 0.13 answers a check from an unknown address and pairs it as ``prflx``).
* **A name in ``a=rtcp`` or ``c=``.** aiortc parses ``a=rtcp:9 IN IP4 <uuid>.local`` but every later
  read of ``pc.remoteDescription`` re-serialises it and raises ValueError. Such addresses become
  ``0.0.0.0`` (nothing uses them: RTCP is multiplexed and ICE chooses the path).
* **DTLS roles in renegotiation answers.** Firefox's answers to the server's offers say
  ``a=setup:passive`` on the sections it had and ``a=setup:active`` on new ones; aiortc applies each
  section's role to the one bundled DTLS transport, so the last section wins and the role can flip in
  the middle of the handshake. :func:`repair_answer` gives every section the role already negotiated.
* **Rejected sections.** A browser without the offered codec answers ``m=video 0 …`` with
  ``a=inactive`` and no ICE or DTLS attributes; aiortc then refuses the whole answer. :func:`repair_answer`
  keeps the section, inactive, on the bundle's transport, with the offered codecs, and reports its mid.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass

#: The ``a=setup`` value a peer must answer with, given the server's own.
OPPOSITE_SETUP = {"active": "passive", "passive": "active"}
_TRANSPORT_ATTRIBUTES = ("a=ice-ufrag:", "a=ice-pwd:", "a=ice-options:", "a=fingerprint:", "a=setup:")
_DIRECTIONS = ("a=sendrecv", "a=sendonly", "a=recvonly", "a=inactive")
_CODEC_ATTRIBUTES = ("a=rtpmap:", "a=fmtp:", "a=rtcp-fb:")
_UNSPECIFIED_ADDRESS = "0.0.0.0"


def _is_ip(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


@dataclass(slots=True)
class _Sdp:
    """An SDP as its session lines and one list of lines per media section."""

    session: list[str]
    media: list[list[str]]

    @classmethod
    def parse(cls, sdp: str) -> _Sdp:
        session: list[str] = []
        media: list[list[str]] = []
        for line in sdp.splitlines():
            if not line:
                continue
            if line.startswith("m="):
                media.append([line])
            elif media:
                media[-1].append(line)
            else:
                session.append(line)
        return cls(session, media)

    def __str__(self) -> str:
        return "\r\n".join(self.session + [line for section in self.media for line in section]) + "\r\n"


def _mid(section: list[str]) -> str | None:
    return next((line[len("a=mid:") :] for line in section if line.startswith("a=mid:")), None)


def _clean_address_line(line: str) -> str:
    """``c=`` and ``a=rtcp:`` lines naming a host instead of an address get the unspecified address."""
    if line.startswith("c=IN IP") or (line.startswith("a=rtcp:") and " IN IP" in line):
        head, _, address = line.rpartition(" ")
        if not _is_ip(address):
            return f"{head[: head.rindex(' IN IP')]} IN IP4 {_UNSPECIFIED_ADDRESS}"
    return line


def _usable_candidate(line: str) -> bool:
    """Whether an ``a=candidate:`` line names an IP address (the connection address is its 5th field)."""
    fields = line.split()
    return len(fields) > 5 and _is_ip(fields[4])


def clean_description(sdp: str) -> str:
    """``sdp`` from a browser without what aiortc cannot use or re-serialise: candidates naming a host
    (``.local`` mDNS names; and then the section's end-of-candidates too, so ICE waits for the peer's
    checks instead of giving up) and host names in ``c=`` and ``a=rtcp:`` lines."""
    parsed = _Sdp.parse(sdp)
    parsed.session = [_clean_address_line(line) for line in parsed.session]
    for index, section in enumerate(parsed.media):
        dropped = any(line.startswith("a=candidate:") and not _usable_candidate(line) for line in section)
        parsed.media[index] = [
            _clean_address_line(line)
            for line in section
            if not (line.startswith("a=candidate:") and not _usable_candidate(line))
            and not (dropped and line == "a=end-of-candidates")
        ]
    return str(parsed)


def is_usable_candidate(candidate: str) -> bool:
    """Whether a trickled candidate (``candidate:…`` without ``a=``) names an IP address: an mDNS name
    is ignored like one in a description (the peer's checks reveal the address)."""
    return _usable_candidate("a=" + candidate)


def setup_of(sdp: str) -> str | None:
    """The ``a=setup`` value of the first media section (the bundle's transport) of ``sdp``."""
    for section in _Sdp.parse(sdp).media:
        for line in section:
            if line.startswith("a=setup:"):
                return line[len("a=setup:") :]
    return None


@dataclass(frozen=True, slots=True)
class RepairedAnswer:
    """A peer's answer made usable, and the mids of the sections it rejected."""

    sdp: str
    rejected_mids: tuple[str, ...]


def repair_answer(answer: str, offer: str, server_setup: str | None) -> RepairedAnswer:
    """The peer's ``answer`` to the server's ``offer``, cleaned (see :func:`clean_description`), every
    section with the DTLS role opposite to ``server_setup`` (the server's role since the first exchange;
    None leaves the roles as they are), and rejected sections kept as inactive sections of the bundle."""
    parsed = _Sdp.parse(clean_description(answer))
    offered = _Sdp.parse(offer)
    peer_setup = OPPOSITE_SETUP.get(server_setup or "")
    transport = next(
        (
            [line for line in section if line.startswith(_TRANSPORT_ATTRIBUTES)]
            for section in parsed.media
            if not _rejected(section)
        ),
        [],
    )
    rejected: list[str] = []
    for index, section in enumerate(parsed.media):
        if _rejected(section) and index < len(offered.media):
            section = _revive(section, offered.media[index], transport)
            if (mid := _mid(section)) is not None:
                rejected.append(mid)
        if peer_setup is not None:
            section = [f"a=setup:{peer_setup}" if line.startswith("a=setup:") else line for line in section]
        parsed.media[index] = section
    if rejected:
        parsed.session = [_with_bundled(line, rejected) for line in parsed.session]
    return RepairedAnswer(str(parsed), tuple(rejected))


def _rejected(section: list[str]) -> bool:
    fields = section[0].split()
    return len(fields) > 1 and fields[1] == "0"


def _revive(section: list[str], offered: list[str], transport: list[str]) -> list[str]:
    """A rejected section as aiortc accepts it: the offer's mid and codecs, the bundle's transport
    attributes, ``a=rtcp-mux``, inactive."""
    offered_header = offered[0].split()
    header = section[0].split()
    revived = [" ".join(header[:3] + offered_header[3:])]
    for line in section[1:]:
        if line.startswith(
            _TRANSPORT_ATTRIBUTES + _CODEC_ATTRIBUTES + _DIRECTIONS + ("a=mid:", "a=rtcp-mux")
        ):
            continue
        if line.startswith(("a=candidate:", "a=end-of-candidates")):
            continue
        revived.append(line)
    mid = _mid(offered)
    if mid is not None:
        revived.append(f"a=mid:{mid}")
    revived.extend(transport)
    revived.extend(["a=inactive", "a=rtcp-mux"])
    revived.extend(line for line in offered if line.startswith(_CODEC_ATTRIBUTES))
    return revived


def _with_bundled(line: str, mids: list[str]) -> str:
    if not line.startswith("a=group:BUNDLE"):
        return line
    items = line.split()[1:]
    return " ".join(["a=group:BUNDLE", *items, *(mid for mid in mids if mid not in items)])
