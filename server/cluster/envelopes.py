"""What nodes say to each other over their Redis inboxes: one JSON envelope per message, validated on
arrival like any other input (a malformed one is logged and dropped, never acted on).

* ``attach`` (edge -> room node): a participant's WebSocket arrived at the edge node, which has already
  authorized them (``grant``); the room node starts serving them.
* ``frame``: one signaling message, either way.
* ``close`` (edge -> room node): the participant's WebSocket closed.
* ``closed`` (room node -> edge): the room is done with this participant; close their WebSocket.
  ``moved`` set: the room moved off a draining node, so the browser should reconnect at once.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from server.domain.visits import JoinGrant


class GrantData(BaseModel):
    """A :class:`JoinGrant`, as it travels."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    visit_id: int = Field(ge=1)
    participant_id: str = Field(min_length=1, max_length=80)
    role: str = Field(min_length=1, max_length=20)
    display_name: str = Field(max_length=200)
    room_kind: str = Field(min_length=1, max_length=20)
    observer: bool
    user_id: int | None = None  # None for a patient (no account)

    @classmethod
    def of(cls, grant: JoinGrant) -> GrantData:
        return cls(
            visit_id=grant.visit_id,
            participant_id=grant.participant_id,
            role=grant.role,
            display_name=grant.display_name,
            room_kind=grant.room_kind,
            observer=grant.observer,
            user_id=grant.user_id,
        )

    def grant(self) -> JoinGrant:
        return JoinGrant(**self.model_dump())


class Envelope(BaseModel):
    """One message between two nodes about one relayed connection (``conn``)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: Literal["attach", "frame", "close", "closed"]
    conn: str = Field(min_length=1, max_length=120)
    origin: str = Field(min_length=1, max_length=120, description="The node that sent it.")
    frame: str | None = Field(default=None, max_length=256 * 1024)
    grant: GrantData | None = None
    moved: bool = False

    def encode(self) -> str:
        """The envelope as it is published (fields left at None are left out)."""
        return self.model_dump_json(exclude_none=True)
