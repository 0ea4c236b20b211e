"""This process as a node of Rounds: where each live room runs, and the relay of a participant's
signaling between the node their WebSocket reached (the *edge*) and the room's node.

:class:`SoloNode` is the embedded default: every room runs here. :class:`ClusterNode` runs when
``ROUNDS_REDIS_URL`` is set: it beats a heartbeat, places rooms (:mod:`server.cluster.placement`), listens
on its Redis inbox, and relays. Media never crosses nodes: the participant's browser holds its peer
connection with the room's node directly (its ICE candidates are that node's addresses); only the small
signaling messages are relayed, so chat and room events reach everyone wherever they connected.

Failure handling, in short:
* the room's node dies -> its heartbeat expires -> edges close the relayed sockets without a ``bye``,
  browsers reconnect, and the next join places the room on a live node;
* an edge dies -> the room's node sees its heartbeat expire and drops those participants;
* Redis drops the inbox subscription -> every relayed socket is closed (messages may have been lost)
  and the node subscribes again; locally served sockets go on;
* Redis comes back empty (no persistence) -> on its first heartbeat each node claims its live rooms
  back and saves their snapshots again, before its heartbeat makes it visible; until the nodes seen
  before have beaten again, no node places an unplaced room anew (:mod:`server.cluster.epoch`), so a
  participant who reconnects meanwhile is told to retry rather than put in an empty copy of the room.
  A room another live node holds by then is closed here: its participants reconnect to that one.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import socket
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

from aiohttp import WSCloseCode, web
from pydantic import ValidationError
from redis.asyncio import Redis
from redis.exceptions import RedisError

from server.cluster import names
from server.cluster.envelopes import Envelope, GrantData
from server.cluster.epoch import RedisEpoch
from server.cluster.nodes import HEARTBEAT_SECONDS, NodeLoad, NodeRegistry
from server.cluster.placement import Placement
from server.domain.visits import JoinGrant
from server.web.websocket import text_frames
from sessions.live import VISIT_OVER, Channel, LiveRoom, LiveRooms

log = logging.getLogger("rounds.cluster")

#: Serve one participant in this node's room: what the WebSocket handler does for a local socket.
ServeParticipant = Callable[[JoinGrant, Channel, AsyncIterator[str | bytes]], Awaitable[None]]
#: Close code telling the browser to reconnect at once (the room moved or its node went away).
RECONNECT_CODE = WSCloseCode.SERVICE_RESTART
_CLOSED = None  # a relayed connection's queue ends with this
#: How long a relayed participant waits for the room's node to answer their first message.
FIRST_ANSWER_SECONDS = 10.0
#: How long :meth:`ClusterNode.stop` waits for its loops to end once cancelled.
LOOPS_STOP_SECONDS = 5.0


class PeerUnreachable(ConnectionError):
    """A message to another node reached no one: that node is not listening (dead, or its inbox is
    down). The relayed connection ends and the browser reconnects."""


#: How long changes to rooms are gathered before their snapshots are saved together.
SAVE_BATCH_SECONDS = 0.05
#: A saved room snapshot outlives any visit's window (a visit closes at most 6 h after its end).
STATE_TTL_SECONDS = 12 * 3600


class Node(Protocol):
    """What the WebSocket handler and the app's lifecycle need of this process's place in Rounds."""

    node_id: str

    async def home_of(self, room_id: str) -> str | None:
        """None when the room runs here; otherwise the node to relay the participant to."""

    async def relay(self, ws: web.WebSocketResponse, grant: JoinGrant, home: str) -> None:
        """Carry a prepared WebSocket's signaling to and from the room's node until either side ends."""

    async def saved_room(self, room_id: str) -> SavedRoom | None:
        """The room as its previous node left it, when it is being taken over."""

    async def start(self) -> None: ...

    async def drain(self, seconds: float) -> None:
        """Take no new rooms; let live ones finish for up to ``seconds``; then move the rest."""

    async def stop(self) -> None: ...


def default_node_id() -> str:
    """A node id unique on this machine and across restarts: host, process id and a random tail."""
    return f"{socket.gethostname()}-{os.getpid()}-{uuid.uuid4().hex[:6]}"


@dataclass(frozen=True, slots=True)
class SavedRoom:
    """A room another node hosted: its snapshot and the last time that node was seen hosting it."""

    snapshot: dict[str, Any]
    last_seen: datetime


class SoloNode:
    """The embedded default: one process, every room here, nothing shared."""

    node_id = "solo"

    def __init__(self, rooms: LiveRooms) -> None:
        self.rooms = rooms

    async def home_of(self, room_id: str) -> str | None:
        return None

    async def relay(self, ws: web.WebSocketResponse, grant: JoinGrant, home: str) -> None:
        raise RuntimeError("a single Rounds process relays nothing")

    async def saved_room(self, room_id: str) -> SavedRoom | None:
        return None

    async def start(self) -> None:
        return None

    async def drain(self, seconds: float) -> None:
        return None  # shutdown ends the rooms (bye: shutdown), as it always has

    async def stop(self) -> None:
        return None


class _RelayedChannel:
    """The room's side of a participant whose WebSocket is on another node: sending publishes to that
    node's inbox; closing tells it the room is done with them (once)."""

    def __init__(self, node: ClusterNode, edge: str, conn: str) -> None:
        self.node = node
        self.edge = edge
        self.conn = conn
        self.closed = False

    async def send(self, text: str) -> None:
        if self.closed:
            raise ConnectionError("relayed connection closed")
        await self.node.send(
            self.edge, Envelope(kind="frame", conn=self.conn, origin=self.node.node_id, frame=text)
        )

    async def close(self) -> None:
        if self.closed:
            return
        self.closed = True
        self.node.end_relayed(self.conn)  # the room stops reading this participant too
        with contextlib.suppress(RedisError, OSError):
            await self.node.send(
                self.edge,
                Envelope(
                    kind="closed",
                    conn=self.conn,
                    origin=self.node.node_id,
                    moved=self.conn in self.node.moved,
                ),
            )


