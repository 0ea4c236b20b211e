"""Accounts: creating users, logging in and out, profiles."""

from __future__ import annotations

import asyncio
import hashlib
import secrets
from dataclasses import dataclass, replace
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from server.db.uow import UnitOfWork
from server.domain.accounts import (
    LINKS_PER_HOUR,
    TOKEN_LIFETIMES,
    AccountToken,
    Login,
    PreceptorProfile,
    TokenPurpose,
    User,
    VisitorProfile,
    token_problem,
)
from server.domain.actors import Actor
from server.domain.errors import Conflict, Invalid, NotFound, TooManyRequests, Unauthorized
from server.domain.vocab import Role

LOGIN_LIFETIME = timedelta(days=14)
# Failed logins: after FREE_ATTEMPTS failures for one email within WINDOW, each further attempt
# must wait 2**(n - FREE_ATTEMPTS) seconds after the last failure, capped at MAX_DELAY.
FREE_ATTEMPTS = 5
WINDOW = timedelta(minutes=15)
MAX_DELAY_SECONDS = 15 * 60
# One address guessing across many emails is slowed down as well.
FREE_ATTEMPTS_PER_IP = 20
MIN_PASSWORD_LENGTH = 10

_hasher = PasswordHasher()
# Verifying against this when the email is unknown keeps the timing of both paths alike. Made on the
# first unknown email, not at import: a hash costs ~0.15 s of CPU, and every ``rounds`` command (a
# ``user create``, a bad setting) imported this module and paid it whether it checked a login or not.
_DUMMY_HASH: str | None = None


def _dummy_hash() -> str:
    """The hash an unknown email's password is checked against (made once, in a worker thread)."""
    global _DUMMY_HASH
    if _DUMMY_HASH is None:
        _DUMMY_HASH = _hasher.hash("rounds-timing-equaliser")
    return _DUMMY_HASH


def _password_matches(stored: str | None, password: str) -> bool:
    """Whether ``password`` is the one ``stored`` hashes; None (an unknown email) is checked against
    the dummy hash and never matches."""
    if stored is None:
        _password_matches(_dummy_hash(), password)
        return False
    try:
        return bool(_hasher.verify(stored, password))
    except (VerificationError, InvalidHashError):
        return False


def password_matches(stored: str, password: str) -> bool:
    """Whether ``password`` is the one ``stored`` hashes (argon2: run it in a worker thread)."""
    return _password_matches(stored, password)


def _needs_rehash(stored: str) -> bool:
    return bool(_hasher.check_needs_rehash(stored))


def hash_password(password: str) -> str:
    """Argon2id hash of ``password``."""
    return _hasher.hash(password)


