"""A delay-based congestion signal for one subscriber's downlink, from transport-wide feedback (the
receiver's arrival time of every RTP packet the server sent it). Pure Python, no clock of its own:
every call takes the feedback and ``now`` (the server's clock, seconds).

It follows the delay-based half of Google Congestion Control as published (draft-ietf-rmcat-gcc-02)
and WebRTC's "trendline" variant of it:

* packets sent within ``burst`` (5 ms) of a group's first one form one **group** (a video frame, an
  audio packet); so do packets that arrive within ``burst`` of the group's last one and no later than
  their sending says (a queue letting a bunch go at once);
* between consecutive groups, the **delay variation** is the arrival spacing minus the send spacing
  (only differences of each clock: an offset between the server's and the receiver's clock cancels);
* their sum, the delay relative to the first group, is smoothed, and the **trend** is the slope of a
  least-squares line through the last ``window`` smoothed values over arrival time: how fast the queue
  grows (about ``sent / link - 1`` while it overflows its link);
* an **overuse detector** compares the trend (scaled by how many deltas it rests on, up to 60, and a
  gain) with a **threshold that adapts**: slowly up when the trend exceeds it, fast down when not (so
  that a jittery path raises it and a quiet one lowers it again). Over it for a while and still
  rising: :attr:`Signal.OVERUSE`; under minus it: :attr:`Signal.UNDERUSE` (the queue drains);
  otherwise :attr:`Signal.NORMAL`.

Besides the signal it keeps two figures an estimator acts on: the **acknowledged bitrate** (what the
receiver got per second over the last ``acked_window`` seconds of its clock) and the **queueing
delay** (the median one-way delay of the packets of the last half second over the lowest one of the
last minute: an offset between the clocks cancels here too; per packet, not per group, as the first
packet of a frame waits behind nothing of its own). A queue that stays full on an overloaded link shows
a flat trend (NORMAL) but a high queueing delay; random loss on a path with no queue (a radio link)
shows neither.

Lost packets (no arrival time) form no group; a packet reported again (lost, then received in a later
feedback) counts once; a packet that arrives after a later-sent group was closed is left out of the
trend (reordering); a gap of over ``reset_gap`` seconds between groups restarts the trend (the path
may have changed) but keeps the threshold.
"""

from __future__ import annotations

import bisect
import math
from collections import deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Final, Protocol

#: Sequence numbers remembered to count a packet reported twice once.
_SEEN_SEQS: Final = 4096


class PacketFeedback(Protocol):
    """What the receiver said about one packet (``sessions.twcc.PacketResult`` has this shape)."""

    @property
    def seq(self) -> int:
        """The transport-wide sequence number (unwrapped)."""

    @property
    def size(self) -> int:
        """Bytes of the packet as sent (the UDP payload)."""

    @property
    def send_time(self) -> float:
        """When the server sent it, server clock, seconds."""

    @property
    def arrival_time(self) -> float | None:
        """When it arrived, receiver clock (any origin), seconds; None: lost."""


class Signal(StrEnum):
    """What the delay of the packets says about the path's queue."""

    NORMAL = "normal"
    OVERUSE = "overuse"  # the queue grows: more is sent than the link carries
    UNDERUSE = "underuse"  # the queue drains


@dataclass(frozen=True, slots=True)
class DelaySettings:
    """The detector's constants (GCC's and the trendline's, where they have them)."""

    #: Packets sent (or arriving, see the module docstring) within this of a group's first are one group.
    burst: float = 0.005
    #: Smoothed delays the trend's line goes through, and the smoothing weight of the previous value
    #: (the trendline's 0.9 read the queue of a keyframe as a trend; see ``overuse_time_ms``).
    window: int = 20
    smoothing: float = 0.95
    #: The trend is scaled by the number of deltas it rests on (at most ``max_deltas``) times ``gain``.
    gain: float = 4.0
    max_deltas: int = 60
    #: The adaptive threshold (milliseconds of scaled trend): start, bounds, and its rates per
    #: millisecond up (trend over it) and down (under it). A trend over it by more than
    #: ``threshold_skip`` is a spike and leaves it alone.
    threshold_ms: float = 12.5
    min_threshold_ms: float = 6.0
    max_threshold_ms: float = 600.0
    k_up: float = 0.0087
    k_down: float = 0.039
    threshold_skip_ms: float = 15.0
    #: The trend must stay over the threshold this long (milliseconds of sending) before it is OVERUSE.
    #: GCC's 10 ms assumes a pacer; the server forwards each frame as one burst, and a keyframe of
    #: 10 KB on a 750 kbit/s link adds 100 ms of queue at once, which then drains for a few hundred
    #: milliseconds. In the unit tests' model (tests/support/bottleneck.py) 100-200 ms and a smoothing
    #: of 0.9 read such keyframes as overuse every few seconds; 300 ms and 0.95 almost never, and an
    #: overload of 10-100 % still reads as one 0.7-1.1 s after its packets reach the receiver.
    overuse_time_ms: float = 300.0
    #: A gap between groups longer than this restarts the trend.
    reset_gap: float = 1.0
    #: The acknowledged bitrate is counted over this long (receiver clock), with this many bytes of
    #: IPv4 and UDP headers added to each packet's size (a link carries them too).
    acked_window: float = 1.0
    header_bytes: int = 28
    #: The lowest one-way delay of this long is the path's own; the median of the last ``queue_window``
    #: over it is the queueing delay.
    base_window: float = 60.0
    queue_window: float = 0.5


