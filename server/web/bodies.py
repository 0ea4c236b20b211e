"""Reading a request's form body (urlencoded or multipart) once, for the CSRF check and every form:
a body that is cut short or malformed is the client's 400, never a 500, and a server that cannot
spool an upload to disk says so truly."""

from __future__ import annotations

from typing import Any

from aiohttp import web
from aiohttp.http_exceptions import HttpProcessingError
from multidict import MultiDictProxy

from server.domain.errors import BadRequest, storage_refusal

FORM_TYPES = frozenset({"application/x-www-form-urlencoded", "multipart/form-data"})
#: What aiohttp raises reading a broken body: "Reading after EOF" and a bad boundary (ValueError),
#: bytes that are not the declared charset (UnicodeDecodeError, a ValueError), an unknown charset
#: (LookupError), a malformed part header (HttpProcessingError), the multipart reader's own checks
#: (AssertionError).
_UNREADABLE = (ValueError, LookupError, HttpProcessingError, AssertionError)
UNREADABLE_MESSAGE = (
    "The form could not be read: its body was cut short or malformed. Nothing was saved; send the form again."
)


async def read_post(request: web.Request) -> MultiDictProxy[Any]:
    """The submitted form (aiohttp reads it once and keeps it). A body too large is still a 413."""
    try:
        return await request.post()
    except web.HTTPException:
        raise
    except _UNREADABLE:
        raise BadRequest(UNREADABLE_MESSAGE) from None
    except OSError as exc:  # multipart files are spooled to a temporary file
        refusal = storage_refusal(exc, "the file you sent")
        if refusal is None:
            raise
        raise refusal from None
