"""Structured logs: one JSON object per line, with whatever context fields a call passes in
``extra`` (room and participant ids, request ids) — never patient data or clinical free text."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from aiohttp.http_exceptions import HttpProcessingError

# Attributes every LogRecord has; anything else on a record came from ``extra=`` and is context.
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    """Formats a record as a JSON line: time, level, logger, message, context, exception."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD and not key.startswith("_"):
                entry[key] = value if isinstance(value, str | int | float | bool | None) else repr(value)
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


def configure(level: str) -> None:
    """Send JSON lines to stderr at ``level``."""
    handler = logging.StreamHandler()
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # Alembic's INFO chatter is noise for people running the demo.
    logging.getLogger("alembic").setLevel(logging.WARNING)


class OncePerWindow:
    """A line for something that may happen thousands of times a second (refused sockets, malformed
    requests from a scanner): the first occurrence is logged at once, the rest are counted and told in
    one line at most every ``window_seconds``, so that a hostile client cannot flood the log."""

    def __init__(
        self,
        logger: logging.Logger,
        level: int,
        window_seconds: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._logger = logger
        self._level = level
        self._window = window_seconds
        self._clock = clock
        self._last: float | None = None
        self._unlogged = 0

    def note(self, message: str, *args: object) -> bool:
        """Count one occurrence; log ``message % args`` (with how many went unlogged since the last
        line) unless a line was written less than a window ago. Returns whether it logged."""
        now = self._clock()
        if self._last is not None and now - self._last < self._window:
            self._unlogged += 1
            return False
        unlogged, self._unlogged, self._last = self._unlogged, 0, now
        if unlogged:
            message += f" ({unlogged} more like this since the last such line, not logged one by one)"
        self._logger.log(self._level, message, *args)
        return True


class QuietBadRequests(logging.Filter):
    """For aiohttp's server logger: a malformed request line or header is answered 400 by aiohttp,
    which also logs an ERROR with a traceback, so anyone could flood the log with garbage. Those
    records are dropped here and told as one INFO line a minute (see :class:`OncePerWindow`);
    every other record passes unchanged."""

    def __init__(self) -> None:
        super().__init__()
        self.lines = OncePerWindow(logging.getLogger("rounds.http"), logging.INFO)

    def filter(self, record: logging.LogRecord) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        if isinstance(exc, HttpProcessingError) and exc.code == 400:
            self.lines.note("refused a malformed HTTP request (400): %s", type(exc).__name__)
            return False
        return True


def quiet_bad_requests() -> None:
    """Install :class:`QuietBadRequests` on aiohttp's server logger, once per process."""
    server_log = logging.getLogger("aiohttp.server")
    if not any(isinstance(f, QuietBadRequests) for f in server_log.filters):
        server_log.addFilter(QuietBadRequests())
