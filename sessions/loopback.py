"""Running aiortc peers inside one process, on loopback: used by the tests and the benchmarks.

Two facts from the project's WebRTC notes shape this: aioice leaves 127.0.0.1 out of the host
addresses it offers, and aiortc's default ICE server is a public STUN host that stalls
``setLocalDescription`` on a machine without internet. So peers here get no ICE servers and
loopback as their only address.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Sequence
from typing import Any

import aioice.ice
from aiortc import RTCConfiguration, RTCIceServer, RTCPeerConnection

# How long closing waits for ICE checks in progress to end (see close_peer_connection).
ICE_SETTLE_SECONDS = 2.0
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


async def close_peer_connection(pc: RTCPeerConnection) -> None:
    """Close ``pc`` and make sure no ICE consent task outlives it.

    aioice races here: when a connection is closed just as its ICE checks succeed, ``connect()``
    resumes after ``close()`` and starts the consent-freshness task, which then sleeps forever (one
    stray task per aborted join); aiortc likewise starts senders whose RTCP loops never end when a
    connection is closed between its ICE and DTLS steps. So a connection still being set up is given a
    moment to finish (on loopback it takes ~30 ms) before it is closed, and any consent task left
    afterwards is cancelled.
    """
    try:
        if _setting_up(pc):
            await _until_settled(pc)
    finally:
        # Whatever happened while waiting (cancelled with the room, an error), the connection is
        # closed: an unclosed one keeps its UDP sockets and tasks for the life of the process.
        await pc.close()
    transports = {
        transceiver.sender.transport.transport
        for transceiver in pc.getTransceivers()
        if transceiver.sender.transport is not None
    }
    for ice_transport in transports:
        connection = getattr(ice_transport, "_connection", None)
        task = getattr(connection, "_query_consent_task", None)
        if isinstance(task, asyncio.Task) and not task.done():
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)


async def _until_settled(pc: RTCPeerConnection) -> None:
    """Wait (boundedly) until aiortc's connect task for ``pc`` is no longer half-way."""
    settled = asyncio.Event()

    def on_change() -> None:
        if not _setting_up(pc):
            settled.set()

    pc.on("connectionstatechange", on_change)
    try:
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(ICE_SETTLE_SECONDS):
                await settled.wait()
    finally:
        with contextlib.suppress(KeyError, ValueError):
            pc.remove_listener("connectionstatechange", on_change)
    await asyncio.sleep(0)  # let aiortc's connect task finish what it started


def _setting_up(pc: RTCPeerConnection) -> bool:
    """Whether aiortc's connect task is (or is about to be) running for ``pc``."""
    negotiated = pc.localDescription is not None and pc.remoteDescription is not None
    return negotiated and pc.connectionState in ("new", "connecting")
