"""A video jitter buffer that stops waiting for a lost packet after a bounded stretch of media time.

aiortc's :class:`~aiortc.jitterbuffer.JitterBuffer` releases a frame only once every packet from its
origin up to that frame is present. The receiver sends one NACK when it notices a gap; if the
retransmission never comes (it was lost as well, or the publisher kept no history), every later frame is
held back until ``capacity`` (512) more packets have arrived: seconds of frozen video for everyone who
watches that publisher. On a real network with about 1 % loss that happens every minute or two.

:class:`HoleSkippingJitterBuffer` keeps the stock behaviour, but gives up on a hole once the packets held
behind it span more than :data:`DEFAULT_MAX_HOLE_SPAN` of media time: it drops the frame in front of the
hole and the partial frame after it, releases whole frames again, and asks for a Picture Loss Indication
(the frames that follow reference the lost one, so only a keyframe repairs the picture).

It relies on the base class's fields ``_origin``, ``_packets``, ``_capacity`` and ``_is_video`` and its
helpers ``remove`` and ``_remove_frame``; :func:`jitter_buffer_internals_problems` checks that they are
still there, and :mod:`sessions.forwarding` runs it with its other checks of aiortc's internals.
"""

from __future__ import annotations

import inspect
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Final

from aiortc.jitterbuffer import JitterBuffer, JitterFrame
from aiortc.rtp import RTP_HISTORY_SIZE, RtpPacket
from aiortc.utils import uint16_add, uint16_gt

logger = logging.getLogger(__name__)

#: Video RTP clock: 90 kHz (RFC 7741 for VP8, RFC 6184 for H.264).
VIDEO_CLOCK_RATE: Final = 90_000

#: How much media time may pile up behind a hole before the hole is given up on: 0.5 s.
#: A NACK goes out as soon as the packet after the hole arrives, so a retransmission takes one round
#: trip plus the publisher's reaction: an intercontinental round trip is 150-300 ms, and 0.5 s leaves
#: room for jitter on top of that. aiortc NACKs a gap only once, so waiting much longer than one round
#: trip rarely brings the packet; and after giving up the picture still waits one more round trip for
#: the keyframe, so a longer bound would only make the freeze longer.
DEFAULT_MAX_HOLE_SPAN: Final = VIDEO_CLOCK_RATE // 2

#: A sequence number given up on is remembered for this many packets (see ``_abandoned``). aiortc's
#: receiver NACKs only packets at most RTP_HISTORY_SIZE behind the newest one, so a retransmission can
#: arrive that much later at most; twice that is ample and still far from a sequence-number wrap.
_ABANDONED_MEMORY: Final = 2 * RTP_HISTORY_SIZE


@dataclass(frozen=True, slots=True)
class SkippedHole:
    """What giving up on one hole cost."""

    missing: int  # sequence numbers that never arrived (in the stretch that was dropped)
    dropped: int  # packets that had arrived but were dropped with the hole (partial frames)
    span: int  # RTP timestamp ticks held behind the hole when it was given up on


def _timestamp_diff(later: int, earlier: int) -> int:
    """``later - earlier`` for 32-bit RTP timestamps that may have wrapped, as a signed number."""
    return ((later - earlier + 0x8000_0000) & 0xFFFF_FFFF) - 0x8000_0000


