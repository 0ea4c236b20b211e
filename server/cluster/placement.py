"""Room -> node placement in Redis. A room stays on the node that hosts it while that node's heartbeat
lives; otherwise (new room, or its node died) it goes to the least-loaded live node that is not
draining. The check-and-claim is one Lua script, so two nodes placing the same room at once agree.
A node claims its live rooms back on every heartbeat (:meth:`Placement.reclaim`), so a placement lost
with Redis's data comes back before anyone is put in a second copy of the room; meanwhile a room found
unplaced just after such a loss is not placed anew (:mod:`server.cluster.epoch`)."""

from __future__ import annotations

from dataclasses import dataclass

from redis.asyncio import Redis

from server.cluster import names
from server.cluster.epoch import RedisEpoch
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
# KEYS: rooms' keys. ARGV[1]: the node hosting them; ARGV[2]: the heartbeat key prefix. For each room,
# keep it where it is if it is this node's or a live node's; otherwise claim it for this node. Returns,
# per room, its holder and 1 when it was claimed just now (its placement had been lost).
_RECLAIM = """
local out = {}
for _, key in ipairs(KEYS) do
  local current = redis.call('GET', key)
  if current == ARGV[1] or (current and redis.call('EXISTS', ARGV[2] .. current) == 1) then
    out[#out + 1] = current
    out[#out + 1] = 0
  else
    redis.call('SET', key, ARGV[1])
    out[#out + 1] = ARGV[1]
    out[#out + 1] = 1
  end
end
return out
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


class StillReclaiming(NoLiveNode):
    """Redis has just lost its data and the nodes hosting rooms have not all claimed theirs back: a
    room found unplaced may be one of theirs, so it is not placed anew yet (the caller retries)."""


@dataclass(frozen=True, slots=True)
class Claim:
    """Where a room a node hosts is placed after :meth:`Placement.reclaim`."""

    holder: str
    #: Its placement had been lost (Redis lost its data): what Redis kept of the room went with it.
    renewed: bool


class Placement:
    """Where each live room runs."""

    def __init__(self, redis: Redis, registry: NodeRegistry, epoch: RedisEpoch | None = None) -> None:
        self.redis = redis
        self.registry = registry
        #: Without one (a test of placement alone), a room found unplaced is always placed at once.
        self.epoch = epoch
        self._claim = redis.register_script(_CLAIM)
        self._reclaim = redis.register_script(_RECLAIM)
        self._release = redis.register_script(_RELEASE)

    async def node_of(self, room_id: str) -> str | None:
        """The node hosting the room now, if any (alive or not)."""
        value = await self.redis.get(names.room(room_id))
        return None if value is None else str(value)

    async def place(self, room_id: str, prefer: str | None = None) -> str:
        """The room's node: its current one if alive, else the least-loaded live node that is not
        draining (claimed atomically); ``prefer`` (the asking node) wins a tie, saving a relay hop.
        Raises :class:`NoLiveNode` (:class:`StillReclaiming` just after Redis lost its data)."""
        current = await self.node_of(room_id)
        if current is not None and await self.registry.is_alive(current):
            return current
        if current is None and self.epoch is not None:
            await self.epoch.observe()
            if not await self.epoch.settled():
                raise StillReclaiming(
                    "Rounds is finding where its live sessions run again (its Redis restarted)."
                )
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

    async def reclaim(self, room_ids: list[str], node_id: str) -> dict[str, Claim]:
        """Claim the rooms ``node_id`` hosts back wherever their placement was lost (or their holder
        is dead); a room a live node holds stays with it (this node's copy of it is stale)."""
        if not room_ids:
            return {}
        keys = [names.room(room_id) for room_id in room_ids]
        flat = await self._reclaim(keys=keys, args=[node_id, names.node("")])
        return {
            room_id: Claim(str(flat[2 * i]), bool(int(flat[2 * i + 1]))) for i, room_id in enumerate(room_ids)
        }

    async def release(self, room_id: str, node_id: str) -> bool:
        """Forget the room's placement if ``node_id`` still holds it (the room ended there)."""
        return bool(await self._release(keys=[names.room(room_id)], args=[node_id]))
