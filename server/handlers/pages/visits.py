"""Pages of live sessions ("visits"): the list (upcoming and past) with the preceptor's scheduling
form, one visit with its calendar file, join link, patient link and attendance, and ``/join/{token}``
where a patient's single-use link becomes a pass cookie. The live page itself (``/visits/{id}/live``)
belongs to the live-session handlers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone, tzinfo
from typing import Any

import aiohttp_jinja2
from aiohttp import web

from server.domain.dates import zone_of
from server.domain.errors import DomainError, Invalid, Unauthorized
from server.domain.visits import KIND_LABELS, LinkGone, ParticipantRole
from server.domain.vocab import Role
from server.handlers.pages.forms import current_actor, parse_form, path_id, read_form, redirect, try_form
from server.handlers.pages.view import NOTICES
from server.schemas.visits import VisitCancelIn, VisitIn, VisitMoveIn
from server.services import visits, visits_pages
from server.web.keys import ACTOR, CLOCK, SETTINGS, UOW
from server.web.patient_pass import patient_pass_from_request, set_patient_pass_cookie

routes = web.RouteTableDef()

SCHEDULE_LABELS = {
    "block_id": "Block",
    "kind": "Kind",
    "title": "Title",
    "starts_at": "Start",
    "duration_minutes": "Duration",
    "visitor_ids": "Visitors",
}
VISIT_NOTICES = {
    "scheduled": "Visit scheduled. The visitors you invited see it in their list.",
    "cancelled": "Visit cancelled. The invited visitors see that it will not take place.",
    "moved": "Visit moved. The invited visitors are told the new time, and their calendars follow.",
}
LOCAL_FORMAT = "%Y-%m-%dT%H:%M"
MAX_OFFSET_MINUTES = 14 * 60  # UTC-12 to UTC+14


def _notice(request: web.Request) -> str | None:
    key = request.query.get("notice", "")
    return VISIT_NOTICES.get(key) or NOTICES.get(key)


def local_to_utc(local: str, offset_minutes: str, zone: tzinfo | None = None) -> datetime:
    """A ``datetime-local`` value as a UTC time. It is read in the preceptor's own ``zone`` when their
    account has one (the zone's rules for that date: daylight saving may differ from today's); else
    with the browser's UTC offset for it (minutes east of UTC, filled in by visit-schedule.js; empty
    without scripts, meaning the time was given in UTC)."""
    try:
        naive = datetime.strptime(local.strip(), LOCAL_FORMAT)
    except ValueError:
        raise Invalid("Give the start as a date and a time.", field="starts_at") from None
    if zone is not None:
        return naive.replace(tzinfo=zone).astimezone(UTC)
    raw = offset_minutes.strip() or "0"
    if not raw.lstrip("-").isdigit() or abs(int(raw)) > MAX_OFFSET_MINUTES:
        raise Invalid("The time zone offset sent with the form is not valid.", field="starts_at")
    return naive.replace(tzinfo=timezone(timedelta(minutes=int(raw))))


async def _list_context(request: web.Request, **extra: Any) -> dict[str, Any]:
    listed = await visits_pages.visit_list(request.app[UOW], current_actor(request))
    context: dict[str, Any] = {
        "upcoming": listed.upcoming,
        "past": listed.past,
        "blocks": listed.blocks,
        "kinds": {k.value: label for k, label in KIND_LABELS.items()},
        "error": None,
        "form": {},
        "notice": _notice(request),
    }
    context.update(extra)
    return context


@routes.get("/visits")
async def visit_list(request: web.Request) -> web.StreamResponse:
    """Upcoming and past visits; for a preceptor, the form to schedule one."""
    return aiohttp_jinja2.render_template("visits.html", request, await _list_context(request))


@routes.post("/visits")
async def schedule(request: web.Request) -> web.StreamResponse:
    """Schedule a visit from the form; a refusal shows the form again with why and what was typed."""
    actor = current_actor(request)
    form = await read_form(request)
    kept = {key: form.getall(key) if key == "visitor_ids" else form.get(key, "") for key in form}

    async def schedule_it() -> web.StreamResponse:
        starts_at = local_to_utc(
            str(form.get("local_start", "")),
            str(form.get("utc_offset_minutes", "")),
            zone_of(actor.time_zone),
        )
        # The API takes the duration as a JSON number only (strict); a form sends text.
        duration = str(form.get("duration_minutes", "")).strip()
        fixed: dict[str, Any] = {"starts_at": starts_at}
        if duration.isascii() and duration.isdigit() and len(duration) < 6:
            fixed["duration_minutes"] = int(duration)
        data = parse_form(VisitIn, form, labels=SCHEDULE_LABELS, fixed=fixed)
        created = await visits.schedule_visit(request.app[UOW](), actor, data)
        redirect(f"/visits/{created.id}", "scheduled")

    async def show_again(exc: DomainError) -> web.StreamResponse:
        context = await _list_context(request, error=exc.message, form=kept, notice=None)
        return aiohttp_jinja2.render_template("visits.html", request, context, status=exc.status)

    # Only a missing login goes to the error page; a refusal (an unknown block or visitor, a role
    # that may not schedule) is said on the list, next to the form.
    return await try_form(schedule_it, show_again, passes=(Unauthorized,))


async def _detail_context(request: web.Request, visit_id: int, **extra: Any) -> dict[str, Any]:
    actor = current_actor(request)
    page = await visits_pages.visit_page(request.app[UOW], actor, visit_id)
    visit = page.visit
    is_host = actor.role is Role.PRECEPTOR and visit.host_id == actor.user_id
    invited = any(i.visitor_id == actor.user_id for i in visit.invitees)
    context: dict[str, Any] = {
        "visit": visit,
        "attendance": page.attendance,
        "is_host": is_host,
        "may_join": is_host or (actor.role is Role.VISITOR and invited),
        "kind_label": KIND_LABELS[visit.kind],
        "roles": {r.value: r.value.title() for r in ParticipantRole},
        "patient_link": None,
        "link_hours": request.app[SETTINGS].patient_link_hours,
        "notice": _notice(request),
        "move_error": None,
        "move_form": {},
    }
    context.update(extra)
    return context


@routes.get("/visits/{visit_id}")
async def visit_page(request: web.Request) -> web.StreamResponse:
    """One visit: when, who, the calendar file, the join link; for its host the patient link and
    cancelling; attendance (everyone's for the host and program staff, one's own for a visitor)."""
    context = await _detail_context(request, path_id(request, "visit_id"))
    return aiohttp_jinja2.render_template("visits_detail.html", request, context)


@routes.post("/visits/{visit_id}/patient-link")
async def patient_link(request: web.Request) -> web.StreamResponse:
    """Create the patient's link and show it, this once, to copy (it is not stored, only its hash)."""
    actor = current_actor(request)
    visit_id = path_id(request, "visit_id")
    token, expires_at = await visits.create_patient_link(
        request.app[UOW](), actor, visit_id, request.app[SETTINGS].patient_link_hours
    )
    url = f"{request.scheme}://{request.host}/join/{token}"
    context = await _detail_context(
        request, visit_id, patient_link={"url": url, "expires_at": expires_at}, notice=None
    )
    response = aiohttp_jinja2.render_template("visits_detail.html", request, context)
    response.headers["Cache-Control"] = "no-store"  # the page holds a secret link
    return response


