"""Keeps a room's media forwards equal to what the room allows.

A :class:`MediaRouter` holds the server's peer connection to each participant. Tracks a participant
publishes become :class:`~sessions.forwarding.Publication` objects (received without decoding). For
every (publication, subscriber) pair that :func:`sessions.room.may_forward` allows, the subscriber has a
*slot*: a ``sendonly`` transceiver on their peer connection carrying a
:class:`~sessions.forwarding.SubscriberTrack`. Slots are created on demand (which needs a new
offer/answer: the router calls ``on_negotiation_needed``) and reused afterwards, so that permission and
consent changes attach and detach forwards synchronously, without renegotiation: a withdrawn forward
sends nothing from the moment the room changes.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Iterable, Iterator
from dataclasses import dataclass

from aiortc import MediaStreamTrack, RTCPeerConnection, RTCRtpSender, RTCRtpTransceiver

from sessions.adaptation import DEFAULT_ADAPTATION, AdaptationSettings
from sessions.downlinks import Downlinks, Forward, SourceLevel
from sessions.forwarding import Publication, SubscriberTrack, hook_keyframe_requests
from sessions.loopback import close_peer_connection
from sessions.retransmission import RetransmissionGovernor, govern_retransmissions
from sessions.room import Room, RoomEvent, may_forward

logger = logging.getLogger(__name__)

NegotiationNeeded = Callable[[str], Awaitable[None]]
ForwardsChanged = Callable[[], None]
LevelsChanged = Callable[[str], None]
#: (publisher participant id, publisher's track id)
PublicationKey = tuple[str, str]

_LEAVING_EVENTS = frozenset({"left", "removed", "denied"})


@dataclass(slots=True)
class _Slot:
    subscriber_id: str
    kind: str
    mime_type: str | None
    transceiver: RTCRtpTransceiver
    track: SubscriberTrack
    source: PublicationKey | None = None


class MediaRouter:
    """The media plane of one room on this server.

    ``on_negotiation_needed(participant_id)`` must run an offer from the server's peer connection to that
    participant and apply their answer (the signaling layer does this over its channel). It is awaited
    only when the connection's signaling state is stable, and never twice at once for one participant.
    The participant makes the first offer (their published tracks arrive in it); the server offers only
    after that, to add the slots it sends on.

    Unless ``adaptation`` is None, each subscriber's video is adapted to its downlink with those
    settings (:mod:`sessions.downlinks`); ``on_levels_changed(participant_id)`` is called when what a
    subscriber gets of some video changed (:meth:`levels` says what).
    """

    def __init__(
        self,
        room: Room,
        *,
        on_negotiation_needed: NegotiationNeeded,
        on_forwards_changed: ForwardsChanged | None = None,
        on_levels_changed: LevelsChanged | None = None,
        adaptation: AdaptationSettings | None = DEFAULT_ADAPTATION,
    ) -> None:
        self.room = room
        self._on_negotiation_needed = on_negotiation_needed
        self._on_forwards_changed = on_forwards_changed
        self._peers: dict[str, RTCPeerConnection] = {}
        self._publications: dict[PublicationKey, Publication] = {}
        self._slots: dict[str, list[_Slot]] = {}
        # What each subscriber's connection refused to receive (a MIME type, or a kind when the codec
        # was unknown), and the forwards the room allows that this leaves out: (publisher, kind, codec).
        self._refused: dict[str, set[str]] = {}
        self._unplayable: dict[str, set[tuple[str, str, str]]] = {}
        self._renegotiate: set[str] = set()
        self._negotiators: dict[str, asyncio.Task[None]] = {}
        self._closing: set[asyncio.Task[None]] = set()
        self._closed = False
        self.downlinks: Downlinks | None = None
        if adaptation is not None:
            self.downlinks = Downlinks(
                room, self._attached_forwards, on_levels_changed=on_levels_changed, settings=adaptation
            )
        self._unsubscribe = room.subscribe(self._on_room_event)

    # -- observation

    def peer(self, participant_id: str) -> RTCPeerConnection | None:
        """The server's peer connection to a participant, if they have one."""
        return self._peers.get(participant_id)

    @property
    def publications(self) -> dict[PublicationKey, Publication]:
        """The tracks being received, by (publisher id, track id)."""
        return dict(self._publications)

    def forwards(self) -> set[tuple[str, str, str]]:
        """The forwards now attached, as (publisher id, kind, subscriber id)."""
        result: set[tuple[str, str, str]] = set()
        for slots in self._slots.values():
            for slot in slots:
                if slot.source is not None:
                    result.add((slot.source[0], slot.kind, slot.subscriber_id))
        return result

    def track_sources(self, participant_id: str) -> list[tuple[str, str, str | None]]:
        """What each negotiated outgoing transceiver to a participant carries now, as
        (mid, kind, publisher id or None when idle). Slots not yet negotiated have no mid and are left out."""
        return [
            (slot.transceiver.mid, slot.kind, slot.source[0] if slot.source else None)
            for slot in self._slots.get(participant_id, [])
            if slot.transceiver.mid is not None
        ]

    def unplayable(self, participant_id: str) -> list[tuple[str, str, str]]:
        """Forwards the room allows to a participant but their connection refused the codec of, as
        (publisher id, kind, the publisher's MIME type): the server does not re-encode."""
        return sorted(self._unplayable.get(participant_id, ()))

    def levels(self, participant_id: str) -> tuple[SourceLevel, ...]:
        """What a participant gets of each video they receive, and why it is less than full."""
        return self.downlinks.levels(participant_id) if self.downlinks is not None else ()

    def subscriber_tracks(self, participant_id: str) -> list[SubscriberTrack]:
        """The outgoing tracks (slots) on a participant's connection, attached or quiet."""
        return [slot.track for slot in self._slots.get(participant_id, [])]

    # -- peers

    def add_peer(self, participant_id: str, pc: RTCPeerConnection) -> None:
        """Take charge of the server's peer connection to a participant (before the first offer is applied).

        Tracks they publish become publications; the router closes ``pc`` when they leave, are removed,
        or when the router closes. A participant reconnecting replaces their previous connection.
        """
        if self._closed:
            raise RuntimeError("the media router is closed")
        previous = self._peers.get(participant_id)
        if previous is not None and previous is not pc:
            self._drop_peer(participant_id)
            self._spawn_close(previous)
        self._peers[participant_id] = pc
        self._slots.setdefault(participant_id, [])
        if self.downlinks is not None:
            self.downlinks.start()

        @pc.on("track")
        def on_track(track: MediaStreamTrack) -> None:
            self._on_track(participant_id, pc, track)

        @pc.on("signalingstatechange")
        def on_signaling_state() -> None:
            # The first offer/answer done: slots can now be added without colliding with its m-lines.
            # Deferred: aiortc emits this in the middle of applying a description.
            if self._peers.get(participant_id) is pc and pc.signalingState == "stable":
                asyncio.get_running_loop().call_soon(self._reconcile_if_open)
                asyncio.get_running_loop().call_soon(self._transport_negotiated, participant_id, pc)

        self.reconcile()

    async def remove_peer(self, participant_id: str, only: RTCPeerConnection | None = None) -> None:
        """Stop everything a participant sends and receives, and close their peer connection (only if
        it is still ``only``, when given: a newer one is left alone)."""
        pc = self._peers.get(participant_id)
        if only is not None and pc is not only:
            return
        self._drop_peer(participant_id)
        self.reconcile()
        if pc is not None:
            await close_peer_connection(pc)

    async def close(self) -> None:
        """Close every peer connection and end every task the router started (idempotent)."""
        if self._closed:
            return
        self._closed = True
        self._unsubscribe()
        if self.downlinks is not None:
            await self.downlinks.close()
        for task in self._negotiators.values():
            task.cancel()
        for participant_id in list(self._peers):
            await self.remove_peer(participant_id)
        await asyncio.gather(*self._negotiators.values(), *self._closing, return_exceptions=True)
        self._negotiators.clear()

    def sections_rejected(self, participant_id: str, mids: Iterable[str]) -> None:
        """The participant's answer rejected these sections (a browser without the codec offered in
        them): their slots carry nothing from now on, and publications in that codec are not offered
        to this connection again (they are reported by :meth:`unplayable` instead)."""
        rejected = set(mids)
        slots = self._slots.get(participant_id, [])
        for slot in [s for s in slots if s.transceiver.mid in rejected]:
            self._refused.setdefault(participant_id, set()).add(slot.mime_type or slot.kind)
            self._detach(slot)
            slot.track.stop()
            slot.transceiver.direction = "inactive"  # later offers keep it rejected
            slots.remove(slot)
        if rejected:
            self.reconcile()

    # -- the core: desired forwards == attached forwards

    def reconcile(self) -> None:
        """Attach every allowed forward and detach every other one, now (no awaiting)."""
        before = (self.forwards(), {k: set(v) for k, v in self._unplayable.items()})
        self._reconcile()
        after = (self.forwards(), self._unplayable)
        if self._on_forwards_changed is not None and after != before:
            self._on_forwards_changed()

    def _reconcile(self) -> None:
        desired: set[tuple[PublicationKey, str]] = set()
        self._unplayable = {}
        for key, publication in self._publications.items():
            if publication.ended:
                continue
            for subscriber_id in self._peers:
                if not may_forward(self.room, key[0], publication.kind, subscriber_id):
                    continue
                refused = self._refused.get(subscriber_id, set())
                if publication.kind in refused or publication.mime_type in refused:
                    codec = publication.mime_type or publication.kind
                    self._unplayable.setdefault(subscriber_id, set()).add((key[0], publication.kind, codec))
                    continue
                desired.add((key, subscriber_id))
        # Detach first, so that a slot freed here can be reused below.
        for subscriber_id, slots in self._slots.items():
            for slot in slots:
                if slot.source is not None and (slot.source, subscriber_id) not in desired:
                    self._detach(slot)
        attached = {
            (slot.source, subscriber_id)
            for subscriber_id, slots in self._slots.items()
            for slot in slots
            if slot.source is not None
        }
        for key, subscriber_id in sorted(desired - attached):
            self._attach(key, subscriber_id)

    def _attached_forwards(self) -> Iterator[Forward]:
        for subscriber_id, slots in self._slots.items():
            for slot in slots:
                publication = self._publications.get(slot.source) if slot.source is not None else None
                if slot.source is not None and publication is not None:
                    yield Forward(subscriber_id, slot.source[0], slot.source, publication, slot.track)

    def _transport_negotiated(self, participant_id: str, pc: RTCPeerConnection) -> None:
        """After an offer/answer (the description in place by now): transport-wide congestion control
        follows what the participant's answer accepted."""
        if not self._closed and self.downlinks is not None and self._peers.get(participant_id) is pc:
            self.downlinks.transport_negotiated(participant_id, pc)

    def _reconcile_if_open(self) -> None:
        if not self._closed:
            self.reconcile()

    def _attach(self, key: PublicationKey, subscriber_id: str) -> None:
        publication = self._publications[key]
        slot = self._free_slot(subscriber_id, publication)
        if slot is None:
            try:
                slot = self._new_slot(subscriber_id, publication)
            except Exception:
                # aiortc refusing a transceiver on this subscriber's connection (a description it
                # took but cannot build on): this forward waits; every other one goes on.
                logger.exception(
                    "could not add a forward", extra={"room": self.room.id, "participant": subscriber_id}
                )
                return
            if slot is None:
                return
        slot.source = key
        slot.mime_type = slot.mime_type or publication.mime_type
        publication.add_subscriber(slot.track)
        logger.debug(
            "forward %s %s -> %s", key[0], publication.kind, subscriber_id, extra={"room": self.room.id}
        )

    def _detach(self, slot: _Slot) -> None:
        if slot.source is not None:
            publication = self._publications.get(slot.source)
            if publication is not None:
                publication.remove_subscriber(slot.track)
            slot.source = None

    def _free_slot(self, subscriber_id: str, publication: Publication) -> _Slot | None:
        for slot in self._slots.get(subscriber_id, []):
            free = slot.source is None and slot.kind == publication.kind and slot.track.readyState == "live"
            same_codec = (
                None in (slot.mime_type, publication.mime_type) or slot.mime_type == publication.mime_type
            )
            if free and same_codec:
                return slot
        return None

    def _new_slot(self, subscriber_id: str, publication: Publication) -> _Slot | None:
        pc = self._peers[subscriber_id]
        if pc.signalingState != "stable" or pc.remoteDescription is None:
            # Not now: the participant's own first offer comes first, and no transceiver is added while a
            # description is being applied. The next stable state reconciles again.
            return None
        track = SubscriberTrack(publication.kind)
        transceiver = pc.addTransceiver(track, direction="sendonly")
        if publication.mime_type is not None:
            preferences = [
                codec
                for codec in RTCRtpSender.getCapabilities(publication.kind).codecs
                if codec.mimeType.lower() in (publication.mime_type, f"{publication.kind}/rtx")
            ]
            transceiver.setCodecPreferences(preferences)
        hook_keyframe_requests(transceiver.sender, track.request_keyframe)
        # Resends on a lossy link stay a share of the stream (an unbounded NACK storm starves the link),
        # and where the subscriber is adapted, a share of their downlink too.
        ceiling = None
        if self.downlinks is not None:
            self.downlinks.watch(subscriber_id, transceiver.sender, track)
            ceiling = self.downlinks.resend_ceiling(subscriber_id)
        govern_retransmissions(transceiver.sender, RetransmissionGovernor(ceiling=ceiling))
        slot = _Slot(subscriber_id, publication.kind, publication.mime_type, transceiver, track)
        self._slots[subscriber_id].append(slot)
        self._request_negotiation(subscriber_id)
        return slot

    # -- events

    def _on_track(self, participant_id: str, pc: RTCPeerConnection, track: MediaStreamTrack) -> None:
        transceiver = next((t for t in pc.getTransceivers() if t.receiver.track is track), None)
        if transceiver is None or self._peers.get(participant_id) is not pc:
            return
        key = (participant_id, track.id)
        # The tap must be in place now, before aiortc starts the receiver; forwarding can wait a tick.
        publication = Publication.for_transceiver(transceiver, on_end=self._on_publication_end)
        self._publications[key] = publication
        if self.downlinks is not None:
            self.downlinks.publication_added(key, publication)
        asyncio.get_running_loop().call_soon(self._reconcile_if_open)

    def _on_publication_end(self, publication: Publication) -> None:
        for key, candidate in list(self._publications.items()):
            if candidate is publication:
                del self._publications[key]
                if self.downlinks is not None:
                    self.downlinks.publication_ended(key)
        if not self._closed:
            self.reconcile()

    def _on_room_event(self, room: Room, event: RoomEvent) -> None:
        gone: list[str] = []
        if event.type == "ended":
            gone = list(self._peers)
        elif event.type in _LEAVING_EVENTS and event.participant_id in self._peers:
            gone = [event.participant_id]
        for participant_id in gone:
            # Drop now (a reconnect may bring a new connection before the old one has closed).
            pc = self._peers[participant_id]
            self._drop_peer(participant_id)
            self._spawn_close(pc)
        self.reconcile()

    # -- peer teardown and negotiation

    def _drop_peer(self, participant_id: str) -> None:
        self._peers.pop(participant_id, None)
        self._refused.pop(participant_id, None)  # a new connection may come from another browser
        for slot in self._slots.pop(participant_id, []):
            self._detach(slot)
            slot.track.stop()
        for key, publication in list(self._publications.items()):
            if key[0] == participant_id:
                publication.close()
                del self._publications[key]
                if self.downlinks is not None:
                    self.downlinks.publication_ended(key)
        if self.downlinks is not None:
            self.downlinks.forget(participant_id)
        self._renegotiate.discard(participant_id)
        negotiator = self._negotiators.pop(participant_id, None)
        if negotiator is not None:
            negotiator.cancel()
            self._closing.add(negotiator)
            negotiator.add_done_callback(self._closing.discard)

    def _spawn_close(self, pc: RTCPeerConnection) -> None:
        task = asyncio.ensure_future(close_peer_connection(pc))
        self._closing.add(task)
        task.add_done_callback(self._closing.discard)

    def _request_negotiation(self, participant_id: str) -> None:
        self._renegotiate.add(participant_id)
        if participant_id not in self._negotiators:
            self._negotiators[participant_id] = asyncio.ensure_future(self._negotiate(participant_id))

    async def _negotiate(self, participant_id: str) -> None:
        try:
            while participant_id in self._renegotiate:
                pc = self._peers.get(participant_id)
                if pc is None or pc.connectionState == "closed":
                    return
                await _until_ready(pc)
                self._renegotiate.discard(participant_id)
                try:
                    await self._on_negotiation_needed(participant_id)
                except Exception:
                    logger.exception(
                        "renegotiation failed", extra={"room": self.room.id, "participant": participant_id}
                    )
                    return
        finally:
            if self._negotiators.get(participant_id) is asyncio.current_task():
                del self._negotiators[participant_id]


def _ready(pc: RTCPeerConnection) -> bool:
    return pc.signalingState == "closed" or (
        pc.signalingState == "stable" and pc.remoteDescription is not None
    )


async def _until_ready(pc: RTCPeerConnection) -> None:
    """Wait until the server may offer on ``pc``: the participant's first offer is answered, and the
    signaling state is stable (so the server's offer never crosses one of theirs)."""
    if _ready(pc):
        return
    stable = asyncio.Event()

    def on_change() -> None:
        if _ready(pc):
            stable.set()

    pc.on("signalingstatechange", on_change)
    try:
        await stable.wait()
    finally:
        with contextlib.suppress(KeyError, ValueError):
            pc.remove_listener("signalingstatechange", on_change)
