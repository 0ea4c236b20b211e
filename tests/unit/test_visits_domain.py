"""The pure rules of visits: the signed patient pass, the join window, scheduling limits, merged
attendance time and rotation weeks (the calendar events: tests/unit/test_calendars_domain.py)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from server.domain.caselog import EncounterKind, check_consent
from server.domain.errors import Conflict, Invalid
from server.domain.visits import (
    ConsentMethod,
    ConsentScope,
    ParticipantRole,
    VisitStatus,
    check_joinable,
    check_schedule,
    is_observer,
    merged_seconds,
    rotation_week,
    sign_patient_pass,
    verify_patient_pass,
)
from server.domain.vocab import RotationType
from sessions import room

SECRET = "a-secret-key-for-these-tests"
T0 = datetime(2026, 12, 1, 15, 0, tzinfo=UTC)


# --- vocabularies agree with the live engine's ---------------------------------------------------


def test_the_visit_kinds_are_the_room_kinds_with_the_same_patient_rule() -> None:
    """The server hands a grant's kind to the engine by value (``RoomKind(grant.room_kind)``), so the
    domain's copy of the kinds must name the same ones and agree on which of them has a patient: the
    kind whose encounter stores the patient's consent is the one whose room lets a patient in."""
    assert {k.value for k in EncounterKind} == {k.value for k in room.RoomKind}
    for kind in EncounterKind:
        live = room.Room("r1", room.RoomKind(kind.value))
        live.join("host", room.Role.HOST, observer=False)
        try:
            live.join("patient", room.Role.PATIENT, observer=False)
        except room.Conflict:
            room_has_patient = False
        else:
            room_has_patient = True
        assert room_has_patient == (check_consent(kind, None) is not None), kind


def test_roles_and_consent_are_the_engines_own_vocabularies() -> None:
    """Role and consent values go to the engine as they are (``Role(grant.role)``); the domain uses
    the engine's enums rather than copies, so no value can be one the engine does not know."""
    assert ParticipantRole is room.Role
    assert ConsentScope is room.ConsentScope
    assert ConsentMethod is room.ConsentMethod


# --- the patient pass -----------------------------------------------------------------------------


def test_a_signed_pass_verifies_until_it_expires() -> None:
    value = sign_patient_pass(SECRET, 12, 34, T0 + timedelta(hours=24))
    assert verify_patient_pass(SECRET, value, T0) == (12, 34)
    assert verify_patient_pass(SECRET, value, T0 + timedelta(hours=23, minutes=59)) == (12, 34)
    assert verify_patient_pass(SECRET, value, T0 + timedelta(hours=24)) is None
    assert verify_patient_pass(SECRET, value, T0 + timedelta(days=3)) is None


@pytest.mark.parametrize(
    "tamper",
    [
        lambda v: v.replace("12.", "13.", 1),  # another visit
        lambda v: "12.35." + v.split(".", 2)[2],  # another link
        lambda v: ".".join([*v.split(".")[:2], str(int(v.split(".")[2]) + 86400), v.split(".")[3]]),  # later
        lambda v: v[:-2] + ("AA" if not v.endswith("AA") else "BB"),  # the MAC itself
        lambda v: v + ".1",
        lambda v: v.split(".", 1)[1],
        lambda v: "",
        lambda v: "x" * 500,
        lambda v: "12.34.999999999999999.abc",
        lambda v: "-1.34." + v.split(".", 2)[2],
    ],
)
def test_a_tampered_pass_is_refused(tamper: object) -> None:
    value = sign_patient_pass(SECRET, 12, 34, T0 + timedelta(hours=24))
    assert callable(tamper)
    assert verify_patient_pass(SECRET, tamper(value), T0) is None


def test_a_pass_signed_with_another_key_is_refused() -> None:
    value = sign_patient_pass("another-secret-key-entirely", 12, 34, T0 + timedelta(hours=1))
    assert verify_patient_pass(SECRET, value, T0) is None
    assert verify_patient_pass(SECRET, None, T0) is None


# --- the join window ------------------------------------------------------------------------------


def test_a_visit_opens_30_minutes_before_and_closes_6_hours_after_its_end() -> None:
    start, minutes = T0, 60
    with pytest.raises(Conflict, match="opens at 1 Dec 2026, 14:30 UTC"):
        check_joinable(VisitStatus.SCHEDULED, start, minutes, start - timedelta(minutes=31))
    check_joinable(VisitStatus.SCHEDULED, start, minutes, start - timedelta(minutes=30))
    check_joinable(VisitStatus.LIVE, start, minutes, start + timedelta(hours=7) - timedelta(seconds=1))
    with pytest.raises(Conflict, match="6 hours"):
        check_joinable(VisitStatus.LIVE, start, minutes, start + timedelta(hours=7))
    with pytest.raises(Conflict, match="cancelled"):
        check_joinable(VisitStatus.CANCELLED, start, minutes, start)
    with pytest.raises(Conflict, match="ended"):
        check_joinable(VisitStatus.ENDED, start, minutes, start)


