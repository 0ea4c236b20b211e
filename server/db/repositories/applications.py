"""Repository of applications, the blocks they ask for and their events."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession as AsyncDb

from server.db.models import (
    ApplicationBlockRow,
    ApplicationEventRow,
    ApplicationRow,
    ProgramRow,
)
from server.domain.errors import Conflict


class ApplicationRepository:
    def __init__(self, db: AsyncDb) -> None:
        self.db = db

    async def get(self, application_id: int) -> ApplicationRow | None:
        return await self.db.get(ApplicationRow, application_id)

    async def refresh(self, application: ApplicationRow) -> None:
        await self.db.refresh(application)

    async def add(self, application: ApplicationRow, block_ids: Sequence[int]) -> ApplicationRow:
        """Insert an application and its blocks; Conflict if the visitor already has an open one
        for the program (the database's unique index decides when two requests race)."""
        self.db.add(application)
        try:
            await self.db.flush()
        except IntegrityError:
            raise Conflict(
                "You already have an open application to this program; withdraw it first to apply again."
            ) from None
        for block_id in block_ids:
            self.db.add(ApplicationBlockRow(application_id=application.id, block_id=block_id))
        await self.db.flush()
        return application

    async def block_ids(self, application_ids: Sequence[int]) -> dict[int, list[int]]:
        out: dict[int, list[int]] = {aid: [] for aid in application_ids}
        if not application_ids:
            return out
        result = await self.db.execute(
            select(ApplicationBlockRow).where(ApplicationBlockRow.application_id.in_(set(application_ids)))
        )
        for link in result.scalars():
            out[link.application_id].append(link.block_id)
        return out

    async def compare_and_set_state(
        self, application_id: int, expected: str, values: dict[str, object]
    ) -> bool:
        """Move an application only if it is still in ``expected``: concurrent transitions of
        the same application cannot both succeed."""
        result = await self.db.execute(
            update(ApplicationRow)
            .where(ApplicationRow.id == application_id, ApplicationRow.state == expected)
            .values(**values)
            .execution_options(synchronize_session=False)
        )
        return bool(result.rowcount == 1)  # type: ignore[attr-defined]

    async def add_event(self, event: ApplicationEventRow) -> None:
        self.db.add(event)
        await self.db.flush()

    async def events(self, application_id: int) -> Sequence[ApplicationEventRow]:
        result = await self.db.execute(
            select(ApplicationEventRow)
            .where(ApplicationEventRow.application_id == application_id)
            .order_by(ApplicationEventRow.at, ApplicationEventRow.id)
        )
        return result.scalars().all()

    async def of_visitor(self, visitor_id: int) -> Sequence[ApplicationRow]:
        result = await self.db.execute(
            select(ApplicationRow)
            .where(ApplicationRow.visitor_id == visitor_id)
            .order_by(ApplicationRow.created_at.desc(), ApplicationRow.id.desc())
        )
        return result.scalars().all()

    async def of_programs(
        self, program_ids: Sequence[int], states: Sequence[str] | None = None
    ) -> Sequence[ApplicationRow]:
        if not program_ids:
            return []
        query = select(ApplicationRow).where(ApplicationRow.program_id.in_(set(program_ids)))
        if states is not None:
            query = query.where(ApplicationRow.state.in_(list(states)))
        query = query.order_by(ApplicationRow.updated_at.desc(), ApplicationRow.id.desc())
        return (await self.db.execute(query)).scalars().all()

    async def open_for(self, visitor_id: int, program_id: int, final: Sequence[str]) -> int:
        result = await self.db.execute(
            select(func.count(ApplicationRow.id)).where(
                ApplicationRow.visitor_id == visitor_id,
                ApplicationRow.program_id == program_id,
                ApplicationRow.state.not_in(list(final)),
            )
        )
        return int(result.scalar_one())

    async def offers_due(self, now: datetime) -> Sequence[ApplicationRow]:
        result = await self.db.execute(
            select(ApplicationRow).where(
                ApplicationRow.state == "offer_made", ApplicationRow.offer_expires_at <= now
            )
        )
        return result.scalars().all()

    async def in_state(self, state: str) -> Sequence[ApplicationRow]:
        result = await self.db.execute(select(ApplicationRow).where(ApplicationRow.state == state))
        return result.scalars().all()

    async def applicant_program_coordinators(self, visitor_id: int, exclude_state: str) -> set[int]:
        """Coordinators of programs this visitor has applied to (beyond a draft)."""
        result = await self.db.execute(
            select(ProgramRow.coordinator_id)
            .join(ApplicationRow, ApplicationRow.program_id == ProgramRow.id)
            .where(ApplicationRow.visitor_id == visitor_id, ApplicationRow.state != exclude_state)
        )
        return set(result.scalars())
