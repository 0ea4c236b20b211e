"""Changing the email address of an account: the new address is proved by a link mailed to it.

Asking takes the current password. Whether or not the new address can be used (another account may
have it), the answer is the same — "if that address can be used, a link was sent" — and a link is
mailed only where it can: nobody learns through this form whether an address has an account. The
link works once, for 24 hours, and the same rules as at sign-up hold (hashed single-use token, a few
links an hour, no disposable-mail domains). Until the link is opened the old address stays the login;
opening it makes the new one the account's (verified) and tells the old one, without a link.
"""

from __future__ import annotations

import asyncio
from dataclasses import replace

from sqlalchemy.exc import IntegrityError

from server.db.uow import UnitOfWork
from server.domain.accounts import TOKEN_LIFETIMES, TokenPurpose, User
from server.domain.actors import Actor
from server.domain.dates import zone_of
from server.domain.errors import Invalid, NotFound
from server.domain.mail import MailKind
from server.services import accounts, mail
from server.services.mail import MailSetup
from server.services.signup import is_disposable


def mask_address(email: str) -> str:
    """``n***@example.org``: enough for the owner of the old address to recognise the new one, not
    enough to hand a stranger who reads that mailbox a full address."""
    local, _, domain = email.partition("@")
    return f"{local[:1]}***@{domain}"


async def _check_password(uow: UnitOfWork, actor: Actor, password: str) -> User:
    async with uow:
        user = await uow.users.get(actor.user_id)
    if user is None:
        raise NotFound("There is no such account.")
    if not await asyncio.to_thread(accounts.password_matches, user.password_hash, password):
        raise Invalid("The current password is not right.", field="password")
    return user


async def request_change(
    uow: UnitOfWork,
    actor: Actor,
    new_email: str,
    password: str,
    setup: MailSetup,
    *,
    browser_hash: str | None,
) -> str:
    """Mail a link to ``new_email`` that makes it the account's address, if it can be used; returns
    the address as understood (lower case). The current password must be right (422 otherwise); past
    a few links an hour, 429 — whether or not the address could be used."""
    email = new_email.strip().lower()
    if is_disposable(email):
        raise Invalid(
            "Addresses at disposable-mail services cannot be used: Rounds sends offers and session "
            "details to this address for months. Use an address you keep.",
            field="email",
        )
    user = await _check_password(uow, actor, password)
    if email == user.email:
        raise Invalid("This is already the address of your account.", field="email")
    async with uow:
        await uow.users.lock(user.id)
        user = await uow.users.get(user.id) or user
        # The quota first, for every request alike: a 429 must not tell a taken address from a free one.
        await accounts.check_link_quota(uow, user, TokenPurpose.CHANGE_EMAIL)
        if await uow.users.by_email(email) is not None:
            return email  # taken: nothing is sent, and the answer is the same
        token = await accounts.new_link(uow, user, TokenPurpose.CHANGE_EMAIL, email=email)
        composed = mail.compose(
            MailKind.CONFIRM_NEW_EMAIL,
            email,
            {
                "name": user.full_name,
                "link": f"{setup.base_url}/account/email/confirm/{token}",
                "expires_at": uow.now() + TOKEN_LIFETIMES[TokenPurpose.CHANGE_EMAIL],
            },
            setup,
            zone=zone_of(user.time_zone),
        )
        await mail.enqueue(uow, composed, setup, browser_hash=browser_hash)
        await uow.commit()
        return email


async def confirm_change(uow: UnitOfWork, token: str, setup: MailSetup, *, browser_hash: str | None) -> User:
    """Spend a link mailed by :func:`request_change`: its address becomes the account's (verified),
    and the address it replaces is told. Invalid, saying why, for an unknown, used or expired link, or
    when another account took the address meanwhile."""
    async with uow:
        found, user = await accounts.take_link(uow, token, TokenPurpose.CHANGE_EMAIL)
        await uow.users.lock(user.id)
        if await uow.users.by_email(found.email) is not None:
            raise Invalid("This address now belongs to another account: choose another one.")
        old = user.email
        now = uow.now()
        user = await uow.users.update(replace(user, email=found.email, email_verified_at=now))
        # Links mailed to the old address (a verification, a reset) no longer lead anywhere.
        for purpose in (TokenPurpose.VERIFY_EMAIL, TokenPurpose.RESET_PASSWORD):
            await uow.account_tokens.use_all(user.id, purpose.value, now)
        notice = mail.compose(
            MailKind.EMAIL_CHANGED,
            old,
            {"name": user.full_name, "changed_at": now, "new_address": mask_address(user.email)},
            setup,
            zone=zone_of(user.time_zone),
        )
        await mail.enqueue(uow, notice, setup, browser_hash=browser_hash)
        try:
            await uow.commit()
        except IntegrityError:
            # Another account took the address between the check and the commit (PostgreSQL).
            raise Invalid("This address now belongs to another account: choose another one.") from None
        return user
