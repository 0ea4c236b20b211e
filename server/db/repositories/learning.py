"""Queries of the learning record's pages and dashboard: whose enrollments an actor may look at, and
the titles of their programs. Read-only; reads return the domain's
:class:`~server.domain.learning.ListedEnrollment`, :class:`~server.domain.programs.Program` and plain
titles, the rows stay in this module. The record's own reads and writes (many enrollments'
presentations too) stay in their repositories."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession as AsyncDb

from server.db.models import (
    ApplicationRow,
    ProgramPreceptorRow,
    ProgramRow,
)
from server.db.repositories.programs import program_of_row, run_by
from server.domain.applications import AppState
from server.domain.learning import ListedEnrollment
from server.domain.programs import Program


def _listed(row: ApplicationRow) -> ListedEnrollment:
    return ListedEnrollment(
        id=row.id, visitor_id=row.visitor_id, program_id=row.program_id, state=AppState(row.state)
    )


class LearningRepository:
    """Reads return domain objects."""

    def __init__(self, db: AsyncDb) -> None:
        self.db = db

    async def _listed(self, query: Select[ApplicationRow]) -> list[ListedEnrollment]:
        # Oldest first, for every list of this repository.
        result = await self.db.execute(query.order_by(ApplicationRow.created_at, ApplicationRow.id))
        return [_listed(row) for row in result.scalars()]

    async def enrollments_of_visitor(self, visitor_id: int, states: Sequence[str]) -> list[ListedEnrollment]:
        """The visitor's applications in ``states`` (the enrolled ones), oldest first."""
        return await self._listed(
            select(ApplicationRow).where(
                ApplicationRow.visitor_id == visitor_id, ApplicationRow.state.in_(list(states))
            )
        )

    async def enrollments_taught_by(self, preceptor_id: int, states: Sequence[str]) -> list[ListedEnrollment]:
        """Applications in ``states`` of every program the preceptor teaches, oldest first."""
        return await self._listed(
            select(ApplicationRow)
            .join(ProgramPreceptorRow, ProgramPreceptorRow.program_id == ApplicationRow.program_id)
            .where(ProgramPreceptorRow.preceptor_id == preceptor_id, ApplicationRow.state.in_(list(states)))
        )

    async def enrollments_run_by(self, coordinator_id: int, states: Sequence[str]) -> list[ListedEnrollment]:
        """Applications in ``states`` of every program the coordinator runs, oldest first."""
        return await self._listed(
            select(ApplicationRow)
            .join(ProgramRow, ProgramRow.id == ApplicationRow.program_id)
            .where(run_by(coordinator_id), ApplicationRow.state.in_(list(states)))
        )

    async def programs_by_ids(self, ids: Sequence[int]) -> dict[int, Program]:
        """The programs of ``ids`` that exist, by id."""
        if not ids:
            return {}
        result = await self.db.execute(select(ProgramRow).where(ProgramRow.id.in_(set(ids))))
        return {row.id: program_of_row(row) for row in result.scalars()}

    async def program_titles(self, ids: Sequence[int]) -> dict[int, str]:
        """The titles of the programs of ``ids`` that exist, by id."""
        if not ids:
            return {}
        result = await self.db.execute(
            select(ProgramRow.id, ProgramRow.title).where(ProgramRow.id.in_(set(ids)))
        )
        return {program_id: title for program_id, title in result}
