"""One application with its history, and the buttons that move it along."""

from __future__ import annotations

from typing import Any

import aiohttp_jinja2
from aiohttp import web

from server.handlers.pages.forms import current_actor, parse_form, path_id, read_form, redirect
from server.schemas.applications import ActionIn
from server.services import applications, applications_pages
from server.web.keys import UOW
from server.web.redirects import local_path

routes = web.RouteTableDef()

ACTION_FORM_LABELS = {"action": "Action", "note": "Note to the visitor"}


@routes.get("/applications/{application_id}")
@aiohttp_jinja2.template("application.html")
async def application_page(request: web.Request) -> dict[str, Any]:
    """An application: program, blocks, statement, decision, history and the actions allowed."""
    actor = current_actor(request)
    page = await applications_pages.application_page(
        request.app[UOW](), actor, path_id(request, "application_id")
    )
    return {
        "application": page.application,
        "support": page.support,
        "proposals": page.proposals,
        "open_proposal": page.open_proposal,
        "closed": page.closed,
        "candidates": page.candidates,
        "checklist": page.checklist,
        "today": page.today,
    }


@routes.post("/applications/{application_id}/actions")
async def act(request: web.Request) -> web.StreamResponse:
    """Take one action (the button pressed); go back to the page the form was on."""
    actor = current_actor(request)
    application_id = path_id(request, "application_id")
    form = await read_form(request)
    data = parse_form(ActionIn, form, labels=ACTION_FORM_LABELS)
    await applications.act(request.app[UOW](), actor, application_id, data)
    back = local_path(form.get("back"), f"/applications/{application_id}")
    redirect(back, f"action_{data.action.value}", anchor=f"application-{application_id}")
