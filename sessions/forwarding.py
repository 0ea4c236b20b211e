"""Pass-through media forwarding on aiortc: encoded frames in, encoded frames out, no transcoding.

aiortc's public API always decodes what a receiver gets, and ``MediaRelay`` shares *decoded* frames, so
every outgoing sender would run its own encoder. This module forwards the depayloaded, still-encoded
frames instead:

* :class:`Publication` taps one server-side :class:`~aiortc.RTCRtpReceiver`. aiortc's receiver assembles
  each encoded frame (the raw VP8 frame, H.264 in Annex-B, an Opus packet) and puts it on a
  ``queue.Queue`` that its decoder thread reads. A publication replaces *that receiver's* queue (not a
  global patch) with an :class:`_EncodedFrameTap` before the receiver starts: frames go to the
  subscribers instead of the decoder, and reach the decoder only when ``decode=True`` was asked for.
* :class:`SubscriberTrack` is the outgoing track of one subscriber: its own bounded queue, its own
  timestamp line, dropping to the next keyframe when the subscriber falls behind. Its ``recv()`` returns
  ``av.Packet`` objects, for which ``RTCRtpSender`` only packetizes (``Encoder.pack``).
* Keyframes: a new subscriber, a subscriber that overflowed, and a subscriber whose browser reports loss
  (PLI/FIR reaching our sender, see :func:`hook_keyframe_requests`) make the publication send a PLI to the
  publisher.
* Lost video packets: a publication also swaps its video receiver's jitter buffer for a
  :class:`~sessions.jitter.HoleSkippingJitterBuffer`, which stops waiting for a packet that never came
  after half a second instead of freezing the video for 512 packets. The frames that follow refer to the
  lost one, so the publication then forwards nothing until the keyframe it asks for arrives.

The aiortc internals relied on are listed in :data:`AIORTC_INTERNALS` and checked by
:func:`check_aiortc_internals`; aiortc is pinned exactly in ``pyproject.toml`` for that reason.
"""

from __future__ import annotations

import asyncio
import fractions
import inspect
import logging
import queue
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Final, Protocol

import aiortc
import av
from aiortc import MediaStreamTrack, RTCRtpReceiver, RTCRtpSender, RTCRtpTransceiver
from aiortc.codecs import get_encoder
from aiortc.jitterbuffer import JitterBuffer
from aiortc.mediastreams import MediaStreamError
from aiortc.rtcrtpparameters import RTCRtpCodecParameters

from sessions.adaptation import Level, wire_bytes
from sessions.feedback import feedback_internals_problems
from sessions.jitter import HoleSkippingJitterBuffer, SkippedHole, jitter_buffer_internals_problems
from sessions.transport_feedback import transport_feedback_internals_problems

logger = logging.getLogger(__name__)

PINNED_AIORTC_VERSION: Final = "1.16.0"
SUPPORTED_MIME_TYPES: Final = frozenset({"video/vp8", "video/h264", "audio/opus"})

#: Smallest interval between two keyframe requests sent to one publisher.
KEYFRAME_REQUEST_INTERVAL: Final = 0.25
#: Encoded frames a subscriber may have waiting before it is considered slow (about 1 s).
VIDEO_QUEUE_FRAMES: Final = 30
AUDIO_QUEUE_FRAMES: Final = 50
#: A publication's bitrate is the median of its last few whole seconds: a keyframe (which a new
#: subscriber or a switch asks for) makes one second costly, and should not make the stream look so.
BITRATE_SECONDS: Final = 5

# The receiver's private, name-mangled attributes this module uses.
_DECODER_QUEUE: Final = "_RTCRtpReceiver__decoder_queue"
_STARTED: Final = "_RTCRtpReceiver__started"
_JITTER_BUFFER: Final = "_RTCRtpReceiver__jitter_buffer"

