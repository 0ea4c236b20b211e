"""API: live sessions as scheduled records ("visits") -- scheduling and cancelling, the list and
detail, the calendar file, the patient's single-use link, and attendance."""

from __future__ import annotations

from aiohttp import web

from server.handlers.api.registry import API
from server.schemas.visits import (
    AttendanceOut,
    PatientLinkIn,
    PatientLinkOut,
    VisitCancelIn,
    VisitIn,
    VisitMoveIn,
    VisitOut,
    VisitQuery,
)
from server.services import calendars, live, visits
from server.web.api import ApiCall
from server.web.keys import SETTINGS, UOW


def site_origin(request: web.Request) -> str:
    """Scheme and host the browser used, for links given out of the site (calendar, patient link)."""
    return f"{request.scheme}://{request.host}"


@API.route(
    "POST",
    "/visits",
    summary="Schedule a visit for a block of your program and invite its enrolled visitors (preceptor)",
    tag="visits",
    body=VisitIn,
    response=VisitOut,
    status=201,
)
async def schedule_visit(call: ApiCall) -> VisitOut:
    return await visits.schedule_visit(call.request.app[UOW](), call.actor, call.body)


@API.route(
    "GET",
    "/visits",
    summary="Your visits: a visitor's invitations, a preceptor's hosted visits, a coordinator's programs'",
    tag="visits",
    query=VisitQuery,
    response=list[VisitOut],
)
async def list_visits(call: ApiCall) -> list[VisitOut]:
    return await visits.upcoming_for(
        call.request.app[UOW](), call.actor, include_past=call.query.scope == "all"
    )


@API.route(
    "GET",
    "/visits/{visit_id}",
    summary="One visit (its host and invitees, the program's preceptors and coordinator)",
    tag="visits",
    response=VisitOut,
)
async def get_visit(call: ApiCall) -> VisitOut:
    return await visits.visit_detail(call.request.app[UOW](), call.actor, call.path["visit_id"])


@API.route(
    "POST",
    "/visits/{visit_id}/cancel",
    summary="Cancel a visit that has not started (its host)",
    tag="visits",
    body=VisitCancelIn,
    response=VisitOut,
    errors=(409,),
)
async def cancel_visit(call: ApiCall) -> VisitOut:
    return await visits.cancel_visit(
        call.request.app[UOW](), call.actor, call.path["visit_id"], call.body.note
    )


@API.route(
    "POST",
    "/visits/{visit_id}/move",
    summary="Move a visit that has not started to another time (its host): the invitees are told, "
    "calendars update it",
    tag="visits",
    body=VisitMoveIn,
    response=VisitOut,
    errors=(409,),
)
async def move_visit(call: ApiCall) -> VisitOut:
    return await visits.move_visit(call.request.app[UOW](), call.actor, call.path["visit_id"], call.body)


@API.route(
    "GET",
    "/visits/{visit_id}/calendar.ics",
    summary="The visit as an iCalendar (RFC 5545) file to add to a calendar",
    tag="visits",
    raw_response={
        "description": "A VCALENDAR with one VEVENT (times in UTC)",
        "content": {"text/calendar": {"schema": {"type": "string"}}},
    },
)
async def visit_calendar(call: ApiCall) -> web.Response:
    visit_id = call.path["visit_id"]
    body = await calendars.visit_file(
        call.request.app[UOW](), call.actor, visit_id, site_origin(call.request)
    )
    return web.Response(
        body=body,
        content_type="text/calendar",
        charset="utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="rounds-visit-{visit_id}.ics"',
            "X-Content-Type-Options": "nosniff",
            "Cache-Control": "private, no-store",
        },
    )


@API.route(
    "POST",
    "/visits/{visit_id}/patient-link",
    summary="Create the patient's single-use link to a patient visit; earlier unused links stop working "
    "(its host)",
    tag="visits",
    body=PatientLinkIn,
    response=PatientLinkOut,
    status=201,
    errors=(409,),
)
async def create_patient_link(call: ApiCall) -> PatientLinkOut:
    token, expires_at = await visits.create_patient_link(
        call.request.app[UOW](),
        call.actor,
        call.path["visit_id"],
        call.request.app[SETTINGS].patient_link_hours,
        requested_hours=call.body.hours,
    )
    return PatientLinkOut(url=f"{site_origin(call.request)}/join/{token}", expires_at=expires_at)


@API.route(
    "GET",
    "/visits/{visit_id}/attendance",
    summary="Who was connected when, with total minutes (host, program staff: everyone; a visitor: self)",
    tag="visits",
    response=AttendanceOut,
)
async def visit_attendance(call: ApiCall) -> AttendanceOut:
    return await live.attendance_for(call.request.app[UOW](), call.actor, call.path["visit_id"])
