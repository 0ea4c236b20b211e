"""Per-subscriber downlink adaptation: what a subscriber's link can take, and which level of each video
it gets. Pure Python: no aiortc, no clock of its own (every call takes ``now``, in seconds).

Rounds forwards each publisher's one stream as it was encoded. A subscriber whose link cannot carry
everything gets, per video source, one of three :class:`Level` s: ``FULL`` (the publisher's stream),
``LOW`` (a shared low-resolution rendition the server makes on demand, see :mod:`sessions.rendition`)
or ``PAUSED`` (no video; the sound goes on). Audio is never given up for video.

* :class:`DownlinkEstimator` estimates one subscriber's downlink the way GCC's loss-based controller
  does, from what that subscriber's browser reports about the media the server sends it: RTCP receiver
  reports (fraction lost, and the round trip), REMB when it sends one, and the bytes sent. Loss over
  10 % lowers the estimate to the sending rate times ``1 - loss/2``; under 2 % it grows by 8 % a
  second, never far past what is actually sent (a link is only known to carry what it carried); in
  between it holds. Loss that a link has whatever is sent (a radio link, a long way) is not taken
  for congestion: loss that stays as high when the rate has just come down a lot is the link's own,
  and only loss above it (smoothed over a few reports) can lower the estimate. The median loss of the
  last 20 seconds (at most 10 %) is taken for the link's own only to let the estimate grow (and probe)
  on a lossy link, never to keep it up: steady loss from an overload has a median too, and a browser
  reports loss after its NACKs were answered, around 10 % on a link that drops 30 % of what it is
  sent (measured on the lab's ``weak`` profile, Chromium and Firefox alike). When the estimate comes
  down, a REMB under what was sent (the receiver's delay-based estimator seeing its queue grow) may
  take it further, to what the link delivered at most. A REMB alone is not taken as a limit:
  receivers cap it at 1.5 times what they get (it would forbid ever trying more), and aiortc's swings
  far under what it gets on a jittery path or a busy machine while nothing is lost.

  With transport-wide feedback (browsers: the arrival time of every packet), GCC's delay-based half
  (:mod:`sessions.delay_based`) joins in, and rates are what the receiver acknowledged: an overuse
  (a queue that grew and stays) lowers the estimate to 0.85 times that, and the levels follow at
  once (not when sending well under what the link carried at the last one: that queue is a busy
  machine's burst). The estimate grows only while the delay is steady, then whatever the loss under
  10 % (the delay, not the loss, tells congestion in that band), and for 30 s after an overuse no
  further than what the link carried then. Loss counts as congestion only when the delay shows a
  queue (for a second, or an overuse a few seconds ago): random loss on a path with no queue
  (bursts on a radio link) lowers nothing. Without that feedback for a couple of seconds (aiortc
  peers send none), the estimate is the loss-based one above alone.
* :func:`allocate` gives a budget out in priority order: all audio first; then in a patient visit the
  clinical pair's video (patient and host, to each other) at full; then the other video, the host's
  view of the learners last.
* :class:`DownlinkController` is one subscriber's adaptation over time, with hysteresis: a level goes
  down once the budget has said so for ``down_after`` (about a second of evidence; at once when the
  estimate just came down for a delay-based overuse, itself a second of evidence), all the way at
  once; it goes up one level at a time, after ``up_after`` seconds of headroom; and when nothing but
  the estimator's caution holds a level down, it *probes*: after ``probe_after`` seconds without loss
  it tries the next level. A level that has to come down again soon after going up was a failed try:
  the next try beyond what the source had held (by budget or by probe) waits twice as long, up to
  eight times; coming back to a level it held does not wait longer.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from enum import IntEnum, StrEnum
from typing import Final

from sessions.delay_based import DelayBasedDetector, PacketFeedback, Signal
from sessions.room import Role, RoomKind

#: Bytes a packet costs on the wire besides its payload: RTP header with extensions (~24), SRTP tag
#: (10), UDP (8) and IPv4 (20). Counted so that a stream of small audio packets costs what it costs.
PACKET_OVERHEAD_BYTES: Final = 60
#: Payload bytes per RTP packet, about (aiortc packetizes video at 1300 bytes at most).
PACKET_PAYLOAD_BYTES: Final = 1200


#: Loss is the link's own when it stays as high at this share of the rate of a recent decrease, or less.
OWN_LOSS_RATE_SHARE: Final = 0.55

#: A probe assumes a little more than the probed levels need, so that the budget's next allocation
#: keeps them (costs wobble with keyframes).
PROBE_MARGIN: Final = 1.05


def wire_bytes(payload: int) -> int:
    """What an encoded frame of ``payload`` bytes costs on the wire, packet overhead included."""
    return payload + PACKET_OVERHEAD_BYTES * (1 + payload // PACKET_PAYLOAD_BYTES)


class Level(IntEnum):
    """What a subscriber gets of one video source, from nothing to everything."""

    PAUSED = 0  # no video; the source's audio goes on
    LOW = 1  # the shared low rendition (small picture, few frames, low bitrate)
    FULL = 2  # the publisher's own stream, as encoded

    @property
    def wire(self) -> str:
        """The level's name in the signaling protocol."""
        return self.name.lower()


