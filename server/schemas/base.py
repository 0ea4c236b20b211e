"""The shared vocabulary of the JSON API's types: the request and response bases, the bounded
string and id types every feature uses, and the error body. The handlers validate with these types and
the OpenAPI document is generated from them, so the two cannot drift apart."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

ShortText = Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)]
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
# Lengths of the columns they are stored in (server/db/models.py): longer input is a 422, not a 500.
Profession = Annotated[str, StringConstraints(strip_whitespace=True, max_length=80)]
Country = Annotated[str, StringConstraints(strip_whitespace=True, max_length=80)]
Specialty = Annotated[str, StringConstraints(strip_whitespace=True, max_length=120)]
JobTitle = Annotated[str, StringConstraints(strip_whitespace=True, max_length=120)]
Email = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True, min_length=3, max_length=254, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$"
    ),
]
Note = Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000)]
# A record id: positive and within the database's 32-bit INTEGER columns, so an absurd id is refused
# here (422) instead of overflowing the driver (SQLite: OverflowError; PostgreSQL: out of int32 range).
MAX_ID = 2_147_483_647
Id = Annotated[int, Field(ge=1, le=MAX_ID)]


def _has_nul(value: object) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, list | tuple | set):
        return any(_has_nul(item) for item in value)
    return False


class Input(BaseModel):
    """Base of request bodies: unknown fields are an error, not silently dropped."""

    model_config = ConfigDict(extra="forbid")

    @field_validator("*", mode="after")
    @classmethod
    def _refuse_nul(cls, value: Any) -> Any:
        # PostgreSQL cannot store U+0000 in text: refuse it here (422) rather than fail in the driver.
        if _has_nul(value):
            raise ValueError("must not contain the NUL character (\\u0000)")
        return value


class Output(BaseModel):
    model_config = ConfigDict(from_attributes=True)


# --- errors -----------------------------------------------------------------------------------
class ErrorBody(Output):
    code: str = Field(description="Machine-readable kind of error, e.g. not_found or conflict.")
    message: str = Field(description="What went wrong and what to do about it.")
    field: str | None = Field(default=None, description="The input field at fault, if one is.")


class ErrorOut(Output):
    error: ErrorBody
