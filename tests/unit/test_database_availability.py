"""Which database errors mean "the database is away, retry" (503) and which are bugs (500)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import asyncpg
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from server.db.availability import database_away, storage_problem


class FakeOrig(Exception):
    def __init__(self, sqlstate: str | None) -> None:
        super().__init__("orig")
        self.sqlstate = sqlstate


def wrapped(
    sqlstate: str | None = None, *, invalidated: bool = False, cause: BaseException | None = None
) -> DBAPIError:
    error = DBAPIError("SELECT 1", None, FakeOrig(sqlstate), connection_invalidated=invalidated)
    error.__cause__ = cause
    return error


def test_a_server_shutting_down_starting_up_or_gone_is_away() -> None:
    for code in ("57P01", "57P02", "57P03", "08006", "08003"):
        assert database_away(wrapped(code)), code
    assert database_away(wrapped(invalidated=True))
    assert database_away(wrapped(cause=asyncpg.exceptions.ConnectionDoesNotExistError("gone")))
    assert database_away(wrapped(cause=ConnectionResetError(104, "reset")))
    assert database_away(ConnectionResetError(104, "reset by peer"))
    assert database_away(PoolTimeout("pool ran dry"))
    assert database_away(OperationalError("SELECT 1", None, Exception("database is locked")))


def test_a_bug_or_a_rejected_statement_is_not() -> None:
    for code in ("23505", "42P01", "22001", None):
        assert not database_away(wrapped(code)), code
    assert not database_away(ValueError("no"))
    assert not database_away(KeyError("x"))


def _sqlite_error(path: Path, uri_mode: str) -> sqlite3.Error:
    """A real error from SQLite writing to ``path`` opened in ``uri_mode``."""
    connection = sqlite3.connect(f"file:{path}?mode={uri_mode}", uri=True)
    try:
        connection.execute("INSERT INTO t VALUES (1)")
    except sqlite3.Error as exc:
        return exc
    finally:
        connection.close()
    raise AssertionError("the write succeeded")


def test_a_full_or_read_only_database_is_told_apart_from_one_that_is_away(tmp_path: Path) -> None:
    path = tmp_path / "t.db"
    with sqlite3.connect(path) as setup:
        setup.execute("CREATE TABLE t (x INTEGER)")
    read_only = _sqlite_error(path, "ro")  # SQLITE_READONLY, as from a read-only file system
    assert storage_problem(OperationalError("INSERT", None, read_only)) == "read_only"
    assert storage_problem(wrapped("53100")) == "full"  # PostgreSQL: disk_full
    assert storage_problem(wrapped("25006")) == "read_only"  # a read-only transaction (a standby)
    assert storage_problem(wrapped(cause=FakeOrig("53100"))) == "full"
    for other in (wrapped("57P01"), wrapped("23505"), PoolTimeout("pool ran dry"), ValueError("no")):
        assert storage_problem(other) is None
    locked = OperationalError("INSERT", None, sqlite3.OperationalError("database is locked"))
    assert storage_problem(locked) is None and database_away(locked)
