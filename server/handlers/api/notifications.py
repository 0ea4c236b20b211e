"""API: the logged-in person's notifications (their own only: anyone else's is a 404) and their
choices of what reaches them in the app and by email."""

from __future__ import annotations

from server.domain.notifications import KINDS, Preference, StoredNotification
from server.handlers.api.registry import API
from server.schemas.notifications import (
    MarkedOut,
    NotificationOut,
    NotificationPageOut,
    NotificationQuery,
    NotificationReadIn,
    PreferenceOut,
    PreferencesIn,
    ReadAllIn,
)
from server.services import notifications
from server.web.api import ApiCall
from server.web.keys import UOW


def _out(item: StoredNotification) -> NotificationOut:
    return NotificationOut.model_validate(item)


def _preferences_out(preferences: list[Preference]) -> list[PreferenceOut]:
    return [
        PreferenceOut(kind=p.kind, label=KINDS[p.kind].label, in_app=p.in_app, email=p.email)
        for p in preferences
    ]


@API.route(
    "GET",
    "/notifications",
    summary="My notifications, newest first, a page at a time, with how many are unread",
    tag="notifications",
    query=NotificationQuery,
    response=NotificationPageOut,
)
async def list_notifications(call: ApiCall) -> NotificationPageOut:
    query: NotificationQuery = call.query
    page = await notifications.page_of(
        call.request.app[UOW](), call.actor, page=query.page, per_page=query.per_page
    )
    return NotificationPageOut(
        items=[_out(item) for item in page.items],
        page=page.page,
        per_page=page.per_page,
        pages=page.pages,
        total=page.total,
        unread=page.unread,
    )


@API.route(
    "POST",
    "/notifications/{notification_id}/read",
    summary="Mark one of my notifications read (or unread again)",
    tag="notifications",
    body=NotificationReadIn,
    response=NotificationOut,
)
async def read_notification(call: ApiCall) -> NotificationOut:
    body: NotificationReadIn = call.body
    return _out(
        await notifications.mark_read(
            call.request.app[UOW](), call.actor, call.path["notification_id"], read=body.read
        )
    )


@API.route(
    "POST",
    "/notifications/read-all",
    summary="Mark all my notifications read (up to the newest I was shown)",
    tag="notifications",
    body=ReadAllIn,
    response=MarkedOut,
)
async def read_all_notifications(call: ApiCall) -> MarkedOut:
    body: ReadAllIn = call.body
    uow = call.request.app[UOW]
    marked = await notifications.mark_all_read(uow(), call.actor, up_to_id=body.up_to_id)
    return MarkedOut(marked=marked, unread=await notifications.unread_count(uow(), call.actor))


@API.route(
    "GET",
    "/me/notification-preferences",
    summary="What reaches me, per kind of notification: in the app, by email",
    tag="notifications",
    response=list[PreferenceOut],
)
async def get_preferences(call: ApiCall) -> list[PreferenceOut]:
    return _preferences_out(await notifications.preferences(call.request.app[UOW](), call.actor))


@API.route(
    "PUT",
    "/me/notification-preferences",
    summary="Change what reaches me for the kinds given (the others stay as they are)",
    tag="notifications",
    body=PreferencesIn,
    response=list[PreferenceOut],
)
async def put_preferences(call: ApiCall) -> list[PreferenceOut]:
    body: PreferencesIn = call.body
    choices = [Preference(p.kind, p.in_app, p.email) for p in body.preferences]
    return _preferences_out(await notifications.set_preferences(call.request.app[UOW](), call.actor, choices))
