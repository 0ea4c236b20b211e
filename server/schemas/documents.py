"""API types of documents: uploads, their review, and what a program requires."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import Field

from server.domain.vocab import (
    DocumentKind,
    DocumentStatus,
)
from server.schemas.base import (
    Input,
    Note,
    Output,
)


# --- documents --------------------------------------------------------------------------------
class DocumentOut(Output):
    id: int
    owner_id: int
    kind: DocumentKind
    kind_label: str
    original_name: str
    content_type: str
    size: int
    status: DocumentStatus
    review_note: str | None
    expires_on: date | None
    uploaded_at: datetime


class DocumentReviewIn(Input):
    status: Literal["verified", "rejected"]
    note: Note | None = Field(default=None, description="Required when rejecting: what to fix.")
    expires_on: date | None = None


class RequiredDocumentOut(Output):
    kind: DocumentKind
    kind_label: str
    status: DocumentStatus
    document_id: int | None
