"""Request and response types of letters of recommendation: the visitor's ERAS letter request (with the
FERPA waiver), the preceptor's decision, the drafted letter with the evidence of each paragraph, saved
versions with the wording flags, and signing.

What the visitor may be shown is decided by the service (``server.services.letters``): the request's
status (:class:`LetterRequestOut`) always, a letter's text (:class:`LetterOut`) only when they did not
waive the right to see it and it is signed. :class:`LetterRequestOut` carries no letter text at all."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import Field, StrictBool, StringConstraints

from server.domain.letter_language import FlagCategory
from server.domain.letters import (
    ERAS_LETTER_ID_MAX,
    PARAGRAPH_MAX,
    PARAGRAPHS_MAX,
    SPECIALTY_MAX,
    TITLE_MAX,
    LetterState,
    ParagraphKind,
)
from server.schemas.base import Id, Input, Output

EVIDENCE_PATTERN = r"^(evaluation|final_evaluation|presentation|enrollment):[1-9][0-9]{0,9}$"
EvidenceText = Annotated[
    str,
    StringConstraints(strip_whitespace=True, max_length=40, pattern=EVIDENCE_PATTERN),
    Field(description='A record the paragraph rests on, as "kind:id", e.g. "evaluation:12".'),
]


class LetterRequestIn(Input):
    """A visitor asks a preceptor of their enrollment's program for a letter (after the ERAS workflow).
    The waiver must be stated: it is the visitor's decision and cannot be changed later."""

    preceptor_id: Id = Field(description="A preceptor of the enrollment's program: the letter's author.")
    specialty: Annotated[str, StringConstraints(max_length=SPECIALTY_MAX)] = Field(
        description="The specialty the visitor is applying to."
    )
    eras_letter_id: Annotated[str, StringConstraints(max_length=ERAS_LETTER_ID_MAX + 8)] | None = Field(
        default=None,
        description="The Letter ID ERAS issued: 1-32 letters, digits or hyphens (needed to sign).",
    )
    ferpa_waived: StrictBool = Field(
        description="True: the visitor waives the right to see the letter (it is then never shown to them)."
    )
    author_title: Annotated[str, StringConstraints(max_length=TITLE_MAX)] | None = Field(
        default=None,
        description="The author's title as the letter should give it (default: their profile's).",
    )


class LetterIdIn(Input):
    """The ERAS Letter ID, added after the request (ERAS issues it when the applicant asks there)."""

    eras_letter_id: Annotated[str, StringConstraints(max_length=ERAS_LETTER_ID_MAX + 8)] = Field(
        description="The Letter ID ERAS issued: 1-32 letters, digits or hyphens."
    )


class LetterDecisionIn(Input):
    """The author accepts or declines a request (declined is final)."""

    decision: Literal["accept", "decline"]


class DraftIn(Input):
    """Options of a draft built from the evidence."""

    examples: int = Field(default=3, ge=0, le=10, description="How many observed examples to quote.")


class ParagraphIn(Input):
    text: Annotated[str, StringConstraints(max_length=PARAGRAPH_MAX + 100)]
    evidence: list[EvidenceText] = Field(default_factory=list, max_length=200)
    kind: ParagraphKind = ParagraphKind.OWN


class LetterVersionIn(Input):
    """A new version of the letter: its paragraphs, each with the records it rests on (only records the
    letter can be drafted from: the enrollment and the author's own released evaluations)."""

    paragraphs: list[ParagraphIn] = Field(min_length=1, max_length=PARAGRAPHS_MAX + 10)


class SignIn(Input):
    """Signing is final: the body must say so."""

    confirm: Literal[True] = Field(description="Must be true: a signed letter can no longer be changed.")


class LetterRequestOut(Output):
    """A letter request's status: who, what, which state and when. It never holds the letter's text."""

    id: int
    enrollment_id: int
    visitor_id: int
    visitor_name: str
    preceptor_id: int
    author_name: str
    author_title: str
    specialty: str
    eras_letter_id: str | None
    ferpa_waived: bool
    state: LetterState
    versions: int
    signed_at: datetime | None
    created_at: datetime
    updated_at: datetime


class ParagraphOut(Output):
    text: str
    evidence: list[str]
    kind: ParagraphKind


class FlagOut(Output):
    """A flagged span of the letter's text: ``text[start:end]`` is ``phrase``. Rounds never rewrites it."""

    start: int
    end: int
    category: FlagCategory
    phrase: str
    explanation: str


class DraftOut(Output):
    """A letter drafted from the evidence (not saved: save it as a version to keep it), what the author
    still has to add, and the wording flags."""

    request_id: int
    paragraphs: list[ParagraphOut]
    to_add: list[str]
    evidence: list[str]
    text: str
    flags: list[FlagOut]
    words: int


class VersionOut(Output):
    number: int
    saved_at: datetime
    paragraphs: list[ParagraphOut]


class VersionStampOut(Output):
    number: int
    saved_at: datetime
    saved_by: int


class LetterOut(Output):
    """A letter: its request's status and its current version. ``flags`` and ``versions`` (the earlier
    versions' numbers and times) are for the author only."""

    request: LetterRequestOut
    current: VersionOut | None
    text: str
    flags: list[FlagOut] | None
    words: int
    history: list[VersionStampOut] | None
    signed_on: date | None


class LetterheadOut(Output):
    """The letterhead the letter is printed on (kept with the letter once it is signed)."""

    name: str
    title: str
    institution: str
    address: str
    phone: str
    email: str


class LetterDocumentOut(Output):
    """The letter as it is printed and exported: letterhead, date, addressee line, body and signature.
    Before signing it is a preview for the author (``signed`` false, dated today), and the letterhead
    may be missing with ``letterhead_problem`` saying what the profile lacks."""

    request_id: int
    visitor_name: str
    specialty: str
    eras_letter_id: str | None
    letterhead: LetterheadOut | None
    letterhead_problem: str | None
    dated: date
    signed: bool
    signed_at: datetime | None
    paragraphs: list[str]