@dataclass(slots=True)
class _Group:
    first_send: float
    last_send: float
    arrival: float  # the latest arrival of its packets (receiver clock)


class _Trendline:
    """The slope of the smoothed accumulated delay over arrival time, in milliseconds per millisecond."""

    def __init__(self, settings: DelaySettings) -> None:
        self._settings = settings
        self._points: deque[tuple[float, float]] = deque(maxlen=settings.window)
        self._first_arrival: float | None = None
        self._accumulated = 0.0
        self._smoothed = 0.0
        self.deltas = 0

    def update(self, delta_ms: float, arrival: float) -> float | None:
        """Add one inter-group delay variation; return the trend once the window is full."""
        settings = self._settings
        if self._first_arrival is None:
            self._first_arrival = arrival
        self.deltas = min(self.deltas + 1, 1000)
        self._accumulated += delta_ms
        self._smoothed = settings.smoothing * self._smoothed + (1 - settings.smoothing) * self._accumulated
        self._points.append((1000.0 * (arrival - self._first_arrival), self._smoothed))
        if len(self._points) < settings.window:
            return None
        return _slope(self._points)


def _slope(points: Sequence[tuple[float, float]]) -> float | None:
    """The least-squares slope of y over x; None when every x is the same."""
    mean_x = sum(x for x, _ in points) / len(points)
    mean_y = sum(y for _, y in points) / len(points)
    spread = sum((x - mean_x) ** 2 for x, _ in points)
    if spread == 0:
        return None
    return sum((x - mean_x) * (y - mean_y) for x, y in points) / spread


class _OveruseDetector:
    """The scaled trend against an adaptive threshold (see the module docstring)."""

    def __init__(self, settings: DelaySettings) -> None:
        self._settings = settings
        self.threshold = settings.threshold_ms
        self.signal = Signal.NORMAL
        self._over_ms: float | None = None  # how long the trend has been over the threshold
        self._over_count = 0
        self._previous = 0.0
        self._last_arrival: float | None = None

    def detect(self, trend: float, deltas: int, send_delta_ms: float, arrival: float) -> Signal:
        settings = self._settings
        scaled = min(deltas, settings.max_deltas) * trend * settings.gain
        if scaled > self.threshold:
            self._over_ms = send_delta_ms / 2 if self._over_ms is None else self._over_ms + send_delta_ms
            self._over_count += 1
            if self._over_ms > settings.overuse_time_ms and self._over_count > 1:
                self._over_ms, self._over_count = 0.0, 0
                self.signal = Signal.OVERUSE
        else:
            self._over_ms, self._over_count = None, 0
            self.signal = Signal.UNDERUSE if scaled < -self.threshold else Signal.NORMAL
        self._previous = trend
        self._adapt(scaled, arrival)
        return self.signal

    def _adapt(self, scaled: float, arrival: float) -> None:
        settings = self._settings
        last, self._last_arrival = self._last_arrival, arrival
        if last is None or abs(scaled) > self.threshold + settings.threshold_skip_ms:
            return
        rate = settings.k_down if abs(scaled) < self.threshold else settings.k_up
        elapsed_ms = min(100.0, max(0.0, 1000.0 * (arrival - last)))
        self.threshold += rate * (abs(scaled) - self.threshold) * elapsed_ms
        self.threshold = min(settings.max_threshold_ms, max(settings.min_threshold_ms, self.threshold))

    def restart(self) -> None:
        """Forget the trend's history (a gap), keep the threshold."""
        self.signal = Signal.NORMAL
        self._over_ms, self._over_count, self._previous = None, 0, 0.0
        self._last_arrival = None


