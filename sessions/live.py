"""A live room on this server: the room's rules, its media router and its participants' channels.

:class:`LiveRoom` is where signaling messages meet the room (:mod:`sessions.room`) and the media plane
(:mod:`sessions.media`). It speaks over an abstract :class:`Channel` — the server's WebSocket is one,
a test's in-memory pipe another — and reports what must outlive the room (attendance, consent, the
end) to a :class:`RoomObserver`, which the server implements with its database. No HTTP, no database.

After every change each participant gets the whole room (``state``) and, when it changed, which of
their receiving transceivers carries whom (``tracks``). Outgoing messages go through one queue per
participant, so a slow client never holds up the room.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import deque
from collections.abc import AsyncIterator, Callable, Coroutine, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol

from aiortc import RTCPeerConnection, RTCSessionDescription
from pydantic import BaseModel

from sessions import peer_input
from sessions import signaling as sig
from sessions.adaptation import DEFAULT_ADAPTATION, AdaptationSettings
from sessions.downlinks import SourceLevel
from sessions.loopback import new_peer_connection
from sessions.media import MediaRouter
from sessions.negotiation import create_offer
from sessions.remote_sdp import clean_description, repair_answer, setup_of
from sessions.room import (
    Conflict,
    ConsentMethod,
    ConsentScope,
    Forbidden,
    MediaKind,
    Participant,
    Presence,
    Role,
    Room,
    RoomError,
    RoomEvent,
    RoomKind,
)

logger = logging.getLogger(__name__)

#: How long the server waits for a participant's answer to its offer.
ANSWER_TIMEOUT_SECONDS = 10.0
#: Messages a participant may have waiting to be sent before they are treated as gone.
OUTBOX_LIMIT = 256
#: Incoming messages allowed per participant in any 10 seconds (chat floods, scripted abuse).
RATE_LIMIT_MESSAGES = 120
RATE_LIMIT_WINDOW_SECONDS = 10.0
#: How long closing a room waits for the last messages to go out.
FINISH_TIMEOUT_SECONDS = 5.0
#: How long a new channel may go without sending ``join`` before the server closes it (a socket that
#: never joins would otherwise be held open for ever).
JOIN_TIMEOUT_SECONDS = 30.0


class Channel(Protocol):
    """One participant's message channel (a WebSocket, or an in-memory pipe in tests)."""

    async def send(self, text: str) -> None:
        """Send one message; raises ConnectionError when the channel is gone."""

    async def close(self) -> None:
        """Close the channel (idempotent)."""


class RoomObserver(Protocol):
    """What the room reports for the record. Called in order, one at a time, off the signaling path."""

    async def attendance_started(self, identity: Identity, at: datetime) -> None:
        """The participant is in the room with media connected."""

    async def attendance_ended(self, identity: Identity, at: datetime, reason: str) -> None:
        """The participant is no longer in the room with media (``reason``: left, dropped, removed,
        ended, replaced)."""

    async def consent_recorded(self, host: Identity, scope: str, method: str, at: datetime) -> None:
        """Store the consent before the gate opens; raising keeps the gate closed."""

    async def consent_withdrawn(self, at: datetime) -> None:
        """The consent was withdrawn (the gate is already closed)."""

    async def room_ended(self, at: datetime, reason: str) -> None:
        """The room ended for everyone."""


class NullObserver:
    """Records nothing (tests of the engine alone, benchmarks)."""

    async def attendance_started(self, identity: Identity, at: datetime) -> None:
        return None

    async def attendance_ended(self, identity: Identity, at: datetime, reason: str) -> None:
        return None

    async def consent_recorded(self, host: Identity, scope: str, method: str, at: datetime) -> None:
        return None

    async def consent_withdrawn(self, at: datetime) -> None:
        return None

    async def room_ended(self, at: datetime, reason: str) -> None:
        return None


@dataclass(frozen=True, slots=True)
class Identity:
    """Who is on a channel, as established by the server before the first message."""

    participant_id: str
    role: Role
    name: str
    observer: bool  # decided by the server (the engine has no rule of its own)
    user_id: int | None = None  # the account, for the record (None for a patient)


@dataclass(slots=True)
class _Member:
    identity: Identity
    channel: Channel | None
    outbox: asyncio.Queue[str | None] = field(default_factory=lambda: asyncio.Queue())
    writer: asyncio.Task[None] | None = None
    pc: RTCPeerConnection | None = None
    media_connected: bool = False
    hand_raised: bool = False
    attending: bool = False
    gone_reason: str = "dropped"
    sent_tracks: tuple[list[tuple[str, str, str | None]], list[tuple[str, str, str]]] | None = None
    sent_levels: tuple[SourceLevel, ...] = ()
    # The server's DTLS role (``a=setup``) on its connection to this participant, fixed by its answer
    # to their first offer: later answers are held to it (see sessions.remote_sdp.repair_answer).
    server_setup: str | None = None
    pending_answer: asyncio.Future[str] | None = None
    answer_re: int | str | None = None  # the request id of the answer being applied
    # Held while an offer/answer exchange with this participant is under way, so that the server's
    # own offer never goes out before its answer to theirs.
    negotiating: asyncio.Lock = field(default_factory=asyncio.Lock)
    recent: deque[float] = field(default_factory=deque)


