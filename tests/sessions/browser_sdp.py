"""Rewrites that make an aiortc peer's SDP look like what a browser sends in its default state.

Facts from ``/work/shared/design/browsers.md``: Firefox (and Chromium without the camera permission)
hide host addresses behind mDNS names; Firefox writes that name into ``a=rtcp`` too; Firefox answers a
renegotiation with ``a=setup:active`` on new sections; a browser without a codec rejects the section
(``m=video 0``, ``a=inactive``, no ICE or DTLS attributes, left out of the BUNDLE group); Safari may
offer H.264 only. Each rewrite is used as a :data:`sessions.client.SdpFilter` (``(type, sdp) -> sdp``).
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable

SdpFilter = Callable[[str, str], str]

_CANDIDATE_ADDRESS = re.compile(r"^(a=candidate:\S+ \d+ \S+ \d+ )(\S+)( \d+ typ host.*)$")


def _sections(sdp: str) -> tuple[list[str], list[list[str]]]:
    """The session lines and each media section's lines (trailing empty line dropped)."""
    lines = [line for line in sdp.split("\r\n") if line]
    session: list[str] = []
    media: list[list[str]] = []
    for line in lines:
        if line.startswith("m="):
            media.append([line])
        elif media:
            media[-1].append(line)
        else:
            session.append(line)
    return session, media


def _join(session: list[str], media: list[list[str]]) -> str:
    return "\r\n".join(session + [line for section in media for line in section]) + "\r\n"


def _mid(section: list[str]) -> str | None:
    return next((line[6:] for line in section if line.startswith("a=mid:")), None)


def mdns_host_candidates(*, in_rtcp: bool) -> SdpFilter:
    """Every host candidate's address replaced by one ``<uuid>.local`` name (as Firefox and Chromium
    do without a camera permission); ``in_rtcp``: Firefox also writes the name into ``a=rtcp``."""
    name = f"{uuid.uuid4()}.local"

    def rewrite(kind: str, sdp: str) -> str:
        out = []
        for line in sdp.split("\r\n"):
            match = _CANDIDATE_ADDRESS.match(line)
            if match:
                line = f"{match.group(1)}{name}{match.group(3)}"
            elif in_rtcp and line.startswith("a=rtcp:") and " IN IP4 " in line:
                line = f"{line.split(' IN IP4 ')[0]} IN IP4 {name}"
            out.append(line)
        return "\r\n".join(out)

    return rewrite


def firefox_setup_on_new_sections() -> SdpFilter:
    """Answers say ``a=setup:active`` on every section the first exchange did not have, as Firefox's
    answers to a renegotiation do (earlier sections keep their role)."""
    first_mids: set[str] = set()

    def rewrite(kind: str, sdp: str) -> str:
        session, media = _sections(sdp)
        if kind == "offer":  # the client's own offer starts a new connection (a join or a rejoin)
            first_mids.clear()
            first_mids.update(mid for section in media if (mid := _mid(section)) is not None)
            return sdp
        for section in media:
            if _mid(section) not in first_mids:
                section[:] = ["a=setup:active" if line.startswith("a=setup:") else line for line in section]
        return _join(session, media)

    return rewrite


def reject_sections(should_reject: Callable[[list[str]], bool]) -> SdpFilter:
    """Answers reject every section ``should_reject(lines)`` picks, the way a browser rejects a section
    it has no codec for: port 0, ``a=inactive``, no ICE, DTLS or candidate lines, out of the BUNDLE."""

    def rewrite(kind: str, sdp: str) -> str:
        if kind != "answer":
            return sdp
        session, media = _sections(sdp)
        rejected: set[str] = set()
        for index, section in enumerate(media):
            if not should_reject(section):
                continue
            mid = _mid(section)
            if mid is not None:
                rejected.add(mid)
            header = section[0].split(" ")
            header[1] = "0"
            kept = [" ".join(header)]
            for line in section[1:]:
                if line.startswith(
                    ("a=ice-", "a=fingerprint:", "a=setup:", "a=candidate:", "a=end-of-candidates")
                ):
                    continue
                if line in ("a=sendrecv", "a=sendonly", "a=recvonly"):
                    line = "a=inactive"
                kept.append(line)
            media[index] = kept
        for index, line in enumerate(session):
            if line.startswith("a=group:BUNDLE "):
                items = [item for item in line.split(" ")[1:] if item not in rejected]
                session[index] = "a=group:BUNDLE " + " ".join(items)
        return _join(session, media)

    return rewrite


def offers_only(mime_subtype: str, kind: str = "video") -> SdpFilter:
    """Offers list only ``mime_subtype`` (e.g. ``H264``) and its RTX in ``kind`` sections, as a
    Safari that prefers H.264 may."""

    def rewrite(description: str, sdp: str) -> str:
        if description != "offer":
            return sdp
        session, media = _sections(sdp)
        for section in media:
            if not section[0].startswith(f"m={kind} "):
                continue
            rtpmap = {
                line.split(" ")[0][9:]: line.split(" ", 1)[1].split("/")[0]
                for line in section
                if line.startswith("a=rtpmap:")
            }
            keep = {pt for pt, name in rtpmap.items() if name.lower() == mime_subtype.lower()}
            for line in section:
                apt = re.match(r"^a=fmtp:(\d+) apt=(\d+)$", line)
                if apt and apt.group(2) in keep:
                    keep.add(apt.group(1))
            header = section[0].split(" ")
            section[0] = " ".join(header[:3] + [pt for pt in header[3:] if pt in keep])
            section[:] = [
                line
                for line in section
                if not (m := re.match(r"^a=(rtpmap|fmtp|rtcp-fb):(\d+) ", line)) or m.group(2) in keep
            ]
        return _join(session, media)

    return rewrite


def chained(*filters: SdpFilter) -> SdpFilter:
    """Apply ``filters`` in order."""

    def rewrite(kind: str, sdp: str) -> str:
        for each in filters:
            sdp = each(kind, sdp)
        return sdp

    return rewrite


def received_video(section: list[str]) -> bool:
    """Picks the video sections an answer would receive on (for :func:`reject_sections`): what the
    server forwards, not the browser's own camera."""
    return section[0].startswith("m=video ") and "a=recvonly" in section


def sections_without(mime_subtype: str) -> Callable[[list[str]], bool]:
    """Picks video sections that do not offer ``mime_subtype``: what a browser that can only receive
    that video codec rejects (see :func:`reject_sections`)."""

    def pick(section: list[str]) -> bool:
        names = {
            line.split(" ", 1)[1].split("/")[0].lower() for line in section if line.startswith("a=rtpmap:")
        }
        return received_video(section) and mime_subtype.lower() not in names

    return pick
