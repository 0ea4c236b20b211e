"""A coordinator's forms: publish a program, open blocks, change a block's capacity."""

from __future__ import annotations

from aiohttp import web

from server.handlers.pages.forms import current_actor, parse_form, path_id, read_form, redirect
from server.schemas.programs import BlockIn, CapacityIn, ProgramIn
from server.services import programs
from server.web.keys import UOW

routes = web.RouteTableDef()

PROGRAM_LABELS = {
    "title": "Title",
    "specialty": "Specialty",
    "rotation_type": "Rotation type",
    "modality": "Modality",
    "description": "Description",
    "allowed_training_statuses": "Who may apply",
    "allowed_professions": "Professions",
    "required_documents": "Required documents",
    "preceptor_ids": "Preceptors",
}
BLOCK_LABELS = {"start_date": "Start date", "capacity": "Seats"}


@routes.post("/programs")
async def create_program(request: web.Request) -> web.StreamResponse:
    """Publish a program from the coordinator dashboard's form."""
    actor = current_actor(request)
    form = await read_form(request)
    professions = [p.strip() for p in str(form.get("allowed_professions", "")).split(",") if p.strip()]
    data = parse_form(ProgramIn, form, labels=PROGRAM_LABELS, fixed={"allowed_professions": professions})
    created = await programs.create_program(request.app[UOW](), actor, data)
    redirect("/dashboard", "program_created", anchor=f"program-{created.id}")


@routes.post("/programs/{program_id}/blocks")
async def add_block(request: web.Request) -> web.StreamResponse:
    """Open a four-week block of one of the coordinator's programs."""
    actor = current_actor(request)
    program_id = path_id(request, "program_id")
    data = parse_form(BlockIn, await read_form(request), labels=BLOCK_LABELS)
    await programs.add_block(request.app[UOW](), actor, program_id, data)
    redirect("/dashboard", "block_added", anchor=f"program-{program_id}")


@routes.post("/blocks/{block_id}/capacity")
async def set_capacity(request: web.Request) -> web.StreamResponse:
    """Change how many seats a block has (never below the seats already held)."""
    actor = current_actor(request)
    block_id = path_id(request, "block_id")
    data = parse_form(CapacityIn, await read_form(request), labels=BLOCK_LABELS)
    await programs.set_block_capacity(request.app[UOW](), actor, block_id, data.capacity)
    redirect("/dashboard", "capacity_changed", anchor="capacity")