class Priority(IntEnum):
    """Which video is served first from a subscriber's budget (lower first)."""

    CLINICAL = 0  # patient <-> host in a patient visit: the encounter itself
    NORMAL = 1
    HOST_VIEW_OF_LEARNERS = 2  # what the host sees of visitors: yields first


class Reason(StrEnum):
    """Why a video is below full, as the subscriber is told."""

    #: Your own connection cannot take more of it now.
    WEAK_CONNECTION = "weak_connection"
    #: Your connection cannot take it *and* the patient <-> clinician picture: that comes first.
    CLINICAL_PRIORITY = "clinical_priority"


def video_priority(room_kind: RoomKind, publisher: Role, subscriber: Role) -> Priority:
    """The priority of ``publisher``'s video in ``subscriber``'s downlink."""
    if room_kind is RoomKind.PATIENT_VISIT and {publisher, subscriber} == {Role.PATIENT, Role.HOST}:
        return Priority.CLINICAL
    if subscriber is Role.HOST and publisher is Role.VISITOR:
        return Priority.HOST_VIEW_OF_LEARNERS
    return Priority.NORMAL


#: A publisher is never steered under this (below it a camera's picture is not worth sending).
MIN_PUBLISHER_BPS: Final = 150_000.0
#: Caps at or over this are no caps (such a subscriber has shown no limit).
NO_CAP_BPS: Final = 20_000_000.0


def publisher_cap(
    room_kind: RoomKind, publisher: Role, subscribers: Sequence[tuple[Role, float | None]]
) -> float | None:
    """The most a publisher's encoder should send (the REMB the server sends it), from what each of its
    video's subscribers could give it (their role, and the headroom their budget has for it at its
    turn; None: no evidence of a limit yet). None: no cap.

    The priority subscribers decide: in a patient visit the patient and the host are steered by each
    other alone (never by a learner's link: a learner too weak for the full stream gets the low
    rendition instead); anyone else by their best-placed subscriber. Never under MIN_PUBLISHER_BPS.
    """
    if not subscribers:
        return None
    if room_kind is RoomKind.PATIENT_VISIT and publisher in (Role.HOST, Role.PATIENT):
        partner = Role.PATIENT if publisher is Role.HOST else Role.HOST
        pair = [entry for entry in subscribers if entry[0] is partner]
        subscribers = pair or subscribers
    if any(bps is None for _, bps in subscribers):
        return None
    best = max(bps for _, bps in subscribers if bps is not None)
    return None if best >= NO_CAP_BPS else max(MIN_PUBLISHER_BPS, best)


# --------------------------------------------------------------------------- the estimate


