"""Repository of programs, their preceptors and blocks. Reads return the domain's
:class:`~server.domain.programs.Program` and :class:`~server.domain.blocks.Block`; writes take them
(or their parts); the rows stay in the database layer."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy import delete, exists, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession as AsyncDb
from sqlalchemy.sql.elements import ColumnElement

from server.db.models import (
    BlockRow,
    ProgramCoordinatorRow,
    ProgramPreceptorRow,
    ProgramRow,
)
from server.domain.blocks import Block
from server.domain.programs import NewProgram, Program, search_key

# --- rows <-> domain ----------------------------------------------------------------------------


def program_of_row(row: ProgramRow) -> Program:
    """The domain's program of ``row`` (also for the learning repository's reads of programs)."""
    return Program(
        id=row.id,
        title=row.title,
        specialty=row.specialty,
        rotation_type=row.rotation_type,
        modality=row.modality,
        description=row.description,
        # Tuples: copies, so the domain object shares nothing mutable with the row.
        allowed_training_statuses=tuple(row.allowed_training_statuses),
        step1_pass_required=row.step1_pass_required,
        allowed_professions=tuple(row.allowed_professions),
        required_documents=tuple(row.required_documents),
        coordinator_id=row.coordinator_id,
        published=row.published,
        created_at=row.created_at,
        co_coordinator_ids=tuple(link.coordinator_id for link in row.co_coordinators),
        before_day_one=tuple(row.before_day_one or ()),
    )


def run_by(coordinator_id: int) -> ColumnElement[bool]:
    """The condition that a program row is run by ``coordinator_id`` (who published it, or joined
    it by invitation): :meth:`server.domain.programs.Program.is_run_by` in SQL."""
    joined = select(ProgramCoordinatorRow.program_id).where(
        ProgramCoordinatorRow.coordinator_id == coordinator_id
    )
    return or_(ProgramRow.coordinator_id == coordinator_id, ProgramRow.id.in_(joined))


def _block(row: BlockRow) -> Block:
    return Block(
        id=row.id,
        program_id=row.program_id,
        start_date=row.start_date,
        capacity=row.capacity,
        seats_held=row.seats_held,
        closed_at=row.closed_at,
        closed_reason=row.closed_reason,
    )


class ProgramRepository:
    """Reads return domain objects; writes take them."""

    def __init__(self, db: AsyncDb) -> None:
        self.db = db

    async def get(self, program_id: int) -> Program | None:
        """The program, if there is one."""
        row = await self.db.get(ProgramRow, program_id)
        return None if row is None else program_of_row(row)

    async def add(self, program: NewProgram) -> Program:
        """Write a new program; it reads back with its id."""
        row = ProgramRow(
            title=program.title,
            specialty=program.specialty,
            rotation_type=program.rotation_type,
            modality=program.modality,
            description=program.description,
            allowed_training_statuses=list(program.allowed_training_statuses),
            step1_pass_required=program.step1_pass_required,
            allowed_professions=list(program.allowed_professions),
            required_documents=list(program.required_documents),
            coordinator_id=program.coordinator_id,
            published=program.published,
            created_at=program.created_at,
            search_text=search_key(program.title, program.specialty, program.description),
            before_day_one=list(program.before_day_one),
            co_coordinators=[],  # a new program has none (and the list is not loaded lazily)
        )
        self.db.add(row)
        await self.db.flush()
        return program_of_row(row)

    async def search(
        self,
        *,
        specialty: str | None = None,
        rotation_type: str | None = None,
        modality: str | None = None,
        published_only: bool = True,
        coordinator_id: int | None = None,
        words: Sequence[str] = (),
        starts_from: date | None = None,
    ) -> list[Program]:
        """The programs that match every filter given, by specialty, title and id. ``words`` (folded by
        :func:`server.domain.programs.search_words`) must each start a word of the program's search
        key, in any order; ``starts_from`` keeps programs with a block starting on that day or later."""
        query = select(ProgramRow).order_by(ProgramRow.specialty, ProgramRow.title, ProgramRow.id)
        for word in words:
            # The key has a space before every word, and a search word holds only letters and digits
            # (no LIKE wildcard): the same match on SQLite and PostgreSQL, both sides already folded.
            query = query.where(ProgramRow.search_text.like(f"% {word}%"))
        if starts_from is not None:
            query = query.where(
                exists().where(BlockRow.program_id == ProgramRow.id, BlockRow.start_date >= starts_from)
            )
        if specialty:
            query = query.where(func.lower(ProgramRow.specialty) == specialty.lower())
        if rotation_type:
            query = query.where(ProgramRow.rotation_type == rotation_type)
        if modality:
            query = query.where(ProgramRow.modality == modality)
        if published_only:
            query = query.where(ProgramRow.published.is_(True))
        if coordinator_id is not None:
            query = query.where(run_by(coordinator_id))
        return [program_of_row(row) for row in (await self.db.execute(query)).scalars()]

    async def specialties(self) -> list[str]:
        query = (
            select(ProgramRow.specialty)
            .where(ProgramRow.published.is_(True))
            .distinct()
            .order_by(ProgramRow.specialty)
        )
        return list((await self.db.execute(query)).scalars())

    async def preceptor_ids(self, program_ids: Sequence[int]) -> dict[int, list[int]]:
        out: dict[int, list[int]] = {pid: [] for pid in program_ids}
        if not program_ids:
            return out
        result = await self.db.execute(
            select(ProgramPreceptorRow)
            .where(ProgramPreceptorRow.program_id.in_(set(program_ids)))
            .order_by(ProgramPreceptorRow.preceptor_id)
        )
        for link in result.scalars():
            out[link.program_id].append(link.preceptor_id)
        return out

    async def programs_of_preceptor(self, preceptor_id: int) -> list[int]:
        result = await self.db.execute(
            select(ProgramPreceptorRow.program_id).where(ProgramPreceptorRow.preceptor_id == preceptor_id)
        )
        return list(result.scalars())

    async def add_preceptor(self, program_id: int, preceptor_id: int) -> None:
        """Make ``preceptor_id`` one of the program's preceptors (nothing if they are already)."""
        if await self.db.get(ProgramPreceptorRow, (program_id, preceptor_id)) is None:
            self.db.add(ProgramPreceptorRow(program_id=program_id, preceptor_id=preceptor_id))
            await self.db.flush()

    async def add_coordinator(self, program_id: int, coordinator_id: int) -> None:
        """Make ``coordinator_id`` one of the program's coordinators beside its publisher (nothing if
        they run it already)."""
        row = await self.db.get(ProgramRow, program_id)
        if row is None or row.coordinator_id == coordinator_id:
            return
        if await self.db.get(ProgramCoordinatorRow, (program_id, coordinator_id)) is None:
            self.db.add(ProgramCoordinatorRow(program_id=program_id, coordinator_id=coordinator_id))
            await self.db.flush()
            # The program row read above holds its old list of co-coordinators: read it afresh.
            await self.db.refresh(row, ["co_coordinators"])

    async def hand_over(self, program_id: int, coordinator_id: int) -> None:
        """Make ``coordinator_id`` (one of the program's co-coordinators) the one it is published by."""
        await self.db.execute(
            delete(ProgramCoordinatorRow).where(
                ProgramCoordinatorRow.program_id == program_id,
                ProgramCoordinatorRow.coordinator_id == coordinator_id,
            )
        )
        await self.db.execute(
            update(ProgramRow)
            .where(ProgramRow.id == program_id)
            .values(coordinator_id=coordinator_id)
            .execution_options(synchronize_session=False)
        )
        row = await self.db.get(ProgramRow, program_id)
        if row is not None:
            await self.db.refresh(row)

    async def leave_all(self, user_id: int) -> None:
        """Take ``user_id`` off every program's preceptors and co-coordinators (a closed account)."""
        await self.db.execute(delete(ProgramPreceptorRow).where(ProgramPreceptorRow.preceptor_id == user_id))
        await self.db.execute(
            delete(ProgramCoordinatorRow).where(ProgramCoordinatorRow.coordinator_id == user_id)
        )

    async def set_preceptors(self, program_id: int, preceptor_ids: Sequence[int]) -> None:
        await self.db.execute(delete(ProgramPreceptorRow).where(ProgramPreceptorRow.program_id == program_id))
        for pid in dict.fromkeys(preceptor_ids):
            self.db.add(ProgramPreceptorRow(program_id=program_id, preceptor_id=pid))
        await self.db.flush()

    async def blocks(self, program_ids: Sequence[int]) -> dict[int, list[Block]]:
        """The blocks of each program of ``program_ids``, by start date."""
        out: dict[int, list[Block]] = {pid: [] for pid in program_ids}
        if not program_ids:
            return out
        result = await self.db.execute(
            select(BlockRow).where(BlockRow.program_id.in_(set(program_ids))).order_by(BlockRow.start_date)
        )
        for row in result.scalars():
            out[row.program_id].append(_block(row))
        return out

    async def blocks_by_ids(self, block_ids: Sequence[int]) -> list[Block]:
        """The blocks of ``block_ids`` that exist, by start date."""
        if not block_ids:
            return []
        result = await self.db.execute(
            select(BlockRow).where(BlockRow.id.in_(set(block_ids))).order_by(BlockRow.start_date)
        )
        return [_block(row) for row in result.scalars()]

    async def get_block(self, block_id: int) -> Block | None:
        """The block, if there is one, read fresh: the seat and capacity updates below bypass the
        session, so a row it already holds may be stale."""
        row = await self.db.get(BlockRow, block_id, populate_existing=True)
        return None if row is None else _block(row)

    async def add_block(self, program_id: int, start_date: date, capacity: int) -> Block | None:
        """Open a block with no seat held; None when the program already has a block on that date
        (another request inserted it between the caller's check and this insert). The unit of work
        must then be rolled back."""
        row = BlockRow(program_id=program_id, start_date=start_date, capacity=capacity, seats_held=0)
        self.db.add(row)
        try:
            await self.db.flush()
        except IntegrityError:
            return None
        return _block(row)

    async def block_on(self, program_id: int, start: date) -> Block | None:
        """The program's block starting on ``start``, if there is one."""
        result = await self.db.execute(
            select(BlockRow).where(BlockRow.program_id == program_id, BlockRow.start_date == start)
        )
        row = result.scalar_one_or_none()
        return None if row is None else _block(row)

    async def take_seat(self, block_id: int) -> bool:
        """Atomically take one seat if one is free and the block is not closed. False when the block
        is full (or closed).

        A single conditional UPDATE: concurrent callers cannot both see the last seat free, and a
        block closed meanwhile gives no seat.
        """
        result = await self.db.execute(
            update(BlockRow)
            .where(
                BlockRow.id == block_id,
                BlockRow.seats_held < BlockRow.capacity,
                BlockRow.closed_at.is_(None),
            )
            .values(seats_held=BlockRow.seats_held + 1)
            .execution_options(synchronize_session=False)
        )
        return bool(result.rowcount == 1)  # type: ignore[attr-defined]

    async def close_block(self, block_id: int, at: datetime, reason: str) -> bool:
        """Mark a block as unable to take place; False when it was already closed. Seats held stay
        held: the visitors keep their placement until they accept another."""
        result = await self.db.execute(
            update(BlockRow)
            .where(BlockRow.id == block_id, BlockRow.closed_at.is_(None))
            .values(closed_at=at, closed_reason=reason)
            .execution_options(synchronize_session=False)
        )
        return bool(result.rowcount == 1)  # type: ignore[attr-defined]

    async def release_seat(self, block_id: int) -> None:
        await self.db.execute(
            update(BlockRow)
            .where(BlockRow.id == block_id, BlockRow.seats_held > 0)
            .values(seats_held=BlockRow.seats_held - 1)
            .execution_options(synchronize_session=False)
        )

    async def set_capacity(self, block_id: int, capacity: int) -> bool:
        """Change a block's capacity unless it would fall below the seats already held."""
        result = await self.db.execute(
            update(BlockRow)
            .where(BlockRow.id == block_id, BlockRow.seats_held <= capacity)
            .values(capacity=capacity)
            .execution_options(synchronize_session=False)
        )
        return bool(result.rowcount == 1)  # type: ignore[attr-defined]
