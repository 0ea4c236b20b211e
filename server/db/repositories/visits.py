"""Repository of live sessions ("visits"): the visits and their invitations, patient links, consents
and attendance intervals. Reads return the domain's :class:`~server.domain.visits.Visit`,
:class:`~server.domain.visits.VisitInvitation`, :class:`~server.domain.visits.PatientLink`,
:class:`~server.domain.visits.VisitConsent` and :class:`~server.domain.visits.AttendanceInterval`; the
rows stay in this module. State changes that two requests (or two WebSocket events) could race on are
single conditional UPDATEs, so only one of them wins."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import Select, select, update
from sqlalchemy.ext.asyncio import AsyncSession as AsyncDb

from server.db.models import (
    ApplicationBlockRow,
    ApplicationRow,
    AttendanceIntervalRow,
    EncounterRow,
    PatientLinkRow,
    VisitConsentRow,
    VisitInvitationRow,
    VisitRow,
)
from server.domain.caselog import EncounterKind, EncounterSource
from server.domain.visits import (
    AttendanceInterval,
    ConsentMethod,
    ConsentScope,
    EndReason,
    ParticipantRole,
    PatientLink,
    Visit,
    VisitConsent,
    VisitInvitation,
    VisitStatus,
)

# --- rows -> domain -------------------------------------------------------------------------------


def _visit(row: VisitRow) -> Visit:
    return Visit(
        id=row.id,
        program_id=row.program_id,
        block_id=row.block_id,
        host_id=row.host_id,
        kind=EncounterKind(row.kind),
        title=row.title,
        starts_at=row.starts_at,
        duration_minutes=row.duration_minutes,
        status=VisitStatus(row.status),
        started_at=row.started_at,
        ended_at=row.ended_at,
        cancel_note=row.cancel_note,
        created_at=row.created_at,
        sequence=row.sequence,
        revised_at=row.revised_at,
    )


def _invitation(row: VisitInvitationRow) -> VisitInvitation:
    return VisitInvitation(
        id=row.id, visit_id=row.visit_id, visitor_id=row.visitor_id, enrollment_id=row.enrollment_id
    )


def _link(row: PatientLinkRow) -> PatientLink:
    return PatientLink(
        id=row.id,
        visit_id=row.visit_id,
        token_hash=row.token_hash,
        created_by=row.created_by,
        created_at=row.created_at,
        expires_at=row.expires_at,
        redeemed_at=row.redeemed_at,
        revoked_at=row.revoked_at,
    )


def _consent(row: VisitConsentRow) -> VisitConsent:
    return VisitConsent(
        id=row.id,
        visit_id=row.visit_id,
        scope=ConsentScope(row.scope),
        method=ConsentMethod(row.method),
        obtained_by=row.obtained_by,
        recorded_at=row.recorded_at,
        withdrawn_at=row.withdrawn_at,
    )


def _interval(row: AttendanceIntervalRow) -> AttendanceInterval:
    return AttendanceInterval(
        id=row.id,
        visit_id=row.visit_id,
        user_id=row.user_id,
        participant_key=row.participant_key,
        role=ParticipantRole(row.role),
        connected_at=row.connected_at,
        disconnected_at=row.disconnected_at,
        end_reason=None if row.end_reason is None else EndReason(row.end_reason),
    )


class VisitRepository:
    """Reads return domain objects; writes take the new record's parts."""

    def __init__(self, db: AsyncDb) -> None:
        self.db = db

    # --- visits -------------------------------------------------------------------------------
    async def get(self, visit_id: int) -> Visit | None:
        """The visit, if there is one."""
        row = await self.db.get(VisitRow, visit_id)
        return None if row is None else _visit(row)

    async def by_ids(self, visit_ids: Sequence[int]) -> dict[int, Visit]:
        """The visits of ``visit_ids`` that exist, by id."""
        if not visit_ids:
            return {}
        result = await self.db.execute(select(VisitRow).where(VisitRow.id.in_(set(visit_ids))))
        return {row.id: _visit(row) for row in result.scalars()}

    async def lock(self, visit_id: int) -> Visit | None:
        """The visit, its row held until the transaction ends (PostgreSQL; SQLite's writers run one
        at a time already): ending a visit and recording attendance do not interleave."""
        result = await self.db.execute(
            select(VisitRow)
            .where(VisitRow.id == visit_id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
        row = result.scalar_one_or_none()
        return None if row is None else _visit(row)

    async def reload(self, visit_id: int) -> Visit | None:
        """The visit as the database has it now: after :meth:`compare_and_set_status`, whose UPDATE
        bypasses the rows already loaded, :meth:`get` would return the old state."""
        result = await self.db.execute(
            select(VisitRow).where(VisitRow.id == visit_id).execution_options(populate_existing=True)
        )
        row = result.scalar_one_or_none()
        return None if row is None else _visit(row)

    async def add(
        self,
        *,
        program_id: int,
        block_id: int,
        host_id: int,
        kind: EncounterKind,
        title: str,
        starts_at: datetime,
        duration_minutes: int,
        created_at: datetime,
        invitations: Sequence[tuple[int, int]],
    ) -> Visit:
        """Write a new visit (scheduled, not started) and its invitations, given as
        (visitor_id, enrollment_id)."""
        row = VisitRow(
            program_id=program_id,
            block_id=block_id,
            host_id=host_id,
            kind=kind.value,
            title=title,
            starts_at=starts_at,
            duration_minutes=duration_minutes,
            status=VisitStatus.SCHEDULED.value,
            started_at=None,
            ended_at=None,
            cancel_note=None,
            created_at=created_at,
            sequence=0,
            revised_at=None,
        )
        self.db.add(row)
        await self.db.flush()
        for visitor_id, enrollment_id in invitations:
            self.db.add(
                VisitInvitationRow(visit_id=row.id, visitor_id=visitor_id, enrollment_id=enrollment_id)
            )
        await self.db.flush()
        return _visit(row)

    async def compare_and_set_status(
        self, visit_id: int, expected: Sequence[str], values: dict[str, object]
    ) -> bool:
        """Change a visit only if its status is still one of ``expected``."""
        result = await self.db.execute(
            update(VisitRow)
            .where(VisitRow.id == visit_id, VisitRow.status.in_(list(expected)))
            .values(**values)
            .execution_options(synchronize_session=False)
        )
        return bool(result.rowcount == 1)  # type: ignore[attr-defined]

    async def cancel(self, visit_id: int, note: str | None, *, at: datetime) -> bool:
        """Cancel a visit that is still scheduled, with the host's note; a cancellation is a revision
        (``sequence`` + 1, ``revised_at``: calendars replace the event with the cancelled one). False
        if it has started or changed status meanwhile."""
        return await self.compare_and_set_status(
            visit_id,
            [VisitStatus.SCHEDULED.value],
            {
                "status": VisitStatus.CANCELLED.value,
                "cancel_note": note,
                "sequence": VisitRow.sequence + 1,
                "revised_at": at,
            },
        )

    async def move(self, visit_id: int, *, starts_at: datetime, duration_minutes: int, at: datetime) -> bool:
        """Move a visit that is still scheduled to a new start and duration, counting the revision
        (``sequence`` + 1, ``revised_at``); False if it has started or changed status meanwhile."""
        return await self.compare_and_set_status(
            visit_id,
            [VisitStatus.SCHEDULED.value],
            {
                "starts_at": starts_at,
                "duration_minutes": duration_minutes,
                "sequence": VisitRow.sequence + 1,
                "revised_at": at,
            },
        )

    async def live_ids(self) -> list[int]:
        """Ids of the visits marked live (few at any time: the maintenance sweep checks each)."""
        rows = await self.db.execute(
            select(VisitRow.id).where(VisitRow.status == "live").order_by(VisitRow.id)
        )
        return list(rows.scalars())

    async def of_host(self, host_id: int, since: datetime | None = None) -> list[Visit]:
        """The visits the preceptor hosts (starting at ``since`` or later, if given), soonest first."""
        query = select(VisitRow).where(VisitRow.host_id == host_id)
        return await self._listed(query, since)

    async def of_visitor(self, visitor_id: int, since: datetime | None = None) -> list[Visit]:
        """The visits the visitor is invited to (starting at ``since`` or later), soonest first."""
        query = (
            select(VisitRow)
            .join(VisitInvitationRow, VisitInvitationRow.visit_id == VisitRow.id)
            .where(VisitInvitationRow.visitor_id == visitor_id)
        )
        return await self._listed(query, since)

    async def of_programs(self, program_ids: Sequence[int], since: datetime | None = None) -> list[Visit]:
        """The visits of the programs (starting at ``since`` or later), soonest first."""
        if not program_ids:
            return []
        return await self._listed(select(VisitRow).where(VisitRow.program_id.in_(set(program_ids))), since)

    async def _listed(self, query: Select[VisitRow], since: datetime | None) -> list[Visit]:
        if since is not None:
            query = query.where(VisitRow.starts_at >= since)
        result = await self.db.execute(query.order_by(VisitRow.starts_at, VisitRow.id))
        return [_visit(row) for row in result.scalars()]

    # --- invitations --------------------------------------------------------------------------
    async def invitations(self, visit_ids: Sequence[int]) -> dict[int, list[VisitInvitation]]:
        """Each visit's invitations (each visit present, maybe empty), in the order made."""
        out: dict[int, list[VisitInvitation]] = {vid: [] for vid in visit_ids}
        if not visit_ids:
            return out
        result = await self.db.execute(
            select(VisitInvitationRow)
            .where(VisitInvitationRow.visit_id.in_(set(visit_ids)))
            .order_by(VisitInvitationRow.id)
        )
        for row in result.scalars():
            out[row.visit_id].append(_invitation(row))
        return out

    async def invitation(self, visit_id: int, visitor_id: int) -> VisitInvitation | None:
        """The visitor's invitation to the visit, if there is one."""
        result = await self.db.execute(
            select(VisitInvitationRow).where(
                VisitInvitationRow.visit_id == visit_id, VisitInvitationRow.visitor_id == visitor_id
            )
        )
        row = result.scalar_one_or_none()
        return None if row is None else _invitation(row)

    async def enrollments_in_block(
        self, block_id: int, states: Sequence[str], visitor_ids: Sequence[int] | None = None
    ) -> dict[int, int]:
        """visitor_id -> application id of the enrollments (applications in ``states``) that include
        the block."""
        query = (
            select(ApplicationRow.visitor_id, ApplicationRow.id)
            .join(ApplicationBlockRow, ApplicationBlockRow.application_id == ApplicationRow.id)
            .where(ApplicationBlockRow.block_id == block_id, ApplicationRow.state.in_(list(states)))
            .order_by(ApplicationRow.id)
        )
        if visitor_ids is not None:
            if not visitor_ids:
                return {}
            query = query.where(ApplicationRow.visitor_id.in_(set(visitor_ids)))
        return {visitor_id: app_id for visitor_id, app_id in await self.db.execute(query)}

    # --- patient links ------------------------------------------------------------------------
    async def add_link(
        self, *, visit_id: int, token_hash: str, created_by: int, created_at: datetime, expires_at: datetime
    ) -> PatientLink:
        """Write a new link (neither used nor revoked)."""
        row = PatientLinkRow(
            visit_id=visit_id,
            token_hash=token_hash,
            created_by=created_by,
            created_at=created_at,
            expires_at=expires_at,
            redeemed_at=None,
            revoked_at=None,
        )
        self.db.add(row)
        await self.db.flush()
        return _link(row)

    async def get_link(self, link_id: int) -> PatientLink | None:
        """The link, if there is one."""
        row = await self.db.get(PatientLinkRow, link_id)
        return None if row is None else _link(row)

    async def link_by_hash(self, token_hash: str) -> PatientLink | None:
        """The link whose token has this hash, if there is one."""
        result = await self.db.execute(select(PatientLinkRow).where(PatientLinkRow.token_hash == token_hash))
        row = result.scalar_one_or_none()
        return None if row is None else _link(row)

    async def revoke_unredeemed_links(self, visit_id: int, at: datetime) -> int:
        result = await self.db.execute(
            update(PatientLinkRow)
            .where(
                PatientLinkRow.visit_id == visit_id,
                PatientLinkRow.redeemed_at.is_(None),
                PatientLinkRow.revoked_at.is_(None),
            )
            .values(revoked_at=at)
            .execution_options(synchronize_session=False)
        )
        return int(result.rowcount)  # type: ignore[attr-defined]

    async def redeem_link(self, link_id: int, at: datetime) -> bool:
        """Mark the link redeemed if nobody has yet (and it was not revoked): of two browsers opening
        the same link at once, exactly one gets True."""
        result = await self.db.execute(
            update(PatientLinkRow)
            .where(
                PatientLinkRow.id == link_id,
                PatientLinkRow.redeemed_at.is_(None),
                PatientLinkRow.revoked_at.is_(None),
                PatientLinkRow.expires_at > at,
            )
            .values(redeemed_at=at)
            .execution_options(synchronize_session=False)
        )
        return bool(result.rowcount == 1)  # type: ignore[attr-defined]

    # --- consents -----------------------------------------------------------------------------
    async def add_consent(
        self,
        *,
        visit_id: int,
        scope: ConsentScope,
        method: ConsentMethod,
        obtained_by: int,
        recorded_at: datetime,
    ) -> VisitConsent:
        """Write a new consent (standing: not withdrawn)."""
        row = VisitConsentRow(
            visit_id=visit_id,
            scope=scope.value,
            method=method.value,
            obtained_by=obtained_by,
            recorded_at=recorded_at,
            withdrawn_at=None,
        )
        self.db.add(row)
        await self.db.flush()
        return _consent(row)

    async def consents(self, visit_id: int) -> list[VisitConsent]:
        """The visit's consents, oldest first."""
        result = await self.db.execute(
            select(VisitConsentRow)
            .where(VisitConsentRow.visit_id == visit_id)
            .order_by(VisitConsentRow.recorded_at, VisitConsentRow.id)
        )
        return [_consent(row) for row in result.scalars()]

    async def withdraw_consents(self, visit_id: int, at: datetime) -> int:
        """Withdraw every consent of the visit that still stands; how many were."""
        result = await self.db.execute(
            update(VisitConsentRow)
            .where(VisitConsentRow.visit_id == visit_id, VisitConsentRow.withdrawn_at.is_(None))
            .values(withdrawn_at=at)
            .execution_options(synchronize_session=False)
        )
        return int(result.rowcount)  # type: ignore[attr-defined]

    # --- attendance ---------------------------------------------------------------------------
    async def add_interval(
        self,
        *,
        visit_id: int,
        user_id: int | None,
        participant_key: str,
        role: ParticipantRole,
        connected_at: datetime,
    ) -> AttendanceInterval:
        """Write a new interval, open (no end yet)."""
        row = AttendanceIntervalRow(
            visit_id=visit_id,
            user_id=user_id,
            participant_key=participant_key,
            role=role.value,
            connected_at=connected_at,
            disconnected_at=None,
            end_reason=None,
        )
        self.db.add(row)
        await self.db.flush()
        return _interval(row)

    async def get_interval(self, interval_id: int) -> AttendanceInterval | None:
        """The interval, if there is one."""
        row = await self.db.get(AttendanceIntervalRow, interval_id)
        return None if row is None else _interval(row)

    async def close_interval(self, interval_id: int, at: datetime, reason: str) -> bool:
        """Close an open interval (never before it opened); False if it was closed already."""
        interval = await self.get_interval(interval_id)
        if interval is None or interval.disconnected_at is not None:
            return False
        result = await self.db.execute(
            update(AttendanceIntervalRow)
            .where(AttendanceIntervalRow.id == interval_id, AttendanceIntervalRow.disconnected_at.is_(None))
            .values(disconnected_at=max(at, interval.connected_at), end_reason=reason)
            .execution_options(synchronize_session=False)
        )
        return bool(result.rowcount == 1)  # type: ignore[attr-defined]

    async def close_open_intervals(
        self,
        visit_id: int,
        at: datetime,
        reason: str,
        participant_key: str | None = None,
        opened_before: datetime | None = None,
    ) -> int:
        """Close the visit's open intervals (of one participant, or everyone's; only those opened
        before ``opened_before`` if given) at ``at``."""
        query = select(AttendanceIntervalRow).where(
            AttendanceIntervalRow.visit_id == visit_id, AttendanceIntervalRow.disconnected_at.is_(None)
        )
        if participant_key is not None:
            query = query.where(AttendanceIntervalRow.participant_key == participant_key)
        if opened_before is not None:
            query = query.where(AttendanceIntervalRow.connected_at < opened_before)
        closed = 0
        for interval in (await self.db.execute(query)).scalars().all():
            closed += await self.close_interval(interval.id, at, reason)
        return closed

    async def intervals(self, visit_id: int, user_id: int | None = None) -> list[AttendanceInterval]:
        """The visit's intervals (of one user, if given), by the time they opened."""
        query = select(AttendanceIntervalRow).where(AttendanceIntervalRow.visit_id == visit_id)
        if user_id is not None:
            query = query.where(AttendanceIntervalRow.user_id == user_id)
        query = query.order_by(AttendanceIntervalRow.connected_at, AttendanceIntervalRow.id)
        return [_interval(row) for row in (await self.db.execute(query)).scalars()]

    # --- encounters made from a visit ---------------------------------------------------------
    async def encounter_enrollments(self, visit_id: int) -> set[int]:
        """The enrollments the platform has already recorded an encounter of this visit for (a hand
        entry naming the visit does not count: it must not stop the platform's own record)."""
        result = await self.db.execute(
            select(EncounterRow.enrollment_id).where(
                EncounterRow.session_id == visit_id, EncounterRow.source == EncounterSource.PLATFORM.value
            )
        )
        return set(result.scalars())
