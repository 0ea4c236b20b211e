"""Evaluations: the mini-CEX's scale and narrative, EPA and RIME ratings, what an observership may rate, the
comparative rating's group-size rule, the end-of-rotation evaluation, and the draft -> released states."""

from __future__ import annotations

from typing import Any

import pytest

from server.domain.errors import Conflict, Invalid
from server.domain.evaluations import (
    ENCOUNTER_FREE_TEXT,
    ENTRUSTMENT_ORDINAL,
    FINAL_FREE_TEXT,
    MINUTES_FEEDBACK_MAX,
    MINUTES_OBSERVED_MAX,
    NARRATIVE_MAX,
    RIME_ORDINAL,
    Band,
    ComparativeRating,
    Competency,
    Entrustment,
    Epa,
    MiniCexItem,
    ReleaseState,
    RimeStage,
    band,
    check_editable,
    make_comparison,
    make_encounter_evaluation,
    make_final_evaluation,
    plan_release,
    rating_scope,
    visible_to_visitor,
)
from server.domain.vocab import RotationType

NO_CONTACT = [RotationType.OBSERVERSHIP, RotationType.RESEARCH, RotationType.ADVANCED_STUDY]


def evaluation(rotation_type: str = "hands_on", **overrides: Any) -> Any:
    fields: dict[str, Any] = {
        "ratings": {"professionalism": 8},
        "epas": None,
        "rime": None,
        "minutes_observed": 30,
        "minutes_feedback": 5,
        "strengths": "Clear, organised presentation.",
        "improvement": "Tighten the summary statement.",
        "example": "Prioritised ACS over GERD for exertional chest pain and said why.",
    }
    fields.update(overrides)
    return make_encounter_evaluation(rotation_type, **fields)


def test_a_full_evaluation_is_made_canonical() -> None:
    built = evaluation(
        ratings={"interviewing": 7, "overall": 8, "counseling": "not_observed", "physical_exam": None},
        epas={"epa6": "3a", "epa2": "2b"},
        rime="interpreter",
        strengths="  Clear.  ",
    )
    assert built.rotation_type is RotationType.HANDS_ON
    assert list(built.ratings) == list(MiniCexItem)  # every item, in the form's order
    assert built.ratings[MiniCexItem.INTERVIEWING] == 7
    assert built.ratings[MiniCexItem.COUNSELING] is None
    assert built.ratings[MiniCexItem.PROFESSIONALISM] is None  # left out: not observed
    assert built.rated_items() == {MiniCexItem.INTERVIEWING: 7, MiniCexItem.OVERALL: 8}
    assert list(built.epas.items()) == [
        (Epa.EPA_2, Entrustment.SUPERVISOR_IN_ROOM),
        (Epa.EPA_6, Entrustment("3a")),
    ]
    assert built.rime is RimeStage.INTERPRETER
    assert built.strengths == "Clear."


def test_the_free_text_fields_are_named_for_the_phi_guard() -> None:
    assert ENCOUNTER_FREE_TEXT == ("strengths", "improvement", "example")
    assert set(evaluation().free_text()) == set(ENCOUNTER_FREE_TEXT)
    assert FINAL_FREE_TEXT == ("narrative",)


@pytest.mark.parametrize("score", [0, 10, -1, 5.5, "7", True, [7]])
def test_a_score_outside_1_to_9_or_not_a_whole_number_is_refused(score: object) -> None:
    with pytest.raises(Invalid) as caught:
        evaluation(ratings={"interviewing": score})
    assert caught.value.field == "ratings.interviewing"


@pytest.mark.parametrize("score", [1, 9])
def test_the_ends_of_the_scale_are_accepted(score: int) -> None:
    assert evaluation(ratings={"overall": score}).ratings[MiniCexItem.OVERALL] == score


