"""The outbox: mail written with the change that causes it, claimed by a sender for a lease, marked sent.

Reads return :class:`~server.domain.mail.OutboxMail`; the rows stay in this module.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, delete, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession as AsyncDb

from server.db.models import OutboxMailRow
from server.domain.mail import Attachment, Mail, MailKind, OutboxMail


def _mail(row: OutboxMailRow) -> OutboxMail:
    return OutboxMail(
        id=row.id,
        kind=MailKind(row.kind),
        recipient=row.recipient,
        subject=row.subject,
        text=row.text_body,
        html=row.html_body,
        headers=dict(row.headers),
        message_id=row.message_id,
        created_at=row.created_at,
        attempts=row.attempts,
        sent_at=row.sent_at,
        failed_at=row.failed_at,
        last_error=row.last_error,
        attachments=tuple(
            Attachment(a["filename"], a["content_type"], a["content"]) for a in (row.attachments or [])
        ),
    )


def _due(now: datetime) -> list[ColumnElement[bool]]:
    """Not sent, not given up, due, and not held by a live claim (a dead sender's claim runs out)."""
    return [
        OutboxMailRow.sent_at.is_(None),
        OutboxMailRow.failed_at.is_(None),
        OutboxMailRow.due_at <= now,
        or_(OutboxMailRow.claimed_until.is_(None), OutboxMailRow.claimed_until <= now),
    ]


class OutboxRepository:
    """Writes take a composed :class:`Mail`; the sender's claims and marks are single statements."""

    def __init__(self, db: AsyncDb) -> None:
        self.db = db

    async def add(self, mail: Mail, *, message_id: str, at: datetime, browser_hash: str | None) -> int:
        """Put ``mail`` in the outbox, due now; returns its id."""
        row = OutboxMailRow(
            kind=mail.kind.value,
            recipient=mail.to.lower(),
            subject=mail.subject,
            text_body=mail.text,
            html_body=mail.html,
            headers=dict(mail.headers),
            message_id=message_id,
            browser_hash=browser_hash,
            created_at=at,
            due_at=at,
            attempts=0,
            attachments=[
                {"filename": a.filename, "content_type": a.content_type, "content": a.content}
                for a in mail.attachments
            ],
        )
        self.db.add(row)
        await self.db.flush()
        return row.id

    async def claim_due(
        self, *, now: datetime, until: datetime, claimant: str, limit: int, skip_locked: bool
    ) -> list[OutboxMail]:
        """Claim up to ``limit`` due mails for ``claimant`` until ``until``, oldest first. On PostgreSQL
        the rows are read ``FOR UPDATE SKIP LOCKED``: two senders claiming at once each get other rows,
        neither waits. (SQLite's writing transactions run one at a time: the second sees the first's
        claims.) The caller commits."""
        query = select(OutboxMailRow).where(*_due(now)).order_by(OutboxMailRow.due_at, OutboxMailRow.id)
        query = query.limit(limit)
        if skip_locked:
            query = query.with_for_update(skip_locked=True)
        rows = list((await self.db.execute(query)).scalars())
        for row in rows:
            row.claimed_by = claimant
            row.claimed_until = until
            row.attempts += 1
        await self.db.flush()
        return [_mail(row) for row in rows]

    async def mark_sent(self, mail_id: int, *, claimant: str, at: datetime) -> bool:
        """Mark a claimed mail sent; False when the claim was lost meanwhile (it ran out and another
        sender took the mail)."""
        result = await self.db.execute(
            update(OutboxMailRow)
            .where(OutboxMailRow.id == mail_id, OutboxMailRow.claimed_by == claimant)
            .values(sent_at=at, claimed_until=None, last_error=None)
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    async def mark_failed(
        self, mail_id: int, *, claimant: str, error: str, due_at: datetime | None, at: datetime
    ) -> None:
        """Release a claimed mail after a failed try: due again at ``due_at``, or given up (None)."""
        values: dict[str, object] = {"claimed_until": None, "claimed_by": None, "last_error": error[:300]}
        if due_at is None:
            values["failed_at"] = at
        else:
            values["due_at"] = due_at
        await self.db.execute(
            update(OutboxMailRow)
            .where(OutboxMailRow.id == mail_id, OutboxMailRow.claimed_by == claimant)
            .values(**values)
        )

    async def next_due_at(self) -> datetime | None:
        """When the earliest pending mail is due (claimed ones included), if any."""
        query = select(OutboxMailRow.due_at, OutboxMailRow.claimed_until).where(
            OutboxMailRow.sent_at.is_(None), OutboxMailRow.failed_at.is_(None)
        )
        times = [max(d, c) if c is not None else d for d, c in (await self.db.execute(query)).all()]
        return min(times, default=None)

    async def for_demo_outbox(
        self, *, recipient: str | None, browser_hash: str | None
    ) -> list[tuple[OutboxMail, str | None]]:
        """Mail to ``recipient`` or caused by the browser ``browser_hash``, newest first (at most 100),
        each with the browser that caused it: the candidates the demo outbox filters with its rule."""
        conditions = []
        if recipient is not None:
            conditions.append(OutboxMailRow.recipient == recipient.lower())
        if browser_hash is not None:
            conditions.append(OutboxMailRow.browser_hash == browser_hash)
        if not conditions:
            return []
        query = (
            select(OutboxMailRow)
            .where(or_(*conditions))
            .order_by(OutboxMailRow.created_at.desc(), OutboxMailRow.id.desc())
            .limit(100)
        )
        return [(_mail(row), row.browser_hash) for row in (await self.db.execute(query)).scalars()]

    async def browser_hash_of(self, mail_id: int) -> tuple[OutboxMail, str | None] | None:
        """A mail and the browser that caused it, if it exists."""
        row = await self.db.get(OutboxMailRow, mail_id)
        return None if row is None else (_mail(row), row.browser_hash)

    async def count_recent(self, recipient: str, kind: MailKind, since: datetime) -> int:
        """How many mails of ``kind`` to ``recipient`` were written since ``since``."""
        query = select(func.count(OutboxMailRow.id)).where(
            OutboxMailRow.recipient == recipient.lower(),
            OutboxMailRow.kind == kind.value,
            OutboxMailRow.created_at >= since,
        )
        return int((await self.db.execute(query)).scalar_one())

    async def delete_finished_before(self, before: datetime) -> int:
        """Forget mail sent or given up before ``before``; returns how many."""
        result = await self.db.execute(
            delete(OutboxMailRow).where(or_(OutboxMailRow.sent_at < before, OutboxMailRow.failed_at < before))
        )
        return int(result.rowcount)  # type: ignore[attr-defined]

    async def all(self) -> list[OutboxMail]:
        """Every mail, oldest first (tests and the operator's checks)."""
        query = select(OutboxMailRow).order_by(OutboxMailRow.id)
        return [_mail(row) for row in (await self.db.execute(query)).scalars()]
