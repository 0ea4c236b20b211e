"""The adaptation of one room's media plane: every half second, each subscriber's downlink estimate
decides the level of each video it receives, and each publisher's REMB is set from what its
priority subscribers can take.

It joins the pure rules (:mod:`sessions.adaptation`) to the media: the subscribers' RTCP feedback
(:mod:`sessions.feedback`), their outgoing tracks' levels (:class:`~sessions.forwarding.SubscriberTrack`),
the low renditions (:mod:`sessions.rendition`), one per video publication, made when a subscriber first
needs one, and the REMB sent to publishers (:class:`~sessions.feedback.PublisherSteering`).

Clinical priority, besides the order within each subscriber's budget: each subscriber is adapted to
its **own** downlink only, so a learner's weak link costs the patient and the host nothing; and the
patient's and the host's encoders are steered by what the other one of the pair can take, never by a
learner (who gets the low rendition instead). Other publishers are steered by their best-placed
subscriber.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Final

from aiortc import RTCPeerConnection, RTCRtpSender

from sessions.adaptation import (
    AdaptationSettings,
    Assignment,
    DownlinkController,
    DownlinkEstimator,
    Level,
    Reason,
    VideoSource,
    publisher_cap,
    video_priority,
)
from sessions.feedback import PublisherSteering, watch_feedback
from sessions.forwarding import Publication, SubscriberTrack
from sessions.rendition import LowRendition, supports_low_rendition
from sessions.room import NotFound, Role, Room
from sessions.transport_feedback import TransportWideCc
from sessions.twcc import PacketResult

logger = logging.getLogger(__name__)

TICK_SECONDS: Final = 0.5
#: What a stream is assumed to cost before it has been measured (a second of it).
DEFAULT_AUDIO_BPS: Final = 50_000.0
DEFAULT_VIDEO_BPS: Final = 1_000_000.0
#: Retransmissions to a subscriber: at most this share of their downlink estimate per sender, counted
#: in packets of about this size, and never fewer than MIN_RESENDS a second (sessions.retransmission).
RESEND_SHARE: Final = 0.1
RESEND_PACKET_BITS: Final = 8 * 1200
MIN_RESENDS: Final = 3.0
#: The share of a weak subscriber's headroom a low rendition is steered to.
RENDITION_SHARE: Final = 0.5
_ROLE_ORDER: Final = {Role.HOST: 0, Role.PATIENT: 1, Role.VISITOR: 2}

PublicationKey = tuple[str, str]


@dataclass(frozen=True, slots=True)
class Forward:
    """One attached forward, as the router has it."""

    subscriber_id: str
    publisher_id: str
    key: PublicationKey
    publication: Publication
    track: SubscriberTrack


@dataclass(frozen=True, slots=True)
class SourceLevel:
    """What a subscriber gets of one publisher's video now, and why (None at full)."""

    publisher_id: str
    level: Level
    reason: Reason | None


@dataclass(slots=True)
class _Subscriber:
    """One subscriber's adaptation and the feedback its senders hear."""

    clock: Callable[[], float]
    controller: DownlinkController
    streams: dict[SubscriberTrack, int] = field(default_factory=dict)  # track -> its sender's SSRC
    counted: dict[SubscriberTrack, int] = field(default_factory=dict)  # bytes already fed
    assignments: dict[str, Assignment] = field(default_factory=dict)  # by publisher, last tick
    levels: tuple[SourceLevel, ...] = ()
    transport_cc: TransportWideCc | None = None  # on their connection, once an answer of theirs came

    @property
    def estimator(self) -> DownlinkEstimator:
        return self.controller.estimator

    def on_loss_report(self, stream: int, fraction_lost: float) -> None:
        self.estimator.on_loss_report(stream, fraction_lost, self.clock())

    def on_rtt(self, seconds: float) -> None:
        self.estimator.on_rtt(seconds)

    def on_remb(self, bps: float, streams: list[int]) -> None:
        self.estimator.on_remb(bps, streams, self.clock())

    def on_transport_feedback(self, results: list[PacketResult], now: float) -> None:
        self.estimator.on_transport_feedback(results, now)