class HoleSkippingJitterBuffer(JitterBuffer):
    """aiortc's video jitter buffer, except that a hole is given up on after ``max_hole_span`` ticks.

    Everything else is the stock behaviour (a far out-of-order packet resets the buffer, a packet beyond
    the capacity makes room with ``smart_remove``), except that a late copy of a packet it gave up on is
    dropped rather than taken for a restarted stream (see ``_abandoned``). Giving up on a hole:

    * drops everything in front of the hole (at most one frame, which may be missing its last packets)
      and the packets after the hole up to a packet that certainly starts a frame: never does a frame
      with missing packets reach the decoder or the forwarder;
    * releases the first whole frame that is now at the front (``add`` returns one frame per packet, as
      the receiver expects; the next ones come out with the next packets);
    * returns ``pli_flag=True``, which makes ``RTCRtpReceiver._handle_rtp_packet`` send a PLI;
    * calls ``on_hole_skipped`` (on the event loop, inside ``add``).

    Where it starts again: without ``is_keyframe_start``, at the first frame that starts cleanly after
    the hole. With it (a test on the depayloaded first packet of a frame), at the first keyframe held
    after the hole, or if none is held, at the newest frame that starts cleanly: every frame in between
    refers to the lost one and is useless until a keyframe, and because ``add`` releases only one frame
    per packet, releasing them would hold every later frame back by that backlog (for good, when each
    frame fits in one packet).
    """

    def __init__(
        self,
        capacity: int,
        prefetch: int = 0,
        is_video: bool = False,
        *,
        max_hole_span: int = DEFAULT_MAX_HOLE_SPAN,
        on_hole_skipped: Callable[[SkippedHole], None] | None = None,
        is_keyframe_start: Callable[[bytes], bool] | None = None,
    ) -> None:
        super().__init__(capacity, prefetch=prefetch, is_video=is_video)
        if max_hole_span <= 0:
            raise ValueError("max_hole_span must be positive")
        self.max_hole_span = max_hole_span
        self.on_hole_skipped = on_hole_skipped
        self.is_keyframe_start = is_keyframe_start
        self.holes_skipped = 0
        # The packet with the highest sequence number held, so that checking for a stuck buffer costs
        # nothing per packet while video flows (see _stuck_too_long).
        self._newest: RtpPacket | None = None
        # Sequence numbers given up on (an ordered set, oldest first). A retransmission of one may still
        # arrive: aiortc re-NACKs missing packets whenever it sees a new gap. Once the origin has moved
        # 100 or more past it, the base class would take it for a restarted stream and empty the
        # buffer, throwing away the frames (perhaps the keyframe) that came after; it is dropped instead.
        self._abandoned: dict[int, None] = {}

    def add(self, packet: RtpPacket) -> tuple[bool, JitterFrame | None]:
        """Add a received packet; return ``(pli_flag, frame)`` like the base class."""
        sequence_number = packet.sequence_number
        if self._abandoned:
            self._forget_old_abandoned(sequence_number)
            if sequence_number in self._abandoned:
                del self._abandoned[sequence_number]
                return False, None

        pli_flag, frame = super().add(packet)

        if self._holds(packet):
            newest = self._newest
            if (
                newest is None
                or not self._holds(newest)
                or uint16_gt(sequence_number, newest.sequence_number)
            ):
                self._newest = packet
        if frame is None and self._stuck_too_long():
            frame, skipped = self._give_up_on_hole()
            if skipped is not None:
                if self._is_video:
                    pli_flag = True
                self.holes_skipped += 1
                logger.debug("gave up on a hole in the video: %s", skipped)
                if self.on_hole_skipped is not None:
                    self.on_hole_skipped(skipped)
        return pli_flag, frame

    # -- internals

    def _holds(self, packet: RtpPacket) -> bool:
        """Whether ``packet`` is still in the buffer (not released, dropped or reset away)."""
        return self._packets[packet.sequence_number % self._capacity] is packet

    def _stuck_too_long(self) -> bool:
        """A cheap test that can only be true when a hole may have been waited on for too long.

        While video flows the front packet is present and at most a frame or two older than the newest
        one, so this is two lookups per packet; the scan in :meth:`_give_up_on_hole` runs only when
        more than ``max_hole_span`` has piled up (or while the front packet itself is missing).
        """
        newest = self._newest
        if newest is None or self._origin is None or not self._holds(newest):
            return False
        front = self._packets[self._origin % self._capacity]
        if front is None:
            return True
        # Timestamps only grow along a video stream, so the span behind any hole is at most this.
        return _timestamp_diff(newest.timestamp, front.timestamp) > self.max_hole_span

    def _give_up_on_hole(self) -> tuple[JitterFrame | None, SkippedHole | None]:
        """Drop the first hole and what cannot be used around it, if it has been waited on too long.

        Returns the frame to release (or None) and what was skipped (None when nothing was).
        """
        assert self._origin is not None and self._newest is not None
        origin, capacity, packets = self._origin, self._capacity, self._packets
        last = uint16_add(self._newest.sequence_number, -origin)  # offset of the newest packet held

        # The first missing packet. Only one frame can be in front of it: had a whole frame been there,
        # the base class would just have released it and we would not be here.
        offset = 0
        while offset < last and packets[(origin + offset) % capacity] is not None:
            offset += 1
        if offset >= last:
            return None, None  # no hole: the newest frame is simply not finished yet
        # The first packet held after the hole; the newest packet is one, so this stops at `last`.
        while packets[(origin + offset) % capacity] is None:
            offset += 1
        first_after = packets[(origin + offset) % capacity]
        assert first_after is not None
        span = _timestamp_diff(self._newest.timestamp, first_after.timestamp)
        if span <= self.max_hole_span:
            return None, None  # a retransmission may still fill it

        start = self._resume_offset(offset, last)
        if start is None:
            return None, None  # no frame has started cleanly since the hole yet: try on the next packet

        missing = [
            uint16_add(origin, index)
            for index in range(start)
            if packets[(origin + index) % capacity] is None
        ]
        for sequence_number in missing:
            self._abandoned[sequence_number] = None
        self.remove(start)  # clears the slots and moves the origin to `start`
        frame = self._remove_frame(uint16_add(origin, start))
        return frame, SkippedHole(missing=len(missing), dropped=start - len(missing), span=span)

    def _resume_offset(self, first_after: int, last: int) -> int | None:
        """The offset from the origin to start again at (see the class docstring), or None.

        A packet whose predecessor is present and belongs to another frame is certainly the first packet
        of its frame; the packet right after a hole may not be, so the frame it belongs to is dropped.
        """
        origin, capacity, packets = self._origin, self._capacity, self._packets
        assert origin is not None
        newest_start = None
        previous = packets[(origin + first_after) % capacity]
        for candidate in range(first_after + 1, last + 1):
            packet = packets[(origin + candidate) % capacity]
            if packet is not None and previous is not None and packet.timestamp != previous.timestamp:
                if self.is_keyframe_start is None or self.is_keyframe_start(getattr(packet, "_data", b"")):
                    return candidate
                newest_start = candidate
            previous = packet
        return newest_start

    def _forget_old_abandoned(self, sequence_number: int) -> None:
        """Forget abandoned sequence numbers far enough behind ``sequence_number`` that no retransmission
        of them can come any more (and before the sequence numbers wrap around to them again)."""
        while self._abandoned:
            oldest = next(iter(self._abandoned))
            behind = uint16_add(sequence_number, -oldest)
            if _ABANDONED_MEMORY < behind < 0x8000:
                del self._abandoned[oldest]
            else:
                break