async def _frames(queue: asyncio.Queue[str | None]) -> AsyncIterator[str | bytes]:
    while (frame := await queue.get()) is not _CLOSED:
        assert frame is not None
        yield frame


class ClusterNode:
    """One of several Rounds processes sharing a Redis (see the module's documentation)."""

    def __init__(
        self,
        redis: Redis,
        node_id: str,
        rooms: LiveRooms,
        serve: ServeParticipant,
        listener: Redis | None = None,
    ) -> None:
        self.redis = redis
        # The inbox subscription waits indefinitely for messages, so it needs a client without the
        # read timeout the commands use (it checks the connection's health instead).
        self.listener = listener or redis
        self.node_id = node_id
        self.rooms = rooms
        self.serve = serve
        self.registry = NodeRegistry(redis)
        self.epoch = RedisEpoch(redis, self.registry, node_id)
        self.placement = Placement(redis, self.registry, self.epoch)
        self.draining = False
        self._leaving: set[str] = set()  # rooms being moved away: never claimed back
        self.moved: set[str] = set()  # relayed connections whose room moved away (reconnect at once)
        self._queues: dict[str, asyncio.Queue[str | None]] = {}  # relayed connection -> its frames
        self._peers: dict[str, str] = {}  # relayed connection -> the node at its other end
        self._tasks: set[asyncio.Task[None]] = set()
        self._loops: list[asyncio.Task[None]] = []
        self._subscribed = asyncio.Event()
        self._beat_now = asyncio.Event()  # set when the inbox listens again: claim rooms back at once
        self._stopping = False
        self._dirty: dict[str, LiveRoom] = {}  # rooms whose snapshot is to be saved
        self._save_wanted = asyncio.Event()
        rooms.on_room_closed = self._room_closed
        rooms.on_room_changed = self._room_changed

    # ------------------------------------------------------------------ lifecycle

    async def start(self) -> None:
        """Listen on the inbox, then beat (so this node can be chosen), and watch peers."""
        self._loops = [
            asyncio.create_task(self._heartbeat_loop(), name="rounds-heartbeat"),
            asyncio.create_task(self._inbox_loop(), name="rounds-inbox"),
            asyncio.create_task(self._watchdog_loop(), name="rounds-watchdog"),
            asyncio.create_task(self._saver_loop(), name="rounds-room-saver"),
        ]
        await asyncio.wait_for(self._subscribed.wait(), timeout=10)
        await self._beat()
        log.info("node started", extra={"node": self.node_id})

    async def drain(self, seconds: float) -> None:
        self.draining = True
        with contextlib.suppress(RedisError, OSError):
            await self._beat()
        log.info("draining", extra={"node": self.node_id, "rooms": len(self.rooms)})
        finishing = [asyncio.create_task(room.wait_closed()) for room in self.rooms.all()]
        if finishing:
            _done, pending = await asyncio.wait(finishing, timeout=seconds)
            for task in pending:
                task.cancel()
        for room in self.rooms.all():
            self._leaving.add(room.id)
            with contextlib.suppress(RedisError, OSError):
                await self.placement.release(room.id, self.node_id)
            self.moved.update(self._queues)  # relayed participants: their edges reconnect them at once
            await room.close("moved")
        for room in self.rooms.all():
            await room.wait_closed()

    async def stop(self) -> None:
        self._stopping = True  # the loops end at their next turn even if a cancellation is lost
        for task in self._loops:
            task.cancel()
        if self._loops:
            _done, stuck = await asyncio.wait(self._loops, timeout=LOOPS_STOP_SECONDS)
            if stuck:
                log.warning(
                    "loops still running at stop: %s",
                    sorted(task.get_name() for task in stuck),
                    extra={"node": self.node_id},
                )
        for queue in self._queues.values():
            queue.put_nowait(_CLOSED)
        if self._tasks:
            await asyncio.wait(self._tasks, timeout=5)
        with contextlib.suppress(RedisError, OSError):
            await self.registry.forget(self.node_id)
        await self.redis.aclose()
        if self.listener is not self.redis:
            await self.listener.aclose()

    # ------------------------------------------------------------------ placement

    async def home_of(self, room_id: str) -> str | None:
        if not self._subscribed.is_set():
            # Until this node hears its inbox again (Redis just came back), answers to a relay or
            # to a room here could not reach it: the caller is told to retry (503).
            raise ConnectionError("this node is not listening to Redis yet")
        local = self.rooms.get(room_id)
        if local is not None and not local.closed and room_id not in self._leaving:
            # Its participants are here: keep it here unless a live node holds it (claimed back at
            # once, should Redis have lost its placement since the last heartbeat).
            claim = (await self.placement.reclaim([room_id], self.node_id))[room_id]
            home = claim.holder
            if claim.renewed:  # Redis lost it with the snapshot: save that again too
                self._room_changed(local)
        else:
            home = await self.placement.place(room_id, prefer=self.node_id)
        if home == self.node_id:
            return None
        stale = self.rooms.get(room_id)
        if stale is not None:  # placed elsewhere while this node could not beat: that copy is stale
            log.warning("room placed elsewhere: closing the local copy", extra={"room": room_id})
            await stale.close("moved")
        return home

    def _room_closed(self, room: LiveRoom) -> None:
        self._dirty.pop(room.id, None)
        self._spawn(self._release(room.id, over=room.closed_reason in VISIT_OVER))

    async def _release(self, room_id: str, *, over: bool) -> None:
        """Give up the room's placement; when the visit is over, forget its saved state too (a room
        moved or shut down keeps it for the node that carries it on)."""
        with contextlib.suppress(RedisError, OSError):
            await self.placement.release(room_id, self.node_id)
            if over:
                await self.redis.delete(names.room_state(room_id))
                await self.redis.hdel(names.ROOMS_SEEN, room_id)

    # ------------------------------------------------------------------ saved room state

    def _room_changed(self, room: LiveRoom) -> None:
        self._dirty[room.id] = room
        self._save_wanted.set()

    async def _saver_loop(self) -> None:
        """Save changed rooms' snapshots, a batch at a time (changes come in bursts)."""
        while True:
            await self._save_wanted.wait()
            await asyncio.sleep(SAVE_BATCH_SECONDS)
            self._save_wanted.clear()
            batch, self._dirty = self._dirty, {}
            try:
                async with self.redis.pipeline(transaction=False) as pipe:
                    for room in batch.values():
                        if not room.closed:
                            pipe.set(
                                names.room_state(room.id),
                                json.dumps(room.room.snapshot()),
                                ex=STATE_TTL_SECONDS,
                            )
                    await pipe.execute()
            except (RedisError, OSError) as exc:
                log.warning("room snapshots not saved: %s", exc, extra={"node": self.node_id})
                self._dirty = {**batch, **self._dirty}

    async def saved_room(self, room_id: str) -> SavedRoom | None:
        raw = await self.redis.get(names.room_state(room_id))
        if raw is None:
            return None
        seen = await self.redis.hget(names.ROOMS_SEEN, room_id)
        try:
            snapshot = json.loads(raw)
            last_seen = datetime.fromisoformat(str(seen)) if seen else datetime.now(UTC)
        except ValueError:
            log.warning("damaged room snapshot ignored", extra={"room": room_id})
            return None
        return SavedRoom(snapshot, last_seen)

    # ------------------------------------------------------------------ messages between nodes

    async def send(self, node_id: str, envelope: Envelope) -> None:
        """Publish to a node's inbox. Raises :class:`PeerUnreachable` when no one listens there."""
        listeners = await self.redis.publish(
            names.inbox(node_id), envelope.model_dump_json(exclude_none=True)
        )
        if not listeners:
            raise PeerUnreachable(f"node {node_id} is not listening")

    def _dispatch(self, raw: str) -> None:
        try:
            envelope = Envelope.model_validate_json(raw)
        except ValidationError:
            log.warning("dropped a malformed envelope", extra={"node": self.node_id})
            return
        if envelope.kind == "attach":
            grant = envelope.grant
            if grant is None:
                return
            # A draining node still serves the rooms it has (they are finishing), but no new one.
            if not self.draining or self.rooms.get(str(grant.visit_id)) is not None:
                self._attach(envelope.conn, envelope.origin, grant)
            else:
                self.moved.add(envelope.conn)
                self._spawn(_RelayedChannel(self, envelope.origin, envelope.conn).close())
            return
        queue = self._queues.get(envelope.conn)
        if queue is None:
            return
        if envelope.kind == "frame" and envelope.frame is not None:
            queue.put_nowait(envelope.frame)
        elif envelope.kind in ("close", "closed"):
            if envelope.moved:
                self.moved.add(envelope.conn)
            queue.put_nowait(_CLOSED)

    # ------------------------------------------------------------------ the room's side

    def _attach(self, conn: str, edge: str, grant: GrantData) -> None:
        queue: asyncio.Queue[str | None] = asyncio.Queue()
        self._queues[conn] = queue
        self._peers[conn] = edge
        self._spawn(self._serve_relayed(conn, edge, grant.grant(), queue))

    async def _serve_relayed(
        self, conn: str, edge: str, grant: JoinGrant, queue: asyncio.Queue[str | None]
    ) -> None:
        channel = _RelayedChannel(self, edge, conn)
        try:
            await self.serve(grant, channel, _frames(queue))
        except Exception:
            log.exception(
                "relayed participant failed", extra={"node": self.node_id, "room": str(grant.visit_id)}
            )
        finally:
            self._forget(conn)
            await channel.close()

    # ------------------------------------------------------------------ the edge's side

    async def relay(self, ws: web.WebSocketResponse, grant: JoinGrant, home: str) -> None:
        conn = f"{self.node_id}/{uuid.uuid4().hex}"
        queue: asyncio.Queue[str | None] = asyncio.Queue()
        self._queues[conn] = queue
        self._peers[conn] = home
        answered = asyncio.Event()
        pump = asyncio.create_task(self._pump(ws, queue, conn, answered))
        watchdog: asyncio.Task[None] | None = None
        log.info("relaying", extra={"node": self.node_id, "room": str(grant.visit_id), "to": home})
        try:
            await self.send(
                home, Envelope(kind="attach", conn=conn, origin=self.node_id, grant=GrantData.of(grant))
            )
            async for frame in text_frames(ws):
                text = frame if isinstance(frame, str) else frame.decode("utf-8", errors="replace")
                await self.send(home, Envelope(kind="frame", conn=conn, origin=self.node_id, frame=text))
                if watchdog is None:
                    watchdog = asyncio.create_task(self._expect_answer(conn, answered))
        except (RedisError, OSError) as exc:  # PeerUnreachable included
            log.warning("relay to %s ended: %s", home, exc, extra={"node": self.node_id})
            self.moved.add(conn)
        finally:
            if watchdog is not None:
                watchdog.cancel()
            if not pump.done():
                if conn not in self.moved:
                    with contextlib.suppress(RedisError, OSError):
                        await self.send(home, Envelope(kind="close", conn=conn, origin=self.node_id))
                queue.put_nowait(_CLOSED)
            await pump
            self._forget(conn)

    async def _expect_answer(self, conn: str, answered: asyncio.Event) -> None:
        """The room's node answers a participant's first message at once; if it does not (it stopped
        listening just as the relay began), end the relay so the browser reconnects."""
        try:
            await asyncio.wait_for(answered.wait(), FIRST_ANSWER_SECONDS)
        except TimeoutError:
            log.warning("no answer from the room's node: reconnecting", extra={"node": self.node_id})
            self.moved.add(conn)
            self.end_relayed(conn)

    async def _pump(
        self, ws: web.WebSocketResponse, queue: asyncio.Queue[str | None], conn: str, answered: asyncio.Event
    ) -> None:
        """The room's messages onto the socket; when the room is done, close it (to reconnect at once
        when the room moved or its node died)."""
        while (text := await queue.get()) is not _CLOSED:
            assert text is not None
            answered.set()
            if ws.closed:
                break
            with contextlib.suppress(ConnectionError, RuntimeError):
                await ws.send_str(text)
        code = RECONNECT_CODE if conn in self.moved else WSCloseCode.OK
        await ws.close(code=code)

    # ------------------------------------------------------------------ loops

    async def _beat(self) -> None:
        lost = await self.epoch.observe(look_at_nodes=True)
        if lost:
            log.warning(
                "Redis lost its data: claiming this node's %d rooms back",
                len(self.rooms.all()),
                extra={"node": self.node_id},
            )
        await self._reclaim_rooms(saving_all=lost)
        # Only now does this node show itself alive: a node placing a room it finds unplaced waits
        # for this heartbeat (see server.cluster.epoch), so it finds this node's rooms claimed.
        rooms = self.rooms.all()
        participants = sum(room.member_count for room in rooms)
        await self.registry.beat(NodeLoad(self.node_id, len(rooms), participants, self.draining))
        if rooms:  # when each room was last seen alive here (a taking-over node ends attendance then)
            now = datetime.now(UTC).isoformat()
            await self.redis.hset(names.ROOMS_SEEN, mapping={r.id: now for r in rooms})

    async def _reclaim_rooms(self, *, saving_all: bool) -> None:
        """Claim this node's live rooms back where their placement was lost, and save the snapshot of
        each such room (of every room when ``saving_all``: Redis lost its data). A room a live node
        holds is a stale copy here: it closes and its participants reconnect to that node."""
        rooms = [r for r in self.rooms.all() if not r.closed and r.id not in self._leaving]
        claims = await self.placement.reclaim([r.id for r in rooms], self.node_id)
        for room in rooms:
            claim = claims[room.id]
            if claim.holder != self.node_id:
                log.warning(
                    "room held by another node: closing the local copy",
                    extra={"room": room.id, "holder": claim.holder},
                )
                self._spawn(room.close("moved"))
            elif claim.renewed or saving_all:
                self._room_changed(room)

    async def _heartbeat_loop(self) -> None:
        while True:
            # A node that cannot hear its inbox must not look alive: rooms would be placed on it and
            # relays sent to it that nobody reads. Its heartbeat lapses until it listens again.
            await self._subscribed.wait()
            self._beat_now.clear()
            try:
                await self._beat()
            except (RedisError, OSError) as exc:
                log.warning("heartbeat failed: %s", exc, extra={"node": self.node_id})
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._beat_now.wait(), HEARTBEAT_SECONDS)

    async def _inbox_loop(self) -> None:
        delay = 0.2
        # Checked as well as cancelled: should a cancellation ever be lost inside the Redis client (it
        # retries and reconnects internally), the loop still ends at its next turn.
        while not self._stopping:
            pubsub = self.listener.pubsub(ignore_subscribe_messages=True)
            try:
                await pubsub.subscribe(names.inbox(self.node_id))
                self._subscribed.set()
                self._beat_now.set()
                delay = 0.2
                while not self._stopping:
                    message = await pubsub.get_message(timeout=1.0)
                    if message is not None and message.get("type") == "message":
                        self._dispatch(str(message["data"]))
            except (RedisError, OSError) as exc:
                self._subscribed.clear()
                log.warning("inbox lost: %s; closing relayed sockets", exc, extra={"node": self.node_id})
                self._end_relays(None)
            finally:
                with contextlib.suppress(RedisError, OSError):
                    await pubsub.aclose()
            await asyncio.sleep(delay)
            delay = min(delay * 2, 1.0)

    async def _watchdog_loop(self) -> None:
        """End relayed connections whose other node stopped beating."""
        while True:
            await asyncio.sleep(HEARTBEAT_SECONDS)
            peers = set(self._peers.values())
            try:
                dead = {peer for peer in peers if not await self.registry.is_alive(peer)}
            except (RedisError, OSError):
                continue
            if dead:
                log.warning("nodes gone: %s", sorted(dead), extra={"node": self.node_id})
                self._end_relays(dead)

    def _end_relays(self, peers: set[str] | None) -> None:
        """Close the relayed connections with these nodes (all when None), telling browsers to
        reconnect at once."""
        for conn, peer in list(self._peers.items()):
            if peers is None or peer in peers:
                self.moved.add(conn)
                queue = self._queues.get(conn)
                if queue is not None:
                    queue.put_nowait(_CLOSED)

    def end_relayed(self, conn: str) -> None:
        """End a relayed connection's incoming frames (its reader finishes)."""
        if (queue := self._queues.get(conn)) is not None:
            queue.put_nowait(_CLOSED)

    def _forget(self, conn: str) -> None:
        self._queues.pop(conn, None)
        self._peers.pop(conn, None)
        self.moved.discard(conn)

    def _spawn(self, awaitable: Awaitable[None]) -> None:
        async def run() -> None:
            await awaitable

        task = asyncio.create_task(run())
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
