"""API types of staff invitations: inviting a preceptor or a coordinator to a program, the list a
coordinator sees, and accepting by the mailed link."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import Field

from server.domain.invitations import InvitationState
from server.schemas.accounts import LinkToken, Password, TimeZoneName
from server.schemas.base import Email, Input, Name, Output


class StaffRole(StrEnum):
    """The roles an invitation can give."""

    PRECEPTOR = "preceptor"
    COORDINATOR = "coordinator"


class InvitationIn(Input):
    email: Email
    role: StaffRole


class InvitationOut(Output):
    id: int
    program_id: int
    email: str
    role: StaffRole
    state: InvitationState
    invited_by_name: str
    created_at: datetime
    expires_at: datetime
    accepted_at: datetime | None
    revoked_at: datetime | None


class InvitationLookOut(Output):
    """What the holder of an invitation's link is shown before accepting."""

    program_title: str
    role: StaffRole
    email: str
    invited_by_name: str
    expires_at: datetime
    has_account: bool = Field(
        description="Whether an account has the invited address (then: log in and accept)."
    )


class InvitationTokenIn(Input):
    token: LinkToken


class InvitationJoinIn(Input):
    """Accepting with no account yet: the account is made for the invited address (counted as
    verified: the link proved it)."""

    token: LinkToken
    full_name: Name
    password: Password
    password_again: Password
    time_zone: TimeZoneName | None = None
