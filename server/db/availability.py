"""Telling "the database is away" (restarting, unreachable, out of connections) from a real error, so
that the first becomes a 503 with a retry hint and a warning, and only the second a 500 and a traceback.

SQLAlchemy's asyncpg dialect wraps asyncpg's connection errors in its generic ``DBAPIError``, so the
exception's type alone does not tell: the SQLSTATE, the invalidated connection and the causes do.
"""

from __future__ import annotations

import asyncio
import sqlite3
from urllib.parse import quote

import aiosqlite
from asyncpg import InternalClientError, PostgresConnectionError
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.ext.asyncio import AsyncEngine

# 08xxx: connection exceptions. 57P01-57P03: admin shutdown, crash shutdown, cannot connect now
# (the server is shutting down or starting up).
_AWAY_SQLSTATE_PREFIXES = ("08",)
_AWAY_SQLSTATES = frozenset({"57P01", "57P02", "57P03"})
#: Deadlocks and serialization failures: the transaction was rolled back whole and can be retried.
RETRYABLE_SQLSTATES = frozenset({"40P01", "40001"})
_AWAY_CAUSES = (
    PostgresConnectionError,
    InternalClientError,
    OSError,
    PoolTimeout,
    OperationalError,
    InterfaceError,
)


def sqlstate(exc: DBAPIError) -> str | None:
    """The PostgreSQL error code behind a SQLAlchemy error, if any."""
    code = getattr(exc.orig, "sqlstate", None) or getattr(exc.orig, "pgcode", None)
    return code if isinstance(code, str) else None


def database_away(exc: BaseException) -> bool:
    """Whether ``exc`` means the database cannot be reached right now (as opposed to a bug)."""
    # A connection error escaping the database layer unwrapped (asyncpg resetting a connection the
    # server dropped, while SQLAlchemy returns it to the pool) is the same outage.
    if isinstance(exc, PoolTimeout | OperationalError | InterfaceError | ConnectionError):
        return True
    if isinstance(exc, DBAPIError):
        if exc.connection_invalidated:
            return True
        code = sqlstate(exc)
        if code is not None and (code.startswith(_AWAY_SQLSTATE_PREFIXES) or code in _AWAY_SQLSTATES):
            return True
    seen: set[int] = set()
    cause: BaseException | None = exc.__cause__ or exc.__context__
    while cause is not None and id(cause) not in seen:
        seen.add(id(cause))
        if isinstance(cause, _AWAY_CAUSES):
            return True
        code = getattr(cause, "sqlstate", None)
        if isinstance(code, str) and (code.startswith(_AWAY_SQLSTATE_PREFIXES) or code in _AWAY_SQLSTATES):
            return True
        cause = cause.__cause__ or cause.__context__
    return False


#: SQLite's primary result codes (the low byte of an extended code) for a full disk and a read-only file.
_SQLITE_FULL = 13
_SQLITE_READONLY = 8
#: PostgreSQL: disk_full, and a read-only transaction (a standby, or default_transaction_read_only).
_PG_FULL = "53100"
_PG_READ_ONLY = "25006"


def storage_problem(exc: BaseException) -> str | None:
    """``"full"`` when the database could not write because its disk is full, ``"read_only"`` when it
    may not write at all, else None. Neither is the database being away: waiting will not help, its
    operators must act, and saying "briefly unavailable" would be untrue."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        for candidate in (current, getattr(current, "orig", None)):
            code = getattr(candidate, "sqlite_errorcode", None)
            if isinstance(code, int):
                if code & 0xFF == _SQLITE_FULL:
                    return "full"
                if code & 0xFF == _SQLITE_READONLY:
                    return "read_only"
            state = getattr(candidate, "sqlstate", None) or getattr(candidate, "pgcode", None)
            if state == _PG_FULL:
                return "full"
            if state == _PG_READ_ONLY:
                return "read_only"
        current = current.__cause__ or current.__context__
    return None


async def database_answers(engine: AsyncEngine, seconds: float) -> bool:
    """Whether the database answers a read within ``seconds`` (the health check's question).

    On SQLite the read neither queues for the write lock nor waits for a pooled connection: the
    engine's transactions begin IMMEDIATE (they take the write lock up front) and its pool may be
    held by writers waiting their turn, so a probe through it timed out behind a long write and
    called a busy node dead. The probe opens a connection of its own and reads the schema without a
    transaction: in WAL mode a reader never waits for a writer, and the read proves the file is
    there and readable."""
    if engine.dialect.name == "sqlite":
        return await _sqlite_answers(engine.url.database or "", seconds)
    try:
        async with asyncio.timeout(seconds), engine.connect() as connection:
            await connection.execute(text("SELECT 1"))
        return True
    except (DBAPIError, OSError, TimeoutError):
        return False


async def _sqlite_answers(path: str, seconds: float) -> bool:
    if not path or path == ":memory:":
        return False
    # mode=rw: a missing file is an error, not a new empty database.
    uri = "file:" + quote(path) + "?mode=rw"
    try:
        async with asyncio.timeout(seconds):
            # isolation_level None: autocommit, no BEGIN, so no lock to wait for.
            connection = await aiosqlite.connect(uri, timeout=seconds, uri=True, isolation_level=None)
            try:
                async with connection.execute("SELECT count(*) FROM sqlite_master") as cursor:
                    await cursor.fetchone()
            finally:
                await connection.close()
        return True
    except (sqlite3.Error, OSError, TimeoutError):
        return False