def test_unknown_items_epas_levels_and_stages_are_refused() -> None:
    with pytest.raises(Invalid) as caught:
        evaluation(ratings={"bedside_manner": 5})
    assert caught.value.field == "ratings" and "bedside_manner" in caught.value.message
    with pytest.raises(Invalid) as caught:
        evaluation(epas={"epa4": "3a"})
    assert caught.value.field == "epas"
    with pytest.raises(Invalid) as caught:
        evaluation(epas={"epa2": "6"})
    assert caught.value.field == "epas.epa2"
    with pytest.raises(Invalid) as caught:
        evaluation(rime="expert")
    assert caught.value.field == "rime"
    with pytest.raises(Invalid) as caught:
        evaluation(ratings=[("overall", 5)])
    assert caught.value.field == "ratings"
    with pytest.raises(Invalid) as caught:
        evaluation(rotation_type="clerkship")
    assert caught.value.field == "rotation_type"


def test_an_evaluation_that_rates_nothing_is_refused() -> None:
    with pytest.raises(Invalid) as caught:
        evaluation(ratings={"overall": "not_observed"})
    assert caught.value.field == "ratings"
    # An EPA alone, or the RIME stage alone, is something rated.
    assert evaluation(ratings={}, epas={"epa2": "3a"}).epas == {Epa.EPA_2: Entrustment.ALL_FINDINGS_CHECKED}
    assert evaluation(ratings={}, rime="manager").rime is RimeStage.MANAGER


@pytest.mark.parametrize("name", ["strengths", "improvement", "example"])
@pytest.mark.parametrize("value", ["", "   ", None, 42, "a\x00b", "x" * (NARRATIVE_MAX + 1)])
def test_each_narrative_field_is_required_text_within_its_limit(name: str, value: Any) -> None:
    with pytest.raises(Invalid) as caught:
        evaluation(**{name: value})
    assert caught.value.field == name


def test_a_narrative_field_at_its_limit_passes() -> None:
    assert len(evaluation(example="x" * NARRATIVE_MAX).example) == NARRATIVE_MAX


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("minutes_observed", 0),
        ("minutes_observed", MINUTES_OBSERVED_MAX + 1),
        ("minutes_observed", 12.5),
        ("minutes_observed", True),
        ("minutes_feedback", -1),
        ("minutes_feedback", MINUTES_FEEDBACK_MAX + 1),
        ("minutes_feedback", "5"),
    ],
)
def test_minutes_out_of_range_or_of_the_wrong_type_are_refused(name: str, value: Any) -> None:
    with pytest.raises(Invalid) as caught:
        evaluation(**{name: value})
    assert caught.value.field == name


def test_no_feedback_minutes_is_allowed() -> None:
    assert evaluation(minutes_feedback=0).minutes_feedback == 0


# --- observership rules -----------------------------------------------------------------------------


@pytest.mark.parametrize("rotation_type", NO_CONTACT)
@pytest.mark.parametrize(
    ("item", "label"),
    [
        ("interviewing", "Medical interviewing"),
        ("physical_exam", "Virtual physical exam"),
        ("clinical_judgment", "Clinical judgment"),
        ("counseling", "Counseling"),
        ("organization_efficiency", "Organization and efficiency"),
        ("overall", "Overall clinical competence"),
    ],
)
def test_without_patient_contact_rating_a_patient_item_is_refused_by_name(
    rotation_type: RotationType, item: str, label: str
) -> None:
    with pytest.raises(Invalid) as caught:
        evaluation(rotation_type, ratings={"professionalism": 8, item: 6})
    assert caught.value.field == f"ratings.{item}"
    assert label in caught.value.message and "no patient contact" in caught.value.message


@pytest.mark.parametrize("rotation_type", NO_CONTACT)
@pytest.mark.parametrize("epa", ["epa1", "epa3", "epa5"])
def test_without_patient_contact_epas_1_3_5_are_refused_by_number(
    rotation_type: RotationType, epa: str
) -> None:
    with pytest.raises(Invalid) as caught:
        evaluation(rotation_type, epas={epa: "3a"})
    assert caught.value.field == f"epas.{epa}"
    assert f"EPA {epa[-1]}" in caught.value.message


