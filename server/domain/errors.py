"""Typed domain errors. Each carries the HTTP status one middleware turns it into."""

from __future__ import annotations

import errno


class DomainError(Exception):
    """Base class: a message a person can act on, an error code and an HTTP status."""

    status = 400
    code = "bad_request"

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class Invalid(DomainError):
    """The request is well-formed but a value is not acceptable."""

    status = 422
    code = "invalid"


class BadRequest(DomainError):
    """The request could not be read (malformed JSON, wrong content type)."""

    status = 400
    code = "bad_request"


class Unauthorized(DomainError):
    """The caller is not logged in."""

    status = 401
    code = "unauthorized"


class Forbidden(DomainError):
    """The caller is logged in but their role may not do this."""

    status = 403
    code = "forbidden"


class EmailNotVerified(Forbidden):
    """The account's email is not confirmed yet, and this needs it (applying to a program)."""

    code = "email_not_verified"


class NotFound(DomainError):
    """No such record, or one the caller may not know exists."""

    status = 404
    code = "not_found"


class Conflict(DomainError):
    """The record is in a state that does not allow this (e.g. an illegal transition)."""

    status = 409
    code = "conflict"


class PayloadTooLarge(DomainError):
    """The body or upload is bigger than allowed."""

    status = 413
    code = "payload_too_large"


class UnsupportedMediaType(DomainError):
    """The body or file is of a type Rounds does not accept."""

    status = 415
    code = "unsupported_media_type"


class TooManyRequests(DomainError):
    """The caller must wait before trying again."""

    status = 429
    code = "too_many_requests"

    def __init__(self, message: str, *, retry_after_seconds: int) -> None:
        super().__init__(message)
        self.retry_after_seconds = retry_after_seconds


class ServiceUnavailable(DomainError):
    """A backing engine (database) is away; try again shortly."""

    status = 503
    code = "service_unavailable"


class InsufficientStorage(DomainError):
    """The server's disk (or the database's) is full: nothing was kept; it needs its operators."""

    status = 507
    code = "insufficient_storage"


class StorageReadOnly(DomainError):
    """The server may not write where it keeps files or records: nothing was kept; it needs its
    operators (not a moment's patience, so no Retry-After)."""

    status = 503
    code = "storage_read_only"


#: A file system with no room: full, over quota, or a file past the process's size limit (RLIMIT_FSIZE).
NO_ROOM = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG})
#: A file system the server may not write to.
NO_WRITING = frozenset({errno.EROFS, errno.EACCES, errno.EPERM})


def disk_full(what: str) -> InsufficientStorage:
    """The refusal when the disk holding ``what`` is full."""
    return InsufficientStorage(
        f"The server has no room left to store {what}: its disk is full. Nothing was saved. Tell the "
        "people who run Rounds; try again once they have made room."
    )


def disk_read_only(what: str) -> StorageReadOnly:
    """The refusal when the server may not write where it keeps ``what``."""
    return StorageReadOnly(
        f"The server cannot store {what} now: its storage is read-only. Nothing was saved. Tell the "
        "people who run Rounds."
    )


def storage_refusal(exc: OSError, what: str) -> DomainError | None:
    """What a person is told when writing ``what`` to disk failed with ``exc``: the disk is full, or
    read-only; None for any other failure (a bug to log, not a message to invent)."""
    if exc.errno in NO_ROOM:
        return disk_full(what)
    if exc.errno in NO_WRITING:
        return disk_read_only(what)
    return None
