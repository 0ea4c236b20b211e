"""A weak downlink for an aiortc peer in this process: a token-bucket policer on what it receives.

It sits between the peer's ICE connection and its DTLS transport (``RTCIceTransport._recv``, an
instance attribute aiortc sets to the ICE connection's ``recv``), so everything the peer receives
passes through it as encrypted datagrams, as on a real link: what exceeds the rate is dropped, RTP and
RTCP alike, before the peer sees it. The peer's receivers then find gaps in the sequence numbers and
report them to the server in their receiver reports, exactly as they would behind a slow link.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable

from aiortc import RTCPeerConnection


class DownlinkPolicer:
    """Drops what a peer receives beyond ``bps`` (None: lets everything through)."""

    def __init__(self, pc: RTCPeerConnection, *, burst_seconds: float = 0.2) -> None:
        transports = {
            t.receiver.transport.transport for t in pc.getTransceivers() if t.receiver.transport is not None
        }
        if len(transports) != 1:
            raise RuntimeError("police a connected, bundled peer connection (one ICE transport)")
        self.ice = transports.pop()
        self.bps: float | None = None
        self.burst_seconds = burst_seconds
        self.passed = 0
        self.dropped = 0
        self._tokens = 0.0
        self._refilled = time.monotonic()
        receive: Callable[[], Awaitable[bytes]] = self.ice._recv

        async def policed_receive() -> bytes:
            while True:
                data = await receive()
                if self._admit(len(data)):
                    self.passed += 1
                    return data
                self.dropped += 1

        self.ice._recv = policed_receive

    def limit(self, bps: float) -> None:
        """From now on, at most ``bps`` reach the peer."""
        self.bps = bps
        self._tokens = bps / 8 * self.burst_seconds
        self._refilled = time.monotonic()

    def lift(self) -> None:
        """Let everything through again."""
        self.bps = None

    def _admit(self, size: int) -> bool:
        if self.bps is None:
            return True
        now = time.monotonic()
        depth = self.bps / 8 * self.burst_seconds
        self._tokens = min(depth, self._tokens + (now - self._refilled) * self.bps / 8)
        self._refilled = now
        if self._tokens < size:
            return False
        self._tokens -= size
        return True