class Downlinks:
    """Adapts one room's forwards to each subscriber's downlink (see the module docstring).

    ``forwards()`` lists the attached forwards; ``on_levels_changed(subscriber_id)`` is called when
    what a subscriber gets changed (the room tells them why). Nothing runs until :meth:`start`.
    """

    def __init__(
        self,
        room: Room,
        forwards: Callable[[], Iterable[Forward]],
        *,
        on_levels_changed: Callable[[str], None] | None = None,
        clock: Callable[[], float] = time.monotonic,
        settings: AdaptationSettings | None = None,
        tick_seconds: float = TICK_SECONDS,
    ) -> None:
        self.room = room
        self._forwards = forwards
        self._on_levels_changed = on_levels_changed
        self._clock = clock
        self._settings = settings or AdaptationSettings()
        self._tick_seconds = tick_seconds
        self._subscribers: dict[str, _Subscriber] = {}
        self._renditions: dict[PublicationKey, LowRendition] = {}
        self._steering: dict[PublicationKey, PublisherSteering] = {}
        self._task: asyncio.Task[None] | None = None
        self._closed = False

    # -- observation

    def levels(self, subscriber_id: str) -> tuple[SourceLevel, ...]:
        """What a subscriber gets of each video it receives, as last decided."""
        subscriber = self._subscribers.get(subscriber_id)
        return subscriber.levels if subscriber is not None else ()

    def controller(self, subscriber_id: str) -> DownlinkController | None:
        """A subscriber's controller (its estimate and counters), if it has one."""
        subscriber = self._subscribers.get(subscriber_id)
        return subscriber.controller if subscriber is not None else None

    def rendition(self, key: PublicationKey) -> LowRendition | None:
        """The low rendition of a publication, if one was ever needed."""
        return self._renditions.get(key)

    def steering(self, key: PublicationKey) -> PublisherSteering | None:
        """The REMB steering of a video publication."""
        return self._steering.get(key)

    # -- what the router tells

    def watch(self, subscriber_id: str, sender: RTCRtpSender, track: SubscriberTrack) -> None:
        """A new outgoing track on a subscriber's connection: hear what they report about it."""
        subscriber = self._subscriber(subscriber_id)
        subscriber.streams[track] = sender._ssrc
        watch_feedback(sender, subscriber)

    def transport_negotiated(self, subscriber_id: str, pc: RTCPeerConnection) -> None:
        """A subscriber's connection finished an offer/answer: number what is sent on it and hear their
        transport-wide feedback, if their answer accepted it (see :mod:`sessions.transport_feedback`)."""
        subscriber = self._subscriber(subscriber_id)
        if subscriber.transport_cc is None or subscriber.transport_cc.pc is not pc:
            subscriber.transport_cc = TransportWideCc(pc, subscriber, clock=self._clock)
        subscriber.transport_cc.negotiated()

    def transport_cc(self, subscriber_id: str) -> TransportWideCc | None:
        """A subscriber connection's transport-wide numbering and feedback, once negotiated."""
        subscriber = self._subscribers.get(subscriber_id)
        return subscriber.transport_cc if subscriber is not None else None

    def resend_ceiling(self, subscriber_id: str) -> Callable[[], float]:
        """How many packets a second one sender may resend to this subscriber, as their downlink
        estimate allows (see :class:`sessions.retransmission.RetransmissionGovernor`)."""
        estimator = self._subscriber(subscriber_id).estimator

        def ceiling() -> float:
            return max(MIN_RESENDS, RESEND_SHARE * estimator.estimate / RESEND_PACKET_BITS)

        return ceiling

    def publication_added(self, key: PublicationKey, publication: Publication) -> None:
        """A new publication: video ones get REMB steering."""
        if publication.kind == "video":
            self._steering[key] = PublisherSteering(publication.receiver, self._clock)

    def publication_ended(self, key: PublicationKey) -> None:
        """A publication is gone: its rendition and steering go with it."""
        rendition = self._renditions.pop(key, None)
        if rendition is not None:
            rendition.close()
        self._steering.pop(key, None)

    def forget(self, subscriber_id: str) -> None:
        """A subscriber's connection is gone (a new one starts from no evidence)."""
        subscriber = self._subscribers.pop(subscriber_id, None)
        transport_cc = subscriber.transport_cc if subscriber is not None else None
        if transport_cc is not None and transport_cc.extension_id is not None:
            # What their receiver reported, once per connection: whether it sends transport feedback
            # at all, and how much, is a browser's and a version's matter worth seeing in the log.
            logger.info(
                "transport-wide feedback from %s: %s",
                subscriber_id,
                transport_cc.counts.describe(),
                extra={"room": self.room.id, "participant": subscriber_id, **transport_cc.counts.fields()},
            )

    def start(self) -> None:
        """Start ticking (idempotent)."""
        if self._task is None and not self._closed:
            self._task = asyncio.ensure_future(self._run())

    async def close(self) -> None:
        """Stop ticking and stop every rendition."""
        self._closed = True
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
        for key in list(self._renditions):
            self.publication_ended(key)

    # -- the tick

    async def _run(self) -> None:
        while not self._closed:
            await asyncio.sleep(self._tick_seconds)
            try:
                self.tick()
            except Exception:  # adaptation must never take the media down with it
                logger.exception("adaptation tick failed", extra={"room": self.room.id})

    def tick(self) -> None:
        """One round: feed what was sent, decide every subscriber's levels, steer the publishers."""
        now = self._clock()
        by_subscriber: dict[str, list[Forward]] = {}
        for forward in self._forwards():
            by_subscriber.setdefault(forward.subscriber_id, []).append(forward)
        headrooms: dict[PublicationKey, list[tuple[str, float | None]]] = {}
        for subscriber_id, forwards in by_subscriber.items():
            subscriber = self._subscriber(subscriber_id)
            self._feed_sent(subscriber, forwards, now)
            assignments = subscriber.assignments = self._decide(subscriber_id, subscriber, forwards, now)
            evidence = subscriber.estimator.has_evidence
            for forward in forwards:
                assignment = assignments.get(forward.publisher_id)
                if forward.publication.kind != "video" or assignment is None:
                    continue
                self._apply(forward, assignment)
                headrooms.setdefault(forward.key, []).append(
                    (subscriber_id, assignment.headroom_bps if evidence else None)
                )
            self._report(subscriber_id, subscriber)
        for subscriber_id, subscriber in self._subscribers.items():
            if subscriber_id not in by_subscriber and subscriber.assignments:
                subscriber.assignments = {}
                self._report(subscriber_id, subscriber)
        self._steer_renditions(by_subscriber)
        self._steer_publishers(headrooms)

    def _subscriber(self, subscriber_id: str) -> _Subscriber:
        subscriber = self._subscribers.get(subscriber_id)
        if subscriber is None:
            now = self._clock()
            controller = DownlinkController(settings=self._settings, estimator=DownlinkEstimator(now=now))
            subscriber = _Subscriber(self._clock, controller)
            self._subscribers[subscriber_id] = subscriber
        return subscriber

    @staticmethod
    def _feed_sent(subscriber: _Subscriber, forwards: list[Forward], now: float) -> None:
        for forward in forwards:
            track = forward.track
            stream = subscriber.streams.get(track)
            if stream is None:
                continue
            total = track.bytes_sent
            subscriber.estimator.on_sent(stream, total - subscriber.counted.get(track, total), now)
            subscriber.counted[track] = total

    def _decide(
        self, subscriber_id: str, subscriber: _Subscriber, forwards: list[Forward], now: float
    ) -> dict[str, Assignment]:
        try:
            subscriber_role = self.room.participant(subscriber_id).role
        except NotFound:
            return {}
        audio = 0.0
        sources: list[VideoSource] = []
        for forward in forwards:
            publication = forward.publication
            measured = publication.bitrate(now)
            if publication.kind == "audio":
                audio += measured if measured is not None else DEFAULT_AUDIO_BPS
                continue
            try:
                publisher_role = self.room.participant(forward.publisher_id).role
            except NotFound:
                continue
            low: float | None = None
            if supports_low_rendition(publication.mime_type):
                low = self._rendition_for(forward).cost()
            sources.append(
                VideoSource(
                    key=forward.publisher_id,
                    priority=video_priority(self.room.kind, publisher_role, subscriber_role),
                    full_bps=measured if measured is not None else DEFAULT_VIDEO_BPS,
                    low_bps=low,
                    order=_ROLE_ORDER.get(publisher_role, 3),
                )
            )
        return subscriber.controller.tick(now, audio, sources)

    def _rendition_for(self, forward: Forward) -> LowRendition:
        rendition = self._renditions.get(forward.key)
        if rendition is None:
            rendition = self._renditions[forward.key] = LowRendition(forward.publication, clock=self._clock)
        return rendition

    def _apply(self, forward: Forward, assignment: Assignment) -> None:
        if assignment.level is Level.LOW:
            rendition = self._rendition_for(forward)
            rendition.prepare(RENDITION_SHARE * assignment.headroom_bps)  # if it is not running yet
            forward.track.set_level(Level.LOW, rendition)
        else:
            forward.track.set_level(assignment.level)

    def _report(self, subscriber_id: str, subscriber: _Subscriber) -> None:
        reported = tuple(
            SourceLevel(publisher_id, assignment.level, assignment.reason)
            for publisher_id, assignment in sorted(subscriber.assignments.items())
        )
        if reported != subscriber.levels:
            subscriber.levels = reported
            logger.info(
                "video levels for %s: %s (%s)",
                subscriber_id,
                ", ".join(f"{level.publisher_id} {level.level.wire}" for level in reported) or "none",
                _describe(subscriber.estimator, self._clock()),
                extra={"room": self.room.id, "participant": subscriber_id},
            )
            if self._on_levels_changed is not None:
                self._on_levels_changed(subscriber_id)

    def _steer_renditions(self, by_subscriber: dict[str, list[Forward]]) -> None:
        """Each active rendition runs at half of what its neediest low subscriber has left for it
        (within the rendition's range): room for the estimate to be wrong, and for what comes after
        it in that subscriber's budget."""
        wanted: dict[PublicationKey, float] = {}
        for subscriber_id, forwards in by_subscriber.items():
            subscriber = self._subscribers[subscriber_id]
            for forward in forwards:
                if forward.track.wanted_level is not Level.LOW:
                    continue
                assignment = subscriber.assignments.get(forward.publisher_id)
                if assignment is not None:
                    headroom = assignment.headroom_bps
                    wanted[forward.key] = min(wanted.get(forward.key, headroom), headroom)
        for key, bps in wanted.items():
            rendition = self._renditions.get(key)
            if rendition is not None and rendition.active:
                rendition.set_target_bitrate(RENDITION_SHARE * bps)

    def _steer_publishers(self, headrooms: dict[PublicationKey, list[tuple[str, float | None]]]) -> None:
        for key, steering in self._steering.items():
            steering.set_cap(self._cap(key[0], headrooms.get(key, [])))
            steering.tick()

    def _cap(self, publisher_id: str, headrooms: list[tuple[str, float | None]]) -> float | None:
        """What ``publisher_id``'s encoder should send at most (see :func:`publisher_cap`)."""
        try:
            publisher_role = self.room.participant(publisher_id).role
            subscribers = [(self.room.participant(sid).role, bps) for sid, bps in headrooms]
        except NotFound:
            return None
        return publisher_cap(self.room.kind, publisher_role, subscribers)


