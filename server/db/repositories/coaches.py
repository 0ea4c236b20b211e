"""Repository of coaches: each application's current coach and the history of assignments."""

from __future__ import annotations

from collections.abc import Collection, Sequence

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession as AsyncDb

from server.db.models import ApplicationRow, CoachAssignmentRow, CoachRow
from server.domain.coaches import CoachAssignment


class CoachRepository:
    """Reads return plain values and domain objects; the rows stay in this module."""

    def __init__(self, db: AsyncDb) -> None:
        self.db = db

    async def coach_of(self, application_id: int) -> int | None:
        """The application's coach now, if it has one."""
        row = await self.db.get(CoachRow, application_id, populate_existing=True)
        return None if row is None else row.coach_id

    async def coaches_of(self, application_ids: Sequence[int]) -> dict[int, int]:
        """The coach of each of ``application_ids`` that has one."""
        if not application_ids:
            return {}
        result = await self.db.execute(
            select(CoachRow.application_id, CoachRow.coach_id).where(
                CoachRow.application_id.in_(set(application_ids))
            )
        )
        return {application_id: coach_id for application_id, coach_id in result.all()}

    async def assign(self, assignment: CoachAssignment) -> None:
        """Make ``assignment.coach_id`` the application's coach and write the assignment's history row."""
        row = await self.db.get(CoachRow, assignment.application_id)
        if row is None:
            self.db.add(
                CoachRow(
                    application_id=assignment.application_id,
                    coach_id=assignment.coach_id,
                    assigned_at=assignment.at,
                )
            )
        else:
            row.coach_id = assignment.coach_id
            row.assigned_at = assignment.at
        self.db.add(
            CoachAssignmentRow(
                application_id=assignment.application_id,
                coach_id=assignment.coach_id,
                previous_coach_id=assignment.previous_coach_id,
                assigned_by=assignment.assigned_by,
                at=assignment.at,
            )
        )
        await self.db.flush()

    async def history(self, application_id: int) -> list[CoachAssignment]:
        """Every assignment of the application, oldest first."""
        result = await self.db.execute(
            select(CoachAssignmentRow)
            .where(CoachAssignmentRow.application_id == application_id)
            .order_by(CoachAssignmentRow.id)
        )
        return [
            CoachAssignment(
                application_id=row.application_id,
                coach_id=row.coach_id,
                previous_coach_id=row.previous_coach_id,
                assigned_by=row.assigned_by,
                at=row.at,
            )
            for row in result.scalars()
        ]

    async def open_cases(
        self, program_ids: Sequence[int], states: Collection[str]
    ) -> dict[tuple[int, int], int]:
        """How many applications in ``states`` each coach has, per (program id, coach id)."""
        if not program_ids:
            return {}
        result = await self.db.execute(
            select(ApplicationRow.program_id, CoachRow.coach_id, func.count())
            .join(CoachRow, CoachRow.application_id == ApplicationRow.id)
            .where(ApplicationRow.program_id.in_(set(program_ids)), ApplicationRow.state.in_(list(states)))
            .group_by(ApplicationRow.program_id, CoachRow.coach_id)
        )
        return {(program_id, coach_id): count for program_id, coach_id, count in result.all()}

    async def cases_of(self, coach_id: int, program_ids: Sequence[int], states: Collection[str]) -> list[int]:
        """The ids of the applications of ``program_ids`` in ``states`` that ``coach_id`` coaches."""
        if not program_ids:
            return []
        result = await self.db.execute(
            select(ApplicationRow.id)
            .join(CoachRow, CoachRow.application_id == ApplicationRow.id)
            .where(
                CoachRow.coach_id == coach_id,
                ApplicationRow.program_id.in_(set(program_ids)),
                ApplicationRow.state.in_(list(states)),
            )
            .order_by(ApplicationRow.id)
        )
        return list(result.scalars())
