"""Sign-up for visitors, and confirming the email address by a single-use link.

Nobody learns from sign-up whether an address has an account: a new address gets an account and a
verification link; an address that already has one gets no new account, and its owner is mailed
"someone tried to sign up with your address" instead. Both answers are the same page, after the same
work (a password hash either way). Sign-ups are throttled per client address by the caller
(``server.web.rate_limit.check_signup``).
"""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import timedelta

from disposable_email_domains import blocklist
from sqlalchemy.exc import IntegrityError

from server.db.uow import UnitOfWork
from server.domain.accounts import TOKEN_LIFETIMES, TokenPurpose, User, VisitorProfile
from server.domain.actors import Actor
from server.domain.dates import check_time_zone
from server.domain.errors import Conflict, Invalid, NotFound, TooManyRequests
from server.domain.mail import MailKind
from server.domain.vocab import Role
from server.schemas.accounts import SignupIn
from server.services import accounts, mail
from server.services.mail import MailSetup

# "Someone tried to sign up with your address" goes to an owner at most once in this time, however
# often someone tries.
EXISTING_NOTICE_INTERVAL = timedelta(hours=1)


def is_disposable(email: str) -> bool:
    """Whether the address is at a throwaway-mail domain (or a subdomain of one), by the maintained
    list of the ``disposable-email-domains`` package."""
    domain = email.rpartition("@")[2].strip().lower().rstrip(".")
    parts = domain.split(".")
    return any(".".join(parts[i:]) in blocklist for i in range(len(parts) - 1))


async def _mail_verification(uow: UnitOfWork, user: User, setup: MailSetup, browser_hash: str | None) -> None:
    token = await accounts.new_link(uow, user, TokenPurpose.VERIFY_EMAIL)
    hours = int(TOKEN_LIFETIMES[TokenPurpose.VERIFY_EMAIL].total_seconds() // 3600)
    composed = mail.compose(
        MailKind.VERIFY_EMAIL,
        user.email,
        {"name": user.full_name, "link": f"{setup.base_url}/account/verify/{token}", "hours": hours},
        setup,
    )
    await mail.enqueue(uow, composed, setup, browser_hash=browser_hash)


async def _mail_existing_owner(
    uow: UnitOfWork, user: User, setup: MailSetup, browser_hash: str | None
) -> None:
    since = uow.now() - EXISTING_NOTICE_INTERVAL
    if await uow.outbox.count_recent(user.email, MailKind.SIGNUP_EXISTING, since):
        return  # told recently: a flood of attempts is not a flood of mail
    composed = mail.compose(
        MailKind.SIGNUP_EXISTING,
        user.email,
        {
            "name": user.full_name,
            "login_link": f"{setup.base_url}/login",
            "reset_link": f"{setup.base_url}/password/forgot",
        },
        setup,
    )
    await mail.enqueue(uow, composed, setup, browser_hash=browser_hash)


async def sign_up(uow: UnitOfWork, data: SignupIn, setup: MailSetup, *, browser_hash: str | None) -> None:
    """Create a visitor's account (email not yet verified) and mail the verification link; or, when
    the address has an account, mail its owner instead. The caller shows the same page either way."""
    accounts.check_password_strength(data.password)
    zone = None if data.time_zone is None else check_time_zone(data.time_zone)
    email = data.email.strip().lower()
    if is_disposable(email):
        raise Invalid(
            "Addresses at disposable-mail services cannot be used: Rounds sends offers and session "
            "details to this address for months. Use an address you keep.",
            field="email",
        )
    # The hash is computed whether or not the address is taken: both answers take as long.
    password_hash = await asyncio.to_thread(accounts.hash_password, data.password)
    async with uow:
        existing = await uow.users.by_email(email)
        if existing is not None:
            if existing.closed_at is not None:
                return  # a closed account's placeholder address (closed-<id>@closed.invalid): no mailbox
            await _mail_existing_owner(uow, existing, setup, browser_hash)
            await uow.commit()
            return
        user = await accounts.create_user(
            uow,
            email=email,
            password=data.password,
            role=Role.VISITOR,
            full_name=data.full_name,
            verified=False,
            password_hash=password_hash,
            time_zone=zone,
        )
        await uow.users.save_visitor_profile(
            VisitorProfile(
                user_id=user.id, training_status=data.training_status, profession=data.profession.value
            )
        )
        await _mail_verification(uow, user, setup, browser_hash)
        try:
            await uow.commit()
        except IntegrityError:
            # The same address signed up twice at once (PostgreSQL): the first made the account and
            # mailed its link; this one answers the same page and sends nothing.
            return


async def verify_email(uow: UnitOfWork, token: str) -> User:
    """Spend a verification link: the account's email is verified (if the link was mailed to the
    address the account still has). Invalid, saying why, for an unknown, used or expired link."""
    async with uow:
        found, user = await accounts.take_link(uow, token, TokenPurpose.VERIFY_EMAIL)
        if found.email != user.email:
            raise Invalid("This link was sent to an address the account no longer has.")
        if user.email_verified_at is None:
            user = await uow.users.update(replace(user, email_verified_at=uow.now()))
        await uow.commit()
        return user


async def resend_verification(
    uow: UnitOfWork, actor: Actor, setup: MailSetup, *, browser_hash: str | None
) -> str:
    """Mail the logged-in person a new verification link (older ones stop working); returns the
    address. Conflict when the address is verified already; 429 past a few links an hour."""
    async with uow:
        user = await uow.users.get(actor.user_id)
        if user is None:
            raise NotFound("There is no such account.")
        if user.email_verified_at is not None:
            raise Conflict("Your email address is already confirmed.")
        await _mail_verification(uow, user, setup, browser_hash)
        await uow.commit()
        return user.email


async def resend_verification_to(
    uow: UnitOfWork, email: str, setup: MailSetup, *, browser_hash: str | None
) -> None:
    """Mail a new verification link to ``email`` if it belongs to an account not yet confirmed;
    nothing otherwise (and nothing past a few links an hour). The caller answers the same either way."""
    async with uow:
        user = await uow.users.by_email(email.strip().lower())
        if user is None or user.email_verified_at is not None:
            return
        try:
            await _mail_verification(uow, user, setup, browser_hash)
        except TooManyRequests:
            return
        await uow.commit()


async def is_verified(uow: UnitOfWork, actor: Actor) -> bool:
    """Whether the logged-in person's email is confirmed."""
    async with uow:
        user = await uow.users.get(actor.user_id)
        return user is not None and user.email_verified_at is not None
