"""Repository of uploaded documents."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession as AsyncDb

from server.db.models import (
    DocumentRow,
)


class DocumentRepository:
    def __init__(self, db: AsyncDb) -> None:
        self.db = db

    async def get(self, document_id: int) -> DocumentRow | None:
        return await self.db.get(DocumentRow, document_id)

    async def add(self, document: DocumentRow) -> DocumentRow:
        self.db.add(document)
        await self.db.flush()
        return document

    async def of_owner(self, owner_id: int) -> Sequence[DocumentRow]:
        result = await self.db.execute(
            select(DocumentRow)
            .where(DocumentRow.owner_id == owner_id)
            .order_by(DocumentRow.uploaded_at.desc(), DocumentRow.id.desc())
        )
        return result.scalars().all()

    async def of_owners(self, owner_ids: Sequence[int]) -> Sequence[DocumentRow]:
        if not owner_ids:
            return []
        result = await self.db.execute(
            select(DocumentRow)
            .where(DocumentRow.owner_id.in_(set(owner_ids)))
            .order_by(DocumentRow.uploaded_at.desc(), DocumentRow.id.desc())
        )
        return result.scalars().all()

    async def save(self) -> None:
        await self.db.flush()
