"""Network impairment for the lab: the profiles of a home link, and the pure model that decides, for
each packet crossing one direction of that link, whether it is dropped and when it comes out.

The model knows nothing of sockets or devices: it is given each packet's size and the time it arrived
(the caller's clock) and draws from a seeded :class:`random.Random`, so its unit tests are exact. The
process that moves real packets through it is :mod:`tests.support.impair_router`.

What one direction does to a packet, in order, as a home router and the line behind it would:

1. **rate** -- a token bucket (``rate_kbps``, a burst of ``burst_bytes``) drained by a drop-tail
   queue bounded at ``queue_ms`` of the rate: a packet that does not fit behind those already waiting
   is dropped (tail drop), else it leaves the queue when the bucket holds its size;
2. **loss** on the line -- independent (``loss``) and bursty (``burst``: a Gilbert-Elliott two-state
   chain stepped once per packet);
3. **delay** -- ``delay_ms`` plus a jitter drawn uniformly from ``[-jitter_ms, +jitter_ms]``, never
   earlier than the packet before it (no reordering, as on one line), and never negative. The jitter
   is drawn anew every ``JITTER_HOLD`` seconds, not per packet: packets close together meet the same
   queues on a real path, and independent draws that may not reorder would pile each packet behind
   the latest of its predecessors, adding most of the jitter to every delay at video packet rates.
   With ``reorder`` the jitter is drawn per packet and a packet may overtake another (several paths).
"""

from __future__ import annotations

import collections
import json
import random
from dataclasses import asdict, dataclass, field
from typing import Any

#: The largest packet a lab link carries (the veth and TUN MTU), for the least burst and queue.
MTU = 1500
#: How long one jitter draw holds (seconds).
JITTER_HOLD = 0.020


@dataclass(frozen=True)
class GilbertElliott:
    """Bursty loss: a chain in a good or a bad state, stepped once per packet before it is judged.

    ``enter_bad`` is P(good -> bad), ``leave_bad`` P(bad -> good); in the bad state a packet is lost
    with ``loss_in_bad``, in the good one with ``loss_in_good``. Bad runs last 1 / ``leave_bad``
    packets on average, and the long-run loss is
    ``(enter_bad * loss_in_bad + leave_bad * loss_in_good) / (enter_bad + leave_bad)``.
    """

    enter_bad: float
    leave_bad: float
    loss_in_bad: float = 1.0
    loss_in_good: float = 0.0

    @classmethod
    def with_mean(cls, loss: float, mean_burst: float) -> GilbertElliott:
        """The chain that loses ``loss`` of all packets in runs of ``mean_burst`` packets on average
        (everything lost in the bad state, nothing in the good one)."""
        if not 0.0 < loss < 1.0 or mean_burst < 1.0:
            raise ValueError("loss must be within (0, 1) and mean_burst at least 1")
        leave_bad = 1.0 / mean_burst
        # The bad state's long-run share is enter / (enter + leave) = loss.
        return cls(enter_bad=loss * leave_bad / (1.0 - loss), leave_bad=leave_bad)

    @property
    def mean_loss(self) -> float:
        """The long-run share of packets lost."""
        total = self.enter_bad + self.leave_bad
        if total == 0.0:
            return self.loss_in_good
        return (self.enter_bad * self.loss_in_bad + self.leave_bad * self.loss_in_good) / total


@dataclass(frozen=True)
class Shaping:
    """What one direction of a link does; the defaults do nothing."""

    rate_kbps: float | None = None
    delay_ms: float = 0.0
    jitter_ms: float = 0.0
    loss: float = 0.0
    burst: GilbertElliott | None = None
    #: The queue in front of the rate limit, in milliseconds of the rate (a home router's buffer).
    queue_ms: float = 150.0
    burst_bytes: int = MTU
    #: Let jitter reorder packets (drawn per packet, no holding back behind earlier ones).
    reorder: bool = False

    @property
    def is_clear(self) -> bool:
        """True when nothing is shaped, delayed or lost."""
        return (
            self.rate_kbps is None
            and self.delay_ms == 0.0
            and self.jitter_ms == 0.0
            and self.loss == 0.0
            and self.burst is None
        )

    @property
    def queue_bytes(self) -> int | None:
        """How many bytes may wait for the rate limit (None without one); at least two full packets,
        so that a slow link still carries one packet while the next waits."""
        if self.rate_kbps is None:
            return None
        return max(int(self.rate_kbps * 1000 / 8 * self.queue_ms / 1000), 2 * MTU)


@dataclass(frozen=True)
class Profile:
    """A home network's link to the internet: ``down`` shapes what reaches the home, ``up`` what
    leaves it. Round trip = ``down.delay_ms + up.delay_ms``."""

    name: str
    down: Shaping = field(default_factory=Shaping)
    up: Shaping = field(default_factory=Shaping)

    def to_json(self) -> str:
        """The profile as one JSON line (how the lab hands it to a router process)."""
        return json.dumps(asdict(self))

    @classmethod
    def from_json(cls, text: str) -> Profile:
        """The profile :meth:`to_json` wrote."""
        data = json.loads(text)
        return cls(name=data["name"], down=_shaping(data["down"]), up=_shaping(data["up"]))


def _shaping(data: dict[str, Any]) -> Shaping:
    burst = data.pop("burst", None)
    return Shaping(**data, burst=None if burst is None else GilbertElliott(**burst))


