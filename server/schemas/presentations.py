"""Request and response types of case presentations: the visitor's presentation and ranked
differential, the preceptor's review, reference differential and overrides, the scores, and the
coordinator's counts."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import Field, StrictBool, StringConstraints

from server.domain.differential import (
    MAX_FINDINGS_CHARS,
    MAX_ITEMS,
    MAX_NEXT_TEST_CHARS,
    Likelihood,
    MatchKind,
)
from server.domain.presentations import (
    LONG_MAX,
    MAX_OVERRIDES,
    ORAL_FIELDS,
    SNAPPS_FIELDS,
    PresentationFormat,
    PresentationState,
)
from server.schemas.base import Input, Output
from server.schemas.record import CodeText

Findings = Annotated[str, StringConstraints(strip_whitespace=True, max_length=MAX_FINDINGS_CHARS)]
NextTest = Annotated[str, StringConstraints(strip_whitespace=True, max_length=MAX_NEXT_TEST_CHARS)]
FieldText = Annotated[str, StringConstraints(max_length=LONG_MAX)]
FeedbackText = Annotated[str, StringConstraints(strip_whitespace=True, max_length=LONG_MAX)]


class DifferentialItemIn(Input):
    rank: Annotated[int, Field(ge=1, le=MAX_ITEMS, strict=True, description="1 is the leading diagnosis.")]
    code: CodeText = Field(description="ICD-10-CM code, e.g. I21.4 (the dot may be left out).")
    likelihood: Likelihood
    cant_miss: StrictBool = False
    findings_for: Findings = Field(default="", description="Free text, checked for identifiers.")
    findings_against: Findings = Field(default="", description="Free text, checked for identifiers.")
    next_test: NextTest = Field(default="", description="Free text, checked for identifiers.")


Items = Annotated[list[DifferentialItemIn], Field(max_length=MAX_ITEMS)]


class PresentationIn(Input):
    format: PresentationFormat
    content: dict[str, FieldText] = Field(
        default_factory=dict,
        description=(
            f"The format's fields, free text checked for identifiers. oral: {', '.join(ORAL_FIELDS)}. "
            f"snapps: {', '.join(SNAPPS_FIELDS)}."
        ),
        max_length=len(ORAL_FIELDS) + len(SNAPPS_FIELDS),
    )
    differential: Items = Field(default_factory=list, description="The visitor's ranked differential.")
    submit: bool = Field(default=False, description="Submit now; false keeps (or saves) it as a draft.")


class FeedbackIn(Input):
    """The One-Minute Preceptor: free text, checked for identifiers; at least one part written."""

    commitment: FeedbackText = ""
    evidence: FeedbackText = ""
    general_rule: FeedbackText = ""
    reinforce: FeedbackText = ""
    correct: FeedbackText = ""


class OverrideIn(Input):
    reference_code: CodeText
    visitor_code: CodeText
    match: StrictBool = Field(description="True forces the pair to match; false forbids it.")


class ReferenceIn(Input):
    items: Annotated[list[DifferentialItemIn], Field(min_length=1, max_length=MAX_ITEMS)]
    overrides: Annotated[list[OverrideIn], Field(max_length=MAX_OVERRIDES)] = Field(default_factory=list)


class DifferentialItemOut(Output):
    rank: int
    code: str
    description: str
    likelihood: Likelihood
    cant_miss: bool
    findings_for: str
    findings_against: str
    next_test: str


class OverrideOut(Output):
    reference_code: str
    visitor_code: str
    match: bool


class FeedbackOut(Output):
    commitment: str
    evidence: str
    general_rule: str
    reinforce: str
    correct: str


class PresentationOut(Output):
    id: int
    case_log_id: int
    encounter_id: int
    enrollment_id: int
    visitor_id: int
    week: int
    format: PresentationFormat
    state: PresentationState
    content: dict[str, str]
    differential: list[DifferentialItemOut]
    reference: list[DifferentialItemOut] | None = Field(description="The preceptor's, once entered.")
    overrides: list[OverrideOut]
    feedback: FeedbackOut | None
    reviewed_by: int | None
    reviewed_at: datetime | None
    created_at: datetime
    updated_at: datetime
    submitted_at: datetime | None


class RatioOut(Output):
    matched: int
    total: int
    value: float | None = Field(description="matched / total, or null when total is 0.")


class PairingOut(Output):
    reference: DifferentialItemOut
    visitor: DifferentialItemOut | None
    kind: MatchKind | None


class ScoreOut(Output):
    presentation_id: int
    top_1: bool
    top_3: bool
    leading_found_at: int | None
    comprehensiveness: RatioOut
    relevance: RatioOut
    cant_miss_coverage: RatioOut
    pairings: list[PairingOut] = Field(description="Side by side: one row per reference item.")
    unmatched_visitor: list[DifferentialItemOut]


class PresentationSummaryOut(Output):
    enrollment_id: int
    presentations: int
    drafts: int
    submitted: int
    reviewed: int
    with_reference: int
    by_format: dict[str, int]
