"""Notifications, people's choices about them, and the reminders the reminder job makes.

Reads return :mod:`server.domain.notifications` objects; the rows stay in this module.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession as AsyncDb

from server.db.models import NotificationPreferenceRow, NotificationRow, ReminderRow
from server.domain.notifications import (
    Notice,
    NotificationKind,
    Reminder,
    ReminderKind,
    StoredNotification,
    SubjectType,
)


def _stored(row: NotificationRow) -> StoredNotification:
    return StoredNotification(
        id=row.id,
        recipient_id=row.recipient_id,
        kind=NotificationKind(row.kind),
        subject_type=SubjectType(row.subject_type),
        subject_id=row.subject_id,
        text=row.text,
        link=row.link,
        at=row.at,
        note=row.note,
        created_at=row.created_at,
        read_at=row.read_at,
    )


class NotificationRepository:
    """One person's notifications and choices; every read and mark names the recipient, so that
    nobody reaches another person's notification by its id."""

    def __init__(self, db: AsyncDb) -> None:
        self.db = db

    async def add(self, notice: Notice, *, at: datetime) -> int:
        """Write one notification, unread; returns its id."""
        row = NotificationRow(
            recipient_id=notice.recipient_id,
            kind=notice.kind.value,
            subject_type=notice.subject_type.value,
            subject_id=notice.subject_id,
            text=notice.text,
            link=notice.link,
            at=notice.at,
            note=notice.note,
            created_at=at,
        )
        self.db.add(row)
        await self.db.flush()
        return row.id

    async def page_of(self, recipient_id: int, *, offset: int, limit: int) -> list[StoredNotification]:
        """The recipient's notifications, newest first, ``limit`` from ``offset``."""
        query = (
            select(NotificationRow)
            .where(NotificationRow.recipient_id == recipient_id)
            .order_by(NotificationRow.created_at.desc(), NotificationRow.id.desc())
            .offset(offset)
            .limit(limit)
        )
        return [_stored(row) for row in (await self.db.execute(query)).scalars()]

    async def count(self, recipient_id: int, *, unread_only: bool = False) -> int:
        """How many notifications the recipient has (unread ones only, if asked)."""
        query = select(func.count(NotificationRow.id)).where(NotificationRow.recipient_id == recipient_id)
        if unread_only:
            query = query.where(NotificationRow.read_at.is_(None))
        return int((await self.db.execute(query)).scalar_one())

    async def get(self, recipient_id: int, notification_id: int) -> StoredNotification | None:
        """One notification, if it is the recipient's."""
        row = await self.db.get(NotificationRow, notification_id)
        return None if row is None or row.recipient_id != recipient_id else _stored(row)

    async def mark_read(self, recipient_id: int, notification_id: int, at: datetime | None) -> None:
        """Mark one of the recipient's notifications read at ``at`` (a read one keeps its first
        reading time), or unread again (None)."""
        query = update(NotificationRow).where(
            NotificationRow.id == notification_id, NotificationRow.recipient_id == recipient_id
        )
        if at is not None:
            query = query.where(NotificationRow.read_at.is_(None))
        await self.db.execute(query.values(read_at=at))

    async def mark_all_read(self, recipient_id: int, at: datetime, *, up_to_id: int | None = None) -> int:
        """Mark every unread notification of the recipient read (those up to ``up_to_id`` only, if
        given); returns how many."""
        query = update(NotificationRow).where(
            NotificationRow.recipient_id == recipient_id, NotificationRow.read_at.is_(None)
        )
        if up_to_id is not None:
            query = query.where(NotificationRow.id <= up_to_id)
        result = await self.db.execute(query.values(read_at=at))
        return int(result.rowcount)  # type: ignore[attr-defined]

    async def mark_read_before(
        self, before: datetime, at: datetime, *, keep: Sequence[NotificationKind] = ()
    ) -> int:
        """Mark everyone's notifications written before ``before`` read, but those of the kinds in
        ``keep`` (the demo's past, read by its people back then); returns how many."""
        result = await self.db.execute(
            update(NotificationRow)
            .where(
                NotificationRow.created_at < before,
                NotificationRow.read_at.is_(None),
                NotificationRow.kind.not_in([k.value for k in keep]),
            )
            .values(read_at=at)
        )
        return int(result.rowcount)  # type: ignore[attr-defined]

    async def of_subject(self, subject_type: SubjectType, subject_id: int) -> list[StoredNotification]:
        """Every notification about one record, oldest first (tests and the operator's checks)."""
        query = (
            select(NotificationRow)
            .where(
                NotificationRow.subject_type == subject_type.value, NotificationRow.subject_id == subject_id
            )
            .order_by(NotificationRow.id)
        )
        return [_stored(row) for row in (await self.db.execute(query)).scalars()]

    async def all(self) -> list[StoredNotification]:
        """Every notification, oldest first (tests and the operator's checks)."""
        query = select(NotificationRow).order_by(NotificationRow.id)
        return [_stored(row) for row in (await self.db.execute(query)).scalars()]

    # --- choices ----------------------------------------------------------------------------------

    async def choices(self, user_ids: Sequence[int]) -> dict[int, dict[NotificationKind, tuple[bool, bool]]]:
        """Each person's own choices (in app, by email) per kind; kinds not chosen are absent."""
        out: dict[int, dict[NotificationKind, tuple[bool, bool]]] = {uid: {} for uid in user_ids}
        if not user_ids:
            return out
        query = select(NotificationPreferenceRow).where(NotificationPreferenceRow.user_id.in_(list(user_ids)))
        for row in (await self.db.execute(query)).scalars():
            try:
                kind = NotificationKind(row.kind)
            except ValueError:
                continue  # a kind since retired
            out[row.user_id][kind] = (row.in_app, row.email)
        return out

    async def choose(self, user_id: int, kind: NotificationKind, *, in_app: bool, email: bool) -> None:
        """Record a person's choice for one kind (replacing an earlier one)."""
        row = await self.db.get(NotificationPreferenceRow, (user_id, kind.value))
        if row is None:
            self.db.add(
                NotificationPreferenceRow(user_id=user_id, kind=kind.value, in_app=in_app, email=email)
            )
        else:
            row.in_app = in_app
            row.email = email
        await self.db.flush()


