"""Where the site may send a browser on a caller's say-so (``next`` after login, ``back`` after a form):
only to a path on this site, never to another host. The one home of that rule.

Browsers are lenient where this check must not be: the URL parser drops tabs and line breaks anywhere
(``/\\t/evil.example`` becomes ``//evil.example``, another host), reads a backslash as a slash, and a
proxy or a second decoding may turn ``%2F`` into one. So a value is accepted only when it is plain
printable ASCII, has no backslash, does not start with two slashes, names no scheme or host, and the
same holds for it once percent-decoded (to a fixed point, so double encoding gains nothing).
"""

from __future__ import annotations

from urllib.parse import unquote, urlsplit

#: Longest value followed: a page's own path and query are far shorter.
MAX_LENGTH = 2000
#: Rounds of percent-decoding checked: ``%25252F`` needs three to become ``/``.
_DECODINGS = 4


def _plain_local(value: str, *, decoded: bool) -> bool:
    """One spelling of the path: absolute on this host, and nothing a browser would read otherwise.
    A decoded spelling may hold spaces (``%20``); the raw one may not."""
    if not value.startswith("/") or value.startswith(("//", "/\\")):
        return False
    lowest = 0x20 if decoded else 0x21
    if any(not (lowest <= ord(char) <= 0x7E) for char in value) or "\\" in value:
        return False
    parts = urlsplit(value)
    return not parts.scheme and not parts.netloc


def local_path(value: object, default: str) -> str:
    """``value`` if it is a path on this site (never another host), else ``default``."""
    if not isinstance(value, str) or len(value) > MAX_LENGTH:
        return default
    spelling = value
    for round_ in range(_DECODINGS + 1):
        if not _plain_local(spelling, decoded=round_ > 0):
            return default
        try:
            decoded = unquote(spelling, errors="strict") if "%" in spelling else spelling
        except UnicodeDecodeError:  # bytes that are no text: no page of ours links there
            return default
        if decoded == spelling:
            return value
        spelling = decoded
    return default  # still changing after every round: not a path a page of ours would make
