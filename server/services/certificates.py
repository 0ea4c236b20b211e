"""Certificates of completion: issuing one from the attendance records, reading it, exporting it, and
the public check of a verification code.

When a certificate can be issued
--------------------------------
By the program's coordinator or one of its preceptors, once the rotation is over: the enrollment is
**completed**, or it is still enrolled/active but the **last day of its last block has passed** (a
coordinator who has not yet pressed "complete" does not hold the certificate back). Otherwise the request
is refused (409) saying when it can be issued. The rotation runs from the first day of the enrollment's
first block to the last day of its last block, or to the day it was marked completed when that was earlier.

What it states, and where that comes from
-----------------------------------------
The visitor's and the program's names, rotation type and modality come from the records; the preceptor is
the issuing preceptor, or one the issuer names (a preceptor of the program), or by default the preceptor
who hosted most of the visitor's attended time. **Sessions attended and verified hours come only from the
server's attendance intervals**: the visitor's own intervals (as a visitor) in the visits they were invited
to through this enrollment, open intervals closed at the visit's end (or its join window's), the union of
them all (``server.domain.visits.merged_seconds``: two tabs or overlapping visits count once). A session is
a visit with some attended time. Nothing typed by anyone enters either number.

The code
--------
``server.domain.certificates`` signs every field (the row id too) with a key derived from the server's
secret (:func:`signing_key`; changing ``ROUNDS_SECRET_KEY`` makes every issued certificate fail). The row
keeps the content as issued; :func:`verify` finds a certificate by code and recomputes the code from the
stored content, so a changed row, or a changed code, is "not genuine".

Reissuing keeps the history: the current certificate is marked superseded and a new one is issued (with a
new code); issuing again when nothing changed returns the current one. A superseded code still verifies,
shown as replaced.
"""

from __future__ import annotations

import dataclasses
import hashlib
import hmac
import logging
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.exc import IntegrityError

from server.db.uow import UnitOfWork
from server.domain.actors import Actor
from server.domain.applications import ENROLLED_STATES, AppState
from server.domain.blocks import block_end
from server.domain.certificates import (
    VERIFY_PATH,
    AttendedSpan,
    Certificate,
    IssuedCertificate,
    make_certificate,
    normalize_code,
    verification_code,
    verify_code,
)
from server.domain.dates import human_day
from server.domain.errors import Conflict, Forbidden, Invalid, NotFound
from server.domain.visits import join_window, merged_seconds
from server.domain.vocab import Role
from server.schemas.certificates import CertificateOut, CertifiedFactsOut, VerificationOut
from server.services import audit, notifications
from server.services.encounters import Enrollment, load_enrollment

log = logging.getLogger("rounds.certificates")

KEY_PURPOSE = b"rounds-certificate-signing-key-v1"
# The fields that make two certificates say the same thing (the id and the issue date aside).
_SAME_FACTS = (
    "visitor_name",
    "program",
    "rotation_type",
    "modality",
    "preceptor_name",
    "preceptor_title",
    "start",
    "end",
    "sessions_attended",
    "verified_seconds",
)

NOT_A_CODE = (
    "That is not a certificate code: a code has 20 letters and digits, usually written in four groups "
    "of five (7K3QD-9XW2M-A0ZFT-H4C8R)."
)
MESSAGES = {
    "genuine": "Genuine: Rounds issued this certificate and it is unchanged.",
    "superseded": "Genuine, but replaced: Rounds issued this certificate and it is unchanged, but a newer "
    "certificate was issued for the same rotation. Ask the holder for the current one.",
    "altered": "Not genuine: a certificate with this code exists, but its content no longer matches the "
    "code. Do not rely on it.",
    "unknown": "Not genuine: no certificate has this code. Check it character by character; a mistyped "
    "code fails too.",
}


def signing_key(secret_key: str) -> bytes:
    """The certificates' own key, derived from the server's secret (never the CSRF key itself)."""
    return hmac.new(secret_key.encode(), KEY_PURPOSE, hashlib.sha256).digest()


