"""Room placement and node heartbeats on the real Redis (database 15, emptied per test): the least
loaded live node takes a new room, the asking node wins a tie, a draining node takes none, a room stays
on its live node and leaves a dead one, and a room is released only by the node that holds it; after
Redis lost its data, nodes claim their rooms back before any unplaced room is placed anew."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from redis.asyncio import Redis

from server.cluster import names
from server.cluster.epoch import RECOVERY_SECONDS, RedisEpoch
from server.cluster.nodes import NodeLoad, NodeRegistry
from server.cluster.placement import Claim, NoLiveNode, Placement, StillReclaiming
from tests.conftest import IN_CI
from tests.support.cluster import REDIS_URL, redis_problem


@pytest.fixture
async def redis() -> AsyncIterator[Redis]:
    if (problem := redis_problem()) is not None:
        if IN_CI:
            pytest.fail(f"{problem} (CI must run the Redis tests)")
        pytest.skip(problem)
    client = Redis.from_url(REDIS_URL, decode_responses=True)
    await client.flushdb()
    yield client
    await client.flushdb()
    await client.aclose()


async def test_a_new_room_goes_to_the_least_loaded_live_node_and_stays_there(redis: Redis) -> None:
    registry = NodeRegistry(redis)
    placement = Placement(redis, registry)
    await registry.beat(NodeLoad("busy", rooms=3, participants=12))
    await registry.beat(NodeLoad("quiet", rooms=1, participants=2))
    assert await placement.place("7", prefer="busy") == "quiet"
    # Once placed, the room stays on its node while that node lives, however loads change.
    await registry.beat(NodeLoad("quiet", rooms=9, participants=40))
    assert await placement.place("7", prefer="busy") == "quiet"
    assert [n.node_id for n in await registry.live()] == ["busy", "quiet"]


async def test_the_asking_node_wins_a_tie_and_a_draining_node_takes_no_new_room(redis: Redis) -> None:
    registry = NodeRegistry(redis)
    placement = Placement(redis, registry)
    await registry.beat(NodeLoad("a"))
    await registry.beat(NodeLoad("b"))
    assert await placement.place("1", prefer="b") == "b"
    assert await placement.place("2", prefer="a") == "a"
    await registry.beat(NodeLoad("a", draining=True))
    assert await placement.place("3", prefer="a") == "b"
    assert await placement.place("2", prefer="b") == "a"  # its room stays until it finishes or moves
    await registry.beat(NodeLoad("b", draining=True))
    with pytest.raises(NoLiveNode):
        await placement.place("4")


async def test_a_dead_nodes_room_is_placed_again_and_only_its_holder_releases_it(redis: Redis) -> None:
    registry = NodeRegistry(redis)
    placement = Placement(redis, registry)
    await registry.beat(NodeLoad("a"))
    assert await placement.place("5", prefer="a") == "a"
    await registry.beat(NodeLoad("b"))
    await redis.delete(names.node("a"))  # a's heartbeat expired: it died
    assert await placement.place("5", prefer="a") == "b"
    assert "a" not in {n.node_id for n in await registry.live()}
    assert await placement.release("5", "a") is False  # not a's any more
    assert await placement.node_of("5") == "b"
    assert await placement.release("5", "b") is True
    assert await placement.node_of("5") is None


async def test_two_nodes_placing_one_room_at_once_agree(redis: Redis) -> None:
    registry = NodeRegistry(redis)
    placement = Placement(redis, registry)
    await registry.beat(NodeLoad("a"))
    await registry.beat(NodeLoad("b"))
    chosen = await asyncio.gather(*(placement.place("9", prefer=node) for node in ["a", "b"] * 10))
    assert len(set(chosen)) == 1


async def test_a_heartbeat_expires_unless_refreshed(redis: Redis) -> None:
    registry = NodeRegistry(redis)
    await registry.beat(NodeLoad("a"))
    assert await registry.is_alive("a")
    ttl = await redis.pttl(names.node("a"))
    assert 0 < ttl <= 3000
    await registry.forget("a")
    assert not await registry.is_alive("a") and await registry.live() == []


async def test_a_node_claims_its_rooms_back_after_redis_lost_them_and_a_live_holder_keeps_one(
    redis: Redis,
) -> None:
    """Issue 18, item 12: Redis restarting empty loses every placement; the node still hosting the
    rooms claims them back (told which were lost, to save their snapshots again), and a room a live
    node holds meanwhile stays with that node (the claiming node's copy is stale)."""
    registry = NodeRegistry(redis)
    placement = Placement(redis, registry)
    await registry.beat(NodeLoad("a"))
    await registry.beat(NodeLoad("b"))
    assert await placement.place("1", prefer="a") == "a"
    assert await placement.place("2", prefer="a") == "a"
    claims = await placement.reclaim(["1", "2"], "a")
    assert claims == {"1": Claim("a", renewed=False), "2": Claim("a", renewed=False)}
    await redis.flushdb()  # Redis restarted without persistence
    await registry.beat(NodeLoad("b"))
    await redis.set(names.room("2"), "b")  # b placed room 2 before a came back
    claims = await placement.reclaim(["1", "2"], "a")
    assert claims == {"1": Claim("a", renewed=True), "2": Claim("b", renewed=False)}
    assert await placement.node_of("1") == "a"
    assert await placement.node_of("2") == "b"


async def test_after_redis_lost_its_data_no_unplaced_room_is_placed_until_the_known_nodes_beat(
    redis: Redis,
) -> None:
    """Just after Redis lost its data, a room found unplaced may be another node's that has not yet
    claimed it back: b refuses to place it (StillReclaiming, a 503 to the caller) until a, which it saw
    beating before, beats again; and b gives up waiting for a node that never comes back once a
    heartbeat's lifetime has passed."""
    now = [0.0]
    registry = NodeRegistry(redis)
    epoch = RedisEpoch(redis, registry, "b", clock=lambda: now[0])
    placement = Placement(redis, registry, epoch)
    await registry.beat(NodeLoad("a"))
    await registry.beat(NodeLoad("b"))
    assert await epoch.observe(look_at_nodes=True) is False  # b's heartbeat: it sees a
    assert await placement.place("1", prefer="b") == "b"  # nothing lost: placed at once

    await redis.flushdb()  # Redis restarted empty
    await registry.beat(NodeLoad("b"))
    with pytest.raises(StillReclaiming):
        await placement.place("2", prefer="b")
    await registry.beat(NodeLoad("a", rooms=1, participants=1))  # a is back (its rooms claimed)
    assert await placement.place("2", prefer="b") == "b"

    await redis.flushdb()  # again, and this time a died meanwhile
    await registry.beat(NodeLoad("b"))
    assert await epoch.observe(look_at_nodes=True) is True
    with pytest.raises(StillReclaiming):
        await placement.place("3", prefer="b")
    now[0] += RECOVERY_SECONDS
    assert await placement.place("3", prefer="b") == "b"
