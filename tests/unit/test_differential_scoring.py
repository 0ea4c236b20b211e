"""Ranked differentials: the rules a list must follow, and scoring a visitor's list against the
preceptor's reference, checked on hand-worked examples (the arithmetic is in the comments)."""

from __future__ import annotations

from typing import Any

import pytest

from server.domain.differential import (
    MAX_ITEMS,
    Differential,
    DifferentialItem,
    Likelihood,
    MatchKind,
    Override,
    Ratio,
    Score,
    canonical_code,
    check_submittable,
    make_differential,
    match_items,
    score,
)
from server.domain.errors import Invalid

LEADING = Likelihood.LEADING
LIKELY = Likelihood.LIKELY
LESS = Likelihood.LESS_LIKELY
UNLIKELY = Likelihood.UNLIKELY


def item(
    rank: Any, code: Any, likelihood: Any = LIKELY, *, cant_miss: Any = False, **text: Any
) -> DifferentialItem:
    """An item as it might arrive, right or wrong (hence Any)."""
    return DifferentialItem(rank=rank, code=code, likelihood=likelihood, cant_miss=cant_miss, **text)


def ddx(*codes: str, cant_miss: tuple[str, ...] = ()) -> Differential:
    """A differential from codes in rank order; the first is leading, the rest likely."""
    return make_differential(
        item(rank, code, LEADING if rank == 1 else LIKELY, cant_miss=code in cant_miss)
        for rank, code in enumerate(codes, start=1)
    )


def paired(result: Score) -> list[tuple[str, str | None, MatchKind | None]]:
    """The side-by-side view in short: (reference code, visitor code or None, how)."""
    return [
        (p.reference.code, None if p.visitor is None else p.visitor.code, p.kind) for p in result.pairings
    ]


# --- scoring: hand-worked examples ------------------------------------------------------------------


def test_chest_pain_worked_example() -> None:
    reference = ddx("I21.4", "I26.99", "I71.01", "K21.9", cant_miss=("I21.4", "I26.99", "I71.01"))
    visitor = ddx("I21.4", "K21.0", "J18.9", "I26.09", "M94.0")
    result = score(visitor, reference)
    # exact:    ref 1 I21.4  <-> vis 1 I21.4
    # category: ref 2 I26.99 <-> vis 4 I26.09 (I26); ref 4 K21.9 <-> vis 2 K21.0 (K21)
    # ref 3 I71.01 finds nothing; vis 3 J18.9 and vis 5 M94.0 match nothing.
    assert paired(result) == [
        ("I21.4", "I21.4", MatchKind.EXACT),
        ("I26.99", "I26.09", MatchKind.CATEGORY),
        ("I71.01", None, None),
        ("K21.9", "K21.0", MatchKind.CATEGORY),
    ]
    assert [i.code for i in result.unmatched_visitor] == ["J18.9", "M94.0"]
    # the leading diagnosis (ref 1) was found at the visitor's rank 1: top-1 and top-3
    assert (result.top_1, result.top_3, result.leading_found_at) == (True, True, 1)
    # comprehensiveness = 3 matched / 4 reference items = 0.75
    assert result.comprehensiveness == Ratio(3, 4)
    assert result.comprehensiveness.value == 0.75
    # relevance = 3 matched / 5 visitor items = 0.6
    assert result.relevance == Ratio(3, 5)
    assert result.relevance.value == pytest.approx(0.6)
    # can't miss: I21.4, I26.99, I71.01 -> the first two matched = 2/3
    assert result.cant_miss_coverage == Ratio(2, 3)
    assert result.cant_miss_coverage.value == pytest.approx(2 / 3)


