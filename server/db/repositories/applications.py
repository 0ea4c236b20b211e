"""Repository of applications, the blocks they ask for and their events. Reads return the domain's
:class:`~server.domain.applications.Application` and
:class:`~server.domain.applications.ApplicationEvent`; writes take them (or a new application); the
rows stay in the database layer."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession as AsyncDb

from server.db.models import (
    ApplicationBlockRow,
    ApplicationEventRow,
    ApplicationRow,
    ProgramCoordinatorRow,
    ProgramRow,
)
from server.domain.applications import Action, Application, ApplicationEvent, AppState, NewApplication
from server.domain.errors import Conflict
from server.domain.placements import PLACEMENT_COLUMNS, PlacementStep

# --- rows <-> domain ----------------------------------------------------------------------------


def _application(row: ApplicationRow) -> Application:
    return Application(
        id=row.id,
        visitor_id=row.visitor_id,
        program_id=row.program_id,
        state=AppState(row.state),
        statement=row.statement,
        decision_note=row.decision_note,
        created_at=row.created_at,
        updated_at=row.updated_at,
        submitted_at=row.submitted_at,
        offer_expires_at=row.offer_expires_at,
    )


_STEPS = frozenset(s.value for s in PlacementStep)


def _event(row: ApplicationEventRow) -> ApplicationEvent:
    return ApplicationEvent(
        application_id=row.application_id,
        action=PlacementStep(row.action) if row.action in _STEPS else Action(row.action),
        from_state=AppState(row.from_state),
        to_state=AppState(row.to_state),
        actor_id=row.actor_id,
        note=row.note,
        at=row.at,
    )


class ApplicationRepository:
    """Reads return domain objects; writes take them."""

    def __init__(self, db: AsyncDb) -> None:
        self.db = db

    async def get(self, application_id: int) -> Application | None:
        """The application, if there is one, read fresh: :meth:`compare_and_set_state` bypasses the
        session, so a row it already holds may be stale."""
        row = await self.db.get(ApplicationRow, application_id, populate_existing=True)
        return None if row is None else _application(row)

    async def add(self, application: NewApplication, block_ids: Sequence[int]) -> Application:
        """Insert an application (a draft) and its blocks; Conflict if the visitor already has an open
        one for the program (the database's unique index decides when two requests race)."""
        row = ApplicationRow(
            visitor_id=application.visitor_id,
            program_id=application.program_id,
            state=AppState.DRAFT.value,
            statement=application.statement,
            created_at=application.at,
            updated_at=application.at,
        )
        self.db.add(row)
        try:
            await self.db.flush()
        except IntegrityError:
            raise Conflict(
                "You already have an open application to this program; withdraw it first to apply again."
            ) from None
        for block_id in block_ids:
            self.db.add(ApplicationBlockRow(application_id=row.id, block_id=block_id))
        await self.db.flush()
        return _application(row)

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
        the same application cannot both succeed. Never its placement: that is
        :meth:`move_placement`'s alone."""
        if PLACEMENT_COLUMNS & values.keys():
            raise ValueError("an application's placement changes only through move_placement")
        result = await self.db.execute(
            update(ApplicationRow)
            .where(ApplicationRow.id == application_id, ApplicationRow.state == expected)
            .values(**values)
            .execution_options(synchronize_session=False)
        )
        return bool(result.rowcount == 1)  # type: ignore[attr-defined]

    async def move_placement(
        self, application_id: int, expected: str, program_id: int, block_ids: Sequence[int], at: datetime
    ) -> bool:
        """Give the application another program and blocks, only if it is still in ``expected``
        (False otherwise, nothing written). The one write of a placement after the application is
        made: server.services.placements calls it when the visitor accepts an alternative. Conflict
        when the visitor already has another open application to that program."""
        try:
            result = await self.db.execute(
                update(ApplicationRow)
                .where(ApplicationRow.id == application_id, ApplicationRow.state == expected)
                .values(program_id=program_id, updated_at=at)
                .execution_options(synchronize_session=False)
            )
        except IntegrityError:
            raise Conflict(
                "You already have an open application to that program; withdraw it first to move there."
            ) from None
        if result.rowcount != 1:  # type: ignore[attr-defined]
            return False
        await self.db.execute(
            delete(ApplicationBlockRow).where(ApplicationBlockRow.application_id == application_id)
        )
        for block_id in block_ids:
            self.db.add(ApplicationBlockRow(application_id=application_id, block_id=block_id))
        await self.db.flush()
        return True

    async def of_blocks(self, block_ids: Sequence[int], states: Sequence[str]) -> list[Application]:
        """The applications in ``states`` that ask for any of ``block_ids``."""
        if not block_ids:
            return []
        linked = select(ApplicationBlockRow.application_id).where(
            ApplicationBlockRow.block_id.in_(set(block_ids))
        )
        result = await self.db.execute(
            select(ApplicationRow)
            .where(ApplicationRow.id.in_(linked), ApplicationRow.state.in_(list(states)))
            .order_by(ApplicationRow.id)
        )
        return [_application(row) for row in result.scalars()]

    async def add_event(self, event: ApplicationEvent) -> None:
        """Write one transition to the application's history."""
        self.db.add(
            ApplicationEventRow(
                application_id=event.application_id,
                action=event.action.value,
                from_state=event.from_state.value,
                to_state=event.to_state.value,
                actor_id=event.actor_id,
                note=event.note,
                at=event.at,
            )
        )
        await self.db.flush()

    async def events(self, application_id: int) -> list[ApplicationEvent]:
        """The application's history, oldest first."""
        result = await self.db.execute(
            select(ApplicationEventRow)
            .where(ApplicationEventRow.application_id == application_id)
            .order_by(ApplicationEventRow.at, ApplicationEventRow.id)
        )
        return [_event(row) for row in result.scalars()]

    async def of_visitor(self, visitor_id: int) -> list[Application]:
        """The visitor's applications, newest first."""
        result = await self.db.execute(
            select(ApplicationRow)
            .where(ApplicationRow.visitor_id == visitor_id)
            .order_by(ApplicationRow.created_at.desc(), ApplicationRow.id.desc())
        )
        return [_application(row) for row in result.scalars()]

    async def of_programs(
        self, program_ids: Sequence[int], states: Sequence[str] | None = None
    ) -> list[Application]:
        """The applications to ``program_ids`` (in ``states``, if given), last changed first."""
        if not program_ids:
            return []
        query = select(ApplicationRow).where(ApplicationRow.program_id.in_(set(program_ids)))
        if states is not None:
            query = query.where(ApplicationRow.state.in_(list(states)))
        query = query.order_by(ApplicationRow.updated_at.desc(), ApplicationRow.id.desc())
        return [_application(row) for row in (await self.db.execute(query)).scalars()]

    async def open_for(self, visitor_id: int, program_id: int, final: Sequence[str]) -> int:
        result = await self.db.execute(
            select(func.count(ApplicationRow.id)).where(
                ApplicationRow.visitor_id == visitor_id,
                ApplicationRow.program_id == program_id,
                ApplicationRow.state.not_in(list(final)),
            )
        )
        return int(result.scalar_one())

    async def offers_due(self, now: datetime) -> list[Application]:
        """The offers whose hold time is over at ``now``."""
        result = await self.db.execute(
            select(ApplicationRow).where(
                ApplicationRow.state == "offer_made", ApplicationRow.offer_expires_at <= now
            )
        )
        return [_application(row) for row in result.scalars()]

    async def in_state(self, state: str) -> list[Application]:
        """The applications in ``state``."""
        result = await self.db.execute(select(ApplicationRow).where(ApplicationRow.state == state))
        return [_application(row) for row in result.scalars()]

    async def applicant_program_coordinators(self, visitor_id: int, exclude_state: str) -> set[int]:
        """Coordinators of programs this visitor has applied to (beyond a draft): who published them
        and who joined them by invitation."""
        applied = select(ApplicationRow.program_id).where(
            ApplicationRow.visitor_id == visitor_id, ApplicationRow.state != exclude_state
        )
        publishers = await self.db.execute(
            select(ProgramRow.coordinator_id).where(ProgramRow.id.in_(applied))
        )
        joined = await self.db.execute(
            select(ProgramCoordinatorRow.coordinator_id).where(ProgramCoordinatorRow.program_id.in_(applied))
        )
        return set(publishers.scalars()) | set(joined.scalars())
