"""Repository of certificates of completion, and the attendance they are computed from. Reads return
the domain's :class:`~server.domain.certificates.IssuedCertificate` and
:class:`~server.domain.certificates.AttendedSpan`; the rows stay in this module."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession as AsyncDb

from server.db.models import AttendanceIntervalRow, CompletionCertificateRow, VisitInvitationRow, VisitRow
from server.domain.certificates import AttendedSpan, Certificate, IssuedCertificate


def _issued(row: CompletionCertificateRow) -> IssuedCertificate:
    return IssuedCertificate(
        id=row.id,
        enrollment_id=row.enrollment_id,
        visitor_id=row.visitor_id,
        program_id=row.program_id,
        preceptor_id=row.preceptor_id,
        visitor_name=row.visitor_name,
        program_title=row.program_title,
        rotation_type=row.rotation_type,
        modality=row.modality,
        preceptor_name=row.preceptor_name,
        preceptor_title=row.preceptor_title,
        start=row.start_date,
        end=row.end_date,
        sessions_attended=row.sessions_attended,
        verified_seconds=row.verified_seconds,
        issued_on=row.issued_on,
        code=row.code,
        issued_by=row.issued_by,
        created_at=row.created_at,
        superseded_at=row.superseded_at,
    )


def _span(visit: VisitRow, interval: AttendanceIntervalRow) -> AttendedSpan:
    return AttendedSpan(
        visit_id=visit.id,
        host_id=visit.host_id,
        starts_at=visit.starts_at,
        duration_minutes=visit.duration_minutes,
        ended_at=visit.ended_at,
        connected_at=interval.connected_at,
        disconnected_at=interval.disconnected_at,
    )


class CertificateRepository:
    def __init__(self, db: AsyncDb) -> None:
        self.db = db

    async def get(self, certificate_id: int) -> IssuedCertificate | None:
        row = await self.db.get(CompletionCertificateRow, certificate_id)
        return None if row is None else _issued(row)

    async def current(self, enrollment_id: int) -> IssuedCertificate | None:
        """The enrollment's certificate that has not been superseded, if any."""
        result = await self.db.execute(
            select(CompletionCertificateRow).where(
                CompletionCertificateRow.enrollment_id == enrollment_id,
                CompletionCertificateRow.superseded_at.is_(None),
            )
        )
        row = result.scalar_one_or_none()
        return None if row is None else _issued(row)

    async def of_enrollment(self, enrollment_id: int) -> list[IssuedCertificate]:
        """Every certificate of the enrollment, the earliest first (the current one last)."""
        result = await self.db.execute(
            select(CompletionCertificateRow)
            .where(CompletionCertificateRow.enrollment_id == enrollment_id)
            .order_by(CompletionCertificateRow.id)
        )
        return [_issued(row) for row in result.scalars()]

    async def by_code(self, code: str) -> IssuedCertificate | None:
        result = await self.db.execute(
            select(CompletionCertificateRow).where(CompletionCertificateRow.code == code)
        )
        row = result.scalar_one_or_none()
        return None if row is None else _issued(row)

    async def add(
        self,
        *,
        enrollment_id: int,
        visitor_id: int,
        program_id: int,
        preceptor_id: int,
        certificate: Certificate,
        code_for: Callable[[int], str],
        issued_by: int,
        at: datetime,
    ) -> IssuedCertificate:
        """Insert ``certificate``'s facts and flush; then, the id being known, store ``code_for(id)`` as
        its code (the code is computed over the id). The database's constraints raise IntegrityError."""
        row = CompletionCertificateRow(
            enrollment_id=enrollment_id,
            visitor_id=visitor_id,
            program_id=program_id,
            preceptor_id=preceptor_id,
            visitor_name=certificate.visitor_name,
            program_title=certificate.program,
            rotation_type=certificate.rotation_type.value,
            modality=certificate.modality.value,
            preceptor_name=certificate.preceptor_name,
            preceptor_title=certificate.preceptor_title,
            start_date=certificate.start,
            end_date=certificate.end,
            sessions_attended=certificate.sessions_attended,
            verified_seconds=certificate.verified_seconds,
            issued_on=certificate.issued_on,
            code="pending-" + secrets.token_hex(8),  # replaced below, in the same transaction
            issued_by=issued_by,
            created_at=at,
            superseded_at=None,
        )
        self.db.add(row)
        await self.db.flush()
        row.code = code_for(row.id)
        await self.db.flush()
        return _issued(row)

    async def supersede(self, certificate_id: int, at: datetime) -> bool:
        """Mark a current certificate superseded; False when another request already did."""
        result = await self.db.execute(
            update(CompletionCertificateRow)
            .where(
                CompletionCertificateRow.id == certificate_id,
                CompletionCertificateRow.superseded_at.is_(None),
            )
            .values(superseded_at=at)
            .execution_options(synchronize_session=False)
        )
        return bool(result.rowcount == 1)  # type: ignore[attr-defined]

    async def visitor_attendance(self, enrollment_id: int, visitor_id: int) -> list[AttendedSpan]:
        """The visitor's own attendance intervals (as a visitor) in the visits they were invited to
        through this enrollment, each with its visit; by connection time."""
        result = await self.db.execute(
            select(VisitRow, AttendanceIntervalRow)
            .join(VisitInvitationRow, VisitInvitationRow.visit_id == VisitRow.id)
            .join(AttendanceIntervalRow, AttendanceIntervalRow.visit_id == VisitRow.id)
            .where(
                VisitInvitationRow.enrollment_id == enrollment_id,
                VisitInvitationRow.visitor_id == visitor_id,
                AttendanceIntervalRow.user_id == visitor_id,
                AttendanceIntervalRow.role == "visitor",
            )
            .order_by(AttendanceIntervalRow.connected_at, AttendanceIntervalRow.id)
        )
        return [_span(visit, interval) for visit, interval in result]
