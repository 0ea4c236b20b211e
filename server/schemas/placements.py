"""API types of placement changes: closing a block, proposing alternatives, the visitor's answer."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import Field, StringConstraints

from server.domain.placements import MAX_OPTIONS, ProposalState
from server.schemas.base import Id, Input, Output
from server.schemas.programs import BlockOut

Reason = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]


class ClosureIn(Input):
    reason: Reason = Field(description="Why it cannot take place; the visitors holding it read this.")


class OptionIn(Input):
    program_id: Id
    block_ids: Annotated[list[Id], Field(min_length=1, max_length=6)]


class ProposalIn(Input):
    reason: Reason = Field(description="Why the placement must change; the visitor reads this.")
    options: Annotated[list[OptionIn], Field(min_length=1, max_length=MAX_OPTIONS)]


class AcceptIn(Input):
    option_id: Id


class DeclineIn(Input):
    withdraw: bool = Field(
        default=False, description="Also withdraw the application (decline the offer) instead of keeping it."
    )


class RetractIn(Input):
    note: Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000)] | None = Field(
        default=None, description="Why, for the application's history (optional)."
    )


class OptionOut(Output):
    id: int | None = Field(description="None for a candidate not yet proposed.")
    program_id: int
    program_title: str
    blocks: list[BlockOut]


class ProposalOut(Output):
    id: int
    application_id: int
    reason: str
    state: ProposalState
    state_label: str
    proposed_by: str
    created_at: datetime
    answered_at: datetime | None
    chosen_option_id: int | None
    options: list[OptionOut]


class ClosedOut(Output):
    blocks: list[BlockOut]
    affected_application_ids: list[int] = Field(
        description="The applications holding or asking for a closed block: each needs a proposal."
    )
