"""The rules of notifications: who each kind can reach and its defaults, a person's choices over the
defaults, the signed unsubscribe token, and when reminders fall due."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from server.domain.notifications import (
    KINDS,
    NotificationKind,
    effective,
    kinds_for,
    offer_reminder_due,
    read_unsubscribe_token,
    session_reminder_due,
    unsubscribe_key,
    unsubscribe_token,
)
from server.domain.vocab import Role

KEY = unsubscribe_key("a-secret-key-for-these-tests")


def test_every_kind_reaches_some_role_and_staff_queues_default_to_the_app_only() -> None:
    assert set(KINDS) == set(NotificationKind)
    reached = {kind for role in Role for kind in kinds_for(role)}
    assert reached == set(NotificationKind)
    assert kinds_for(Role.COORDINATOR) == [
        NotificationKind.DOCUMENT_TO_VERIFY,
        NotificationKind.MESSAGE_RECEIVED,
        NotificationKind.PLACEMENT_ANSWERED,
    ]
    assert set(kinds_for(Role.PRECEPTOR)) == {
        NotificationKind.SESSION_STARTING,
        NotificationKind.LETTER_REQUESTED,
        NotificationKind.PRESENTATION_TO_REVIEW,
        NotificationKind.MESSAGE_RECEIVED,
    }
    # A message reaches whoever takes part in a conversation; a placement's answer its coordinator.
    assert all(NotificationKind.MESSAGE_RECEIVED in kinds_for(role) for role in Role)
    assert KINDS[NotificationKind.MESSAGE_RECEIVED].email and KINDS[NotificationKind.PLACEMENT_ANSWERED].email
    for kind in (NotificationKind.DOCUMENT_TO_VERIFY, NotificationKind.PRESENTATION_TO_REVIEW):
        assert KINDS[kind].in_app and not KINDS[kind].email
    for kind in kinds_for(Role.VISITOR):  # what a visitor must act on comes by email too
        assert KINDS[kind].in_app and KINDS[kind].email


def test_a_choice_overrides_its_kinds_defaults_and_no_other() -> None:
    chosen = effective(Role.VISITOR, {NotificationKind.OFFER_MADE: (False, True)})
    assert (chosen[NotificationKind.OFFER_MADE].in_app, chosen[NotificationKind.OFFER_MADE].email) == (
        False,
        True,
    )
    assert (
        chosen[NotificationKind.APPLICATION_STATE].in_app and chosen[NotificationKind.APPLICATION_STATE].email
    )
    assert NotificationKind.DOCUMENT_TO_VERIFY not in chosen  # not a visitor's kind, whatever is stored
    assert NotificationKind.DOCUMENT_TO_VERIFY not in effective(
        Role.VISITOR, {NotificationKind.DOCUMENT_TO_VERIFY: (True, True)}
    )


def test_an_unsubscribe_token_names_its_person_and_kind_and_any_change_breaks_it() -> None:
    token = unsubscribe_token(KEY, 42, NotificationKind.OFFER_MADE)
    assert read_unsubscribe_token(KEY, token) == (42, NotificationKind.OFFER_MADE)
    assert token.isascii() and "/" not in token and "=" not in token  # it travels in a URL path
    user, kind, mac = token.split(".")
    assert read_unsubscribe_token(unsubscribe_key("another-key-entirely"), token) is None
    for forged in (
        f"43.{kind}.{mac}",
        f"{user}.application_state.{mac}",
        f"{user}.{kind}.{mac[:-1]}{'A' if mac[-1] != 'A' else 'B'}",
        f"{user}.{kind}",
        f"{user}.{kind}.{mac}.x",
        f"-1.{kind}.{mac}",
        f"٤٢.{kind}.{mac}",  # digits, but not ASCII ones
        f"{'9' * 11}.{kind}.{mac}",
        f"{user}.nothing.{mac}",
        "",
        "x" * 500,
    ):
        assert read_unsubscribe_token(KEY, forged) is None, forged


@pytest.mark.parametrize(
    "moment", [datetime(2026, 12, 1, 14, 0, tzinfo=UTC), datetime(2027, 3, 28, 1, 30, tzinfo=UTC)]
)
def test_reminders_fall_due_48_hours_before_an_offer_expires_and_an_hour_before_a_session(
    moment: datetime,
) -> None:
    assert offer_reminder_due(moment) == moment - timedelta(hours=48)
    assert session_reminder_due(moment) == moment - timedelta(hours=1)
