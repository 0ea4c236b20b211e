"""API types of notifications: a person's list (paged, newest first), marking read, and their choices
of what reaches them in the app and by email. Times are UTC."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import Field

from server.domain.notifications import PER_PAGE, PER_PAGE_MAX, NotificationKind, SubjectType
from server.schemas.base import Id, Input, Output

# Far past any real list (PER_PAGE_MAX a page): a bigger number is a typo, refused with a 422.
MAX_PAGE = 100_000


class NotificationQuery(Input):
    page: Annotated[int, Field(ge=1, le=MAX_PAGE)] = Field(default=1, description="1 is the newest.")
    per_page: Annotated[int, Field(ge=1, le=PER_PAGE_MAX)] = PER_PAGE


class NotificationOut(Output):
    id: int
    kind: NotificationKind
    subject_type: SubjectType = Field(description="The kind of record it is about.")
    subject_id: int
    text: str = Field(description="One sentence with names and titles only: never clinical text.")
    link: str = Field(description="The page of the record it is about (a path on this site).")
    at: datetime | None = Field(description="The moment it is about: an offer's expiry, a session's start.")
    note: str | None = Field(description="A rejected document's reason, when it may be shown here.")
    created_at: datetime
    read_at: datetime | None


class NotificationPageOut(Output):
    items: list[NotificationOut]
    page: int
    per_page: int
    pages: int
    total: int
    unread: int


class NotificationReadIn(Input):
    read: bool = Field(default=True, description="true marks it read, false unread again.")


class ReadAllIn(Input):
    up_to_id: Id | None = Field(
        default=None,
        description="Only those up to this id (the newest the reader was shown): one that arrived "
        "since stays unread. All of them when absent.",
    )


class MarkedOut(Output):
    marked: int = Field(description="How many notifications were unread and are now read.")
    unread: int


class PreferenceOut(Output):
    kind: NotificationKind
    label: str
    in_app: bool
    email: bool


class PreferenceIn(Input):
    kind: NotificationKind
    in_app: bool
    email: bool


class PreferencesIn(Input):
    preferences: Annotated[list[PreferenceIn], Field(min_length=1, max_length=len(NotificationKind))] = Field(
        description="The kinds to change (each once); the others stay as they are."
    )
