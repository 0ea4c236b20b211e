"""API: applications and the actions on them."""

from __future__ import annotations

from server.handlers.api.registry import API
from server.schemas.applications import ActionIn, ApplicationIn, ApplicationOut, ApplicationQuery
from server.services import applications
from server.web.api import ApiCall
from server.web.keys import UOW

# --- programs ---------------------------------------------------------------------------------


@API.route(
    "GET",
    "/applications",
    summary="Applications I may see: my own (visitor), my programs' (coordinator), my visitors'",
    tag="applications",
    query=ApplicationQuery,
    response=list[ApplicationOut],
)
async def list_applications(call: ApiCall) -> list[ApplicationOut]:
    query: ApplicationQuery = call.query
    return await applications.list_applications(
        call.request.app[UOW](), call.actor, state=query.state, program_id=query.program_id
    )


@API.route(
    "POST",
    "/applications",
    summary="Apply for one block or consecutive stacked blocks (visitor)",
    tag="applications",
    body=ApplicationIn,
    response=ApplicationOut,
    status=201,
    errors=(404, 409),
)
async def create_application(call: ApiCall) -> ApplicationOut:
    return await applications.create_application(call.request.app[UOW](), call.actor, call.body)


@API.route(
    "GET",
    "/applications/{application_id}",
    summary="One application with its history",
    tag="applications",
    response=ApplicationOut,
)
async def get_application(call: ApiCall) -> ApplicationOut:
    return await applications.get_application(
        call.request.app[UOW](), call.actor, call.path["application_id"]
    )


@API.route(
    "POST",
    "/applications/{application_id}/actions",
    summary="Move an application: submit, review, offer, accept, enroll, withdraw...",
    tag="applications",
    body=ActionIn,
    response=ApplicationOut,
    errors=(409,),
)
async def act_on_application(call: ApiCall) -> ApplicationOut:
    return await applications.act(call.request.app[UOW](), call.actor, call.path["application_id"], call.body)


# --- documents --------------------------------------------------------------------------------
