"""API types of applications: applying, acting on one (the state machine's actions), its history."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import Field, StringConstraints

from server.domain.applications import Action, AppState
from server.schemas.base import (
    Id,
    Input,
    Note,
    Output,
)
from server.schemas.programs import BlockOut


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
    label: str | None = Field(
        default=None, description="How a step that is not a change of state reads (a placement change)."
    )
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
