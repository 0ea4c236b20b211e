"""API: programs, blocks, applications, documents and the dashboards."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from server.handlers.registry import API
from server.schemas import (
    ActionIn,
    ApplicationIn,
    ApplicationOut,
    ApplicationQuery,
    BlockIn,
    BlockOut,
    CapacityIn,
    CurrentVisitorOut,
    DocumentOut,
    DocumentReviewIn,
    ProgramIn,
    ProgramOut,
    ProgramQuery,
    ReviewQueueOut,
)
from server.services import applications, dashboards, documents, programs
from server.web.api import ApiCall
from server.web.files import attachment_response, read_upload
from server.web.keys import FILES, SETTINGS, UOW

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

UPLOAD_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["kind", "file"],
    "properties": {
        "kind": {"type": "string", "description": "cv, photo_id, good_standing, ..."},
        "file": {"type": "string", "format": "binary", "description": "PDF, JPEG or PNG"},
    },
}


@API.route(
    "POST",
    "/documents",
    summary="Upload a document (visitor): PDF, JPEG or PNG, recognised by content",
    tag="documents",
    multipart=UPLOAD_SCHEMA,
    response=DocumentOut,
    status=201,
)
async def upload_document(call: ApiCall) -> DocumentOut:
    settings = call.request.app[SETTINGS]
    kind, filename, data = await read_upload(call.request, settings.max_upload_bytes)
    return await documents.upload(
        call.request.app[UOW](),
        call.request.app[FILES],
        call.actor,
        kind=kind,
        filename=filename,
        data=data,
        max_bytes=settings.max_upload_bytes,
    )


@API.route(
    "GET",
    "/documents",
    summary="My documents",
    tag="documents",
    response=list[DocumentOut],
)
async def list_my_documents(call: ApiCall) -> list[DocumentOut]:
    return await documents.list_documents(call.request.app[UOW](), call.actor)


@API.route(
    "GET",
    "/users/{user_id}/documents",
    summary="An applicant's documents (coordinators of programs they applied to)",
    tag="documents",
    response=list[DocumentOut],
)
async def list_user_documents(call: ApiCall) -> list[DocumentOut]:
    return await documents.list_documents(call.request.app[UOW](), call.actor, call.path["user_id"])


@API.route(
    "GET",
    "/documents/{document_id}",
    summary="One document's record",
    tag="documents",
    response=DocumentOut,
)
async def get_document(call: ApiCall) -> DocumentOut:
    return await documents.get_document(call.request.app[UOW](), call.actor, call.path["document_id"])


@API.route(
    "GET",
    "/documents/{document_id}/file",
    summary="Download a document's file",
    tag="documents",
    raw_response={
        "description": "The file",
        "content": {
            "application/pdf": {"schema": {"type": "string", "format": "binary"}},
            "image/jpeg": {"schema": {"type": "string", "format": "binary"}},
            "image/png": {"schema": {"type": "string", "format": "binary"}},
        },
    },
)
async def download_document(call: ApiCall) -> web.Response:
    file = await documents.read_document(
        call.request.app[UOW](), call.request.app[FILES], call.actor, call.path["document_id"]
    )
    return attachment_response(file)


@API.route(
    "POST",
    "/documents/{document_id}/review",
    summary="Verify or reject a document with a reason (coordinator)",
    tag="documents",
    body=DocumentReviewIn,
    response=DocumentOut,
)
async def review_document(call: ApiCall) -> DocumentOut:
    return await documents.review(call.request.app[UOW](), call.actor, call.path["document_id"], call.body)


# --- dashboards -------------------------------------------------------------------------------


@API.route(
    "GET",
    "/review-queue",
    summary="Coordinator's queue: applications, documents to verify, capacity per block",
    tag="dashboards",
    response=ReviewQueueOut,
)
async def get_review_queue(call: ApiCall) -> ReviewQueueOut:
    return await dashboards.review_queue(call.request.app[UOW], call.actor)


@API.route(
    "GET",
    "/my-visitors",
    summary="Preceptor's current visitors",
    tag="dashboards",
    response=list[CurrentVisitorOut],
)
async def get_my_visitors(call: ApiCall) -> list[CurrentVisitorOut]:
    return await dashboards.current_visitors(call.request.app[UOW](), call.actor)