def test_leading_found_second_is_top_3_but_not_top_1() -> None:
    reference = ddx("J45.901", "J44.1", "I50.9")
    visitor = ddx("J44.1", "J45.901")
    result = score(visitor, reference)
    # ref 1 J45.901 <-> vis 2 (exact); ref 2 J44.1 <-> vis 1 (exact); ref 3 unmatched
    assert (result.top_1, result.top_3, result.leading_found_at) == (False, True, 2)
    # comprehensiveness 2/3, relevance 2/2 = 1.0
    assert result.comprehensiveness == Ratio(2, 3)
    assert result.relevance.value == 1.0
    # no can't-miss item in the reference: nothing to cover, no value
    assert result.cant_miss_coverage == Ratio(0, 0)
    assert result.cant_miss_coverage.value is None


def test_leading_found_fourth_is_neither_top_1_nor_top_3() -> None:
    reference = ddx("A41.9", "J18.9")
    visitor = ddx("J18.9", "N39.0", "J06.9", "A41.51")
    result = score(visitor, reference)
    # ref 1 A41.9 <-> vis 4 A41.51 (category A41); ref 2 J18.9 <-> vis 1 (exact)
    assert result.leading_found_at == 4
    assert (result.top_1, result.top_3) == (False, False)
    # comprehensiveness 2/2 = 1.0; relevance 2/4 = 0.5
    assert result.comprehensiveness.value == 1.0
    assert result.relevance.value == 0.5


def test_leading_missed_entirely() -> None:
    result = score(ddx("R51.9"), ddx("G43.909"))
    assert (result.top_1, result.top_3, result.leading_found_at) == (False, False, None)
    assert result.comprehensiveness == Ratio(0, 1)
    assert result.relevance == Ratio(0, 1)


def test_empty_visitor_list_scores_zero_with_no_relevance() -> None:
    reference = ddx("I21.4", "I26.99", cant_miss=("I21.4",))
    result = score(make_differential([]), reference)
    assert (result.top_1, result.top_3, result.leading_found_at) == (False, False, None)
    assert result.comprehensiveness == Ratio(0, 2)
    assert result.comprehensiveness.value == 0.0
    # 0 visitor items: relevance has nothing to divide by
    assert result.relevance == Ratio(0, 0)
    assert result.relevance.value is None
    assert result.cant_miss_coverage.value == 0.0
    assert paired(result) == [("I21.4", None, None), ("I26.99", None, None)]
    assert result.unmatched_visitor == ()


def test_empty_reference_cannot_be_scored_against() -> None:
    with pytest.raises(Invalid) as caught:
        score(ddx("I10"), make_differential([]))
    assert caught.value.field == "reference"


def test_identical_lists_score_full_marks() -> None:
    reference = ddx("I10", "E78.5", "E11.9", cant_miss=("E11.9",))
    result = score(ddx("I10", "E78.5", "E11.9"), reference)
    assert all(kind is MatchKind.EXACT for _, _, kind in paired(result))
    assert (result.top_1, result.top_3) == (True, True)
    assert result.comprehensiveness.value == result.relevance.value == result.cant_miss_coverage.value == 1.0


# --- one-to-one matching -----------------------------------------------------------------------------


def test_two_reference_items_in_one_category_share_one_visitor_item() -> None:
    reference = ddx("E11.9", "E11.65")
    visitor = ddx("E11.8")
    result = score(visitor, reference)
    # E11.8 is in the category of both; it goes to the better-ranked reference item only.
    assert paired(result) == [("E11.9", "E11.8", MatchKind.CATEGORY), ("E11.65", None, None)]
    # comprehensiveness 1/2, relevance 1/1
    assert result.comprehensiveness == Ratio(1, 2)
    assert result.relevance == Ratio(1, 1)
    assert result.top_1


def test_two_visitor_items_in_one_category_only_one_counts() -> None:
    reference = ddx("N18.4")
    visitor = ddx("N18.3", "N18.5")
    result = score(visitor, reference)
    # both are category matches for N18.4; the visitor's better rank (1) is taken; N18.5 is left over
    assert paired(result) == [("N18.4", "N18.3", MatchKind.CATEGORY)]
    assert [i.code for i in result.unmatched_visitor] == ["N18.5"]
    # relevance 1/2: a second guess in the same category does not count twice
    assert result.relevance == Ratio(1, 2)


