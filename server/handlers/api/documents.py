"""API: uploading, listing, downloading and reviewing documents."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from server.handlers.api.registry import API
from server.schemas.documents import DocumentOut, DocumentReviewIn
from server.services import documents
from server.web.api import ApiCall
from server.web.files import attachment_response, read_upload
from server.web.keys import FILES, SETTINGS, UOW

# --- programs ---------------------------------------------------------------------------------


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
