"""A participant written in Python: speaks the signaling protocol (``docs/signaling.md``) over a
WebSocket or an in-memory channel, publishes synthetic or file-based media with aiortc, and keeps
track of what it receives from whom. The tests and the benchmarks use it; so can anyone who wants a
scripted participant::

    client = ParticipantClient(lambda: WebSocketTransport.connect(url, cookies=..., origin=...))
    await client.join()
    await client.wait_until(lambda: client.frames_from("user-3", "video") > 0)
    await client.leave()
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable, Mapping
from typing import Any, Literal, Protocol

import aiohttp
from aiortc import (
    AudioStreamTrack,
    MediaStreamTrack,
    RTCPeerConnection,
    RTCRtpTransceiver,
    RTCSessionDescription,
)
from aiortc.rtp import RtpPacket
from pydantic import BaseModel

from sessions import signaling as sig
from sessions.forwarding import is_keyframe, skip_lost_video_packets
from sessions.jitter import SkippedHole
from sessions.loopback import close_peer_connection, new_peer_connection
from sessions.sources import FrameSink, SyntheticVideo

logger = logging.getLogger(__name__)

#: Bound on waits that should take milliseconds: a stuck exchange fails instead of hanging.
WAIT_SECONDS = 20.0
#: Delay between reconnection attempts (a participant whose network returns is back within ~this).
RECONNECT_INTERVAL_SECONDS = 0.25

#: Told of every audio RTP packet received: (participant id, the receiving stream (a number, new for
#: each receiver: a reconnect starts new sequence numbers), extended sequence number, RTP timestamp,
#: arrival ``time.monotonic()``).
AudioPacketHook = Callable[[str, int, int, int, float], None]


class Transport(Protocol):
    """A participant's message channel to the server."""

    async def send(self, text: str) -> None:
        """Send one frame; raises ConnectionError when closed."""

    async def receive(self) -> str | None:
        """The next frame, or None when the channel is closed."""

    async def close(self) -> None:
        """Close the channel."""


class WebSocketTransport:
    """The protocol over ``/ws/sessions/{id}`` with aiohttp's client."""

    def __init__(self, http: aiohttp.ClientSession, ws: aiohttp.ClientWebSocketResponse) -> None:
        self._http = http
        self._ws = ws

    @classmethod
    async def connect(
        cls, url: str, *, cookies: Mapping[str, str] | None = None, origin: str | None = None
    ) -> WebSocketTransport:
        """Open the socket, sending the login (or patient pass) cookies and the page's Origin."""
        http = aiohttp.ClientSession(cookies=dict(cookies or {}))
        try:
            ws = await http.ws_connect(url, origin=origin, heartbeat=10.0)
        except BaseException:
            await http.close()
            raise
        return cls(http, ws)

    async def send(self, text: str) -> None:
        if self._ws.closed:
            raise ConnectionError("socket closed")
        await self._ws.send_str(text)

    async def receive(self) -> str | None:
        message = await self._ws.receive()
        if message.type is aiohttp.WSMsgType.TEXT:
            return str(message.data)
        return None

    async def close(self) -> None:
        await self._ws.close()
        await self._http.close()


Connect = Callable[[], Awaitable[Transport]]
TrackSource = Literal["synthetic"] | Callable[[], MediaStreamTrack]
#: Rewrites an outgoing description, given its type ("offer" or "answer") and SDP: lets a test make
#: this client look like a browser on the wire (mDNS candidates, rejected sections, other codecs).
SdpFilter = Callable[[str, str], str]


