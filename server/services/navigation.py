"""What the navigation of every page shows besides its links: who is logged in, and their unread
messages and notifications, read with the login's look-up in one unit of work (a page then opens no
more transactions than that one and its own)."""

from __future__ import annotations

from dataclasses import dataclass

from server.db.uow import UnitOfWork
from server.domain.actors import Actor
from server.services import accounts, messages


@dataclass(frozen=True)
class PageLogin:
    """The person behind a page's login cookie (None: nobody) and their unread counts."""

    actor: Actor | None
    unread_messages: int | None = None
    unread_notifications: int | None = None


async def resolve_login_for_page(uow: UnitOfWork, token: str) -> PageLogin:
    """The actor behind a login cookie and their unread messages and notifications, in one unit of
    work; nothing but None when nobody is logged in."""
    async with uow:
        actor = await accounts.login_actor(uow, token)
        if actor is None:
            return PageLogin(None)
        return PageLogin(
            actor,
            unread_messages=await messages.unread_count(uow, actor),
            unread_notifications=await uow.notifications.count(actor.user_id, unread_only=True),
        )