AIORTC_INTERNALS: Final = (
    "RTCRtpReceiver.__decoder_queue: a queue.Queue created in __init__, handed to the decoder thread by "
    "receive(), fed by _handle_rtp_packet with put((codec, JitterFrame)) and closed with put(None)",
    "RTCRtpReceiver.__started: False until receive() has run",
    "RTCRtpReceiver._send_rtcp_pli(media_ssrc): sends a Picture Loss Indication to the publisher",
    "RTCRtpSender._send_keyframe(): called by _handle_rtcp_packet on PLI and FIR from the remote peer",
    "RTCRtpSender: a track whose recv() returns av.Packet is sent with Encoder.pack(), not encoded",
    "RTCRtpTransceiver._codecs: the negotiated codecs, first one used for sending",
    "JitterFrame.data / .timestamp: the depayloaded frame and its RTP timestamp mapped to start at 0",
    "RTCRtpReceiver.__jitter_buffer: a JitterBuffer(capacity=512, is_video=True) for video, created in "
    "__init__; _handle_rtp_packet calls its add(packet) and sends a PLI when add returns pli_flag",
    "JitterBuffer._origin, ._packets, ._capacity, ._is_video, .remove(count), ._remove_frame(): what "
    "sessions.jitter.HoleSkippingJitterBuffer builds on",
    "RTCDtlsTransport._send_rtp(data): every sender's RTP (and RTX) goes through it before SRTP; "
    "RTCDtlsTransport._handle_rtcp_data(data): each decrypted compound RTCP packet; "
    "RTCDtlsTransport._ssl.get_selected_srtp_profile(): what sessions.transport_feedback wraps and reads",
)


class AiortcInternalsChanged(RuntimeError):
    """aiortc no longer has the internals :mod:`sessions.forwarding` extends: re-read its receiver."""


class ForwardingError(RuntimeError):
    """A receiver cannot be tapped (already started, already tapped, or an unsupported codec)."""


def check_aiortc_internals() -> None:
    """Raise :class:`AiortcInternalsChanged`, naming everything that moved, if aiortc's internals differ.

    Cheap enough to run once per process; the test suite runs it and so does the first
    :class:`Publication`.
    """
    problems: list[str] = []
    if aiortc.__version__ != PINNED_AIORTC_VERSION:
        problems.append(
            f"aiortc is {aiortc.__version__}, the forwarding code was written for {PINNED_AIORTC_VERSION}"
        )
    try:
        receive_src = inspect.getsource(RTCRtpReceiver.receive)
        handle_src = inspect.getsource(RTCRtpReceiver._handle_rtp_packet)
        init_src = inspect.getsource(RTCRtpReceiver.__init__)
        stop_src = inspect.getsource(RTCRtpReceiver)
        sender_src = inspect.getsource(RTCRtpSender)
    except (OSError, TypeError) as exc:  # pragma: no cover - only without sources
        raise AiortcInternalsChanged(f"cannot read aiortc's source: {exc}") from exc
    expectations = [
        (
            init_src,
            "self.__decoder_queue: queue.Queue = queue.Queue()",
            "RTCRtpReceiver.__init__ creates __decoder_queue",
        ),
        (init_src, "self.__started = False", "RTCRtpReceiver.__init__ sets __started"),
        (
            receive_src,
            "self.__decoder_queue,",
            "RTCRtpReceiver.receive() hands __decoder_queue to the decoder thread",
        ),
        (
            handle_src,
            "self.__decoder_queue.put((codec, encoded_frame))",
            "RTCRtpReceiver._handle_rtp_packet puts (codec, encoded_frame) on __decoder_queue",
        ),
        (stop_src, "self.__decoder_queue.put(None)", "RTCRtpReceiver stops its decoder with put(None)"),
        (
            init_src,
            "self.__jitter_buffer = JitterBuffer(capacity=512, is_video=True)",
            "RTCRtpReceiver.__init__ creates the video __jitter_buffer",
        ),
        (
            handle_src,
            "pli_flag, encoded_frame = self.__jitter_buffer.add(packet)",
            "RTCRtpReceiver._handle_rtp_packet feeds packets to __jitter_buffer.add",
        ),
        (
            handle_src,
            "if pli_flag:\n            await self._send_rtcp_pli(packet.ssrc)",
            "RTCRtpReceiver._handle_rtp_packet sends a PLI when the jitter buffer returns pli_flag",
        ),
        (
            sender_src,
            "self._send_keyframe()",
            "RTCRtpSender._handle_rtcp_packet calls _send_keyframe on PLI/FIR",
        ),
        (sender_src, "self.__encoder.pack(data)", "RTCRtpSender packs av.Packet data instead of encoding it"),
    ]
    for source, needle, what in expectations:
        if needle not in source:
            problems.append(f"moved: {what} (looked for {needle!r})")
    if not callable(getattr(RTCRtpReceiver, "_send_rtcp_pli", None)):
        problems.append("moved: RTCRtpReceiver._send_rtcp_pli(media_ssrc) is gone")
    if not callable(getattr(RTCRtpSender, "_send_keyframe", None)):
        problems.append("moved: RTCRtpSender._send_keyframe() is gone")
    problems.extend(jitter_buffer_internals_problems())
    problems.extend(feedback_internals_problems())
    problems.extend(transport_feedback_internals_problems())
    if "self._codecs" not in inspect.getsource(RTCRtpTransceiver.__init__):
        problems.append("moved: RTCRtpTransceiver._codecs (negotiated codecs) is gone")
    for mime in ("video/VP8", "video/H264", "audio/opus"):
        codec = RTCRtpCodecParameters(mimeType=mime, clockRate=90000 if mime.startswith("video") else 48000)
        if not callable(getattr(get_encoder(codec), "pack", None)):
            problems.append(f"moved: the {mime} encoder has no pack(av.Packet)")
    if problems:
        raise AiortcInternalsChanged(
            "aiortc internals used by sessions/forwarding.py changed:\n- " + "\n- ".join(problems)
        )


