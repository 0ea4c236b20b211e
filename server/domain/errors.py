"""Typed domain errors. Each carries the HTTP status one middleware turns it into."""

from __future__ import annotations


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
