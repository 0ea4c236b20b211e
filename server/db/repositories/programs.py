"""Repository of programs, their preceptors and blocks."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession as AsyncDb

from server.db.models import (
    Block,
    Program,
    ProgramPreceptor,
)


class ProgramRepository:
    def __init__(self, db: AsyncDb) -> None:
        self.db = db

    async def get(self, program_id: int) -> Program | None:
        return await self.db.get(Program, program_id)

    async def add(self, program: Program) -> Program:
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
    ) -> Sequence[Program]:
        query = select(Program).order_by(Program.specialty, Program.title, Program.id)
        if specialty:
            query = query.where(func.lower(Program.specialty) == specialty.lower())
        if rotation_type:
            query = query.where(Program.rotation_type == rotation_type)
        if modality:
            query = query.where(Program.modality == modality)
        if published_only:
            query = query.where(Program.published.is_(True))
        if coordinator_id is not None:
            query = query.where(Program.coordinator_id == coordinator_id)
        return (await self.db.execute(query)).scalars().all()

    async def specialties(self) -> list[str]:
        query = (
            select(Program.specialty)
            .where(Program.published.is_(True))
            .distinct()
            .order_by(Program.specialty)
        )
        return list((await self.db.execute(query)).scalars())

    async def preceptor_ids(self, program_ids: Sequence[int]) -> dict[int, list[int]]:
        out: dict[int, list[int]] = {pid: [] for pid in program_ids}
        if not program_ids:
            return out
        result = await self.db.execute(
            select(ProgramPreceptor)
            .where(ProgramPreceptor.program_id.in_(set(program_ids)))
            .order_by(ProgramPreceptor.preceptor_id)
        )
        for link in result.scalars():
            out[link.program_id].append(link.preceptor_id)
        return out

    async def programs_of_preceptor(self, preceptor_id: int) -> list[int]:
        result = await self.db.execute(
            select(ProgramPreceptor.program_id).where(ProgramPreceptor.preceptor_id == preceptor_id)
        )
        return list(result.scalars())

    async def set_preceptors(self, program_id: int, preceptor_ids: Sequence[int]) -> None:
        await self.db.execute(delete(ProgramPreceptor).where(ProgramPreceptor.program_id == program_id))
        for pid in dict.fromkeys(preceptor_ids):
            self.db.add(ProgramPreceptor(program_id=program_id, preceptor_id=pid))
        await self.db.flush()

    async def blocks(self, program_ids: Sequence[int]) -> dict[int, list[Block]]:
        out: dict[int, list[Block]] = {pid: [] for pid in program_ids}
        if not program_ids:
            return out
        result = await self.db.execute(
            select(Block).where(Block.program_id.in_(set(program_ids))).order_by(Block.start_date)
        )
        for block in result.scalars():
            out[block.program_id].append(block)
        return out

    async def blocks_by_ids(self, block_ids: Sequence[int]) -> list[Block]:
        if not block_ids:
            return []
        result = await self.db.execute(
            select(Block).where(Block.id.in_(set(block_ids))).order_by(Block.start_date)
        )
        return list(result.scalars())

    async def get_block(self, block_id: int) -> Block | None:
        return await self.db.get(Block, block_id)

    async def add_block(self, block: Block) -> Block | None:
        """Insert ``block``; None when the program already has a block on that date (another
        request inserted it between the caller's check and this insert). The unit of work must then
        be rolled back."""
        self.db.add(block)
        try:
            await self.db.flush()
        except IntegrityError:
            return None
        return block

    async def block_on(self, program_id: int, start: date) -> Block | None:
        result = await self.db.execute(
            select(Block).where(Block.program_id == program_id, Block.start_date == start)
        )
        return result.scalar_one_or_none()

    async def take_seat(self, block_id: int) -> bool:
        """Atomically take one seat if one is free. False when the block is full.

        A single conditional UPDATE: concurrent callers cannot both see the last seat free.
        """
        result = await self.db.execute(
            update(Block)
            .where(Block.id == block_id, Block.seats_held < Block.capacity)
            .values(seats_held=Block.seats_held + 1)
            .execution_options(synchronize_session=False)
        )
        return bool(result.rowcount == 1)  # type: ignore[attr-defined]

    async def release_seat(self, block_id: int) -> None:
        await self.db.execute(
            update(Block)
            .where(Block.id == block_id, Block.seats_held > 0)
            .values(seats_held=Block.seats_held - 1)
            .execution_options(synchronize_session=False)
        )

    async def set_capacity(self, block_id: int, capacity: int) -> bool:
        """Change a block's capacity unless it would fall below the seats already held."""
        result = await self.db.execute(
            update(Block)
            .where(Block.id == block_id, Block.seats_held <= capacity)
            .values(capacity=capacity)
            .execution_options(synchronize_session=False)
        )
        return bool(result.rowcount == 1)  # type: ignore[attr-defined]
