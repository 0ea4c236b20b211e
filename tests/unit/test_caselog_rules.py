"""The case log's domain rules: weeks, consent, participation, diagnoses, drafts and the review."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from server.domain.caselog import (
    AGE_BAND_LABELS,
    AgeBand,
    Encounter,
    EncounterKind,
    EncounterSource,
    LogState,
    Participation,
    ReviewAction,
    ReviewStatus,
    Setting,
    check_consent,
    check_diagnoses,
    check_editable,
    check_participation,
    check_reviewable,
    check_week,
    encounter_label,
    final_diagnoses,
    plan_review,
    weeks_in,
)
from server.domain.errors import Conflict, Invalid

# A tiny code set: what the resolver knows, keyed by the compact upper-case form.
KNOWN = {"E119": "E11.9", "I10": "I10", "J069": "J06.9", "E11": "E11"}


def resolve(code: str) -> str | None:
    return KNOWN.get(code.upper().replace(".", ""))


def test_the_age_bands_are_the_domain_reference_ones_in_order() -> None:
    assert [band.value for band in AgeBand] == [
        "newborn",
        "1-11mo",
        "1-5",
        "6-11",
        "12-17",
        "18-29",
        "30-39",
        "40-49",
        "50-59",
        "60-69",
        "70-79",
        "80-89",
        "90+",
    ]
    assert set(AGE_BAND_LABELS) == set(AgeBand)


@pytest.mark.parametrize(("blocks", "weeks"), [(0, 0), (1, 4), (2, 8), (3, 12)])
def test_a_rotation_has_four_weeks_per_block(blocks: int, weeks: int) -> None:
    assert weeks_in(blocks) == weeks


@pytest.mark.parametrize(("week", "blocks", "ok"), [(1, 1, True), (4, 1, True), (5, 1, False), (8, 2, True)])
def test_the_week_must_fall_within_the_enrollment(week: int, blocks: int, ok: bool) -> None:
    if ok:
        check_week(week, blocks)
    else:
        with pytest.raises(Invalid) as caught:
            check_week(week, blocks)
        assert caught.value.field == "week"
        assert f"1 and {weeks_in(blocks)}" in caught.value.message


def test_week_zero_is_refused() -> None:
    with pytest.raises(Invalid):
        check_week(0, 3)


def test_only_a_patient_visit_carries_consent() -> None:
    assert check_consent(EncounterKind.PATIENT_VISIT, None) is False
    assert check_consent(EncounterKind.PATIENT_VISIT, True) is True
    assert check_consent(EncounterKind.HUDDLE, None) is None
    with pytest.raises(Invalid) as caught:
        check_consent(EncounterKind.DIDACTIC, False)
    assert caught.value.field == "consent_recorded"


def test_a_visitor_never_attests_consent_and_their_patient_visit_carries_none() -> None:
    visitor = EncounterSource.VISITOR
    assert check_consent(EncounterKind.PATIENT_VISIT, None, visitor) is None
    assert check_consent(EncounterKind.HUDDLE, None, visitor) is None
    for flag in (True, False):
        with pytest.raises(Invalid, match="host records it") as caught:
            check_consent(EncounterKind.PATIENT_VISIT, flag, visitor)
        assert caught.value.field == "consent_recorded"
    assert check_consent(EncounterKind.PATIENT_VISIT, True, EncounterSource.PRECEPTOR) is True


def test_an_encounter_label_tells_sessions_apart_and_says_self_reported() -> None:
    at = datetime(2026, 12, 4, 16, 5, tzinfo=UTC)
    huddle = Encounter(
        1,
        1,
        7,
        EncounterKind.HUDDLE,
        Setting.TELEHEALTH_VIDEO,
        1,
        None,
        None,
        2,
        at,
        EncounterSource.PLATFORM,
    )
    assert encounter_label(huddle, "Friday huddle", at) == (
        "Week 1 · Huddle · Fri Dec 4, 2026 · Friday huddle"
    )
    # The session's day is the reader's: 16:05 UTC is already Saturday in Auckland.
    assert encounter_label(huddle, "Friday huddle", at, ZoneInfo("Pacific/Auckland")) == (
        "Week 1 · Huddle · Sat Dec 5, 2026 · Friday huddle"
    )
    own = replace(huddle, session_id=None, source=EncounterSource.VISITOR)
    assert encounter_label(own, None, None) == (
        "Week 1 · Huddle · Telehealth (video) · entered Fri Dec 4, 2026, 16:05 UTC · self-reported"
    )


def test_participation_needs_one_and_no_repeats_and_is_put_in_order() -> None:
    assert check_participation([Participation.COUNSELED, Participation.OBSERVED]) == [
        Participation.OBSERVED,
        Participation.COUNSELED,
    ]
    with pytest.raises(Invalid):
        check_participation([])
    with pytest.raises(Invalid):
        check_participation([Participation.PRESENTED, Participation.PRESENTED])


def test_diagnoses_are_normalised_and_keep_their_order() -> None:
    assert check_diagnoses(["i10", " e119 ", "E11"], resolve) == ["I10", "E11.9", "E11"]


def test_an_unknown_code_is_named() -> None:
    with pytest.raises(Invalid) as caught:
        check_diagnoses(["I10", "Z99.999"], resolve)
    assert "'Z99.999'" in caught.value.message
    assert caught.value.field == "diagnoses"


def test_the_same_code_twice_in_any_spelling_is_refused() -> None:
    with pytest.raises(Invalid) as caught:
        check_diagnoses(["E11.9", "e119"], resolve)
    assert "E11.9 is listed twice" in caught.value.message


@pytest.mark.parametrize("count", [0, 11])
def test_between_one_and_ten_diagnoses(count: int) -> None:
    with pytest.raises(Invalid):
        check_diagnoses(["I10"] * count, resolve)


def test_only_a_draft_is_editable_and_only_a_submitted_log_reviewable() -> None:
    check_editable(LogState.DRAFT)
    with pytest.raises(Conflict):
        check_editable(LogState.SUBMITTED)
    check_reviewable(LogState.SUBMITTED)
    with pytest.raises(Conflict):
        check_reviewable(LogState.DRAFT)


def test_confirming_keeps_the_visitors_list() -> None:
    assert plan_review(ReviewAction.CONFIRM, ["I10"], None) == (ReviewStatus.CONFIRMED, None)
    with pytest.raises(Invalid):
        plan_review(ReviewAction.CONFIRM, ["I10"], ["E11.9"])


def test_correcting_replaces_the_list_and_an_identical_correction_is_a_confirmation() -> None:
    assert plan_review(ReviewAction.CORRECT, ["I10"], ["E11.9", "I10"]) == (
        ReviewStatus.CORRECTED,
        ["E11.9", "I10"],
    )
    assert plan_review(ReviewAction.CORRECT, ["I10"], ["I10"]) == (ReviewStatus.CONFIRMED, None)
    with pytest.raises(Invalid):
        plan_review(ReviewAction.CORRECT, ["I10"], None)


def test_the_final_diagnoses_are_the_correction_if_any() -> None:
    assert final_diagnoses(["I10"], None) == ["I10"]
    assert final_diagnoses(["I10"], ["E11.9"]) == ["E11.9"]