def verification_path(code: str) -> str:
    return VERIFY_PATH + code


# --- attendance -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Attendance:
    """What the attendance records say about a visitor's enrollment."""

    sessions: int
    seconds: int
    seconds_by_host: dict[int, int]


def attendance_totals(attended: Sequence[AttendedSpan], now: datetime) -> Attendance:
    """Sessions and merged seconds from the attended spans. An open interval runs to its visit's end,
    or to the close of its join window (no longer), or to ``now`` if that is earlier."""
    spans: list[tuple[datetime, datetime | None]] = []
    by_visit: dict[int, list[tuple[datetime, datetime | None]]] = defaultdict(list)
    hosts: dict[int, int] = {}
    for attendance in attended:
        end = attendance.disconnected_at
        if end is None:
            end = attendance.ended_at or min(
                now, join_window(attendance.starts_at, attendance.duration_minutes)[1]
            )
        span = (attendance.connected_at, end)
        spans.append(span)
        by_visit[attendance.visit_id].append(span)
        hosts[attendance.visit_id] = attendance.host_id
    per_visit = {visit_id: merged_seconds(items, now) for visit_id, items in by_visit.items()}
    seconds_by_host: dict[int, int] = defaultdict(int)
    for visit_id, seconds in per_visit.items():
        seconds_by_host[hosts[visit_id]] += seconds
    return Attendance(
        sessions=sum(1 for seconds in per_visit.values() if seconds > 0),
        seconds=merged_seconds(spans, now),
        seconds_by_host=dict(seconds_by_host),
    )


# --- eligibility ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Eligibility:
    """Whether a certificate can be issued now, and if so for which dates."""

    ready: bool
    reason: str
    start: date | None = None
    end: date | None = None


async def eligibility_of(uow: UnitOfWork, enrollment: Enrollment) -> Eligibility:
    """Whether a certificate can be issued for the enrollment now, and what is missing if not."""
    application = enrollment.application
    state = AppState(application.state)
    if state not in ENROLLED_STATES:
        return Eligibility(False, "This enrollment is not under way or completed.")
    block_ids = (await uow.applications.block_ids([application.id]))[application.id]
    blocks = await uow.programs.blocks_by_ids(block_ids)
    if not blocks:
        return Eligibility(False, "This enrollment has no blocks, so there is no rotation to certify.")
    first = blocks[0].start_date
    last_day = block_end(blocks[-1].start_date)
    today = uow.now().date()
    if state is AppState.COMPLETED:
        completed = [
            e.at.date() for e in await uow.applications.events(application.id) if e.to_state == "completed"
        ]
        end = min(last_day, completed[-1] if completed else today)
        if end < first:
            return Eligibility(
                False,
                f"This enrollment was completed before its first day ({human_day(first)}); there is no "
                "rotation to certify.",
            )
        return Eligibility(True, "The rotation is completed.", first, end)
    if today > last_day:
        return Eligibility(
            True, f"The rotation's last day ({human_day(last_day)}) has passed.", first, last_day
        )
    return Eligibility(
        False,
        f"The rotation is not over: its last day is {human_day(last_day)}. A certificate can be issued once "
        "the coordinator marks the enrollment completed, or from the day after its last day.",
    )


# --- the certificate's content --------------------------------------------------------------------


def facts_of(certificate: Certificate) -> CertifiedFactsOut:
    return CertifiedFactsOut(
        visitor_name=certificate.visitor_name,
        program=certificate.program,
        rotation_type=certificate.rotation_type,
        modality=certificate.modality,
        preceptor_name=certificate.preceptor_name,
        preceptor_title=certificate.preceptor_title,
        start=certificate.start,
        end=certificate.end,
        sessions_attended=certificate.sessions_attended,
        verified_seconds=certificate.verified_seconds,
        verified_hours=str(certificate.verified_hours),
        issued_on=certificate.issued_on,
        statement=certificate.statement(),
    )