@dataclass(frozen=True, slots=True)
class EstimatorSettings:
    """The loss-based controller's constants (GCC's, where it has them)."""

    #: The estimate before any evidence: as good as anything the room sends (no report, no limit).
    initial_bps: float = 50_000_000.0
    min_bps: float = 30_000.0
    max_bps: float = 50_000_000.0
    #: Loss above this lowers the estimate; below ``low_loss`` it may grow; in between it holds.
    high_loss: float = 0.10
    low_loss: float = 0.02
    #: Growth per second while loss is low (8 %, as GCC).
    increase_per_second: float = 0.08
    #: Growth stops at this multiple of what was sent, plus ``margin_bps``: a link has only shown
    #: that it carries what it carried.
    headroom: float = 1.5
    margin_bps: float = 50_000.0
    #: Decreases are at least this far apart (plus a round trip). GCC's 0.3 s assumes an encoder that
    #: follows at once; here levels come down after about a second of evidence and the reports after
    #: that still describe the second before: a shorter interval would count one overload twice.
    decrease_interval: float = 2.0
    #: The window over which the sending rate is measured (a receiver report covers about a second).
    rate_window: float = 1.0
    #: A REMB older than this no longer counts (browsers send one every 0.2-1 s).
    remb_ttl: float = 5.0
    #: A REMB under this share of what its streams carry, with loss, says how much less the link takes.
    remb_overuse: float = 0.9
    #: The link's own loss (radio, long distance: it does not grow with the rate) is the median loss
    #: over this many seconds, at most ``max_floor``; only loss above it counts as congestion.
    floor_window: float = 20.0
    max_floor: float = 0.10
    #: Loss above the floor is smoothed over a few reports (this weight for the newest) before it is
    #: compared with the thresholds: one bad report (a burst, a join's keyframes) is not a trend. A
    #: decrease needs the newest report over the threshold too, and goes as far as it says.
    smoothing: float = 0.4
    #: Transport-wide feedback counts as current for this long; without it, loss alone decides.
    transport_ttl: float = 2.0
    #: An overuse brings the estimate down to this share of what the receiver acknowledged (GCC's).
    overuse_share: float = 0.85
    #: With transport feedback, loss is congestion only with a queue: a queueing delay of at least
    #: ``queue_delay`` seconds (the lab's 30 ms jitter each way reads 20-40 ms unloaded, a full
    #: 150 ms home-router queue 130-180) for ``queue_hold`` seconds (the keyframes of a join fill
    #: the queue of the lab's 3g_abroad link for a moment and lose a burst: 19 % in one second), or
    #: an overuse in the last ``queue_memory`` seconds. An overuse lowers the estimate only while the
    #: queueing delay is that high too.
    queue_delay: float = 0.06
    queue_hold: float = 1.0
    queue_memory: float = 5.0
    #: An overuse while sending under ``capacity_share`` of what the link carried at an overuse of
    #: the last ``capacity_memory`` seconds is not the link's: a queue cannot grow there when less
    #: arrives than it let through before. It is the machines' (the lab's browser and server share two
    #: busy cores: 100-400 ms "queues" at a third of the link). A link that really got worse still
    #: shows loss behind a standing queue, which lowers the estimate as above.
    #: For as long, growth stops at what the link carried then (GCC's link capacity).
    capacity_share: float = 0.8
    capacity_memory: float = 30.0


