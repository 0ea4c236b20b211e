"""The application state machine: who may move an application, from where, to where.

The expected table below is written out by hand from domain.md (after VSLO), so a change to
``TRANSITIONS`` that drifts from the documented machine fails here instead of passing by
construction."""

from __future__ import annotations

import pytest

from server.domain.applications import (
    ACTION_PHRASES,
    SEAT_HOLDING_STATES,
    STATE_LABELS,
    SYSTEM,
    TRANSITIONS,
    Action,
    AppState,
    actions_available,
    plan_transition,
)
from server.domain.errors import Conflict, Forbidden

S = AppState
A = Action
VISITOR, COORDINATOR, PRECEPTOR = "visitor", "coordinator", "preceptor"
EVERYONE = (VISITOR, COORDINATOR, PRECEPTOR, SYSTEM)

# (action, from, to, who may do it)
EXPECTED: list[tuple[Action, AppState, AppState, set[str]]] = [
    (A.SUBMIT, S.DRAFT, S.SUBMITTED, {VISITOR}),
    (A.START_REVIEW, S.SUBMITTED, S.UNDER_REVIEW, {COORDINATOR}),
    (A.REQUEST_RESUBMISSION, S.UNDER_REVIEW, S.RESUBMISSION_REQUESTED, {COORDINATOR}),
    (A.RESUBMIT, S.RESUBMISSION_REQUESTED, S.UNDER_REVIEW, {VISITOR}),
    (A.MAKE_OFFER, S.UNDER_REVIEW, S.OFFER_MADE, {COORDINATOR}),
    (A.MAKE_OFFER, S.WAITLISTED, S.OFFER_MADE, {COORDINATOR}),
    (A.WAITLIST, S.UNDER_REVIEW, S.WAITLISTED, {COORDINATOR}),
    (A.DENY, S.UNDER_REVIEW, S.DENIED, {COORDINATOR}),
    (A.DENY, S.WAITLISTED, S.DENIED, {COORDINATOR}),
    (A.MARK_INELIGIBLE, S.UNDER_REVIEW, S.INELIGIBLE, {COORDINATOR}),
    (A.ACCEPT_OFFER, S.OFFER_MADE, S.OFFER_ACCEPTED, {VISITOR}),
    (A.DECLINE_OFFER, S.OFFER_MADE, S.OFFER_DECLINED, {VISITOR}),
    (A.EXPIRE_OFFER, S.OFFER_MADE, S.OFFER_EXPIRED, {SYSTEM}),
    (A.ENROLL, S.OFFER_ACCEPTED, S.ENROLLED, {COORDINATOR}),
    (A.ACTIVATE, S.ENROLLED, S.ACTIVE, {COORDINATOR, SYSTEM}),
    (A.COMPLETE, S.ACTIVE, S.COMPLETED, {COORDINATOR}),
    (A.DISMISS, S.ENROLLED, S.DISMISSED, {COORDINATOR}),
    (A.DISMISS, S.ACTIVE, S.DISMISSED, {COORDINATOR}),
    *[
        (A.WITHDRAW, source, S.WITHDRAWN, {VISITOR})
        for source in (
            S.DRAFT,
            S.SUBMITTED,
            S.UNDER_REVIEW,
            S.RESUBMISSION_REQUESTED,
            S.WAITLISTED,
            S.OFFER_ACCEPTED,
            S.ENROLLED,
            S.ACTIVE,
        )
    ],
]
LEGAL = {(action, source) for action, source, _, _ in EXPECTED}


def test_the_table_matches_the_documented_machine() -> None:
    actual = {
        (t.action, source, t.target, frozenset(t.actors))
        for t in TRANSITIONS.values()
        for source in t.sources
    }
    expected = {(a, s, t, frozenset(who)) for a, s, t, who in EXPECTED}
    assert actual == expected


@pytest.mark.parametrize(
    ("action", "source", "target", "who"),
    EXPECTED,
    ids=[f"{a.value}-from-{s.value}" for a, s, _, _ in EXPECTED],
)
def test_every_legal_transition_for_each_allowed_actor_and_no_other(
    action: Action, source: AppState, target: AppState, who: set[str]
) -> None:
    for actor in who:
        assert plan_transition(source, action, actor) is target
    for actor in set(EVERYONE) - who:
        with pytest.raises(Forbidden) as refused:
            plan_transition(source, action, actor)
        assert actor in refused.value.message
        assert refused.value.status == 403


