"""Queries and writes of letters of recommendation: requests, their saved versions, and the reviewed
presentations a letter may rest on. Reads return the domain's
:class:`~server.domain.letters.StoredLetterRequest`, :class:`~server.domain.letters.StoredLetterVersion`
and :class:`~server.domain.letters.PresentationRecord`; the rows stay in this module."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession as AsyncDb

from server.db.models import CaseLogRow, EncounterRow, LetterRequestRow, LetterVersionRow, PresentationRow
from server.domain.evidence import parse_ref
from server.domain.letters import (
    LetterRequest,
    LetterState,
    LetterVersion,
    Paragraph,
    ParagraphKind,
    PresentationRecord,
    StoredLetterRequest,
    StoredLetterVersion,
)
from server.domain.presentations import PresentationFormat

# --- rows <-> domain ----------------------------------------------------------------------------


def _request(row: LetterRequestRow) -> StoredLetterRequest:
    return StoredLetterRequest(
        id=row.id,
        enrollment_id=row.enrollment_id,
        visitor_id=row.visitor_id,
        preceptor_id=row.preceptor_id,
        author_name=row.author_name,
        author_title=row.author_title,
        specialty=row.specialty,
        eras_letter_id=row.eras_letter_id,
        ferpa_waived=row.ferpa_waived,
        state=LetterState(row.state),
        signed_at=row.signed_at,
        # A copy: the domain object must not share the row's mutable JSON.
        letterhead=None if row.letterhead is None else dict(row.letterhead),
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


def _paragraphs(stored: Sequence[dict[str, Any]]) -> tuple[Paragraph, ...]:
    # Stored evidence is read as an author's would be: text that names no record is Invalid, not a 500.
    return tuple(
        Paragraph(
            p["text"], tuple(parse_ref(e, "paragraphs") for e in p["evidence"]), ParagraphKind(p["kind"])
        )
        for p in stored
    )


def _version(row: LetterVersionRow) -> StoredLetterVersion:
    return StoredLetterVersion(
        number=row.number,
        paragraphs=_paragraphs(row.paragraphs),
        saved_by=row.saved_by,
        saved_at=row.saved_at,
    )


def _stored_paragraphs(paragraphs: Sequence[Paragraph]) -> list[dict[str, Any]]:
    return [
        {"text": p.text, "kind": p.kind.value, "evidence": [str(e) for e in p.evidence]} for p in paragraphs
    ]


class LetterRepository:
    """Reads return domain objects; writes take them."""

    def __init__(self, db: AsyncDb) -> None:
        self.db = db

    async def add(
        self, *, enrollment_id: int, visitor_id: int, preceptor_id: int, request: LetterRequest, at: datetime
    ) -> StoredLetterRequest:
        """Write a new request (state requested, not signed)."""
        row = LetterRequestRow(
            enrollment_id=enrollment_id,
            visitor_id=visitor_id,
            preceptor_id=preceptor_id,
            author_name=request.author_name,
            author_title=request.author_title,
            specialty=request.specialty,
            eras_letter_id=request.eras_letter_id,
            ferpa_waived=request.ferpa_waived,
            state=LetterState.REQUESTED.value,
            signed_at=None,
            created_at=at,
            updated_at=at,
        )
        self.db.add(row)
        await self.db.flush()
        return _request(row)

    async def update(self, stored: StoredLetterRequest) -> StoredLetterRequest:
        """Write back what changes in a request's life: the ERAS Letter ID, state, signing time,
        letterhead and update time (who asked whom, for what, and the waiver are fixed)."""
        row = await self.db.get(LetterRequestRow, stored.id)
        if row is None:
            raise LookupError(f"no letter request {stored.id}")
        row.eras_letter_id = stored.eras_letter_id
        row.state = stored.state.value
        row.signed_at = stored.signed_at
        row.letterhead = None if stored.letterhead is None else dict(stored.letterhead)
        row.updated_at = stored.updated_at
        await self.db.flush()
        return _request(row)

    async def get(self, request_id: int) -> StoredLetterRequest | None:
        """The request, if there is one."""
        row = await self.db.get(LetterRequestRow, request_id)
        return None if row is None else _request(row)

    async def lock(self, request_id: int) -> StoredLetterRequest | None:
        """The request, locked for update (PostgreSQL; SQLite serialises writers anyway), read fresh."""
        result = await self.db.execute(
            select(LetterRequestRow)
            .where(LetterRequestRow.id == request_id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
        row = result.scalar_one_or_none()
        return None if row is None else _request(row)

    async def of_visitor(self, visitor_id: int) -> list[StoredLetterRequest]:
        """The visitor's requests, oldest first."""
        result = await self.db.execute(
            select(LetterRequestRow)
            .where(LetterRequestRow.visitor_id == visitor_id)
            .order_by(LetterRequestRow.id)
        )
        return [_request(row) for row in result.scalars()]

    async def of_preceptor(self, preceptor_id: int) -> list[StoredLetterRequest]:
        """The requests addressed to the preceptor, oldest first."""
        result = await self.db.execute(
            select(LetterRequestRow)
            .where(LetterRequestRow.preceptor_id == preceptor_id)
            .order_by(LetterRequestRow.id)
        )
        return [_request(row) for row in result.scalars()]

    async def of_enrollment(self, enrollment_id: int) -> list[StoredLetterRequest]:
        """The requests made through the enrollment, oldest first."""
        result = await self.db.execute(
            select(LetterRequestRow)
            .where(LetterRequestRow.enrollment_id == enrollment_id)
            .order_by(LetterRequestRow.id)
        )
        return [_request(row) for row in result.scalars()]

    async def versions(self, request_id: int) -> list[StoredLetterVersion]:
        """A request's versions, oldest first."""
        result = await self.db.execute(
            select(LetterVersionRow)
            .where(LetterVersionRow.request_id == request_id)
            .order_by(LetterVersionRow.number)
        )
        return [_version(row) for row in result.scalars()]

    async def add_version(
        self, request_id: int, version: LetterVersion, *, saved_by: int
    ) -> StoredLetterVersion:
        """Write a saved version of the request's letter (its number unique per request)."""
        row = LetterVersionRow(
            request_id=request_id,
            number=version.number,
            paragraphs=_stored_paragraphs(version.paragraphs),
            saved_by=saved_by,
            saved_at=version.saved_at,
        )
        self.db.add(row)
        await self.db.flush()
        return _version(row)

    async def reviewed_presentations(self, enrollment_id: int, reviewer_id: int) -> list[PresentationRecord]:
        """The enrollment's presentations ``reviewer_id`` reviewed, each with its encounter's rotation
        week and the day it was reviewed, by week then id."""
        result = await self.db.execute(
            select(PresentationRow, EncounterRow.rotation_week)
            .join(CaseLogRow, CaseLogRow.id == PresentationRow.case_log_id)
            .join(EncounterRow, EncounterRow.id == CaseLogRow.encounter_id)
            .where(
                EncounterRow.enrollment_id == enrollment_id,
                PresentationRow.reviewed_by == reviewer_id,
                PresentationRow.reviewed_at.is_not(None),
            )
            .order_by(EncounterRow.rotation_week, PresentationRow.id)
        )
        return [
            PresentationRecord(p.id, p.reviewed_at.date(), week, PresentationFormat(p.format))
            for p, week in result
            if p.reviewed_at is not None
        ]
