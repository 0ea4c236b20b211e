"""Repository of uploaded documents."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession as AsyncDb

from server.db.models import (
    Document,
)


class DocumentRepository:
    def __init__(self, db: AsyncDb) -> None:
        self.db = db

    async def get(self, document_id: int) -> Document | None:
        return await self.db.get(Document, document_id)

    async def add(self, document: Document) -> Document:
        self.db.add(document)
        await self.db.flush()
        return document

    async def of_owner(self, owner_id: int) -> Sequence[Document]:
        result = await self.db.execute(
            select(Document)
            .where(Document.owner_id == owner_id)
            .order_by(Document.uploaded_at.desc(), Document.id.desc())
        )
        return result.scalars().all()

    async def of_owners(self, owner_ids: Sequence[int]) -> Sequence[Document]:
        if not owner_ids:
            return []
        result = await self.db.execute(
            select(Document)
            .where(Document.owner_id.in_(set(owner_ids)))
            .order_by(Document.uploaded_at.desc(), Document.id.desc())
        )
        return result.scalars().all()

    async def save(self) -> None:
        await self.db.flush()
