"""Email: composing a mail from its templates, putting it in the outbox inside the caller's unit of
work (so the mail exists exactly when the change that causes it does), and the demo outbox page.

Sending is :mod:`server.services.mail_sender`'s job. Templates live in ``webclient/templates/mail/``
as ``<kind>.txt`` and ``<kind>.html``; their context holds names, links and dates only, never
clinical free text or patient data.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta, tzinfo
from pathlib import Path
from typing import Any

import jinja2

from server.config import Settings
from server.db.uow import UnitOfWork
from server.domain.errors import NotFound
from server.domain.mail import (
    NOTIFICATIONS,
    Attachment,
    Mail,
    MailKind,
    OutboxMail,
    may_read_in_demo_outbox,
)
from server.domain.mail import (
    MailSetup as MailSetup,  # declared in the domain; imported from here by the services
)
from server.templating import READER_ZONE, add_date_filters

TEMPLATES = Path(__file__).resolve().parents[2] / "webclient" / "templates" / "mail"

SUBJECTS: dict[MailKind, str] = {
    MailKind.VERIFY_EMAIL: "Confirm your email address for Rounds",
    MailKind.SIGNUP_EXISTING: "Someone tried to sign up to Rounds with your address",
    MailKind.RESET_PASSWORD: "Reset your Rounds password",
    MailKind.PASSWORD_CHANGED: "Your Rounds password was changed",
    MailKind.CONFIRM_NEW_EMAIL: "Confirm the new email address of your Rounds account",
    MailKind.EMAIL_CHANGED: "The email address of your Rounds account was changed",
    MailKind.ACCOUNT_CLOSED: "Your Rounds account is closed",
    MailKind.STAFF_INVITATION: "You are invited to teach on Rounds",
    MailKind.NOTIFICATION: "News from Rounds",  # each notification gives its own (compose's subject)
}

_env = jinja2.Environment(
    loader=jinja2.FileSystemLoader(str(TEMPLATES)),
    autoescape=jinja2.select_autoescape(enabled_extensions=("html",), default_for_string=False),
    undefined=jinja2.StrictUndefined,  # a missing value is a bug, not an empty hole in an email
    keep_trailing_newline=True,
)
# Times in a mail are written in its recipient's zone (``compose``'s ``zone``), as on their pages.
add_date_filters(_env)


def mail_setup(settings: Settings, *, demo: bool = False) -> MailSetup:
    """The mail setup a process runs with."""
    return MailSetup(
        base_url=settings.base_url,
        from_address=settings.mail_from,
        smtp=settings.smtp_host is not None,
        open_to_requesting_browser=demo and settings.smtp_host is None,
    )


def compose(
    kind: MailKind,
    to: str,
    context: dict[str, Any],
    setup: MailSetup,
    *,
    unsubscribe_path: str | None = None,
    zone: tzinfo | None = None,
    subject: str | None = None,
    attachments: tuple[Attachment, ...] = (),
) -> Mail:
    """The mail of ``kind`` to ``to``: subject (its kind's, or ``subject``), plain-text and HTML
    parts from its templates with times written in the recipient's ``zone`` (UTC when None: a
    recipient who chose none, or has no account), and ``attachments``. A notification carries
    List-Unsubscribe, pointing at ``unsubscribe_path`` on this site, and List-Unsubscribe-Post: a
    mail client's one-click unsubscribe POSTs there (RFC 8058)."""
    values = {**context, "base_url": setup.base_url, "to": to, READER_ZONE: zone}
    headers: dict[str, str] = {}
    if kind in NOTIFICATIONS:
        if unsubscribe_path is None:
            raise ValueError(f"a {kind.value} notification needs its unsubscribe path")
        headers["List-Unsubscribe"] = f"<{setup.base_url}{unsubscribe_path}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    return Mail(
        kind=kind,
        to=to,
        subject=subject or SUBJECTS[kind],
        text=_env.get_template(f"{kind.value}.txt").render(values),
        html=_env.get_template(f"{kind.value}.html").render(values),
        headers=headers,
        attachments=attachments,
    )


