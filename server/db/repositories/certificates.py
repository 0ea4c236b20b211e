"""Repository of certificates of completion, and the attendance they are computed from."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession as AsyncDb

from server.db.models import AttendanceInterval, CompletionCertificate, Visit, VisitInvitation


class CertificateRepository:
    def __init__(self, db: AsyncDb) -> None:
        self.db = db

    async def get(self, certificate_id: int) -> CompletionCertificate | None:
        return await self.db.get(CompletionCertificate, certificate_id)

    async def current(self, enrollment_id: int) -> CompletionCertificate | None:
        """The enrollment's certificate that has not been superseded, if any."""
        result = await self.db.execute(
            select(CompletionCertificate).where(
                CompletionCertificate.enrollment_id == enrollment_id,
                CompletionCertificate.superseded_at.is_(None),
            )
        )
        return result.scalar_one_or_none()

    async def of_enrollment(self, enrollment_id: int) -> Sequence[CompletionCertificate]:
        """Every certificate of the enrollment, the earliest first (the current one last)."""
        result = await self.db.execute(
            select(CompletionCertificate)
            .where(CompletionCertificate.enrollment_id == enrollment_id)
            .order_by(CompletionCertificate.id)
        )
        return result.scalars().all()

    async def by_code(self, code: str) -> CompletionCertificate | None:
        result = await self.db.execute(
            select(CompletionCertificate).where(CompletionCertificate.code == code)
        )
        return result.scalar_one_or_none()

    async def add(self, certificate: CompletionCertificate) -> CompletionCertificate:
        """Insert and flush (the id is known afterwards: the code is computed over it)."""
        self.db.add(certificate)
        await self.db.flush()
        return certificate

    async def flush(self) -> None:
        await self.db.flush()

    async def supersede(self, certificate_id: int, at: datetime) -> bool:
        """Mark a current certificate superseded; False when another request already did."""
        result = await self.db.execute(
            update(CompletionCertificate)
            .where(
                CompletionCertificate.id == certificate_id,
                CompletionCertificate.superseded_at.is_(None),
            )
            .values(superseded_at=at)
            .execution_options(synchronize_session=False)
        )
        return bool(result.rowcount == 1)  # type: ignore[attr-defined]

    async def visitor_attendance(
        self, enrollment_id: int, visitor_id: int
    ) -> Sequence[tuple[Visit, AttendanceInterval]]:
        """The visitor's own attendance intervals (as a visitor) in the visits they were invited to
        through this enrollment, each with its visit; by connection time."""
        result = await self.db.execute(
            select(Visit, AttendanceInterval)
            .join(VisitInvitation, VisitInvitation.visit_id == Visit.id)
            .join(AttendanceInterval, AttendanceInterval.visit_id == Visit.id)
            .where(
                VisitInvitation.enrollment_id == enrollment_id,
                VisitInvitation.visitor_id == visitor_id,
                AttendanceInterval.user_id == visitor_id,
                AttendanceInterval.role == "visitor",
            )
            .order_by(AttendanceInterval.connected_at, AttendanceInterval.id)
        )
        return [(visit, interval) for visit, interval in result]
