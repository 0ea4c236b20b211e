"""Staff by invitation (:mod:`server.domain.invitations`): a coordinator invites a preceptor or a
coordinator to one of their programs, lists and revokes the invitations; the invited person accepts
by the mailed link, creating their account or with the one they have. ``rounds user create`` stays
the way to make the first coordinator.
"""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy.exc import IntegrityError

from server.db.uow import UnitOfWork
from server.domain.accounts import User
from server.domain.actors import Actor
from server.domain.dates import check_time_zone, zone_of
from server.domain.errors import Conflict, Invalid, NotFound, TooManyRequests
from server.domain.invitations import (
    INVITATION_LIFETIME,
    INVITATIONS_PER_DAY,
    InvitationState,
    StaffInvitation,
    check_account_fits,
    check_may_invite,
    check_staff_role,
    check_usable,
)
from server.domain.mail import MailKind
from server.domain.programs import Program
from server.domain.vocab import Role
from server.schemas.invitations import (
    InvitationIn,
    InvitationJoinIn,
    InvitationLookOut,
    InvitationOut,
    StaffRole,
)
from server.services import accounts, mail
from server.services.mail import MailSetup

ROLE_WORDS = {Role.PRECEPTOR: "preceptor", Role.COORDINATOR: "coordinator"}


async def _program_to_staff(uow: UnitOfWork, actor: Actor, program_id: int) -> Program:
    program = await uow.programs.get(program_id)
    if program is None:
        raise NotFound(f"There is no program {program_id}.")
    check_may_invite(actor.role, actor.user_id, program)
    return program


async def _outs(uow: UnitOfWork, invitations: Sequence[StaffInvitation]) -> list[InvitationOut]:
    names = await uow.users.by_ids([i.invited_by for i in invitations])
    now = uow.now()
    return [
        InvitationOut(
            id=i.id,
            program_id=i.program_id,
            email=i.email,
            role=StaffRole(i.role.value),
            state=i.state(now),
            invited_by_name=names[i.invited_by].full_name if i.invited_by in names else "",
            created_at=i.created_at,
            expires_at=i.expires_at,
            accepted_at=i.accepted_at,
            revoked_at=i.revoked_at,
        )
        for i in invitations
    ]


async def invite(
    uow: UnitOfWork,
    actor: Actor,
    program_id: int,
    data: InvitationIn,
    setup: MailSetup,
    *,
    browser_hash: str | None,
) -> InvitationOut:
    """Invite ``data.email`` to the program as ``data.role`` and mail the link (a pending invitation
    of the same address to the program is replaced). Only a coordinator of the program (403)."""
    role = Role(data.role.value)
    check_staff_role(role)
    email = data.email.strip().lower()
    async with uow:
        program = await _program_to_staff(uow, actor, program_id)
        now = uow.now()
        if await uow.staff_invitations.count_sent_since(actor.user_id, now - timedelta(days=1)) >= (
            INVITATIONS_PER_DAY
        ):
            raise TooManyRequests(
                f"You sent {INVITATIONS_PER_DAY} invitations in the last day: try again tomorrow.",
                retry_after_seconds=3600,
            )
        await uow.staff_invitations.revoke_pending(program.id, email, now)
        token = secrets.token_urlsafe(32)
        invitation = await uow.staff_invitations.add(
            token_hash=accounts.token_hash(token),
            program_id=program.id,
            role=role,
            email=email,
            invited_by=actor.user_id,
            at=now,
            expires_at=now + INVITATION_LIFETIME,
        )
        # Times in the mail in the invited person's zone if they have an account (else UTC).
        existing = await uow.users.by_email(email)
        composed = mail.compose(
            MailKind.STAFF_INVITATION,
            email,
            {
                "inviter": actor.full_name,
                "program": program.title,
                "role": ROLE_WORDS[role],
                "link": f"{setup.base_url}/invitation/{token}",
                "expires_at": invitation.expires_at,
            },
            setup,
            zone=None if existing is None else zone_of(existing.time_zone),
        )
        await mail.enqueue(uow, composed, setup, browser_hash=browser_hash)
        [out] = await _outs(uow, [invitation])
        await uow.commit()
        return out


@dataclass(frozen=True)
class StaffPage:
    """A program's staff as its coordinators manage it: who teaches and runs it, and the invitations."""

    program: Program
    coordinators: list[User]
    preceptors: list[User]
    invitations: list[InvitationOut]


