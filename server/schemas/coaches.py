"""API types of coaches: an application's coach with the history of assignments, reassigning one,
and a program's caseload per coach."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from server.schemas.base import Id, Input, Output


class CoachIn(Input):
    coach_id: Id = Field(description="The new coach: a coordinator of the application's program.")


class CoachPersonOut(Output):
    id: int
    full_name: str


class CoachAssignmentOut(Output):
    coach: CoachPersonOut
    previous_coach: CoachPersonOut | None
    assigned_by: CoachPersonOut | None = Field(description="None: Rounds assigned the coach on application.")
    at: datetime


class CoachOut(Output):
    application_id: int
    coach: CoachPersonOut | None
    history: list[CoachAssignmentOut] = Field(
        description="Oldest first; shown to the program's coordinators."
    )


class CaseloadOut(Output):
    """One coordinator of a program and the open cases they coach in it."""

    program_id: int
    program_title: str
    coach: CoachPersonOut
    open_cases: int
