"""API types of messages: opening a thread, a thread in a list, a page of its messages, sending one."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import Field, StringConstraints

from server.domain.messages import MAX_BODY, ThreadKind
from server.schemas.base import Id, Input, Output

Body = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_BODY)]


class ThreadIn(Input):
    application_id: Id = Field(description="The application (or enrollment) the conversation is about.")
    preceptor_id: Id | None = Field(
        default=None,
        description="A visitor's thread with this preceptor of the enrollment; omit for the coach thread. "
        "A preceptor opening a thread gives none (or their own id).",
    )


class MessageIn(Input):
    body: Body


class ReadIn(Input):
    up_to: Id | None = Field(default=None, description="The newest message read; omit for all of them.")


class ThreadPageQuery(Input):
    page: int = Field(default=1, ge=1, le=10_000)


class MessagePageQuery(Input):
    before: Id | None = Field(default=None, description="Only messages older than this one.")
    limit: int = Field(default=20, ge=1, le=100)


class PartyOut(Output):
    id: int
    full_name: str
    role: str


class ThreadOut(Output):
    id: int
    application_id: int
    program_title: str
    kind: ThreadKind
    visitor: PartyOut
    counterpart: PartyOut | None = Field(description="The coach or the preceptor (None: no coach yet).")
    can_write: bool
    unread: int
    last_message_at: datetime


class ThreadListOut(Output):
    threads: list[ThreadOut]
    page: int
    pages: int
    total: int


class AttachmentOut(Output):
    name: str
    content_type: str
    size: int


class MessageOut(Output):
    id: int
    thread_id: int
    author: PartyOut
    body: str
    created_at: datetime
    attachment: AttachmentOut | None
    mine: bool


class MessagePageOut(Output):
    thread: ThreadOut
    messages: list[MessageOut] = Field(description="Newest first.")
    older: int | None = Field(description="Pass as ``before`` for the next (older) page; None: no more.")


class UnreadOut(Output):
    unread: int
