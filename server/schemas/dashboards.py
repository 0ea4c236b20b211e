"""API types of the dashboards: the review queue, a preceptor's visitors, and each role's page."""

from __future__ import annotations

from pydantic import Field

from server.domain.applications import AppState
from server.schemas.accounts import ProfileOut
from server.schemas.applications import ApplicationOut, PersonOut
from server.schemas.base import (
    Output,
)
from server.schemas.coaches import CaseloadOut
from server.schemas.documents import DocumentOut, RequiredDocumentOut
from server.schemas.programs import BlockOut, PreceptorOut, ProgramOut
from server.schemas.visits import VisitOut


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


class AgendaItemOut(Output):
    visit: VisitOut
    join_open: bool = Field(
        description="Whether you can join it now (the live session's own rule: invited or host, from 30 "
        "minutes before the start until it ends)."
    )


# --- pages: one read per dashboard ------------------------------------------------------------
class NeededDocumentOut(RequiredDocumentOut):
    needed_by: list[str] = Field(description="Titles of the applied-to programs that ask for it.")


class VisitorDashboardOut(Output):
    profile: ProfileOut
    applications: list[ApplicationOut]
    documents: list[DocumentOut]
    required_documents: list[NeededDocumentOut]
    agenda: list[AgendaItemOut] = Field(description="Your sessions today and in the next 7 days (UTC days).")


class PreceptorDashboardOut(Output):
    profile: ProfileOut
    visitors: list[CurrentVisitorOut]
    programs: list[ProgramOut]
    agenda: list[AgendaItemOut] = Field(description="Sessions you host today and in the next 7 days.")


class CoordinatorDashboardOut(Output):
    queue: ReviewQueueOut
    programs: list[ProgramOut]
    preceptors: list[PreceptorOut]
    applicant_names: dict[int, str] = Field(description="User id -> name of each applicant.")
    agenda: list[AgendaItemOut] = Field(description="Your programs' sessions today and in the next 7 days.")
    caseload: list[CaseloadOut] = Field(
        default_factory=list, description="Each coordinator of your programs and the open cases they coach."
    )
