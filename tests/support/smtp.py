"""A real SMTP server in the test process (aiosmtpd, in its own thread) that keeps what arrives, and an
async bounded poll to wait on it. It can be stopped and started again on the same port, to play an
SMTP server that is away for a while."""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import Awaitable, Callable
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session


def free_port() -> int:
    """A loopback TCP port nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class _Handler:
    def __init__(self, sink: SmtpSink) -> None:
        self.sink = sink

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        if address.lower() in self.sink.refused:
            return "550 5.1.1 No such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        raw = envelope.original_content or b""
        message = message_from_bytes(raw, policy=policy.default)
        assert isinstance(message, EmailMessage)
        with self.sink.lock:
            self.sink.received.append(message)
        return "250 Message accepted"


class SmtpSink:
    """An SMTP server on 127.0.0.1:``port`` keeping every message it accepted, in arrival order."""

    def __init__(self, port: int | None = None) -> None:
        self.port = port or free_port()
        self.received: list[EmailMessage] = []
        self.refused: set[str] = set()  # recipients answered with a permanent 550
        self.lock = threading.Lock()
        self._controller: Controller | None = None

    def start(self) -> None:
        """Listen (blocks until the server answers)."""
        self._controller = Controller(_Handler(self), hostname="127.0.0.1", port=self.port)
        self._controller.start()

    def stop(self) -> None:
        """Stop listening; connections are refused until :meth:`start`."""
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def messages(self) -> list[EmailMessage]:
        """What arrived so far."""
        with self.lock:
            return list(self.received)

    def message_ids(self) -> list[str]:
        """The Message-ID of each message that arrived, repeats included."""
        return [str(m["Message-ID"]) for m in self.messages()]


async def wait_until(read: Callable[[], Awaitable[Any]], what: str, bound: float = 10.0) -> Any:
    """The first truthy value of ``await read()`` within ``bound`` seconds (asked every 50 ms);
    AssertionError naming ``what`` and the last value otherwise."""
    deadline = time.monotonic() + bound
    value: Any = None
    while time.monotonic() < deadline:
        value = await read()
        if value:
            return value
        await asyncio.sleep(0.05)
    raise AssertionError(f"{what}: still {value!r} after {bound}s")
