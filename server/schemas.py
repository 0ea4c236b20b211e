"""Request and response types of the JSON API. The handlers validate with these and the OpenAPI
document is generated from them, so the two cannot drift apart."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

from server.domain.applications import Action, AppState
from server.domain.vocab import (
    DocumentKind,
    DocumentStatus,
    Modality,
    Role,
    RotationType,
    Step1Status,
    TrainingStatus,
)

ShortText = Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)]
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
# Lengths of the columns they are stored in (server/db/models.py): longer input is a 422, not a 500.
Profession = Annotated[str, StringConstraints(strip_whitespace=True, max_length=80)]
Country = Annotated[str, StringConstraints(strip_whitespace=True, max_length=80)]
Specialty = Annotated[str, StringConstraints(strip_whitespace=True, max_length=120)]
JobTitle = Annotated[str, StringConstraints(strip_whitespace=True, max_length=120)]
Email = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True, min_length=3, max_length=254, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$"
    ),
]
Note = Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000)]
# A record id: positive and within the database's 32-bit INTEGER columns, so an absurd id is refused
# here (422) instead of overflowing the driver (SQLite: OverflowError; PostgreSQL: out of int32 range).
MAX_ID = 2_147_483_647
Id = Annotated[int, Field(ge=1, le=MAX_ID)]


def _has_nul(value: object) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, list | tuple | set):
        return any(_has_nul(item) for item in value)
    return False


class Input(BaseModel):
    """Base of request bodies: unknown fields are an error, not silently dropped."""

    model_config = ConfigDict(extra="forbid")

    @field_validator("*", mode="after")
    @classmethod
    def _refuse_nul(cls, value: Any) -> Any:
        # PostgreSQL cannot store U+0000 in text: refuse it here (422) rather than fail in the driver.
        if _has_nul(value):
            raise ValueError("must not contain the NUL character (\\u0000)")
        return value


class Output(BaseModel):
    model_config = ConfigDict(from_attributes=True)


# --- errors -----------------------------------------------------------------------------------
class ErrorBody(Output):
    code: str = Field(description="Machine-readable kind of error, e.g. not_found or conflict.")
    message: str = Field(description="What went wrong and what to do about it.")
    field: str | None = Field(default=None, description="The input field at fault, if one is.")


class ErrorOut(Output):
    error: ErrorBody


# --- accounts ---------------------------------------------------------------------------------
class LoginIn(Input):
    email: Email
    password: Annotated[str, StringConstraints(min_length=1, max_length=1024)]


class UserOut(Output):
    id: int
    email: str
    role: Role
    full_name: str


class LoginStateOut(Output):
    user: UserOut | None
    csrf_token: str = Field(description="Send as the X-CSRF-Token header on every POST/PUT/DELETE.")


class RegisterIn(Input):
    email: Email
    password: Annotated[str, StringConstraints(min_length=10, max_length=1024)]
    full_name: Name


class VisitorProfileIn(Input):
    training_status: TrainingStatus | None = None
    profession: Profession | None = None
    school: ShortText | None = None
    country: Country | None = None
    graduation_year: Annotated[int, Field(ge=1950, le=2100)] | None = None
    step1_status: Step1Status | None = None


class VisitorProfileOut(Output):
    training_status: TrainingStatus | None
    profession: str | None
    school: str | None
    country: str | None
    graduation_year: int | None
    step1_status: Step1Status | None


class PreceptorProfileIn(Input):
    specialty: Specialty | None = None
    institution: ShortText | None = None
    title: JobTitle | None = None
    npi: Annotated[str, StringConstraints(pattern=r"^\d{10}$")] | None = Field(
        default=None, description="National Provider Identifier: 10 digits."
    )
    phone: Annotated[str, StringConstraints(strip_whitespace=True, max_length=40)] | None = None
    address: Annotated[str, StringConstraints(strip_whitespace=True, max_length=400)] | None = None
    contact_email: Email | None = None


class PreceptorProfileOut(Output):
    specialty: str | None
    institution: str | None
    title: str | None
    npi: str | None
    phone: str | None
    address: str | None
    contact_email: str | None


class ProfileOut(Output):
    user: UserOut
    visitor: VisitorProfileOut | None = None
    preceptor: PreceptorProfileOut | None = None


# --- programs ---------------------------------------------------------------------------------
class BlockIn(Input):
    start_date: date
    capacity: Annotated[int, Field(ge=1, le=500)]


class CapacityIn(Input):
    capacity: Annotated[int, Field(ge=1, le=500)]


class BlockOut(Output):
    id: int
    start_date: date
    end_date: date
    capacity: int
    seats_held: int
    seats_free: int


class PreceptorOut(Output):
    id: int
    full_name: str
    title: str | None
    institution: str | None
    specialty: str | None


class EligibilityOut(Output):
    eligible: bool
    reasons: list[str]


class ProgramIn(Input):
    title: Name
    specialty: Annotated[Specialty, StringConstraints(min_length=1)]
    rotation_type: RotationType
    modality: Modality
    description: Annotated[str, StringConstraints(max_length=5000)] = ""
    allowed_training_statuses: Annotated[list[TrainingStatus], Field(min_length=1, max_length=2)]
    step1_pass_required: bool = False
    allowed_professions: Annotated[
        list[Annotated[Profession, StringConstraints(min_length=1)]], Field(max_length=20)
    ] = []
    required_documents: Annotated[list[DocumentKind], Field(max_length=7)] = []
    preceptor_ids: Annotated[list[Id], Field(max_length=20)] = []
    published: bool = True


class ProgramOut(Output):
    id: int
    title: str
    specialty: str
    rotation_type: RotationType
    modality: Modality
    description: str
    allowed_training_statuses: list[TrainingStatus]
    step1_pass_required: bool
    allowed_professions: list[str]
    required_documents: list[DocumentKind]
    published: bool
    coordinator_id: int
    preceptors: list[PreceptorOut]
    blocks: list[BlockOut]
    eligibility: EligibilityOut | None = Field(
        default=None, description="For a logged-in visitor: whether they may apply, and why not."
    )


class ProgramQuery(Input):
    specialty: ShortText | None = None
    rotation_type: RotationType | None = None
    modality: Modality | None = None
    eligible: bool = Field(default=False, description="Only programs the visitor is eligible for.")


# --- applications -----------------------------------------------------------------------------
class ApplicationIn(Input):
    program_id: Id
    block_ids: Annotated[list[Id], Field(min_length=1, max_length=6)]
    statement: Annotated[str, StringConstraints(max_length=5000)] = ""
    submit: bool = Field(default=True, description="Submit now; false keeps it as a draft.")


class ActionIn(Input):
    action: Action
    note: Note | None = Field(default=None, description="Reason shown to the visitor.")


class PersonOut(Output):
    id: int
    full_name: str
    email: str


class EventOut(Output):
    action: str
    from_state: AppState
    to_state: AppState
    actor_name: str | None
    note: str | None
    at: datetime


class ApplicationOut(Output):
    id: int
    program_id: int
    program_title: str
    visitor: PersonOut
    state: AppState
    state_label: str
    blocks: list[BlockOut]
    statement: str
    decision_note: str | None
    offer_expires_at: datetime | None
    created_at: datetime
    submitted_at: datetime | None
    available_actions: list[Action]
    events: list[EventOut] = []


class ApplicationQuery(Input):
    state: AppState | None = None
    program_id: Id | None = None


# --- documents --------------------------------------------------------------------------------
class DocumentOut(Output):
    id: int
    owner_id: int
    kind: DocumentKind
    kind_label: str
    original_name: str
    content_type: str
    size: int
    status: DocumentStatus
    review_note: str | None
    expires_on: date | None
    uploaded_at: datetime


class DocumentReviewIn(Input):
    status: Literal["verified", "rejected"]
    note: Note | None = Field(default=None, description="Required when rejecting: what to fix.")
    expires_on: date | None = None


class RequiredDocumentOut(Output):
    kind: DocumentKind
    kind_label: str
    status: DocumentStatus
    document_id: int | None


# --- dashboards -------------------------------------------------------------------------------
class BlockCapacityOut(Output):
    program_id: int
    program_title: str
    block: BlockOut


class ReviewQueueOut(Output):
    applications: list[ApplicationOut]
    documents: list[DocumentOut]
    capacity: list[BlockCapacityOut]


class CurrentVisitorOut(Output):
    application_id: int
    visitor: PersonOut
    program_title: str
    state: AppState
    blocks: list[BlockOut]


# --- pages: one read per dashboard ------------------------------------------------------------
class NeededDocumentOut(RequiredDocumentOut):
    needed_by: list[str] = Field(description="Titles of the applied-to programs that ask for it.")


class VisitorDashboardOut(Output):
    profile: ProfileOut
    applications: list[ApplicationOut]
    documents: list[DocumentOut]
    required_documents: list[NeededDocumentOut]


class PreceptorDashboardOut(Output):
    profile: ProfileOut
    visitors: list[CurrentVisitorOut]
    programs: list[ProgramOut]


class CoordinatorDashboardOut(Output):
    queue: ReviewQueueOut
    programs: list[ProgramOut]
    preceptors: list[PreceptorOut]
    applicant_names: dict[int, str] = Field(description="User id -> name of each applicant.")