async def staff_page(uow: UnitOfWork, actor: Actor, program_id: int) -> StaffPage:
    """The program's staff and invitations (its coordinators only)."""
    async with uow:
        program = await _program_to_staff(uow, actor, program_id)
        preceptor_ids = (await uow.programs.preceptor_ids([program.id]))[program.id]
        coordinator_ids = [program.coordinator_id, *program.co_coordinator_ids]
        users = await uow.users.by_ids([*preceptor_ids, *coordinator_ids])
        return StaffPage(
            program=program,
            coordinators=[users[i] for i in coordinator_ids if i in users],
            preceptors=[users[i] for i in preceptor_ids if i in users],
            invitations=await _outs(uow, await uow.staff_invitations.of_program(program.id)),
        )


async def list_invitations(uow: UnitOfWork, actor: Actor, program_id: int) -> list[InvitationOut]:
    """The program's invitations with their states, newest first (its coordinators only)."""
    async with uow:
        program = await _program_to_staff(uow, actor, program_id)
        return await _outs(uow, await uow.staff_invitations.of_program(program.id))


async def revoke(uow: UnitOfWork, actor: Actor, program_id: int, invitation_id: int) -> InvitationOut:
    """Withdraw a pending invitation (its link stops working); 409 once used, revoked or expired."""
    async with uow:
        program = await _program_to_staff(uow, actor, program_id)
        invitation = await uow.staff_invitations.get(invitation_id)
        if invitation is None or invitation.program_id != program.id:
            raise NotFound(f"There is no invitation {invitation_id} to this program.")
        state = invitation.state(uow.now())
        if state is not InvitationState.PENDING or not await uow.staff_invitations.revoke(
            invitation.id, uow.now()
        ):
            raise Conflict(f"This invitation is {state.value}: only a pending one can be withdrawn.")
        changed = await uow.staff_invitations.get(invitation.id)
        assert changed is not None
        [out] = await _outs(uow, [changed])
        await uow.commit()
        return out


async def _usable(uow: UnitOfWork, token: str) -> StaffInvitation:
    found = (
        await uow.staff_invitations.by_hash_for_update(accounts.token_hash(token))
        if len(token) <= 128
        else None
    )
    return check_usable(found, uow.now())


async def look(uow: UnitOfWork, token: str) -> InvitationLookOut:
    """What the holder of an invitation's link is invited to, and whether its address has an account;
    Invalid, saying why, when the link cannot be used (nothing is spent by looking)."""
    async with uow:
        invitation = await _usable(uow, token)
        program = await uow.programs.get(invitation.program_id)
        inviter = await uow.users.get(invitation.invited_by)
        existing = await uow.users.by_email(invitation.email)
        return InvitationLookOut(
            program_title="" if program is None else program.title,
            role=StaffRole(invitation.role.value),
            email=invitation.email,
            invited_by_name="" if inviter is None else inviter.full_name,
            expires_at=invitation.expires_at,
            has_account=existing is not None,
        )


async def _join_program(uow: UnitOfWork, invitation: StaffInvitation, user_id: int) -> None:
    if invitation.role is Role.PRECEPTOR:
        await uow.programs.add_preceptor(invitation.program_id, user_id)
    else:
        await uow.programs.add_coordinator(invitation.program_id, user_id)
    if not await uow.staff_invitations.accept(invitation.id, user_id, uow.now()):
        raise Invalid("This invitation has already been used: each invitation works once.")


async def accept(uow: UnitOfWork, actor: Actor, token: str) -> int:
    """The logged-in person accepts an invitation sent to their address for their role: they join the
    program's staff. Returns the program's id."""
    async with uow:
        invitation = await _usable(uow, token)
        check_account_fits(invitation, actor.email, actor.role)
        await _join_program(uow, invitation, actor.user_id)
        await uow.commit()
        return invitation.program_id


async def join(uow: UnitOfWork, data: InvitationJoinIn) -> int:
    """Accept an invitation by creating the invited address's account (its email counts as verified:
    the link proved it) with the invitation's role, in the program's staff. Conflict when the address
    has an account already (log in and :func:`accept` instead). Returns the program's id."""
    accounts.check_password_strength(data.password)
    if data.password != data.password_again:
        raise Invalid("The two passwords are not the same.", field="password_again")
    zone = None if data.time_zone is None else check_time_zone(data.time_zone)
    password_hash = await asyncio.to_thread(accounts.hash_password, data.password)
    taken = Conflict(
        "An account has this address already: log in with it, then open the invitation again to accept."
    )
    async with uow:
        invitation = await _usable(uow, data.token)
        if await uow.users.by_email(invitation.email) is not None:
            raise taken
        user = await accounts.create_user(
            uow,
            email=invitation.email,
            password=data.password,
            role=invitation.role,
            full_name=data.full_name,
            verified=True,
            password_hash=password_hash,
            time_zone=zone,
        )
        await _join_program(uow, invitation, user.id)
        try:
            await uow.commit()
        except IntegrityError:
            raise taken from None  # the address signed up in the same instant (PostgreSQL)
        return invitation.program_id
