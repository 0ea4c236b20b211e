"""The background sender: claims due mail from the outbox, sends it over SMTP, marks it sent.

Each round runs three kinds of short transactions: one claim (up to ``batch`` due mails, each held for
``lease``; ``FOR UPDATE SKIP LOCKED`` on PostgreSQL, so several nodes' senders take different mails and
never wait for one another), then per mail, after the SMTP server accepted it, one mark. A mail is sent
only by the sender holding its claim, and marked sent only if that claim still holds; a sender that dies
holding a claim leaves its mails due again once the lease runs out. The one window left -- the SMTP
server accepted a mail and the sender died before marking it -- would send it again after the lease;
the repeat carries the same Message-ID, so a receiving system can recognise it.

A failed try releases the mail at once, due again after an exponential backoff with full jitter
(:func:`server.domain.mail.retry_delay`); an answer that cannot change (5xx) gives the mail up. When the
server cannot be reached at all, the rest of the claimed batch is released too, without a try each.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import timedelta
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

import aiosmtplib

from server.config import Settings
from server.db.uow import UnitOfWorkFactory
from server.domain.mail import (
    BACKOFF_BASE,
    BACKOFF_CAP,
    MAX_ATTEMPTS,
    OutboxMail,
    is_permanent,
    retry_delay,
)

log = logging.getLogger("rounds.mail")

BATCH = 10
# Longer than a batch can take (BATCH mails at SMTP_TIMEOUT each, and the connection): a live sender's
# claim never runs out under it.
LEASE = timedelta(minutes=5)
SMTP_TIMEOUT_SECONDS = 20.0
POLL_SECONDS = 2.0


@dataclass(frozen=True)
class SmtpServer:
    """Where and how to send: the settings' SMTP server."""

    host: str
    port: int
    tls: str  # starttls, tls or none
    username: str | None
    password: str | None
    from_address: str
    timeout: float = SMTP_TIMEOUT_SECONDS

    @classmethod
    def from_settings(cls, settings: Settings) -> SmtpServer:
        """The SMTP server the settings name (ROUNDS_SMTP_HOST must be set)."""
        if settings.smtp_host is None:
            raise ValueError("no SMTP server is set")
        return cls(
            host=settings.smtp_host,
            port=settings.smtp_port,
            tls=settings.smtp_tls,
            username=settings.smtp_username,
            password=settings.smtp_password,
            from_address=settings.mail_from,
        )

    @contextlib.asynccontextmanager
    async def connect(self) -> AsyncIterator[aiosmtplib.SMTP]:
        """One connection for a batch of mail, logged in when the settings say so."""
        client = aiosmtplib.SMTP(
            hostname=self.host,
            port=self.port,
            use_tls=self.tls == "tls",
            start_tls=self.tls == "starttls",
            timeout=self.timeout,
        )
        await client.connect()
        try:
            if self.username is not None and self.password is not None:
                await client.login(self.username, self.password)
            yield client
        finally:
            with contextlib.suppress(aiosmtplib.SMTPException, OSError):
                await client.quit()


def message_of(mail: OutboxMail, from_address: str) -> EmailMessage:
    """The MIME message of an outbox mail: plain text with an HTML alternative, its Message-ID kept."""
    message = EmailMessage()
    message["From"] = from_address
    message["To"] = mail.recipient
    message["Subject"] = mail.subject
    message["Date"] = format_datetime(mail.created_at)
    message["Message-ID"] = mail.message_id or make_msgid()
    message["Auto-Submitted"] = "auto-generated"  # RFC 3834: no vacation replies to Rounds' mail
    for name, value in mail.headers.items():
        message[name] = value
    message.set_content(mail.text)
    message.add_alternative(mail.html, subtype="html")
    for attachment in mail.attachments:
        # The outbox keeps text files only (a session's .ics): a str body is a text/<subtype> part.
        subtype = attachment.content_type.removeprefix("text/")
        message.add_attachment(attachment.content, subtype=subtype, filename=attachment.filename)
    return message


def _smtp_code(exc: BaseException) -> int | None:
    """The SMTP reply code behind a failure, if the server answered at all."""
    if isinstance(exc, aiosmtplib.SMTPRecipientsRefused):
        codes = [r.code for r in exc.recipients]
        return min(codes) if codes else None
    if isinstance(exc, aiosmtplib.SMTPResponseException):
        return exc.code
    return None


