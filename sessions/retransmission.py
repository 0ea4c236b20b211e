"""How much a server-side sender may retransmit when its subscriber reports lost packets (NACK).

aiortc's :class:`~aiortc.RTCRtpSender` resends every packet a NACK names, as often as it is named. An
aiortc receiver names *every* packet still missing in each NACK it sends, and sends one whenever a new
packet shows a gap, so on a lossy, slow link the same packets are resent again and again: measured in
the network lab (bench/weak_links.py, a learner on the "weak" profile, 300 kbit/s), the server sent that
learner 2.9 Mbit/s of retransmissions beside 0.3 Mbit/s of media, and the flood starved his media and
his signaling socket too. Retransmissions are worth sending only while they can still arrive in time and
only as a small share of what the link carries (libwebrtc and the SFUs cap them the same way).

:class:`RetransmissionGovernor` is the rule, pure and clock-injected; :func:`govern_retransmissions`
puts it in front of one sender's ``_retransmit`` (an instance attribute, not a class patch).
"""

from __future__ import annotations

import inspect
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Final

from aiortc import RTCRtpSender

#: A packet is resent at most once in this long: a second NACK for it sooner is the receiver repeating
#: itself while the first resend is still on its way (round trips abroad are 200-300 ms).
MIN_RESEND_SPACING: Final = 0.25
#: Each media packet sent earns this many retransmissions: they stay a fraction of the stream.
SHARE_OF_MEDIA: Final = 0.25
#: Retransmissions always allowed per second, however little media flows (audio-only, paused video).
FLOOR_PER_SECOND: Final = 10.0
#: The most retransmissions that can be saved up and sent in one burst.
BURST: Final = 30.0
#: Sequence numbers remembered for the spacing rule (aiortc keeps 128 packets for resending).
REMEMBERED: Final = 256

# aiortc's sender counts the RTP packets it sent (RTCOutboundRtpStreamStats.packetsSent) here.
_PACKET_COUNT: Final = "_RTCRtpSender__packet_count"


class RetransmissionGovernor:
    """Decides, for one sender, whether a packet a NACK names is resent now.

    Two rules: a packet is not resent again within ``spacing`` seconds, and resends draw on a budget
    that grows by ``share`` for each media packet sent plus ``floor`` per second, capped at ``burst``.
    With ``ceiling`` (resends a second the subscriber's downlink can spare, see
    :mod:`sessions.downlinks`), the budget never grows faster than that, nor saves up more than a
    second of it: on a slow link a quarter of the stream plus ten a second can still be too much.
    """

    def __init__(
        self,
        *,
        clock: Callable[[], float] = time.monotonic,
        spacing: float = MIN_RESEND_SPACING,
        share: float = SHARE_OF_MEDIA,
        floor: float = FLOOR_PER_SECOND,
        burst: float = BURST,
        ceiling: Callable[[], float] | None = None,
    ) -> None:
        self._clock = clock
        self._ceiling = ceiling
        self._spacing = spacing
        self._share = share
        self._floor = floor
        self._burst = burst
        self._tokens = burst
        self._last_refill = clock()
        self._last_media_count: int | None = None
        self._resent_at: OrderedDict[int, float] = OrderedDict()
        self.resent = 0
        self.refused_too_soon = 0
        self.refused_over_budget = 0

    def allow(self, sequence_number: int, media_packets_sent: int) -> bool:
        """Whether to resend ``sequence_number`` now, given the sender's running count of media packets
        sent (it earns the budget); counts the decision."""
        now = self._clock()
        self._refill(now, media_packets_sent)
        last = self._resent_at.get(sequence_number)
        if last is not None and now - last < self._spacing:
            self.refused_too_soon += 1
            return False
        if self._tokens < 1.0:
            self.refused_over_budget += 1
            return False
        self._tokens -= 1.0
        self.resent += 1
        self._resent_at[sequence_number] = now
        self._resent_at.move_to_end(sequence_number)
        while len(self._resent_at) > REMEMBERED:
            self._resent_at.popitem(last=False)
        return True

    def _refill(self, now: float, media_packets_sent: int) -> None:
        elapsed = max(0.0, now - self._last_refill)
        earned = self._floor * elapsed
        if self._last_media_count is not None:
            earned += self._share * max(0, media_packets_sent - self._last_media_count)
        burst = self._burst
        if self._ceiling is not None:
            ceiling = max(0.0, self._ceiling())
            earned = min(earned, ceiling * elapsed)
            burst = min(burst, max(1.0, ceiling))
        self._last_media_count = media_packets_sent
        self._last_refill = now
        self._tokens = min(burst, self._tokens + earned)


def govern_retransmissions(
    sender: RTCRtpSender, governor: RetransmissionGovernor | None = None
) -> RetransmissionGovernor:
    """Make ``sender`` resend only what ``governor`` (a new one by default) allows; returns it.

    ``RTCRtpSender._handle_rtcp_packet`` awaits ``self._retransmit(seq)`` for each sequence number a
    NACK names; this wraps that one sender's method.
    """
    chosen = governor or RetransmissionGovernor()
    original = sender._retransmit

    async def retransmit(sequence_number: int) -> None:
        # aiortc counts only first sends in __packet_count, so resends earn no further budget.
        if chosen.allow(sequence_number, int(getattr(sender, _PACKET_COUNT, 0))):
            await original(sequence_number)

    sender._retransmit = retransmit  # type: ignore[method-assign]
    return chosen


def retransmission_internals_problems() -> list[str]:
    """What moved in aiortc's sender that :func:`govern_retransmissions` relies on (empty: nothing)."""
    problems: list[str] = []
    handler = inspect.getsource(RTCRtpSender._handle_rtcp_packet)
    if "await self._retransmit(seq)" not in handler:
        problems.append("RTCRtpSender._handle_rtcp_packet no longer awaits self._retransmit(seq) per NACK")
    if "self.__packet_count += 1" not in inspect.getsource(RTCRtpSender._run_rtp):
        problems.append("RTCRtpSender._run_rtp no longer counts packets in __packet_count")
    return problems
