"""The WebSocket as a :class:`sessions.live.Channel`, and the stream of its text frames."""

from __future__ import annotations

from collections.abc import AsyncIterator

from aiohttp import WSCloseCode, WSMsgType, web


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
    """Every WebSocket this process has open, so that shutdown can close them with GOING_AWAY."""

    def __init__(self) -> None:
        self._sockets: set[web.WebSocketResponse] = set()

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
