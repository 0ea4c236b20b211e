"""The server's own offers, numbered the way the participant already speaks.

aiortc writes every offer from its fixed tables (Opus 96, VP8 97 with RTX 98, H.264 99/101, and
header extensions mid=1, audio level=2, abs-send-time=3), even for media sections already negotiated
with the participant's numbers (Chromium uses Opus 111, VP8 96, other extension ids). A browser then
refuses the offer ("RTP extension ID reassignment not supported") or switches payload types that
aiortc's running receivers do not know and silently drop.

:func:`create_offer` therefore rewrites aiortc's offer before it is used: negotiated sections keep
their negotiated codecs and extensions; new sections (the tracks the server starts forwarding) take
the participant's payload type for a codec they already use, and otherwise a number nobody uses yet,
so that one payload type never means two codecs in the bundle. The transceivers are given the same
lists, so what aiortc sends matches what it offered.

The sections the server sends on also offer **transport-wide congestion control**
(:mod:`sessions.twcc`): the header extension and ``a=rtcp-fb:PT transport-cc`` on each codec, which
make Chromium and Firefox send transport feedback about what they receive. aiortc knows neither
(it drops both from what it negotiated once the answer is applied), so they are added to every
offer again, with the id the participant last used for the extension when it is free (their answer
to the previous offer, or their own first offer), or a free one. Sections the server receives on
never offer it: aiortc sends no transport feedback, and a publisher waiting for some would be
sending blind. :mod:`sessions.transport_feedback` stamps the numbers and reads the feedback.
"""

from __future__ import annotations

import copy
from typing import Any

from aiortc import RTCPeerConnection, RTCRtpTransceiver, RTCSessionDescription, sdp
from aiortc.rtcrtpparameters import (
    RTCRtcpFeedback,
    RTCRtpCodecParameters,
    RTCRtpHeaderExtensionParameters,
)

from sessions.twcc import TRANSPORT_CC_FEEDBACK, TRANSPORT_CC_URI

DYNAMIC_PAYLOAD_TYPES = range(96, 128)
EXTENSION_IDS = range(1, 15)  # one-byte header extensions
SENDING_DIRECTIONS = ("sendonly", "sendrecv")


def _codec_key(codec: RTCRtpCodecParameters) -> tuple[Any, ...]:
    """What makes two codec entries the same codec (payload type and RTX's ``apt`` aside)."""
    parameters = tuple(sorted((k, str(v)) for k, v in codec.parameters.items() if k != "apt"))
    return (codec.mimeType.lower(), codec.clockRate, codec.channels, parameters)


def _is_rtx(codec: RTCRtpCodecParameters) -> bool:
    return codec.mimeType.lower().endswith("/rtx")


class _Numbering:
    """The payload types and extension ids in use on one connection, and how to reuse them."""

    def __init__(self, negotiated: list[RTCRtpTransceiver]) -> None:
        self.payload_types: dict[tuple[Any, ...], int] = {}
        self.rtx_for: dict[int, int] = {}  # base payload type -> its RTX payload type
        self.extension_ids: dict[str, int] = {}
        self.used_payload_types: set[int] = set()
        self.used_extension_ids: set[int] = set()
        for transceiver in negotiated:
            for codec in transceiver._codecs:
                if codec.payloadType is None:
                    continue
                self.used_payload_types.add(codec.payloadType)
                apt = codec.parameters.get("apt")
                if _is_rtx(codec) and isinstance(apt, int):
                    self.rtx_for.setdefault(apt, codec.payloadType)
                elif not _is_rtx(codec):
                    self.payload_types.setdefault(_codec_key(codec), codec.payloadType)
            for extension in transceiver._headerExtensions:
                self.extension_ids.setdefault(extension.uri, extension.id)
                self.used_extension_ids.add(extension.id)

    def _free(self, used: set[int], candidates: range, wanted: int | None) -> int:
        if wanted is not None and wanted not in used:
            used.add(wanted)
            return wanted
        for number in candidates:
            if number not in used:
                used.add(number)
                return number
        raise ValueError("no payload type or extension id left")

    def codecs(self, offered: list[RTCRtpCodecParameters]) -> list[RTCRtpCodecParameters]:
        """``offered`` (aiortc's numbering) renumbered to agree with the connection."""
        renumbered: dict[int, int] = {}
        result: list[RTCRtpCodecParameters] = []
        for codec in offered:
            if _is_rtx(codec) or codec.payloadType is None:
                continue
            known = self.payload_types.get(_codec_key(codec))
            if known is None:
                known = self._free(self.used_payload_types, DYNAMIC_PAYLOAD_TYPES, codec.payloadType)
                self.payload_types[_codec_key(codec)] = known
            renumbered[codec.payloadType] = known
            result.append(self._with_payload_type(codec, known))
        for codec in offered:
            apt = codec.parameters.get("apt")
            if not _is_rtx(codec) or not isinstance(apt, int) or apt not in renumbered:
                continue
            base = renumbered[apt]
            rtx = self.rtx_for.get(base)
            if rtx is None:
                rtx = self._free(self.used_payload_types, DYNAMIC_PAYLOAD_TYPES, codec.payloadType)
                self.rtx_for[base] = rtx
            repaired = self._with_payload_type(codec, rtx)
            repaired.parameters = {**codec.parameters, "apt": base}
            result.append(repaired)
        return result

    def extensions(
        self, offered: list[RTCRtpHeaderExtensionParameters]
    ) -> list[RTCRtpHeaderExtensionParameters]:
        """``offered`` with the connection's ids for the extensions it already uses."""
        result = []
        for extension in offered:
            known = self.extension_ids.get(extension.uri)
            if known is None:
                known = self._free(self.used_extension_ids, EXTENSION_IDS, extension.id)
                self.extension_ids[extension.uri] = known
            result.append(RTCRtpHeaderExtensionParameters(id=known, uri=extension.uri))
        return result

    def extension_id(self, uri: str, preferred: int | None) -> int:
        """The connection's id for ``uri``: the one it has, else ``preferred`` if free, else a free one."""
        known = self.extension_ids.get(uri)
        if known is None:
            known = self.extension_ids[uri] = self._free(self.used_extension_ids, EXTENSION_IDS, preferred)
        return known

    @staticmethod
    def _with_payload_type(codec: RTCRtpCodecParameters, payload_type: int) -> RTCRtpCodecParameters:
        copied = copy.deepcopy(codec)
        copied.payloadType = payload_type
        return copied


