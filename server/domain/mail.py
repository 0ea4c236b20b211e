"""Email as Rounds keeps it: what each kind of mail is, a mail in the outbox, when a failed try is
due again, and who may read a mail in the demo outbox.

No email carries clinical free text or patient data: each kind's template receives names, links and
dates only (``server/services/mail.py`` builds the context; the templates are under
``webclient/templates/mail/``).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.utils import parseaddr
from enum import StrEnum


class MailKind(StrEnum):
    """Each kind of email; its value names its templates (``mail/<value>.txt`` and ``.html``)."""

    VERIFY_EMAIL = "verify_email"
    SIGNUP_EXISTING = "signup_existing"
    RESET_PASSWORD = "reset_password"
    PASSWORD_CHANGED = "password_changed"
    # Every notification (server/domain/notifications.py) by email: one template, its own subject.
    NOTIFICATION = "notification"
    CONFIRM_NEW_EMAIL = "confirm_new_email"  # the link that makes a new address the account's
    EMAIL_CHANGED = "email_changed"  # the notice to the address it replaced (no link)
    ACCOUNT_CLOSED = "account_closed"
    STAFF_INVITATION = "staff_invitation"


#: Kinds a person can switch off: they get List-Unsubscribe and List-Unsubscribe-Post (RFC 8058).
#: Account mail (links the person asked for, security notices) is not a notification and has none.
NOTIFICATIONS: frozenset[MailKind] = frozenset({MailKind.NOTIFICATION})


@dataclass(frozen=True)
class MailSetup:
    """What every mail needs from the settings: where its links point and whom it is from."""

    base_url: str
    from_address: str
    # Whether mail is sent (an SMTP server is set) or kept for the demo outbox.
    smtp: bool = False
    # Whether the demo outbox also shows a browser the mail its own requests caused (`rounds demo`).
    open_to_requesting_browser: bool = False

    @property
    def domain(self) -> str:
        """The domain of the From address (for Message-IDs)."""
        return parseaddr(self.from_address)[1].partition("@")[2] or "localhost"


@dataclass(frozen=True, slots=True)
class Attachment:
    """A text file sent with a mail (a session's ``.ics``)."""

    filename: str
    content_type: str  # maintype/subtype, e.g. text/calendar
    content: str


@dataclass(frozen=True, slots=True)
class Mail:
    """One composed email, before it is written to the outbox."""

    kind: MailKind
    to: str
    subject: str
    text: str
    html: str
    headers: dict[str, str] = field(default_factory=dict)
    attachments: tuple[Attachment, ...] = ()


@dataclass(frozen=True, slots=True)
class OutboxMail:
    """A mail as the outbox holds it, with its delivery state."""

    id: int
    kind: MailKind
    recipient: str
    subject: str
    text: str
    html: str
    headers: dict[str, str]
    message_id: str
    created_at: datetime
    attempts: int
    sent_at: datetime | None
    failed_at: datetime | None
    last_error: str | None
    attachments: tuple[Attachment, ...] = ()


# Retries: the n-th failed try waits a random time up to min(CAP, BASE * 2**(n-1)) ("full jitter"), so
# that mail held back while the SMTP server was away does not all arrive at the same instant, and a
# server that is down for hours is asked at most every CAP. After MAX_ATTEMPTS tries a mail is given up.
BACKOFF_BASE = timedelta(seconds=30)
BACKOFF_CAP = timedelta(hours=1)
MAX_ATTEMPTS = 30  # about a day of retries at the cap


def retry_delay(
    attempts: int,
    *,
    base: timedelta = BACKOFF_BASE,
    cap: timedelta = BACKOFF_CAP,
    rand: random.Random | None = None,
) -> timedelta:
    """How long after its ``attempts``-th failed try a mail is due again: exponential backoff with
    full jitter, never less than a tenth of ``base`` (no tight loop against a refusing server)."""
    ceiling = min(cap.total_seconds(), base.total_seconds() * 2 ** max(0, min(attempts - 1, 40)))
    draw = (rand or random).uniform(0.0, ceiling)
    return timedelta(seconds=max(draw, base.total_seconds() / 10))


def is_permanent(smtp_code: int | None) -> bool:
    """Whether the SMTP server's answer means that trying again cannot help (5xx: unknown mailbox,
    refused sender); 4xx and lost connections are worth another try."""
    return smtp_code is not None and 500 <= smtp_code < 600


def may_read_in_demo_outbox(
    mail_recipient: str,
    mail_browser_hash: str | None,
    *,
    viewer_email: str | None,
    browser_hash: str | None,
    open_to_requesting_browser: bool,
) -> bool:
    """Who may read a mail on the demo outbox page (which exists only while no SMTP server is set):
    the logged-in person it is addressed to; and, only under ``rounds demo`` (every account there has
    a published password), the browser whose request caused it, so that someone trying the demo can
    verify a new address or reset a forgotten password without a mailbox."""
    if viewer_email is not None and mail_recipient == viewer_email.lower():
        return True
    return (
        open_to_requesting_browser
        and browser_hash is not None
        and mail_browser_hash is not None
        and mail_browser_hash == browser_hash
    )
