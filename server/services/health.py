"""The node's health as the services see it: whether the database answers."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncEngine

from server.db import availability

CHECK_SECONDS = 3.0


async def database_answers(engine: AsyncEngine, seconds: float = CHECK_SECONDS) -> bool:
    """Whether the database answers within ``seconds``: False on any connection error or a timeout."""
    return await availability.database_answers(engine, seconds)