class DelayBasedDetector:
    """One subscriber's delay signal, acknowledged bitrate and queueing delay (see the module docstring).

    Call :meth:`on_feedback` with each transport-wide feedback's results; read :attr:`signal`,
    :attr:`overuse_at`, :meth:`acked_bps` and :meth:`queue_delay`.
    """

    def __init__(self, settings: DelaySettings | None = None) -> None:
        self.settings = settings or DelaySettings()
        self.signal = Signal.NORMAL
        #: When (server clock) a feedback last read OVERUSE, and last came at all.
        self.overuse_at: float | None = None
        self.feedback_at: float | None = None
        #: Packets received, and those left out of the trend for arriving after a later-sent group.
        self.received = 0
        self.late = 0
        self._detector = _OveruseDetector(self.settings)
        self._trend = _Trendline(self.settings)
        self._group: _Group | None = None
        self._previous: _Group | None = None
        self._seen: dict[int, bool] = {}  # seq -> whether it arrived
        self._order: deque[int] = deque()
        self._acked: deque[tuple[float, int]] = deque()  # (arrival, bytes), by arrival
        self._delays: deque[tuple[float, float]] = deque()  # (arrival, one-way delay) of recent packets
        self._lowest: deque[tuple[float, float]] = deque()  # rising minima of the delay, by arrival

    # -- input

    def on_feedback(self, results: Iterable[PacketFeedback], now: float) -> Signal:
        """Take one feedback's results (in any order); return the signal after them."""
        self.feedback_at = now
        fresh = [result for result in results if self._first_report(result)]
        for result in sorted(fresh, key=lambda r: (r.send_time, r.seq)):
            arrival = result.arrival_time
            if arrival is None or not math.isfinite(arrival):
                continue
            self.received += 1
            self._acked_add(arrival, result.size + self.settings.header_bytes)
            self._delay_add(arrival, arrival - result.send_time)
            self._group_add(result.send_time, arrival, now)
        return self.signal

    def _first_report(self, result: PacketFeedback) -> bool:
        """Whether this is news: a packet not reported yet, or reported lost and now received."""
        arrived = result.arrival_time is not None
        known = self._seen.get(result.seq)
        if known is None:
            self._seen[result.seq] = arrived
            self._order.append(result.seq)
            while len(self._order) > _SEEN_SEQS:
                self._seen.pop(self._order.popleft(), None)
            return True
        if arrived and not known:
            self._seen[result.seq] = True
            return True
        return False

    def _group_add(self, send: float, arrival: float, now: float) -> None:
        settings = self.settings
        group = self._group
        if group is None:
            self._group = _Group(send, send, arrival)
            return
        if send < group.first_send:
            self.late += 1  # a later-sent group was already begun: out of order, left out
            return
        in_burst = send - group.first_send <= settings.burst
        # A queue letting packets go together: they arrive close, and sooner than their sending says.
        arrived_with = arrival - group.arrival <= settings.burst and (arrival - group.arrival) < (
            send - group.last_send
        )
        if in_burst or arrived_with:
            group.last_send = max(group.last_send, send)
            group.arrival = max(group.arrival, arrival)
            return
        self._close(group, now)
        self._group = _Group(send, send, arrival)

    def _close(self, group: _Group, now: float) -> None:
        """A group is complete: compare it with the one before."""
        settings = self.settings
        previous, self._previous = self._previous, group
        if previous is None:
            return
        send_delta = group.last_send - previous.last_send
        arrival_delta = group.arrival - previous.arrival
        if (
            arrival_delta > settings.reset_gap
            or send_delta > settings.reset_gap
            or arrival_delta < -settings.reset_gap
        ):
            self._trend = _Trendline(settings)
            self._detector.restart()
            self.signal = Signal.NORMAL
            return
        trend = self._trend.update(1000.0 * (arrival_delta - send_delta), group.arrival)
        if trend is None:
            return
        self.signal = self._detector.detect(trend, self._trend.deltas, 1000.0 * send_delta, group.arrival)
        if self.signal is Signal.OVERUSE:
            self.overuse_at = now

    def _acked_add(self, arrival: float, size: int) -> None:
        acked = self._acked
        # Kept in order of arrival (feedback comes in send order; a reordered packet goes back a little).
        bisect.insort(acked, (arrival, size))
        while acked and acked[0][0] < acked[-1][0] - 2 * self.settings.acked_window:
            acked.popleft()

    def _delay_add(self, arrival: float, delay: float) -> None:
        settings = self.settings
        self._delays.append((arrival, delay))
        while self._delays and self._delays[0][0] < arrival - settings.queue_window:
            self._delays.popleft()
        lowest = self._lowest
        while lowest and lowest[-1][1] >= delay:
            lowest.pop()
        lowest.append((arrival, delay))
        while lowest[0][0] < arrival - settings.base_window:
            lowest.popleft()

    # -- outputs

    def acked_bps(self) -> float | None:
        """What the receiver got over the last ``acked_window`` of its clock, bits per second, IP and
        UDP headers included (None before half a window of arrivals)."""
        acked = self._acked
        if len(acked) < 2 or acked[-1][0] - acked[0][0] < self.settings.acked_window / 2:
            return None
        end = acked[-1][0]
        start = max(acked[0][0], end - self.settings.acked_window)
        total = sum(size for at, size in acked if at > start)
        return 8.0 * total / (end - start)

    def queue_delay(self) -> float | None:
        """The median one-way delay of the last ``queue_window`` over the lowest of ``base_window``,
        seconds (None before any arrival)."""
        if not self._delays or not self._lowest:
            return None
        recent = sorted(delay for _, delay in self._delays)
        return max(0.0, recent[len(recent) // 2] - self._lowest[0][1])
