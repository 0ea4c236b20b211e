"""One date format for people and one for machines (issue 18, item 20): the server's formatter
(server/domain/dates.py) and the browser's (webclient/static/local-time.js, run in node) write the same
thing for the same moment, and the templates use the formatter's filters, not formats of their own."""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from server.domain import dates
from server.domain.errors import Invalid
from tests.support.node import run_es_module

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = ROOT / "webclient" / "templates"
LOCAL_TIME = ROOT / "webclient" / "static" / "local-time.js"
MOMENTS = ["2026-12-07T14:30:00Z", "2026-09-03T04:05:00Z", "2027-01-01T00:00:00Z"]


def test_people_and_machines() -> None:
    day = date(2026, 9, 3)
    assert dates.human_day(day) == "3 Sep 2026"
    assert dates.machine_day(day) == "2026-09-03"
    moment = datetime(2026, 12, 7, 14, 30, tzinfo=UTC)
    assert dates.human_moment(moment) == "7 Dec 2026, 14:30 UTC"
    assert dates.machine_moment(moment) == "2026-12-07T14:30:00Z"
    assert dates.machine_moment(moment.replace(tzinfo=None)) == "2026-12-07T14:30:00Z"  # as stored
    assert str(dates.day_html(day)) == '<time datetime="2026-09-03">3 Sep 2026</time>'
    assert str(dates.moment_html(moment)) == (
        '<time datetime="2026-12-07T14:30:00Z" data-local>7 Dec 2026, 14:30 UTC</time>'
    )
    assert str(dates.day_html(None)) == str(dates.moment_html(None)) == "—"
    assert dates.letter_day(day) == "September 3, 2026"


def test_a_moment_in_the_readers_zone_names_the_zone() -> None:
    """Issue 15: the same moment read in Chicago and in Karachi, each at their own hour and named by
    their zone's abbreviation (daylight saving included), and the machine form stays UTC."""
    moment = datetime(2026, 12, 7, 14, 30, tzinfo=UTC)
    chicago, karachi = ZoneInfo("America/Chicago"), ZoneInfo("Asia/Karachi")
    assert dates.human_moment(moment, chicago) == "7 Dec 2026, 08:30 CST"
    assert dates.human_moment(moment, karachi) == "7 Dec 2026, 19:30 PKT"
    assert dates.human_moment(datetime(2026, 7, 1, 12, 0, tzinfo=UTC), chicago) == "1 Jul 2026, 07:00 CDT"
    # A zone without an abbreviation in the database (it writes "+04") reads as an offset from UTC.
    assert dates.human_moment(moment, ZoneInfo("Asia/Dubai")) == "7 Dec 2026, 18:30 UTC+04"
    assert str(dates.moment_html(moment, karachi)) == (
        '<time datetime="2026-12-07T14:30:00Z">7 Dec 2026, 19:30 PKT</time>'
    )
    # Late evening in Chicago is already the next day in Karachi.
    late = datetime(2026, 12, 7, 23, 0, tzinfo=UTC)
    assert str(dates.day_html(late, chicago)) == '<time datetime="2026-12-07">7 Dec 2026</time>'
    assert str(dates.day_html(late, karachi)) == '<time datetime="2026-12-08">8 Dec 2026</time>'


def test_only_the_zone_databases_names_are_taken() -> None:
    assert dates.check_time_zone(" Asia/Karachi ") == "Asia/Karachi"
    for bad in ("Mars/Olympus", "../../etc/passwd", "", "asia/karachi", "localtime"):
        with pytest.raises(Invalid) as refused:
            dates.check_time_zone(bad)
        assert refused.value.field == "time_zone"
    assert dates.zone_of(None) is None and dates.zone_of("Not/AZone") is None
    assert all(dates.zone_of(name) is not None for name in dates.COMMON_ZONES)


def test_the_browser_writes_a_moment_as_the_server_does() -> None:
    source = (
        "globalThis.document = { querySelectorAll: () => [] };\n"
        f"const {{ formatMoment }} = await import({json.dumps(str(LOCAL_TIME))});\n"
        f"console.log(JSON.stringify({json.dumps(MOMENTS)}.map((m) => formatMoment(new Date(m)))));"
    )
    # US English names the US zones as the zone database does (elsewhere it may write "UTC+01").
    for zone in ("UTC", "America/Chicago", "America/New_York"):
        written = run_es_module(source, env={"TZ": zone})
        expected = [dates.human_moment(datetime.fromisoformat(m), ZoneInfo(zone)) for m in MOMENTS]
        assert written == expected, zone


def test_templates_format_dates_only_through_the_filters() -> None:
    own_formats = re.compile(r"\.isoformat\(\)|\.strftime\(")
    found = [
        f"{path.name}:{number}"
        for path in sorted(TEMPLATES.glob("*.html"))
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if own_formats.search(line)
    ]
    assert found == []


def test_sign_up_fills_in_the_browsers_zone_and_leaves_a_chosen_one() -> None:
    """webclient/static/time-zone.js, run in node with a time zone: an empty field gets the browser's
    IANA zone, a field already filled (a form shown again) keeps its value."""
    script = ROOT / "webclient" / "static" / "time-zone.js"
    source = (
        "const fields = [{ value: '' }, { value: 'Asia/Karachi' }];\n"
        "globalThis.document = { querySelectorAll: () => fields };\n"
        f"await import({json.dumps(str(script))});\n"
        "console.log(JSON.stringify(fields.map((f) => f.value)));"
    )
    assert run_es_module(source, env={"TZ": "America/Chicago"}) == ["America/Chicago", "Asia/Karachi"]
