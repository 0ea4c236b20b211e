"""A pure model of one subscriber's downlink for the delay-based estimator's unit tests: what the
server sends (audio packets and video frames, each frame one burst), the bottleneck it crosses, and
the transport-wide feedback the receiver sends back.

A packet leaves the bottleneck at ``max(sent, previous departure) + size * 8 / rate`` (a drop-tail
queue of ``queue`` seconds of the rate: a packet that would wait longer is dropped), is lost on the
line at random (``loss``) or in bursts (``burst``: a Gilbert-Elliott chain), and arrives after
``delay`` plus a jitter, on the receiver's clock (``offset`` from the server's). With ``stalls``
the sending machine stalls now and then: what it stamps then leaves in one burst afterwards. Jitter is drawn
uniformly in ``[-jitter, +jitter]`` and held for 20 ms without reordering, as the lab's impairment
router does (tests/support/impair.py), or drawn per packet with ``reorder``.
"""

from __future__ import annotations

import random
from collections import deque
from dataclasses import dataclass, field

#: Audio: one 20 ms Opus packet of this many bytes (with its headers) per stream.
AUDIO_PACKET = 160
AUDIO_BPS_PER_STREAM = AUDIO_PACKET * 8 * 50
#: Video packets carry at most this payload, plus OVERHEAD bytes of headers, HEADERS of them IPv4 and
#: UDP (what a transport-wide feedback's size leaves out).
PAYLOAD = 1200
OVERHEAD = 60
HEADERS = 28


@dataclass(frozen=True, slots=True)
class Result:
    """What the receiver says of one packet (the shape of sessions.twcc.PacketResult)."""

    seq: int
    size: int  # the UDP payload: the packet on the wire less HEADERS
    send_time: float
    arrival_time: float | None


def traffic(
    start: float,
    end: float,
    total_bps: float,
    *,
    audio_streams: int = 2,
    fps: float = 30.0,
    keyframe_every: float | None = None,
    keyframe_bytes: int = 0,
) -> list[tuple[float, int]]:
    """(send time, bytes) of ``audio_streams`` audio streams and one video stream that together send
    ``total_bps`` from ``start`` to ``end``; the video's frames leave whole, as the server forwards
    them. With ``keyframe_every`` (seconds), a frame of ``keyframe_bytes`` that often. Sizes are on
    the wire (headers included)."""
    packets: list[tuple[float, int]] = []
    for stream in range(audio_streams):
        t = start + 0.007 * stream
        while t < end:
            packets.append((t, AUDIO_PACKET))
            t += 0.02
    video_bps = total_bps - audio_streams * AUDIO_BPS_PER_STREAM
    t, next_key = start, start
    while video_bps > 0 and t < end:
        frame = int(video_bps / 8 / fps)  # on the wire, headers included
        if keyframe_every is not None and t >= next_key:
            frame, next_key = keyframe_bytes, t + keyframe_every
        while frame > 0:
            size = min(frame, PAYLOAD + OVERHEAD)
            packets.append((t, size))
            frame -= size
        t += 1 / fps
    return sorted(packets)