# The profiles of issue 14 ("Weak links"), item 4: its figures are the rate, the round trip (split
# evenly between the two directions) and the loss (applied in each direction). The issue gives no
# jitter: ours is a modest fifth of the one-way delay (mobile and long international paths vary by
# tens of milliseconds), and no mean burst length: ours is 8 packets (about 40 ms of a 1.5 Mbit/s
# video stream, a short radio fade).
GOOD = Profile("good")
THREE_G_ABROAD = Profile(
    "3g_abroad",
    # Issue 14: "about 750 kbps down / 250 up, 200 ms round trip, 1 % loss".
    down=Shaping(rate_kbps=750, delay_ms=100, jitter_ms=20, loss=0.01),
    up=Shaping(rate_kbps=250, delay_ms=100, jitter_ms=20, loss=0.01),
)
WEAK = Profile(
    "weak",
    # Issue 14: "300 kbps, 300 ms, 3 % loss" (the same rate both ways).
    down=Shaping(rate_kbps=300, delay_ms=150, jitter_ms=30, loss=0.03),
    up=Shaping(rate_kbps=300, delay_ms=150, jitter_ms=30, loss=0.03),
)
BURSTY_LOSS = Profile(
    "bursty_loss",
    # Issue 14: "10 % loss in bursts"; no rate limit, a short round trip of 50 ms.
    down=Shaping(delay_ms=25, jitter_ms=5, burst=GilbertElliott.with_mean(0.10, 8)),
    up=Shaping(delay_ms=25, jitter_ms=5, burst=GilbertElliott.with_mean(0.10, 8)),
)
PROFILES: dict[str, Profile] = {p.name: p for p in (GOOD, THREE_G_ABROAD, WEAK, BURSTY_LOSS)}


def profile_named(profile: str | Profile) -> Profile:
    """``profile`` itself, or the profile of that name (ValueError for an unknown name)."""
    if isinstance(profile, Profile):
        return profile
    try:
        return PROFILES[profile]
    except KeyError:
        raise ValueError(f"unknown profile {profile!r}; known: {', '.join(PROFILES)}") from None


@dataclass
class Counts:
    """What one direction did so far."""

    packets: int = 0
    offered_bytes: int = 0
    queue_drops: int = 0
    line_losses: int = 0
    delivered_bytes: int = 0


class Link:
    """One direction of a link: :meth:`admit` says when a packet comes out, or None when it is lost.

    Arrival times must not decrease. :meth:`configure` changes the shaping on the fly; packets already
    admitted keep their times and later ones never overtake them."""

    def __init__(self, shaping: Shaping, rng: random.Random) -> None:
        self.rng = rng
        self.counts = Counts()
        self.shaping = shaping
        self._tokens = float(shaping.burst_bytes)
        self._tokens_at = 0.0
        self._last_departure = float("-inf")
        self._last_delivery = float("-inf")
        self._queued: collections.deque[tuple[float, int]] = collections.deque()  # (departure, size)
        self._queued_bytes = 0
        self._bad = False
        self._jitter = 0.0
        self._jitter_at = float("-inf")

    def configure(self, shaping: Shaping) -> None:
        """Use ``shaping`` from now on (the bucket starts full, the loss chain in its good state)."""
        self.shaping = shaping
        self._tokens = float(shaping.burst_bytes)
        self._tokens_at = max(self._last_departure, 0.0)
        self._bad = False

    def admit(self, size: int, now: float) -> float | None:
        """The time a packet of ``size`` bytes arriving at ``now`` (seconds) is delivered; None when
        the queue is full or the line loses it."""
        self.counts.packets += 1
        self.counts.offered_bytes += size
        departure = self._through_rate(size, now)
        if departure is None:
            self.counts.queue_drops += 1
            return None
        if self._lost():
            self.counts.line_losses += 1
            return None
        shaping = self.shaping
        delay = shaping.delay_ms
        if shaping.reorder:
            delay += self.rng.uniform(-shaping.jitter_ms, shaping.jitter_ms) if shaping.jitter_ms else 0.0
            delivery = departure + max(delay, 0.0) / 1000
            self._last_delivery = max(delivery, self._last_delivery)
            self.counts.delivered_bytes += size
            return delivery
        if shaping.jitter_ms:
            if departure - self._jitter_at >= JITTER_HOLD:
                self._jitter = self.rng.uniform(-shaping.jitter_ms, shaping.jitter_ms)
                self._jitter_at = departure
            delay += self._jitter
        delivery = max(departure + max(delay, 0.0) / 1000, self._last_delivery)
        self._last_delivery = delivery
        self.counts.delivered_bytes += size
        return delivery

    def _through_rate(self, size: int, now: float) -> float | None:
        """When the packet leaves the rate limit (``now`` without one), or None when tail-dropped."""
        shaping = self.shaping
        limit = shaping.queue_bytes
        if shaping.rate_kbps is None or limit is None:
            return now
        while self._queued and self._queued[0][0] <= now:
            self._queued_bytes -= self._queued.popleft()[1]
        if self._queued_bytes + size > limit:
            return None
        rate = shaping.rate_kbps * 1000 / 8  # bytes per second
        start = max(now, self._last_departure)
        tokens = min(float(shaping.burst_bytes), self._tokens + (start - self._tokens_at) * rate)
        if tokens >= size:
            departure, self._tokens = start, tokens - size
        else:
            departure, self._tokens = start + (size - tokens) / rate, 0.0
        self._tokens_at = departure
        self._last_departure = departure
        if departure > now:
            self._queued.append((departure, size))
            self._queued_bytes += size
        return departure

    def _lost(self) -> bool:
        shaping = self.shaping
        lost = shaping.loss > 0.0 and self.rng.random() < shaping.loss
        chain = shaping.burst
        if chain is not None:
            # Step the chain for every packet (also one the independent loss took) so that its runs
            # are runs of consecutive packets.
            flip = chain.leave_bad if self._bad else chain.enter_bad
            if self.rng.random() < flip:
                self._bad = not self._bad
            if self.rng.random() < (chain.loss_in_bad if self._bad else chain.loss_in_good):
                lost = True
        return lost
