"""API: letters of recommendation -- the visitor's ERAS letter request (with the FERPA waiver), the
author's decision, a draft from the evidence, saved versions with wording flags, signing (final), and
reading the letter (the author; the visitor only when not waived and signed)."""

from __future__ import annotations

from server.handlers.registry import API
from server.schemas_letters import (
    DraftIn,
    DraftOut,
    LetterDecisionIn,
    LetterOut,
    LetterRequestIn,
    LetterRequestOut,
    LetterVersionIn,
    SignIn,
)
from server.services import letters
from server.web.api import ApiCall
from server.web.keys import UOW

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
