"""Accounts as kept: users, their profiles (a visitor's training facts, a preceptor's letterhead
details) and logins."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from server.domain.vocab import Role, Step1Status, TrainingStatus


@dataclass(frozen=True, slots=True)
class User:
    """An account: its email (lower case), Argon2 password hash, role and name."""

    id: int
    email: str
    password_hash: str
    role: Role
    full_name: str
    created_at: datetime
    # When the owner proved the email is theirs (None: not yet; a visitor cannot apply until then).
    email_verified_at: datetime | None = None
    # The IANA zone the owner reads times in (None: not chosen).
    time_zone: str | None = None
    # When the owner closed the account (None: open).
    closed_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class VisitorProfile:
    """A visitor's training facts, each unknown (None) until the visitor gives it."""

    user_id: int
    training_status: TrainingStatus | None = None
    profession: str | None = None
    school: str | None = None
    country: str | None = None
    graduation_year: int | None = None
    step1_status: Step1Status | None = None


@dataclass(frozen=True, slots=True)
class PreceptorProfile:
    """A preceptor's details for letterheads and certificates, each None until given."""

    user_id: int
    specialty: str | None = None
    institution: str | None = None
    title: str | None = None
    npi: str | None = None
    phone: str | None = None
    address: str | None = None
    contact_email: str | None = None


@dataclass(frozen=True, slots=True)
class Login:
    """A browser's login: the hash of its token (the token itself is never kept), whose it is and
    until when it holds."""

    token_hash: str
    user_id: int
    created_at: datetime
    expires_at: datetime


@dataclass(frozen=True, slots=True)
class AccountToken:
    """A single-use link mailed to an account's owner, as kept: the hash of its token (the token
    itself is only in the email), its purpose, the address it was mailed to, and its lifetime."""

    id: int
    token_hash: str
    user_id: int
    purpose: str
    email: str
    created_at: datetime
    expires_at: datetime
    used_at: datetime | None


class TokenPurpose(StrEnum):
    """What a mailed single-use link does."""

    VERIFY_EMAIL = "verify_email"
    RESET_PASSWORD = "reset_password"
    CHANGE_EMAIL = "change_email"  # mailed to the new address; opening it makes it the account's


#: How long each kind of link works after it is mailed: long enough to find the mail a day later for a
#: verification; short for a reset, which hands over the account.
TOKEN_LIFETIMES: dict[TokenPurpose, timedelta] = {
    TokenPurpose.VERIFY_EMAIL: timedelta(hours=48),
    TokenPurpose.RESET_PASSWORD: timedelta(minutes=30),
    TokenPurpose.CHANGE_EMAIL: timedelta(hours=24),
}
#: At most this many links of one purpose are mailed to one account per hour (resend buttons, resets).
LINKS_PER_HOUR = 3


def token_problem(token: AccountToken | None, purpose: TokenPurpose, now: datetime) -> str | None:
    """Why a presented link cannot be used (unknown, another purpose, used, expired), or None."""
    if token is None or token.purpose != purpose.value:
        return "This link is not valid. Check that you opened the whole link from the email."
    if token.used_at is not None:
        return "This link has already been used (or a newer one was sent): each link works once."
    if token.expires_at <= now:
        return "This link has expired."
    return None
