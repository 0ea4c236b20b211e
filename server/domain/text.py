"""Checking one free-text field of a domain value: a string, trimmed, within its limit, without NUL
(and, where asked, on one line), and present when required. The messages name the field."""

from __future__ import annotations

from server.domain.errors import Invalid


def checked_text(
    value: object, limit: int, field: str, *, required: bool = True, single_line: bool = False
) -> str:
    """``value`` trimmed, or :class:`Invalid` for ``field`` saying what to fix."""
    if not isinstance(value, str):
        raise Invalid("Must be text.", field=field)
    text = value.strip()
    if single_line and any(ch in text for ch in "\x00\r\n"):
        raise Invalid("Must be one line of text.", field=field)
    if "\x00" in text:
        raise Invalid("Must not contain the NUL character.", field=field)
    if len(text) > limit:
        raise Invalid(f"At most {limit} characters (this has {len(text)}).", field=field)
    if required and not text:
        raise Invalid("Fill this in.", field=field)
    return text