def _reminder(row: ReminderRow) -> Reminder:
    return Reminder(
        id=row.id,
        kind=ReminderKind(row.kind),
        subject_id=row.subject_id,
        about=row.about,
        due_at=row.due_at,
        made_at=row.made_at,
    )


class ReminderRepository:
    """Reminders are set with the change that makes them due (an offer, a schedule), moved with it,
    and claimed by the reminder job."""

    def __init__(self, db: AsyncDb) -> None:
        self.db = db

    async def set(self, kind: ReminderKind, subject_id: int, *, about: datetime, due_at: datetime) -> None:
        """The one reminder of ``kind`` about ``subject_id``, due at ``due_at``: written, or moved
        (and due again, even if it was made for an earlier time)."""
        row = (
            await self.db.execute(
                select(ReminderRow).where(
                    ReminderRow.kind == kind.value, ReminderRow.subject_id == subject_id
                )
            )
        ).scalar_one_or_none()
        if row is None:
            self.db.add(ReminderRow(kind=kind.value, subject_id=subject_id, about=about, due_at=due_at))
        elif row.about != about:
            row.about = about
            row.due_at = due_at
            row.made_at = None
            row.outcome = None
        await self.db.flush()

    async def drop(self, kind: ReminderKind, subject_id: int) -> None:
        """Forget a reminder not yet made (the offer was answered, the session cancelled)."""
        await self.db.execute(
            delete(ReminderRow).where(
                ReminderRow.kind == kind.value,
                ReminderRow.subject_id == subject_id,
                ReminderRow.made_at.is_(None),
            )
        )

    async def claim_due(self, *, now: datetime, limit: int, skip_locked: bool) -> list[Reminder]:
        """Up to ``limit`` reminders due and not made, oldest first, locked until the caller's
        transaction ends. On PostgreSQL ``FOR UPDATE SKIP LOCKED``: two jobs claiming at once take
        different rows, and a row another job made meanwhile is read again and left out (its
        ``made_at`` is set). SQLite's writing transactions run one at a time (BEGIN IMMEDIATE)."""
        query = (
            select(ReminderRow)
            .where(ReminderRow.made_at.is_(None), ReminderRow.due_at <= now)
            .order_by(ReminderRow.due_at, ReminderRow.id)
            .limit(limit)
        )
        if skip_locked:
            query = query.with_for_update(skip_locked=True)
        return [_reminder(row) for row in (await self.db.execute(query)).scalars()]

    async def mark(self, reminder_id: int, *, at: datetime, outcome: str) -> bool:
        """Mark a claimed reminder made (or obsolete); False if it was marked already."""
        result = await self.db.execute(
            update(ReminderRow)
            .where(ReminderRow.id == reminder_id, ReminderRow.made_at.is_(None))
            .values(made_at=at, outcome=outcome)
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    async def all(self) -> list[Reminder]:
        """Every reminder, oldest first (tests and the operator's checks)."""
        return [
            _reminder(row)
            for row in (await self.db.execute(select(ReminderRow).order_by(ReminderRow.id))).scalars()
        ]