@pytest.mark.parametrize("rotation_type", NO_CONTACT)
def test_without_patient_contact_what_can_be_observed_is_rated(rotation_type: RotationType) -> None:
    built = evaluation(
        rotation_type,
        ratings={"professionalism": 9, "interviewing": "not_observed", "overall": None},
        epas={"epa2": "3a", "epa6": "3b", "epa7": "2b", "epa1": None},
        rime="reporter",
    )
    assert built.rated_items() == {MiniCexItem.PROFESSIONALISM: 9}
    assert set(built.epas) == {Epa.EPA_2, Epa.EPA_6, Epa.EPA_7}


def test_the_scopes_are_as_the_design_says() -> None:
    observership = rating_scope(RotationType.OBSERVERSHIP)
    assert observership.items == {MiniCexItem.PROFESSIONALISM}
    assert observership.epas == {Epa.EPA_2, Epa.EPA_6, Epa.EPA_7}
    assert observership.rime and not observership.patient_contact
    hands_on = rating_scope(RotationType.HANDS_ON)
    assert hands_on.items == set(MiniCexItem) and hands_on.epas == set(Epa) and hands_on.patient_contact
    # A hands-on evaluation may rate everything.
    full = evaluation(ratings=dict.fromkeys(MiniCexItem, 7), epas=dict.fromkeys(Epa, "4"), rime="educator")
    assert len(full.rated_items()) == 7 and len(full.epas) == 6


# --- scales -----------------------------------------------------------------------------------------


def test_the_entrustment_and_rime_ordinals_follow_the_scales() -> None:
    levels = ["1", "2a", "2b", "3a", "3b", "3c", "4", "5"]
    assert {level.value: n for level, n in ENTRUSTMENT_ORDINAL.items()} == {
        level: i + 1 for i, level in enumerate(levels)
    }
    assert [stage.value for stage in sorted(RIME_ORDINAL, key=RIME_ORDINAL.__getitem__)] == [
        "reporter",
        "interpreter",
        "manager",
        "educator",
    ]


@pytest.mark.parametrize(
    ("score", "expected"),
    [
        (1, Band.UNSATISFACTORY),
        (3, Band.UNSATISFACTORY),
        (4, Band.SATISFACTORY),
        (6, Band.SATISFACTORY),
        (7, Band.SUPERIOR),
        (9, Band.SUPERIOR),
    ],
)
def test_the_bands_of_the_nine_point_scale(score: int, expected: Band) -> None:
    assert band(score) is expected


def test_band_refuses_a_score_off_the_scale() -> None:
    with pytest.raises(Invalid):
        band(10)


# --- the comparative rating -------------------------------------------------------------------------


@pytest.mark.parametrize("rating", list(ComparativeRating))
def test_a_ranking_against_no_one_is_refused(rating: ComparativeRating) -> None:
    with pytest.raises(Invalid) as caught:
        make_comparison(rating, 0)
    assert caught.value.field == "comparison.rating" and "no past visitors" in caught.value.message


@pytest.mark.parametrize("size", [1, 4])
def test_a_ranking_against_a_small_group_is_refused(size: int) -> None:
    with pytest.raises(Invalid) as caught:
        make_comparison("top_third", size)
    assert "not enough to compare" in caught.value.message


def test_top_ten_percent_needs_nine_past_visitors() -> None:
    with pytest.raises(Invalid) as caught:
        make_comparison("top_10_percent", 8)
    assert "9" in caught.value.message
    assert make_comparison("top_10_percent", 9).rating is ComparativeRating.TOP_TEN_PERCENT
    assert make_comparison("top_third", 5).rating is ComparativeRating.TOP_THIRD


def test_every_comparison_carries_its_group_size_in_its_label() -> None:
    assert make_comparison("top_third", 12).label == "Top third of 12 past visitors"
    assert make_comparison(None, 0).label.startswith("Not enough to compare (0 past visitors")
    assert make_comparison(None, 1).label.startswith("Not enough to compare (1 past visitor;")
    assert make_comparison(None, 12).label == "Not compared (12 past visitors)"
    assert not make_comparison(None, 4).enough_to_compare and make_comparison(None, 5).enough_to_compare


