"""Running aiortc peers inside one process, on loopback: used by the tests and the benchmarks.

Two facts from the project's WebRTC notes shape this: aioice leaves 127.0.0.1 out of the host
addresses it offers, and aiortc's default ICE server is a public STUN host that stalls
``setLocalDescription`` on a machine without internet. So peers here get no ICE servers and
loopback as their only address.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any

import aioice.ice
from aiortc import RTCConfiguration, RTCIceServer, RTCPeerConnection

# Generous: on loopback an exchange takes milliseconds; a stuck one should fail, not hang.
NEGOTIATION_BOUND_SECONDS = 20.0


def loopback_host_addresses(use_ipv4: bool, use_ipv6: bool) -> list[str]:
    """Replacement for ``aioice.ice.get_host_addresses``: loopback only."""
    return ["127.0.0.1"]


def use_loopback_only() -> None:
    """Make every new ICE agent in this process offer 127.0.0.1 and nothing else."""
    aioice.ice.get_host_addresses = loopback_host_addresses


def new_peer_connection(ice_servers: Sequence[dict[str, Any]] = ()) -> RTCPeerConnection:
    """A peer connection with exactly the given ICE servers (none by default, never aiortc's own)."""
    servers = [RTCIceServer(**server) for server in ice_servers]
    return RTCPeerConnection(RTCConfiguration(iceServers=servers))


async def negotiate(offerer: RTCPeerConnection, answerer: RTCPeerConnection) -> None:
    """One offer/answer exchange in process, as over an ordered channel: the answerer first finishes
    applying whatever it was in the middle of (an in-flight answer to its own offer)."""
    async with asyncio.timeout(NEGOTIATION_BOUND_SECONDS):
        while answerer.signalingState != "stable":  # noqa: ASYNC110 - aiortc's state, polled
            await asyncio.sleep(0.005)
    await offerer.setLocalDescription(await offerer.createOffer())
    await answerer.setRemoteDescription(offerer.localDescription)
    await answerer.setLocalDescription(await answerer.createAnswer())
    await offerer.setRemoteDescription(answerer.localDescription)