_internals_checked = False


def _ensure_internals_checked() -> None:
    global _internals_checked
    if not _internals_checked:
        check_aiortc_internals()
        _internals_checked = True


# --------------------------------------------------------------------------- encoded frames


def is_keyframe(mime_type: str, data: bytes) -> bool:
    """Whether an encoded frame can be decoded on its own (audio frames always can)."""
    mime = mime_type.lower()
    if mime == "video/vp8":
        # RFC 6386 section 9.1: bit 0 of the frame tag is 0 for a key frame.
        return len(data) > 0 and data[0] & 0x01 == 0
    if mime == "video/h264":
        return any(nal_type in (5, 7) for nal_type in _h264_nal_types(data))
    return True


def _h264_nal_types(data: bytes) -> list[int]:
    """NAL unit types of an Annex-B byte stream (the form aiortc's depayloader produces)."""
    types: list[int] = []
    index = data.find(b"\x00\x00\x01")
    while index != -1 and index + 3 < len(data):
        types.append(data[index + 3] & 0x1F)
        index = data.find(b"\x00\x00\x01", index + 3)
    return types


@dataclass(frozen=True, slots=True)
class EncodedFrame:
    """One depayloaded, still-encoded media frame from a publisher."""

    data: bytes
    timestamp: int  # RTP timestamp units, mapped by aiortc to start at 0 for this receiver
    clock_rate: int
    mime_type: str  # lower case, e.g. "video/vp8"
    keyframe: bool


class _EncodedFrameTap(queue.Queue[Any]):
    """Stands in for one receiver's decoder queue: encoded frames go to a callback, not to the decoder.

    ``put`` is called on the event loop thread by ``RTCRtpReceiver._handle_rtp_packet``; ``None`` (the
    receiver stopping) still reaches the decoder thread so that it ends and ends the receiver's track.
    ``on_frame`` returns whether the frame is usable: one that refers to a lost frame is kept from the
    decoder too (it would only draw a corrupt picture).
    """

    def __init__(self, on_frame: Callable[[RTCRtpCodecParameters, Any], bool], decode: bool) -> None:
        super().__init__()
        self._on_frame = on_frame
        self.decode = decode
        self.on_end: Callable[[], None] | None = None

    def put(self, item: Any, block: bool = True, timeout: float | None = None) -> None:
        if item is None:
            super().put(None, block, timeout)
            if self.on_end is not None:
                self.on_end()
            return
        codec, encoded_frame = item
        usable = self._on_frame(codec, encoded_frame)
        if self.decode and usable:
            super().put(item, block, timeout)


# --------------------------------------------------------------------------- lost video packets


