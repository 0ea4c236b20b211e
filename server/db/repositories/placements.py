"""Repository of placement proposals and their options, and of the before-day-one checklist's marks.
Reads return the domain's :class:`~server.domain.placements.Proposal`; the rows stay here."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession as AsyncDb

from server.db.models import ChecklistMarkRow, PlacementOptionRow, PlacementProposalRow
from server.domain.errors import Conflict
from server.domain.placements import NewOption, Option, Proposal, ProposalState


@dataclass(frozen=True)
class ChecklistMark:
    """One checklist item marked done (or reopened) on an application, by whom and with what note."""

    item: str
    done_at: datetime | None
    done_by: int | None
    note: str | None


class PlacementRepository:
    """Proposals of alternative placements: written by coordinators, answered by visitors."""

    def __init__(self, db: AsyncDb) -> None:
        self.db = db

    async def _proposals(self, rows: Sequence[PlacementProposalRow]) -> list[Proposal]:
        ids = [r.id for r in rows]
        options: dict[int, list[Option]] = {i: [] for i in ids}
        if ids:
            result = await self.db.execute(
                select(PlacementOptionRow)
                .where(PlacementOptionRow.proposal_id.in_(ids))
                .order_by(PlacementOptionRow.id)
            )
            for o in result.scalars():
                options[o.proposal_id].append(
                    Option(id=o.id, program_id=o.program_id, block_ids=tuple(o.block_ids))
                )
        return [
            Proposal(
                id=r.id,
                application_id=r.application_id,
                coordinator_id=r.coordinator_id,
                reason=r.reason,
                state=ProposalState(r.state),
                created_at=r.created_at,
                answered_at=r.answered_at,
                chosen_option_id=r.chosen_option_id,
                options=tuple(options[r.id]),
            )
            for r in rows
        ]

    async def add(
        self,
        application_id: int,
        coordinator_id: int,
        reason: str,
        options: Sequence[NewOption],
        at: datetime,
    ) -> Proposal:
        """Write an open proposal with its options; Conflict when the application already has an open
        one (the partial unique index decides when two coordinators race)."""
        row = PlacementProposalRow(
            application_id=application_id,
            coordinator_id=coordinator_id,
            reason=reason,
            state=ProposalState.OPEN.value,
            created_at=at,
        )
        self.db.add(row)
        try:
            await self.db.flush()
        except IntegrityError:
            raise Conflict(
                "This application already has an open proposal: retract it before proposing again."
            ) from None
        for option in options:
            self.db.add(
                PlacementOptionRow(
                    proposal_id=row.id, program_id=option.program_id, block_ids=list(option.block_ids)
                )
            )
        await self.db.flush()
        return (await self._proposals([row]))[0]

    async def get(self, proposal_id: int) -> Proposal | None:
        row = await self.db.get(PlacementProposalRow, proposal_id, populate_existing=True)
        return None if row is None else (await self._proposals([row]))[0]

    async def of_applications(self, application_ids: Sequence[int]) -> dict[int, list[Proposal]]:
        """Each application's proposals, oldest first."""
        out: dict[int, list[Proposal]] = {a: [] for a in application_ids}
        if not application_ids:
            return out
        result = await self.db.execute(
            select(PlacementProposalRow)
            .where(PlacementProposalRow.application_id.in_(set(application_ids)))
            .order_by(PlacementProposalRow.id)
        )
        for proposal in await self._proposals(list(result.scalars())):
            out[proposal.application_id].append(proposal)
        return out

    async def answer(
        self, proposal_id: int, state: ProposalState, at: datetime, chosen_option_id: int | None = None
    ) -> bool:
        """Close an open proposal (accepted, declined, retracted); False when it was no longer open:
        two answers at once cannot both count."""
        result = await self.db.execute(
            update(PlacementProposalRow)
            .where(
                PlacementProposalRow.id == proposal_id, PlacementProposalRow.state == ProposalState.OPEN.value
            )
            .values(state=state.value, answered_at=at, chosen_option_id=chosen_option_id)
            .execution_options(synchronize_session=False)
        )
        return bool(result.rowcount == 1)  # type: ignore[attr-defined]

    async def lapse_open(self, application_id: int, at: datetime) -> None:
        """The application closed: its open proposal (if any) can no longer be answered."""
        await self.db.execute(
            update(PlacementProposalRow)
            .where(
                PlacementProposalRow.application_id == application_id,
                PlacementProposalRow.state == ProposalState.OPEN.value,
            )
            .values(state=ProposalState.LAPSED.value, answered_at=at)
            .execution_options(synchronize_session=False)
        )

    # --- the before-day-one checklist ----------------------------------------------------------

    async def marks(self, application_id: int) -> dict[str, ChecklistMark]:
        """The checklist marks of an application, by item."""
        result = await self.db.execute(
            select(ChecklistMarkRow).where(ChecklistMarkRow.application_id == application_id)
        )
        return {
            r.item: ChecklistMark(item=r.item, done_at=r.done_at, done_by=r.done_by, note=r.note)
            for r in result.scalars()
        }

    async def set_mark(
        self,
        application_id: int,
        item: str,
        *,
        done_at: datetime | None,
        done_by: int | None,
        note: str | None,
        at: datetime,
    ) -> None:
        """Mark an item done (``done_at`` set) or open again, with a note."""
        row = (
            await self.db.execute(
                select(ChecklistMarkRow)
                .where(ChecklistMarkRow.application_id == application_id, ChecklistMarkRow.item == item)
                .with_for_update()
            )
        ).scalar_one_or_none()
        if row is None:
            row = ChecklistMarkRow(application_id=application_id, item=item)
            self.db.add(row)
        row.done_at = done_at
        row.done_by = done_by
        row.note = note
        row.updated_at = at
        try:
            await self.db.flush()
        except IntegrityError:
            raise Conflict("This item was changed at the same moment; reload and try again.") from None
