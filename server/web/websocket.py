"""The WebSocket as a :class:`sessions.live.Channel`, and the stream of its text frames."""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import AsyncIterator

from aiohttp import WSCloseCode, WSMsgType, web

from server.domain.errors import ServiceUnavailable, TooManyRequests
from server.logs import OncePerWindow

log = logging.getLogger("rounds.live")


class WebSocketChannel:
    """Sends the room's messages on one participant's socket."""

    def __init__(self, ws: web.WebSocketResponse) -> None:
        self.ws = ws

    async def send(self, text: str) -> None:
        if self.ws.closed:
            raise ConnectionError("socket closed")
        await self.ws.send_str(text)

    async def close(self) -> None:
        if not self.ws.closed:
            await self.ws.close(code=WSCloseCode.OK)


async def text_frames(ws: web.WebSocketResponse) -> AsyncIterator[str | bytes]:
    """Every data frame until the socket closes. Binary frames are passed on to be refused by the
    protocol's validation (with a message saying why), not silently dropped."""
    async for message in ws:
        if message.type in (WSMsgType.TEXT, WSMsgType.BINARY):
            yield message.data
        elif message.type is WSMsgType.ERROR:
            return


class OpenSockets:
    """Every WebSocket this process has open, so that shutdown can close them with GOING_AWAY, and the
    caps on how many there may be: in all, and per client address. A socket is *claimed* before its
    handshake is checked (so that a flood of half-open handshakes counts too) and released when its
    handler ends. A refused claim raises the HTTP error the caller answers with; refusals are logged
    once a minute, never one line each."""

    def __init__(self, max_total: int = 2000, max_per_client: int = 20) -> None:
        self.max_total = max_total
        self.max_per_client = max_per_client
        self._sockets: set[web.WebSocketResponse] = set()
        self._claims: Counter[str] = Counter()
        self._claimed = 0
        self._refusals = OncePerWindow(log, logging.WARNING)

    def claim(self, client: str) -> None:
        """Count one socket for ``client``, or raise :class:`ServiceUnavailable` (this process holds
        its maximum) or :class:`TooManyRequests` (this client does)."""
        if self._claimed >= self.max_total:
            self._refusals.note(
                "refusing WebSockets: %d open, the limit (ROUNDS_MAX_SOCKETS) is %d",
                self._claimed,
                self.max_total,
            )
            raise ServiceUnavailable(
                "The server holds as many live connections as it can. Try again shortly."
            )
        if self._claims[client] >= self.max_per_client:
            self._refusals.note(
                "refusing WebSockets to a client holding %d (ROUNDS_MAX_SOCKETS_PER_CLIENT)",
                self.max_per_client,
            )
            raise TooManyRequests(
                f"Your address already holds {self.max_per_client} open connections to Rounds: close some "
                "tabs (or wait a little) and try again.",
                retry_after_seconds=10,
            )
        self._claims[client] += 1
        self._claimed += 1

    def release(self, client: str) -> None:
        """The socket (or handshake) claimed for ``client`` is over."""
        if self._claims[client] > 0:
            self._claims[client] -= 1
            self._claimed -= 1
        if self._claims[client] <= 0:
            del self._claims[client]

    def add(self, ws: web.WebSocketResponse) -> None:
        self._sockets.add(ws)

    def discard(self, ws: web.WebSocketResponse) -> None:
        self._sockets.discard(ws)

    def __len__(self) -> int:
        return len(self._sockets)

    async def close_all(self) -> None:
        """Close every socket still open (the server is going away)."""
        for ws in list(self._sockets):
            await ws.close(code=WSCloseCode.GOING_AWAY, message=b"server shutdown")
