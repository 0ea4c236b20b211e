"""The access log without secrets: the token of a single-use link (a patient's ``/join/<token>``, and
the links mailed to confirm an address, reset a password, confirm a new address or accept a staff
invitation), a calendar subscription's URL (``/calendar/<token>.ics``) and any token in a query string
are replaced before a line is written, in the request line and in the Referer alike.
Whoever reads the log cannot redeem an unused link, read someone's calendar or replay a form token."""

from __future__ import annotations

import re

from aiohttp.web_log import AccessLogger
from aiohttp.web_request import BaseRequest
from aiohttp.web_response import StreamResponse

REDACTED = "[redacted]"
# /join/<token> and the mailed links' paths, also percent-encoded inside another URL's query
# (next=%2Fjoin%2F..., next=%2Finvitation%2F...).
_S = r"(?:/|%2F)"
_LINK = re.compile(
    rf"(?i)({_S}(?:join|account{_S}verify|password{_S}reset|account{_S}email{_S}confirm|invitation){_S})"
    r"[^/?#&\s\"]+"
)
# /calendar/<token>.ics (the private feed; the account page /account/calendar has no token after it).
_CALENDAR_FEED = re.compile(rf"(?i)({_S}calendar{_S})[^/?#&\s\"]+(?=\.ics)")
# Words that may start such a path: the cheap test before the patterns run.
_LINK_WORDS = ("join", "token", "verify", "reset", "confirm", "invitation", "calendar")
# csrf_token=..., token=... in a query string, also encoded (token%3D...).
_TOKEN_PARAM = re.compile(r"(?i)((?:^|[?&;]|%3F|%26)(?:csrf_)?token(?:=|%3D))[^&#\s\"]+")


def redact(text: str) -> str:
    """``text`` (a URL, a request line, a header) with link tokens and token parameters replaced."""
    lower = text.lower()
    if not any(word in lower for word in _LINK_WORDS):
        return text  # the common case, without running the patterns
    text = _CALENDAR_FEED.sub(rf"\g<1>{REDACTED}", text)
    return _TOKEN_PARAM.sub(rf"\g<1>{REDACTED}", _LINK.sub(rf"\g<1>{REDACTED}", text))


class RedactingAccessLogger(AccessLogger):
    """aiohttp's access logger (same line, same ``extra`` fields), every value passed through
    :func:`redact` first."""

    def _format_line(
        self, request: BaseRequest, response: StreamResponse, time: float
    ) -> list[tuple[str | tuple[str, str], str]]:
        # Only text can hold a token; the status and sizes keep their types for whoever reads the log.
        return [
            (key, redact(value) if isinstance(value, str) else value)
            for key, value in super()._format_line(request, response, time)
        ]
