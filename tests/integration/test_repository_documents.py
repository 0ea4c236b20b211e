"""The document repository maps rows to the domain's stored documents and back, on both databases:
what is added or updated reads back equal, in a fresh unit of work."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

from server.db.uow import UnitOfWorkFactory
from server.domain.documents import CheckedFile, StoredDocument
from server.domain.vocab import DocumentKind, DocumentStatus
from tests.support.world import World

UPLOADED = datetime(2025, 3, 4, 10, 30, tzinfo=UTC)
LATER = datetime(2025, 3, 5, 8, 0, tzinfo=UTC)
REVIEWED = datetime(2025, 3, 6, 9, 15, tzinfo=UTC)
FILE = CheckedFile(content_type="application/pdf", extension="pdf", sha256="ab" * 32, size=1234)


async def test_a_document_reads_back_as_uploaded_and_as_reviewed(
    uows: UnitOfWorkFactory, world: World
) -> None:
    async with uows() as uow:
        added = await uow.documents.add(
            owner_id=world.student.user_id,
            kind=DocumentKind.CV,
            original_name="cv.pdf",
            file=FILE,
            at=UPLOADED,
        )
        await uow.commit()
    assert added == StoredDocument(
        id=added.id,
        owner_id=world.student.user_id,
        kind=DocumentKind.CV,
        original_name="cv.pdf",
        content_type="application/pdf",
        size=1234,
        sha256="ab" * 32,
        status=DocumentStatus.SUBMITTED,
        review_note=None,
        expires_on=None,
        uploaded_at=UPLOADED,
        reviewed_by=None,
        reviewed_at=None,
    )
    async with uows() as uow:
        assert await uow.documents.get(added.id) == added
        assert await uow.documents.get(added.id + 1) is None

    reviewed = replace(
        added,
        status=DocumentStatus.VERIFIED,
        review_note="Legible.",
        expires_on=date(2026, 1, 31),
        reviewed_by=world.coordinator.user_id,
        reviewed_at=REVIEWED,
    )
    async with uows() as uow:
        assert await uow.documents.update(reviewed) == reviewed
        await uow.commit()
    async with uows() as uow:
        assert await uow.documents.get(added.id) == reviewed


async def test_documents_of_owners_newest_first(uows: UnitOfWorkFactory, world: World) -> None:
    async with uows() as uow:
        first = await uow.documents.add(
            owner_id=world.student.user_id,
            kind=DocumentKind.PHOTO_ID,
            original_name="id.png",
            file=FILE,
            at=UPLOADED,
        )
        second = await uow.documents.add(
            owner_id=world.student.user_id, kind=DocumentKind.CV, original_name="cv.pdf", file=FILE, at=LATER
        )
        theirs = await uow.documents.add(
            owner_id=world.graduate.user_id,
            kind=DocumentKind.CV,
            original_name="c.pdf",
            file=FILE,
            at=UPLOADED,
        )
        await uow.commit()
    added = (first, second, theirs)
    async with uows() as uow:
        # The world may hold uploads of its own: only the order of these three is asserted.
        mine = await uow.documents.of_owner(world.student.user_id)
        both = await uow.documents.of_owners([world.student.user_id, world.graduate.user_id])
        assert await uow.documents.of_owners([]) == []
    assert [d for d in mine if d in added] == [second, first]
    # Equal upload times: the later id comes first.
    assert [d for d in both if d in added] == [second, theirs, first]
