"""API types of accounts: logging in, registering, and the visitor's and preceptor's profiles."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, StringConstraints

from server.domain.vocab import (
    Profession as SignupProfession,
)
from server.domain.vocab import (
    Role,
    Step1Status,
    TrainingStatus,
)
from server.schemas.base import (
    Country,
    Email,
    Input,
    JobTitle,
    Name,
    Output,
    Profession,
    ShortText,
    Specialty,
)


# --- accounts ---------------------------------------------------------------------------------
class LoginIn(Input):
    email: Email
    password: Annotated[str, StringConstraints(min_length=1, max_length=1024)]


class UserOut(Output):
    id: int
    email: str
    role: Role
    full_name: str
    time_zone: str | None = Field(
        default=None, description="The IANA zone the person reads times in; null: not chosen."
    )


class LoginStateOut(Output):
    user: UserOut | None
    csrf_token: str = Field(description="Send as the X-CSRF-Token header on every POST/PUT/DELETE.")


class RegisterIn(Input):
    email: Email
    password: Annotated[str, StringConstraints(min_length=10, max_length=1024)]
    full_name: Name


Password = Annotated[str, StringConstraints(min_length=1, max_length=1024)]
# An IANA time zone's name (``America/Chicago``); the service checks it against the zone database.
TimeZoneName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64)]


class SignupIn(Input):
    """A visitor signing up: the password policy is the service's (at least 10 characters)."""

    full_name: Name
    email: Email
    password: Password
    training_status: TrainingStatus
    profession: SignupProfession
    time_zone: TimeZoneName | None = Field(
        default=None, description="The IANA zone to show times in (the sign-up page sends the browser's)."
    )


# A link's token as mailed (43 URL-safe characters); anything much longer is not a token.
LinkToken = Annotated[str, StringConstraints(min_length=1, max_length=128)]


class MessageOut(Output):
    """What happened, in words for a person (the same whatever the email, where that matters)."""

    message: str


class VerifyEmailIn(Input):
    token: LinkToken


class PasswordResetByTokenIn(Input):
    token: LinkToken
    password: Password
    password_again: Password


class PasswordForgotIn(Input):
    email: Email


class PasswordResetIn(Input):
    password: Password
    password_again: Password


class PasswordChangeIn(Input):
    current_password: Password
    password: Password
    password_again: Password


class AccountIn(Input):
    """What a person changes on their own account: the name shown to others and the zone times are
    shown in. Fields left out are kept."""

    full_name: Name | None = None
    time_zone: TimeZoneName | None = None


class EmailChangeIn(Input):
    """A new address for the account; the current password is asked."""

    email: Email
    password: Password


class EmailConfirmIn(Input):
    token: LinkToken


class AccountCloseIn(Input):
    """Closing the account: the current password is asked."""

    password: Password


class VisitorProfileIn(Input):
    training_status: TrainingStatus | None = None
    profession: Profession | None = None
    school: ShortText | None = None
    country: Country | None = None
    graduation_year: Annotated[int, Field(ge=1950, le=2100)] | None = None
    step1_status: Step1Status | None = None


class VisitorProfileOut(Output):
    training_status: TrainingStatus | None
    profession: str | None
    school: str | None
    country: str | None
    graduation_year: int | None
    step1_status: Step1Status | None


class PreceptorProfileIn(Input):
    specialty: Specialty | None = None
    institution: ShortText | None = None
    title: JobTitle | None = None
    npi: Annotated[str, StringConstraints(pattern=r"^\d{10}$")] | None = Field(
        default=None, description="National Provider Identifier: 10 digits."
    )
    phone: Annotated[str, StringConstraints(strip_whitespace=True, max_length=40)] | None = None
    address: Annotated[str, StringConstraints(strip_whitespace=True, max_length=400)] | None = None
    contact_email: Email | None = None


class PreceptorProfileOut(Output):
    specialty: str | None
    institution: str | None
    title: str | None
    npi: str | None
    phone: str | None
    address: str | None
    contact_email: str | None


class ProfileOut(Output):
    user: UserOut
    visitor: VisitorProfileOut | None = None
    preceptor: PreceptorProfileOut | None = None