@routes.post("/visits/{visit_id}/move")
async def move(request: web.Request) -> web.StreamResponse:
    """The host moves a visit from the form on its page (local time and the browser's offset, as when
    scheduling); a refusal shows the page again with why and what was typed."""
    actor = current_actor(request)
    visit_id = path_id(request, "visit_id")
    form = await read_form(request)
    kept = {key: form.get(key, "") for key in ("local_start", "duration_minutes")}

    async def move_it() -> web.StreamResponse:
        starts_at = local_to_utc(str(form.get("local_start", "")), str(form.get("utc_offset_minutes", "")))
        fixed: dict[str, Any] = {"starts_at": starts_at}
        duration = str(form.get("duration_minutes", "")).strip()
        if duration.isascii() and duration.isdigit() and len(duration) < 6:
            fixed["duration_minutes"] = int(duration)
        data = parse_form(VisitMoveIn, form, labels=SCHEDULE_LABELS, fixed=fixed)
        await visits.move_visit(request.app[UOW](), actor, visit_id, data)
        redirect(f"/visits/{visit_id}", "moved")

    async def show_again(exc: DomainError) -> web.StreamResponse:
        context = await _detail_context(
            request, visit_id, move_error=exc.message, move_form=kept, notice=None
        )
        return aiohttp_jinja2.render_template("visits_detail.html", request, context, status=exc.status)

    return await try_form(move_it, show_again)


@routes.post("/visits/{visit_id}/cancel")
async def cancel(request: web.Request) -> web.StreamResponse:
    actor = current_actor(request)
    visit_id = path_id(request, "visit_id")
    data = parse_form(VisitCancelIn, await read_form(request), labels={"note": "Reason"})
    await visits.cancel_visit(request.app[UOW](), actor, visit_id, data.note)
    redirect(f"/visits/{visit_id}", "cancelled")


@routes.get("/join/{token}")
async def join(request: web.Request) -> web.StreamResponse:
    """A patient opens their link: it is used up, the browser gets a signed pass for the visit (so it
    can reconnect without the link), and goes to the live page. No account needed. A used, replaced
    or expired link gets a 410 page that says what to do; a logged-in account gets a 403 page saying
    what the link is for, and the link stays unused."""
    token = request.match_info["token"]
    if len(token) > 128:
        raise LinkGone("This visit link is not valid. " + visits.ASK_FOR_NEW_LINK)
    patient = await visits.redeem_patient_link(
        request.app[UOW](), token, holder=patient_pass_from_request(request), account=request.get(ACTOR)
    )
    response = web.HTTPSeeOther(visits.live_path(patient.visit_id))
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"  # keep the token out of any Referer
    settings = request.app[SETTINGS]
    set_patient_pass_cookie(
        response,
        secret=settings.secret_key,
        visit_id=patient.visit_id,
        link_id=patient.link_id,
        expires_at=patient.expires_at,
        now=request.app[CLOCK](),
        secure=settings.secure_cookies,
    )
    raise response
