"""API: the node's health, for load balancers and operators. ``GET /api/v1/health`` needs no login:
200 while this node can serve (its database answers, and Redis when it is one of several nodes, and it
is not draining), 503 with ``Retry-After`` otherwise. A caller on this machine (loopback, not through a
proxy) also gets the node's live counts and memory, which the soak run watches for leaks."""

from __future__ import annotations

import asyncio

from aiohttp import web
from pydantic import Field
from redis.exceptions import RedisError

from server.cluster.node import ClusterNode
from server.domain.errors import ServiceUnavailable
from server.handlers.api.registry import API
from server.heap import resident_bytes
from server.schemas.base import Output
from server.services import health
from server.web.api import ApiCall
from server.web.keys import ENGINE, HEAP_TRIMMING, LIVE_ROOMS, NODE, SOCKETS

CHECK_SECONDS = 3.0


class NodeStatsOut(Output):
    """What this process holds right now (loopback callers only)."""

    rooms: int
    participants: int
    peer_connections: int
    sockets: int
    tasks: int = Field(description="asyncio tasks alive in this process")
    rss_bytes: int = Field(description="resident memory of this process")
    heap_trims: int = Field(description="times this process handed its freed heap back to the system")
    heap_released_bytes: int = Field(description="resident bytes those trims handed back, in all")


class HealthOut(Output):
    status: str = Field(description='"ok": this node can take requests and live sessions')
    node: str
    database: bool
    redis: bool | None = Field(description="None when this node shares no Redis (a single process)")
    draining: bool
    stats: NodeStatsOut | None = None


def _local_caller(request: web.Request) -> bool:
    """A caller on this machine speaking to the node directly (not through a proxy on this host)."""
    return request.remote in ("127.0.0.1", "::1") and "X-Forwarded-For" not in request.headers


async def _redis_answers(node: object) -> bool | None:
    if not isinstance(node, ClusterNode):
        return None
    try:
        async with asyncio.timeout(CHECK_SECONDS):
            return bool(await node.redis.ping())
    except (RedisError, OSError, TimeoutError):
        return False


@API.route(
    "GET",
    "/health",
    summary="This node's health for load balancers: 503 while its database or Redis is away or it drains",
    tag="health",
    response=HealthOut,
    login_required=False,
    errors=(503,),
)
async def get_health(call: ApiCall) -> HealthOut:
    request = call.request
    node = request.app[NODE]
    database = await health.database_answers(request.app[ENGINE], CHECK_SECONDS)
    redis = await _redis_answers(node)
    draining = isinstance(node, ClusterNode) and node.draining
    if not database or redis is False or draining:
        why = "draining" if draining else ("the database is away" if not database else "Redis is away")
        raise ServiceUnavailable(f"This node cannot take requests now: {why}.")
    stats = None
    if _local_caller(request):
        rooms = request.app[LIVE_ROOMS].all()
        trimming = request.app[HEAP_TRIMMING]
        stats = NodeStatsOut(
            rooms=len(rooms),
            participants=sum(room.member_count for room in rooms),
            peer_connections=sum(room.peer_count for room in rooms),
            sockets=len(request.app[SOCKETS]),
            tasks=len(asyncio.all_tasks()),
            rss_bytes=resident_bytes(),
            heap_trims=trimming.rounds,
            heap_released_bytes=trimming.released_bytes,
        )
    return HealthOut(status="ok", node=node.node_id, database=True, redis=redis, draining=False, stats=stats)
