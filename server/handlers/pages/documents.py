"""Documents from the pages: a visitor uploads, the owner or a coordinator downloads, a
coordinator verifies or rejects."""

from __future__ import annotations

from aiohttp import web

from server.handlers.pages.forms import current_actor, parse_form, path_id, read_form, redirect
from server.schemas.documents import DocumentReviewIn
from server.services import documents
from server.web.files import attachment_response, read_upload
from server.web.keys import FILES, SETTINGS, UOW

routes = web.RouteTableDef()

REVIEW_LABELS = {"status": "Decision", "note": "Reason", "expires_on": "Valid until"}


@routes.post("/documents")
async def upload(request: web.Request) -> web.StreamResponse:
    """A visitor's upload (multipart: ``kind``, ``file`` and the CSRF token, all in the body)."""
    actor = current_actor(request)
    max_bytes = request.app[SETTINGS].max_upload_bytes
    kind, filename, data = await read_upload(request, max_bytes)
    await documents.upload(
        request.app[UOW](),
        request.app[FILES],
        actor,
        kind=kind,
        filename=filename,
        data=data,
        max_bytes=max_bytes,
    )
    redirect("/dashboard", "uploaded", anchor="documents")


@routes.get("/documents/{document_id}/file")
async def download(request: web.Request) -> web.StreamResponse:
    """The stored file, for its owner and the coordinators of programs they applied to."""
    actor = current_actor(request)
    file = await documents.read_document(
        request.app[UOW](), request.app[FILES], actor, path_id(request, "document_id")
    )
    return attachment_response(file)


@routes.post("/documents/{document_id}/review")
async def review(request: web.Request) -> web.StreamResponse:
    """Verify a document (with an optional expiry date) or reject it with a reason."""
    actor = current_actor(request)
    data = parse_form(DocumentReviewIn, await read_form(request), labels=REVIEW_LABELS)
    await documents.review(request.app[UOW](), actor, path_id(request, "document_id"), data)
    redirect("/dashboard", f"document_{data.status}", anchor="documents")
