"""API types of programs and their four-week blocks."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from pydantic import Field, StringConstraints

from server.domain.checklists import ChecklistItem
from server.domain.vocab import (
    DocumentKind,
    Modality,
    RotationType,
    TrainingStatus,
)
from server.domain.vocab import Profession as ProfessionKind
from server.schemas.base import (
    Id,
    Input,
    Name,
    Output,
    Profession,
    ShortText,
    Specialty,
)


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
    closed: bool = Field(
        default=False, description="The block cannot take place (its coordinator closed it)."
    )
    closed_reason: str | None = None


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
    required_documents: Annotated[list[DocumentKind], Field(max_length=len(DocumentKind))] = []
    preceptor_ids: Annotated[list[Id], Field(max_length=20)] = []
    published: bool = True
    before_day_one: Annotated[list[ChecklistItem], Field(max_length=len(ChecklistItem))] | None = Field(
        default=None,
        description="What visitors must see to before the start (in person and hybrid only); "
        "omitted: every item on site, none for a virtual program.",
    )


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
    before_day_one: list[ChecklistItem] = []
    published: bool
    coordinator_id: int
    preceptors: list[PreceptorOut]
    blocks: list[BlockOut]
    next_block: BlockOut | None = Field(
        default=None,
        description="The first block starting today or later (and on or after the catalog's start-date "
        "filter, when given); None when every block has started.",
    )
    eligibility: EligibilityOut | None = Field(
        default=None, description="For a logged-in visitor: whether they may apply, and why not."
    )


class ProgramQuery(Input):
    q: ShortText | None = Field(
        default=None,
        description="Words to find in the title, specialty or description: each must begin a word there, "
        "in any order; case and accents do not matter.",
    )
    starts_from: date | None = Field(
        default=None, description="Only programs with a block starting on this day (YYYY-MM-DD) or later."
    )
    profession: ProfessionKind | None = Field(
        default=None,
        description="Only programs open to this profession (and those open to all).",
    )
    specialty: ShortText | None = None
    rotation_type: RotationType | None = None
    modality: Modality | None = None
    eligible: bool = Field(default=False, description="Only programs the visitor is eligible for.")
