"""API types of calendar subscriptions: the user's feed as it stands, and a new feed's URL (shown once)."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from server.schemas.base import Input, Output


class CalendarFeedIn(Input):
    replace: bool = Field(
        default=False,
        description="Make a new URL even though one works now (the old one stops at once); without it an "
        "existing URL is a 409, so that a second click does not silently break a calendar app.",
    )


class CalendarFeedOut(Output):
    active: bool = Field(description="Whether a subscription URL works now.")
    created_at: datetime | None = Field(description="When the working URL was made (UTC), if there is one.")


class CalendarFeedCreatedOut(Output):
    url: str = Field(
        description="The private subscription URL (https://.../calendar/{token}.ics) for a calendar app. "
        "Shown only now: Rounds keeps only a hash of its token. Making a new one stops the old one."
    )
    created_at: datetime
