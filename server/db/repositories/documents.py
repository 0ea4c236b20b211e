"""Repository of uploaded documents. Reads return the domain's
:class:`~server.domain.documents.StoredDocument`; writes take it; the rows stay in this module."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession as AsyncDb

from server.db.models import DocumentRow
from server.domain.documents import CheckedFile, StoredDocument
from server.domain.vocab import DocumentKind, DocumentStatus


def _document(row: DocumentRow) -> StoredDocument:
    return StoredDocument(
        id=row.id,
        owner_id=row.owner_id,
        kind=DocumentKind(row.kind),
        original_name=row.original_name,
        content_type=row.content_type,
        size=row.size,
        sha256=row.sha256,
        status=DocumentStatus(row.status),
        review_note=row.review_note,
        expires_on=row.expires_on,
        uploaded_at=row.uploaded_at,
        reviewed_by=row.reviewed_by,
        reviewed_at=row.reviewed_at,
    )


class DocumentRepository:
    """Reads return domain objects; writes take them."""

    def __init__(self, db: AsyncDb) -> None:
        self.db = db

    async def get(self, document_id: int) -> StoredDocument | None:
        """The document, if there is one."""
        row = await self.db.get(DocumentRow, document_id)
        return None if row is None else _document(row)

    async def add(
        self, *, owner_id: int, kind: DocumentKind, original_name: str, file: CheckedFile, at: datetime
    ) -> StoredDocument:
        """Write a new upload of a checked file, submitted for review."""
        row = DocumentRow(
            owner_id=owner_id,
            kind=kind.value,
            original_name=original_name,
            content_type=file.content_type,
            size=file.size,
            sha256=file.sha256,
            status=DocumentStatus.SUBMITTED.value,
            uploaded_at=at,
        )
        self.db.add(row)
        await self.db.flush()
        return _document(row)

    async def update(self, stored: StoredDocument) -> StoredDocument:
        """Write back a review: status, note, expiry, reviewer and time (the upload itself is fixed)."""
        row = await self.db.get(DocumentRow, stored.id)
        if row is None:
            raise LookupError(f"no document {stored.id}")
        row.status = stored.status.value
        row.review_note = stored.review_note
        row.expires_on = stored.expires_on
        row.reviewed_by = stored.reviewed_by
        row.reviewed_at = stored.reviewed_at
        await self.db.flush()
        return _document(row)

    async def of_owner(self, owner_id: int) -> list[StoredDocument]:
        """The owner's documents, newest first."""
        result = await self.db.execute(
            select(DocumentRow)
            .where(DocumentRow.owner_id == owner_id)
            .order_by(DocumentRow.uploaded_at.desc(), DocumentRow.id.desc())
        )
        return [_document(row) for row in result.scalars()]

    async def of_owners(self, owner_ids: Sequence[int]) -> list[StoredDocument]:
        """The documents of any of the owners, newest first."""
        if not owner_ids:
            return []
        result = await self.db.execute(
            select(DocumentRow)
            .where(DocumentRow.owner_id.in_(set(owner_ids)))
            .order_by(DocumentRow.uploaded_at.desc(), DocumentRow.id.desc())
        )
        return [_document(row) for row in result.scalars()]
