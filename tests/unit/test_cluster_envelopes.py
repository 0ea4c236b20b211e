"""What nodes publish to each other comes back as it was sent, for every kind of participant."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from server.cluster.envelopes import Envelope, GrantData
from server.domain.visits import JoinGrant


@pytest.mark.parametrize(
    ("role", "user_id"), [("host", 3), ("visitor", 7), ("patient", None)], ids=["host", "visitor", "patient"]
)
def test_an_attach_envelope_survives_the_trip_for_every_role(role: str, user_id: int | None) -> None:
    """Regression: a patient's grant (no user id) lost its user_id field on the way and was dropped as
    malformed, so a patient whose WebSocket reached another node than the room's never joined."""
    grant = JoinGrant(
        visit_id=4,
        participant_id=f"{role}-1",
        role=role,
        display_name="Patient" if user_id is None else "Someone",
        room_kind="patient_visit",
        observer=False,
        user_id=user_id,
    )
    sent = Envelope(kind="attach", conn="node-a/1f", origin="node-a", grant=GrantData.of(grant))
    received = Envelope.model_validate_json(sent.encode())
    assert received == sent and received.grant is not None and received.grant.grant() == grant


def test_a_malformed_envelope_is_refused() -> None:
    for raw in ('{"kind": "attach"}', '{"kind": "explode", "conn": "x", "origin": "y"}', "[]", "not json"):
        with pytest.raises(ValidationError):
            Envelope.model_validate_json(raw)
