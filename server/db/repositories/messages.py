"""Repository of message threads, their messages and each participant's read state. Reads return
the domain's :mod:`server.domain.messages` objects; the rows stay in this module."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import Select, and_, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession as AsyncDb

from server.db.models import (
    ApplicationRow,
    CoachRow,
    MessageRow,
    MessageThreadRow,
    ProgramPreceptorRow,
    ThreadReadRow,
)
from server.domain.applications import ENROLLED_STATES
from server.domain.messages import Attachment, Message, Thread, ThreadKind
from server.domain.vocab import Role


def _thread(row: MessageThreadRow) -> Thread:
    return Thread(
        id=row.id,
        application_id=row.application_id,
        kind=ThreadKind(row.kind),
        preceptor_id=row.preceptor_id,
        created_at=row.created_at,
        last_message_at=row.last_message_at,
    )


def _message(row: MessageRow) -> Message:
    attachment = None
    if row.attachment_sha256 is not None:
        attachment = Attachment(
            name=row.attachment_name or "attachment",
            content_type=row.attachment_type or "application/octet-stream",
            size=row.attachment_size or 0,
            sha256=row.attachment_sha256,
        )
    return Message(
        id=row.id,
        thread_id=row.thread_id,
        author_id=row.author_id,
        body=row.body,
        created_at=row.created_at,
        attachment=attachment,
    )


def participant_thread_ids(role: Role, user_id: int) -> Select[int]:
    """The ids of the threads ``user_id`` takes part in, as their role makes them a participant (the
    query form of :func:`server.domain.messages.participants`): a visitor in every thread of their
    applications; a coordinator in the coach threads of the applications they coach; a preceptor in
    their threads of enrollments of programs they still teach in."""
    t = MessageThreadRow
    if role is Role.VISITOR:
        return (
            select(t.id)
            .join(ApplicationRow, ApplicationRow.id == t.application_id)
            .where(ApplicationRow.visitor_id == user_id)
        )
    if role is Role.COORDINATOR:
        return (
            select(t.id)
            .join(CoachRow, CoachRow.application_id == t.application_id)
            .where(t.kind == ThreadKind.COACH.value, CoachRow.coach_id == user_id)
        )
    return (
        select(t.id)
        .join(ApplicationRow, ApplicationRow.id == t.application_id)
        .join(
            ProgramPreceptorRow,
            and_(
                ProgramPreceptorRow.program_id == ApplicationRow.program_id,
                ProgramPreceptorRow.preceptor_id == t.preceptor_id,
            ),
        )
        .where(
            t.kind == ThreadKind.PRECEPTOR.value,
            t.preceptor_id == user_id,
            ApplicationRow.state.in_([s.value for s in ENROLLED_STATES]),
        )
    )


class MessageRepository:
    """Threads, messages and read marks."""

    def __init__(self, db: AsyncDb) -> None:
        self.db = db

    async def thread(self, thread_id: int) -> Thread | None:
        row = await self.db.get(MessageThreadRow, thread_id, populate_existing=True)
        return None if row is None else _thread(row)

    async def find_thread(
        self, application_id: int, kind: ThreadKind, preceptor_id: int | None
    ) -> Thread | None:
        """The application's coach thread, or its thread with ``preceptor_id``, if it exists."""
        query = select(MessageThreadRow).where(
            MessageThreadRow.application_id == application_id, MessageThreadRow.kind == kind.value
        )
        if preceptor_id is not None:
            query = query.where(MessageThreadRow.preceptor_id == preceptor_id)
        row = (await self.db.execute(query)).scalars().first()
        return None if row is None else _thread(row)

    async def add_thread(
        self, application_id: int, kind: ThreadKind, preceptor_id: int | None, at: datetime
    ) -> Thread:
        """Open a thread, or return the one a simultaneous request opened (the partial unique indexes
        keep one coach thread per application and one thread per application and preceptor)."""
        row = MessageThreadRow(
            application_id=application_id,
            kind=kind.value,
            preceptor_id=preceptor_id,
            created_at=at,
            last_message_at=at,
        )
        try:
            async with self.db.begin_nested():
                self.db.add(row)
                await self.db.flush()
        except IntegrityError:
            found = await self.find_thread(application_id, kind, preceptor_id)
            if found is None:
                raise
            return found
        return _thread(row)

    async def threads_of_applications(self, application_ids: Sequence[int]) -> list[Thread]:
        if not application_ids:
            return []
        result = await self.db.execute(
            select(MessageThreadRow)
            .where(MessageThreadRow.application_id.in_(set(application_ids)))
            .order_by(MessageThreadRow.id)
        )
        return [_thread(row) for row in result.scalars()]

    async def add_message(
        self, thread_id: int, author_id: int, body: str, attachment: Attachment | None, at: datetime
    ) -> Message:
        """Write a message and move its thread to the top of the lists."""
        row = MessageRow(
            thread_id=thread_id,
            author_id=author_id,
            body=body,
            created_at=at,
            attachment_name=attachment.name if attachment else None,
            attachment_type=attachment.content_type if attachment else None,
            attachment_size=attachment.size if attachment else None,
            attachment_sha256=attachment.sha256 if attachment else None,
        )
        self.db.add(row)
        thread = await self.db.get(MessageThreadRow, thread_id)
        assert thread is not None  # the service loaded it in this transaction
        thread.last_message_at = at
        await self.db.flush()
        return _message(row)

    async def message(self, message_id: int) -> Message | None:
        row = await self.db.get(MessageRow, message_id)
        return None if row is None else _message(row)

    async def messages(self, thread_id: int, *, before: int | None, limit: int) -> list[Message]:
        """Up to ``limit`` messages of the thread, newest first, older than message ``before`` if given."""
        query = select(MessageRow).where(MessageRow.thread_id == thread_id)
        if before is not None:
            query = query.where(MessageRow.id < before)
        result = await self.db.execute(query.order_by(MessageRow.id.desc()).limit(limit))
        return [_message(row) for row in result.scalars()]

    async def newest_id(self, thread_id: int) -> int | None:
        result = await self.db.execute(
            select(func.max(MessageRow.id)).where(MessageRow.thread_id == thread_id)
        )
        return result.scalar_one_or_none()

    async def last_read(self, thread_id: int, user_id: int) -> int:
        """The id of the last message ``user_id`` has read in the thread (0: none)."""
        row = await self.db.get(ThreadReadRow, (thread_id, user_id), populate_existing=True)
        return 0 if row is None else row.last_read_message_id

    async def mark_read(self, thread_id: int, user_id: int, up_to: int, at: datetime) -> None:
        """Record that ``user_id`` has read the thread up to message ``up_to``; never moves back."""
        row = await self.db.get(ThreadReadRow, (thread_id, user_id))
        if row is None:
            try:
                async with self.db.begin_nested():
                    self.db.add(
                        ThreadReadRow(
                            thread_id=thread_id, user_id=user_id, last_read_message_id=up_to, read_at=at
                        )
                    )
                    await self.db.flush()
                return
            except IntegrityError:  # the same person's other tab marked it a moment ago
                row = await self.db.get(ThreadReadRow, (thread_id, user_id), populate_existing=True)
                assert row is not None
        if up_to > row.last_read_message_id:
            row.last_read_message_id = up_to
            row.read_at = at
            await self.db.flush()

    def _unread(self, user_id: int) -> Select[int, int]:
        """(thread id, unread messages) of every thread with a message by someone else after the
        user's read mark."""
        r = ThreadReadRow
        return (
            select(MessageRow.thread_id, func.count())
            .outerjoin(r, and_(r.thread_id == MessageRow.thread_id, r.user_id == user_id))
            .where(
                MessageRow.author_id != user_id,
                or_(r.last_read_message_id.is_(None), MessageRow.id > r.last_read_message_id),
            )
            .group_by(MessageRow.thread_id)
        )

    async def unread_in(self, thread_id: int, user_id: int) -> int:
        """Messages by others in the thread after the user's read mark."""
        result = await self.db.execute(self._unread(user_id).where(MessageRow.thread_id == thread_id))
        row = result.first()
        return 0 if row is None else int(row[1])

    async def unread_total(self, role: Role, user_id: int) -> int:
        """Messages by others the user has not read, over every thread they take part in."""
        inner = self._unread(user_id).where(MessageRow.thread_id.in_(participant_thread_ids(role, user_id)))
        counts = inner.subquery()
        result = await self.db.execute(select(func.coalesce(func.sum(counts.c[1]), 0)))
        return int(result.scalar_one())

    async def participant_threads(
        self, role: Role, user_id: int, *, offset: int, limit: int
    ) -> tuple[list[tuple[Thread, int]], int]:
        """One page of the threads the user takes part in, the most recently active first, each with
        its unread count; and how many such threads there are."""
        ids = participant_thread_ids(role, user_id)
        total = (await self.db.execute(select(func.count()).select_from(ids.subquery()))).scalar_one()
        rows = (
            (
                await self.db.execute(
                    select(MessageThreadRow)
                    .where(MessageThreadRow.id.in_(ids))
                    .order_by(MessageThreadRow.last_message_at.desc(), MessageThreadRow.id.desc())
                    .offset(offset)
                    .limit(limit)
                )
            )
            .scalars()
            .all()
        )
        page = [_thread(row) for row in rows]
        unread: dict[int, int] = {}
        if page:
            result = await self.db.execute(
                self._unread(user_id).where(MessageRow.thread_id.in_([t.id for t in page]))
            )
            unread = {thread_id: count for thread_id, count in result.all()}
        return [(t, unread.get(t.id, 0)) for t in page], int(total)