class Sender:
    """Delivers the outbox. ``await deliver_due()`` runs one round; ``run()`` loops until cancelled."""

    def __init__(
        self,
        uows: UnitOfWorkFactory,
        server: SmtpServer,
        *,
        claimant: str,
        skip_locked: bool,
        batch: int = BATCH,
        lease: timedelta = LEASE,
        poll_seconds: float = POLL_SECONDS,
        backoff_base: timedelta = BACKOFF_BASE,
        backoff_cap: timedelta = BACKOFF_CAP,
        max_attempts: int = MAX_ATTEMPTS,
        rand: random.Random | None = None,
    ) -> None:
        self.uows = uows
        self.server = server
        self.claimant = claimant[:80]
        self.skip_locked = skip_locked
        self.batch = batch
        self.lease = lease
        self.poll_seconds = poll_seconds
        self.backoff_base = backoff_base
        self.backoff_cap = backoff_cap
        self.max_attempts = max_attempts
        self.rand = rand or random.Random()
        self.rounds = 0  # rounds finished (tests wait on it)
        self.sent = 0

    async def _claim(self) -> list[OutboxMail]:
        async with self.uows() as uow:
            now = uow.now()
            mails = await uow.outbox.claim_due(
                now=now,
                until=now + self.lease,
                claimant=self.claimant,
                limit=self.batch,
                skip_locked=self.skip_locked,
            )
            await uow.commit()
            return mails

    async def _mark_sent(self, mail: OutboxMail) -> None:
        async with self.uows() as uow:
            if not await uow.outbox.mark_sent(mail.id, claimant=self.claimant, at=uow.now()):
                log.warning("mail %d was sent after its claim ran out", mail.id)
            await uow.commit()

    async def _release(self, mails: list[OutboxMail], error: str, *, permanent: bool) -> None:
        async with self.uows() as uow:
            now = uow.now()
            for mail in mails:
                give_up = permanent or mail.attempts >= self.max_attempts
                delay = retry_delay(
                    mail.attempts, base=self.backoff_base, cap=self.backoff_cap, rand=self.rand
                )
                await uow.outbox.mark_failed(
                    mail.id,
                    claimant=self.claimant,
                    error=error,
                    due_at=None if give_up else now + delay,
                    at=now,
                )
                if give_up:
                    log.warning(
                        "mail %d (%s) given up after %d tries: %s", mail.id, mail.kind, mail.attempts, error
                    )
            await uow.commit()

    async def deliver_due(self) -> int:
        """One round: claim due mail, send it over one connection, mark each sent. Returns how many
        were sent."""
        mails = await self._claim()
        if not mails:
            return 0
        sent = 0
        unsent = mails  # claimed and neither sent nor released: released again if the server fails
        try:
            async with self.server.connect() as client:
                for index, mail in enumerate(mails):
                    unsent = mails[index:]
                    try:
                        await client.send_message(message_of(mail, self.server.from_address))
                    except (aiosmtplib.SMTPRecipientsRefused, aiosmtplib.SMTPResponseException) as exc:
                        code = _smtp_code(exc)
                        if not is_permanent(code):
                            raise
                        await self._release([mail], f"{code}: {exc}", permanent=True)
                        continue
                    unsent = mails[index + 1 :]
                    await self._mark_sent(mail)
                    sent += 1
        except (aiosmtplib.SMTPException, OSError, TimeoutError) as exc:
            # The server is away or failing: this mail and the rest of the batch are due again later.
            log.info("mail delivery failed (%s); %d mails due again later", type(exc).__name__, len(unsent))
            await self._release(unsent, f"{type(exc).__name__}: {exc}", permanent=False)
        finally:
            self.sent += sent
        return sent

    async def run(self) -> None:
        """Deliver until cancelled: at once again after a full batch, else after ``poll_seconds`` (new
        mail waits at most that long). A failing round (the database away) is logged and the loop
        goes on."""
        while True:
            full = False
            try:
                full = await self.deliver_due() >= self.batch
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("mail round failed")
            self.rounds += 1
            if not full:
                await asyncio.sleep(self.poll_seconds)