def test_exact_match_is_preferred_over_a_better_ranked_category_match() -> None:
    reference = ddx("E11.9")
    visitor = ddx("E11.65", "E11.9")
    result = score(visitor, reference)
    # exact before category: ref 1 <-> vis 2 E11.9, although vis 1 E11.65 is in the same category
    assert paired(result) == [("E11.9", "E11.9", MatchKind.EXACT)]
    assert (result.top_1, result.top_3, result.leading_found_at) == (False, True, 2)
    assert result.relevance == Ratio(1, 2)


def test_crossed_exact_matches_beat_category_matches() -> None:
    reference = ddx("E11.9", "E11.65")
    visitor = ddx("E11.65", "E11.9")
    result = score(visitor, reference)
    # ref 1 E11.9 <-> vis 2 (exact), ref 2 E11.65 <-> vis 1 (exact); category pairs are not used
    assert paired(result) == [
        ("E11.9", "E11.9", MatchKind.EXACT),
        ("E11.65", "E11.65", MatchKind.EXACT),
    ]
    assert result.leading_found_at == 2
    assert result.comprehensiveness == result.relevance == Ratio(2, 2)


def test_category_level_codes_match_their_children() -> None:
    # a visitor who names only the category (I50, heart failure) matches the specific code (I50.21)
    result = score(ddx("I50"), ddx("I50.21"))
    assert paired(result) == [("I50.21", "I50", MatchKind.CATEGORY)]


def test_match_items_reports_positions() -> None:
    reference = ddx("I21.4", "K21.9").items
    visitor = ddx("K21.0", "I21.4").items
    assert match_items(reference, visitor) == {0: (1, MatchKind.EXACT), 1: (0, MatchKind.CATEGORY)}


def test_scoring_is_deterministic() -> None:
    reference = ddx("E11.9", "E11.65", "E11.8", "I10")
    visitor = ddx("E11.0", "E11.1", "I10", "E11.2")
    first = score(visitor, reference)
    assert all(score(visitor, reference) == first for _ in range(5))
    # ref E11.9 <-> vis 1 E11.0, ref E11.65 <-> vis 2 E11.1, ref E11.8 <-> vis 4 E11.2 (all category),
    # ref I10 <-> vis 3 (exact)
    assert paired(first) == [
        ("E11.9", "E11.0", MatchKind.CATEGORY),
        ("E11.65", "E11.1", MatchKind.CATEGORY),
        ("E11.8", "E11.2", MatchKind.CATEGORY),
        ("I10", "I10", MatchKind.EXACT),
    ]


# --- preceptor overrides -----------------------------------------------------------------------------


def test_override_forces_a_match_across_categories() -> None:
    reference = ddx("N39.0")  # urinary tract infection, site not specified
    visitor = ddx("N30.00")  # acute cystitis: another category, but the preceptor accepts it
    assert score(visitor, reference).comprehensiveness == Ratio(0, 1)
    result = score(visitor, reference, [Override("N39.0", "N30.00", True)])
    assert paired(result) == [("N39.0", "N30.00", MatchKind.OVERRIDE)]
    assert result.top_1
    assert result.comprehensiveness == result.relevance == Ratio(1, 1)


def test_override_forbids_a_category_match() -> None:
    reference = ddx("E11.9")
    visitor = ddx("E11.10")  # type 2 diabetes with ketoacidosis: same category, not what the case was
    assert paired(score(visitor, reference)) == [("E11.9", "E11.10", MatchKind.CATEGORY)]
    result = score(visitor, reference, [Override("E11.9", "E11.10", False)])
    assert paired(result) == [("E11.9", None, None)]
    assert (result.top_1, result.top_3) == (False, False)
    assert result.relevance == Ratio(0, 1)


def test_override_forbids_even_an_exact_match() -> None:
    result = score(ddx("I10"), ddx("I10"), [Override("I10", "I10", False)])
    assert paired(result) == [("I10", None, None)]


