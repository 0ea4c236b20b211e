"""Pages' forms of placement changes and the before-day-one checklist: close a block, propose
alternatives, accept or decline them, mark a checklist item. Each goes back to the page it came from."""

from __future__ import annotations

from aiohttp import web

from server.domain.checklists import ChecklistItem
from server.domain.errors import Invalid, NotFound
from server.handlers.pages.forms import current_actor, parse_form, path_id, read_form, redirect, validated
from server.schemas.checklists import ChecklistMarkIn
from server.schemas.placements import AcceptIn, ClosureIn, DeclineIn, OptionIn, ProposalIn
from server.services import checklists, placements
from server.web.keys import UOW

routes = web.RouteTableDef()

LABELS = {"reason": "Reason", "option_id": "Alternative", "note": "Note", "options": "Alternatives"}


def _option(raw: str) -> OptionIn:
    """A candidate's form value, ``program_id:block_id,block_id``."""
    program, _, blocks = raw.partition(":")
    try:
        return validated(
            lambda: OptionIn.model_validate({"program_id": program, "block_ids": blocks.split(",")})
        )
    except Invalid:
        raise Invalid("Choose the alternatives from the list.", field="options") from None


@routes.post("/blocks/{block_id}/closure")
async def close_block(request: web.Request) -> web.StreamResponse:
    actor = current_actor(request)
    data = parse_form(ClosureIn, await read_form(request), labels=LABELS)
    await placements.close_block(request.app[UOW](), actor, path_id(request, "block_id"), data)
    redirect("/dashboard", "block_closed", anchor="placements")


@routes.post("/applications/{application_id}/placement-proposals")
async def propose(request: web.Request) -> web.StreamResponse:
    actor = current_actor(request)
    application_id = path_id(request, "application_id")
    form = await read_form(request)
    options = [_option(str(v)) for v in form.getall("option", [])]
    if not options:
        raise Invalid("Tick at least one alternative.", field="options")
    data = validated(lambda: ProposalIn(reason=str(form.get("reason", "")), options=options))
    await placements.propose(request.app[UOW](), actor, application_id, data)
    redirect(f"/applications/{application_id}", "placement_proposed", anchor="placement")


@routes.post("/placement-proposals/{proposal_id}/accept")
async def accept(request: web.Request) -> web.StreamResponse:
    actor = current_actor(request)
    data = parse_form(AcceptIn, await read_form(request), labels=LABELS)
    moved = await placements.accept(request.app[UOW](), actor, path_id(request, "proposal_id"), data)
    redirect(f"/applications/{moved.id}", "placement_accepted", anchor="placement")


@routes.post("/placement-proposals/{proposal_id}/decline")
async def decline(request: web.Request) -> web.StreamResponse:
    actor = current_actor(request)
    data = parse_form(DeclineIn, await read_form(request), labels=LABELS)
    kept = await placements.decline(request.app[UOW](), actor, path_id(request, "proposal_id"), data)
    redirect(f"/applications/{kept.id}", "placement_declined", anchor="placement")


@routes.post("/placement-proposals/{proposal_id}/retract")
async def retract(request: web.Request) -> web.StreamResponse:
    actor = current_actor(request)
    done = await placements.retract(request.app[UOW](), actor, path_id(request, "proposal_id"))
    redirect(f"/applications/{done.application_id}", "placement_retracted", anchor="placement")


@routes.post("/applications/{application_id}/checklist/{item}")
async def mark_item(request: web.Request) -> web.StreamResponse:
    actor = current_actor(request)
    application_id = path_id(request, "application_id")
    try:
        item = ChecklistItem(request.match_info["item"])
    except ValueError:
        raise NotFound(f"There is no checklist item {request.match_info['item'][:40]!r}.") from None
    data = parse_form(ChecklistMarkIn, await read_form(request), labels=LABELS)
    await checklists.mark_item(request.app[UOW](), actor, application_id, item, data)
    redirect(f"/applications/{application_id}", "checklist_saved", anchor="checklist")