async def enqueue(uow: UnitOfWork, mail: Mail, setup: MailSetup, *, browser_hash: str | None = None) -> int:
    """Put ``mail`` in the outbox inside the caller's open unit of work (committed with it, or not at
    all); ``browser_hash`` names the browser whose request caused it (the demo outbox)."""
    message_id = f"<{secrets.token_hex(16)}@{setup.domain}>"
    return await uow.outbox.add(mail, message_id=message_id, at=uow.now(), browser_hash=browser_hash)


# Sent (or given-up) mail is kept this long, for the demo outbox and for an operator's questions, then
# forgotten: its links are spent or expired by then.
KEEP_FINISHED_MAIL = timedelta(days=30)


async def prune(uow: UnitOfWork) -> int:
    """Forget finished mail older than :data:`KEEP_FINISHED_MAIL` and account links that expired more
    than a day ago (the maintenance loop); returns how many mails were forgotten."""
    async with uow:
        now = uow.now()
        forgotten = await uow.outbox.delete_finished_before(now - KEEP_FINISHED_MAIL)
        await uow.account_tokens.prune(now - timedelta(days=1))
        await uow.commit()
        return forgotten


# --- the demo outbox ------------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoOutbox:
    """What the demo outbox page shows one viewer."""

    mails: list[OutboxMail]
    viewer_email: str | None
    open_to_requesting_browser: bool


def _check_demo_outbox(setup: MailSetup) -> None:
    if setup.smtp:
        raise NotFound("There is no demo outbox: Rounds sends its email through an SMTP server.")


async def demo_outbox(
    uow: UnitOfWork, setup: MailSetup, *, viewer_email: str | None, browser_hash: str | None
) -> DemoOutbox:
    """The mail this viewer may read in the demo outbox (only while no SMTP server is set), newest
    first: see :func:`server.domain.mail.may_read_in_demo_outbox`."""
    _check_demo_outbox(setup)
    async with uow:
        return await _demo_outbox_in(uow, setup, viewer_email=viewer_email, browser_hash=browser_hash)


async def _demo_outbox_in(
    uow: UnitOfWork, setup: MailSetup, *, viewer_email: str | None, browser_hash: str | None
) -> DemoOutbox:
    open_ = setup.open_to_requesting_browser
    candidates = await uow.outbox.for_demo_outbox(
        recipient=viewer_email, browser_hash=browser_hash if open_ else None
    )
    mails = [
        mail
        for mail, caused_by in candidates
        if may_read_in_demo_outbox(
            mail.recipient,
            caused_by,
            viewer_email=viewer_email,
            browser_hash=browser_hash,
            open_to_requesting_browser=open_,
        )
    ]
    return DemoOutbox(mails=mails, viewer_email=viewer_email, open_to_requesting_browser=open_)


async def demo_mail(
    uow: UnitOfWork, setup: MailSetup, mail_id: int, *, viewer_email: str | None, browser_hash: str | None
) -> tuple[OutboxMail, DemoOutbox]:
    """One mail of the demo outbox, if this viewer may read it (a 404 otherwise, as if it did not
    exist: nobody learns of another person's mail), and the outbox it is shown in, in one unit of
    work."""
    _check_demo_outbox(setup)
    async with uow:
        found = await uow.outbox.browser_hash_of(mail_id)
        if found is None or not may_read_in_demo_outbox(
            found[0].recipient,
            found[1],
            viewer_email=viewer_email,
            browser_hash=browser_hash,
            open_to_requesting_browser=setup.open_to_requesting_browser,
        ):
            raise NotFound(f"There is no mail {mail_id} for you.")
        box = await _demo_outbox_in(uow, setup, viewer_email=viewer_email, browser_hash=browser_hash)
    return found[0], box
