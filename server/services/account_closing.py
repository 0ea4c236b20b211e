"""Closing an account at its owner's request (README, "Accounts": what happens to what).

The account stays as a row, so that what others keep about it stays whole: the program's record of a
rotation (attendance, encounters, evaluations), signed letters and issued certificates (which anyone
can still verify by their code) keep the name they were written with. What goes: the login (every
browser logged out, the password can never match again), the email address (replaced by a
placeholder, so the address is free for a new account and a reset or a sign-up never finds the closed
one), open links, program memberships; a visitor's applications still open are withdrawn (an offer is
declined) and their seats released. A preceptor hosting sessions still to come, or a coordinator who
published a program nobody else runs, is asked to settle that first (409). The closing is audited and
the owner told by mail at the address the account had.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, replace

from server.db.uow import UnitOfWork
from server.domain.accounts import TokenPurpose, User
from server.domain.actors import Actor
from server.domain.dates import zone_of
from server.domain.errors import Conflict, Invalid, NotFound
from server.domain.mail import MailKind
from server.domain.visits import VisitStatus
from server.domain.vocab import Role
from server.services import accounts, applications, audit, mail
from server.services.mail import MailSetup

# Stored instead of a password hash: not an Argon2 hash, so no password ever matches it.
CLOSED_PASSWORD_HASH = "!closed"


def closed_address(user_id: int) -> str:
    """The placeholder kept as a closed account's email: unique, and under ``.invalid``, a domain that
    never receives mail (RFC 2606)."""
    return f"closed-{user_id}@closed.invalid"


@dataclass(frozen=True)
class Closed:
    """What closing the account did."""

    applications_withdrawn: int
    programs_handed_over: int


async def _check_staff_duties(uow: UnitOfWork, user: User) -> list[tuple[int, int]]:
    """Refuse (409, saying what to do) while a preceptor hosts sessions still to come or a coordinator
    published a program nobody else runs; returns the programs to hand over, each with its new
    publisher (a coordinator who joined it)."""
    now = uow.now()
    if user.role is Role.PRECEPTOR:
        upcoming = [
            v for v in await uow.visits.of_host(user.id, since=now) if v.status is VisitStatus.SCHEDULED
        ]
        if upcoming:
            raise Conflict(
                f"You host {len(upcoming)} session(s) still to come: cancel them (Sessions) before "
                "closing your account, so that nobody waits for you."
            )
    hand_overs: list[tuple[int, int]] = []
    if user.role is Role.COORDINATOR:
        for program in await uow.programs.search(published_only=False, coordinator_id=user.id):
            if program.coordinator_id != user.id:
                continue  # one they joined: they just leave it
            if not program.co_coordinator_ids:
                raise Conflict(
                    f"Nobody else runs {program.title}: invite another coordinator to it (Staff) and "
                    "let them accept before closing your account."
                )
            hand_overs.append((program.id, program.co_coordinator_ids[0]))
    return hand_overs


async def close_account(
    uow: UnitOfWork, actor: Actor, password: str, setup: MailSetup, *, browser_hash: str | None
) -> Closed:
    """Close the logged-in person's account (see the module): the password must be right (422)."""
    async with uow:
        user = await uow.users.get(actor.user_id)
    if user is None or user.closed_at is not None:
        raise NotFound("There is no such account.")
    if not await asyncio.to_thread(accounts.password_matches, user.password_hash, password):
        raise Invalid("The password is not right.", field="password")
    async with uow:
        await uow.users.lock(user.id)
        user = await uow.users.get(user.id)
        if user is None or user.closed_at is not None:
            raise NotFound("There is no such account.")
        hand_overs = await _check_staff_duties(uow, user)
        withdrawn = await applications.withdraw_all(uow, actor) if user.role is Role.VISITOR else 0
        for program_id, successor in hand_overs:
            await uow.programs.hand_over(program_id, successor)
        await uow.programs.leave_all(user.id)
        now = uow.now()
        for purpose in TokenPurpose:
            await uow.account_tokens.use_all(user.id, purpose.value, now)
        await uow.logins.delete_for_user(user.id)
        notice = mail.compose(
            MailKind.ACCOUNT_CLOSED,
            user.email,
            {"name": user.full_name, "closed_at": now},
            setup,
            zone=zone_of(user.time_zone),
        )
        await mail.enqueue(uow, notice, setup, browser_hash=browser_hash)
        await uow.users.update(
            replace(
                user,
                email=closed_address(user.id),
                password_hash=CLOSED_PASSWORD_HASH,
                email_verified_at=None,
                closed_at=now,
            )
        )
        await audit.record(uow, actor, audit.AuditAction.CLOSE, audit.ACCOUNT, [user.id])
        await uow.commit()
        return Closed(applications_withdrawn=withdrawn, programs_handed_over=len(hand_overs))
