"""The pure side of calendars: a session's event and calendar, read back with the ``icalendar`` parser
(the same package that writes them, but its parser is strict about RFC 5545 and a calendar app's view of
the text is what matters: folding, escaping and UTC times are checked on the raw text too), the agenda's
window and the subscription token's shape; and the catalog's search words."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from icalendar import Calendar

from server.domain.calendars import (
    SessionEvent,
    agenda_window,
    feed_token_hash,
    is_plausible_feed_token,
    new_feed_token,
    session_event,
    vcalendar,
)
from server.domain.caselog import EncounterKind
from server.domain.errors import Invalid
from server.domain.programs import SEARCH_MAX_WORDS, search_key, search_words
from server.domain.visits import Visit, VisitStatus

CREATED = datetime(2026, 11, 24, 15, 0, tzinfo=UTC)
VISIT = Visit(
    id=7,
    program_id=1,
    block_id=2,
    host_id=3,
    kind=EncounterKind.HUDDLE,
    title="Follow-up of Mrs Jane Doe, chest pain",  # a title may name a patient: never in the calendar
    starts_at=datetime(2026, 12, 8, 14, 0, tzinfo=UTC),
    duration_minutes=45,
    status=VisitStatus.SCHEDULED,
    started_at=None,
    ended_at=None,
    cancel_note=None,
    created_at=CREATED,
)


def event_of(visit: Visit, **names: str) -> SessionEvent:
    return session_event(
        visit,
        program_title=names.get("program", "Virtual Internal Medicine; Observership, part 2"),
        host_name=names.get("host", "Dr. Samuel Reyes"),
        url="https://rounds.example/visits/7",
    )


def test_an_event_reads_back_in_utc_with_its_uid_sequence_and_no_title() -> None:
    text = vcalendar([event_of(VISIT)], method="PUBLISH")
    assert b"\r\n" in text and b"\n" not in text.replace(b"\r\n", b"")
    assert all(len(line) <= 75 for line in text.split(b"\r\n"))
    calendar = Calendar.from_ical(text)
    assert calendar["METHOD"] == "PUBLISH" and calendar["VERSION"] == "2.0"
    [event] = calendar.walk("VEVENT")
    assert event["UID"] == "visit-7@rounds"
    assert event["SEQUENCE"] == 0
    assert event.decoded("DTSTART") == VISIT.starts_at
    assert event.decoded("DTEND") == VISIT.starts_at + timedelta(minutes=45)
    assert event.decoded("DTSTAMP") == CREATED
    assert b"DTSTART:20261208T140000Z" in text  # UTC, not a floating or zoned time
    summary = "Huddle · Virtual Internal Medicine; Observership, part 2 · Dr. Samuel Reyes"
    assert str(event["SUMMARY"]) == summary
    assert str(event["URL"]) == "https://rounds.example/visits/7"
    assert event["STATUS"] == "CONFIRMED"
    assert b"Jane" not in text and b"chest" not in text.lower()


def test_a_moved_visit_has_a_higher_sequence_and_a_cancelled_one_says_so() -> None:
    revised = CREATED + timedelta(days=2)
    moved = replace(VISIT, starts_at=VISIT.starts_at + timedelta(hours=3), sequence=1, revised_at=revised)
    cancelled = replace(moved, status=VisitStatus.CANCELLED, cancel_note="Mr Smith cannot come", sequence=2)
    calendar = Calendar.from_ical(vcalendar([event_of(moved), event_of(cancelled)], name="Rounds sessions"))
    first, second = calendar.walk("VEVENT")
    assert first["SEQUENCE"] == 1 and first.decoded("DTSTAMP") == revised
    assert first.decoded("DTSTART") == datetime(2026, 12, 8, 17, 0, tzinfo=UTC)
    assert second["SEQUENCE"] == 2 and second["STATUS"] == "CANCELLED" and second["TRANSP"] == "TRANSPARENT"
    assert "Smith" not in calendar.to_ical().decode()
    # A named calendar asks apps to come back (RFC 7986) and has no METHOD (it is a feed).
    assert str(calendar["X-WR-CALNAME"]) == "Rounds sessions" and "METHOD" not in calendar
    assert calendar["REFRESH-INTERVAL"].dt == timedelta(hours=1)


def test_non_ascii_names_survive_folding() -> None:
    long_program = "Pédiatrie générale à distance — " * 4
    text = vcalendar([event_of(VISIT, program=long_program, host="Dr. Ñuño Øster")])
    assert all(len(line) <= 75 for line in text.split(b"\r\n"))
    [event] = Calendar.from_ical(text).walk("VEVENT")
    assert long_program in str(event["SUMMARY"]) and "Dr. Ñuño Øster" in str(event["SUMMARY"])


def test_the_agenda_runs_from_the_start_of_today_to_the_end_of_the_seventh_day() -> None:
    start, end = agenda_window(datetime(2026, 11, 24, 23, 59, tzinfo=UTC))
    assert start == datetime(2026, 11, 24, tzinfo=UTC)
    assert end == datetime(2026, 12, 2, tzinfo=UTC)


def test_feed_tokens_are_random_and_only_their_hash_is_kept() -> None:
    tokens = {new_feed_token() for _ in range(50)}
    assert len(tokens) == 50 and all(is_plausible_feed_token(t) and len(t) >= 43 for t in tokens)
    token = tokens.pop()
    assert feed_token_hash(token) != token and len(feed_token_hash(token)) == 64
    for bad in ["", "a" * 101, "abc/def", "abc.def", "é", "a b", "%2e%2e"]:
        assert not is_plausible_feed_token(bad), bad


def test_search_words_fold_case_and_accents_and_match_the_key() -> None:
    key = search_key("Pédiatrie à distance", "Pediatrics", "Télé-santé for CHILDREN; São Paulo")
    assert key == " pediatrie a distance pediatrics tele sante for children sao paulo "
    assert search_words("  CHILDREN  pédiatrie children ") == ["children", "pediatrie"]
    assert search_words("100% _x_") == ["100", "x"]  # no LIKE wildcard survives
    assert search_words("") == []
    with pytest.raises(Invalid) as refused:
        search_words(" ".join(f"w{i}" for i in range(SEARCH_MAX_WORDS + 1)))
    assert refused.value.field == "q"
