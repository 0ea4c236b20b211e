"""API: letters of recommendation -- the visitor's ERAS letter request (with the FERPA waiver) and its
Letter ID, the author's decision, a draft from the evidence, saved versions with wording flags, signing
(final), reading the letter and its ERAS PDF (the author; the visitor only when not waived and signed)."""

from __future__ import annotations

import aiohttp_jinja2
from aiohttp import web

from server.domain.actors import Actor
from server.handlers.api.registry import API
from server.schemas.letters import (
    DraftIn,
    DraftOut,
    LetterDecisionIn,
    LetterDocumentOut,
    LetterIdIn,
    LetterOut,
    LetterRequestIn,
    LetterRequestOut,
    LetterVersionIn,
    SignIn,
)
from server.services import letters, letters_documents
from server.web.api import ApiCall
from server.web.keys import UOW
from server.web.letter_pdf import pdf_filename, render_letter_pdf

TAG = "letters"


@API.route(
    "POST",
    "/enrollments/{enrollment_id}/letter-requests",
    summary="Request a letter from a preceptor of the program (the visitor; the waiver is required)",
    tag=TAG,
    body=LetterRequestIn,
    response=LetterRequestOut,
    status=201,
    errors=(409,),
)
async def create_letter_request(call: ApiCall) -> LetterRequestOut:
    return await letters.create_request(
        call.request.app[UOW](), call.actor, call.path["enrollment_id"], call.body
    )


@API.route(
    "GET",
    "/letter-requests",
    summary="My letter requests: the visitor's own, or those addressed to the preceptor (status only)",
    tag=TAG,
    response=list[LetterRequestOut],
)
async def list_letter_requests(call: ApiCall) -> list[LetterRequestOut]:
    return await letters.list_requests(call.request.app[UOW](), call.actor)


@API.route(
    "GET",
    "/letter-requests/{request_id}",
    summary="A letter request's status (its visitor and author; never the letter's text)",
    tag=TAG,
    response=LetterRequestOut,
)
async def get_letter_request(call: ApiCall) -> LetterRequestOut:
    return await letters.get_request(call.request.app[UOW](), call.actor, call.path["request_id"])


@API.route(
    "POST",
    "/letter-requests/{request_id}/decision",
    summary="Accept or decline a letter request (its author)",
    tag=TAG,
    body=LetterDecisionIn,
    response=LetterRequestOut,
    errors=(409,),
)
async def decide_letter_request(call: ApiCall) -> LetterRequestOut:
    return await letters.decide(call.request.app[UOW](), call.actor, call.path["request_id"], call.body)


@API.route(
    "POST",
    "/letter-requests/{request_id}/draft",
    summary="Draft the letter from the evidence, each paragraph with its records (its author; not saved)",
    tag=TAG,
    body=DraftIn,
    response=DraftOut,
    errors=(409,),
)
async def draft_letter(call: ApiCall) -> DraftOut:
    return await letters.draft(call.request.app[UOW](), call.actor, call.path["request_id"], call.body)


@API.route(
    "PUT",
    "/letter-requests/{request_id}/letter",
    summary="Save a new version of the letter, with wording flags (its author); a signed letter is final",
    tag=TAG,
    body=LetterVersionIn,
    response=LetterOut,
    errors=(409,),
)
async def save_letter(call: ApiCall) -> LetterOut:
    return await letters.save(call.request.app[UOW](), call.actor, call.path["request_id"], call.body)


@API.route(
    "GET",
    "/letter-requests/{request_id}/letter",
    summary="The letter (its author; the visitor only if they did not waive and it is signed: audited)",
    tag=TAG,
    response=LetterOut,
)
async def get_letter(call: ApiCall) -> LetterOut:
    return await letters.get_letter(call.request.app[UOW](), call.actor, call.path["request_id"])


@API.route(
    "POST",
    "/letter-requests/{request_id}/sign",
    summary="Sign the letter's latest version: final (its author; needs the ERAS Letter ID)",
    tag=TAG,
    body=SignIn,
    response=LetterOut,
    errors=(409,),
)
async def sign_letter(call: ApiCall) -> LetterOut:
    return await letters.sign(call.request.app[UOW](), call.actor, call.path["request_id"])


@API.route(
    "PUT",
    "/letter-requests/{request_id}/letter-id",
    summary="Add or correct the ERAS Letter ID (the visitor or the author; fixed once signed)",
    tag=TAG,
    body=LetterIdIn,
    response=LetterRequestOut,
    errors=(409,),
)
async def put_letter_id(call: ApiCall) -> LetterRequestOut:
    return await letters.set_letter_id(
        call.request.app[UOW](), call.actor, call.path["request_id"], call.body
    )


@API.route(
    "GET",
    "/letter-requests/{request_id}/document",
    summary="The letter as printed: letterhead, date, body, signature (author's preview; the visitor's "
    "only if not waived and signed: audited)",
    tag=TAG,
    response=LetterDocumentOut,
    errors=(409,),
)
async def get_letter_document(call: ApiCall) -> LetterDocumentOut:
    return await letters_documents.letter_document(
        call.request.app[UOW](), call.actor, call.path["request_id"]
    )


@API.route(
    "GET",
    "/letter-requests/{request_id}/letter.pdf",
    summary="The signed letter as an ERAS-ready PDF (US Letter, under 1 MB, not encrypted; audited)",
    tag=TAG,
    errors=(409,),
    raw_response={
        "description": "The PDF to upload to the ERAS Letter of Recommendation Portal",
        "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
    },
)
async def get_letter_pdf(call: ApiCall) -> web.Response:
    return await letter_pdf_response(call.request, call.actor, call.path["request_id"])


async def letter_pdf_response(request: web.Request, actor: Actor, request_id: int) -> web.Response:
    """The signed letter's PDF as a download, for the API and the letter page; the export is audited
    once the file is made."""
    factory = request.app[UOW]
    doc = await letters_documents.document_for_export(factory(), actor, request_id)
    pdf = await render_letter_pdf(aiohttp_jinja2.get_env(request.app), doc)
    await letters_documents.record_export(factory(), actor, request_id)
    return web.Response(
        body=pdf,
        content_type="application/pdf",
        headers={
            "Content-Disposition": f'attachment; filename="{pdf_filename(doc)}"',
            "Cache-Control": "private, no-store",
            "X-Content-Type-Options": "nosniff",
        },
    )