def jitter_buffer_internals_problems() -> list[str]:
    """What moved in aiortc's ``JitterBuffer`` that :class:`HoleSkippingJitterBuffer` relies on."""
    problems: list[str] = []
    try:
        init_src = inspect.getsource(JitterBuffer.__init__)
        remove_src = inspect.getsource(JitterBuffer.remove)
        remove_frame_src = inspect.getsource(JitterBuffer._remove_frame)
        add_src = inspect.getsource(JitterBuffer.add)
    except (OSError, TypeError, AttributeError) as exc:
        return [f"cannot read aiortc's JitterBuffer: {exc}"]
    expectations = [
        (
            init_src,
            "self._origin: Optional[int] = None",
            "JitterBuffer._origin (sequence number at the front)",
        ),
        (
            init_src,
            "self._packets: list[Optional[RtpPacket]]",
            "JitterBuffer._packets (slot = seq % capacity)",
        ),
        (init_src, "self._capacity = capacity", "JitterBuffer._capacity"),
        (init_src, "self._is_video = is_video", "JitterBuffer._is_video"),
        (add_src, "return pli_flag, self._remove_frame(", "JitterBuffer.add returns (pli_flag, frame)"),
        (
            remove_src,
            "self._origin = uint16_add(self._origin, 1)",
            "JitterBuffer.remove(count) moves the origin",
        ),
        (
            remove_frame_src,
            "self.remove(remove)",
            "JitterBuffer._remove_frame releases and removes the first whole frame",
        ),
    ]
    for source, needle, what in expectations:
        if needle not in source:
            problems.append(f"moved: {what} (looked for {needle!r})")
    return problems
