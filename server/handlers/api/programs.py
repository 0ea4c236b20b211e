"""API: programs and their blocks."""

from __future__ import annotations

from server.handlers.api.registry import API
from server.schemas.programs import BlockIn, BlockOut, CapacityIn, ProgramIn, ProgramOut, ProgramQuery
from server.services import programs
from server.web.api import ApiCall
from server.web.keys import UOW

# --- programs ---------------------------------------------------------------------------------


@API.route(
    "GET",
    "/programs",
    summary="The program catalog, with filters",
    tag="programs",
    query=ProgramQuery,
    response=list[ProgramOut],
    login_required=False,
)
async def list_programs(call: ApiCall) -> list[ProgramOut]:
    return await programs.list_programs(call.request.app[UOW](), call.actor_or_none, call.query)


@API.route(
    "GET",
    "/programs/{program_id}",
    summary="One program with its blocks, preceptors and (for a visitor) eligibility",
    tag="programs",
    response=ProgramOut,
    login_required=False,
)
async def get_program(call: ApiCall) -> ProgramOut:
    return await programs.get_program(call.request.app[UOW](), call.actor_or_none, call.path["program_id"])


@API.route(
    "POST",
    "/programs",
    summary="Publish a program (coordinator)",
    tag="programs",
    body=ProgramIn,
    response=ProgramOut,
    status=201,
)
async def create_program(call: ApiCall) -> ProgramOut:
    return await programs.create_program(call.request.app[UOW](), call.actor, call.body)


@API.route(
    "POST",
    "/programs/{program_id}/blocks",
    summary="Open a four-week block (coordinator)",
    tag="programs",
    body=BlockIn,
    response=BlockOut,
    status=201,
    errors=(409,),
)
async def add_block(call: ApiCall) -> BlockOut:
    return await programs.add_block(call.request.app[UOW](), call.actor, call.path["program_id"], call.body)


@API.route(
    "PUT",
    "/blocks/{block_id}/capacity",
    summary="Change a block's capacity (coordinator; never below seats held)",
    tag="programs",
    body=CapacityIn,
    response=BlockOut,
    errors=(409,),
)
async def set_capacity(call: ApiCall) -> BlockOut:
    return await programs.set_block_capacity(
        call.request.app[UOW](), call.actor, call.path["block_id"], call.body.capacity
    )


# --- applications -----------------------------------------------------------------------------
