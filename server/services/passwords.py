"""Forgot password, reset by a single-use link, and change password while logged in.

Asking for a reset gives the same answer whatever the email (and mails only an address with an
account); the link works once, for 30 minutes. Setting a new password by the link ends every login of
the account; changing it while logged in asks for the current one and ends every other login. Both
mail the owner that the password changed.
"""

from __future__ import annotations

import asyncio
from dataclasses import replace

from server.db.uow import UnitOfWork
from server.domain.accounts import TOKEN_LIFETIMES, TokenPurpose, User
from server.domain.actors import Actor
from server.domain.errors import Invalid, NotFound, TooManyRequests
from server.domain.mail import MailKind
from server.services import accounts, mail
from server.services.mail import MailSetup


def _check_new_password(password: str, again: str) -> None:
    accounts.check_password_strength(password)
    if password != again:
        raise Invalid("The two passwords are not the same.", field="password_again")


async def _mail_changed(uow: UnitOfWork, user: User, setup: MailSetup, browser_hash: str | None) -> None:
    composed = mail.compose(
        MailKind.PASSWORD_CHANGED,
        user.email,
        {"name": user.full_name, "reset_link": f"{setup.base_url}/password/forgot"},
        setup,
    )
    await mail.enqueue(uow, composed, setup, browser_hash=browser_hash)


async def request_reset(uow: UnitOfWork, email: str, setup: MailSetup, *, browser_hash: str | None) -> None:
    """Mail a reset link to ``email`` if it has an account; nothing otherwise. The caller shows the same
    page either way (and throttles per client address)."""
    email = email.strip().lower()
    async with uow:
        user = await uow.users.by_email(email)
        if user is None or user.closed_at is not None:
            return
        try:
            token = await accounts.new_link(uow, user, TokenPurpose.RESET_PASSWORD)
        except TooManyRequests:
            return  # three links this hour already: no more mail, and the same page as ever
        minutes = int(TOKEN_LIFETIMES[TokenPurpose.RESET_PASSWORD].total_seconds() // 60)
        composed = mail.compose(
            MailKind.RESET_PASSWORD,
            user.email,
            {"name": user.full_name, "link": f"{setup.base_url}/password/reset/{token}", "minutes": minutes},
            setup,
        )
        await mail.enqueue(uow, composed, setup, browser_hash=browser_hash)
        await uow.commit()


async def check_reset_link(uow: UnitOfWork, token: str) -> None:
    """Invalid, saying why, when a reset link cannot be used; nothing is spent (the form is shown)."""
    async with uow:
        await accounts.take_link(uow, token, TokenPurpose.RESET_PASSWORD)
        # rolled back: looking at the form does not spend the link


async def reset_password(
    uow: UnitOfWork, token: str, password: str, again: str, setup: MailSetup, *, browser_hash: str | None
) -> None:
    """Set a new password by a reset link: the link is spent, every login of the account ends, and
    the owner is told by mail."""
    _check_new_password(password, again)
    new_hash = await asyncio.to_thread(accounts.hash_password, password)
    async with uow:
        found, user = await accounts.take_link(uow, token, TokenPurpose.RESET_PASSWORD)
        await uow.users.lock(user.id)
        # Opening the link proves the mailbox: an unverified address is verified by it too.
        verified = user.email_verified_at or (uow.now() if found.email == user.email else None)
        user = await uow.users.update(replace(user, password_hash=new_hash, email_verified_at=verified))
        await uow.logins.delete_for_user(user.id)
        await uow.logins.clear_failures(user.email)
        await _mail_changed(uow, user, setup, browser_hash)
        await uow.commit()


async def change_password(
    uow: UnitOfWork,
    actor: Actor,
    current: str,
    password: str,
    again: str,
    setup: MailSetup,
    *,
    login_token: str | None,
    browser_hash: str | None,
) -> int:
    """Change the logged-in person's password: the current one must be right; every other login of
    the account ends (this browser's stays). Returns how many logins were ended."""
    _check_new_password(password, again)
    async with uow:
        user = await uow.users.get(actor.user_id)
        if user is None:
            raise NotFound("There is no such account.")
        stored = user.password_hash
    matched = await asyncio.to_thread(accounts.password_matches, stored, current)
    if not matched:
        raise Invalid("The current password is not right.", field="current_password")
    new_hash = await asyncio.to_thread(accounts.hash_password, password)
    async with uow:
        await uow.users.lock(actor.user_id)
        user = await uow.users.get(actor.user_id)
        if user is None:
            raise NotFound("There is no such account.")
        if user.password_hash != stored:
            raise Invalid("The password was changed meanwhile: log in again.", field="current_password")
        user = await uow.users.update(replace(user, password_hash=new_hash))
        keep = None if login_token is None else accounts.token_hash(login_token)
        ended = await uow.logins.delete_for_user(user.id, keep_token_hash=keep)
        await _mail_changed(uow, user, setup, browser_hash)
        await uow.commit()
        return ended
