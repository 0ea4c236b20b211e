"""Repositories of accounts: users and their profiles, logins and failed-login throttling."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession as AsyncDb

from server.db.models import (
    Login,
    LoginFailure,
    PreceptorProfile,
    User,
    VisitorProfile,
)


class UserRepository:
    def __init__(self, db: AsyncDb) -> None:
        self.db = db

    async def get(self, user_id: int) -> User | None:
        return await self.db.get(User, user_id)

    async def lock(self, user_id: int) -> None:
        """Hold the user's row until the transaction ends, so that one person's concurrent requests
        of the same kind run one after the other (PostgreSQL; on SQLite every writing transaction
        already runs alone, from BEGIN IMMEDIATE)."""
        await self.db.execute(select(User.id).where(User.id == user_id).with_for_update())

    async def by_email(self, email: str) -> User | None:
        result = await self.db.execute(select(User).where(User.email == email.lower()))
        return result.scalar_one_or_none()

    async def add(self, user: User) -> User:
        self.db.add(user)
        await self.db.flush()
        return user

    async def visitor_profile(self, user_id: int) -> VisitorProfile | None:
        return await self.db.get(VisitorProfile, user_id)

    async def preceptor_profile(self, user_id: int) -> PreceptorProfile | None:
        return await self.db.get(PreceptorProfile, user_id)

    async def by_ids(self, ids: Sequence[int]) -> dict[int, User]:
        if not ids:
            return {}
        result = await self.db.execute(select(User).where(User.id.in_(set(ids))))
        return {u.id: u for u in result.scalars()}

    async def by_role(self, role: str) -> Sequence[User]:
        result = await self.db.execute(select(User).where(User.role == role).order_by(User.id))
        return result.scalars().all()

    async def preceptor_profiles(self, ids: Sequence[int]) -> dict[int, PreceptorProfile]:
        if not ids:
            return {}
        result = await self.db.execute(select(PreceptorProfile).where(PreceptorProfile.user_id.in_(set(ids))))
        return {p.user_id: p for p in result.scalars()}

    async def visitor_profiles(self, ids: Sequence[int]) -> dict[int, VisitorProfile]:
        if not ids:
            return {}
        result = await self.db.execute(select(VisitorProfile).where(VisitorProfile.user_id.in_(set(ids))))
        return {p.user_id: p for p in result.scalars()}


class LoginRepository:
    def __init__(self, db: AsyncDb) -> None:
        self.db = db

    async def by_token_hash(self, token_hash: str) -> Login | None:
        result = await self.db.execute(select(Login).where(Login.token_hash == token_hash))
        return result.scalar_one_or_none()

    async def add(self, login: Login) -> None:
        self.db.add(login)
        await self.db.flush()

    async def delete_by_token_hash(self, token_hash: str) -> None:
        await self.db.execute(delete(Login).where(Login.token_hash == token_hash))

    async def delete_expired(self, now: datetime) -> None:
        await self.db.execute(delete(Login).where(Login.expires_at < now))

    async def record_failure(self, email: str, client_ip: str, at: datetime) -> None:
        self.db.add(LoginFailure(email=email, client_ip=client_ip, at=at))
        await self.db.flush()

    async def failures_since(
        self, *, email: str | None, client_ip: str | None, since: datetime
    ) -> tuple[int, datetime | None]:
        """How many failures since ``since`` for this email or IP, and the latest one's time."""
        query = select(func.count(LoginFailure.id), func.max(LoginFailure.at)).where(LoginFailure.at >= since)
        if email is not None:
            query = query.where(LoginFailure.email == email)
        if client_ip is not None:
            query = query.where(LoginFailure.client_ip == client_ip)
        count, latest = (await self.db.execute(query)).one()
        if latest is not None and latest.tzinfo is None:
            # func.max bypasses the column type on SQLite: values come back naive UTC.
            from datetime import UTC

            latest = latest.replace(tzinfo=UTC)
        return int(count), latest

    async def clear_failures(self, email: str) -> None:
        await self.db.execute(delete(LoginFailure).where(LoginFailure.email == email))

    async def prune_failures(self, before: datetime) -> None:
        await self.db.execute(delete(LoginFailure).where(LoginFailure.at < before))
