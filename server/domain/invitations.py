"""Staff by invitation: a coordinator of a program invites a preceptor or another coordinator to it by
email; the mailed link creates the invited person's account with that role, or links an account they
have, and makes them one of the program's staff.

An invitation works once, for :data:`INVITATION_LIFETIME`, and can be revoked while pending. Only a
coordinator of the program invites (no one gains a program they do not run, and a preceptor invites
nobody); an account is never given another role by an invitation.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from server.domain.errors import Forbidden, Invalid
from server.domain.programs import Program
from server.domain.vocab import Role

INVITATION_LIFETIME = timedelta(days=7)
#: Invitations one coordinator may send per day: plenty for staffing programs, not a way to mail
#: strangers in bulk from Rounds' address.
INVITATIONS_PER_DAY = 50
#: The roles an invitation can give.
STAFF_ROLES = frozenset({Role.PRECEPTOR, Role.COORDINATOR})


class InvitationState(StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    REVOKED = "revoked"
    EXPIRED = "expired"


@dataclass(frozen=True, slots=True)
class StaffInvitation:
    """An invitation as kept (the link's token itself is only in the email)."""

    id: int
    program_id: int
    role: Role
    email: str
    invited_by: int
    created_at: datetime
    expires_at: datetime
    accepted_at: datetime | None = None
    accepted_by: int | None = None
    revoked_at: datetime | None = None

    def state(self, now: datetime) -> InvitationState:
        """Where the invitation stands at ``now``."""
        if self.accepted_at is not None:
            return InvitationState.ACCEPTED
        if self.revoked_at is not None:
            return InvitationState.REVOKED
        if self.expires_at <= now:
            return InvitationState.EXPIRED
        return InvitationState.PENDING


STATE_PROBLEMS: dict[InvitationState, str] = {
    InvitationState.ACCEPTED: "This invitation has already been used: each invitation works once.",
    InvitationState.REVOKED: (
        "This invitation was withdrawn by the program. Ask its coordinator for a new one."
    ),
    InvitationState.EXPIRED: "This invitation has expired. Ask the program's coordinator for a new one.",
}
UNKNOWN_LINK = "This invitation link is not valid. Check that you opened the whole link from the email."


def check_may_invite(actor_role: Role, actor_id: int, program: Program) -> None:
    """Forbidden unless the actor is a coordinator of ``program``: the one rule of who invites."""
    if actor_role is not Role.COORDINATOR or not program.is_run_by(actor_id):
        raise Forbidden("Only a coordinator of this program can invite its staff.")


def check_staff_role(role: Role) -> None:
    """Invalid unless an invitation can give ``role`` (preceptor or coordinator)."""
    if role not in STAFF_ROLES:
        raise Invalid("Invite a preceptor or a coordinator; visitors sign up themselves.", field="role")


def check_usable(invitation: StaffInvitation | None, now: datetime) -> StaffInvitation:
    """The invitation if it can still be accepted; Invalid, saying why, otherwise."""
    if invitation is None:
        raise Invalid(UNKNOWN_LINK)
    problem = STATE_PROBLEMS.get(invitation.state(now))
    if problem is not None:
        raise Invalid(problem)
    return invitation


def check_account_fits(invitation: StaffInvitation, email: str, role: Role) -> None:
    """Refuse to link an account that is not the invited one (Forbidden) or has another role (Invalid:
    an invitation never changes what an account is)."""
    if email.lower() != invitation.email:
        raise Forbidden(
            "This invitation was sent to another address. Log out, then open the link again and log in "
            "with the invited address (or create its account)."
        )
    if role is not invitation.role:
        raise Invalid(
            f"This invitation is for a {invitation.role.value}, and your account is a {role.value}'s. "
            "Ask the program's coordinator to invite another address of yours."
        )