def skip_lost_video_packets(
    receiver: RTCRtpReceiver,
    *,
    on_hole_skipped: Callable[[SkippedHole], None] | None = None,
    is_keyframe_start: Callable[[bytes], bool] | None = None,
) -> HoleSkippingJitterBuffer:
    """Give a video receiver that has not started a :class:`HoleSkippingJitterBuffer` for aiortc's own.

    aiortc's buffer waits for a lost packet until 512 later ones have arrived, and a sender keeps only
    the last 128 for retransmission: after a network outage longer than about 128 packets the oldest
    missing ones never come, and the picture stays frozen for seconds after the network is back. Call
    this in the peer connection's ``track`` event (before the receiver starts); the arguments are
    those of :class:`HoleSkippingJitterBuffer`. Returns the buffer now in place.
    """
    _ensure_internals_checked()
    if receiver.track is None or receiver.track.kind != "video":
        raise ForwardingError("only a video receiver has a jitter buffer to replace")
    stock_buffer = getattr(receiver, _JITTER_BUFFER, None)
    if type(stock_buffer) is not JitterBuffer or stock_buffer._origin is not None:
        # Not aiortc's own, untouched buffer: either aiortc changed, or packets already went in.
        raise AiortcInternalsChanged(
            f"moved: RTCRtpReceiver.{_JITTER_BUFFER} is {type(stock_buffer).__name__}, not a fresh "
            "JitterBuffer"
        )
    # Same capacity as aiortc's; the receiver has not started, so no packet has gone in yet.
    buffer = HoleSkippingJitterBuffer(
        stock_buffer.capacity,
        is_video=True,
        on_hole_skipped=on_hole_skipped,
        is_keyframe_start=is_keyframe_start,
    )
    setattr(receiver, _JITTER_BUFFER, buffer)
    return buffer


# --------------------------------------------------------------------------- publications