async def certificate_out(uow: UnitOfWork, row: IssuedCertificate) -> CertificateOut:
    """A stored certificate as the API and the pages show it (its issuer's name, its facts)."""
    issuer = await uow.users.get(row.issued_by)
    facts = facts_of(row.certificate())
    return CertificateOut(
        **facts.model_dump(),
        id=row.id,
        enrollment_id=row.enrollment_id,
        visitor_id=row.visitor_id,
        program_id=row.program_id,
        preceptor_id=row.preceptor_id,
        code=row.code,
        verification_url=verification_path(row.code),
        issued_by=row.issued_by,
        issued_by_name=issuer.full_name if issuer else "",
        created_at=row.created_at,
        superseded_at=row.superseded_at,
    )


async def _choose_preceptor(
    uow: UnitOfWork, actor: Actor, enrollment: Enrollment, attendance: Attendance, chosen: int | None
) -> int:
    if chosen is not None:
        if chosen not in enrollment.preceptor_ids:
            raise Invalid("Name one of the program's preceptors on the certificate.", field="preceptor_id")
        return chosen
    if actor.role is Role.PRECEPTOR:
        return actor.user_id
    if not enrollment.preceptor_ids:
        raise Conflict(
            "The program has no preceptor to name on the certificate; add one to the program first."
        )
    # The preceptor who hosted most of the attended time (ties and no attendance: the lowest id).
    return max(
        sorted(enrollment.preceptor_ids), key=lambda pid: (attendance.seconds_by_host.get(pid, 0), -pid)
    )


async def _draft(
    uow: UnitOfWork, actor: Actor, enrollment: Enrollment, preceptor_id: int | None
) -> tuple[Certificate, int, Eligibility, Attendance]:
    """The certificate the records support now (id 1 until it is stored), and the preceptor it names."""
    eligibility = await eligibility_of(uow, enrollment)
    if not eligibility.ready or eligibility.start is None or eligibility.end is None:
        raise Conflict(eligibility.reason)
    visitor_id = enrollment.visitor_id
    attendance = attendance_totals(
        await uow.certificates.visitor_attendance(enrollment.id, visitor_id), uow.now()
    )
    preceptor = await _choose_preceptor(uow, actor, enrollment, attendance, preceptor_id)
    users = await uow.users.by_ids([visitor_id, preceptor])
    profile = await uow.users.preceptor_profile(preceptor)
    program = enrollment.program
    certificate = make_certificate(
        certificate_id=1,
        visitor_name=users[visitor_id].full_name,
        program=program.title,
        rotation_type=program.rotation_type,
        modality=program.modality,
        preceptor_name=users[preceptor].full_name,
        preceptor_title=(profile.title or "") if profile else "",
        start=eligibility.start,
        end=eligibility.end,
        sessions_attended=attendance.sessions,
        verified_seconds=attendance.seconds,
        issued_on=uow.now().date(),
    )
    return certificate, preceptor, eligibility, attendance


def _same_facts(a: Certificate, b: Certificate) -> bool:
    return all(getattr(a, name) == getattr(b, name) for name in _SAME_FACTS)


# --- use cases ------------------------------------------------------------------------------------


