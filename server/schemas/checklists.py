"""API types of the before-day-one checklist of an enrollment."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import Field

from server.domain.checklists import ChecklistItem, ItemStatus
from server.domain.vocab import DocumentKind, DocumentStatus
from server.schemas.base import Input, Note, Output


class ChecklistItemOut(Output):
    item: ChecklistItem
    label: str
    what: str
    due_on: date | None
    overdue: bool
    status: ItemStatus
    document_kind: DocumentKind | None = Field(
        description="The document this item needs (done once verified); None: marked done by hand."
    )
    document_label: str | None
    document_status: DocumentStatus | None
    document_id: int | None
    done_at: datetime | None
    done_by: str | None
    note: str | None


class ChecklistOut(Output):
    application_id: int
    program_title: str
    starts_on: date | None
    items: list[ChecklistItemOut]
    open_count: int = Field(description="Items not yet done.")


class ChecklistMarkIn(Input):
    done: bool
    note: Note | None = None
