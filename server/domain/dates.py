"""How Rounds writes dates and times: one format for people and one for machines, in one place.

For people, a day is ``7 Dec 2026`` (day, short English month, year: the same in every country, never
read as 12 July) and a moment ``7 Dec 2026, 08:30 CST`` (24-hour clock) in the reader's time zone,
named by its abbreviation. Times are kept in UTC; the reader's zone is the one they chose on their
account (``users.time_zone``, an IANA name). For a reader who chose none (or nobody logged in) a page
writes UTC and its script rewrites it in the browser's zone in the same shape
(``webclient/static/local-time.js``); mail to such a reader stays in UTC. For machines (the
``datetime`` attribute of ``<time>``, form values, the API, files) it is ISO 8601 in UTC:
``2026-12-07`` and ``2026-12-07T14:30:00Z``.

Templates use these as filters (``{{ d | day }}``, ``{{ dt | moment }}``, ``{{ d | iso }}``), which
take the reader's zone from the template's context (``reader_zone``: see ``server/app.py`` and
``server/services/mail.py``); messages and documents call them directly. A letter of recommendation
keeps the US business-letter date (``December 7, 2026``): it is a letter written to US programs, not a
page."""

from __future__ import annotations

from datetime import UTC, date, datetime, tzinfo
from functools import cache
from zoneinfo import ZoneInfo, available_timezones

from markupsafe import Markup, escape

from server.domain.errors import Invalid

#: Zones offered first on the profile page: at least one per region where visitors live, and the US
#: programs' own. Any IANA name can be chosen through the API.
COMMON_ZONES: tuple[str, ...] = (
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Phoenix",
    "America/Los_Angeles",
    "America/Anchorage",
    "Pacific/Honolulu",
    "America/Toronto",
    "America/Mexico_City",
    "America/Bogota",
    "America/Lima",
    "America/Caracas",
    "America/Santiago",
    "America/Sao_Paulo",
    "America/Argentina/Buenos_Aires",
    "America/Puerto_Rico",
    "Europe/London",
    "Europe/Dublin",
    "Europe/Lisbon",
    "Europe/Madrid",
    "Europe/Paris",
    "Europe/Berlin",
    "Europe/Rome",
    "Europe/Warsaw",
    "Europe/Athens",
    "Europe/Kyiv",
    "Europe/Istanbul",
    "Europe/Moscow",
    "Africa/Casablanca",
    "Africa/Lagos",
    "Africa/Cairo",
    "Africa/Khartoum",
    "Africa/Addis_Ababa",
    "Africa/Nairobi",
    "Africa/Johannesburg",
    "Asia/Jerusalem",
    "Asia/Amman",
    "Asia/Beirut",
    "Asia/Baghdad",
    "Asia/Riyadh",
    "Asia/Tehran",
    "Asia/Dubai",
    "Asia/Kabul",
    "Asia/Karachi",
    "Asia/Tashkent",
    "Asia/Kolkata",
    "Asia/Kathmandu",
    "Asia/Dhaka",
    "Asia/Yangon",
    "Asia/Bangkok",
    "Asia/Jakarta",
    "Asia/Ho_Chi_Minh",
    "Asia/Manila",
    "Asia/Shanghai",
    "Asia/Hong_Kong",
    "Asia/Singapore",
    "Asia/Taipei",
    "Asia/Seoul",
    "Asia/Tokyo",
    "Australia/Perth",
    "Australia/Sydney",
    "Pacific/Auckland",
    "UTC",
)


# Names the zone database may list that are no place's zone: the machine's own and a placeholder.
_NOT_ZONES = frozenset({"localtime", "Factory", "posixrules"})


@cache
def _known_zones() -> frozenset[str]:
    return frozenset(
        name
        for name in available_timezones()
        if name not in _NOT_ZONES and not name.startswith(("posix/", "right/"))
    )


def check_time_zone(name: str) -> str:
    """``name`` if it is an IANA time zone (``Asia/Karachi``); Invalid, saying so, otherwise. Only
    the database's names are taken, never a path or a file's name."""
    cleaned = name.strip()
    if cleaned not in _known_zones():
        raise Invalid(
            f"{cleaned[:64]!r} is not a time zone: choose one from the list, or give an IANA name such "
            "as America/Chicago or Asia/Karachi.",
            field="time_zone",
        )
    return cleaned


def zone_of(name: str | None) -> tzinfo | None:
    """The zone named ``name`` (a name kept on an account), None for none or a name the zone database
    no longer knows: that reader then reads UTC, never an error page."""
    if name is None or name not in _known_zones():
        return None
    return ZoneInfo(name)


def human_day(day: date) -> str:
    """``7 Dec 2026``."""
    return f"{day.day} {day.strftime('%b')} {day.year}"


def zone_abbreviation(local: datetime) -> str:
    """The abbreviation of an aware ``local`` time's zone at that moment (``CST``, ``PKT``); where
    the zone database has none (it writes ``+04``), ``UTC+04``."""
    name = local.tzname() or "UTC"
    return f"UTC{name}" if name[:1] in "+-" else name


def human_moment(moment: datetime, zone: tzinfo | None = None) -> str:
    """``7 Dec 2026, 08:30 CST``: ``moment`` in ``zone`` (UTC when None), with the zone's
    abbreviation. A naive ``moment`` is taken to be UTC, as the database keeps it."""
    local = _utc(moment).astimezone(zone or UTC)
    return f"{human_day(local.date())}, {local:%H:%M} {zone_abbreviation(local)}"


def local_day(moment: datetime, zone: tzinfo | None = None) -> date:
    """The day it is in ``zone`` (UTC when None) at ``moment``."""
    return _utc(moment).astimezone(zone or UTC).date()


def machine_day(day: date) -> str:
    """``2026-12-07``."""
    return day.isoformat()


def machine_moment(moment: datetime) -> str:
    """``2026-12-07T14:30:00Z``."""
    return f"{_utc(moment):%Y-%m-%dT%H:%M:%SZ}"


def letter_day(day: date) -> str:
    """``December 7, 2026``: the date line of a US letter."""
    return f"{day.strftime('%B')} {day.day}, {day.year}"


def day_html(day: date | None, zone: tzinfo | None = None) -> Markup:
    """A day for a page: ``<time datetime="2026-12-07">7 Dec 2026</time>`` (an em dash for none); a
    moment given as a day is the day it is in ``zone`` then."""
    if day is None:
        return Markup("—")
    if isinstance(day, datetime):
        day = local_day(day, zone)
    return Markup('<time datetime="{}">{}</time>').format(machine_day(day), escape(human_day(day)))


def moment_html(moment: datetime | None, zone: tzinfo | None = None) -> Markup:
    """A moment for a page in the reader's ``zone`` (an em dash for none). With no zone it is written
    in UTC and marked for the page's script, which shows it in the browser's zone."""
    if moment is None:
        return Markup("—")
    if zone is None:
        return Markup('<time datetime="{}" data-local>{}</time>').format(
            machine_moment(moment), human_moment(moment)
        )
    return Markup('<time datetime="{}">{}</time>').format(machine_moment(moment), human_moment(moment, zone))


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
