"""Request and response types of the clinical learning record's API: encounters, case logs, the
preceptor's review of diagnoses, the coordinator's summary, and the ICD-10-CM look-up."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import Field, StringConstraints

from server.domain.caselog import (
    CHIEF_COMPLAINT_MAX,
    DIAGNOSES_MAX,
    DIAGNOSES_MIN,
    MINUTES_MAX,
    MINUTES_MIN,
    NOTE_MAX,
    AgeBand,
    Complexity,
    EncounterKind,
    EncounterSource,
    LogState,
    Participation,
    ReviewAction,
    ReviewStatus,
    Setting,
    Sex,
    VisitType,
)
from server.schemas.base import Id, Input, Output

ChiefComplaint = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=CHIEF_COMPLAINT_MAX)
]
ClinicalNote = Annotated[str, StringConstraints(strip_whitespace=True, max_length=NOTE_MAX)]
# A code as typed: "E11.9", "e119". Whether it exists is checked against the code set by the service.
CodeText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=16)]
Diagnoses = Annotated[list[CodeText], Field(min_length=DIAGNOSES_MIN, max_length=DIAGNOSES_MAX)]


# --- encounters -------------------------------------------------------------------------------
class EncounterIn(Input):
    week: Annotated[
        int, Field(ge=1, le=52, strict=True, description="Rotation week: 1 to 4 x the number of blocks.")
    ]
    kind: EncounterKind
    setting: Setting
    session_id: Id | None = Field(
        default=None,
        description="The live session, where there was one: it must exist, belong to the enrollment's "
        "program, have ended, and have had the enrollment's visitor connected.",
    )
    consent_recorded: bool | None = Field(
        default=None,
        description="Patient visits entered by a preceptor only: whether the patient's consent was "
        "recorded. A visitor never gives it (422): the host records consent in the session.",
    )


class EncounterOut(Output):
    id: int
    enrollment_id: int
    session_id: int | None
    week: int
    kind: EncounterKind
    setting: Setting
    consent_recorded: bool | None
    consent_id: int | None
    created_by: int
    created_at: datetime
    source: EncounterSource = Field(
        description="Who put it on the record: 'platform' (Rounds, from a session it hosted and the "
        "visitor attended), 'preceptor' (entered by hand) or 'visitor' (self-reported)."
    )
    self_reported: bool = Field(description="Entered by the visitor: what they report, not a record.")
    session_title: str | None = Field(default=None, description="The live session's title, if any.")
    session_starts_at: datetime | None = Field(default=None, description="When that session started.")
    label: str = Field(description="Week, kind, date and title, as a person tells encounters apart.")
    case_log_id: int | None = Field(default=None, description="The visitor's log of it, if written.")


# --- case logs --------------------------------------------------------------------------------
class CaseLogIn(Input):
    age_band: AgeBand
    sex: Sex
    visit_type: VisitType
    chief_complaint: ChiefComplaint = Field(description="Free text, checked for patient identifiers.")
    note: ClinicalNote | None = Field(default=None, description="Free text, checked for identifiers.")
    minutes: Annotated[int, Field(ge=MINUTES_MIN, le=MINUTES_MAX, strict=True)]
    complexity: Complexity
    participation: Annotated[list[Participation], Field(min_length=1, max_length=len(Participation))]
    diagnoses: Diagnoses = Field(description="ICD-10-CM codes, e.g. E11.9 (the dot may be left out).")
    submit: bool = Field(default=False, description="Submit now; false keeps (or saves) it as a draft.")


class DiagnosisOut(Output):
    code: str
    description: str
    billable: bool
    chapter: int


class ReviewOut(Output):
    status: ReviewStatus
    reviewed_by: int | None
    reviewer_name: str | None
    reviewed_at: datetime | None
    corrected_diagnoses: list[DiagnosisOut] | None = Field(
        description="The preceptor's replacement list, when corrected."
    )


class CaseLogOut(Output):
    id: int
    encounter_id: int
    enrollment_id: int
    visitor_id: int
    state: LogState
    week: int
    kind: EncounterKind
    setting: Setting
    encounter_source: EncounterSource = Field(
        description="Who put the encounter on the record; 'visitor' means self-reported."
    )
    age_band: AgeBand
    sex: Sex
    visit_type: VisitType
    chief_complaint: str
    note: str | None
    minutes: int
    complexity: Complexity
    participation: list[Participation]
    diagnoses: list[DiagnosisOut] = Field(description="The visitor's own list, always kept as written.")
    final_diagnoses: list[DiagnosisOut] = Field(description="The correction if any, else the visitor's.")
    review: ReviewOut
    created_at: datetime
    updated_at: datetime
    submitted_at: datetime | None


class ReviewIn(Input):
    action: ReviewAction
    diagnoses: Diagnoses | None = Field(default=None, description="Correcting: the replacement list.")


# --- the coordinator's view: counts, never free text -------------------------------------------
class WeekCountOut(Output):
    week: int
    encounters: int
    case_logs: int
    submitted: int
    minutes: int


class CaseLogSummaryOut(Output):
    enrollment_id: int
    visitor_id: int
    weeks: int = Field(description="How many rotation weeks the enrollment has.")
    encounters: int
    self_reported_encounters: int = Field(description="How many of them the visitor entered themselves.")
    encounters_by_kind: dict[str, int]
    case_logs: int
    drafts: int
    submitted: int
    confirmed: int
    corrected: int
    awaiting_review: int
    minutes: int
    by_week: list[WeekCountOut]


# --- ICD-10-CM --------------------------------------------------------------------------------
class Icd10Query(Input):
    q: Annotated[str, StringConstraints(min_length=1, max_length=200)] = Field(
        description="Words of the description or the start of a code."
    )
    limit: Annotated[int, Field(ge=1, le=100)] = 20


class Icd10Out(Output):
    code: str
    description: str
    billable: bool
    chapter: int
    chapter_title: str
    category: str