def test_a_forbidden_pair_leaves_other_candidates_free() -> None:
    reference = ddx("E11.9")
    visitor = ddx("E11.10", "E11.65")
    result = score(visitor, reference, [Override("E11.9", "E11.10", False)])
    # vis 1 is ruled out, so the category match falls to vis 2
    assert paired(result) == [("E11.9", "E11.65", MatchKind.CATEGORY)]
    assert result.leading_found_at == 2


def test_forced_match_is_taken_before_exact_matches() -> None:
    reference = ddx("I21.4", "I24.9")
    visitor = ddx("I24.9")
    # the preceptor says the visitor's I24.9 stands for their leading I21.4; it cannot also count for
    # the reference's own I24.9: 1 matched of 2
    result = score(visitor, reference, [Override("I21.4", "I24.9", True)])
    assert paired(result) == [("I21.4", "I24.9", MatchKind.OVERRIDE), ("I24.9", None, None)]
    assert result.top_1
    assert result.comprehensiveness == Ratio(1, 2)


def test_overrides_accept_codes_in_any_written_form_and_ignore_strangers() -> None:
    reference = ddx("N39.0")
    visitor = ddx("N30.00")
    result = score(visitor, reference, [Override("n390", " n30.00 ", True), Override("Z00.00", "I10", True)])
    assert paired(result) == [("N39.0", "N30.00", MatchKind.OVERRIDE)]


def test_contradicting_overrides_are_refused() -> None:
    with pytest.raises(Invalid) as caught:
        score(ddx("I10"), ddx("I10"), [Override("I10", "I10", True), Override("I10", "I10", False)])
    assert caught.value.field == "overrides[1]"
    # the same ruling twice is harmless
    score(ddx("I10"), ddx("I10"), [Override("I10", "I10", True), Override("I10", "I10", True)])


@pytest.mark.parametrize("codes", [("hypertension", "I10"), ("I10", None), ("I10", "")])
def test_override_with_a_misshapen_code_is_refused(codes: tuple[Any, Any]) -> None:
    with pytest.raises(Invalid) as caught:
        score(ddx("I10"), ddx("I10"), [Override(*codes, True)])
    assert caught.value.field == "overrides[0]"


# --- validation -------------------------------------------------------------------------------------


def test_items_come_back_in_rank_order_with_canonical_codes_and_trimmed_text() -> None:
    differential = make_differential(
        [
            item(2, "j18.9", LIKELY, findings_for="  fever, crackles  "),
            item(1, "I214", LEADING, cant_miss=True, next_test=" troponin "),
            item(3, " k21.9 ", "unlikely"),  # a likelihood given as its text is accepted
        ]
    )
    assert [(i.rank, i.code) for i in differential.items] == [(1, "I21.4"), (2, "J18.9"), (3, "K21.9")]
    assert differential.items[1].findings_for == "fever, crackles"
    assert differential.items[0].next_test == "troponin"
    assert differential.items[2].likelihood is UNLIKELY
    assert differential.leading is not None and differential.leading.code == "I21.4"
    assert len(differential) == 3


def test_rank_one_need_not_be_called_leading() -> None:
    differential = make_differential([item(1, "R07.9", LIKELY), item(2, "I20.9", LESS, cant_miss=True)])
    assert differential.leading is not None and differential.leading.code == "R07.9"


def test_an_empty_list_is_a_draft_that_cannot_be_submitted() -> None:
    empty = make_differential([])
    assert empty.leading is None
    with pytest.raises(Invalid) as caught:
        check_submittable(empty)
    assert caught.value.field == "items"
    check_submittable(ddx("I10"))


