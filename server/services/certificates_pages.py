"""What the certificate page shows (``/record/enrollments/{id}/certificate``), put together from
:mod:`server.services.certificates`: the current certificate and the earlier ones, whether one can be
issued now and, for the program's staff, what the attendance records say today."""

from __future__ import annotations

from dataclasses import dataclass

from server.db.uow import UnitOfWork
from server.domain.actors import Actor
from server.domain.applications import AppState
from server.schemas.certificates import CertificateOut
from server.services import audit, certificates
from server.services.certificates import Attendance, Eligibility
from server.services.encounters import load_enrollment


@dataclass(frozen=True)
class CertificatePage:
    """The certificate page of an enrollment: the current certificate (if any), earlier ones, whether
    one can be issued now, and (for the staff) what the attendance records say today."""

    enrollment_id: int
    visitor_name: str
    program_title: str
    state: AppState
    certificate: CertificateOut | None
    history: list[CertificateOut]
    can_issue: bool
    eligibility: Eligibility
    attendance: Attendance | None
    preceptors: list[tuple[int, str]]


async def certificate_page(uow: UnitOfWork, actor: Actor, enrollment_id: int) -> CertificatePage:
    """The enrollment's certificate page for its visitor, preceptors and coordinator; showing the
    current certificate is recorded in the audit log."""
    async with uow:
        enrollment = await load_enrollment(uow, actor, enrollment_id)
        staff = enrollment.actor_is_coordinator or enrollment.actor_is_preceptor
        rows = list(await uow.certificates.of_enrollment(enrollment.id))
        current = next((r for r in rows if r.superseded_at is None), None)
        outs = [await certificates.certificate_out(uow, r) for r in rows]
        certificate = next((o for o in outs if current is not None and o.id == current.id), None)
        eligibility = await certificates.eligibility_of(uow, enrollment)
        attendance = None
        if staff:
            attendance = certificates.attendance_totals(
                await uow.certificates.visitor_attendance(enrollment.id, enrollment.visitor_id), uow.now()
            )
        users = await uow.users.by_ids([enrollment.visitor_id, *enrollment.preceptor_ids])
        if current is not None:
            await audit.record(uow, actor, audit.AuditAction.READ, audit.CERTIFICATE, [current.id])
            await uow.commit()
        return CertificatePage(
            enrollment_id=enrollment.id,
            visitor_name=users[enrollment.visitor_id].full_name,
            program_title=enrollment.program.title,
            state=AppState(enrollment.application.state),
            certificate=certificate,
            history=[o for o in reversed(outs) if o.superseded_at is not None],
            can_issue=staff and eligibility.ready,
            eligibility=eligibility,
            attendance=attendance,
            preceptors=[
                (pid, users[pid].full_name) for pid in sorted(enrollment.preceptor_ids) if pid in users
            ],
        )
