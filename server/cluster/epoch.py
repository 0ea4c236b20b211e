"""Noticing that Redis lost what it held (it restarted without persistence, or was emptied), so that
rooms' placements are taken back by the nodes that still host them before any room is placed anew.

Redis keeps a token under :data:`names.EPOCH` that the first node to find it missing writes; each node
remembers the token it last saw. A different token means the data went away: every placement, room
snapshot and heartbeat with it. The nodes still hold their live rooms in memory, and each one claims
its rooms back on its next heartbeat (:mod:`server.cluster.node`). Until the nodes this one saw beating
before have beaten again (or :data:`RECOVERY_SECONDS` has passed, for a node that died meanwhile), a
room with no placement may still belong to one of them, so it is not placed anew: the join is refused
with 503 and the participant retries (a browser does by itself), instead of being put in an empty room
of its own while the others stay in the old one.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable

from redis.asyncio import Redis

from server.cluster import names
from server.cluster.nodes import HEARTBEAT_TTL_MS, NodeRegistry

#: The longest a node waits for the others to claim their rooms back: a node that has not beaten by
#: the time its heartbeat would have expired is taken for dead, as anywhere else in the cluster.
RECOVERY_SECONDS = HEARTBEAT_TTL_MS / 1000


class RedisEpoch:
    """This node's view of which Redis "lifetime" it is in, and whether the cluster is still claiming
    its rooms back after the last time Redis lost its data."""

    def __init__(
        self,
        redis: Redis,
        registry: NodeRegistry,
        node_id: str,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.redis = redis
        self.registry = registry
        self.node_id = node_id
        self.clock = clock
        self.token: str | None = None
        #: The other nodes seen beating at the last look: after a loss, those awaited.
        self.known: set[str] = set()
        self._awaited: set[str] = set()
        self._until: float | None = None

    async def observe(self, *, look_at_nodes: bool = False) -> bool:
        """Read the token (writing one if Redis has none). True when it changed since the last look:
        Redis lost its data, and the nodes known before are awaited from now on. With
        ``look_at_nodes`` (each heartbeat), also remember which nodes beat now."""
        await self.redis.set(names.EPOCH, uuid.uuid4().hex, nx=True)
        token = str(await self.redis.get(names.EPOCH))
        lost = self.token is not None and token != self.token
        self.token = token
        if lost:
            self._awaited = set(self.known)
            self._until = self.clock() + RECOVERY_SECONDS
        if look_at_nodes:
            self.known = {n.node_id for n in await self.registry.live()} - {self.node_id}
        return lost

    async def settled(self) -> bool:
        """Whether a room with no placement may be placed anew: no loss of Redis's data is being
        recovered from, or every node awaited has beaten again (so has claimed its rooms back), or
        the wait is over."""
        if self._until is None:
            return True
        if self.clock() >= self._until:
            self._until = None
            return True
        self._awaited = {n for n in self._awaited if not await self.registry.is_alive(n)}
        if not self._awaited:
            self._until = None
        return self._until is None