async def issue_certificate(
    uow: UnitOfWork, actor: Actor, enrollment_id: int, secret: str, *, preceptor_id: int | None = None
) -> CertificateOut:
    """Issue (or reissue) the enrollment's certificate: its coordinator or one of its preceptors, once the
    rotation is over (see the module's documentation). ``secret`` is the server's secret key. Returns the
    current certificate unchanged when the records still say exactly what it says."""
    key = signing_key(secret)
    async with uow:
        enrollment = await load_enrollment(uow, actor, enrollment_id)
        if not (enrollment.actor_is_coordinator or enrollment.actor_is_preceptor):
            raise Forbidden("Only the program's coordinator or one of its preceptors issues a certificate.")
        draft, preceptor, _, _ = await _draft(uow, actor, enrollment, preceptor_id)
        current = await uow.certificates.current(enrollment.id)
        now = uow.now()
        if current is not None:
            try:
                same = current.preceptor_id == preceptor and _same_facts(current.certificate(), draft)
            except Invalid:
                same = False  # the stored one no longer makes a certificate: replace it
            if same:
                return await certificate_out(uow, current)
            if not await uow.certificates.supersede(current.id, now):
                raise Conflict("This certificate was just reissued by someone else; reload it.")
        try:
            row = await uow.certificates.add(
                enrollment_id=enrollment.id,
                visitor_id=enrollment.visitor_id,
                program_id=enrollment.program.id,
                preceptor_id=preceptor,
                certificate=draft,
                code_for=lambda certificate_id: verification_code(
                    key, dataclasses.replace(draft, certificate_id=certificate_id)
                ),
                issued_by=actor.user_id,
                at=now,
            )
        except IntegrityError:
            raise Conflict("A certificate was just issued for this enrollment; reload it.") from None
        await audit.record(uow, actor, audit.AuditAction.ISSUE, audit.CERTIFICATE, [row.id])
        await notifications.certificate_issued(
            uow,
            visitor_id=enrollment.visitor_id,
            enrollment_id=enrollment.id,
            program_id=enrollment.program.id,
            certificate_id=row.id,
        )
        out = await certificate_out(uow, row)
        await uow.commit()
        log.info("certificate %d issued for enrollment %d by user %d", row.id, enrollment.id, actor.user_id)
        return out


async def get_certificate(uow: UnitOfWork, actor: Actor, enrollment_id: int) -> CertificateOut:
    """The enrollment's current certificate: its visitor, the program's preceptors and coordinator."""
    async with uow:
        enrollment = await load_enrollment(uow, actor, enrollment_id)
        row = await uow.certificates.current(enrollment.id)
        if row is None:
            raise NotFound("No certificate has been issued for this enrollment yet.")
        out = await certificate_out(uow, row)
        await audit.record(uow, actor, audit.AuditAction.READ, audit.CERTIFICATE, [row.id])
        await uow.commit()
        return out


async def export_certificate(uow: UnitOfWork, actor: Actor, certificate_id: int) -> CertificateOut:
    """A certificate (current or superseded) for download, for whoever may read its enrollment;
    recorded in the audit log as an export."""
    async with uow:
        row = await uow.certificates.get(certificate_id)
        if row is None:
            raise NotFound(f"There is no certificate {certificate_id}.")
        try:
            await load_enrollment(uow, actor, row.enrollment_id)
        except NotFound:
            raise NotFound(f"There is no certificate {certificate_id}.") from None
        out = await certificate_out(uow, row)
        await audit.record(uow, actor, audit.AuditAction.EXPORT, audit.CERTIFICATE, [row.id])
        await uow.commit()
        return out


async def verify(uow: UnitOfWork, code: str, secret: str) -> VerificationOut:
    """Anyone's check of a code: the certified facts when a certificate has this code and its stored
    content still produces it under the server's key; "altered" when the content does not; "unknown"
    when no certificate has the code. Invalid (field ``code``) for text that cannot be a code."""
    canonical = normalize_code(code)
    if canonical is None:
        raise Invalid(NOT_A_CODE, field="code")
    key = signing_key(secret)
    async with uow:
        row = await uow.certificates.by_code(canonical)
        if row is None:
            return VerificationOut(
                code=canonical, genuine=False, status="unknown", message=MESSAGES["unknown"], certificate=None
            )
        try:
            certificate: Certificate | None = row.certificate()
        except Invalid:
            certificate = None
        if certificate is None or not verify_code(key, certificate, row.code):
            log.warning("certificate %d does not match its code: altered", row.id)
            return VerificationOut(
                code=canonical, genuine=False, status="altered", message=MESSAGES["altered"], certificate=None
            )
        status = "superseded" if row.superseded_at is not None else "genuine"
        return VerificationOut(
            code=canonical,
            genuine=True,
            status=status,
            message=MESSAGES[status],
            certificate=facts_of(certificate),
        )
