"""Repositories of accounts: users and their profiles, logins and failed-login throttling."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession as AsyncDb

from server.db.models import (
    LoginFailureRow,
    LoginRow,
    PreceptorProfileRow,
    UserRow,
    VisitorProfileRow,
)


class UserRepository:
    def __init__(self, db: AsyncDb) -> None:
        self.db = db

    async def get(self, user_id: int) -> UserRow | None:
        return await self.db.get(UserRow, user_id)

    async def lock(self, user_id: int) -> None:
        """Hold the user's row until the transaction ends, so that one person's concurrent requests
        of the same kind run one after the other (PostgreSQL; on SQLite every writing transaction
        already runs alone, from BEGIN IMMEDIATE)."""
        await self.db.execute(select(UserRow.id).where(UserRow.id == user_id).with_for_update())

    async def by_email(self, email: str) -> UserRow | None:
        result = await self.db.execute(select(UserRow).where(UserRow.email == email.lower()))
        return result.scalar_one_or_none()

    async def add(self, user: UserRow) -> UserRow:
        self.db.add(user)
        await self.db.flush()
        return user

    async def visitor_profile(self, user_id: int) -> VisitorProfileRow | None:
        return await self.db.get(VisitorProfileRow, user_id)

    async def preceptor_profile(self, user_id: int) -> PreceptorProfileRow | None:
        return await self.db.get(PreceptorProfileRow, user_id)

    async def by_ids(self, ids: Sequence[int]) -> dict[int, UserRow]:
        if not ids:
            return {}
        result = await self.db.execute(select(UserRow).where(UserRow.id.in_(set(ids))))
        return {u.id: u for u in result.scalars()}

    async def by_role(self, role: str) -> Sequence[UserRow]:
        result = await self.db.execute(select(UserRow).where(UserRow.role == role).order_by(UserRow.id))
        return result.scalars().all()

    async def preceptor_profiles(self, ids: Sequence[int]) -> dict[int, PreceptorProfileRow]:
        if not ids:
            return {}
        result = await self.db.execute(
            select(PreceptorProfileRow).where(PreceptorProfileRow.user_id.in_(set(ids)))
        )
        return {p.user_id: p for p in result.scalars()}

    async def visitor_profiles(self, ids: Sequence[int]) -> dict[int, VisitorProfileRow]:
        if not ids:
            return {}
        result = await self.db.execute(
            select(VisitorProfileRow).where(VisitorProfileRow.user_id.in_(set(ids)))
        )
        return {p.user_id: p for p in result.scalars()}


class LoginRepository:
    def __init__(self, db: AsyncDb) -> None:
        self.db = db

    async def by_token_hash(self, token_hash: str) -> LoginRow | None:
        result = await self.db.execute(select(LoginRow).where(LoginRow.token_hash == token_hash))
        return result.scalar_one_or_none()

    async def add(self, login: LoginRow) -> None:
        self.db.add(login)
        await self.db.flush()

    async def delete_by_token_hash(self, token_hash: str) -> None:
        await self.db.execute(delete(LoginRow).where(LoginRow.token_hash == token_hash))

    async def delete_expired(self, now: datetime) -> None:
        await self.db.execute(delete(LoginRow).where(LoginRow.expires_at < now))

    async def record_failure(self, email: str, client_ip: str, at: datetime) -> None:
        self.db.add(LoginFailureRow(email=email, client_ip=client_ip, at=at))
        await self.db.flush()

    async def failures_since(
        self, *, email: str | None, client_ip: str | None, since: datetime
    ) -> tuple[int, datetime | None]:
        """How many failures since ``since`` for this email or IP, and the latest one's time."""
        query = select(func.count(LoginFailureRow.id), func.max(LoginFailureRow.at)).where(
            LoginFailureRow.at >= since
        )
        if email is not None:
            query = query.where(LoginFailureRow.email == email)
        if client_ip is not None:
            query = query.where(LoginFailureRow.client_ip == client_ip)
        count, latest = (await self.db.execute(query)).one()
        if latest is not None and latest.tzinfo is None:
            # func.max bypasses the column type on SQLite: values come back naive UTC.
            from datetime import UTC

            latest = latest.replace(tzinfo=UTC)
        return int(count), latest

    async def clear_failures(self, email: str) -> None:
        await self.db.execute(delete(LoginFailureRow).where(LoginFailureRow.email == email))

    async def prune_failures(self, before: datetime) -> None:
        await self.db.execute(delete(LoginFailureRow).where(LoginFailureRow.at < before))