class ParticipantClient:
    """One participant: a channel to the server, one peer connection, media out and sinks for media in.

    ``video``/``audio``: ``"synthetic"`` for a generated test pattern / tone, a function returning a
    new track (e.g. from :func:`sessions.sources.file_tracks`), or None to send nothing of that kind.
    A function, because aiortc stops a track when its peer connection closes, so every reconnect needs
    fresh tracks. The client publishes what it is given whatever the room allows: the server decides
    what is forwarded. ``sdp_filter`` rewrites every description before it is sent (see
    :data:`SdpFilter`); the client's own peer connection keeps the unrewritten one.
    """

    def __init__(
        self,
        connect: Connect,
        *,
        video: TrackSource | None = "synthetic",
        audio: TrackSource | None = "synthetic",
        auto_reconnect: bool = False,
        peer_factory: Callable[[list[dict[str, Any]]], RTCPeerConnection] = new_peer_connection,
        sdp_filter: SdpFilter | None = None,
    ) -> None:
        self._connect = connect
        self._sdp_filter = sdp_filter
        self._video_source = video
        self._audio_source = audio
        self.auto_reconnect = auto_reconnect
        self._peer_factory = peer_factory
        self.transport: Transport | None = None
        self.pc: RTCPeerConnection | None = None
        self.welcome: sig.Welcome | None = None
        self.state: sig.State | None = None
        self.bye: sig.Bye | None = None
        self.chat: list[sig.ChatOut] = []
        self.errors: list[sig.ErrorOut] = []
        self.track_map: dict[str, tuple[str, str | None]] = {}
        #: What the server does not send because this client refused its codec (from ``tracks``).
        self.unplayable: list[sig.UnplayableTrack] = []
        #: What the server sends of each participant's video now, and why (from ``levels``): a
        #: participant missing here is at full. Every ``levels`` message received, in order.
        self.video_levels: dict[str, sig.VideoLevel] = {}
        self.levels_received: list[sig.Levels] = []
        self.sinks: dict[str, FrameSink] = {}
        self.frames: dict[tuple[str, str], int] = {}
        self.first_frame_at: dict[tuple[str, str], float] = {}
        self.join_sent_at: float | None = None
        self.reconnects = 0
        #: Lost video packets given up on (each a hole after which the picture waits for a keyframe).
        self.video_holes_skipped = 0
        #: Audio RTP packets received per participant, as the network delivered them (before aiortc's
        #: jitter buffer, which discards several decoded frames around each lost packet), and hooks told
        #: of each one (see :data:`AudioPacketHook`).
        self.audio_packets: dict[str, int] = {}
        self.on_audio_packet: list[AudioPacketHook] = []
        self._audio_streams = 0
        self._tracks: list[MediaStreamTrack] = []
        self._reader: asyncio.Task[None] | None = None
        self._reconnector: asyncio.Task[None] | None = None
        self._answer: asyncio.Future[str] | None = None
        self._welcomed: asyncio.Future[sig.Welcome] | None = None
        self._changed = asyncio.Event()
        self._leaving = False
        self._closed = False

    # ------------------------------------------------------------------ observation

    @property
    def participant_id(self) -> str | None:
        """The id the server gave this participant."""
        return self.welcome.participant_id if self.welcome else None

    def me(self) -> sig.ParticipantView | None:
        """This participant as the last ``state`` showed them."""
        if self.state is None:
            return None
        return next((p for p in self.state.participants if p.id == self.participant_id), None)

    def video_level(self, participant_id: str) -> str:
        """What this client receives of a participant's video: ``full``, ``low`` or ``paused``."""
        level = self.video_levels.get(participant_id)
        return level.level if level is not None else "full"

    def frames_from(self, participant_id: str, kind: str) -> int:
        """Decoded frames received from a participant's ``kind`` track so far."""
        return self.frames.get((participant_id, kind), 0)

    async def wait_until(self, predicate: Callable[[], bool], bound: float = WAIT_SECONDS) -> None:
        """Wait until ``predicate()`` holds, re-checking on every message and every ~20 ms."""
        async with asyncio.timeout(bound):
            while not predicate():
                self._changed.clear()
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(0.02):
                        await self._changed.wait()

    # ------------------------------------------------------------------ joining

    async def join(self) -> sig.Welcome:
        """Open the channel, join, and (whether admitted or waiting) connect media with an offer."""
        self._leaving = False
        self.bye = None
        self.transport = await self._connect()
        loop = asyncio.get_running_loop()
        self._welcomed = loop.create_future()
        self._reader = asyncio.ensure_future(self._read(self.transport))
        self.join_sent_at = time.perf_counter()
        await self.send(sig.Join(type="join"))
        async with asyncio.timeout(WAIT_SECONDS):
            welcome = await asyncio.shield(self._welcomed)
        await self._connect_media(welcome)
        return welcome

    async def _connect_media(self, welcome: sig.Welcome) -> None:
        old_pc = self.pc
        await self._stop_sinks()
        if old_pc is not None:
            await close_peer_connection(old_pc)
        self.track_map.clear()
        self.video_levels.clear()  # a new connection starts at full
        pc = self._peer_factory(list(welcome.ice_servers))
        self.pc = pc
        for track in self._tracks:
            track.stop()
        self._tracks = self._make_tracks()
        for track in self._tracks:
            pc.addTransceiver(track, direction="sendonly")

        @pc.on("track")
        def on_track(track: MediaStreamTrack) -> None:
            transceiver = next((t for t in pc.getTransceivers() if t.receiver.track is track), None)
            mid = None if transceiver is None else transceiver.mid
            if transceiver is not None and track.kind == "video":
                self._skip_lost_video(transceiver)
            if transceiver is not None and track.kind == "audio" and mid is not None:
                self._watch_audio_packets(transceiver, mid)
            if mid is not None and self.pc is pc:
                sink = FrameSink(track, mid)
                sink.on_frame.append(self._count_frame)
                self.sinks[mid] = sink

        @pc.on("connectionstatechange")
        def on_state() -> None:
            self._changed.set()

        await pc.setLocalDescription(await pc.createOffer())
        self._answer = asyncio.get_running_loop().create_future()
        await self.send(sig.Offer(type="offer", sdp=self._outgoing("offer", pc.localDescription.sdp)))
        async with asyncio.timeout(WAIT_SECONDS):
            await self._answer  # applied by the reader, in order with what follows it

    def _make_tracks(self) -> list[MediaStreamTrack]:
        tracks: list[MediaStreamTrack] = []
        if self._audio_source == "synthetic":
            tracks.append(AudioStreamTrack())
        elif self._audio_source is not None:
            tracks.append(self._audio_source())
        if self._video_source == "synthetic":
            tracks.append(SyntheticVideo())
        elif self._video_source is not None:
            tracks.append(self._video_source())
        return tracks

    def _skip_lost_video(self, transceiver: RTCRtpTransceiver) -> None:
        # A browser gives up on video packets that a retransmission did not bring and asks for a
        # keyframe; aiortc's own receiver waits until 512 later packets have come, which after a few
        # seconds without network is many seconds of frozen picture once the network is back.
        codecs = list(getattr(transceiver, "_codecs", []) or [])
        mime = codecs[0].mimeType if codecs else None

        def starts_keyframe(data: bytes) -> bool:
            return mime is None or is_keyframe(mime, data)

        def on_hole_skipped(hole: SkippedHole) -> None:
            self.video_holes_skipped += 1

        skip_lost_video_packets(
            transceiver.receiver, on_hole_skipped=on_hole_skipped, is_keyframe_start=starts_keyframe
        )

    def _watch_audio_packets(self, transceiver: RTCRtpTransceiver, mid: str) -> None:
        # What a browser hears is closer to the packets that arrived than to aiortc's decoded frames:
        # a browser conceals a single lost packet (NetEq, Opus FEC) where aiortc's jitter buffer drops
        # about five frames. The router calls the receiver's _handle_rtp_packet for each packet: this
        # wraps that one receiver's (an instance attribute, not a class patch).
        receiver = transceiver.receiver
        handle = receiver._handle_rtp_packet
        last: list[int] = []  # the last extended sequence number
        stream = self._audio_streams = self._audio_streams + 1

        async def handle_rtp_packet(packet: RtpPacket, arrival_time_ms: int) -> None:
            sequence = packet.sequence_number
            if last:
                # Extend the 16-bit number to the one nearest the last (wraps and reordering).
                sequence += last[0] - (last[0] & 0xFFFF)
                if sequence - last[0] > 0x8000:
                    sequence -= 0x10000
                elif last[0] - sequence > 0x8000:
                    sequence += 0x10000
                last[0] = max(last[0], sequence)
            else:
                last.append(sequence)
            self._count_audio_packet(mid, stream, sequence, packet.timestamp)
            await handle(packet, arrival_time_ms=arrival_time_ms)

        receiver._handle_rtp_packet = handle_rtp_packet  # type: ignore[method-assign]

    def _count_audio_packet(self, mid: str, stream: int, sequence: int, timestamp: int) -> None:
        source = self.track_map.get(mid)
        if source is None or source[1] is None:
            return
        who = source[1]
        self.audio_packets[who] = self.audio_packets.get(who, 0) + 1
        now = time.monotonic()
        for hook in self.on_audio_packet:
            hook(who, stream, sequence, timestamp, now)

    def _count_frame(self, sink: FrameSink) -> None:
        source = self.track_map.get(sink.mid or "")
        if source is None or source[1] is None:
            return
        key = (source[1], source[0])
        self.frames[key] = self.frames.get(key, 0) + 1
        self.first_frame_at.setdefault(key, time.perf_counter())
        self._changed.set()

    # ------------------------------------------------------------------ messages

    async def send(self, message: BaseModel) -> None:
        """Send one protocol message (any model from :mod:`sessions.signaling`)."""
        if self.transport is None:
            raise ConnectionError("not connected")
        await self.transport.send(sig.encode(message))

    async def send_raw(self, text: str) -> None:
        """Send a frame as is: for tests of what the server does with bad input."""
        if self.transport is None:
            raise ConnectionError("not connected")
        await self.transport.send(text)

    async def _read(self, transport: Transport) -> None:
        try:
            while True:
                text = await transport.receive()
                if text is None:
                    break
                try:
                    message = sig.parse_server_message(text)
                except ValueError:
                    logger.warning("unreadable message from the server")
                    continue
                try:
                    await self._on_message(message)
                except ConnectionError as exc:
                    # The channel closed under the reply (the participant dropped or the node went
                    # away): the reader ends with the channel and reconnecting, if on, takes over.
                    logger.info("the channel closed while acting on the server's %s: %s", message.type, exc)
                except Exception:  # one bad exchange must not end the participant's channel
                    logger.exception("could not act on the server's %s", message.type)
                self._changed.set()
        finally:
            self._changed.set()
            if transport is self.transport:
                self._on_channel_closed()

    async def _on_message(self, message: sig.ServerMessage) -> None:
        match message:
            case sig.Welcome():
                self.welcome = message
                if self._welcomed is not None and not self._welcomed.done():
                    self._welcomed.set_result(message)
            case sig.State():
                self.state = message
            case sig.ServerAnswer(sdp=sdp):
                # Applied here, not by join(): an offer from the server may come right behind it.
                if self.pc is not None and self.pc.signalingState == "have-local-offer":
                    await self.pc.setRemoteDescription(RTCSessionDescription(sdp=sdp, type="answer"))
                if self._answer is not None and not self._answer.done():
                    self._answer.set_result(sdp)
            case sig.ServerOffer(sdp=sdp):
                await self._answer_offer(sdp)
            case sig.Tracks(tracks=tracks, unplayable=unplayable):
                self.track_map = {t.mid: (t.kind, t.participant_id) for t in tracks}
                self.unplayable = list(unplayable)
            case sig.Levels(video=video):
                self.video_levels = {level.participant_id: level for level in video}
                self.levels_received.append(message)
            case sig.ChatOut():
                self.chat.append(message)
            case sig.ErrorOut():
                self.errors.append(message)
                if self._welcomed is not None and not self._welcomed.done() and message.refused == "join":
                    self._welcomed.set_exception(ConnectionRefusedError(message.message))
            case sig.Bye():
                self.bye = message
            case sig.Pong():
                pass

    async def _answer_offer(self, sdp: str) -> None:
        pc = self.pc
        if pc is None:
            return
        await pc.setRemoteDescription(RTCSessionDescription(sdp=sdp, type="offer"))
        await pc.setLocalDescription(await pc.createAnswer())
        await self.send(sig.Answer(type="answer", sdp=self._outgoing("answer", pc.localDescription.sdp)))

    def _outgoing(self, kind: str, sdp: str) -> str:
        return sdp if self._sdp_filter is None else self._sdp_filter(kind, sdp)

    # ------------------------------------------------------------------ leaving, dropping, reconnecting

    def _on_channel_closed(self) -> None:
        if self._welcomed is not None and not self._welcomed.done():
            self._welcomed.set_exception(ConnectionError("the server closed the channel"))
        reconnecting = self._reconnector is not None and not self._reconnector.done()
        if (
            self.auto_reconnect
            and not self._leaving
            and not self._closed
            and self.bye is None
            and not reconnecting
        ):
            # One loop at a time: a reconnection whose new channel closes at once is retried by the
            # loop that made it, not by a second loop racing it (which would replace the first).
            self._reconnector = asyncio.ensure_future(self._reconnect_loop())

    async def _reconnect_loop(self) -> None:
        while not self._closed and not self._leaving:
            await asyncio.sleep(RECONNECT_INTERVAL_SECONDS)
            try:
                await self.reconnect()
                return
            except (OSError, TimeoutError, aiohttp.ClientError) as exc:
                logger.info("reconnect failed (%s); retrying", exc)

    async def reconnect(self) -> sig.Welcome:
        """Come back after a drop: a new channel, ``join`` again, a new peer connection and offer."""
        old = self.transport
        if old is not None:
            self.transport = None
            await old.close()
        welcome = await self.join()
        self.reconnects += 1
        return welcome

    async def drop(self) -> None:
        """Lose the network: the channel and the peer connection go away without a ``leave``."""
        transport, self.transport = self.transport, None
        if transport is not None:
            await transport.close()
        if self._reader is not None:  # it may be in the middle of an exchange on the connection
            await asyncio.gather(self._reader, return_exceptions=True)
        pc, self.pc = self.pc, None
        await self._stop_sinks()
        if pc is not None:
            await close_peer_connection(pc)

    async def leave(self) -> None:
        """Leave politely: ``leave``, wait for ``bye``, then close everything."""
        self._leaving = True
        if self.transport is not None:
            with contextlib.suppress(ConnectionError):
                await self.send(sig.Leave(type="leave"))
                with contextlib.suppress(TimeoutError):
                    await self.wait_until(lambda: self.bye is not None, bound=5.0)
        await self.close()

    async def close(self) -> None:
        """Close the channel, the peer connection, the sinks and the local tracks."""
        self._closed = True
        if self._reconnector is not None:
            self._reconnector.cancel()
            await asyncio.gather(self._reconnector, return_exceptions=True)
        transport, self.transport = self.transport, None
        if transport is not None:
            await transport.close()
        if self._reader is not None:
            await asyncio.gather(self._reader, return_exceptions=True)
        await self._stop_sinks()
        if self.pc is not None:
            await close_peer_connection(self.pc)
        for track in self._tracks:
            track.stop()

    async def _stop_sinks(self) -> None:
        sinks, self.sinks = list(self.sinks.values()), {}
        for sink in sinks:
            await sink.stop()