def _describe(estimator: DownlinkEstimator, now: float) -> str:
    """What a subscriber's estimate rests on, for the log."""
    parts = [
        f"estimate {estimator.estimate / 1000:.0f} kbps",
        "loss -" if estimator.loss is None else f"loss {estimator.loss:.0%}",
        f"floor {estimator.floor:.0%}",
        "remb -" if (remb := estimator.remb(now)) is None else f"remb {remb / 1000:.0f} kbps",
        f"sent {estimator.sent_bps(now) / 1000:.0f} kbps",
    ]
    if (signal := estimator.delay_signal(now)) is not None:
        acked, queue = estimator.delay.acked_bps() or 0.0, estimator.delay.queue_delay() or 0.0
        parts.append(f"delay {signal.value}, acked {acked / 1000:.0f} kbps, queue {1000 * queue:.0f} ms")
    last = estimator.decreases[-1] if estimator.decreases else None
    if last is not None:
        parts.append(f"last decrease {now - last[0]:.1f} s ago: {last[1]:.0%} of {last[2] / 1000:.0f} kbps")
    if estimator.overuses:
        when, acked_then, _ = estimator.overuses[-1]
        parts.append(f"last overuse {now - when:.1f} s ago at {acked_then / 1000:.0f} kbps acked")
    return ", ".join(parts)


__all__ = ["Downlinks", "Forward", "SourceLevel"]
