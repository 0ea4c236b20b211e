"""How Rounds writes dates and times: one format for people and one for machines, in one place.

For people, a day is ``7 Dec 2026`` (day, short English month, year: the same in every country, never
read as 12 July) and a moment ``7 Dec 2026, 14:30 UTC`` (24-hour clock; a page's script rewrites it in
the reader's own time zone in the same shape: ``webclient/static/local-time.js``). For machines (the
``datetime`` attribute of ``<time>``, form values, the API, files) it is ISO 8601: ``2026-12-07`` and
``2026-12-07T14:30:00Z``.

Templates use these as filters (``{{ d | day }}``, ``{{ dt | moment }}``, ``{{ d | iso }}``: see
``server/app.py``); messages and documents call them directly. A letter of recommendation keeps the
US business-letter date (``December 7, 2026``): it is a letter written to US programs, not a page."""

from __future__ import annotations

from datetime import UTC, date, datetime

from markupsafe import Markup, escape


def human_day(day: date) -> str:
    """``7 Dec 2026``."""
    return f"{day.day} {day.strftime('%b')} {day.year}"


def human_moment(moment: datetime) -> str:
    """``7 Dec 2026, 14:30 UTC`` (a naive ``moment`` is taken to be UTC, as the database keeps it)."""
    utc = _utc(moment)
    return f"{human_day(utc.date())}, {utc:%H:%M} UTC"


def machine_day(day: date) -> str:
    """``2026-12-07``."""
    return day.isoformat()


def machine_moment(moment: datetime) -> str:
    """``2026-12-07T14:30:00Z``."""
    return f"{_utc(moment):%Y-%m-%dT%H:%M:%SZ}"


def letter_day(day: date) -> str:
    """``December 7, 2026``: the date line of a US letter."""
    return f"{day.strftime('%B')} {day.day}, {day.year}"


def day_html(day: date | None) -> Markup:
    """A day for a page: ``<time datetime="2026-12-07">7 Dec 2026</time>`` (an em dash for none)."""
    if day is None:
        return Markup("—")
    if isinstance(day, datetime):
        day = _utc(day).date()
    return Markup('<time datetime="{}">{}</time>').format(machine_day(day), escape(human_day(day)))


def moment_html(moment: datetime | None) -> Markup:
    """A moment for a page, which its script shows in the reader's time zone (an em dash for none)."""
    if moment is None:
        return Markup("—")
    return Markup('<time datetime="{}" data-local>{}</time>').format(
        machine_moment(moment), human_moment(moment)
    )


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