#: Reasons a room closes (``LiveRoom.closed_reason``) for which the visit itself is over.
VISIT_OVER = frozenset({"ended", "host_gone"})
#: Reasons for which the session goes on in a new room (on another server, or here later): nobody is
#: told ``bye``, so clients reconnect and join it there.
GOES_ON_ELSEWHERE = frozenset({"moved", "idle"})


def _now() -> datetime:
    return datetime.now(UTC)


PeerFactory = Callable[[Sequence[dict[str, Any]]], RTCPeerConnection]
#: ICE servers for one participant's browser only, by participant id (e.g. its own TURN credentials).
ParticipantIceServers = Callable[[str], Sequence[dict[str, Any]]]


def _none_more(participant_id: str) -> Sequence[dict[str, Any]]:
    return ()


class LiveRoom:
    """One live session hosted by this process. Create through :class:`LiveRooms`."""

    def __init__(
        self,
        room_id: str,
        kind: RoomKind,
        *,
        ice_servers: Sequence[dict[str, Any]] = (),
        participant_ice_servers: ParticipantIceServers = _none_more,
        host_grace_seconds: float = 120.0,
        observer: RoomObserver | None = None,
        clock: Callable[[], datetime] = _now,
        peer_factory: PeerFactory = new_peer_connection,
        on_closed: Callable[[LiveRoom], None] | None = None,
        on_changed: Callable[[LiveRoom], None] | None = None,
        snapshot: Mapping[str, Any] | None = None,
        adaptation: AdaptationSettings | None = DEFAULT_ADAPTATION,
        join_timeout: float = JOIN_TIMEOUT_SECONDS,
    ) -> None:
        # A snapshot carries on a room another server hosted (see Room.restored).
        self.join_timeout = join_timeout
        self.room = Room.restored(snapshot) if snapshot is not None else Room(room_id, kind)
        self.ice_servers = [dict(server) for server in ice_servers]
        self.participant_ice_servers = participant_ice_servers
        self.host_grace_seconds = host_grace_seconds
        self.observer: RoomObserver = observer or NullObserver()
        self.clock = clock
        self._peer_factory = peer_factory
        self._on_closed = on_closed
        self._on_changed = on_changed
        self.router = MediaRouter(
            self.room,
            on_negotiation_needed=self._server_offer,
            on_forwards_changed=self._schedule_sync,
            on_levels_changed=self._levels_changed,
            adaptation=adaptation,
        )
        self._members: dict[str, _Member] = {}
        self._sync_scheduled = False
        self._host_timer: asyncio.Task[None] | None = None
        self._idle_timer: asyncio.Task[None] | None = None
        self._host_gone_at: float | None = None
        self._record_queue: asyncio.Queue[Callable[[], Any] | None] = asyncio.Queue()
        self._recorder = asyncio.ensure_future(self._run_recorder())
        self._tasks: set[asyncio.Task[Any]] = set()
        self._end_reason = "ended"  # why the room ends, for the bye: set by close() before it ends
        self.closed = False  # no new work is taken once set; _finished is set when all is released
        #: Why the room closed: ended, host_gone, shutdown (the server stopped), moved (handed over)
        #: or idle (nobody connected for the grace time; the visit goes on).
        self.closed_reason: str | None = None
        self._finished = asyncio.Event()
        self.room.subscribe(self._on_room_event)
        if any(p.role is Role.HOST for p in self.room.participants()):
            self._start_host_timer()  # restored without its host connected: the grace time runs
        self._watch_for_idle()  # opened for a socket that has not joined yet

    @property
    def id(self) -> str:
        """The room's id (the scheduled visit's id as text)."""
        return self.room.id

    @property
    def peer_count(self) -> int:
        """Peer connections this room holds open (one per connected participant at most)."""
        return sum(1 for member in self._members.values() if member.pc is not None)

    @property
    def member_count(self) -> int:
        """Participants with a live channel (the room's share of this server's load)."""
        return sum(1 for member in self._members.values() if member.channel is not None)

    @property
    def countdown(self) -> str | None:
        """The countdown that will close the room if nothing changes: ``"host_gone"`` (the host's
        grace time), ``"idle"`` (nobody connected), or None while the room stays open for good.
        Lets a test see that waiting people keep the room open without waiting out a timer."""
        if self._host_timer is not None:
            return "host_gone"
        if self._idle_timer is not None:
            return "idle"
        return None

    def member_channel(self, participant_id: str) -> Channel | None:
        """The channel a participant is on now, if any."""
        member = self._members.get(participant_id)
        return member.channel if member else None

    def peer(self, participant_id: str) -> RTCPeerConnection | None:
        """The server's peer connection to a participant, if any."""
        member = self._members.get(participant_id)
        return member.pc if member else None

    # ------------------------------------------------------------------ channels

    async def join(self, identity: Identity, channel: Channel, *, re: int | str | None = None) -> None:
        """A participant sent ``join`` on ``channel``: enter the room or its waiting room (``re``: the
        join's request id, echoed on ``welcome``).

        Joining again from another channel (a reconnect before the old socket was noticed as dead)
        replaces the old channel, which is told ``bye: replaced``.
        """
        if self.closed:
            raise Conflict("this session has ended")
        pid = identity.participant_id
        participant = self.room.join(pid, identity.role, observer=identity.observer)
        member = self._members.get(pid)
        if member is not None:
            self._abandon_offer(member)
        if member is not None and member.channel is not None and member.channel is not channel:
            self._end_attendance(member, "replaced")
            self._close_member_channel(member, sig.Bye(reason="replaced"))
            logger.info("participant replaced its channel", extra={"room": self.id, "participant": pid})
        if member is None:
            member = _Member(identity=identity, channel=None)
            self._members[pid] = member
        member.identity = identity
        member.channel = channel
        member.outbox = asyncio.Queue()
        member.writer = self._spawn(self._write(member, channel, member.outbox))
        member.sent_tracks = None
        member.sent_levels = ()  # a new channel: the client starts from "everything full"
        member.gone_reason = "dropped"
        if identity.role is Role.HOST:
            self._cancel_host_timer()
        self._cancel_idle_timer()
        self._send(
            member,
            sig.Welcome(
                room_id=self.id,
                room_kind=self.room.kind.value,
                participant_id=pid,
                role=identity.role.value,
                presence="admitted" if participant.admitted else "waiting",
                # The participant's own entries (per-participant TURN credentials) go to it alone:
                # the server's peer connections use self.ice_servers only.
                ice_servers=[*self.ice_servers, *self.participant_ice_servers(pid)],
                re=re,
            ),
        )
        logger.info(
            "participant joined",
            extra={"room": self.id, "participant": pid, "presence": participant.presence.value},
        )
        self._schedule_sync()

    async def disconnect(self, participant_id: str, channel: Channel) -> None:
        """The participant's channel closed (network drop, tab closed). Their place is kept."""
        member = self._members.get(participant_id)
        if member is None or member.channel is not channel or self.closed:
            return
        member.channel = None
        self._abandon_offer(member)
        self._stop_writer(member)
        with contextlib.suppress(RoomError):
            self.room.leave(participant_id)
        self._watch_for_idle()  # also when leave() was refused (already gone from the room)
        self._schedule_sync()

    async def handle(self, participant_id: str, channel: Channel, message: BaseModel) -> None:
        """Act on one validated message from a joined participant; refusals go back as ``error``."""
        member = self._members.get(participant_id)
        if member is None or member.channel is not channel:
            return
        kind = getattr(message, "type", None)
        re = getattr(message, "id", None)
        if self._rate_limited(member):
            self._send(
                member,
                sig.ErrorOut(
                    code="rate_limited",
                    message=f"more than {RATE_LIMIT_MESSAGES} messages in {RATE_LIMIT_WINDOW_SECONDS:g} s: "
                    "this one was dropped; slow down",
                    refused=kind,
                    re=re,
                ),
            )
            return
        try:
            await self._dispatch(member, message)
        except (RoomError, SignalingRefused) as exc:
            self._send(member, sig.ErrorOut(code=exc.code, message=str(exc), refused=kind, re=re))
        except sig.BadMessage as exc:
            self._send(
                member, sig.ErrorOut(code=exc.code, message=str(exc), field=exc.field, refused=kind, re=re)
            )
        except Exception:
            # A failure of ours (aiortc raising on something a peer sent earlier, a bug) must not end
            # this participant's socket, nor anyone's media: the room goes on without this change.
            logger.exception(
                "could not act on a message",
                extra={"room": self.id, "participant": participant_id, "refused": kind},
            )
            self._send(
                member,
                sig.ErrorOut(
                    code="unavailable",
                    message=f"the server could not act on this {kind}",
                    refused=kind,
                    re=re,
                ),
            )

    async def serve(self, identity: Identity, channel: Channel, frames: AsyncIterator[str | bytes]) -> None:
        """Run one participant's channel: the first message must be ``join``; then every message is
        validated and handled until the channel closes or the participant leaves. Returns when done
        (the caller closes the transport)."""
        joined = False
        writer: asyncio.Task[None] | None = None
        incoming = aiter(frames)
        join_by = asyncio.get_running_loop().time() + self.join_timeout
        try:
            while True:
                try:
                    if joined:
                        frame = await anext(incoming)
                    else:
                        async with asyncio.timeout_at(join_by):
                            frame = await anext(incoming)
                except StopAsyncIteration:
                    break
                except TimeoutError:
                    logger.info("closing a channel that did not join in time", extra={"room": self.id})
                    await self._reply_direct(
                        channel,
                        sig.ErrorOut(
                            code="join_timeout",
                            message=f"no join within {self.join_timeout:g} s of connecting: the server "
                            "closes this socket; connect again and send join first",
                        ),
                    )
                    return
                try:
                    message = sig.parse_client_message(frame)
                except sig.BadMessage as exc:
                    await self._reply_direct(
                        channel,
                        sig.ErrorOut(
                            code=exc.code, message=str(exc), field=exc.field, refused=exc.refused, re=exc.re
                        ),
                    )
                    continue
                re = message.id
                if isinstance(message, sig.Join):
                    if self.closed and self.closed_reason in GOES_ON_ELSEWHERE:
                        # The session goes on in a new room (here or on another server): closing
                        # without a bye makes the client reconnect and join it there.
                        return
                    if joined:
                        await self._reply_direct(
                            channel,
                            sig.ErrorOut(code="conflict", message="already joined", refused="join", re=re),
                        )
                        continue
                    try:
                        await self.join(identity, channel, re=re)
                    except RoomError as exc:
                        await self._reply_direct(
                            channel, sig.ErrorOut(code=exc.code, message=str(exc), refused="join", re=re)
                        )
                        return
                    joined = True
                    writer = self._members[identity.participant_id].writer
                    continue
                if not joined:
                    await self._reply_direct(
                        channel,
                        sig.ErrorOut(
                            code="not_joined",
                            message="send a join message first",
                            refused=message.type,
                            re=re,
                        ),
                    )
                    continue
                if self.member_channel(identity.participant_id) is not channel:
                    return  # replaced, removed, denied or ended: this channel is finished
                await self.handle(identity.participant_id, channel, message)
                if self.member_channel(identity.participant_id) is not channel:
                    return
        finally:
            if joined:
                await self.disconnect(identity.participant_id, channel)
            if writer is not None:
                # Let the last messages (a bye) go out before the caller closes the transport.
                await asyncio.wait([writer], timeout=FINISH_TIMEOUT_SECONDS)

    async def close(self, reason: str = "shutdown") -> None:
        """End the room now: tell everyone, close every channel and peer connection (idempotent)."""
        if self.closed:
            return
        if not self.room.ended:
            self._end_reason = reason
            self.room.end()  # the "ended" event does the rest
            return
        await self._finish(reason)

    # ------------------------------------------------------------------ messages

    async def _dispatch(self, member: _Member, message: BaseModel) -> None:
        pid = member.identity.participant_id
        room = self.room
        match message:
            case sig.Offer(sdp=sdp, id=re):
                # Checked, then rehearsed as the server will use it (cleaned of what aiortc cannot take: see
                # sessions.remote_sdp), before the working connection is replaced by a new one.
                peer_input.check_offer_text(sdp)
                await peer_input.rehearse_offer(clean_description(sdp))
                await self._accept_offer(member, sdp, re=re)
            case sig.Answer(sdp=sdp, id=re):
                if member.pending_answer is None or member.pending_answer.done():
                    raise SignalingRefused("conflict", "no offer from the server is waiting for an answer")
                offered = member.pc.localDescription if member.pc is not None else None
                peer_input.check_answer_text(sdp, offered.sdp if offered is not None else None)
                member.answer_re = re
                member.pending_answer.set_result(sdp)
            case sig.Candidate():
                await self._add_candidate(member, message)
            case sig.Admit(participant_id=target):
                room.admit(pid, target)
            case sig.Deny(participant_id=target):
                room.deny(pid, target)
            case sig.Remove(participant_id=target):
                room.remove(pid, target)
            case sig.Mute(participant_id=target, kind=kind):
                room.set_publishing(pid, target, MediaKind(kind), False)
            case sig.Permit(participant_id=target, kind=kind, action="publish", allowed=allowed):
                room.set_publish_permission(pid, target, MediaKind(kind), allowed)
            case sig.Permit(participant_id=target, kind=kind, allowed=allowed):
                room.set_receive_permission(pid, target, MediaKind(kind), allowed)
            case sig.Media(kind=kind, on=on):
                room.set_publishing(pid, pid, MediaKind(kind), on)
            case sig.Hand(raised=raised):
                self._require_admitted(member)
                member.hand_raised = raised
                self._schedule_sync()
            case sig.RecordConsent(scope=scope, method=method):
                await self._record_consent(member, scope, method)
            case sig.WithdrawConsent():
                at = self.clock()
                had_consent = room.consent_active
                room.withdraw_consent(pid, at=at)
                if had_consent:
                    self._record(lambda: self.observer.consent_withdrawn(at))
            case sig.Chat(text=text):
                self._require_admitted(member)
                out = sig.ChatOut(sender_id=pid, sender_name=member.identity.name, text=text, at=self.clock())
                for other in self._members.values():
                    if other.channel is not None and room.participant(other.identity.participant_id).admitted:
                        self._send(other, out)
            case sig.Leave():
                member.gone_reason = "left"
                self._close_member_channel(member, sig.Bye(reason="left"))
                member.channel = None
                room.leave(pid)
            case sig.End():
                if member.identity.role is not Role.HOST:
                    raise Forbidden("only the host can end the session")
                await self.close("ended")
            case sig.Ping(id=ping_id):
                self._send(member, sig.Pong(id=ping_id, re=ping_id))
            case _:  # pragma: no cover - every client message type is handled above
                raise SignalingRefused("bad_message", f"unexpected message {message!r}")

    def _require_admitted(self, member: _Member) -> None:
        if not self.room.participant(member.identity.participant_id).admitted:
            raise Forbidden("wait until the host admits you")

    async def _record_consent(self, member: _Member, scope: str, method: str) -> None:
        host_id = member.identity.participant_id
        self.room.check_may_record_consent(host_id)
        at = self.clock()
        # Stored first: the gate opens only on consent that is on record.
        try:
            await self.observer.consent_recorded(member.identity, scope, method, at)
        except Exception:
            logger.exception("consent could not be stored", extra={"room": self.id})
            raise SignalingRefused(
                "unavailable", "the consent could not be saved, so learners stay gated; try again"
            ) from None
        self.room.record_consent(host_id, scope=ConsentScope(scope), method=ConsentMethod(method), at=at)

    # ------------------------------------------------------------------ media negotiation

    async def _accept_offer(self, member: _Member, sdp: str, *, re: int | str | None = None) -> None:
        if member.pending_answer is not None and not member.pending_answer.done():
            raise SignalingRefused("conflict", "answer the server's offer before sending a new one")
        async with member.negotiating:
            await self._answer_offer(member, sdp, re=re)

    async def _answer_offer(self, member: _Member, sdp: str, *, re: int | str | None = None) -> None:
        pid = member.identity.participant_id
        pc = self._peer_factory(self.ice_servers)
        self._watch_peer(member, pc)
        self.router.add_peer(pid, pc)
        member.pc = pc  # the router closes the previous connection, if any
        member.media_connected = False
        try:
            await pc.setRemoteDescription(RTCSessionDescription(sdp=clean_description(sdp), type="offer"))
            await pc.setLocalDescription(await pc.createAnswer())
            member.server_setup = setup_of(pc.localDescription.sdp)
        except Exception as exc:  # aiortc raises ValueError and friends on SDP it cannot use
            await self.router.remove_peer(pid)
            member.pc = None
            raise SignalingRefused("bad_message", f"offer: the SDP could not be used ({exc})") from None
        self._send(member, sig.ServerAnswer(sdp=pc.localDescription.sdp, re=re))
        self._schedule_sync()

    async def _server_offer(self, participant_id: str) -> None:
        """The router needs new transceivers on a participant's connection: offer, await the answer.

        Not before the connection is up: an exchange during the ICE and DTLS handshake is where a
        browser's answer could change the DTLS role under it (and there is nothing to send yet).
        """
        member = self._members.get(participant_id)
        pc = self.router.peer(participant_id)
        if member is None or pc is None or not await _until_connected(pc):
            return
        async with member.negotiating:
            await self._offer_and_await_answer(member, participant_id)

    async def _offer_and_await_answer(self, member: _Member, participant_id: str) -> None:
        pc = self.router.peer(participant_id)
        if pc is None or member.channel is None or pc.signalingState != "stable":
            return
        await pc.setLocalDescription(await create_offer(pc))
        answer: asyncio.Future[str] = asyncio.get_running_loop().create_future()
        member.pending_answer = answer
        self._send(member, sig.ServerOffer(sdp=pc.localDescription.sdp))
        try:
            async with asyncio.timeout(ANSWER_TIMEOUT_SECONDS):
                sdp = await answer
        except ConnectionError:
            return  # the channel the offer went to is gone; a new one brings its own offer
        except TimeoutError:
            logger.warning(
                "no answer to the server's offer", extra={"room": self.id, "participant": participant_id}
            )
            return
        finally:
            member.pending_answer = None
        if self.router.peer(participant_id) is pc:
            repaired = repair_answer(sdp, pc.localDescription.sdp, member.server_setup)
            try:
                await pc.setRemoteDescription(RTCSessionDescription(sdp=repaired.sdp, type="answer"))
            except Exception as exc:  # aiortc refuses what the checks let through: tell the sender
                self._send(
                    member,
                    sig.ErrorOut(
                        code="bad_message",
                        message=f"answer: the SDP could not be used ({type(exc).__name__}: {exc})"[:300],
                        field="sdp",
                        refused="answer",
                        re=member.answer_re,
                    ),
                )
                # aiortc cannot roll back: the media already negotiated goes on; what this offer
                # added waits until the participant reconnects with a new offer.
                logger.warning(
                    "an answer could not be applied", extra={"room": self.id, "participant": participant_id}
                )
                return
            if repaired.rejected_mids:
                logger.info(
                    "participant rejected media sections",
                    extra={"room": self.id, "participant": participant_id, "mids": repaired.rejected_mids},
                )
                self.router.sections_rejected(participant_id, repaired.rejected_mids)
            self._schedule_sync()

    async def _add_candidate(self, member: _Member, message: sig.Candidate) -> None:
        checked = peer_input.check_candidate(message.candidate, message.sdpMid, message.sdpMLineIndex)
        if member.pc is None:
            raise SignalingRefused("conflict", "send your offer before your candidates")
        if checked is None or not checked.usable:
            return  # end of candidates (aiortc needs nothing), or one the server cannot use: ignored
        try:
            await member.pc.addIceCandidate(checked.candidate)
        except Exception as exc:
            raise SignalingRefused("bad_message", f"candidate: could not be used ({exc})") from None

    @staticmethod
    def _abandon_offer(member: _Member) -> None:
        """The server's offer to this participant will not be answered (their channel changed)."""
        if member.pending_answer is not None and not member.pending_answer.done():
            member.pending_answer.set_exception(ConnectionError("channel gone"))

    def _watch_peer(self, member: _Member, pc: RTCPeerConnection) -> None:
        @pc.on("connectionstatechange")
        def on_state() -> None:
            if member.pc is not pc:
                return
            member.media_connected = pc.connectionState == "connected"
            self._schedule_sync()

    # ------------------------------------------------------------------ room events and the host timer

    def _on_room_event(self, room: Room, event: RoomEvent) -> None:
        if self._on_changed is not None and event.type != "ended":
            self._on_changed(self)
        pid = event.participant_id
        member = self._members.get(pid) if pid else None
        if event.type in ("denied", "removed") and member is not None:
            member.gone_reason = event.type
            self._end_attendance(member, event.type)
            self._close_member_channel(member, sig.Bye(reason=event.type))
            member.channel = None
            self._release_peer(member)
        elif event.type == "left" and member is not None:
            self._release_peer(member)
            self._end_attendance(member, member.gone_reason)
            if member.identity.role is Role.HOST:
                self._start_host_timer()
        elif event.type == "ended":
            self._spawn(self._finish(self._end_reason))
            return
        self._watch_for_idle()  # whoever went (left, dropped, denied, removed) may have been the last
        self._schedule_sync()

    def _release_peer(self, member: _Member) -> None:
        """Close the peer connection of someone no longer in the room (left, dropped, denied,
        removed): without their channel it cannot be renegotiated, and nothing is forwarded to or from
        them; a returning participant gets a new one."""
        pc, member.pc = member.pc, None
        if pc is not None:
            self._spawn(self.router.remove_peer(member.identity.participant_id, only=pc))

    def _start_host_timer(self) -> None:
        if self.closed or self._host_timer is not None:
            return
        self._host_gone_at = time.monotonic()

        async def wait_for_host() -> None:
            await asyncio.sleep(self.host_grace_seconds)
            self._host_timer = None
            logger.info("the host did not come back: ending", extra={"room": self.id})
            await self.close("host_gone")

        self._host_timer = self._spawn(wait_for_host())

    def _cancel_host_timer(self) -> None:
        if self._host_timer is not None:
            self._host_timer.cancel()
            self._host_timer = None
        self._host_gone_at = None

    def _watch_for_idle(self) -> None:
        """With nobody connected and no host grace time running (the host never came), close the room
        after the grace time unless someone joins: otherwise a socket that never sent ``join``, or
        visitors who waited in vain, would leave the room open for the life of the process."""
        if self.closed or self.member_count or self._host_timer is not None or self._idle_timer is not None:
            return

        async def close_when_still_idle() -> None:
            await asyncio.sleep(self.host_grace_seconds)
            self._idle_timer = None
            if self.member_count == 0 and self._host_timer is None:
                logger.info("nobody is connected: closing", extra={"room": self.id})
                await self.close("idle")

        self._idle_timer = self._spawn(close_when_still_idle())

    def _cancel_idle_timer(self) -> None:
        if self._idle_timer is not None:
            self._idle_timer.cancel()
            self._idle_timer = None

    async def _finish(self, reason: str) -> None:
        if self.closed:
            return
        self.closed = True
        self.closed_reason = reason
        self._cancel_host_timer()
        self._cancel_idle_timer()
        at = self.clock()
        bye: sig.Bye | None = None
        if reason not in GOES_ON_ELSEWHERE:
            bye = sig.Bye(
                reason="host_gone"
                if reason == "host_gone"
                else ("shutdown" if reason == "shutdown" else "ended")
            )
        for member in self._members.values():
            # A server shutting down (or handing the room over) did not end the visit: its
            # participants may come back.
            self._end_attendance(member, "ended" if reason in VISIT_OVER else "dropped")
            self._close_member_channel(member, bye)
            member.channel = None
            self._abandon_offer(member)
        self._record(lambda: self.observer.room_ended(at, reason))
        await self.router.close()
        self._record_queue.put_nowait(None)
        current = asyncio.current_task()
        others = [task for task in self._tasks if task is not current]
        # Writers end once their queued messages (the bye) are sent; a client that stops reading
        # must not keep the room open.
        _done, pending = await asyncio.wait([self._recorder, *others], timeout=FINISH_TIMEOUT_SECONDS)
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)
        logger.info("room closed", extra={"room": self.id, "reason": reason})
        self._finished.set()
        if self._on_closed is not None:
            self._on_closed(self)

    async def wait_closed(self) -> None:
        """Return once the room has ended and every channel, peer connection and task is released."""
        await self._finished.wait()

    # ------------------------------------------------------------------ state to participants

    def _schedule_sync(self) -> None:
        if self._sync_scheduled or self.closed:
            return
        self._sync_scheduled = True
        asyncio.get_running_loop().call_soon(self._sync)

    def _sync(self) -> None:
        """Send everyone the room as it is now, update attendance, and send changed track maps."""
        self._sync_scheduled = False
        if self.closed:
            return
        for member in self._members.values():
            self._update_attendance(member)
        everyone = [self._view(p) for p in self.room.participants() if p.id in self._members]
        host = next((p for p in self.room.participants() if p.role is Role.HOST), None)
        grace = None
        if self._host_gone_at is not None:
            grace = max(0, round(self.host_grace_seconds - (time.monotonic() - self._host_gone_at)))
        state_for_admitted = sig.State(
            participants=everyone,
            consent=self._consent_view(),
            host_present=host is not None and host.admitted,
            host_grace_seconds=grace,
        )
        for member in self._members.values():
            if member.channel is None:
                continue
            participant = self.room.participant(member.identity.participant_id)
            if participant.admitted:
                self._send(member, state_for_admitted)
            else:
                own = [view for view in everyone if view.id == participant.id]
                self._send(
                    member, state_for_admitted.model_copy(update={"participants": own, "consent": None})
                )
            tracks = self.router.track_sources(participant.id)
            unplayable = self.router.unplayable(participant.id)
            if (tracks, unplayable) != member.sent_tracks:
                member.sent_tracks = (tracks, unplayable)
                self._send(
                    member,
                    sig.Tracks(
                        tracks=[
                            sig.TrackSource(mid=mid, kind=kind, participant_id=source)
                            for mid, kind, source in tracks
                        ],
                        unplayable=[
                            sig.UnplayableTrack(participant_id=source, kind=kind, codec=codec)
                            for source, kind, codec in unplayable
                        ],
                    ),
                )

    def _levels_changed(self, participant_id: str) -> None:
        """What a participant receives of some video changed (their downlink): tell them why."""
        member = self._members.get(participant_id)
        if member is None or member.channel is None or self.closed:
            return
        levels = self.router.levels(participant_id)
        if levels == member.sent_levels:
            return
        member.sent_levels = levels
        self._send(
            member,
            sig.Levels(
                video=[
                    sig.VideoLevel(
                        participant_id=level.publisher_id,
                        level=level.level.wire,
                        reason=None if level.reason is None else level.reason.value,
                    )
                    for level in levels
                ]
            ),
        )

    def _view(self, participant: Participant) -> sig.ParticipantView:
        member = self._members[participant.id]
        order = [MediaKind.AUDIO, MediaKind.VIDEO]
        return sig.ParticipantView(
            id=participant.id,
            name=member.identity.name,
            role=participant.role.value,
            presence=participant.presence.value,
            observer=participant.observer,
            may_publish=[k.value for k in order if k in participant.may_publish],
            publishing=[k.value for k in order if participant.sends(k)],
            may_receive=[k.value for k in order if k in participant.may_receive],
            hand_raised=member.hand_raised,
            connected=member.media_connected and member.channel is not None,
        )

    def _consent_view(self) -> sig.ConsentView | None:
        consent = self.room.consent
        if consent is None:
            return None
        return sig.ConsentView(
            scope=consent.scope.value,
            method=consent.method.value,
            recorded_at=consent.recorded_at,
            withdrawn_at=consent.withdrawn_at,
            active=consent.active,
        )

    # ------------------------------------------------------------------ attendance

    def _update_attendance(self, member: _Member) -> None:
        participant = self.room.participant(member.identity.participant_id)
        attending = participant.admitted and member.channel is not None and member.media_connected
        if attending and not member.attending:
            member.attending = True
            identity, at = member.identity, self.clock()
            self._record(lambda: self.observer.attendance_started(identity, at))
        elif not attending and member.attending:
            self._end_attendance(member, member.gone_reason if member.channel is None else "dropped")

    def _end_attendance(self, member: _Member, reason: str) -> None:
        if not member.attending:
            return
        member.attending = False
        identity, at = member.identity, self.clock()
        self._record(lambda: self.observer.attendance_ended(identity, at, reason))

    def _record(self, call: Callable[[], Any]) -> None:
        self._record_queue.put_nowait(call)

    async def _run_recorder(self) -> None:
        while True:
            call = await self._record_queue.get()
            if call is None:
                return
            try:
                await call()
            except Exception:  # the record is the server's job; the room goes on
                logger.exception("recording failed", extra={"room": self.id})

    # ------------------------------------------------------------------ sending

    def _send(self, member: _Member, message: BaseModel) -> None:
        if member.channel is None:
            return
        if member.outbox.qsize() >= OUTBOX_LIMIT:
            logger.warning(
                "participant too slow: dropping",
                extra={"room": self.id, "participant": member.identity.participant_id},
            )
            self._close_member_channel(member, None)
            return
        member.outbox.put_nowait(sig.encode(message))

    async def _write(self, member: _Member, channel: Channel, outbox: asyncio.Queue[str | None]) -> None:
        try:
            while True:
                text = await outbox.get()
                if text is None:
                    break
                await channel.send(text)
        except (ConnectionError, RuntimeError):
            pass  # the reader notices the closed channel and disconnects
        finally:
            await channel.close()

    def _close_member_channel(self, member: _Member, bye: sig.Bye | None) -> None:
        """Send ``bye`` (if any), then close the channel once everything queued before it is sent."""
        if member.channel is None:
            return
        if bye is not None:
            member.outbox.put_nowait(sig.encode(bye))
        member.outbox.put_nowait(None)

    def _stop_writer(self, member: _Member) -> None:
        member.outbox.put_nowait(None)

    @staticmethod
    async def _reply_direct(channel: Channel, message: BaseModel) -> None:
        with contextlib.suppress(ConnectionError, RuntimeError):
            await channel.send(sig.encode(message))

    def _rate_limited(self, member: _Member) -> bool:
        now = time.monotonic()
        member.recent.append(now)
        while member.recent and member.recent[0] < now - RATE_LIMIT_WINDOW_SECONDS:
            member.recent.popleft()
        return len(member.recent) > RATE_LIMIT_MESSAGES

    def _spawn(self, awaitable: Coroutine[Any, Any, Any]) -> asyncio.Task[Any]:
        task = asyncio.create_task(awaitable)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task


