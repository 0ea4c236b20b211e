"""aiortc peers in one process: loopback-only ICE, synthetic media, and checks that nothing is left open."""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

import aioice.ice
import pytest
from aiortc import (
    AudioStreamTrack,
    MediaStreamTrack,
    RTCPeerConnection,
)
from aiortc.mediastreams import MediaStreamError

from sessions.loopback import loopback_host_addresses, new_peer_connection
from sessions.sources import SyntheticVideo

WAIT = 20.0  # generous bound for anything that should take well under a second


@pytest.fixture(autouse=True)
def loopback_ice(monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep ICE on loopback for the test, and put aioice back afterwards."""
    monkeypatch.setattr(aioice.ice, "get_host_addresses", loopback_host_addresses)


def new_pc() -> RTCPeerConnection:
    """A peer connection with no ICE servers (never aiortc's default public STUN host)."""
    return new_peer_connection()


class Sink:
    """Consumes a received track (aiortc queues decoded frames without bound), counting frames."""

    def __init__(self, track: MediaStreamTrack) -> None:
        self.track = track
        self.frames: list[Any] = []
        self.got_frame = asyncio.Event()
        self.task = asyncio.ensure_future(self._run())

    async def _run(self) -> None:
        try:
            while True:
                frame = await self.track.recv()
                self.frames.append((frame.pts, getattr(frame, "width", None)))
                self.got_frame.set()
        except MediaStreamError:
            pass

    @property
    def count(self) -> int:
        return len(self.frames)

    async def stop(self) -> None:
        self.task.cancel()
        await asyncio.gather(self.task, return_exceptions=True)


class Client:
    """A participant's side: one peer connection to the server, synthetic media out, sinks for media in."""

    def __init__(self, name: str, *, video: bool = True, audio: bool = True) -> None:
        self.name = name
        self.pc = new_pc()
        self.sinks: list[Sink] = []
        self.sources: list[MediaStreamTrack] = []
        if video:
            self.sources.append(SyntheticVideo())
        if audio:
            self.sources.append(AudioStreamTrack())
        for track in self.sources:
            self.pc.addTransceiver(track, direction="sendonly")

        @self.pc.on("track")
        def on_track(track: MediaStreamTrack) -> None:
            self.sinks.append(Sink(track))

    def sinks_of(self, kind: str) -> list[Sink]:
        return [sink for sink in self.sinks if sink.track.kind == kind]

    def frames(self, kind: str) -> int:
        return sum(sink.count for sink in self.sinks_of(kind))

    async def close(self) -> None:
        for sink in self.sinks:
            await sink.stop()
        for track in self.sources:
            track.stop()
        await self.pc.close()


async def wait_for(predicate: Callable[[], bool], bound: float = WAIT) -> None:
    """Poll ``predicate`` until true; fail after a generous bound (a hang guard, not a timed assertion).

    Polling, not an Event: the predicates read state that aiortc changes without telling anyone.
    """
    async with asyncio.timeout(bound):
        while not predicate():  # noqa: ASYNC110
            await asyncio.sleep(0.02)


@pytest.fixture
def decoder_threads(monkeypatch: pytest.MonkeyPatch) -> Iterator[set[threading.Thread]]:
    """Every thread in which aiortc created a decoder (its receivers decode in a thread of their own)."""
    import aiortc.rtcrtpreceiver as receiver_module

    threads: set[threading.Thread] = set()
    original = receiver_module.get_decoder  # type: ignore[attr-defined]

    def counting_get_decoder(codec: Any) -> Any:
        threads.add(threading.current_thread())
        return original(codec)

    monkeypatch.setattr(receiver_module, "get_decoder", counting_get_decoder)
    yield threads


@pytest.fixture
async def no_leaks() -> AsyncIterator[None]:
    """After the test: no tasks it started still pending, no aiortc decoder thread still running."""
    before = set(asyncio.all_tasks())
    yield
    current = asyncio.current_task()

    def left() -> list[asyncio.Task[Any]]:
        return [t for t in asyncio.all_tasks() - before if t is not current and not t.done()]

    with contextlib.suppress(TimeoutError):
        await wait_for(lambda: not left(), bound=5.0)
    assert not left(), f"tasks left pending: {left()}"
    threads = [t for t in threading.enumerate() if t.name.endswith("-decoder")]
    assert not threads, f"decoder threads still running: {threads}"
