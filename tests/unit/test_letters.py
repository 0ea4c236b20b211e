"""Letters: the ERAS Letter ID, the request, its states, versions (a signed letter is final), the waiver, and
drafting from evidence (every paragraph rests on evidence given as input)."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from typing import Any

import pytest

from server.domain.errors import Conflict, Forbidden, Invalid
from server.domain.evaluations import EncounterEvaluation, make_encounter_evaluation, make_final_evaluation
from server.domain.evidence import DatedEvaluation, EvidenceKind, EvidenceRef, strongest_examples, summarize
from server.domain.letter_language import flag_phrases
from server.domain.letters import (
    LETTER_TRANSITIONS,
    PARAGRAPH_MAX,
    Author,
    FinalEvaluationRecord,
    Letter,
    LetterContext,
    LetterFinal,
    LetterRequest,
    LetterState,
    Paragraph,
    ParagraphKind,
    PresentationRecord,
    check_eras_letter_id,
    draft_letter,
    make_letter_request,
    plan_letter_transition,
    save_version,
    sign_letter,
    visitor_may_read,
)
from server.domain.presentations import PresentationFormat
from server.domain.vocab import Modality, Role, RotationType

S = LetterState
PRECEPTOR = Role.PRECEPTOR
NOW = datetime(2025, 4, 2, 15, 0, tzinfo=UTC)


# --- the ERAS Letter ID and the request -------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "kept"), [("A1B2-C3", "A1B2-C3"), (" 12345678 ", "12345678"), ("x" * 32, "x" * 32)]
)
def test_eras_letter_ids_that_fit_the_assumed_format(typed: str, kept: str) -> None:
    assert check_eras_letter_id(typed) == kept


@pytest.mark.parametrize(
    "typed", ["", "   ", "x" * 33, "AB C1", "AB_C1", "ABC\u00e91", "12/34", None, 12345678]
)
def test_eras_letter_ids_that_do_not(typed: object) -> None:
    with pytest.raises(Invalid) as caught:
        check_eras_letter_id(typed)
    assert caught.value.field == "eras_letter_id"


def request(**overrides: Any) -> LetterRequest:
    fields: dict[str, Any] = {
        "author_name": "Jane Roe, MD",
        "author_title": "Associate Professor of Medicine",
        "specialty": "Internal Medicine",
        "eras_letter_id": "ABC123",
        "ferpa_waived": True,
    }
    fields.update(overrides)
    return make_letter_request(**fields)


def test_a_request_is_made_canonical() -> None:
    made = request(author_name="  Jane Roe, MD ", eras_letter_id=None)
    assert made.author_name == "Jane Roe, MD" and made.eras_letter_id is None and made.ferpa_waived


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"ferpa_waived": None}, "ferpa_waived"),
        ({"ferpa_waived": "yes"}, "ferpa_waived"),
        ({"author_name": ""}, "author_name"),
        ({"author_title": "x" * 201}, "author_title"),
        ({"specialty": 3}, "specialty"),
        ({"eras_letter_id": "not an id"}, "eras_letter_id"),
    ],
)
def test_a_bad_request_is_refused(overrides: dict[str, Any], field: str) -> None:
    with pytest.raises(Invalid) as caught:
        request(**overrides)
    assert caught.value.field == field


# --- states -----------------------------------------------------------------------------------------

LEGAL = {
    (S.REQUESTED, S.ACCEPTED),
    (S.REQUESTED, S.DECLINED),
    (S.ACCEPTED, S.DRAFTING),
    (S.DRAFTING, S.SIGNED),
}


def test_the_transitions_are_exactly_the_documented_ones() -> None:
    assert {(a, b) for a, targets in LETTER_TRANSITIONS.items() for b in targets} == LEGAL


@pytest.mark.parametrize(("current", "target"), sorted(LEGAL))
def test_the_preceptor_makes_each_legal_move(current: LetterState, target: LetterState) -> None:
    assert plan_letter_transition(current, target, PRECEPTOR) is target


@pytest.mark.parametrize(
    ("current", "target"),
    [(a, b) for a in LetterState for b in LetterState if (a, b) not in LEGAL],
)
def test_every_illegal_move_is_refused_naming_both_states(current: LetterState, target: LetterState) -> None:
    with pytest.raises(Conflict) as caught:
        plan_letter_transition(current, target, PRECEPTOR)
    message = caught.value.message
    assert f"from '{current.value.capitalize()}' to '{target.value.capitalize()}'" in message
    assert isinstance(caught.value, LetterFinal) == (current is S.SIGNED)


@pytest.mark.parametrize("actor", [Role.VISITOR, Role.COORDINATOR, "system"])
def test_only_the_preceptor_moves_a_letter(actor: str) -> None:
    with pytest.raises(Forbidden):
        plan_letter_transition(S.REQUESTED, S.ACCEPTED, actor)


@pytest.mark.parametrize("state", list(LetterState))
def test_a_waived_letter_is_never_readable_by_the_visitor(state: LetterState) -> None:
    assert not visitor_may_read(request(ferpa_waived=True), state)


@pytest.mark.parametrize("state", list(LetterState))
def test_an_unwaived_letter_is_readable_once_signed(state: LetterState) -> None:
    assert visitor_may_read(request(ferpa_waived=False), state) == (state is S.SIGNED)


# --- versions and signing ---------------------------------------------------------------------------

REF = EvidenceRef(EvidenceKind.EVALUATION, 1)


def drafted() -> Letter:
    return save_version(Letter(S.ACCEPTED), [Paragraph("First draft.", (REF,))], NOW, PRECEPTOR)


def test_the_first_save_starts_drafting_and_versions_are_numbered() -> None:
    one = drafted()
    assert one.state is S.DRAFTING and [v.number for v in one.versions] == [1]
    two = save_version(
        one, [Paragraph(" Edited. ", (REF,)), Paragraph("   "), Paragraph("Own words.")], NOW, PRECEPTOR
    )
    assert [v.number for v in two.versions] == [1, 2]
    assert two.current is not None and two.current.text == "Edited.\n\nOwn words."  # blank paragraph dropped
    assert one.versions[0].text == "First draft."  # the earlier version is kept as it was


def test_a_signed_letter_is_final() -> None:
    signed = sign_letter(drafted(), request(), NOW, PRECEPTOR)
    assert signed.state is S.SIGNED and signed.signed_at == NOW and signed.current == drafted().current
    with pytest.raises(LetterFinal):
        save_version(signed, [Paragraph("A change.")], NOW, PRECEPTOR)
    with pytest.raises(LetterFinal):
        sign_letter(signed, request(), NOW, PRECEPTOR)


def test_signing_needs_the_eras_letter_id_and_a_drafting_letter() -> None:
    with pytest.raises(Conflict) as caught:
        sign_letter(drafted(), request(eras_letter_id=None), NOW, PRECEPTOR)
    assert "ERAS Letter ID" in caught.value.message
    with pytest.raises(Conflict):
        sign_letter(Letter(S.ACCEPTED), request(), NOW, PRECEPTOR)
    with pytest.raises(Forbidden):
        sign_letter(drafted(), request(), NOW, Role.VISITOR)


@pytest.mark.parametrize("state", [S.REQUESTED, S.DECLINED])
def test_a_letter_is_written_only_once_accepted(state: LetterState) -> None:
    with pytest.raises(Conflict):
        save_version(Letter(state), [Paragraph("Text.")], NOW, PRECEPTOR)


def test_bad_versions_are_refused() -> None:
    accepted = Letter(S.ACCEPTED)
    with pytest.raises(Invalid):
        save_version(accepted, [Paragraph("  ")], NOW, PRECEPTOR)  # empty letter
    with pytest.raises(Invalid) as caught:
        save_version(accepted, [Paragraph("x" * (PARAGRAPH_MAX + 1))], NOW, PRECEPTOR)
    assert caught.value.field == "paragraphs[0].text"
    with pytest.raises(Invalid) as caught:
        save_version(accepted, [Paragraph(42)], NOW, PRECEPTOR)  # type: ignore[arg-type]
    assert caught.value.field == "paragraphs[0].text"
    with pytest.raises(Invalid):
        save_version(accepted, ["plain text"], NOW, PRECEPTOR)  # type: ignore[list-item]
    with pytest.raises(Invalid):
        save_version(accepted, [Paragraph("Text.")], datetime(2025, 4, 2), PRECEPTOR)  # no time zone
    with pytest.raises(Invalid) as caught:
        save_version(
            accepted,
            [Paragraph("Text.", (EvidenceRef(EvidenceKind.EVALUATION, 99),))],
            NOW,
            PRECEPTOR,
            known_evidence={REF},
        )
    assert "evaluation:99" in caught.value.message
    with pytest.raises(Forbidden):
        save_version(accepted, [Paragraph("Text.")], NOW, Role.VISITOR)


# --- drafting from evidence -------------------------------------------------------------------------


def ev(
    rotation: str, ratings: dict[str, object], epas: dict[str, object], rime: str | None, example: str
) -> EncounterEvaluation:
    return make_encounter_evaluation(
        rotation,
        ratings=ratings,
        epas=epas,
        rime=rime,
        minutes_observed=30,
        minutes_feedback=5,
        strengths="Organised.",
        improvement="Summary statements.",
        example=example,
    )


def hands_on_evaluations() -> list[DatedEvaluation]:
    return [
        DatedEvaluation(
            11,
            1,
            date(2025, 3, 4),
            ev(
                "hands_on",
                {"interviewing": 5, "overall": 6},
                {"epa2": "2b"},
                "reporter",
                "Took a focused history of exertional chest pain.",
            ),
        ),
        DatedEvaluation(
            12,
            2,
            date(2025, 3, 11),
            ev(
                "hands_on",
                {"interviewing": 7, "overall": 7},
                {"epa2": "3a"},
                "interpreter",
                "Ranked ACS above GERD and gave the reasons.",
            ),
        ),
        DatedEvaluation(
            13,
            4,
            date(2025, 3, 25),
            ev(
                "hands_on",
                {"interviewing": 8, "overall": 9},
                {"epa2": "3b", "epa6": "3a"},
                "interpreter",
                "Counselled a patient on statin side effects using teach-back.",
            ),
        ),
    ]


CONTEXT = LetterContext(
    enrollment_id=7,
    visitor_name="Amina Diallo",
    program="Internal Medicine Telehealth Clinic",
    rotation_type=RotationType.HANDS_ON,
    modality=Modality.VIRTUAL,
    start=date(2025, 3, 3),
    end=date(2025, 3, 28),
    sessions_attended=12,
    verified_seconds=113_400,
    patients_seen=40,
)
AUTHOR = Author("Jane Roe, MD", "Associate Professor of Medicine")
PRESENTATIONS = [
    PresentationRecord(21, date(2025, 3, 6), 1, PresentationFormat.ORAL),
    PresentationRecord(22, date(2025, 3, 20), 3, PresentationFormat.SNAPPS),
    PresentationRecord(23, date(2025, 3, 26), 4, PresentationFormat.ORAL),
]
FINAL = FinalEvaluationRecord(
    31,
    make_final_evaluation(
        "hands_on",
        competencies={"medical_knowledge": 8, "professionalism": 9},
        comparative_rating="top_third",
        group_size=12,
        will_write_letter=True,
        narrative="Steady growth over four weeks.",
    ),
)


def full_draft() -> Any:
    evaluations = hands_on_evaluations()
    return draft_letter(
        context=CONTEXT,
        author=AUTHOR,
        summary=summarize(evaluations),
        examples=strongest_examples(evaluations, 2),
        presentations=PRESENTATIONS,
        final=FINAL,
        specialty="Internal Medicine",
    )


def test_every_paragraph_rests_on_evidence_that_was_given() -> None:
    draft = full_draft()
    given = (
        {EvidenceRef(EvidenceKind.ENROLLMENT, 7), EvidenceRef(EvidenceKind.FINAL_EVALUATION, 31)}
        | {EvidenceRef(EvidenceKind.EVALUATION, i) for i in (11, 12, 13)}
        | {EvidenceRef(EvidenceKind.PRESENTATION, i) for i in (21, 22, 23)}
    )
    assert all(paragraph.evidence for paragraph in draft.paragraphs)
    assert draft.evidence() <= given
    assert draft.evidence() == given  # and with this much input, all of it is used


def test_the_paragraphs_and_their_evidence_in_order() -> None:
    kinds_and_evidence = [(p.kind, [str(r) for r in p.evidence]) for p in full_draft().paragraphs]
    assert kinds_and_evidence == [
        (ParagraphKind.CONTEXT, ["enrollment:7"]),
        (ParagraphKind.MINI_CEX, ["evaluation:11", "evaluation:12", "evaluation:13"]),
        (ParagraphKind.EPAS, ["evaluation:11", "evaluation:12", "evaluation:13"]),
        (ParagraphKind.RIME, ["evaluation:11", "evaluation:12", "evaluation:13"]),
        (ParagraphKind.EXAMPLE, ["evaluation:13"]),  # overall 9: the strongest
        (ParagraphKind.EXAMPLE, ["evaluation:12"]),
        (ParagraphKind.PRESENTATIONS, ["presentation:21", "presentation:22", "presentation:23"]),
        (ParagraphKind.COMPETENCIES, ["final_evaluation:31"]),
        (ParagraphKind.COMPARISON, ["final_evaluation:31"]),
    ]


def test_the_numbers_in_the_draft_are_the_inputs_worked_out_by_hand() -> None:
    text = {p.kind: p.text for p in full_draft().paragraphs}
    context = text[ParagraphKind.CONTEXT]
    assert "from March 3, 2025 to March 28, 2025" in context
    assert "attended 12 sessions totalling 31.5 verified hours" in context  # 113,400 s = 31.5 h
    assert "took part in the care of 40 patients" in context and "telehealth video" in context
    assert "residency in Internal Medicine" in context
    # Interviewing 5, 7, 8: mean 6.7, median 7; overall 6, 7, 9: mean 7.3, median 7.
    mini_cex = text[ParagraphKind.MINI_CEX]
    assert "3 observed encounters over weeks 1 to 4" in mini_cex
    assert (
        "medical interviewing mean 6.7 (median 7, range 5-8, 3 ratings; week 1 mean 5, week 4 mean 8)"
        in mini_cex
    )
    assert (
        "overall clinical competence mean 7.3 (median 7, range 6-9, 3 ratings; week 1 mean 6, week 4 mean 9)"
        in mini_cex
    )
    # EPA 2: 2b, 3a, 3b -> latest 3b, median 3a; EPA 6 once at 3a.
    epas = text[ParagraphKind.EPAS]
    assert (
        "EPA 2 (prioritize a differential diagnosis) most recently at level 3b "
        "(median 3a, range 2b-3b, 3 ratings; level 2b in week 1, 3b in week 4)"
    ) in epas
    assert (
        "EPA 6 (provide an oral presentation of a clinical encounter) most recently at level 3a "
        "(median 3a, all 3a, 1 rating)"
    ) in epas
    assert (
        "in week 4, placed Amina Diallo at the interpreter stage "
        "(3 ratings in all: reporter 1, interpreter 2)"
    ) in text[ParagraphKind.RIME]
    assert (
        "presented 3 cases to me between weeks 1 and 4 "
        "(2 full oral case presentations and 1 in the SNAPPS format)"
    ) in text[ParagraphKind.PRESENTATIONS]
    assert "medical knowledge 8; professionalism 9" in text[ParagraphKind.COMPETENCIES]
    assert text[ParagraphKind.COMPARISON] == (
        "Compared with the 12 visitors I have supervised on Rounds before, "
        "I place Amina Diallo in the top third."
    )


def test_examples_are_quoted_with_their_date_and_week() -> None:
    examples = [p.text for p in full_draft().paragraphs if p.kind is ParagraphKind.EXAMPLE]
    assert examples[0] == (
        "On March 25, 2025 (week 4) I recorded: "
        "\u201cCounselled a patient on statin side effects using teach-back.\u201d"
    )


def test_the_generated_wording_raises_no_flags_and_uses_no_pronouns() -> None:
    generated = [p.text for p in full_draft().paragraphs if p.kind is not ParagraphKind.EXAMPLE]
    for text in generated:
        assert flag_phrases(text) == [], text
        assert not re.search(r"\b(?:he|she|him|her|his|hers)\b", text, re.IGNORECASE), text


def test_without_data_a_paragraph_is_left_out_rather_than_invented() -> None:
    only_epa = [
        DatedEvaluation(
            1,
            2,
            date(2025, 3, 11),
            ev("observership", {}, {"epa6": "3a"}, None, "Gave a clear oral presentation."),
        )
    ]
    draft = draft_letter(
        context=_observership_context(),
        author=Author("Jane Roe, MD", ""),
        summary=summarize(only_epa),
    )
    assert [p.kind for p in draft.paragraphs] == [ParagraphKind.CONTEXT, ParagraphKind.EPAS]
    context = draft.paragraphs[0].text
    assert context.startswith("I am Jane Roe, MD. I supervised")
    assert "observed the care of 40 patients" in context and "took part" not in context
    assert any("No observed examples" in line for line in draft.to_add)
    assert any("no end-of-rotation evaluation" in line for line in draft.to_add)


def _observership_context() -> LetterContext:
    return LetterContext(
        enrollment_id=8,
        visitor_name="Amina Diallo",
        program="Internal Medicine Telehealth Clinic",
        rotation_type=RotationType.OBSERVERSHIP,
        modality=Modality.IN_PERSON,
        start=date(2025, 3, 3),
        end=date(2025, 3, 28),
        sessions_attended=10,
        verified_seconds=72_000,
        patients_seen=40,
    )


def test_a_final_evaluation_without_a_ranking_gives_no_comparison_claim() -> None:
    evaluations = hands_on_evaluations()
    unranked = FinalEvaluationRecord(
        32,
        make_final_evaluation(
            "hands_on",
            competencies={"medical_knowledge": 8},
            comparative_rating=None,
            group_size=3,
            will_write_letter=True,
            narrative="Good month.",
        ),
    )
    draft = draft_letter(context=CONTEXT, author=AUTHOR, summary=summarize(evaluations), final=unranked)
    assert ParagraphKind.COMPARISON not in {p.kind for p in draft.paragraphs}
    assert any("Not enough to compare (3 past visitors" in line for line in draft.to_add)


def test_the_recommendation_is_always_left_to_the_preceptor() -> None:
    assert full_draft().to_add[0].startswith("Your recommendation, in your own words")


def test_an_example_from_an_evaluation_not_summarized_is_refused() -> None:
    evaluations = hands_on_evaluations()
    with pytest.raises(Invalid) as caught:
        draft_letter(
            context=CONTEXT,
            author=AUTHOR,
            summary=summarize(evaluations[:2]),
            examples=strongest_examples(evaluations, 1),  # evaluation 13, left out of the summary
        )
    assert caught.value.field == "examples[0]"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"sessions_attended": -1}, "context.sessions_attended"),
        ({"verified_seconds": 1.5}, "context.verified_seconds"),
        ({"visitor_name": ""}, "context.visitor_name"),
        ({"end": date(2025, 3, 1)}, "context.end"),
    ],
)
def test_bad_context_is_refused(changes: dict[str, Any], field: str) -> None:
    fields = {name: getattr(CONTEXT, name) for name in LetterContext.__dataclass_fields__}
    fields.update(changes)
    with pytest.raises(Invalid) as caught:
        draft_letter(context=LetterContext(**fields), author=AUTHOR, summary=summarize([]))
    assert caught.value.field == field


def test_a_presentation_given_twice_is_refused() -> None:
    with pytest.raises(Invalid) as caught:
        draft_letter(
            context=CONTEXT, author=AUTHOR, summary=summarize([]), presentations=[PRESENTATIONS[0]] * 2
        )
    assert caught.value.field == "presentations[1]"