@dataclass
class Link:
    """One direction of a link, as the module docstring describes."""

    rate_bps: float | None = None
    queue: float = 0.150
    delay: float = 0.150
    jitter: float = 0.0
    loss: float = 0.0
    #: (P(good -> bad), P(bad -> good)) per packet; everything is lost in the bad state.
    burst: tuple[float, float] | None = None
    offset: float = 0.0
    reorder: bool = False
    #: (start, end) of moments when the sending machine stalls: a packet stamped then (its send time)
    #: leaves at the end, with the others, in one burst.
    stalls: tuple[tuple[float, float], ...] = ()
    seed: int = 1
    _rng: random.Random = field(init=False)
    _seq: int = 0
    _departure: float = float("-inf")
    _queued: deque[tuple[float, int]] = field(default_factory=deque)
    _delivery: float = float("-inf")
    _held: float = 0.0
    _held_at: float = float("-inf")
    _bad: bool = False

    def __post_init__(self) -> None:
        self._rng = random.Random(self.seed)

    def carry(self, packets: list[tuple[float, int]]) -> list[Result]:
        """What happens to each packet (in the order sent), numbered on from the last call."""
        results = []
        for sent, size in packets:
            leaves = next((end for start, end in self.stalls if start <= sent < end), sent)
            arrival = self._admit(leaves, size)
            arrived = None if arrival is None else arrival + self.offset
            results.append(Result(self._seq, size - HEADERS, sent, arrived))
            self._seq += 1
        return results

    def _admit(self, sent: float, size: int) -> float | None:
        departure = sent
        if self.rate_bps is not None:
            while self._queued and self._queued[0][0] <= sent:
                self._queued.popleft()
            if sum(s for _, s in self._queued) + size > self.rate_bps / 8 * self.queue:
                return None
            departure = max(sent, self._departure) + size * 8 / self.rate_bps
            self._departure = departure
            self._queued.append((departure, size))
        if self.burst is not None:
            enter, leave = self.burst
            self._bad = self._rng.random() >= leave if self._bad else self._rng.random() < enter
            if self._bad:
                return None
        if self._rng.random() < self.loss:
            return None
        if self.reorder:
            return departure + self.delay + self._rng.uniform(-self.jitter, self.jitter)
        if self.jitter and departure - self._held_at >= 0.020:
            self._held, self._held_at = self._rng.uniform(-self.jitter, self.jitter), departure
        self._delivery = max(departure + self.delay + self._held, self._delivery)
        return self._delivery


def bursty(loss: float, mean_burst: float) -> tuple[float, float]:
    """The Gilbert-Elliott chain that loses ``loss`` of the packets in runs of ``mean_burst``."""
    leave = 1.0 / mean_burst
    return loss * leave / (1.0 - loss), leave


class Receiver:
    """The receiving end, run as time goes on: it takes what the link did with each packet;
    :meth:`due` gives the transport-wide feedback that has come back to the server by then: every
    ``interval`` of the receiver's clock, the packets that arrived in it and those missing below the
    highest of them, in sequence order, ``back`` seconds later on the server's clock;
    :meth:`loss_report` the fraction lost of the packets the server has heard of since the last
    report (what a receiver report says)."""

    def __init__(self, link: Link, *, interval: float = 0.1, back: float = 0.15) -> None:
        self.link = link
        self.interval = interval
        self.back = back
        self._pending: list[Result] = []
        self._missing: deque[Result] = deque()
        # (when the server learns of it, lost), about in that order: a report counts what it knows.
        self._fates: deque[tuple[float, bool]] = deque()

    def take(self, results: list[Result]) -> None:
        """Packets just sent, with what the link did to them."""
        for result in results:
            if result.arrival_time is None:
                self._missing.append(result)
                known = result.send_time + self.link.delay + self.back
            else:
                self._pending.append(result)
                known = result.arrival_time - self.link.offset + self.back
            self._fates.append((known, result.arrival_time is None))

    def due(self, now: float) -> list[tuple[float, list[Result]]]:
        """The feedback batches that reach the server by ``now`` (server clock), oldest first."""
        out: list[tuple[float, list[Result]]] = []
        ready = [r for r in self._pending if (self._batch_end(r) + self.back) <= now]
        self._pending = [r for r in self._pending if (self._batch_end(r) + self.back) > now]
        by_batch: dict[float, list[Result]] = {}
        for result in sorted(ready, key=lambda r: r.arrival_time or 0.0):
            by_batch.setdefault(self._batch_end(result), []).append(result)
        for end in sorted(by_batch):
            batch = by_batch[end]
            top = max(r.seq for r in batch)
            while self._missing and self._missing[0].seq < top:
                batch.append(self._missing.popleft())
            out.append((end + self.back, sorted(batch, key=lambda r: r.seq)))
        return out

    def _batch_end(self, result: Result) -> float:
        assert result.arrival_time is not None
        local = result.arrival_time - self.link.offset
        return (int(local / self.interval) + 1) * self.interval

    def loss_report(self, now: float) -> float | None:
        """The fraction lost of the packets whose fate became known since the last report (None: none)."""
        lost = total = 0
        while self._fates and self._fates[0][0] <= now:
            total += 1
            lost += self._fates.popleft()[1]
        return lost / total if total else None
