"""Room -> node placement in Redis. A room stays on the node that hosts it while that node's heartbeat
lives; otherwise (new room, or its node died) it goes to the least-loaded live node that is not
draining. The check-and-claim is one Lua script, so two nodes placing the same room at once agree."""

from __future__ import annotations

from redis.asyncio import Redis

from server.cluster import names
from server.cluster.nodes import NodeRegistry

# KEYS[1]: the room's key. ARGV[1]: the candidate node; ARGV[2]: the heartbeat key prefix.
# Keep the current node if its heartbeat lives; otherwise claim the room for the candidate.
_CLAIM = """
local current = redis.call('GET', KEYS[1])
if current and redis.call('EXISTS', ARGV[2] .. current) == 1 then
  return current
end
redis.call('SET', KEYS[1], ARGV[1])
return ARGV[1]
"""
# KEYS[1]: the room's key. ARGV[1]: the node giving it up. Delete only if it is still that node's.
_RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
"""


class NoLiveNode(Exception):
    """No node can take the room (all draining, or none beating)."""


class Placement:
    """Where each live room runs."""

    def __init__(self, redis: Redis, registry: NodeRegistry) -> None:
        self.redis = redis
        self.registry = registry
        self._claim = redis.register_script(_CLAIM)
        self._release = redis.register_script(_RELEASE)

    async def node_of(self, room_id: str) -> str | None:
        """The node hosting the room now, if any (alive or not)."""
        value = await self.redis.get(names.room(room_id))
        return None if value is None else str(value)

    async def place(self, room_id: str, prefer: str | None = None) -> str:
        """The room's node: its current one if alive, else the least-loaded live node that is not
        draining (claimed atomically); ``prefer`` (the asking node) wins a tie, saving a relay hop.
        Raises :class:`NoLiveNode`."""
        current = await self.node_of(room_id)
        if current is not None and await self.registry.is_alive(current):
            return current
        candidates = [n for n in await self.registry.live() if not n.draining]
        if not candidates:
            raise NoLiveNode("No Rounds node can host this session right now.")
        best = candidates[0]
        for node in candidates:
            if node.node_id == prefer and node.sort_key[:2] == best.sort_key[:2]:
                best = node
        prefix = names.node("")
        chosen = await self._claim(keys=[names.room(room_id)], args=[best.node_id, prefix])
        return str(chosen)

    async def release(self, room_id: str, node_id: str) -> bool:
        """Forget the room's placement if ``node_id`` still holds it (the room ended there)."""
        return bool(await self._release(keys=[names.room(room_id)], args=[node_id]))