def test_scheduling_limits() -> None:
    block = date(2026, 12, 7)
    now = datetime(2026, 11, 24, 15, 0, tzinfo=UTC)
    ok = datetime(2026, 12, 8, 9, 0, tzinfo=UTC)
    assert check_schedule(ok, 30, block, now) == ok
    # Given with another offset: stored in UTC.
    from datetime import timezone

    eastern = ok.astimezone(timezone(timedelta(hours=-5)))
    assert check_schedule(eastern, 30, block, now).tzinfo == UTC
    for minutes in (4, 241):
        with pytest.raises(Invalid) as caught:
            check_schedule(ok, minutes, block, now)
        assert caught.value.field == "duration_minutes"
    for bad in (
        now - timedelta(minutes=1),  # the past
        datetime(2026, 12, 7, tzinfo=UTC) + timedelta(days=35),  # a week after the last day
        datetime(2026, 11, 22, tzinfo=UTC),  # more than two weeks before (and in the past)
    ):
        with pytest.raises(Invalid) as caught:
            check_schedule(bad, 30, block, now)
        assert caught.value.field == "starts_at"
    # Two weeks before the block (an orientation) and the last day of the week after are fine.
    check_schedule(datetime(2026, 11, 24, 16, 0, tzinfo=UTC), 30, block, now)
    check_schedule(datetime(2027, 1, 10, 23, 0, tzinfo=UTC), 30, block, now)
    with pytest.raises(Invalid):
        check_schedule(datetime(2026, 12, 8, 9, 0), 30, block, now)  # naive
    with pytest.raises(Invalid):
        check_schedule(datetime(1, 1, 1, tzinfo=timezone(timedelta(hours=14))), 30, block, now)


def test_observers_are_non_hands_on_visitors_in_patient_visits() -> None:
    assert is_observer(EncounterKind.PATIENT_VISIT, RotationType.OBSERVERSHIP)
    assert is_observer(EncounterKind.PATIENT_VISIT, RotationType.RESEARCH)
    assert not is_observer(EncounterKind.PATIENT_VISIT, RotationType.HANDS_ON)
    assert not is_observer(EncounterKind.HUDDLE, RotationType.OBSERVERSHIP)
    assert not is_observer(EncounterKind.DIDACTIC, RotationType.OBSERVERSHIP)


def test_the_host_and_the_patient_never_observe() -> None:
    for role in (ParticipantRole.HOST, ParticipantRole.PATIENT):
        assert not is_observer(EncounterKind.PATIENT_VISIT, RotationType.OBSERVERSHIP, role=role)
    assert is_observer(EncounterKind.PATIENT_VISIT, RotationType.OBSERVERSHIP, role=ParticipantRole.VISITOR)


# --- attendance and weeks -------------------------------------------------------------------------


def minutes(n: float) -> timedelta:
    return timedelta(minutes=n)


def test_merged_seconds_counts_overlaps_once_and_runs_open_intervals_to_until() -> None:
    spans = [
        (T0, T0 + minutes(10)),
        (T0 + minutes(5), T0 + minutes(15)),  # overlaps the first
        (T0 + minutes(20), T0 + minutes(30)),  # a gap of 5 minutes
        (T0 + minutes(22), T0 + minutes(25)),  # inside the previous
    ]
    assert merged_seconds(spans, T0 + minutes(60)) == 25 * 60
    assert merged_seconds([(T0, None)], T0 + minutes(7)) == 7 * 60
    assert merged_seconds([(T0, T0 + minutes(90))], T0 + minutes(60)) == 60 * 60
    assert merged_seconds([], T0) == 0
    assert merged_seconds([(T0, T0)], T0 + minutes(5)) == 0
    # Touching intervals merge; order does not matter.
    assert (
        merged_seconds([(T0 + minutes(10), T0 + minutes(20)), (T0, T0 + minutes(10))], T0 + minutes(99))
        == 1200
    )


def test_rotation_week_from_the_first_block() -> None:
    first = date(2026, 12, 7)
    assert rotation_week(first, date(2026, 12, 7), 1) == 1
    assert rotation_week(first, date(2026, 12, 13), 1) == 1
    assert rotation_week(first, date(2026, 12, 14), 1) == 2
    assert rotation_week(first, date(2027, 1, 3), 1) == 4
    assert rotation_week(first, date(2027, 1, 4), 1) == 4  # after the end: the last week
    assert rotation_week(first, date(2027, 1, 4), 2) == 5
    assert rotation_week(first, date(2026, 11, 30), 2) == 1  # an orientation before the start
