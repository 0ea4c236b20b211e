"""An in-memory channel between a participant and a :class:`~sessions.live.LiveRoom` in the same process:
what the tests and the benchmark use instead of a WebSocket. It carries the same JSON text frames."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

from sessions.live import Identity, LiveRoom


class _ServerEnd:
    """The room's side: implements :class:`sessions.live.Channel`."""

    def __init__(self, to_client: asyncio.Queue[str | None]) -> None:
        self._to_client = to_client
        self.closed = False

    async def send(self, text: str) -> None:
        if self.closed:
            raise ConnectionError("channel closed")
        self._to_client.put_nowait(text)

    async def close(self) -> None:
        if not self.closed:
            self.closed = True
            self._to_client.put_nowait(None)


class MemoryTransport:
    """The participant's side: implements :class:`sessions.client.Transport`."""

    def __init__(self, live: LiveRoom, identity: Identity) -> None:
        self._to_server: asyncio.Queue[str | None] = asyncio.Queue()
        self._to_client: asyncio.Queue[str | None] = asyncio.Queue()
        self.server_end = _ServerEnd(self._to_client)
        self._closed = False
        self.task = asyncio.ensure_future(live.serve(identity, self.server_end, self._frames()))
        self.task.add_done_callback(lambda _: self._server_done())

    async def _frames(self) -> AsyncIterator[str]:
        while True:
            text = await self._to_server.get()
            if text is None:
                return
            yield text

    def _server_done(self) -> None:
        # Like a socket: when the server's side is finished, the participant sees the end.
        if not self.server_end.closed:
            self.server_end.closed = True
            self._to_client.put_nowait(None)

    async def send(self, text: str) -> None:
        """Send one frame to the room."""
        if self._closed or self.server_end.closed:
            raise ConnectionError("channel closed")
        self._to_server.put_nowait(text)

    async def receive(self) -> str | None:
        """The next frame from the room, or None once the channel is closed."""
        if self._closed:
            return None
        return await self._to_client.get()

    async def close(self) -> None:
        """Close from the participant's side (as a dropped socket would) and wait for the room to notice."""
        if self._closed:
            return
        self._closed = True
        self._to_server.put_nowait(None)
        self._to_client.put_nowait(None)
        await asyncio.gather(self.task, return_exceptions=True)
