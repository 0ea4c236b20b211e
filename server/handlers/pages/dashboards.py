"""``/dashboard``: one page per role, and the profile form on it."""

from __future__ import annotations

from aiohttp import web
from aiohttp_jinja2 import render_template

from server.domain.errors import Forbidden
from server.domain.vocab import Role
from server.handlers.pages.forms import current_actor, parse_form, read_form, redirect
from server.schemas.accounts import PreceptorProfileIn, VisitorProfileIn
from server.services import applications_pages, dashboards, profiles
from server.web.keys import SETTINGS, UOW

routes = web.RouteTableDef()

PROFILE_LABELS = {
    "training_status": "Training status",
    "profession": "Profession",
    "school": "School",
    "country": "Country",
    "graduation_year": "Graduation year",
    "step1_status": "USMLE Step 1",
    "specialty": "Specialty",
    "institution": "Institution",
    "title": "Title",
    "npi": "NPI",
    "phone": "Phone",
    "address": "Address",
    "contact_email": "Contact email",
}


@routes.get("/dashboard")
async def dashboard(request: web.Request) -> web.StreamResponse:
    """The logged-in person's dashboard, chosen by their role."""
    actor = current_actor(request)
    factory = request.app[UOW]
    now = factory.clock()  # the agenda says when a session not open yet opens
    if actor.role is Role.VISITOR:
        context = {
            "board": await dashboards.visitor_dashboard(factory, actor),
            "max_upload_mb": request.app[SETTINGS].max_upload_bytes // (1024 * 1024),
            "now": now,
        }
        return render_template("dashboard_visitor.html", request, context)
    if actor.role is Role.PRECEPTOR:
        taught = await dashboards.preceptor_dashboard(factory, actor)
        return render_template("dashboard_preceptor.html", request, {"board": taught, "now": now})
    queue, affected = await applications_pages.coordinator_dashboard_page(factory(), actor)
    context = {"board": queue, "now": now, "affected": affected, "today": now.date()}
    return render_template("dashboard_coordinator.html", request, context)


@routes.post("/profile")
async def save_profile(request: web.Request) -> web.StreamResponse:
    """Save the visitor's training facts or the preceptor's letterhead details."""
    actor = current_actor(request)
    form = await read_form(request)
    if actor.role is Role.VISITOR:
        visitor = parse_form(VisitorProfileIn, form, labels=PROFILE_LABELS)
        await profiles.update_visitor_profile(request.app[UOW](), actor, visitor)
    elif actor.role is Role.PRECEPTOR:
        preceptor = parse_form(PreceptorProfileIn, form, labels=PROFILE_LABELS)
        await profiles.update_preceptor_profile(request.app[UOW](), actor, preceptor)
    else:
        raise Forbidden("Coordinators have no profile to edit here.")
    redirect("/dashboard", "profile_saved", anchor="profile")
