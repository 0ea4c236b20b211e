"""Node heartbeats in Redis: each node writes its load under a key that expires unless refreshed, so a
node that dies (or loses Redis) drops out of the live set within :data:`HEARTBEAT_TTL_MS`."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass

from redis.asyncio import Redis

from server.cluster import names

#: How often a node refreshes its heartbeat, and how long the heartbeat lives without a refresh.
HEARTBEAT_SECONDS = 1.0
HEARTBEAT_TTL_MS = 3000


@dataclass(frozen=True, slots=True)
class NodeLoad:
    """What a node reports of itself: its live rooms and connected participants, and whether it is
    draining (takes no new rooms)."""

    node_id: str
    rooms: int = 0
    participants: int = 0
    draining: bool = False

    @property
    def sort_key(self) -> tuple[int, int, str]:
        """Least loaded first: media cost follows participants, then rooms; the id breaks ties."""
        return (self.participants, self.rooms, self.node_id)


class NodeRegistry:
    """Heartbeats of every node, in one Redis."""

    def __init__(self, redis: Redis) -> None:
        self.redis = redis

    async def beat(self, load: NodeLoad) -> None:
        """Write (or refresh) this node's heartbeat."""
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.set(names.node(load.node_id), json.dumps(asdict(load)), px=HEARTBEAT_TTL_MS)
            pipe.sadd(names.NODES, load.node_id)
            await pipe.execute()

    async def forget(self, node_id: str) -> None:
        """Remove a node at once (a clean exit), rather than waiting for its heartbeat to expire."""
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.delete(names.node(node_id))
            pipe.srem(names.NODES, node_id)
            await pipe.execute()

    async def is_alive(self, node_id: str) -> bool:
        """Whether the node's heartbeat is current."""
        exists = self.redis.exists(names.node(node_id))
        return bool(await exists)

    async def live(self) -> list[NodeLoad]:
        """Every node with a current heartbeat, least loaded first. Ids whose heartbeat expired are
        pruned from the set."""
        members = self.redis.smembers(names.NODES)
        ids = sorted(str(i) for i in await members)
        if not ids:
            return []
        values = await self.redis.mget([names.node(i) for i in ids])
        live, dead = [], []
        for node_id, value in zip(ids, values, strict=True):
            if value is None:
                dead.append(node_id)
                continue
            data = json.loads(value)
            live.append(
                NodeLoad(
                    node_id=node_id,
                    rooms=int(data.get("rooms", 0)),
                    participants=int(data.get("participants", 0)),
                    draining=bool(data.get("draining", False)),
                )
            )
        if dead:
            await self.redis.srem(names.NODES, *dead)
        return sorted(live, key=lambda n: n.sort_key)
