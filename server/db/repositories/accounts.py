"""Repositories of accounts: users and their profiles, logins and failed-login throttling. Reads
return the domain's :class:`~server.domain.accounts.User`, profiles and
:class:`~server.domain.accounts.Login`; writes take them; the rows stay in this module."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession as AsyncDb

from server.db.models import (
    AccountTokenRow,
    LoginFailureRow,
    LoginRow,
    PreceptorProfileRow,
    UserRow,
    VisitorProfileRow,
)
from server.domain.accounts import AccountToken, Login, PreceptorProfile, User, VisitorProfile
from server.domain.vocab import Role, Step1Status, TrainingStatus

# --- rows <-> domain ----------------------------------------------------------------------------


def _user(row: UserRow) -> User:
    return User(
        id=row.id,
        email=row.email,
        password_hash=row.password_hash,
        role=Role(row.role),
        full_name=row.full_name,
        created_at=row.created_at,
        email_verified_at=row.email_verified_at,
        time_zone=row.time_zone,
        closed_at=row.closed_at,
    )


def _visitor_profile(row: VisitorProfileRow) -> VisitorProfile:
    return VisitorProfile(
        user_id=row.user_id,
        training_status=None if row.training_status is None else TrainingStatus(row.training_status),
        profession=row.profession,
        school=row.school,
        country=row.country,
        graduation_year=row.graduation_year,
        step1_status=None if row.step1_status is None else Step1Status(row.step1_status),
    )


def _preceptor_profile(row: PreceptorProfileRow) -> PreceptorProfile:
    return PreceptorProfile(
        user_id=row.user_id,
        specialty=row.specialty,
        institution=row.institution,
        title=row.title,
        npi=row.npi,
        phone=row.phone,
        address=row.address,
        contact_email=row.contact_email,
    )


def _login(row: LoginRow) -> Login:
    return Login(
        token_hash=row.token_hash, user_id=row.user_id, created_at=row.created_at, expires_at=row.expires_at
    )


class UserRepository:
    """Reads return domain objects; writes take them."""

    def __init__(self, db: AsyncDb) -> None:
        self.db = db

    async def get(self, user_id: int) -> User | None:
        """The user, if there is one."""
        row = await self.db.get(UserRow, user_id)
        return None if row is None else _user(row)

    async def lock(self, user_id: int) -> None:
        """Hold the user's row until the transaction ends, so that one person's concurrent requests
        of the same kind run one after the other (PostgreSQL; on SQLite every writing transaction
        already runs alone, from BEGIN IMMEDIATE)."""
        await self.db.execute(select(UserRow.id).where(UserRow.id == user_id).with_for_update())

    async def by_email(self, email: str) -> User | None:
        """The user with this email (compared in lower case), if there is one."""
        result = await self.db.execute(select(UserRow).where(UserRow.email == email.lower()))
        row = result.scalar_one_or_none()
        return None if row is None else _user(row)

    async def add(
        self,
        *,
        email: str,
        password_hash: str,
        role: Role,
        full_name: str,
        at: datetime,
        verified_at: datetime | None = None,
        time_zone: str | None = None,
    ) -> User:
        """Write a new account (its email verified at ``verified_at``, or not yet)."""
        row = UserRow(
            email=email,
            password_hash=password_hash,
            role=role.value,
            full_name=full_name,
            created_at=at,
            email_verified_at=verified_at,
            time_zone=time_zone,
        )
        self.db.add(row)
        await self.db.flush()
        return _user(row)

    async def update(self, user: User) -> User:
        """Write back what can change in an account: its email (the caller checked that no other
        account has it), password hash, name, time zone, when its email was verified and when it was
        closed."""
        row = await self.db.get(UserRow, user.id)
        if row is None:
            raise LookupError(f"no user {user.id}")
        row.email = user.email
        row.password_hash = user.password_hash
        row.full_name = user.full_name
        row.email_verified_at = user.email_verified_at
        row.time_zone = user.time_zone
        row.closed_at = user.closed_at
        await self.db.flush()
        return _user(row)

    async def visitor_profile(self, user_id: int) -> VisitorProfile | None:
        """The visitor's profile, if there is one."""
        row = await self.db.get(VisitorProfileRow, user_id)
        return None if row is None else _visitor_profile(row)

    async def preceptor_profile(self, user_id: int) -> PreceptorProfile | None:
        """The preceptor's profile, if there is one."""
        row = await self.db.get(PreceptorProfileRow, user_id)
        return None if row is None else _preceptor_profile(row)

    async def save_visitor_profile(self, profile: VisitorProfile) -> VisitorProfile:
        """Write the visitor's profile, creating it if there is none yet."""
        row = await self.db.get(VisitorProfileRow, profile.user_id)
        if row is None:
            row = VisitorProfileRow(user_id=profile.user_id)
            self.db.add(row)
        row.training_status = None if profile.training_status is None else profile.training_status.value
        row.profession = profile.profession
        row.school = profile.school
        row.country = profile.country
        row.graduation_year = profile.graduation_year
        row.step1_status = None if profile.step1_status is None else profile.step1_status.value
        await self.db.flush()
        return _visitor_profile(row)

    async def save_preceptor_profile(self, profile: PreceptorProfile) -> PreceptorProfile:
        """Write the preceptor's profile, creating it if there is none yet."""
        row = await self.db.get(PreceptorProfileRow, profile.user_id)
        if row is None:
            row = PreceptorProfileRow(user_id=profile.user_id)
            self.db.add(row)
        row.specialty = profile.specialty
        row.institution = profile.institution
        row.title = profile.title
        row.npi = profile.npi
        row.phone = profile.phone
        row.address = profile.address
        row.contact_email = profile.contact_email
        await self.db.flush()
        return _preceptor_profile(row)

    async def by_ids(self, ids: Sequence[int]) -> dict[int, User]:
        """The users with these ids, by id (unknown ids are left out)."""
        if not ids:
            return {}
        result = await self.db.execute(select(UserRow).where(UserRow.id.in_(set(ids))))
        return {u.id: _user(u) for u in result.scalars()}

    async def by_role(self, role: str) -> list[User]:
        """The open (not closed) accounts of a role, by id."""
        query = select(UserRow).where(UserRow.role == role, UserRow.closed_at.is_(None)).order_by(UserRow.id)
        result = await self.db.execute(query)
        return [_user(u) for u in result.scalars()]

    async def preceptor_profiles(self, ids: Sequence[int]) -> dict[int, PreceptorProfile]:
        """The preceptors' profiles that exist, by user id."""
        if not ids:
            return {}
        result = await self.db.execute(
            select(PreceptorProfileRow).where(PreceptorProfileRow.user_id.in_(set(ids)))
        )
        return {p.user_id: _preceptor_profile(p) for p in result.scalars()}

    async def visitor_profiles(self, ids: Sequence[int]) -> dict[int, VisitorProfile]:
        """The visitors' profiles that exist, by user id."""
        if not ids:
            return {}
        result = await self.db.execute(
            select(VisitorProfileRow).where(VisitorProfileRow.user_id.in_(set(ids)))
        )
        return {p.user_id: _visitor_profile(p) for p in result.scalars()}


