"""Repository of live sessions ("visits"): the visits and their invitations, patient links, consents
and attendance intervals. State changes that two requests (or two WebSocket events) could race on are
single conditional UPDATEs, so only one of them wins."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import Select, select, update
from sqlalchemy.ext.asyncio import AsyncSession as AsyncDb

from server.db.models import (
    Application,
    ApplicationBlock,
    AttendanceInterval,
    Encounter,
    PatientLink,
    Visit,
    VisitConsent,
    VisitInvitation,
)


class VisitRepository:
    def __init__(self, db: AsyncDb) -> None:
        self.db = db

    # --- visits -------------------------------------------------------------------------------
    async def get(self, visit_id: int) -> Visit | None:
        return await self.db.get(Visit, visit_id)

    async def lock(self, visit_id: int) -> Visit | None:
        """The visit, its row held until the transaction ends (PostgreSQL; SQLite's writers run one
        at a time already): ending a visit and recording attendance do not interleave."""
        result = await self.db.execute(
            select(Visit)
            .where(Visit.id == visit_id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
        return result.scalar_one_or_none()

    async def add(self, visit: Visit, invitations: Sequence[tuple[int, int]]) -> Visit:
        """Insert a visit and its invitations, given as (visitor_id, enrollment_id)."""
        self.db.add(visit)
        await self.db.flush()
        for visitor_id, enrollment_id in invitations:
            self.db.add(
                VisitInvitation(visit_id=visit.id, visitor_id=visitor_id, enrollment_id=enrollment_id)
            )
        await self.db.flush()
        return visit

    async def compare_and_set_status(
        self, visit_id: int, expected: Sequence[str], values: dict[str, object]
    ) -> bool:
        """Change a visit only if its status is still one of ``expected``."""
        result = await self.db.execute(
            update(Visit)
            .where(Visit.id == visit_id, Visit.status.in_(list(expected)))
            .values(**values)
            .execution_options(synchronize_session=False)
        )
        return bool(result.rowcount == 1)  # type: ignore[attr-defined]

    async def live_ids(self) -> list[int]:
        """Ids of the visits marked live (few at any time: the maintenance sweep checks each)."""
        rows = await self.db.execute(select(Visit.id).where(Visit.status == "live").order_by(Visit.id))
        return list(rows.scalars())

    async def refresh(self, visit: Visit) -> None:
        await self.db.refresh(visit)

    async def of_host(self, host_id: int, since: datetime | None = None) -> Sequence[Visit]:
        query = select(Visit).where(Visit.host_id == host_id)
        return await self._listed(query, since)

    async def of_visitor(self, visitor_id: int, since: datetime | None = None) -> Sequence[Visit]:
        query = (
            select(Visit)
            .join(VisitInvitation, VisitInvitation.visit_id == Visit.id)
            .where(VisitInvitation.visitor_id == visitor_id)
        )
        return await self._listed(query, since)

    async def of_programs(self, program_ids: Sequence[int], since: datetime | None = None) -> Sequence[Visit]:
        if not program_ids:
            return []
        return await self._listed(select(Visit).where(Visit.program_id.in_(set(program_ids))), since)

    async def _listed(self, query: Select[Visit], since: datetime | None) -> Sequence[Visit]:
        if since is not None:
            query = query.where(Visit.starts_at >= since)
        return (await self.db.execute(query.order_by(Visit.starts_at, Visit.id))).scalars().all()

    # --- invitations --------------------------------------------------------------------------
    async def invitations(self, visit_ids: Sequence[int]) -> dict[int, list[VisitInvitation]]:
        out: dict[int, list[VisitInvitation]] = {vid: [] for vid in visit_ids}
        if not visit_ids:
            return out
        result = await self.db.execute(
            select(VisitInvitation)
            .where(VisitInvitation.visit_id.in_(set(visit_ids)))
            .order_by(VisitInvitation.id)
        )
        for invitation in result.scalars():
            out[invitation.visit_id].append(invitation)
        return out

    async def invitation(self, visit_id: int, visitor_id: int) -> VisitInvitation | None:
        result = await self.db.execute(
            select(VisitInvitation).where(
                VisitInvitation.visit_id == visit_id, VisitInvitation.visitor_id == visitor_id
            )
        )
        return result.scalar_one_or_none()

    async def enrollments_in_block(
        self, block_id: int, states: Sequence[str], visitor_ids: Sequence[int] | None = None
    ) -> dict[int, int]:
        """visitor_id -> application id of the enrollments (applications in ``states``) that include
        the block."""
        query = (
            select(Application.visitor_id, Application.id)
            .join(ApplicationBlock, ApplicationBlock.application_id == Application.id)
            .where(ApplicationBlock.block_id == block_id, Application.state.in_(list(states)))
            .order_by(Application.id)
        )
        if visitor_ids is not None:
            if not visitor_ids:
                return {}
            query = query.where(Application.visitor_id.in_(set(visitor_ids)))
        return {visitor_id: app_id for visitor_id, app_id in await self.db.execute(query)}

    # --- patient links ------------------------------------------------------------------------
    async def add_link(self, link: PatientLink) -> PatientLink:
        self.db.add(link)
        await self.db.flush()
        return link

    async def get_link(self, link_id: int) -> PatientLink | None:
        return await self.db.get(PatientLink, link_id)

    async def link_by_hash(self, token_hash: str) -> PatientLink | None:
        result = await self.db.execute(select(PatientLink).where(PatientLink.token_hash == token_hash))
        return result.scalar_one_or_none()

    async def revoke_unredeemed_links(self, visit_id: int, at: datetime) -> int:
        result = await self.db.execute(
            update(PatientLink)
            .where(
                PatientLink.visit_id == visit_id,
                PatientLink.redeemed_at.is_(None),
                PatientLink.revoked_at.is_(None),
            )
            .values(revoked_at=at)
            .execution_options(synchronize_session=False)
        )
        return int(result.rowcount)  # type: ignore[attr-defined]

    async def redeem_link(self, link_id: int, at: datetime) -> bool:
        """Mark the link redeemed if nobody has yet (and it was not revoked): of two browsers opening
        the same link at once, exactly one gets True."""
        result = await self.db.execute(
            update(PatientLink)
            .where(
                PatientLink.id == link_id,
                PatientLink.redeemed_at.is_(None),
                PatientLink.revoked_at.is_(None),
                PatientLink.expires_at > at,
            )
            .values(redeemed_at=at)
            .execution_options(synchronize_session=False)
        )
        return bool(result.rowcount == 1)  # type: ignore[attr-defined]

    # --- consents -----------------------------------------------------------------------------
    async def add_consent(self, consent: VisitConsent) -> VisitConsent:
        self.db.add(consent)
        await self.db.flush()
        return consent

    async def consents(self, visit_id: int) -> Sequence[VisitConsent]:
        result = await self.db.execute(
            select(VisitConsent)
            .where(VisitConsent.visit_id == visit_id)
            .order_by(VisitConsent.recorded_at, VisitConsent.id)
        )
        return result.scalars().all()

    async def withdraw_consents(self, visit_id: int, at: datetime) -> int:
        """Withdraw every consent of the visit that still stands; how many were."""
        result = await self.db.execute(
            update(VisitConsent)
            .where(VisitConsent.visit_id == visit_id, VisitConsent.withdrawn_at.is_(None))
            .values(withdrawn_at=at)
            .execution_options(synchronize_session=False)
        )
        return int(result.rowcount)  # type: ignore[attr-defined]

    # --- attendance ---------------------------------------------------------------------------
    async def add_interval(self, interval: AttendanceInterval) -> AttendanceInterval:
        self.db.add(interval)
        await self.db.flush()
        return interval

    async def get_interval(self, interval_id: int) -> AttendanceInterval | None:
        return await self.db.get(AttendanceInterval, interval_id)

    async def close_interval(self, interval_id: int, at: datetime, reason: str) -> bool:
        """Close an open interval (never before it opened); False if it was closed already."""
        interval = await self.get_interval(interval_id)
        if interval is None or interval.disconnected_at is not None:
            return False
        result = await self.db.execute(
            update(AttendanceInterval)
            .where(AttendanceInterval.id == interval_id, AttendanceInterval.disconnected_at.is_(None))
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
        query = select(AttendanceInterval).where(
            AttendanceInterval.visit_id == visit_id, AttendanceInterval.disconnected_at.is_(None)
        )
        if participant_key is not None:
            query = query.where(AttendanceInterval.participant_key == participant_key)
        if opened_before is not None:
            query = query.where(AttendanceInterval.connected_at < opened_before)
        closed = 0
        for interval in (await self.db.execute(query)).scalars().all():
            closed += await self.close_interval(interval.id, at, reason)
        return closed

    async def intervals(self, visit_id: int, user_id: int | None = None) -> Sequence[AttendanceInterval]:
        query = select(AttendanceInterval).where(AttendanceInterval.visit_id == visit_id)
        if user_id is not None:
            query = query.where(AttendanceInterval.user_id == user_id)
        query = query.order_by(AttendanceInterval.connected_at, AttendanceInterval.id)
        return (await self.db.execute(query)).scalars().all()

    # --- encounters made from a visit ---------------------------------------------------------
    async def encounter_enrollments(self, visit_id: int) -> set[int]:
        """The enrollments that already have an encounter of this visit."""
        result = await self.db.execute(
            select(Encounter.enrollment_id).where(Encounter.session_id == visit_id)
        )
        return set(result.scalars())