class DownlinkEstimator:
    """How many bits per second one subscriber's downlink can take now (see the module docstring).

    Feed it with :meth:`on_sent`, :meth:`on_loss_report`, :meth:`on_remb` and :meth:`on_rtt` as things
    happen, and call :meth:`update` once per tick; :attr:`budget` is the answer. ``stream`` is any
    hashable name of one outgoing stream (the sender's SSRC): loss is weighted by what each stream
    carried, so a lossy report on a stream that sends nothing counts for nothing.
    """

    def __init__(self, settings: EstimatorSettings | None = None, *, now: float = 0.0) -> None:
        self.settings = settings or EstimatorSettings()
        self.estimate = self.settings.initial_bps
        self.rtt: float | None = None
        # The latest REMB for each set of streams it covers: a browser sends one for all, aiortc one
        # per receiving stream. (bits per second, when)
        self._rembs: dict[frozenset[int], tuple[float, float]] = {}
        #: The loss seen in the last update that had reports (0..1), or None before any.
        self.loss: float | None = None
        #: The link's own loss (see ``EstimatorSettings.floor_window``), and the loss above it,
        #: smoothed over a few reports.
        self.floor = 0.0
        self.excess: float | None = None
        #: The loss above what a decrease showed to be the link's own, smoothed the same way: what
        #: decides a decrease (the median floor does not: see the module docstring).
        self.pressure: float | None = None
        self._losses: deque[tuple[float, float]] = deque()  # (time, loss) over the floor window
        #: The last decreases: (when, the loss reported, the rate it applied to, the new estimate).
        self.decreases: deque[tuple[float, float, float, float]] = deque(maxlen=10)
        # Loss seen not to fall when the rate fell a lot (and when): the link's own, for a while.
        self._own_loss: tuple[float, float] | None = None
        #: Since when loss has stayed under ``low_loss`` (None while it is higher).
        self.clean_since: float | None = now
        #: Whether any report has come yet (before that the estimate is only a default).
        self.has_evidence = False
        self._sent: deque[tuple[float, int, int]] = deque()  # (time, stream, bytes)
        # Since the last update: (weight, fraction lost, the sending rate when the report came). The
        # rate is kept because a report covers the second before it: levels that came down since
        # must not make its loss count against the lower rate.
        self._reports: list[tuple[float, float, float]] = []
        self._last_update = now
        self._last_decrease = -math.inf
        #: The delay-based detector, fed by :meth:`on_transport_feedback`.
        self.delay = DelayBasedDetector()
        #: The last decreases an overuse made: (when, what was acknowledged, the new estimate), and
        #: whether the last update made one.
        self.overuses: deque[tuple[float, float, float]] = deque(maxlen=10)
        self.overused = False
        self._queued_since: float | None = None  # since when the queueing delay has been high
        self._acked: deque[tuple[float, float]] = deque()  # (when, acknowledged rate) at each update
        self._capacity: tuple[float, float] | None = None  # (when, what the link carried) at an overuse

    # -- inputs

    def on_transport_feedback(self, results: Iterable[PacketFeedback], now: float) -> None:
        """Transport-wide feedback (:class:`sessions.twcc.PacketResult` s): when each packet the
        server sent arrived, or that it did not."""
        self.delay.on_feedback(results, now)
        self.has_evidence = True

    def on_sent(self, stream: int, size: int, now: float) -> None:
        """``size`` bytes (on the wire) went out on ``stream``."""
        if size > 0:
            self._sent.append((now, stream, size))

    def on_loss_report(self, stream: int, fraction_lost: float, now: float) -> None:
        """A receiver report block for ``stream``: the fraction (0..1) lost since the previous one.

        It describes media sent a round trip (and any queue) before it came, over about a second: the
        stream's weight and the sending rate it is held against are what was sent then, or in the
        last second if that was more (levels that just came down must not make an old overload
        count against the lower rate)."""
        self._forget_old(now)
        window = self.settings.rate_window
        lag = self.rtt or 0.0
        weight = max(
            self._bytes_between(now - window - lag, now - lag, stream),
            self._bytes_between(now - window, now, stream),
        )
        rate = 8.0 * max(
            self._bytes_between(now - window - lag, now - lag), self._bytes_between(now - window, now)
        )
        self._reports.append((float(weight), min(1.0, max(0.0, fraction_lost)), rate / window))
        self.has_evidence = True

    def on_remb(self, bps: float, streams: Iterable[int], now: float) -> None:
        """The subscriber's own estimate of what it can receive on ``streams`` (REMB)."""
        covered = frozenset(streams)
        if not covered:
            return
        for key in [key for key in self._rembs if key & covered and key != covered]:
            del self._rembs[key]  # superseded: the receiver now reports these streams together
        self._rembs[covered] = (max(0.0, bps), now)

    def on_rtt(self, seconds: float) -> None:
        """The round trip to the subscriber, from its receiver reports."""
        if seconds >= 0:
            self.rtt = seconds

    def probe(self, bps: float, now: float) -> None:
        """The controller tries a level that needs ``bps``: assume the link carries it until loss says
        otherwise (it has no other way to find out: the media is the probe)."""
        self.estimate = min(self.settings.max_bps, max(self.estimate, bps))
        self.clean_since = now

    # -- outputs

    def sent_bps(self, now: float) -> float:
        """What was sent over the last ``rate_window`` seconds, in bits per second."""
        self._forget_old(now)
        return 8.0 * self._bytes_between(now - self.settings.rate_window, now) / self.settings.rate_window

    def remb(self, now: float) -> float | None:
        """What the subscriber's recent REMBs add up to, for the streams they cover (None without)."""
        fresh = [bps for bps, at in self._rembs.values() if now - at <= self.settings.remb_ttl]
        return sum(fresh) if fresh else None

    def budget(self, now: float) -> float:
        """What the allocation may spend now: the estimate."""
        return self.estimate

    def delay_signal(self, now: float) -> Signal | None:
        """The delay-based signal, None without current transport feedback."""
        at = self.delay.feedback_at
        return None if at is None or now - at > self.settings.transport_ttl else self.delay.signal

    def update(self, now: float) -> float:
        """Apply the reports received since the last update; return :meth:`budget`."""
        settings = self.settings
        elapsed = min(1.0, max(0.0, now - self._last_update))
        last_update, self._last_update = self._last_update, now
        sent = self.sent_bps(now)
        reports, self._reports = self._reports, []
        loss = _weighted_loss([(weight, fraction) for weight, fraction, _ in reports])
        reported_rate = max((rate for _, _, rate in reports), default=0.0)
        signal = self.delay_signal(now)
        acked = self.delay.acked_bps() if signal is not None else None
        if acked is not None:
            self._acked.append((now, acked))
        while self._acked and self._acked[0][0] < now - settings.rate_window:
            self._acked.popleft()
        carried = max((rate for _, rate in self._acked), default=0.0)  # 0: no transport feedback
        overuse_at = self.delay.overuse_at
        overuse_seen = signal is not None and overuse_at is not None and overuse_at > last_update
        queue = self.delay.queue_delay()
        high_queue = signal is not None and queue is not None and queue >= settings.queue_delay
        if not high_queue:
            self._queued_since = None
        elif self._queued_since is None:
            self._queued_since = now
        self.overused = False
        capacity = self._capacity
        if capacity is not None and now - capacity[0] > settings.capacity_memory:
            capacity = self._capacity = None
        if overuse_seen and capacity is not None and sent < settings.capacity_share * capacity[1]:
            overuse_seen = False  # not the link's (see EstimatorSettings.capacity_share)
        if overuse_seen and high_queue:
            # A queue that grew and is still there (one that a keyframe filled for a moment is gone).
            self.clean_since = None
            # What the link carried while it overflowed: the most of the last second's readings (one
            # second's count swings by a sixth on the lab's weak link: jitter moves packets across
            # its edges, and a reading low by that much paused a video there).
            if carried > 0 and settings.overuse_share * carried < self.estimate:
                self.estimate = settings.overuse_share * carried
                self._last_decrease = now  # the loss reports that follow describe the same overload
                self.overuses.append((now, carried, self.estimate))
                self.overused = True
                self._capacity = (now, carried)
        if loss is not None:
            self.loss = loss
            excess = self._congestion_loss(loss, now)  # over the median floor: may it grow?
            congestion = self._unexplained_loss(loss, now)  # over the proven own loss: must it fall?
            weight = settings.smoothing
            self.excess = (1 - weight) * (self.excess or 0.0) + weight * excess
            self.pressure = (1 - weight) * (self.pressure or 0.0) + weight * congestion
            # With transport feedback the delay says whether the link is congested: loss between 2
            # and 10 % with no queue (a lossy line; a browser's reports after its resends swing
            # from 0 to 17 % a second on the lab's weak link) no longer holds the estimate.
            steady = signal is Signal.NORMAL and not overuse_seen and not high_queue
            if not steady if signal is not None else self.excess >= settings.low_loss:
                self.clean_since = None
            # With transport feedback, loss with no queue behind it is not from what is sent
            # (random or bursty loss on the line): no decrease (and no growth while it is high).
            queued = signal is None or self._queued(now)
            if queued and self.pressure > settings.high_loss and congestion > settings.high_loss:
                # The report says what the link did with what was sent, so the same report (or the
                # same overload reported again before the levels came down) gives the same estimate
                # instead of compounding: GCC's rate x (1 - loss/2), or lower if the receiver's REMB
                # says its queue grows, but never under what the link delivered, rate x (1 - loss)
                # (receivers' delay-based estimates swing far too low on jittery paths).
                # With transport feedback the rate is what the receiver got (the most of the last
                # second's readings): a full queue's loss says the link carries that, not what is sent.
                base = carried if carried > 0 else reported_rate if reported_rate > 0 else self.estimate
                reduced = base * (1.0 - congestion / 2.0)
                remb = self._remb_overuse(now, sent)
                if remb is not None:
                    reduced = min(reduced, max(remb, base * (1.0 - congestion)))
                # Never under what an overuse would set (what the receiver got, less GCC's share).
                reduced = max(reduced, settings.overuse_share * carried)
                interval = settings.decrease_interval + (self.rtt or 0.0)
                if now - self._last_decrease < interval:
                    pass
                elif self._loss_ignores_rate(loss, base, now):
                    # Sending much less did not lose less: this loss is the link's own (bursts on a
                    # radio link), and coming down further would only cost video.
                    self._own_loss = (loss, now)
                    self.floor = max(self.floor, loss)
                else:
                    self.estimate = min(self.estimate, reduced)
                    self._last_decrease = now
                    self.decreases.append((now, loss, base, self.estimate))
            elif self.pressure > settings.high_loss:
                pass  # loss enough to come down (spaced decreases): hold
            elif signal is None and self.excess >= settings.low_loss:
                pass  # between 2 and 10 %: hold
            elif signal is not None and not steady:
                pass  # the queue grows, drains or stands: hold (GCC)
            else:
                if self.clean_since is None:
                    self.clean_since = now
                ceiling = max(self.estimate, settings.headroom * sent + settings.margin_bps)
                if capacity is not None:
                    # GCC's link capacity: back up to what the link carried at the last overuse, not
                    # past it while that is recent (a try beyond it is the controller's probe).
                    ceiling = min(ceiling, max(self.estimate, capacity[1]))
                grown = self.estimate * (1.0 + settings.increase_per_second * elapsed)
                # What was carried without congestion is carried: never estimate less than that (what
                # the receiver acknowledged, when it says so, rather than what was sent).
                self.estimate = max(min(grown, ceiling), reported_rate if carried <= 0 else carried)
        self.estimate = min(settings.max_bps, max(settings.min_bps, self.estimate))
        return self.budget(now)

    def _queued(self, now: float) -> bool:
        """Whether the delay shows a queue: queueing delay for a while, or an overuse a moment ago."""
        settings = self.settings
        since, at = self._queued_since, self.delay.overuse_at
        return (since is not None and now - since >= settings.queue_hold) or (
            at is not None and now - at <= settings.queue_memory
        )

    def _congestion_loss(self, loss: float, now: float) -> float:
        """``loss`` less the link's own loss: the median over the floor window, before this report,
        or what a decrease showed not to depend on the rate (see :meth:`_loss_ignores_rate`)."""
        settings = self.settings
        while self._losses and self._losses[0][0] < now - settings.floor_window:
            self._losses.popleft()
        if len(self._losses) >= 5:
            ordered = sorted(value for _, value in self._losses)
            self.floor = min(settings.max_floor, ordered[len(ordered) // 2])
        if self._own_loss is not None and now - self._own_loss[1] <= settings.floor_window:
            self.floor = max(self.floor, self._own_loss[0])
        self._losses.append((now, loss))
        return max(0.0, loss - self.floor)

    def _unexplained_loss(self, loss: float, now: float) -> float:
        """``loss`` less what a recent decrease showed to be the link's own (see
        :meth:`_loss_ignores_rate`); the median floor is not subtracted here."""
        own = self._own_loss
        if own is None or now - own[1] > self.settings.floor_window:
            return loss
        return max(0.0, loss - own[0])

    def _loss_ignores_rate(self, loss: float, rate: float, now: float) -> bool:
        """Whether a recent decrease, at about twice the rate or more, saw about as much loss: then the
        loss does not come from what is sent, and is no reason to send less. (Only just after
        decreases: later the rate may have gone up and down again for other reasons.)

        About half, not just less: a link overloaded by half again still loses as much at a third
        less (measured: a browser on the lab's ``weak`` profile, 19 % at 526 kbit/s and 14 % at 337
        on a 300 kbit/s link), and the highest rate of the recent decreases, not the last one: the
        levels come down a step at a time."""
        horizon = 3 * (self.settings.decrease_interval + (self.rtt or 0.0))
        recent = [d for d in self.decreases if now - d[0] <= horizon]
        if not recent:
            return False
        _, was_loss, was_rate, _ = max(recent, key=lambda d: d[2])
        return rate <= OWN_LOSS_RATE_SHARE * was_rate and loss >= 0.7 * was_loss

    def _remb_overuse(self, now: float, sent: float) -> float | None:
        """What the link carries by the subscriber's REMBs, when they say that less than is sent."""
        settings = self.settings
        fresh = {k: v for k, v in self._rembs.items() if now - v[1] <= settings.remb_ttl}
        self._rembs = fresh
        if not fresh:
            return None
        covered = frozenset().union(*fresh)
        covered_sent = (
            8.0
            * sum(size for t, s, size in self._sent if s in covered and t >= now - settings.rate_window)
            / settings.rate_window
        )
        total = sum(bps for bps, _ in fresh.values())
        if total >= settings.remb_overuse * covered_sent:
            return None
        return total + max(0.0, sent - covered_sent)  # the streams no REMB covers keep their rate

    def _bytes_between(self, start: float, end: float, stream: int | None = None) -> int:
        """Bytes sent in (start, end], on ``stream`` or on all."""
        return sum(size for t, s, size in self._sent if start < t <= end and (stream is None or s == stream))

    def _forget_old(self, now: float) -> None:
        # Kept long enough for a report that comes a long round trip late.
        horizon = now - self.settings.rate_window - 5.0
        while self._sent and self._sent[0][0] < horizon:
            self._sent.popleft()


def _weighted_loss(reports: Sequence[tuple[float, float]]) -> float | None:
    """Loss over reports weighted by what each stream carried; None when nothing was carried."""
    total = sum(weight for weight, _ in reports)
    if total <= 0:
        return None
    return sum(weight * fraction for weight, fraction in reports) / total


# --------------------------------------------------------------------------- sharing the budget


@dataclass(frozen=True, slots=True)
class VideoSource:
    """One video a subscriber receives, and what each of its levels costs (bits per second)."""

    key: str  # the publisher's participant id
    priority: Priority
    full_bps: float
    low_bps: float | None  # None: no low rendition for this source (its codec): full or paused
    order: int = 0  # among sources of equal priority, lower first

    def cost(self, level: Level) -> float:
        """What ``level`` of this source costs."""
        if level is Level.FULL:
            return self.full_bps
        if level is Level.LOW:
            return self.low_bps if self.low_bps is not None else self.full_bps
        return 0.0

    def levels(self) -> tuple[Level, ...]:
        """The levels this source can be sent at, best first."""
        if self.low_bps is None:
            return (Level.FULL, Level.PAUSED)
        return (Level.FULL, Level.LOW, Level.PAUSED)

    def next_up(self, level: Level) -> Level:
        """The level above ``level`` that this source has (FULL stays FULL)."""
        above = [candidate for candidate in self.levels() if candidate > level]
        return min(above) if above else level


@dataclass(frozen=True, slots=True)
class Assignment:
    """The level one video gets in a subscriber's downlink, and why it is not full."""

    level: Level
    reason: Reason | None  # None at full
    #: The budget left for this source at its turn: what this subscriber could give it.
    headroom_bps: float


def allocate(
    budget: float, audio_bps: float, sources: Iterable[VideoSource], *, clinical_full: bool = True
) -> dict[str, Assignment]:
    """Give ``budget`` out: all audio first (whatever it costs), then the clinical video at the best
    level that fits, then the other video in priority order: each first at its lowest visible level,
    then, in the same order, raised to full where the rest of the budget allows.

    ``clinical_full=False`` gives the clinical video no more than its low level: used to tell whether
    another source was lowered to keep the clinical picture (:attr:`Reason.CLINICAL_PRIORITY`).
    """
    ordered = sorted(sources, key=lambda s: (s.priority, s.order, s.key))
    remaining = budget - audio_bps
    levels: dict[str, Level] = {}
    headroom: dict[str, float] = {}
    for source in (s for s in ordered if s.priority is Priority.CLINICAL):
        headroom[source.key] = max(0.0, remaining)
        allowed = source.levels() if clinical_full else tuple(lv for lv in source.levels() if lv < Level.FULL)
        level = next((lv for lv in allowed if source.cost(lv) <= remaining), Level.PAUSED)
        levels[source.key] = level
        remaining -= source.cost(level)
    others = [s for s in ordered if s.priority is not Priority.CLINICAL]
    for source in others:  # first pass: everyone visible, in order, as far as it goes
        lowest_visible = min(lv for lv in source.levels() if lv > Level.PAUSED)
        headroom[source.key] = max(0.0, remaining)
        if source.cost(lowest_visible) <= remaining:
            levels[source.key] = lowest_visible
            remaining -= source.cost(lowest_visible)
        else:
            levels[source.key] = Level.PAUSED
    for source in others:  # second pass: full, in order, where the rest allows
        level = levels[source.key]
        if level is Level.PAUSED or level is Level.FULL:
            continue
        extra = source.cost(Level.FULL) - source.cost(level)
        headroom[source.key] = max(0.0, remaining + source.cost(level))
        if extra <= remaining:
            levels[source.key] = Level.FULL
            remaining -= extra
    return {
        key: Assignment(level, None if level is Level.FULL else Reason.WEAK_CONNECTION, headroom[key])
        for key, level in levels.items()
    }


def allocate_with_reasons(
    budget: float, audio_bps: float, sources: Sequence[VideoSource]
) -> dict[str, Assignment]:
    """:func:`allocate`, with :attr:`Reason.CLINICAL_PRIORITY` on the sources that would have got more
    had the clinical video not been given full quality."""
    result = allocate(budget, audio_bps, sources)
    if not any(s.priority is Priority.CLINICAL and result[s.key].level is Level.FULL for s in sources):
        return result
    without = allocate(budget, audio_bps, sources, clinical_full=False)
    return {
        key: replace(assignment, reason=Reason.CLINICAL_PRIORITY)
        if assignment.level < without[key].level
        else assignment
        for key, assignment in result.items()
    }


# --------------------------------------------------------------------------- over time


@dataclass(frozen=True, slots=True)
class AdaptationSettings:
    """The controller's hysteresis, in seconds."""

    #: The budget must say "lower" this long before a level goes down (then all the way at once).
    down_after: float = 1.0
    #: The budget must say "higher" this long before a level goes up (one level, one source at a time).
    up_after: float = 4.0
    #: Without loss for this long, a level the budget does not allow is tried anyway (a probe).
    probe_after: float = 6.0
    #: A level that goes down within this long after going up was a failed try: the next one waits
    #: twice as long (up to ``max_backoff`` times). Longer than it takes the loss a try causes to come
    #: back: a receiver report's second, the round trip and any queue, and ``down_after``.
    probe_window: float = 8.0
    max_backoff: float = 8.0


#: The settings rooms use unless told otherwise.
DEFAULT_ADAPTATION: Final = AdaptationSettings()


@dataclass(slots=True)
class _SourceState:
    level: Level
    reason: Reason | None
    since: float  # when ``level`` was reached
    #: The highest level this source has kept for a probe window: the link is known to carry it, so
    #: coming back to it after a fall (a failed try's aftermath, a passing burst) waits no longer
    #: than a first try; only going beyond it waits out the backoff.
    held: Level = Level.PAUSED
    below_since: float | None = None  # since when the budget has said "lower"
    above_since: float | None = None  # since when it has said "higher"


@dataclass(slots=True)
class DownlinkController:
    """One subscriber's adaptation over time (see the module docstring). Call :meth:`tick` about
    twice a second with the sources the subscriber receives now; it returns each one's assignment."""

    settings: AdaptationSettings = field(default_factory=AdaptationSettings)
    estimator: DownlinkEstimator = field(default_factory=DownlinkEstimator)
    backoff: float = 1.0
    _states: dict[str, _SourceState] = field(default_factory=dict)
    _last_change: float = -math.inf
    _last_up: float = -math.inf
    #: Counts, for the curious (benchmarks, logs).
    downs: int = 0
    ups: int = 0
    probes: int = 0
    failed_probes: int = 0

    def levels(self) -> dict[str, Level]:
        """The level each known source is at now."""
        return {key: state.level for key, state in self._states.items()}

    def tick(self, now: float, audio_bps: float, sources: Sequence[VideoSource]) -> dict[str, Assignment]:
        """Update the estimate, then move levels toward what the budget allows, with hysteresis."""
        budget = self.estimator.update(now)
        target = allocate_with_reasons(budget, audio_bps, sources)
        by_key = {source.key: source for source in sources}
        for key in [k for k in self._states if k not in by_key]:
            del self._states[key]
        for key, wanted in target.items():
            if key not in self._states:  # new: start where the budget says, no waiting
                self._states[key] = _SourceState(wanted.level, wanted.reason, since=now)
        for state in self._states.values():
            if now - state.since >= self.settings.probe_window and state.level > state.held:
                state.held = state.level
        self._go_down(now, target)
        if not self._go_up(now, target, by_key):
            self._probe(now, audio_bps, sources)
        return {
            key: Assignment(
                state.level, state.reason if state.level < Level.FULL else None, target[key].headroom_bps
            )
            for key, state in self._states.items()
        }

    def _backoff(self, source: VideoSource) -> float:
        """How much longer than usual a try of ``source``'s next level waits: back to a level it
        held, not at all; beyond it, the backoff of failed tries."""
        state = self._states[source.key]
        return 1.0 if source.next_up(state.level) <= state.held else self.backoff

    def _go_down(self, now: float, target: Mapping[str, Assignment]) -> None:
        for key, state in self._states.items():
            wanted = target[key]
            if wanted.level >= state.level:
                state.below_since = None
                if wanted.level == state.level and state.level < Level.FULL:
                    state.reason = wanted.reason  # the same level, perhaps for another reason now
                continue
            if state.below_since is None:
                state.below_since = now
            if now - state.below_since >= self.settings.down_after or self.estimator.overused:
                if state.level <= state.held and now - state.since >= self.settings.probe_window:
                    # A level it had held for long no longer holds: the link got worse.
                    state.held = wanted.level
                state.level, state.reason, state.since = wanted.level, wanted.reason, now
                state.below_since = state.above_since = None
                self.downs += 1
                if now - self._last_up <= self.settings.probe_window:
                    self.failed_probes += 1
                    self.backoff = min(self.settings.max_backoff, self.backoff * 2)
                self._last_up = -math.inf
                self._last_change = now

    def _go_up(self, now: float, target: Mapping[str, Assignment], by_key: Mapping[str, VideoSource]) -> bool:
        # After a failed try, the next one beyond what held waits longer, whether the budget or a
        # probe suggests it: every try that fails costs the subscriber a moment of loss and two
        # switches.
        ready: list[VideoSource] = []
        for key, state in self._states.items():
            if target[key].level > state.level:
                if state.above_since is None:
                    state.above_since = now
                wait = self.settings.up_after * self._backoff(by_key[key])
                if now - state.above_since >= wait and now - self._last_change >= wait:
                    ready.append(by_key[key])
            else:
                state.above_since = None
        if not ready:
            self._settle_probe(now)
            return False
        source = min(ready, key=lambda s: (s.priority, s.order, s.key))
        self._raise(source, now)
        return True

    def _probe(self, now: float, audio_bps: float, sources: Sequence[VideoSource]) -> None:
        clean_since = self.estimator.clean_since
        if clean_since is None:
            return
        ready = [
            s
            for s in sources
            if self._states[s.key].level < Level.FULL
            and now - max(clean_since, self._last_change) >= self.settings.probe_after * self._backoff(s)
        ]
        if not ready:
            return
        source = min(ready, key=lambda s: (s.priority, s.order, s.key))
        need = audio_bps + sum(
            s.cost(source.next_up(self._states[s.key].level) if s is source else self._states[s.key].level)
            for s in sources
        )
        self.probes += 1
        self.estimator.probe(need * PROBE_MARGIN, now)
        self._raise(source, now)

    def _raise(self, source: VideoSource, now: float) -> None:
        state = self._states[source.key]
        state.level = source.next_up(state.level)
        state.since = now
        state.above_since = state.below_since = None
        self.ups += 1
        self._last_up = now
        self._last_change = now

    def _settle_probe(self, now: float) -> None:
        # A level that stayed up through the probe window means the link carried it: probing is
        # cheap again.
        if self._last_up > -math.inf and now - self._last_up > self.settings.probe_window:
            self.backoff = 1.0
            self._last_up = -math.inf
