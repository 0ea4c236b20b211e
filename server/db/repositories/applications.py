"""Repository of applications, the blocks they ask for and their events."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession as AsyncDb

from server.db.models import (
    Application,
    ApplicationBlock,
    ApplicationEvent,
    Program,
)
from server.domain.errors import Conflict


class ApplicationRepository:
    def __init__(self, db: AsyncDb) -> None:
        self.db = db

    async def get(self, application_id: int) -> Application | None:
        return await self.db.get(Application, application_id)

    async def refresh(self, application: Application) -> None:
        await self.db.refresh(application)

    async def add(self, application: Application, block_ids: Sequence[int]) -> Application:
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
            self.db.add(ApplicationBlock(application_id=application.id, block_id=block_id))
        await self.db.flush()
        return application

    async def block_ids(self, application_ids: Sequence[int]) -> dict[int, list[int]]:
        out: dict[int, list[int]] = {aid: [] for aid in application_ids}
        if not application_ids:
            return out
        result = await self.db.execute(
            select(ApplicationBlock).where(ApplicationBlock.application_id.in_(set(application_ids)))
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
            update(Application)
            .where(Application.id == application_id, Application.state == expected)
            .values(**values)
            .execution_options(synchronize_session=False)
        )
        return bool(result.rowcount == 1)  # type: ignore[attr-defined]

    async def add_event(self, event: ApplicationEvent) -> None:
        self.db.add(event)
        await self.db.flush()

    async def events(self, application_id: int) -> Sequence[ApplicationEvent]:
        result = await self.db.execute(
            select(ApplicationEvent)
            .where(ApplicationEvent.application_id == application_id)
            .order_by(ApplicationEvent.at, ApplicationEvent.id)
        )
        return result.scalars().all()

    async def of_visitor(self, visitor_id: int) -> Sequence[Application]:
        result = await self.db.execute(
            select(Application)
            .where(Application.visitor_id == visitor_id)
            .order_by(Application.created_at.desc(), Application.id.desc())
        )
        return result.scalars().all()

    async def of_programs(
        self, program_ids: Sequence[int], states: Sequence[str] | None = None
    ) -> Sequence[Application]:
        if not program_ids:
            return []
        query = select(Application).where(Application.program_id.in_(set(program_ids)))
        if states is not None:
            query = query.where(Application.state.in_(list(states)))
        query = query.order_by(Application.updated_at.desc(), Application.id.desc())
        return (await self.db.execute(query)).scalars().all()

    async def open_for(self, visitor_id: int, program_id: int, final: Sequence[str]) -> int:
        result = await self.db.execute(
            select(func.count(Application.id)).where(
                Application.visitor_id == visitor_id,
                Application.program_id == program_id,
                Application.state.not_in(list(final)),
            )
        )
        return int(result.scalar_one())

    async def offers_due(self, now: datetime) -> Sequence[Application]:
        result = await self.db.execute(
            select(Application).where(Application.state == "offer_made", Application.offer_expires_at <= now)
        )
        return result.scalars().all()

    async def in_state(self, state: str) -> Sequence[Application]:
        result = await self.db.execute(select(Application).where(Application.state == state))
        return result.scalars().all()

    async def applicant_program_coordinators(self, visitor_id: int, exclude_state: str) -> set[int]:
        """Coordinators of programs this visitor has applied to (beyond a draft)."""
        result = await self.db.execute(
            select(Program.coordinator_id)
            .join(Application, Application.program_id == Program.id)
            .where(Application.visitor_id == visitor_id, Application.state != exclude_state)
        )
        return set(result.scalars())
