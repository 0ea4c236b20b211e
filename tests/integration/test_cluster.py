"""Several Rounds processes on the real PostgreSQL and Redis: a participant on node A and one on node B
share a room (media and chat); the room is placed once, on one node; killing the room's node brings
everyone back on the other node automatically; a draining node hands its room over."""

from __future__ import annotations

import asyncio
import signal
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from sessions import signaling as sig
from sessions.client import ParticipantClient
from tests.support.cluster import (
    AMARA,
    PRECEPTOR,
    LocalCluster,
    connect_to,
    first_alive,
    open_huddle,
    redis_get,
    two_nodes,
)
from tests.support.templates import Demo

pytestmark = [pytest.mark.slow, pytest.mark.postgres]

RECOVERY_BOUND_SECONDS = 10.0  # the bound: participants back on a live node within 10 s


@pytest.fixture
def cluster(tmp_path: Path, postgres_demo: Demo) -> Iterator[LocalCluster]:
    with two_nodes(tmp_path, postgres_demo) as local:
        yield local


async def admit_when_waiting(host: ParticipantClient, participant_id: str) -> None:
    await host.wait_until(
        lambda: (
            host.state is not None
            and any(p.id == participant_id and p.presence == "waiting" for p in host.state.participants)
        )
    )
    await host.send(sig.Admit(type="admit", participant_id=participant_id))


@pytest.fixture
async def pair(cluster: LocalCluster) -> AsyncIterator[tuple[ParticipantClient, ParticipantClient, int]]:
    """Dr. Reyes on node A and Amara on node B, in the demo's huddle, each seeing the other."""
    host_login = cluster.log_in("a", PRECEPTOR)
    visitor_login = cluster.log_in("b", AMARA)
    visit = open_huddle(cluster.nodes["a"].base_url, host_login)
    host = ParticipantClient(
        connect_to(first_alive(cluster, ["a", "b"]), visit, host_login), auto_reconnect=True
    )
    visitor = ParticipantClient(
        connect_to(first_alive(cluster, ["b", "a"]), visit, visitor_login), auto_reconnect=True
    )
    try:
        await host.join()
        await visitor.join()
        await admit_when_waiting(host, str(visitor.participant_id))
        yield host, visitor, visit
    finally:
        await visitor.close()
        await host.close()


def sees(
    client: ParticipantClient, other: ParticipantClient, kind: str = "video", more_than: int = 0
) -> bool:
    return client.frames_from(str(other.participant_id), kind) > more_than


async def test_participants_on_two_nodes_share_the_room_media_and_chat(
    cluster: LocalCluster, pair: tuple[ParticipantClient, ParticipantClient, int]
) -> None:
    host, visitor, visit = pair
    # The room lives on one node (the host's, who opened it); Amara's socket is on the other.
    assert await redis_get(f"rounds:room:{visit}") == cluster.node_id("a")
    await host.wait_until(lambda: sees(host, visitor, "audio") and sees(visitor, host, "video"))
    await visitor.wait_until(lambda: sees(visitor, host, "audio"))

    await visitor.send(sig.Chat(type="chat", text="Hello from node B"))
    await host.send(sig.Chat(type="chat", text="Hello from node A"))
    await host.wait_until(lambda: any(c.text == "Hello from node B" for c in host.chat))
    await visitor.wait_until(lambda: any(c.text == "Hello from node A" for c in visitor.chat))
    assert "relaying" in cluster.nodes["b"].log_text()


async def test_a_killed_room_node_brings_everyone_back_on_the_other_node_within_ten_seconds(
    cluster: LocalCluster, pair: tuple[ParticipantClient, ParticipantClient, int]
) -> None:
    host, visitor, visit = pair
    await visitor.wait_until(lambda: sees(visitor, host) and sees(host, visitor, "audio"))
    host_frames = visitor.frames_from(str(host.participant_id), "video")
    visitor_frames = host.frames_from(str(visitor.participant_id), "audio")

    killed_at = time.monotonic()
    cluster.kill("a")
    # Both reconnect by themselves (the host to node B, as a load balancer would send it); the room
    # is placed on B; Amara, whom the host had admitted, is back in without being admitted again.
    await host.wait_until(
        lambda: sees(host, visitor, "audio", visitor_frames + 10), bound=RECOVERY_BOUND_SECONDS
    )
    await visitor.wait_until(
        lambda: sees(visitor, host, "video", host_frames + 10), bound=RECOVERY_BOUND_SECONDS
    )
    recovered_in = time.monotonic() - killed_at
    assert recovered_in < RECOVERY_BOUND_SECONDS
    assert await redis_get(f"rounds:room:{visit}") == cluster.node_id("b")
    assert host.reconnects >= 1 and visitor.reconnects >= 1


async def test_a_draining_node_hands_its_room_over_and_exits_cleanly(
    cluster: LocalCluster, pair: tuple[ParticipantClient, ParticipantClient, int]
) -> None:
    host, visitor, visit = pair
    await visitor.wait_until(lambda: sees(visitor, host) and sees(host, visitor, "audio"))
    host_frames = visitor.frames_from(str(host.participant_id), "video")
    visitor_frames = host.frames_from(str(visitor.participant_id), "audio")
    node_a = cluster.nodes["a"]
    node_a.process.send_signal(signal.SIGTERM)
    # Node A stops taking connections, gives its room 2 s to finish, then moves it: both participants
    # reconnect by themselves (the host through the "load balancer" to B) and carry on there.
    await host.wait_until(lambda: sees(host, visitor, "audio", visitor_frames + 10), bound=20)
    await visitor.wait_until(lambda: sees(visitor, host, "video", host_frames + 10), bound=20)
    assert await asyncio.to_thread(node_a.process.wait, 30) == 0
    assert await redis_get(f"rounds:room:{visit}") == cluster.node_id("b")
    log = node_a.log_text()
    assert '"message": "draining"' in log and '"reason": "moved"' in log
    assert host.bye is None and visitor.bye is None