class Publication:
    """One published track, received by the server and forwarded as encoded frames.

    Create it for a server-side receiver *before* the receiver starts (in the peer connection's
    ``track`` event): it swaps that receiver's decoder queue for a tap. With ``decode=False`` (the
    default) the receiver never decodes and its ``track`` yields nothing until it ends; with
    ``decode=True`` frames also reach aiortc's decoder and the caller must consume ``receiver.track``.

    For video it also swaps the receiver's jitter buffer for a :class:`HoleSkippingJitterBuffer`: when a
    lost packet is given up on, nothing is forwarded until the next keyframe (the frames in between
    refer to the lost one), and a keyframe is asked for at once.
    """

    def __init__(
        self,
        receiver: RTCRtpReceiver,
        *,
        mime_type: str | None = None,
        decode: bool = False,
        on_end: Callable[[Publication], None] | None = None,
    ) -> None:
        _ensure_internals_checked()
        if getattr(receiver, _STARTED, None) is not False:
            raise ForwardingError(
                "the receiver has already started: create the Publication in the track event"
            )
        current = getattr(receiver, _DECODER_QUEUE, None)
        if isinstance(current, _EncodedFrameTap):
            raise ForwardingError("this receiver is already tapped by another Publication")
        if not isinstance(current, queue.Queue):
            raise AiortcInternalsChanged(
                f"moved: RTCRtpReceiver.{_DECODER_QUEUE} is {type(current).__name__}"
            )
        self.receiver = receiver
        if receiver.track is None or receiver.track.kind not in ("audio", "video"):
            raise ForwardingError("the receiver has no audio or video track")
        self.kind: str = receiver.track.kind
        self.mime_type = mime_type.lower() if mime_type else None
        self._subscribers: list[SubscriberTrack] = []
        self._last_keyframe_request = -1e9
        self._keyframe_wanted = False
        self._ended = False
        self._on_end = on_end
        self.frames_received = 0
        self.keyframe_requests_sent = 0
        #: Video packets given up on by the jitter buffer (each one a hole that froze the picture).
        self.holes_skipped = 0
        #: Frames received after a hole but before the next keyframe, and so not forwarded.
        self.frames_dropped_after_loss = 0
        self._awaiting_keyframe_after_loss = False
        # Decoding on demand (a low rendition): frames reach the decoder from a keyframe on.
        self._decode_always = decode
        self._decode_wanted = decode
        # Wire bytes received per whole second of the monotonic clock, for bitrate(): (second, bytes).
        self._per_second: deque[tuple[int, int]] = deque(maxlen=BITRATE_SECONDS + 1)
        self._tap = _EncodedFrameTap(self._on_encoded_frame, decode)
        self._tap.on_end = self._handle_end
        if self.kind == "video":
            # Before the tap goes in: if aiortc's buffer is not what we expect, nothing is changed.
            self.jitter_buffer: HoleSkippingJitterBuffer | None = skip_lost_video_packets(
                receiver, on_hole_skipped=self._on_hole_skipped, is_keyframe_start=self._starts_keyframe
            )
        else:
            self.jitter_buffer = None
        setattr(receiver, _DECODER_QUEUE, self._tap)

    @classmethod
    def for_transceiver(
        cls,
        transceiver: RTCRtpTransceiver,
        *,
        decode: bool = False,
        on_end: Callable[[Publication], None] | None = None,
    ) -> Publication:
        """A publication for a transceiver's receiver, with the codec negotiated for it (if known yet)."""
        codecs: list[RTCRtpCodecParameters] = list(getattr(transceiver, "_codecs", []) or [])
        mime = codecs[0].mimeType if codecs else None
        return cls(transceiver.receiver, mime_type=mime, decode=decode, on_end=on_end)

    @property
    def decode(self) -> bool:
        """Whether received frames also go to aiortc's decoder (only where the server needs pixels)."""
        return self._tap.decode

    @property
    def ended(self) -> bool:
        """True once the receiver stopped (the publisher left or its connection closed)."""
        return self._ended

    @property
    def subscribers(self) -> tuple[SubscriberTrack, ...]:
        """The subscriber tracks currently fed by this publication."""
        return tuple(self._subscribers)

    def bitrate(self, now: float | None = None) -> float | None:
        """What the publisher sends, in bits per second on the wire: the median of its last few whole
        seconds (a second without a frame counts as nothing), or None before one whole second."""
        current = int(time.monotonic() if now is None else now)
        counted = {
            second: size for second, size in self._per_second if current - BITRATE_SECONDS <= second < current
        }
        if not counted:
            return None
        first = min(counted)
        rates = sorted(8.0 * counted.get(second, 0) for second in range(first, current))
        return rates[len(rates) // 2]

    def start_decoding(self) -> None:
        """Hand received frames to aiortc's decoder too, from the next keyframe (asked for now): the
        caller reads the decoded frames from ``receiver.track``."""
        if self._decode_wanted or self.kind != "video":
            return
        self._decode_wanted = True
        self.request_keyframe(force=True)

    def stop_decoding(self) -> None:
        """Stop feeding the decoder (unless the publication was made with ``decode=True``)."""
        if not self._decode_always:
            self._decode_wanted = False
            self._tap.decode = False

    def add_subscriber(self, track: SubscriberTrack) -> None:
        """Start feeding ``track`` (it waits for a keyframe, which is requested at once)."""
        if self._ended:
            raise ForwardingError("the publication has ended")
        if track.kind != self.kind:
            raise ForwardingError(f"a {track.kind} track cannot carry a {self.kind} publication")
        if track in self._subscribers:
            return
        track._attach(self)
        self._subscribers.append(track)
        self.request_keyframe()

    def remove_subscriber(self, track: SubscriberTrack) -> None:
        """Stop feeding ``track`` at once (frames already queued for it are dropped)."""
        if track in self._subscribers:
            self._subscribers.remove(track)
            track._detach(self)

    def request_keyframe(self, *, force: bool = False) -> bool:
        """Ask the publisher for a keyframe (RTCP PLI), at most every ``KEYFRAME_REQUEST_INTERVAL`` s.

        Returns whether a request went out. Before the first packet has arrived the request is kept and
        sent with the first frame that is not a keyframe.
        """
        if self.kind != "video" or self._ended:
            return False
        now = time.monotonic()
        if not force and now - self._last_keyframe_request < KEYFRAME_REQUEST_INTERVAL:
            return False
        ssrcs = [source.source for source in self.receiver.getSynchronizationSources()]
        if not ssrcs:
            self._keyframe_wanted = True
            return False
        self._last_keyframe_request = now
        self._keyframe_wanted = False
        self.keyframe_requests_sent += 1
        for ssrc in ssrcs:
            # RTX streams' SSRCs may be listed too; a PLI naming them is ignored by the publisher.
            task = asyncio.ensure_future(self.receiver._send_rtcp_pli(ssrc))
            task.add_done_callback(_log_task_failure)
        return True

    def close(self) -> None:
        """Detach every subscriber; the receiver itself is stopped with its peer connection."""
        for track in list(self._subscribers):
            self.remove_subscriber(track)

    # -- internals

    def _starts_keyframe(self, first_packet_data: bytes) -> bool:
        # The depayloaded first packet of a frame starts with the VP8 frame tag, or (H.264) carries the
        # SPS or IDR NAL unit that opens a keyframe. Before the codec is known this says True, and the
        # jitter buffer then starts again at the first frame after a hole, losing no keyframe.
        return self.mime_type is None or is_keyframe(self.mime_type, first_packet_data)

    def _on_hole_skipped(self, hole: SkippedHole) -> None:
        # Called from inside the jitter buffer's add(), before the receiver hands over the frame (if any)
        # released with it: that frame and the next ones until a keyframe refer to what was lost. The
        # receiver sends a PLI of its own (pli_flag); this one also goes to every SSRC and counts.
        self.holes_skipped += 1
        self._awaiting_keyframe_after_loss = True
        logger.info("video packets lost for good (%s): waiting for a keyframe", hole)
        self.request_keyframe(force=True)

    def _on_encoded_frame(self, codec: RTCRtpCodecParameters, encoded_frame: Any) -> bool:
        """Forward one frame from the receiver; return whether it is usable (also for a decoder)."""
        mime = codec.mimeType.lower()
        if mime not in SUPPORTED_MIME_TYPES:
            return True
        self.mime_type = mime
        data: bytes = encoded_frame.data
        frame = EncodedFrame(
            data=data,
            timestamp=int(encoded_frame.timestamp),
            clock_rate=codec.clockRate,
            mime_type=mime,
            keyframe=is_keyframe(mime, data),
        )
        self.frames_received += 1
        second = int(time.monotonic())
        if self._per_second and self._per_second[-1][0] == second:
            self._per_second[-1] = (second, self._per_second[-1][1] + wire_bytes(len(data)))
        else:
            self._per_second.append((second, wire_bytes(len(data))))
        if self._awaiting_keyframe_after_loss:
            if not frame.keyframe:
                self.frames_dropped_after_loss += 1
                # Rate-limited: repeats the request only if the keyframe is slow (the PLI may be lost).
                self.request_keyframe()
                return False
            self._awaiting_keyframe_after_loss = False
        if self._keyframe_wanted and not frame.keyframe:
            self.request_keyframe(force=True)
        if self._decode_wanted and not self._tap.decode and frame.keyframe:
            self._tap.decode = True  # the decoder starts on this keyframe (the tap reads it after us)
        for track in tuple(self._subscribers):
            track._push(frame)
        return True

    def _handle_end(self) -> None:
        if self._ended:
            return
        self._ended = True
        self.close()
        if self._on_end is not None:
            self._on_end(self)


def _log_task_failure(task: asyncio.Future[Any]) -> None:
    if not task.cancelled() and task.exception() is not None:
        logger.warning("keyframe request failed: %r", task.exception())


# --------------------------------------------------------------------------- subscriber tracks


class LowFeed(Protocol):
    """A low rendition, as a subscriber track sees it (:class:`sessions.rendition.LowRendition`)."""

    def add_subscriber(self, track: SubscriberTrack) -> None:
        """Start feeding ``track`` through its ``_push_low``."""

    def remove_subscriber(self, track: SubscriberTrack) -> None:
        """Stop feeding ``track``."""

    def request_keyframe(self) -> None:
        """Make one of the next frames a keyframe."""


class SubscriberTrack(MediaStreamTrack):
    """The outgoing track of one subscriber: pre-encoded ``av.Packet`` frames from one publication.

    It outlives its source: a forward that stops (permission withdrawn) detaches it and it goes quiet
    without ending, so the same sender can carry a later forward without renegotiation. Timestamps
    continue on one line per track across sources and gaps. A slow subscriber only fills its own bounded
    queue; on overflow video drops to the next keyframe (and asks for one), audio drops the oldest frame.

    A video track has a :class:`~sessions.adaptation.Level` (see :meth:`set_level`): ``FULL`` sends the
    publication's frames, ``LOW`` those of its low rendition, ``PAUSED`` nothing. A switch between the
    two streams happens at a keyframe of the new one: until it comes (it is asked for at once) the old
    one goes on, so a switch never freezes the picture. Both streams carry the publication's
    timestamps, so the line goes on unbroken.
    """

    def __init__(self, kind: str, *, max_queue: int | None = None) -> None:
        super().__init__()
        if kind not in ("audio", "video"):
            raise ValueError(f"unknown media kind {kind!r}")
        self.kind = kind
        self._max_queue = max_queue or (VIDEO_QUEUE_FRAMES if kind == "video" else AUDIO_QUEUE_FRAMES)
        self._frames: deque[tuple[int, EncodedFrame]] = deque()
        self._wakeup = asyncio.Event()
        self._source: Publication | None = None
        self._reading = False  # becomes True when the sender first asks for a frame
        self._needs_keyframe = kind == "video"
        # Timestamp line: out = out_origin + (in - in_origin); rebased on every (re)start.
        self._in_origin: int | None = None
        self._last_in: int | None = None
        self._out_origin = 0
        self._last_out: int | None = None
        self._last_out_clock = 0.0
        self._clock_rate = 90000 if kind == "video" else 48000
        # Levels: the one being sent, the one being switched to (until its keyframe), and the low
        # rendition fed to this track while either of them is LOW.
        self._level = Level.FULL
        self._pending: Level | None = None
        self._pending_since = 0.0
        self._low: LowFeed | None = None
        self.frames_sent = 0
        self.frames_dropped = 0
        #: Bytes handed to the sender, with the packets' overhead (what the subscriber's link carries).
        self.bytes_sent = 0
        #: Level switches made, and how long each of the last ones waited for its keyframe (seconds).
        self.switches = 0
        self.switch_waits: deque[float] = deque(maxlen=50)

    @property
    def source(self) -> Publication | None:
        """The publication feeding this track, or None while it is quiet."""
        return self._source

    @property
    def level(self) -> Level:
        """The level being sent now."""
        return self._level

    @property
    def wanted_level(self) -> Level:
        """The level this track is switching to, or the one it is at."""
        return self._pending if self._pending is not None else self._level

    def set_level(self, level: Level, low: LowFeed | None = None) -> None:
        """Send ``level`` of the source from now on (video only; ``low``: the source's low rendition,
        needed for LOW). PAUSED stops at once; a switch between FULL and LOW waits for the new
        stream's keyframe, sending the old one meanwhile."""
        if self.kind != "video":
            raise ValueError("only video has levels")
        if level is Level.LOW and low is None:
            raise ValueError("the low level needs the source's low rendition")
        if level == self.wanted_level and (level is not Level.LOW or low is self._low):
            return
        if level is Level.PAUSED:
            self._level, self._pending = Level.PAUSED, None
            self._use_low(None)
            self.frames_dropped += len(self._frames)
            self._frames.clear()
            self._needs_keyframe = True
            return
        if level is Level.LOW:
            self._use_low(low)
        if self._level is Level.PAUSED or self._needs_keyframe or level == self._level:
            # Nothing is flowing (or the switch is called off): take the new level now; it starts at
            # its next keyframe like any start.
            started = self._level is Level.PAUSED or self._needs_keyframe
            self._level, self._pending = level, None
            if level is Level.FULL:
                self._use_low(None)
            if started:
                self._needs_keyframe = True
                self._ask_keyframe()
            return
        self._pending = level
        self._pending_since = time.monotonic()
        self._ask_keyframe(level)

    def request_keyframe(self) -> None:
        """Relay a keyframe request (the subscriber reported loss) to the stream being sent."""
        self._ask_keyframe()

    async def recv(self) -> av.Packet[Any]:
        """The next encoded frame as an ``av.Packet`` (RTCRtpSender then only packetizes it)."""
        if not self._reading:
            self._reading = True
            # Frames queued while the connection was being set up start with a keyframe (see _accept):
            # sending them at once saves waiting for the keyframe a new request would bring.
            if not self._frames:
                self._restart_stream()
                if self._source is not None and self._level is Level.FULL:
                    self._source.request_keyframe(force=True)
                else:
                    self._ask_keyframe()
        while True:
            if self.readyState != "live":
                raise MediaStreamError
            if self._frames:
                pts, frame = self._frames.popleft()
                packet = av.Packet(frame.data)
                packet.pts = pts
                packet.time_base = fractions.Fraction(1, frame.clock_rate)
                self.frames_sent += 1
                self.bytes_sent += wire_bytes(len(frame.data))
                return packet
            self._wakeup.clear()
            await self._wakeup.wait()

    def stop(self) -> None:
        """End the track for good (its sender stops sending)."""
        if self._source is not None:
            self._source.remove_subscriber(self)
        self._use_low(None)
        self._frames.clear()
        super().stop()
        self._wakeup.set()

    # -- called by Publication and LowRendition

    def _attach(self, source: Publication) -> None:
        if self._source is not None and self._source is not source:
            self._source.remove_subscriber(self)
        self._source = source
        self._restart_stream()

    def _detach(self, source: Publication) -> None:
        if self._source is source:
            self._source = None
            self.frames_dropped += len(self._frames)
            self._frames.clear()
            self._restart_stream()
            # Levels belong to a forward: the next source starts full, until its subscriber's
            # adaptation says otherwise.
            self._use_low(None)
            self._level, self._pending = Level.FULL, None

    def _restart_stream(self) -> None:
        self._frames.clear()
        self._needs_keyframe = self.kind == "video"
        self._in_origin = None

    def _push(self, frame: EncodedFrame) -> None:
        """A frame of the publication (the full stream)."""
        self._offer(Level.FULL, frame)

    def _push_low(self, frame: EncodedFrame) -> None:
        """A frame of the publication's low rendition."""
        self._offer(Level.LOW, frame)

    # -- internals

    def _use_low(self, low: LowFeed | None) -> None:
        if low is self._low:
            return
        if self._low is not None:
            self._low.remove_subscriber(self)
        self._low = low
        if low is not None:
            low.add_subscriber(self)

    def _ask_keyframe(self, level: Level | None = None) -> None:
        """Ask the stream of ``level`` (default: the one being sent) for a keyframe."""
        level = self._level if level is None else level
        if level is Level.FULL and self._source is not None:
            self._source.request_keyframe()
        elif level is Level.LOW and self._low is not None:
            self._low.request_keyframe()

    def _offer(self, level: Level, frame: EncodedFrame) -> None:
        if level == self._level:
            self._accept(frame)
        elif level == self._pending and self.readyState == "live":
            if not frame.keyframe:
                self._ask_keyframe(level)  # rate-limited by the stream; the old level goes on meanwhile
                return
            previous = self._level
            self._level, self._pending = level, None
            if previous is Level.LOW:
                self._use_low(None)
            self.switches += 1
            self.switch_waits.append(time.monotonic() - self._pending_since)
            if self._last_in is not None and frame.timestamp <= self._last_in:
                # The new stream's keyframe is no later than what was last sent of the old one (the
                # low rendition lags by its encoding): continue the line from the wall clock.
                self._in_origin = None
            self._accept(frame)

    def _accept(self, frame: EncodedFrame) -> None:
        # Before its sender starts reading (the subscriber's connection is still being set up), a video
        # track already keeps what it would send, from a keyframe on, so that the first frame goes out
        # the moment the connection is up. Only a reading track asks for keyframes.
        # Audio is not kept: a second of old audio at the start would only add delay.
        if self.readyState != "live" or (not self._reading and self.kind != "video"):
            return
        if self._needs_keyframe:
            if not frame.keyframe:
                self.frames_dropped += 1
                if self._reading:
                    self._ask_keyframe()
                return
            self._needs_keyframe = False
        if len(self._frames) >= self._max_queue:
            if self.kind == "video":
                self.frames_dropped += len(self._frames) + 1
                self._restart_stream()
                if self._reading:
                    self._ask_keyframe()
                return
            self._frames.popleft()
            self.frames_dropped += 1
        self._frames.append((self._timestamp(frame), frame))
        self._wakeup.set()

    def _timestamp(self, frame: EncodedFrame) -> int:
        now = time.monotonic()
        if frame.clock_rate != self._clock_rate:
            self._clock_rate = frame.clock_rate
            self._in_origin = None
        if self._in_origin is not None and frame.timestamp < self._in_origin:
            self._in_origin = None  # the source's timeline went backwards: start a new segment
        if self._in_origin is None:
            self._in_origin = frame.timestamp
            if self._last_out is None:
                self._out_origin = 0
            else:
                # Continue after the gap with the wall-clock time that passed, always moving forward.
                gap = max(1, int((now - self._last_out_clock) * self._clock_rate))
                self._out_origin = self._last_out + gap
        out = self._out_origin + (frame.timestamp - self._in_origin)
        if self._last_out is not None and out < self._last_out:
            out = self._last_out
        self._last_in = frame.timestamp
        self._last_out = out
        self._last_out_clock = now
        return out


def hook_keyframe_requests(sender: RTCRtpSender, callback: Callable[[], None]) -> None:
    """Call ``callback`` when the remote peer of ``sender`` asks for a keyframe (PLI or FIR).

    aiortc handles those by forcing its *encoder* to emit a keyframe, which does nothing for pre-encoded
    frames. This wraps that one sender's ``_send_keyframe`` (an instance attribute, not a class patch).
    """
    original = sender._send_keyframe

    def send_keyframe() -> None:
        original()
        callback()

    sender._send_keyframe = send_keyframe  # type: ignore[method-assign]
