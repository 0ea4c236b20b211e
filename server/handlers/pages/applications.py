"""One application with its history, and the buttons that move it along."""

from __future__ import annotations

from typing import Any

import aiohttp_jinja2
from aiohttp import web

from server.domain.checklists import CHECKLIST_STATES
from server.domain.placements import PROPOSABLE_STATES, ProposalState
from server.domain.vocab import Role
from server.handlers.pages.forms import current_actor, parse_form, path_id, read_form, redirect
from server.schemas.applications import ActionIn
from server.services import applications, checklists, placements
from server.web.keys import UOW
from server.web.redirects import local_path

routes = web.RouteTableDef()

ACTION_FORM_LABELS = {"action": "Action", "note": "Note to the visitor"}


@routes.get("/applications/{application_id}")
@aiohttp_jinja2.template("application.html")
async def application_page(request: web.Request) -> dict[str, Any]:
    """An application: program, blocks, statement, decision, history and the actions allowed."""
    actor = current_actor(request)
    factory = request.app[UOW]
    found = await applications.get_application(factory(), actor, path_id(request, "application_id"))
    proposals = await placements.proposals_of(factory(), actor, found.id)
    candidates = []
    closed = any(b.closed for b in found.blocks)
    open_proposal = next((p for p in proposals if p.state is ProposalState.OPEN), None)
    if (
        actor.role is Role.COORDINATOR
        and closed
        and open_proposal is None
        and found.state in PROPOSABLE_STATES
    ):
        candidates = await placements.candidates(factory(), actor, found.id)
    checklist = None
    if found.state in CHECKLIST_STATES:
        checklist = await checklists.get_checklist(factory(), actor, found.id)
    return {
        "application": found,
        "proposals": proposals,
        "open_proposal": open_proposal,
        "closed": closed,
        "candidates": candidates,
        "checklist": checklist,
        "today": factory.clock().date(),
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
