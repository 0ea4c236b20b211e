"""Room placement and node heartbeats on the real Redis (database 15, emptied per test): the least
loaded live node takes a new room, the asking node wins a tie, a draining node takes none, a room stays
on its live node and leaves a dead one, and a room is released only by the node that holds it."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from redis.asyncio import Redis

from server.cluster import names
from server.cluster.nodes import NodeLoad, NodeRegistry
from server.cluster.placement import NoLiveNode, Placement
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
