"""Which database errors mean "the database is away, retry" (503) and which are bugs (500)."""

from __future__ import annotations

import asyncpg
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from server.db.availability import database_away


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
