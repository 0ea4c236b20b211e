"""Aggregation of a visitor's evaluations, checked against figures worked out by hand below."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from server.domain.errors import Invalid
from server.domain.evaluations import (
    EncounterEvaluation,
    Entrustment,
    Epa,
    MiniCexItem,
    RimeStage,
    make_encounter_evaluation,
)
from server.domain.evidence import (
    DatedEvaluation,
    EvidenceKind,
    EvidenceRef,
    Trajectory,
    WeekPoint,
    strongest_examples,
    summarize,
)


def ev(
    ratings: dict[str, object],
    epas: dict[str, object] | None = None,
    rime: str | None = None,
    minutes: tuple[int, int] = (30, 5),
    example: str = "An observed example.",
) -> EncounterEvaluation:
    return make_encounter_evaluation(
        "hands_on",
        ratings=ratings,
        epas=epas,
        rime=rime,
        minutes_observed=minutes[0],
        minutes_feedback=minutes[1],
        strengths="Strengths.",
        improvement="One thing.",
        example=example,
    )


# The worked example. Columns: id, week, date, interviewing, overall, EPA 2, EPA 6, RIME, minutes.
#   1  w1  03-03   5   6    2b  -   reporter     20/5
#   2  w1  03-05   6   NO   2a  -   -            30/5
#   3  w2  03-12   NO  7    -   -   interpreter  40/10
#   4  w4  03-24   8   8    3b  3a  interpreter  50/10
#   5  w4  03-26   9   9    3a  -   manager      60/0
# (NO = not observed)
EVALUATIONS = [
    DatedEvaluation(
        1, 1, date(2025, 3, 3), ev({"interviewing": 5, "overall": 6}, {"epa2": "2b"}, "reporter", (20, 5))
    ),
    DatedEvaluation(
        2,
        1,
        date(2025, 3, 5),
        ev({"interviewing": 6, "overall": "not_observed"}, {"epa2": "2a"}, None, (30, 5)),
    ),
    DatedEvaluation(3, 2, date(2025, 3, 12), ev({"overall": 7}, None, "interpreter", (40, 10))),
    DatedEvaluation(
        4,
        4,
        date(2025, 3, 24),
        ev({"interviewing": 8, "overall": 8}, {"epa2": "3b", "epa6": "3a"}, "interpreter", (50, 10)),
    ),
    DatedEvaluation(
        5, 4, date(2025, 3, 26), ev({"interviewing": 9, "overall": 9}, {"epa2": "3a"}, "manager", (60, 0))
    ),
]


def test_interviewing_by_hand() -> None:
    # Ratings 5, 6, 8, 9 (evaluation 3 did not observe it): mean 28/4 = 7; median (6 + 8)/2 = 7, low
    # median 6; range 5-9. Week 1: 5, 6 -> 5.5; week 4: 8, 9 -> 8.5.
    stats = summarize(EVALUATIONS).items[MiniCexItem.INTERVIEWING]
    assert (stats.count, stats.not_observed) == (4, 1)
    assert (stats.mean, stats.median, stats.low_median) == (7.0, 7.0, 6)
    assert (stats.minimum, stats.maximum, stats.spread) == (5, 9, 4)
    assert stats.by_week == (WeekPoint(1, 2, 5.5, 5), WeekPoint(4, 2, 8.5, 8))
    assert stats.trajectory == Trajectory(1, 5.5, 4, 8.5)
    assert stats.trajectory.change == 3.0
    assert stats.evaluation_ids == (1, 2, 4, 5)


def test_overall_by_hand() -> None:
    # Ratings 6, 7, 8, 9: mean 7.5, median 7.5 (low 7); weeks 1: 6, 2: 7, 4: 8.5.
    stats = summarize(EVALUATIONS).items[MiniCexItem.OVERALL]
    assert (stats.count, stats.not_observed, stats.mean, stats.median, stats.low_median) == (
        4,
        1,
        7.5,
        7.5,
        7,
    )
    assert stats.by_week == (WeekPoint(1, 1, 6.0, 6), WeekPoint(2, 1, 7.0, 7), WeekPoint(4, 2, 8.5, 8))
    assert stats.trajectory == Trajectory(1, 6.0, 4, 8.5)
    assert stats.evaluation_ids == (1, 3, 4, 5)


def test_an_item_never_observed_has_no_figures_only_its_not_observed_count() -> None:
    stats = summarize(EVALUATIONS).items[MiniCexItem.PHYSICAL_EXAM]
    assert (stats.count, stats.not_observed) == (0, 5)
    assert (stats.mean, stats.median, stats.minimum, stats.maximum, stats.spread) == (None,) * 5
    assert stats.by_week == () and stats.trajectory is None and stats.evaluation_ids == ()


def test_epa_2_by_hand_on_ordinals_and_levels() -> None:
    # Levels 2b, 2a, 3b, 3a = ordinals 3, 2, 5, 4: mean 3.5, median 3.5, low median 3 = 2b; lowest 2a,
    # highest 3b; latest (March 26) 3a. Week 1: 3, 2 -> mean 2.5, low median 2 = 2a;
    # week 4: 5, 4 -> mean 4.5, low median 4 = 3a.
    epa = summarize(EVALUATIONS).epas[Epa.EPA_2]
    assert (epa.stats.count, epa.stats.not_observed) == (4, 1)
    assert (epa.stats.mean, epa.stats.median, epa.stats.low_median) == (3.5, 3.5, 3)
    assert epa.median_level is Entrustment.SUPERVISOR_IN_ROOM  # 2b: a level actually given
    assert (epa.lowest, epa.highest, epa.latest) == (Entrustment("2a"), Entrustment("3b"), Entrustment("3a"))
    assert epa.stats.by_week == (WeekPoint(1, 2, 2.5, 2), WeekPoint(4, 2, 4.5, 4))
    assert [epa.week_level(p) for p in epa.stats.by_week] == [Entrustment("2a"), Entrustment("3a")]
    assert epa.stats.evaluation_ids == (1, 2, 4, 5)


def test_an_epa_rated_once_and_one_never_rated() -> None:
    summary = summarize(EVALUATIONS)
    once = summary.epas[Epa.EPA_6]
    assert (once.stats.count, once.stats.not_observed, once.latest) == (1, 4, Entrustment("3a"))
    assert once.stats.trajectory is None and once.median_level is Entrustment("3a")
    never = summary.epas[Epa.EPA_1]
    assert (never.stats.count, never.latest, never.median_level, never.lowest) == (0, None, None, None)


def test_rime_by_hand() -> None:
    # Reporter (1), interpreter (2), interpreter (2), manager (3): mean 2, median 2; latest manager in week 4.
    rime = summarize(EVALUATIONS).rime
    assert rime.counts == {
        RimeStage.REPORTER: 1,
        RimeStage.INTERPRETER: 2,
        RimeStage.MANAGER: 1,
        RimeStage.EDUCATOR: 0,
    }
    assert (rime.latest, rime.latest_week) == (RimeStage.MANAGER, 4)
    assert (rime.stats.count, rime.stats.not_observed, rime.stats.mean, rime.stats.median) == (4, 1, 2.0, 2.0)
    assert rime.stats.trajectory == Trajectory(1, 1.0, 4, 2.5)


def test_totals_by_hand() -> None:
    summary = summarize(EVALUATIONS)
    assert summary.evaluations == 5 and summary.weeks == (1, 2, 4)
    assert summary.minutes_observed == 200 and summary.minutes_feedback == 30
    assert summary.evaluation_ids == (1, 2, 3, 4, 5)


def test_the_figures_do_not_depend_on_input_order() -> None:
    forward, backward = summarize(EVALUATIONS), summarize(EVALUATIONS[::-1])
    for item in MiniCexItem:
        a, b = forward.items[item], backward.items[item]
        assert (a.mean, a.median, a.by_week, a.trajectory) == (b.mean, b.median, b.by_week, b.trajectory)
    assert forward.epas[Epa.EPA_2].latest == backward.epas[Epa.EPA_2].latest == Entrustment("3a")
    assert forward.rime.latest == backward.rime.latest


def test_the_latest_rating_goes_by_date_not_input_order() -> None:
    late = DatedEvaluation(8, 4, date(2025, 3, 27), ev({}, {"epa2": "2a"}))
    early = DatedEvaluation(9, 1, date(2025, 3, 3), ev({}, {"epa2": "3c"}))
    assert summarize([late, early]).epas[Epa.EPA_2].latest is Entrustment("2a")


def test_all_ratings_in_one_week_have_no_trajectory() -> None:
    same_week = [DatedEvaluation(i, 2, date(2025, 3, 10 + i), ev({"overall": 5 + i})) for i in (1, 2)]
    stats = summarize(same_week).items[MiniCexItem.OVERALL]
    assert stats.trajectory is None and stats.by_week == (WeekPoint(2, 2, 6.5, 6),)  # ratings 6 and 7


def test_no_evaluations_gives_zero_counts() -> None:
    summary = summarize([])
    assert summary.evaluations == 0 and summary.weeks == ()
    assert all(stats.count == 0 and stats.mean is None for stats in summary.items.values())
    assert summary.rime.latest is None


@pytest.mark.parametrize(
    ("bad", "field"),
    [
        ({"evaluation_id": 0}, "evaluations[0].evaluation_id"),
        ({"evaluation_id": True}, "evaluations[0].evaluation_id"),
        ({"week": 0}, "evaluations[0].week"),
        ({"week": 53}, "evaluations[0].week"),
        ({"week": "1"}, "evaluations[0].week"),
        ({"on": "2025-03-03"}, "evaluations[0].on"),
        ({"evaluation": {"overall": 5}}, "evaluations[0].evaluation"),
    ],
)
def test_bad_input_is_refused(bad: dict[str, Any], field: str) -> None:
    fields: dict[str, Any] = {
        "evaluation_id": 1,
        "week": 1,
        "on": date(2025, 3, 3),
        "evaluation": ev({"overall": 5}),
    }
    fields.update(bad)
    with pytest.raises(Invalid) as caught:
        summarize([DatedEvaluation(**fields)])
    assert caught.value.field == field


def test_an_evaluation_given_twice_is_refused() -> None:
    with pytest.raises(Invalid) as caught:
        summarize([EVALUATIONS[0], EVALUATIONS[0]])
    assert caught.value.field == "evaluations[1].evaluation_id"


def test_the_strongest_examples_by_overall_then_date() -> None:
    # Overall: 1 -> 6, 3 -> 7, 4 -> 8, 5 -> 9; evaluation 2 has no overall: the mean of its items (6).
    picked = strongest_examples(EVALUATIONS, 3)
    assert [e.evaluation_id for e in picked] == [5, 4, 3]
    assert picked[0].ref == EvidenceRef(EvidenceKind.EVALUATION, 5) and str(picked[0].ref) == "evaluation:5"
    # 1 and 2 tie at 6: the later encounter (2, March 5) first.
    assert [e.evaluation_id for e in strongest_examples(EVALUATIONS, 5)] == [5, 4, 3, 2, 1]
    assert [e.score for e in strongest_examples(EVALUATIONS, 5)] == [9.0, 8.0, 7.0, 6.0, 6.0]


def test_an_evaluation_without_mini_cex_ratings_ranks_last() -> None:
    epa_only = DatedEvaluation(7, 4, date(2025, 3, 28), ev({}, {"epa2": "5"}, example="EPA-only example."))
    weak = DatedEvaluation(8, 1, date(2025, 3, 3), ev({"overall": 2}))
    picked = strongest_examples([epa_only, weak], 2)
    assert [e.evaluation_id for e in picked] == [8, 7] and picked[1].score is None


def test_the_number_of_examples_is_checked() -> None:
    assert strongest_examples(EVALUATIONS, 0) == []
    with pytest.raises(Invalid):
        strongest_examples(EVALUATIONS, -1)
