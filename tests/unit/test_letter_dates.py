"""A letter's dates and the PHI guard's allow-list come from one formatter (``letters.letter_date``).

The guard takes "March 4, 2025" for a patient's date; a letter's own dates (the rotation's, the
evaluations') pass only because ``LetterSources.safe_phrases`` lists them written exactly as the draft
prints them. If the two were formatted differently, a preceptor could not save the platform's own draft.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from server.domain.evaluations import make_encounter_evaluation
from server.domain.evidence import DatedEvaluation, strongest_examples, summarize
from server.domain.letters import Author, LetterContext, ParagraphKind, draft_letter, letter_date
from server.domain.phi import PhiCategory, check_text, ensure_no_phi
from server.domain.vocab import Modality, RotationType
from server.services.letters import LetterSources

CONTEXT = LetterContext(
    enrollment_id=7,
    visitor_name="Amina Diallo",
    program="the Internal Medicine telehealth rotation",
    rotation_type=RotationType.HANDS_ON,
    modality=Modality.VIRTUAL,
    start=date(2025, 3, 3),
    end=date(2025, 3, 28),
    sessions_attended=12,
    verified_seconds=113_400,
    patients_seen=40,
)
AUTHOR = Author("Jane Roe, MD", "Associate Professor of Medicine")


def evaluation(evaluation_id: int, week: int, on: date, overall: int, example: str) -> DatedEvaluation:
    return DatedEvaluation(
        evaluation_id,
        week,
        on,
        make_encounter_evaluation(
            "hands_on",
            ratings={"interviewing": overall, "overall": overall},
            minutes_observed=30,
            minutes_feedback=5,
            strengths="Organised.",
            improvement="Summary statements.",
            example=example,
        ),
    )


EVALUATIONS = [
    evaluation(11, 1, date(2025, 3, 4), 6, "Took a focused history of exertional chest pain."),
    evaluation(12, 4, date(2025, 3, 25), 9, "Counselled a patient on statin side effects using teach-back."),
]


def test_a_letter_date_is_month_day_and_year() -> None:
    assert letter_date(date(2025, 3, 4)) == "March 4, 2025"
    assert letter_date(date(2024, 12, 31)) == "December 31, 2024"


def test_the_dates_a_draft_prints_are_the_dates_the_guard_allows() -> None:
    draft = draft_letter(
        context=CONTEXT,
        author=AUTHOR,
        summary=summarize(EVALUATIONS),
        examples=strongest_examples(EVALUATIONS, 2),
    )
    fields = {f"paragraphs[{i}].text": p.text for i, p in enumerate(draft.paragraphs)}
    dated = [p for p in draft.paragraphs if p.kind in (ParagraphKind.CONTEXT, ParagraphKind.EXAMPLE)]
    assert len(dated) == 3  # the rotation's dates and each example's
    # The dates are there; on their own the guard reports some of them as dates (a sentence about the
    # rotation's calendar is not a patient's, see server/domain/phi/public.py; an example's may be).
    printed = {"March 3, 2025", "March 28, 2025", "March 4, 2025", "March 25, 2025"}
    assert all(any(day in text for text in fields.values()) for day in printed)
    dates = {span for text in fields.values() for span in _date_spans(text)}
    assert dates and dates <= printed
    # ...and the allow-list holds each of them written the same way, so the draft passes the guard.
    sources = LetterSources(CONTEXT, EVALUATIONS, None, [])
    safe = sources.safe_phrases()
    assert printed <= set(safe)
    ensure_no_phi(fields, allowed=safe, parties=sources.parties(AUTHOR.name))


def _date_spans(text: str) -> list[str]:
    """The spans of ``text`` the guard reports as dates."""
    return [text[h.start : h.end] for h in check_text(text) if h.category is PhiCategory.DATE]


def test_the_program_name_a_draft_prints_is_allowed_too() -> None:
    """A program may be named like a facility ("... Telehealth Clinic"); the draft prints its name, so a
    preceptor must be able to save the platform's own draft of such a program."""
    context = replace(CONTEXT, program="the Internal Medicine Telehealth Clinic")
    draft = draft_letter(
        context=context,
        author=AUTHOR,
        summary=summarize(EVALUATIONS),
        examples=strongest_examples(EVALUATIONS, 2),
    )
    fields = {f"paragraphs[{i}].text": p.text for i, p in enumerate(draft.paragraphs)}
    assert any("Telehealth Clinic" in text for text in fields.values())
    assert check_text(" ".join(fields.values()))  # on its own, the guard objects to the name
    sources = LetterSources(context, EVALUATIONS, None, [])
    ensure_no_phi(fields, allowed=sources.safe_phrases(), parties=sources.parties(AUTHOR.name))