def check_password_strength(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise Invalid(
            f"The password must be at least {MIN_PASSWORD_LENGTH} characters long.",
            field="password",
        )
    if len(password) > 1024:
        raise Invalid("The password must be at most 1024 characters long.", field="password")


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def actor_of(user: User) -> Actor:
    """The logged-in person ``user`` acts as."""
    return Actor(
        user_id=user.id, role=user.role, email=user.email, full_name=user.full_name, time_zone=user.time_zone
    )


async def create_user(
    uow: UnitOfWork,
    *,
    email: str,
    password: str,
    role: Role,
    full_name: str,
    verified: bool = True,
    password_hash: str | None = None,
    time_zone: str | None = None,
) -> User:
    """Create an account with an empty profile for its role. Does not commit. An account an operator
    makes (``rounds user create``, the demo) counts as verified; a sign-up passes ``verified=False``
    (and the hash it computed off the event loop)."""
    check_password_strength(password)
    email = email.strip().lower()
    if await uow.users.by_email(email) is not None:
        raise Conflict(f"An account with the email {email} already exists.", field="email")
    now = uow.now()
    user = await uow.users.add(
        email=email,
        password_hash=password_hash or hash_password(password),
        role=role,
        full_name=full_name.strip(),
        at=now,
        verified_at=now if verified else None,
        time_zone=time_zone,
    )
    if role is Role.VISITOR:
        await uow.users.save_visitor_profile(VisitorProfile(user_id=user.id))
    elif role is Role.PRECEPTOR:
        await uow.users.save_preceptor_profile(PreceptorProfile(user_id=user.id))
    return user


async def check_link_quota(uow: UnitOfWork, user: User, purpose: TokenPurpose) -> None:
    """Refuse with 429 when :data:`LINKS_PER_HOUR` links of ``purpose`` were made for the account in
    the last hour."""
    now = uow.now()
    if (
        await uow.account_tokens.count_since(user.id, purpose.value, now - timedelta(hours=1))
        >= LINKS_PER_HOUR
    ):
        raise TooManyRequests(
            "Several links were sent to this address in the last hour. Use the newest one, or try again "
            "in an hour.",
            retry_after_seconds=3600,
        )


async def new_link(uow: UnitOfWork, user: User, purpose: TokenPurpose, *, email: str | None = None) -> str:
    """Make a single-use link's token for ``user`` (inside the caller's unit of work), to be mailed to
    ``email`` (by default the account's): only its hash is kept, and the account's older open links of
    the same purpose stop working. Refused with 429 past :data:`LINKS_PER_HOUR` links of a purpose per
    account."""
    now = uow.now()
    await check_link_quota(uow, user, purpose)
    await uow.account_tokens.use_all(user.id, purpose.value, now)
    token = secrets.token_urlsafe(32)
    await uow.account_tokens.add(
        token_hash=token_hash(token),
        user_id=user.id,
        purpose=purpose.value,
        email=email or user.email,
        at=now,
        expires_at=now + TOKEN_LIFETIMES[purpose],
    )
    return token


async def take_link(uow: UnitOfWork, token: str, purpose: TokenPurpose) -> tuple[AccountToken, User]:
    """Spend a presented link inside the caller's unit of work: Invalid (the page says why) when it is
    unknown, used or expired; else it is marked used (the caller commits) and its account returned."""
    found = await uow.account_tokens.by_hash_for_update(token_hash(token)) if len(token) <= 128 else None
    problem = token_problem(found, purpose, uow.now())
    user = None if found is None else await uow.users.get(found.user_id)
    if problem is None and user is not None and user.closed_at is not None:
        problem = "This link belongs to an account that was closed."
    if problem is not None or found is None or user is None:
        raise Invalid(problem or "This link is not valid.")
    await uow.account_tokens.use_all(user.id, purpose.value, uow.now())
    return found, user


def _delay_for(failures: int, free: int) -> int:
    if failures < free:
        return 0
    return int(min(2 ** (failures - free), MAX_DELAY_SECONDS))


async def _check_throttle(uow: UnitOfWork, email: str, client_ip: str) -> None:
    now = uow.now()
    since = now - WINDOW
    for count, latest, free in (
        (*await uow.logins.failures_since(email=email, client_ip=None, since=since), FREE_ATTEMPTS),
        (
            *await uow.logins.failures_since(email=None, client_ip=client_ip, since=since),
            FREE_ATTEMPTS_PER_IP,
        ),
    ):
        delay = _delay_for(count, free)
        if delay and latest is not None:
            wait = latest + timedelta(seconds=delay) - now
            if wait.total_seconds() > 0:
                seconds = max(1, int(wait.total_seconds() + 0.999))
                raise TooManyRequests(
                    f"Too many failed logins. Wait {seconds} seconds before trying again.",
                    retry_after_seconds=seconds,
                )


@dataclass(frozen=True)
class LoginResult:
    actor: Actor
    token: str


async def log_in(
    uow: UnitOfWork, *, email: str, password: str, client_ip: str, replaces: str | None = None
) -> LoginResult:
    """Check the password and open a login. Failed attempts are recorded and slow down retries.

    ``replaces`` is the browser's current login token, if any: a successful login ends it on the
    server, so switching accounts in one browser leaves no valid login behind.
    """
    email = email.strip().lower()
    async with uow:
        user = await uow.users.by_email(email)
        await _check_throttle(uow, email, client_ip)
        user_id = None if user is None else user.id
        stored = None if user is None else user.password_hash
    # argon2 costs ~0.15 s of CPU on purpose: it runs in a worker thread, holding no database
    # connection (on SQLite, no lock), so the server and its live sessions carry on meanwhile.
    # An unknown email is checked against a dummy hash all the same: the answer takes as long.
    matched = await asyncio.to_thread(_password_matches, stored, password)
    ok = matched and user_id is not None
    rehash = ok and stored is not None and _needs_rehash(stored)
    new_hash = await asyncio.to_thread(hash_password, password) if rehash else None
    async with uow:
        user = None
        if user_id is not None:
            # One decision per account at a time, and the throttle asked again under that lock: a
            # burst of parallel guesses is counted like a series, whatever order their checks end in.
            await uow.users.lock(user_id)
            user = await uow.users.get(user_id)
        await _check_throttle(uow, email, client_ip)
        closed = user is not None and user.closed_at is not None
        if not ok or user is None or closed or user.password_hash != stored:
            await uow.logins.record_failure(email, client_ip, uow.now())
            await uow.commit()
            raise Unauthorized("The email or password is not right.")
        await uow.logins.clear_failures(email)
        if replaces:
            await uow.logins.delete_by_token_hash(token_hash(replaces))
        if new_hash is not None:
            user = await uow.users.update(replace(user, password_hash=new_hash))
        token = secrets.token_urlsafe(32)
        now = uow.now()
        await uow.logins.add(
            Login(
                token_hash=token_hash(token),
                user_id=user.id,
                created_at=now,
                expires_at=now + LOGIN_LIFETIME,
            )
        )
        await uow.logins.prune_failures(now - WINDOW)
        await uow.commit()
        return LoginResult(actor=actor_of(user), token=token)


async def resolve_login(uow: UnitOfWork, token: str) -> Actor | None:
    """The actor behind a login cookie, or None when it is unknown or expired."""
    async with uow:
        return await login_actor(uow, token)


async def login_actor(uow: UnitOfWork, token: str) -> Actor | None:
    """:func:`resolve_login` in the caller's open unit of work."""
    login = await uow.logins.by_token_hash(token_hash(token))
    if login is None or login.expires_at <= uow.now():
        return None
    user = await uow.users.get(login.user_id)
    return actor_of(user) if user is not None and user.closed_at is None else None


async def log_out(uow: UnitOfWork, token: str) -> None:
    async with uow:
        await uow.logins.delete_by_token_hash(token_hash(token))
        await uow.commit()


async def get_user(uow: UnitOfWork, user_id: int) -> User:
    """Look up a user inside the caller's open unit of work."""
    user = await uow.users.get(user_id)
    if user is None:
        raise NotFound(f"There is no user {user_id}.")
    return user
