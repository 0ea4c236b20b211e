"""Repository of programs, their preceptors and blocks."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession as AsyncDb

from server.db.models import (
    BlockRow,
    ProgramPreceptorRow,
    ProgramRow,
)


class ProgramRepository:
    def __init__(self, db: AsyncDb) -> None:
        self.db = db

    async def get(self, program_id: int) -> ProgramRow | None:
        return await self.db.get(ProgramRow, program_id)

    async def add(self, program: ProgramRow) -> ProgramRow:
        self.db.add(program)
        await self.db.flush()
        return program

    async def search(
        self,
        *,
        specialty: str | None = None,
        rotation_type: str | None = None,
        modality: str | None = None,
        published_only: bool = True,
        coordinator_id: int | None = None,
    ) -> Sequence[ProgramRow]:
        query = select(ProgramRow).order_by(ProgramRow.specialty, ProgramRow.title, ProgramRow.id)
        if specialty:
            query = query.where(func.lower(ProgramRow.specialty) == specialty.lower())
        if rotation_type:
            query = query.where(ProgramRow.rotation_type == rotation_type)
        if modality:
            query = query.where(ProgramRow.modality == modality)
        if published_only:
            query = query.where(ProgramRow.published.is_(True))
        if coordinator_id is not None:
            query = query.where(ProgramRow.coordinator_id == coordinator_id)
        return (await self.db.execute(query)).scalars().all()

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

    async def set_preceptors(self, program_id: int, preceptor_ids: Sequence[int]) -> None:
        await self.db.execute(delete(ProgramPreceptorRow).where(ProgramPreceptorRow.program_id == program_id))
        for pid in dict.fromkeys(preceptor_ids):
            self.db.add(ProgramPreceptorRow(program_id=program_id, preceptor_id=pid))
        await self.db.flush()

    async def blocks(self, program_ids: Sequence[int]) -> dict[int, list[BlockRow]]:
        out: dict[int, list[BlockRow]] = {pid: [] for pid in program_ids}
        if not program_ids:
            return out
        result = await self.db.execute(
            select(BlockRow).where(BlockRow.program_id.in_(set(program_ids))).order_by(BlockRow.start_date)
        )
        for block in result.scalars():
            out[block.program_id].append(block)
        return out

    async def blocks_by_ids(self, block_ids: Sequence[int]) -> list[BlockRow]:
        if not block_ids:
            return []
        result = await self.db.execute(
            select(BlockRow).where(BlockRow.id.in_(set(block_ids))).order_by(BlockRow.start_date)
        )
        return list(result.scalars())

    async def get_block(self, block_id: int) -> BlockRow | None:
        return await self.db.get(BlockRow, block_id)

    async def add_block(self, block: BlockRow) -> BlockRow | None:
        """Insert ``block``; None when the program already has a block on that date (another
        request inserted it between the caller's check and this insert). The unit of work must then
        be rolled back."""
        self.db.add(block)
        try:
            await self.db.flush()
        except IntegrityError:
            return None
        return block

    async def block_on(self, program_id: int, start: date) -> BlockRow | None:
        result = await self.db.execute(
            select(BlockRow).where(BlockRow.program_id == program_id, BlockRow.start_date == start)
        )
        return result.scalar_one_or_none()

    async def take_seat(self, block_id: int) -> bool:
        """Atomically take one seat if one is free. False when the block is full.

        A single conditional UPDATE: concurrent callers cannot both see the last seat free.
        """
        result = await self.db.execute(
            update(BlockRow)
            .where(BlockRow.id == block_id, BlockRow.seats_held < BlockRow.capacity)
            .values(seats_held=BlockRow.seats_held + 1)
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
