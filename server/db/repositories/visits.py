"""Repository of live sessions ("visits"): the visits and their invitations, patient links, consents
and attendance intervals. State changes that two requests (or two WebSocket events) could race on are
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


class VisitRepository:
    def __init__(self, db: AsyncDb) -> None:
        self.db = db

    # --- visits -------------------------------------------------------------------------------
    async def get(self, visit_id: int) -> VisitRow | None:
        return await self.db.get(VisitRow, visit_id)

    async def lock(self, visit_id: int) -> VisitRow | None:
        """The visit, its row held until the transaction ends (PostgreSQL; SQLite's writers run one
        at a time already): ending a visit and recording attendance do not interleave."""
        result = await self.db.execute(
            select(VisitRow)
            .where(VisitRow.id == visit_id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
        return result.scalar_one_or_none()

    async def add(self, visit: VisitRow, invitations: Sequence[tuple[int, int]]) -> VisitRow:
        """Insert a visit and its invitations, given as (visitor_id, enrollment_id)."""
        self.db.add(visit)
        await self.db.flush()
        for visitor_id, enrollment_id in invitations:
            self.db.add(
                VisitInvitationRow(visit_id=visit.id, visitor_id=visitor_id, enrollment_id=enrollment_id)
            )
        await self.db.flush()
        return visit

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

    async def live_ids(self) -> list[int]:
        """Ids of the visits marked live (few at any time: the maintenance sweep checks each)."""
        rows = await self.db.execute(
            select(VisitRow.id).where(VisitRow.status == "live").order_by(VisitRow.id)
        )
        return list(rows.scalars())

    async def refresh(self, visit: VisitRow) -> None:
        await self.db.refresh(visit)

    async def of_host(self, host_id: int, since: datetime | None = None) -> Sequence[VisitRow]:
        query = select(VisitRow).where(VisitRow.host_id == host_id)
        return await self._listed(query, since)

    async def of_visitor(self, visitor_id: int, since: datetime | None = None) -> Sequence[VisitRow]:
        query = (
            select(VisitRow)
            .join(VisitInvitationRow, VisitInvitationRow.visit_id == VisitRow.id)
            .where(VisitInvitationRow.visitor_id == visitor_id)
        )
        return await self._listed(query, since)

    async def of_programs(
        self, program_ids: Sequence[int], since: datetime | None = None
    ) -> Sequence[VisitRow]:
        if not program_ids:
            return []
        return await self._listed(select(VisitRow).where(VisitRow.program_id.in_(set(program_ids))), since)

    async def _listed(self, query: Select[VisitRow], since: datetime | None) -> Sequence[VisitRow]:
        if since is not None:
            query = query.where(VisitRow.starts_at >= since)
        return (await self.db.execute(query.order_by(VisitRow.starts_at, VisitRow.id))).scalars().all()

    # --- invitations --------------------------------------------------------------------------
    async def invitations(self, visit_ids: Sequence[int]) -> dict[int, list[VisitInvitationRow]]:
        out: dict[int, list[VisitInvitationRow]] = {vid: [] for vid in visit_ids}
        if not visit_ids:
            return out
        result = await self.db.execute(
            select(VisitInvitationRow)
            .where(VisitInvitationRow.visit_id.in_(set(visit_ids)))
            .order_by(VisitInvitationRow.id)
        )
        for invitation in result.scalars():
            out[invitation.visit_id].append(invitation)
        return out

    async def invitation(self, visit_id: int, visitor_id: int) -> VisitInvitationRow | None:
        result = await self.db.execute(
            select(VisitInvitationRow).where(
                VisitInvitationRow.visit_id == visit_id, VisitInvitationRow.visitor_id == visitor_id
            )
        )
        return result.scalar_one_or_none()

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
    async def add_link(self, link: PatientLinkRow) -> PatientLinkRow:
        self.db.add(link)
        await self.db.flush()
        return link

    async def get_link(self, link_id: int) -> PatientLinkRow | None:
        return await self.db.get(PatientLinkRow, link_id)

    async def link_by_hash(self, token_hash: str) -> PatientLinkRow | None:
        result = await self.db.execute(select(PatientLinkRow).where(PatientLinkRow.token_hash == token_hash))
        return result.scalar_one_or_none()

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
    async def add_consent(self, consent: VisitConsentRow) -> VisitConsentRow:
        self.db.add(consent)
        await self.db.flush()
        return consent

    async def consents(self, visit_id: int) -> Sequence[VisitConsentRow]:
        result = await self.db.execute(
            select(VisitConsentRow)
            .where(VisitConsentRow.visit_id == visit_id)
            .order_by(VisitConsentRow.recorded_at, VisitConsentRow.id)
        )
        return result.scalars().all()

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
    async def add_interval(self, interval: AttendanceIntervalRow) -> AttendanceIntervalRow:
        self.db.add(interval)
        await self.db.flush()
        return interval

    async def get_interval(self, interval_id: int) -> AttendanceIntervalRow | None:
        return await self.db.get(AttendanceIntervalRow, interval_id)

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

    async def intervals(self, visit_id: int, user_id: int | None = None) -> Sequence[AttendanceIntervalRow]:
        query = select(AttendanceIntervalRow).where(AttendanceIntervalRow.visit_id == visit_id)
        if user_id is not None:
            query = query.where(AttendanceIntervalRow.user_id == user_id)
        query = query.order_by(AttendanceIntervalRow.connected_at, AttendanceIntervalRow.id)
        return (await self.db.execute(query)).scalars().all()

    # --- encounters made from a visit ---------------------------------------------------------
    async def encounter_enrollments(self, visit_id: int) -> set[int]:
        """The enrollments that already have an encounter of this visit."""
        result = await self.db.execute(
            select(EncounterRow.enrollment_id).where(EncounterRow.session_id == visit_id)
        )
        return set(result.scalars())
