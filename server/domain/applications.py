"""The application state machine (after VSLO) and who may move an application along it.

draft -> submitted -> under_review <-> resubmission_requested
under_review -> offer_made | waitlisted | denied | ineligible
offer_made -> offer_accepted | offer_declined | offer_expired
offer_accepted -> enrolled (documents verified) -> active -> completed | withdrawn | dismissed

Nothing about a visitor's placement changes without their consent: only the visitor accepts,
declines or withdraws.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from server.domain.errors import Conflict, Forbidden
from server.domain.vocab import Role

if TYPE_CHECKING:
    from server.domain.placements import PlacementStep


class AppState(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    UNDER_REVIEW = "under_review"
    RESUBMISSION_REQUESTED = "resubmission_requested"
    OFFER_MADE = "offer_made"
    WAITLISTED = "waitlisted"
    DENIED = "denied"
    INELIGIBLE = "ineligible"
    OFFER_ACCEPTED = "offer_accepted"
    OFFER_DECLINED = "offer_declined"
    OFFER_EXPIRED = "offer_expired"
    ENROLLED = "enrolled"
    ACTIVE = "active"
    COMPLETED = "completed"
    WITHDRAWN = "withdrawn"
    DISMISSED = "dismissed"


class Action(StrEnum):
    """What a person (or the system clock) does to an application."""

    SUBMIT = "submit"
    START_REVIEW = "start_review"
    REQUEST_RESUBMISSION = "request_resubmission"
    RESUBMIT = "resubmit"
    MAKE_OFFER = "make_offer"
    WAITLIST = "waitlist"
    DENY = "deny"
    MARK_INELIGIBLE = "mark_ineligible"
    ACCEPT_OFFER = "accept_offer"
    DECLINE_OFFER = "decline_offer"
    EXPIRE_OFFER = "expire_offer"
    ENROLL = "enroll"
    ACTIVATE = "activate"
    COMPLETE = "complete"
    WITHDRAW = "withdraw"
    DISMISS = "dismiss"


# Who performs an action; SYSTEM is the clock (offer expiry, start dates).
SYSTEM = "system"


@dataclass(frozen=True)
class Transition:
    action: Action
    sources: frozenset[AppState]
    target: AppState
    actors: frozenset[str]


def _t(action: Action, sources: set[AppState], target: AppState, actors: set[str]) -> Transition:
    return Transition(action, frozenset(sources), target, frozenset(actors))


_S = AppState
_VISITOR = {Role.VISITOR.value}
_COORD = {Role.COORDINATOR.value}

TRANSITIONS: dict[Action, Transition] = {
    t.action: t
    for t in [
        _t(Action.SUBMIT, {_S.DRAFT}, _S.SUBMITTED, _VISITOR),
        _t(Action.START_REVIEW, {_S.SUBMITTED}, _S.UNDER_REVIEW, _COORD),
        _t(Action.REQUEST_RESUBMISSION, {_S.UNDER_REVIEW}, _S.RESUBMISSION_REQUESTED, _COORD),
        _t(Action.RESUBMIT, {_S.RESUBMISSION_REQUESTED}, _S.UNDER_REVIEW, _VISITOR),
        _t(Action.MAKE_OFFER, {_S.UNDER_REVIEW, _S.WAITLISTED}, _S.OFFER_MADE, _COORD),
        _t(Action.WAITLIST, {_S.UNDER_REVIEW}, _S.WAITLISTED, _COORD),
        _t(Action.DENY, {_S.UNDER_REVIEW, _S.WAITLISTED}, _S.DENIED, _COORD),
        _t(Action.MARK_INELIGIBLE, {_S.UNDER_REVIEW}, _S.INELIGIBLE, _COORD),
        _t(Action.ACCEPT_OFFER, {_S.OFFER_MADE}, _S.OFFER_ACCEPTED, _VISITOR),
        _t(Action.DECLINE_OFFER, {_S.OFFER_MADE}, _S.OFFER_DECLINED, _VISITOR),
        _t(Action.EXPIRE_OFFER, {_S.OFFER_MADE}, _S.OFFER_EXPIRED, {SYSTEM}),
        _t(Action.ENROLL, {_S.OFFER_ACCEPTED}, _S.ENROLLED, _COORD),
        _t(Action.ACTIVATE, {_S.ENROLLED}, _S.ACTIVE, {SYSTEM, *_COORD}),
        _t(Action.COMPLETE, {_S.ACTIVE}, _S.COMPLETED, _COORD),
        _t(
            Action.WITHDRAW,
            {
                _S.DRAFT,
                _S.SUBMITTED,
                _S.UNDER_REVIEW,
                _S.RESUBMISSION_REQUESTED,
                _S.WAITLISTED,
                _S.OFFER_ACCEPTED,
                _S.ENROLLED,
                _S.ACTIVE,
            },
            _S.WITHDRAWN,
            _VISITOR,
        ),
        _t(Action.DISMISS, {_S.ENROLLED, _S.ACTIVE}, _S.DISMISSED, _COORD),
    ]
}

# States in which the application holds a seat in each of its blocks.
SEAT_HOLDING_STATES = frozenset({_S.OFFER_MADE, _S.OFFER_ACCEPTED, _S.ENROLLED, _S.ACTIVE})

# The enrollment states: the visitor was enrolled and was neither withdrawn nor dismissed. The
# enrollment's records stand in these (encounters, case logs, presentations, evaluations, letter
# requests, the certificate), including after the rotation is completed.
ENROLLED_STATES = frozenset({_S.ENROLLED, _S.ACTIVE, _S.COMPLETED})

# The enrollment states of a rotation still under way (not yet completed): the visitor can be invited
# to a visit and join it.
UNDER_WAY_STATES = frozenset({_S.ENROLLED, _S.ACTIVE})

# States in which the visitor can no longer change anything.
FINAL_STATES = frozenset(
    {
        _S.DENIED,
        _S.INELIGIBLE,
        _S.OFFER_DECLINED,
        _S.OFFER_EXPIRED,
        _S.COMPLETED,
        _S.WITHDRAWN,
        _S.DISMISSED,
    }
)

STATE_LABELS: dict[AppState, str] = {
    _S.DRAFT: "Draft",
    _S.SUBMITTED: "Submitted",
    _S.UNDER_REVIEW: "Under review",
    _S.RESUBMISSION_REQUESTED: "Changes requested",
    _S.OFFER_MADE: "Offer made",
    _S.WAITLISTED: "Waitlisted",
    _S.DENIED: "Not offered",
    _S.INELIGIBLE: "Ineligible",
    _S.OFFER_ACCEPTED: "Offer accepted",
    _S.OFFER_DECLINED: "Offer declined",
    _S.OFFER_EXPIRED: "Offer expired",
    _S.ENROLLED: "Enrolled",
    _S.ACTIVE: "Active",
    _S.COMPLETED: "Completed",
    _S.WITHDRAWN: "Withdrawn",
    _S.DISMISSED: "Dismissed",
}


# How each action reads in a sentence: "A visitor cannot {phrase} an application."
ACTION_PHRASES: dict[Action, str] = {
    Action.SUBMIT: "submit",
    Action.START_REVIEW: "start the review of",
    Action.REQUEST_RESUBMISSION: "request changes to",
    Action.RESUBMIT: "resubmit",
    Action.MAKE_OFFER: "make an offer on",
    Action.WAITLIST: "waitlist",
    Action.DENY: "deny",
    Action.MARK_INELIGIBLE: "mark as ineligible",
    Action.ACCEPT_OFFER: "accept the offer of",
    Action.DECLINE_OFFER: "decline the offer of",
    Action.EXPIRE_OFFER: "expire the offer of",
    Action.ENROLL: "enroll",
    Action.ACTIVATE: "start the rotation of",
    Action.COMPLETE: "complete",
    Action.WITHDRAW: "withdraw",
    Action.DISMISS: "dismiss",
}


def plan_transition(current: AppState, action: Action, actor: str) -> AppState:
    """Return the state ``action`` leads to, or raise if the actor or the current state forbids it.

    ``actor`` is a role value or :data:`SYSTEM`. A role that never performs the action gets
    :class:`Forbidden`; a legal actor at the wrong moment gets :class:`Conflict` naming both states.
    """
    transition = TRANSITIONS[action]
    if actor not in transition.actors:
        raise Forbidden(f"A {actor} cannot {ACTION_PHRASES[action]} an application.")
    if current not in transition.sources:
        allowed = ", ".join(sorted(STATE_LABELS[s] for s in transition.sources))
        raise Conflict(
            f"Cannot {ACTION_PHRASES[action]} this application: it is "
            f"'{STATE_LABELS[current]}' and this is only possible from: {allowed}."
        )
    return transition.target


def actions_available(current: AppState, actor: str) -> list[Action]:
    """The actions ``actor`` may take on an application in ``current`` (for buttons in pages)."""
    return [
        t.action
        for t in TRANSITIONS.values()
        if current in t.sources and actor in t.actors and actor != SYSTEM
    ]


@dataclass(frozen=True)
class NewApplication:
    """A visitor's new application (a draft) to a program."""

    visitor_id: int
    program_id: int
    statement: str
    at: datetime


@dataclass(frozen=True)
class Application:
    """An application as kept: who applied to which program, where it stands, and its times."""

    id: int
    visitor_id: int
    program_id: int
    state: AppState
    statement: str
    decision_note: str | None
    created_at: datetime
    updated_at: datetime
    submitted_at: datetime | None
    offer_expires_at: datetime | None


@dataclass(frozen=True)
class ApplicationEvent:
    """One transition of an application: what was done, from and to which state, by whom (None:
    the system) and why."""

    application_id: int
    action: Action | PlacementStep
    from_state: AppState
    to_state: AppState
    actor_id: int | None
    note: str | None
    at: datetime
