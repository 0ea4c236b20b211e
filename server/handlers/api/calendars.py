"""API: the caller's private calendar subscription URL (make or replace it, see it stands, revoke it).
The feed itself is ``GET /calendar/{token}.ics``, outside the API: calendar apps have no login."""

from __future__ import annotations

from aiohttp import web

from server.handlers.api.registry import API
from server.schemas.calendars import CalendarFeedCreatedOut, CalendarFeedIn, CalendarFeedOut
from server.services import calendars
from server.web.api import ApiCall
from server.web.keys import UOW
from server.web.origin import public_origin


@API.route(
    "GET",
    "/me/calendar-feed",
    summary="Whether you have a working calendar subscription URL (the URL itself is shown only once)",
    tag="calendars",
    response=CalendarFeedOut,
)
async def get_feed(call: ApiCall) -> CalendarFeedOut:
    return await calendars.feed_of(call.request.app[UOW](), call.actor)


@API.route(
    "POST",
    "/me/calendar-feed",
    summary="Make a private calendar subscription URL of your sessions (replace: the earlier one stops)",
    tag="calendars",
    body=CalendarFeedIn,
    response=CalendarFeedCreatedOut,
    status=201,
    errors=(409,),
)
async def create_feed(call: ApiCall) -> CalendarFeedCreatedOut:
    return await calendars.create_feed(
        call.request.app[UOW](), call.actor, public_origin(call.request), replace=call.body.replace
    )


@API.route(
    "DELETE",
    "/me/calendar-feed",
    summary="Revoke your calendar subscription URL (calendar apps using it get a 404)",
    tag="calendars",
    status=204,
)
async def revoke_feed(call: ApiCall) -> web.Response:
    await calendars.revoke_feed(call.request.app[UOW](), call.actor)
    return web.Response(status=204)