@pytest.mark.parametrize(
    ("items", "field", "words"),
    [
        ([item(1, "I10"), item(1, "E11.9")], "items[1].rank", "twice"),
        ([item(1, "I10"), item(3, "E11.9")], "items[1].rank", "1 to 2"),
        ([item(0, "I10")], "items[0].rank", "1 to 1"),
        ([item(-1, "I10")], "items[0].rank", "1 to 1"),
        ([item(2, "I10"), item(3, "E11.9")], "items[1].rank", "1 to 2"),
        ([item("1", "I10")], "items[0].rank", "whole number"),
        ([item(True, "I10")], "items[0].rank", "whole number"),
        ([item(1.0, "I10")], "items[0].rank", "whole number"),
        ([item(1, "I10"), item(2, "i10")], "items[1].code", "twice"),
        ([item(1, "E11.9"), item(2, "E119")], "items[1].code", "twice"),
        ([item(1, "diabetes")], "items[0].code", "not shaped"),
        ([item(1, "E1")], "items[0].code", "not shaped"),
        ([item(1, "")], "items[0].code", "not shaped"),
        ([item(1, "E11.")], "items[0].code", "not shaped"),
        ([item(1, "E11.12345")], "items[0].code", "not shaped"),
        ([item(1, 11.9)], "items[0].code", "text"),
        ([item(1, "I10", "probable")], "items[0].likelihood", "leading, likely, less_likely, unlikely"),
        ([item(1, "I10", LIKELY), item(2, "E11.9", LEADING)], "items[1].likelihood", "ranked first"),
        ([item(1, "I10", LEADING), item(2, "E11.9", LEADING)], "items[1].likelihood", "ranked first"),
        ([item(1, "I10", cant_miss="yes")], "items[0].cant_miss", "true or false"),
        ([item(1, "I10", findings_for="x" * 2001)], "items[0].findings_for", "2000"),
        ([item(1, "I10", findings_against="x" * 2001)], "items[0].findings_against", "2000"),
        ([item(1, "I10", next_test="x" * 501)], "items[0].next_test", "500"),
        ([item(1, "I10", next_test=None)], "items[0].next_test", "text"),
    ],
)
def test_invalid_lists_name_the_field(items: list[DifferentialItem], field: str, words: str) -> None:
    with pytest.raises(Invalid) as caught:
        make_differential(items)
    assert caught.value.field == field
    assert words in caught.value.message


def test_text_at_the_limit_is_accepted() -> None:
    make_differential([item(1, "I10", findings_for="x" * 2000, next_test="y" * 500)])


def test_at_most_ten_items() -> None:
    codes = [
        "I10",
        "E11.9",
        "E78.5",
        "J45.909",
        "K21.9",
        "N39.0",
        "R51.9",
        "M54.50",
        "F41.1",
        "G43.909",
        "L30.9",
    ]
    make_differential(item(rank, code) for rank, code in enumerate(codes[:MAX_ITEMS], start=1))
    with pytest.raises(Invalid) as caught:
        make_differential(item(rank, code) for rank, code in enumerate(codes, start=1))
    assert caught.value.field == "items"


def test_field_prefix_and_unknown_codes() -> None:
    known = {"I10", "E11.9"}
    make_differential([item(1, "i10")], known_code=known.__contains__)
    with pytest.raises(Invalid) as caught:
        make_differential(
            [item(1, "I10"), item(2, "E11.99")], field="reference", known_code=known.__contains__
        )
    assert caught.value.field == "reference[1].code"
    assert "E11.99 is not an ICD-10-CM code" in caught.value.message


@pytest.mark.parametrize(
    ("given", "canonical"),
    [("E11.9", "E11.9"), ("e119", "E11.9"), (" i10 ", "I10"), ("S72001A", "S72.001A"), ("C4A.0", "C4A.0")],
)
def test_canonical_code(given: str, canonical: str) -> None:
    assert canonical_code(given) == canonical


@pytest.mark.parametrize(
    "given", ["", "E1", "11.9", "E11..9", "E11.9.", "EE1", "E11-9", "E11.12345", "É11.9", None, 119]
)
def test_canonical_code_refuses_what_is_not_shaped_like_a_code(given: Any) -> None:
    assert canonical_code(given) is None