class LoginRepository:
    """Logins and failed-login records; logins are read and written as domain objects."""

    def __init__(self, db: AsyncDb) -> None:
        self.db = db

    async def by_token_hash(self, token_hash: str) -> Login | None:
        """The login with this token hash, if there is one."""
        result = await self.db.execute(select(LoginRow).where(LoginRow.token_hash == token_hash))
        row = result.scalar_one_or_none()
        return None if row is None else _login(row)

    async def add(self, login: Login) -> None:
        """Write a new login."""
        self.db.add(
            LoginRow(
                token_hash=login.token_hash,
                user_id=login.user_id,
                created_at=login.created_at,
                expires_at=login.expires_at,
            )
        )
        await self.db.flush()

    async def delete_by_token_hash(self, token_hash: str) -> None:
        await self.db.execute(delete(LoginRow).where(LoginRow.token_hash == token_hash))

    async def delete_for_user(self, user_id: int, *, keep_token_hash: str | None = None) -> int:
        """End every login of an account (but the one whose token hash is ``keep_token_hash``);
        returns how many were ended."""
        query = delete(LoginRow).where(LoginRow.user_id == user_id)
        if keep_token_hash is not None:
            query = query.where(LoginRow.token_hash != keep_token_hash)
        result = await self.db.execute(query)
        return int(result.rowcount)  # type: ignore[attr-defined]

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
            latest = latest.replace(tzinfo=UTC)
        return int(count), latest

    async def clear_failures(self, email: str) -> None:
        await self.db.execute(delete(LoginFailureRow).where(LoginFailureRow.email == email))

    async def prune_failures(self, before: datetime) -> None:
        await self.db.execute(delete(LoginFailureRow).where(LoginFailureRow.at < before))


def _token(row: AccountTokenRow) -> AccountToken:
    return AccountToken(
        id=row.id,
        token_hash=row.token_hash,
        user_id=row.user_id,
        purpose=row.purpose,
        email=row.email,
        created_at=row.created_at,
        expires_at=row.expires_at,
        used_at=row.used_at,
    )


class AccountTokenRepository:
    """Single-use links mailed to an account's owner; only their hashes are kept."""

    def __init__(self, db: AsyncDb) -> None:
        self.db = db

    async def add(
        self, *, token_hash: str, user_id: int, purpose: str, email: str, at: datetime, expires_at: datetime
    ) -> None:
        """Keep a new link's hash."""
        self.db.add(
            AccountTokenRow(
                token_hash=token_hash,
                user_id=user_id,
                purpose=purpose,
                email=email,
                created_at=at,
                expires_at=expires_at,
            )
        )
        await self.db.flush()

    async def by_hash_for_update(self, token_hash: str) -> AccountToken | None:
        """The link with this hash, its row held until the transaction ends (two clicks at once: the
        second waits, then finds it used)."""
        query = select(AccountTokenRow).where(AccountTokenRow.token_hash == token_hash).with_for_update()
        row = (await self.db.execute(query)).scalar_one_or_none()
        return None if row is None else _token(row)

    async def use_all(self, user_id: int, purpose: str, at: datetime) -> None:
        """Spend every open link of this purpose for the account (one used, or a newer one sent)."""
        await self.db.execute(
            update(AccountTokenRow)
            .where(
                AccountTokenRow.user_id == user_id,
                AccountTokenRow.purpose == purpose,
                AccountTokenRow.used_at.is_(None),
            )
            .values(used_at=at)
        )

    async def count_since(self, user_id: int, purpose: str, since: datetime) -> int:
        """How many links of this purpose were made for the account since ``since``."""
        query = select(func.count(AccountTokenRow.id)).where(
            AccountTokenRow.user_id == user_id,
            AccountTokenRow.purpose == purpose,
            AccountTokenRow.created_at >= since,
        )
        return int((await self.db.execute(query)).scalar_one())

    async def prune(self, before: datetime) -> None:
        """Forget links that expired before ``before``."""
        await self.db.execute(delete(AccountTokenRow).where(AccountTokenRow.expires_at < before))
