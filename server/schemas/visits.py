"""Request and response types of the live-session ("visit") API: scheduling, the visit's view, the
patient link and attendance. Times are UTC (ISO 8601 with an offset on input)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import AwareDatetime, Field, StringConstraints

from server.domain.visits import (
    CANCEL_NOTE_MAX,
    DURATION_MAX,
    DURATION_MIN,
    MAX_INVITEES,
    TITLE_MAX,
    ConsentMethod,
    ConsentScope,
    ParticipantRole,
    VisitKind,
    VisitStatus,
)
from server.schemas.base import Id, Input, Output

CancelNote = Annotated[str, StringConstraints(strip_whitespace=True, max_length=CANCEL_NOTE_MAX)]
VisitTitle = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=TITLE_MAX)]


class VisitIn(Input):
    block_id: Id = Field(description="The block of one of your programs the visit belongs to.")
    kind: VisitKind
    title: VisitTitle
    starts_at: AwareDatetime = Field(
        description="Start, with its UTC offset (stored and returned in UTC). Within the block, from "
        "two weeks before its first day to a week after its last."
    )
    duration_minutes: Annotated[int, Field(ge=DURATION_MIN, le=DURATION_MAX, strict=True)]
    visitor_ids: Annotated[list[Id], Field(min_length=1, max_length=MAX_INVITEES)] = Field(
        description="Visitors to invite: each enrolled (or active) in the block."
    )


class VisitMoveIn(Input):
    starts_at: AwareDatetime = Field(
        description="The new start, with its UTC offset; the same window as scheduling (near the block)."
    )
    duration_minutes: Annotated[int, Field(ge=DURATION_MIN, le=DURATION_MAX, strict=True)] | None = Field(
        default=None, description="The new length in minutes; the visit keeps its length when absent."
    )


class VisitCancelIn(Input):
    note: CancelNote | None = Field(
        default=None, description="Why, for the invited visitors (no patient details)."
    )


class PatientLinkIn(Input):
    hours: Annotated[int, Field(ge=1, le=24 * 14, strict=True)] | None = Field(
        default=None,
        description="How long the link stays valid; at most (and by default) ROUNDS_PATIENT_LINK_HOURS.",
    )


class VisitQuery(Input):
    scope: Literal["upcoming", "all"] = Field(
        default="upcoming",
        description="upcoming: scheduled or live and still joinable; all: every visit, past ones too.",
    )


class InviteeOut(Output):
    visitor_id: int
    name: str
    enrollment_id: int


class VisitOut(Output):
    id: int
    program_id: int
    program_title: str
    block_id: int
    block_start_date: date
    host_id: int
    host_name: str
    kind: VisitKind
    title: str
    starts_at: datetime
    ends_at: datetime = Field(description="The scheduled end.")
    duration_minutes: int
    status: VisitStatus
    started_at: datetime | None
    ended_at: datetime | None
    cancel_note: str | None
    created_at: datetime
    joinable_from: datetime
    joinable_until: datetime = Field(description="At the latest; the host may end the visit sooner.")
    invitees: list[InviteeOut]
    live_url: str = Field(description="The page of the live session.")
    calendar_url: str = Field(description="The visit as an iCalendar (.ics) file.")


class PatientLinkOut(Output):
    url: str = Field(description="The single-use link to give the patient; shown only this once.")
    expires_at: datetime


class IntervalOut(Output):
    id: int
    connected_at: datetime
    disconnected_at: datetime | None
    end_reason: str | None


class ParticipantAttendanceOut(Output):
    participant_id: str
    user_id: int | None
    name: str
    role: ParticipantRole
    connected_minutes: float = Field(description="Total connected time, overlaps counted once.")
    intervals: list[IntervalOut]


class AttendanceOut(Output):
    visit_id: int
    status: VisitStatus
    participants: list[ParticipantAttendanceOut]


class ConsentOut(Output):
    id: int
    scope: ConsentScope
    method: ConsentMethod
    obtained_by: int
    recorded_at: datetime
    withdrawn_at: datetime | None