ILLEGAL_SAMPLE = [
    (A.SUBMIT, S.SUBMITTED, VISITOR),
    (A.SUBMIT, S.WITHDRAWN, VISITOR),
    (A.ACCEPT_OFFER, S.UNDER_REVIEW, VISITOR),
    (A.ACCEPT_OFFER, S.OFFER_EXPIRED, VISITOR),
    (A.ACCEPT_OFFER, S.OFFER_ACCEPTED, VISITOR),
    (A.DECLINE_OFFER, S.ENROLLED, VISITOR),
    (A.WITHDRAW, S.OFFER_MADE, VISITOR),
    (A.WITHDRAW, S.COMPLETED, VISITOR),
    (A.WITHDRAW, S.DENIED, VISITOR),
    (A.RESUBMIT, S.UNDER_REVIEW, VISITOR),
    (A.START_REVIEW, S.DRAFT, COORDINATOR),
    (A.MAKE_OFFER, S.SUBMITTED, COORDINATOR),
    (A.MAKE_OFFER, S.OFFER_MADE, COORDINATOR),
    (A.MAKE_OFFER, S.DENIED, COORDINATOR),
    (A.ENROLL, S.OFFER_MADE, COORDINATOR),
    (A.ENROLL, S.ENROLLED, COORDINATOR),
    (A.COMPLETE, S.ENROLLED, COORDINATOR),
    (A.DISMISS, S.OFFER_ACCEPTED, COORDINATOR),
    (A.WAITLIST, S.WAITLISTED, COORDINATOR),
    (A.EXPIRE_OFFER, S.OFFER_ACCEPTED, SYSTEM),
    (A.ACTIVATE, S.OFFER_ACCEPTED, SYSTEM),
]


@pytest.mark.parametrize(("action", "current", "actor"), ILLEGAL_SAMPLE)
def test_an_illegal_transition_is_a_conflict_naming_both_states(
    action: Action, current: AppState, actor: str
) -> None:
    assert (action, current) not in LEGAL
    with pytest.raises(Conflict) as refused:
        plan_transition(current, action, actor)
    message = refused.value.message
    assert refused.value.status == 409
    assert f"'{STATE_LABELS[current]}'" in message
    for source in TRANSITIONS[action].sources:
        assert STATE_LABELS[source] in message
    assert ACTION_PHRASES[action] in message


def test_every_illegal_state_is_refused_for_the_allowed_actor() -> None:
    for action, transition in TRANSITIONS.items():
        actor = sorted(transition.actors)[0]
        for state in set(AppState) - transition.sources:
            with pytest.raises(Conflict):
                plan_transition(state, action, actor)


def test_the_wrong_role_is_forbidden_even_in_the_wrong_state() -> None:
    # Role first: a visitor learns nothing about the state from a coordinator-only action.
    with pytest.raises(Forbidden):
        plan_transition(S.COMPLETED, A.MAKE_OFFER, VISITOR)
    with pytest.raises(Forbidden):
        plan_transition(S.DRAFT, A.ACCEPT_OFFER, COORDINATOR)


def test_nothing_leaves_a_final_state() -> None:
    final = {S.DENIED, S.INELIGIBLE, S.OFFER_DECLINED, S.OFFER_EXPIRED, S.COMPLETED, S.WITHDRAWN, S.DISMISSED}
    for state in final:
        for actor in EVERYONE:
            assert actions_available(state, actor) == []
        assert not any(state in t.sources for t in TRANSITIONS.values())


def test_actions_available_are_the_buttons_of_each_role() -> None:
    assert set(actions_available(S.DRAFT, VISITOR)) == {A.SUBMIT, A.WITHDRAW}
    assert set(actions_available(S.OFFER_MADE, VISITOR)) == {A.ACCEPT_OFFER, A.DECLINE_OFFER}
    assert actions_available(S.OFFER_MADE, COORDINATOR) == []
    assert set(actions_available(S.UNDER_REVIEW, COORDINATOR)) == {
        A.REQUEST_RESUBMISSION,
        A.MAKE_OFFER,
        A.WAITLIST,
        A.DENY,
        A.MARK_INELIGIBLE,
    }
    assert set(actions_available(S.ENROLLED, COORDINATOR)) == {A.ACTIVATE, A.DISMISS}
    for state in AppState:
        assert actions_available(state, PRECEPTOR) == []
        assert actions_available(state, SYSTEM) == []


def test_seats_are_held_from_offer_to_the_end_of_the_rotation() -> None:
    assert {S.OFFER_MADE, S.OFFER_ACCEPTED, S.ENROLLED, S.ACTIVE} == SEAT_HOLDING_STATES
    assert set(STATE_LABELS) == set(AppState)