@pytest.mark.parametrize("size", [-1, None, "12", 3.0, True])
def test_the_group_size_must_be_a_whole_number_from_zero(size: object) -> None:
    with pytest.raises(Invalid) as caught:
        make_comparison(None, size)  # type: ignore[arg-type]
    assert caught.value.field == "comparison.group_size"


def test_an_unknown_comparative_rating_is_refused() -> None:
    with pytest.raises(Invalid) as caught:
        make_comparison("top_half", 20)
    assert caught.value.field == "comparison.rating"


# --- the end-of-rotation evaluation -----------------------------------------------------------------


def final(rotation_type: str = "hands_on", **overrides: Any) -> Any:
    fields: dict[str, Any] = {
        "competencies": {"medical_knowledge": 8, "patient_care": 7},
        "comparative_rating": "top_third",
        "group_size": 12,
        "will_write_letter": True,
        "narrative": "Four weeks of steady, well-reasoned presentations.",
    }
    fields.update(overrides)
    return make_final_evaluation(rotation_type, **fields)


def test_a_final_evaluation_is_made_canonical() -> None:
    built = final()
    assert list(built.competencies) == list(Competency)
    assert built.rated_competencies() == {Competency.PATIENT_CARE: 7, Competency.MEDICAL_KNOWLEDGE: 8}
    assert built.comparison.rating is ComparativeRating.TOP_THIRD and built.comparison.group_size == 12
    assert built.will_write_letter is True and built.free_text() == {"narrative": built.narrative}


def test_an_observership_final_evaluation_cannot_rate_patient_care() -> None:
    with pytest.raises(Invalid) as caught:
        final("observership")
    assert caught.value.field == "competencies.patient_care" and "Patient care" in caught.value.message
    assert final("observership", competencies={"medical_knowledge": 8}).rated_competencies()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"competencies": {}}, "competencies"),
        ({"competencies": {"medical_knowledge": 11}}, "competencies.medical_knowledge"),
        ({"will_write_letter": "yes"}, "will_write_letter"),
        ({"narrative": ""}, "narrative"),
        ({"narrative": "x" * 6001}, "narrative"),
        ({"comparative_rating": "top_third", "group_size": 0}, "comparison.rating"),
    ],
)
def test_a_bad_final_evaluation_is_refused(overrides: dict[str, Any], field: str) -> None:
    with pytest.raises(Invalid) as caught:
        final(**overrides)
    assert caught.value.field == field


# --- release ----------------------------------------------------------------------------------------


def test_a_draft_is_released_once_and_only_then_seen() -> None:
    assert plan_release(ReleaseState.DRAFT, ReleaseState.RELEASED) is ReleaseState.RELEASED
    assert not visible_to_visitor(ReleaseState.DRAFT)
    assert visible_to_visitor(ReleaseState.RELEASED)
    check_editable(ReleaseState.DRAFT)
    with pytest.raises(Conflict):
        check_editable(ReleaseState.RELEASED)


@pytest.mark.parametrize(
    ("current", "target"),
    [
        (ReleaseState.RELEASED, ReleaseState.DRAFT),
        (ReleaseState.RELEASED, ReleaseState.RELEASED),
        (ReleaseState.DRAFT, ReleaseState.DRAFT),
    ],
)
def test_illegal_release_moves_name_both_states(current: ReleaseState, target: ReleaseState) -> None:
    with pytest.raises(Conflict) as caught:
        plan_release(current, target)
    assert f"from '{current.value.capitalize()}' to '{target.value.capitalize()}'" in caught.value.message


def test_the_refusal_reads_as_english_for_every_rotation_without_patient_contact() -> None:
    from server.domain.errors import Invalid
    from server.domain.evaluations import _out_of_scope
    from server.domain.vocab import RotationType

    for rotation_type in RotationType:
        message = str(_out_of_scope(rotation_type, "Medical interviewing"))
        assert " a observership" not in message and " a advanced" not in message
        assert isinstance(_out_of_scope(rotation_type, "x"), Invalid)