async def _until_connected(pc: RTCPeerConnection) -> bool:
    """Wait until ``pc`` is connected (True) or will never be: failed or closed (False)."""
    done = asyncio.Event()

    def on_change() -> None:
        if pc.connectionState in ("connected", "failed", "closed"):
            done.set()

    pc.on("connectionstatechange", on_change)
    try:
        on_change()
        await done.wait()
    finally:
        with contextlib.suppress(KeyError, ValueError):
            pc.remove_listener("connectionstatechange", on_change)
    return pc.connectionState == "connected"


class SignalingRefused(Exception):
    """A message that is valid JSON of a known type but cannot be acted on; becomes ``error``."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


class LiveRooms:
    """The rooms hosted by this process, by id; a room is created on first join and forgotten when closed."""

    def __init__(
        self,
        *,
        ice_servers: Sequence[dict[str, Any]] = (),
        participant_ice_servers: ParticipantIceServers = _none_more,
        host_grace_seconds: float = 120.0,
        clock: Callable[[], datetime] = _now,
        peer_factory: PeerFactory = new_peer_connection,
        adaptation: AdaptationSettings | None = DEFAULT_ADAPTATION,
        join_timeout: float = JOIN_TIMEOUT_SECONDS,
    ) -> None:
        self.ice_servers = list(ice_servers)
        #: How long a new channel may go without sending ``join`` (see JOIN_TIMEOUT_SECONDS).
        self.join_timeout = join_timeout
        #: How rooms adapt each subscriber's video to its downlink (None: they do not; see
        #: sessions.downlinks).
        self.adaptation = adaptation
        self.participant_ice_servers = participant_ice_servers
        self.host_grace_seconds = host_grace_seconds
        self.clock = clock
        self.peer_factory = peer_factory
        self._rooms: dict[str, LiveRoom] = {}
        #: Called with a room once it has closed (a cluster node releases its placement).
        self.on_room_closed: Callable[[LiveRoom], None] | None = None
        #: Called with a room after each change to it (a cluster node saves its snapshot).
        self.on_room_changed: Callable[[LiveRoom], None] | None = None

    def all(self) -> list[LiveRoom]:
        """The open rooms, in no particular order."""
        return list(self._rooms.values())

    def get(self, room_id: str) -> LiveRoom | None:
        """The open room with this id, if this process hosts it."""
        return self._rooms.get(room_id)

    def open(
        self,
        room_id: str,
        kind: RoomKind,
        observer: RoomObserver | None = None,
        snapshot: Mapping[str, Any] | None = None,
    ) -> LiveRoom:
        """The open room with this id, created if needed (from ``snapshot`` when another server
        hosted it before)."""
        room = self._rooms.get(room_id)
        if room is None or room.closed:
            room = LiveRoom(
                room_id,
                kind,
                ice_servers=self.ice_servers,
                participant_ice_servers=self.participant_ice_servers,
                host_grace_seconds=self.host_grace_seconds,
                observer=observer,
                clock=self.clock,
                peer_factory=self.peer_factory,
                on_closed=self._forget,
                on_changed=self.on_room_changed,
                snapshot=snapshot,
                adaptation=self.adaptation,
                join_timeout=self.join_timeout,
            )
            self._rooms[room_id] = room
        return room

    def __len__(self) -> int:
        return len(self._rooms)

    def _forget(self, room: LiveRoom) -> None:
        if self._rooms.get(room.id) is room:
            del self._rooms[room.id]
            if self.on_room_closed is not None:
                self.on_room_closed(room)

    async def close_all(self) -> None:
        """Close every room (server shutdown): everyone gets ``bye: shutdown``."""
        rooms = list(self._rooms.values())
        for room in rooms:
            await room.close("shutdown")
        for room in rooms:
            await room.wait_closed()


__all__ = [
    "GOES_ON_ELSEWHERE",
    "VISIT_OVER",
    "Channel",
    "Identity",
    "LiveRoom",
    "LiveRooms",
    "NullObserver",
    "Presence",
    "RoomObserver",
    "SignalingRefused",
]