async def create_offer(pc: RTCPeerConnection) -> RTCSessionDescription:
    """An offer from ``pc`` that keeps the numbering already agreed with the remote peer."""
    negotiated = {
        t.mid: (copy.deepcopy(t._codecs), copy.deepcopy(t._headerExtensions))
        for t in pc.getTransceivers()
        if t.mid is not None and t._codecs and t.currentDirection is not None
    }
    numbering = _Numbering([t for t in pc.getTransceivers() if t.mid in negotiated])
    transport_cc_id = numbering.extension_id(TRANSPORT_CC_URI, _remote_extension_id(pc, TRANSPORT_CC_URI))
    offer = await pc.createOffer()
    description = sdp.SessionDescription.parse(offer.sdp)
    by_mid = {t.mid: t for t in pc.getTransceivers() if t.mid is not None}
    for media in description.media:
        if media.kind not in ("audio", "video"):
            continue
        mid = media.rtp.muxId
        transceiver = by_mid.get(mid)
        if mid in negotiated:
            codecs, extensions = negotiated[mid]
        else:
            codecs = numbering.codecs(media.rtp.codecs)
            extensions = numbering.extensions(media.rtp.headerExtensions)
        if media.direction in SENDING_DIRECTIONS:
            codecs, extensions = _with_transport_cc(codecs, extensions, transport_cc_id)
        media.rtp.codecs = codecs
        media.rtp.headerExtensions = extensions
        media.fmt = [codec.payloadType for codec in codecs]
        if transceiver is not None:
            transceiver._codecs = copy.deepcopy(codecs)
            transceiver._headerExtensions = copy.deepcopy(extensions)
    return RTCSessionDescription(sdp=str(description), type="offer")


def _remote_extension_id(pc: RTCPeerConnection, uri: str) -> int | None:
    """The id the remote peer's last description gave ``uri``, if it has it."""
    remote = pc.remoteDescription
    if remote is None:
        return None
    for media in sdp.SessionDescription.parse(remote.sdp).media:
        for extension in media.rtp.headerExtensions:
            if extension.uri == uri:
                return int(extension.id)
    return None


def _with_transport_cc(
    codecs: list[RTCRtpCodecParameters], extensions: list[RTCRtpHeaderExtensionParameters], extension_id: int
) -> tuple[list[RTCRtpCodecParameters], list[RTCRtpHeaderExtensionParameters]]:
    """A sending section's codecs and extensions with transport-wide congestion control offered."""
    feedback = RTCRtcpFeedback(type=TRANSPORT_CC_FEEDBACK)
    with_feedback = []
    for codec in codecs:
        if not _is_rtx(codec) and feedback not in codec.rtcpFeedback:
            codec = copy.deepcopy(codec)
            codec.rtcpFeedback = [*codec.rtcpFeedback, feedback]
        with_feedback.append(codec)
    others = [extension for extension in extensions if extension.uri != TRANSPORT_CC_URI]
    return with_feedback, [*others, RTCRtpHeaderExtensionParameters(id=extension_id, uri=TRANSPORT_CC_URI)]
