"""The wording checker: exact spans per category, what it must not flag, the communal/agentic balance, and
length. It only flags: the text given is never changed."""

from __future__ import annotations

import pytest

from server.domain.errors import Invalid
from server.domain.letter_language import (
    EXPLANATIONS,
    MAX_CHECK_CHARS,
    SHORT_LETTER_WORDS,
    Flag,
    FlagCategory,
    check_letter,
    count_words,
    flag_phrases,
)

C = FlagCategory


def test_a_flag_has_the_exact_span_category_and_reason() -> None:
    assert flag_phrases("She seems ready.") == [Flag(4, 9, C.HEDGE, "seems", EXPLANATIONS[C.HEDGE])]


@pytest.mark.parametrize(
    ("text", "phrase", "category"),
    [
        ("Dr. A might be ready for residency.", "might", C.HEDGE),
        ("Hopefully he will do well.", "Hopefully", C.HEDGE),
        ("I believe she knows the material.", "I believe", C.HEDGE),
        ("Her fund of knowledge was adequate.", "adequate", C.FAINT_PRAISE),
        ("Over the month he showed improvement.", "showed improvement", C.FAINT_PRAISE),
        ("Her performance was satisfactory.", "satisfactory", C.FAINT_PRAISE),
        ("He met expectations.", "met expectations", C.FAINT_PRAISE),
        ("She did not cause problems on the team.", "did not cause problems", C.DOUBT_RAISER),
        ("Although quiet, she presented well.", "Although", C.DOUBT_RAISER),
        ("He struggled with the plan.", "struggled", C.DOUBT_RAISER),
        ("This young woman presented well.", "young woman", C.GENDERED),
        ("She is bubbly with patients.", "bubbly", C.GENDERED),
        ("Miss Diallo presented well.", "Miss", C.GENDERED),
        ("She balances residency plans with her children.", "her children", C.PERSONAL_LIFE),
        ("He is recently married.", "married", C.PERSONAL_LIFE),
        ("She is always well-dressed.", "well-dressed", C.APPEARANCE),
        ("Patients respond to her smile.", "her smile", C.APPEARANCE),
    ],
)
def test_each_category_is_flagged_with_its_exact_span(text: str, phrase: str, category: FlagCategory) -> None:
    flags = flag_phrases(text)
    start = text.index(phrase)
    assert [(f.start, f.end, f.category, f.phrase) for f in flags] == [
        (start, start + len(phrase), category, phrase)
    ]


@pytest.mark.parametrize(
    "text",
    [
        "She started in May 2025.",  # the month, not the hedge
        "She named the can't-miss diagnosis first.",  # not the title
        "Her differential was complete and well reasoned.",
        "Her presentation of the chest pain patient was organised and complete.",
        "I would rank her among the strongest students I have taught.",
        "He is independent, decisive and confident in his reasoning.",
    ],
)
def test_strong_plain_wording_is_not_flagged(text: str) -> None:
    assert flag_phrases(text) == []


def test_overlapping_phrases_give_one_flag_the_longest() -> None:
    text = "He showed some improvement and pretty good judgment."
    flags = flag_phrases(text)
    assert [(f.phrase, f.category) for f in flags] == [
        ("showed some improvement", C.FAINT_PRAISE),
        ("pretty good", C.HEDGE),  # a hedge here, not a remark on appearance
    ]
    assert [(f.start, f.end) for f in flags] == [(3, 26), (31, 42)]


def test_spans_index_the_text_as_given_and_come_in_order() -> None:
    text = "She seems kind.\n\nHopefully, she will be adequate.  Her husband agrees."
    flags = flag_phrases(text)
    assert (
        [text[f.start : f.end] for f in flags]
        == [f.phrase for f in flags]
        == [
            "seems",
            "Hopefully",
            "adequate",
            "husband",
        ]
    )
    assert [f.start for f in flags] == sorted(f.start for f in flags)


def test_communal_words_outweighing_agentic_ones_are_flagged_for_the_whole_letter() -> None:
    text = "She is caring, warm and helpful. She is confident."
    report = check_letter(text)
    assert [text[s:e] for s, e in report.communal] == ["caring", "warm", "helpful"]
    assert [text[s:e] for s, e in report.agentic] == ["confident"]
    balance = [f for f in report.flags if f.category is C.COMMUNAL_BALANCE]
    assert len(balance) == 1 and (balance[0].start, balance[0].end) == (0, len(text))
    assert balance[0].explanation.startswith("3 communal against 1 agentic")


def test_no_balance_flag_when_agentic_words_hold_their_own() -> None:
    report = check_letter("She is caring and compassionate, and an independent, decisive leader.")
    assert len(report.communal) == 2 and len(report.agentic) == 3
    assert C.COMMUNAL_BALANCE not in {f.category for f in report.flags}


def test_the_hedge_kind_of_is_not_a_communal_word() -> None:
    report = check_letter("It was kind of late. She is kind.")
    assert len(report.communal) == 1


def test_grindstone_words_are_counted() -> None:
    text = "Hardworking, diligent and punctual."
    assert [text[s:e] for s, e in check_letter(text).grindstone] == ["Hardworking", "diligent", "punctual"]


def test_a_short_letter_is_flagged_and_a_long_enough_one_is_not() -> None:
    short = " ".join(["word"] * (SHORT_LETTER_WORDS - 1))
    enough = " ".join(["word"] * SHORT_LETTER_WORDS)
    assert count_words(short) == SHORT_LETTER_WORDS - 1
    length = [f for f in check_letter(short).flags if f.category is C.LENGTH]
    assert len(length) == 1 and (length[0].start, length[0].end) == (0, len(short))
    assert str(SHORT_LETTER_WORDS - 1) in length[0].explanation
    assert C.LENGTH not in {f.category for f in check_letter(enough).flags}


def test_words_are_counted_with_inner_apostrophes_and_hyphens() -> None:
    assert count_words("She's a well-read, first-rate student (top 10%).") == 7


def test_an_empty_letter_is_too_short() -> None:
    assert [f.category for f in check_letter("").flags] == [C.LENGTH]


@pytest.mark.parametrize("text", [None, 42, b"bytes", "x" * (MAX_CHECK_CHARS + 1)])
def test_bad_input_is_refused(text: object) -> None:
    with pytest.raises(Invalid):
        flag_phrases(text)  # type: ignore[arg-type]
    with pytest.raises(Invalid):
        check_letter(text)  # type: ignore[arg-type]
