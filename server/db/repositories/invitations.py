"""Repository of staff invitations: reads return the domain's
:class:`~server.domain.invitations.StaffInvitation`; the rows stay here."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession as AsyncDb

from server.db.models import StaffInvitationRow
from server.domain.invitations import StaffInvitation
from server.domain.vocab import Role


def _invitation(row: StaffInvitationRow) -> StaffInvitation:
    return StaffInvitation(
        id=row.id,
        program_id=row.program_id,
        role=Role(row.role),
        email=row.email,
        invited_by=row.invited_by,
        created_at=row.created_at,
        expires_at=row.expires_at,
        accepted_at=row.accepted_at,
        accepted_by=row.accepted_by,
        revoked_at=row.revoked_at,
    )


class StaffInvitationRepository:
    """Invitations of staff to programs; only the hashes of their links' tokens are kept."""

    def __init__(self, db: AsyncDb) -> None:
        self.db = db

    async def add(
        self,
        *,
        token_hash: str,
        program_id: int,
        role: Role,
        email: str,
        invited_by: int,
        at: datetime,
        expires_at: datetime,
    ) -> StaffInvitation:
        """Keep a new invitation."""
        row = StaffInvitationRow(
            token_hash=token_hash,
            program_id=program_id,
            role=role.value,
            email=email,
            invited_by=invited_by,
            created_at=at,
            expires_at=expires_at,
        )
        self.db.add(row)
        await self.db.flush()
        return _invitation(row)

    async def get(self, invitation_id: int) -> StaffInvitation | None:
        """The invitation, if there is one."""
        row = await self.db.get(StaffInvitationRow, invitation_id, populate_existing=True)
        return None if row is None else _invitation(row)

    async def by_hash_for_update(self, token_hash: str) -> StaffInvitation | None:
        """The invitation of this link, its row held until the transaction ends (two acceptances at
        once: the second waits, then finds it used)."""
        query = (
            select(StaffInvitationRow)
            .where(StaffInvitationRow.token_hash == token_hash)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
        row = (await self.db.execute(query)).scalar_one_or_none()
        return None if row is None else _invitation(row)

    async def of_program(self, program_id: int) -> list[StaffInvitation]:
        """The program's invitations, newest first."""
        query = (
            select(StaffInvitationRow)
            .where(StaffInvitationRow.program_id == program_id)
            .order_by(StaffInvitationRow.created_at.desc(), StaffInvitationRow.id.desc())
        )
        return [_invitation(row) for row in (await self.db.execute(query)).scalars()]

    async def count_sent_since(self, invited_by: int, since: datetime) -> int:
        """How many invitations ``invited_by`` sent since ``since``."""
        query = select(func.count(StaffInvitationRow.id)).where(
            StaffInvitationRow.invited_by == invited_by, StaffInvitationRow.created_at >= since
        )
        return int((await self.db.execute(query)).scalar_one())

    async def revoke_pending(self, program_id: int, email: str, at: datetime) -> None:
        """Revoke the program's pending invitations of ``email`` (a new one replaces them)."""
        await self.db.execute(
            update(StaffInvitationRow)
            .where(
                StaffInvitationRow.program_id == program_id,
                StaffInvitationRow.email == email,
                StaffInvitationRow.accepted_at.is_(None),
                StaffInvitationRow.revoked_at.is_(None),
                StaffInvitationRow.expires_at > at,
            )
            .values(revoked_at=at)
            .execution_options(synchronize_session=False)
        )

    async def revoke(self, invitation_id: int, at: datetime) -> bool:
        """Revoke the invitation if it is still open (neither used nor revoked); whether it was."""
        result = await self.db.execute(
            update(StaffInvitationRow)
            .where(
                StaffInvitationRow.id == invitation_id,
                StaffInvitationRow.accepted_at.is_(None),
                StaffInvitationRow.revoked_at.is_(None),
            )
            .values(revoked_at=at)
            .execution_options(synchronize_session=False)
        )
        return bool(result.rowcount == 1)  # type: ignore[attr-defined]

    async def accept(self, invitation_id: int, user_id: int, at: datetime) -> bool:
        """Mark the invitation used by ``user_id`` if it is still open; whether it was."""
        result = await self.db.execute(
            update(StaffInvitationRow)
            .where(
                StaffInvitationRow.id == invitation_id,
                StaffInvitationRow.accepted_at.is_(None),
                StaffInvitationRow.revoked_at.is_(None),
            )
            .values(accepted_at=at, accepted_by=user_id)
            .execution_options(synchronize_session=False)
        )
        return bool(result.rowcount == 1)  # type: ignore[attr-defined]
