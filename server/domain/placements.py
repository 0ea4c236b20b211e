"""Placement changes only with the visitor's consent.

A visitor's *placement* is the program and the blocks their application asks for (and, from an offer
on, holds seats in). When a block cannot take place (a site closes, a preceptor leaves) the coordinator
closes it and proposes alternatives -- other blocks, of the same program or another they run, with
seats. Nothing about the application changes until the visitor accepts one of them: the proposal is a
question, the acceptance the one act that moves the placement. Declining keeps everything as it was
(or withdraws, if the visitor chooses).

Plain Python: no I/O.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from server.domain.applications import AppState
from server.domain.blocks import Block, check_stack
from server.domain.dates import human_day
from server.domain.errors import Invalid

# The columns that are an application's placement: the program it is for and its blocks (the
# ``application_blocks`` links). Only the visitor's own acts write them: applying (a new
# application) and accepting a proposed alternative. tests/unit/test_placement_writers.py reads the
# code to hold this.
PLACEMENT_COLUMNS = frozenset({"program_id"})


class ProposalState(StrEnum):
    """Where a proposal stands: open until the visitor answers it, the coordinator retracts it, or the
    application closes (withdrawn, expired...) and the question lapses."""

    OPEN = "open"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    RETRACTED = "retracted"
    LAPSED = "lapsed"


PROPOSAL_STATE_LABELS: dict[ProposalState, str] = {
    ProposalState.OPEN: "Waiting for the visitor's answer",
    ProposalState.ACCEPTED: "Accepted",
    ProposalState.DECLINED: "Declined",
    ProposalState.RETRACTED: "Retracted by the program",
    ProposalState.LAPSED: "No longer open (the application closed)",
}


class PlacementStep(StrEnum):
    """The steps of a placement change as they appear in the application's history (next to the
    state machine's actions); none of them changes the application's state by itself."""

    PROPOSE = "propose_placement"
    ACCEPT = "accept_placement"
    DECLINE = "decline_placement"
    RETRACT = "retract_placement"


STEP_LABELS: dict[PlacementStep, str] = {
    PlacementStep.PROPOSE: "Alternative placement proposed",
    PlacementStep.ACCEPT: "Alternative placement accepted",
    PlacementStep.DECLINE: "Alternative placement declined",
    PlacementStep.RETRACT: "Proposal retracted",
}

# Applications a change can be proposed for: asked for or holding their blocks, the rotation not yet
# begun. A draft is the visitor's own to edit; an active rotation has begun; the rest are closed.
PROPOSABLE_STATES = frozenset(
    {
        AppState.SUBMITTED,
        AppState.UNDER_REVIEW,
        AppState.RESUBMISSION_REQUESTED,
        AppState.WAITLISTED,
        AppState.OFFER_MADE,
        AppState.OFFER_ACCEPTED,
        AppState.ENROLLED,
    }
)

# How many alternatives one proposal may offer: enough to give a real choice, few enough to read.
MAX_OPTIONS = 5


@dataclass(frozen=True)
class NewOption:
    """One alternative: a program and the consecutive blocks of it the visitor would take instead."""

    program_id: int
    block_ids: tuple[int, ...]


@dataclass(frozen=True)
class Option(NewOption):
    id: int


@dataclass(frozen=True)
class Proposal:
    """A coordinator's question to a visitor: "this placement cannot take place; would you take one
    of these instead?", and the visitor's answer once given."""

    id: int
    application_id: int
    coordinator_id: int
    reason: str
    state: ProposalState
    created_at: datetime
    answered_at: datetime | None
    chosen_option_id: int | None
    options: tuple[Option, ...]

    def option(self, option_id: int) -> Option | None:
        """The proposal's option ``option_id``, if it is one of them."""
        return next((o for o in self.options if o.id == option_id), None)


def check_option_blocks(
    blocks: list[Block], program_id: int, wanted: tuple[int, ...], today: date, *, need_seat: bool = True
) -> None:
    """Raise unless ``blocks`` (those found of ``wanted``) are open, future, consecutive blocks of
    ``program_id`` (with a seat free, if ``need_seat``): an alternative the visitor could take."""
    known = {b.id: b for b in blocks if b.program_id == program_id}
    missing = [bid for bid in wanted if bid not in known]
    if missing:
        raise Invalid(f"Block {missing[0]} is not a block of program {program_id}.", field="options")
    check_stack([known[bid].start_date for bid in wanted])
    for bid in wanted:
        block = known[bid]
        if block.closed_at is not None:
            raise Invalid(
                f"The block starting {human_day(block.start_date)} is closed itself.", field="options"
            )
        if block.start_date <= today:
            raise Invalid(
                f"The block starting {human_day(block.start_date)} has already begun.", field="options"
            )
        if need_seat and block.seats_held >= block.capacity:
            raise Invalid(
                f"The block starting {human_day(block.start_date)} has no seat free.", field="options"
            )


def check_distinct(options: list[NewOption], current: NewOption) -> None:
    """Raise if an option repeats another or the placement it replaces."""
    seen = {(current.program_id, frozenset(current.block_ids))}
    for option in options:
        key = (option.program_id, frozenset(option.block_ids))
        if key in seen:
            raise Invalid(
                "Each alternative must differ from the others and from the current placement.",
                field="options",
            )
        seen.add(key)
