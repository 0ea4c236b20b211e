"""The type-ahead as clinicians use it: abbreviations, lay phrases, the tabular list's inclusion terms,
British spellings, typing slips and the first-choice code of a term, and a development query set with a
threshold (tests/unit/icd10_queries.jsonl, written before tuning) and the first blind set, measured twice and
then folded into development (tests/icd10_blind/blind1.jsonl: no longer blind)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from server.codes import clinical_terms, icd10

QUERIES = Path(__file__).with_name("icd10_queries.jsonl")
# Measured on the development set when it was last tuned: hit@5 1.000, hit@1 0.81 (280 queries).
MIN_HIT_AT_5 = 0.97
MIN_HIT_AT_1 = 0.75
BLIND1 = Path(__file__).parents[1] / "icd10_blind" / "blind1.jsonl"
# The first blind set after round 2 was tuned on its misses (so no longer blind): hit@5 0.992, hit@1 0.734
# (353 queries). The aim for a blind set is 0.95 hit@5; this one must not fall under it.
MIN_BLIND1_HIT_AT_5 = 0.95
MIN_BLIND1_HIT_AT_1 = 0.70


def codes(query: str, limit: int = 5) -> list[str]:
    return [found.code for found in icd10.search(query, limit)]


@pytest.mark.parametrize(
    ("query", "first"),
    [
        ("hypertension", "I10"),  # the includes note of I10 names "hypertension (arterial) ..."
        ("high blood pressure", "I10"),  # an includes note, word for word
        ("renal stone", "N20.0"),  # an inclusion term of N20.0
        ("stroke", "I63.9"),  # "Stroke NOS", an inclusion term of I63.9
        ("heart failure", "I50.9"),  # "Heart failure, unspecified": "unspecified" leaves the name as typed
        ("pneumonia", "J18.9"),  # "..., unspecified organism"
    ],
)
def test_a_code_one_of_whose_names_is_the_query_comes_first(query: str, first: str) -> None:
    assert codes(query)[0] == first


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("htn", "I10"),
        ("copd", "J44.9"),
        ("chf", "I50.9"),
        ("gerd", "K21.9"),
        ("afib", "I48.91"),
        ("uti", "N39.0"),
    ],
)
def test_published_abbreviations_map_to_their_codes(query: str, expected: str) -> None:
    assert expected in codes(query)


def test_an_abbreviation_comes_before_the_words_it_starts() -> None:
    # "pe": pulmonary embolism before pemphigus, which only starts with the letters
    assert "I26.99" in codes("pe") or "I26.9" in codes("pe")
    assert codes("pemph")[0].startswith("L1")  # the words still come while typing on


def test_a_word_of_the_code_set_is_not_read_as_an_abbreviation() -> None:
    # "heart" is in the published list (a risk score); as a word of the descriptions it keeps its meaning
    assert "heart" not in [text.lower() for text in clinical_terms.alternatives("heart", {"heart"})[1:]]
    assert clinical_terms.alternatives("heart", {"heart"}) == ["heart"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("heart attack", "I21.9"),
        ("shingles", "B02.9"),
        ("high cholesterol", "E78.00"),
        ("kidney stone", "N20.0"),
        ("strep throat", "J02.0"),
        ("prostate cancer", "C61"),  # "cancer": the code set says "malignant neoplasm"
    ],
)
def test_lay_phrases_map_to_their_codes(query: str, expected: str) -> None:
    assert expected in codes(query)


def test_curated_entry_terms_name_existing_codes() -> None:
    entries = clinical_terms.vocabulary().entry_terms
    assert entries
    assert all(icd10.is_valid(code) for code, _ in entries)
    assert codes("idiopathic intracranial hypertension")[0] == "G93.2"


@pytest.mark.parametrize(
    ("british", "american"),
    [
        ("anaemia", "anemia"),
        ("oesophagitis", "esophagitis"),
        ("haemorrhoids", "hemorrhoids"),
        ("diarrhoea", "diarrhea"),
    ],
)
def test_british_spellings_find_what_the_american_ones_find(british: str, american: str) -> None:
    assert codes(british)[:3] == codes(american)[:3]
    assert codes(british)


@pytest.mark.parametrize(
    ("typed", "meant"),
    [("pnuemonia", "pneumonia"), ("hypertention", "hypertension"), ("diabetis", "diabetes")],
)
def test_one_typing_slip_in_a_longer_word_is_forgiven(typed: str, meant: str) -> None:
    assert codes(typed)[0] == codes(meant)[0]


def test_short_words_are_not_corrected() -> None:
    assert icd10.search("zqxv") == []


def test_one_edit_lists_every_single_slip() -> None:
    edits = set(clinical_terms.one_edit("abc"))
    assert {"bc", "bac", "xabc", "abxc", "axc", "acb"} <= edits
    assert "abc" not in edits


def test_alternatives_are_bounded_and_start_with_the_query() -> None:
    found = clinical_terms.alternatives("dm pe ms ra cp", frozenset())
    assert found[0] == "dm pe ms ra cp"
    assert len(found) <= clinical_terms.MAX_ALTERNATIVES


def test_development_set_hit_rates() -> None:
    """hit@5 and hit@1 on the development set stay above thresholds set a little under the figures
    measured when the ranking was tuned on it."""
    rows = [json.loads(line) for line in QUERIES.read_text().splitlines() if line.strip()]
    assert len(rows) >= 250
    at_1 = at_5 = 0
    for row in rows:
        assert all(icd10.is_valid(code) for code in row["codes"]), row
        found = codes(row["query"])
        at_1 += bool(found) and found[0] in row["codes"]
        at_5 += any(code in row["codes"] for code in found)
    assert at_5 / len(rows) >= MIN_HIT_AT_5
    assert at_1 / len(rows) >= MIN_HIT_AT_1


def test_first_blind_set_no_longer_blind_hit_rates() -> None:
    """hit@5 and hit@1 on the first blind set (folded into development after its second run) stay at or
    above the aim of 95 % hit@5 (every expected code must exist)."""
    rows = [json.loads(line) for line in BLIND1.read_text().splitlines() if line.strip()]
    assert len(rows) == 353
    at_1 = at_5 = 0
    for row in rows:
        assert all(icd10.is_valid(code) for code in row["expected"]), row
        found = codes(row["query"])
        at_1 += bool(found) and found[0] in row["expected"]
        at_5 += any(code in row["expected"] for code in found)
    assert at_5 / len(rows) >= MIN_BLIND1_HIT_AT_5
    assert at_1 / len(rows) >= MIN_BLIND1_HIT_AT_1


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("a fib", "I48.91"),  # an abbreviation written apart
        ("ckd3a", "N18.31"),  # an abbreviation run into its stage
        ("ckd5", "N18.5"),
        ("hot flashes", "R23.2"),  # a listed phrase ("hot flash") in the plural
        ("ischaemic stroke", "I63.9"),  # a listed phrase in British spelling
        ("kawasaki disease", "M30.3"),  # no code has both words: each phrasing loses one
        ("herpes simplex virus", "B00.9"),
    ],
)
def test_general_rewritings(query: str, expected: str) -> None:
    found = codes(query)
    assert expected in found, found


def test_a_known_abbreviation_that_starts_no_word_is_not_a_typing_slip() -> None:
    """ "pprom" is one slip from "prom..." words (promiscuity) but a known abbreviation: only its meaning."""
    found = codes("pprom")
    assert found and all(code.startswith("O42") for code in found), found


def test_phrase_keys_meet_across_spelling_and_inflection() -> None:
    key = clinical_terms.phrase_key
    assert key("flashes") == key("flash")
    assert key("ischaemic") == key("ischemic")
    assert key("allergies") == key("allergy")
    assert key("abscesses") == key("abscess")
    assert key("htn") == "htn"
