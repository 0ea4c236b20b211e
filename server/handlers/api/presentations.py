"""API: case presentations -- the visitor's presentation and ranked differential, the preceptor's
review, reference differential and overrides, the scores side by side, and the coordinator's counts."""

from __future__ import annotations

from server.handlers.api.registry import API
from server.schemas.presentations import (
    FeedbackIn,
    PresentationIn,
    PresentationOut,
    PresentationSummaryOut,
    ReferenceIn,
    ScoreOut,
)
from server.services import presentations
from server.web.api import ApiCall
from server.web.keys import UOW


@API.route(
    "POST",
    "/caselogs/{case_log_id}/presentation",
    summary="Present a logged case with a ranked differential (its visitor): a draft, or submitted",
    tag="record",
    body=PresentationIn,
    response=PresentationOut,
    status=201,
    errors=(409,),
)
async def create_presentation(call: ApiCall) -> PresentationOut:
    return await presentations.create_presentation(
        call.request.app[UOW](), call.actor, call.path["case_log_id"], call.body
    )


@API.route(
    "GET",
    "/enrollments/{enrollment_id}/presentations",
    summary="The presentations of an enrollment (its visitor; its preceptors see the submitted ones)",
    tag="record",
    response=list[PresentationOut],
)
async def list_presentations(call: ApiCall) -> list[PresentationOut]:
    return await presentations.list_presentations(
        call.request.app[UOW](), call.actor, call.path["enrollment_id"]
    )


@API.route(
    "GET",
    "/presentations/{presentation_id}",
    summary="One presentation (its author, or a preceptor of the enrollment: audited)",
    tag="record",
    response=PresentationOut,
)
async def get_presentation(call: ApiCall) -> PresentationOut:
    return await presentations.get_presentation(
        call.request.app[UOW](), call.actor, call.path["presentation_id"]
    )


@API.route(
    "PUT",
    "/presentations/{presentation_id}",
    summary="Rewrite a draft presentation and its differential, and optionally submit it (its author)",
    tag="record",
    body=PresentationIn,
    response=PresentationOut,
    errors=(409,),
)
async def update_presentation(call: ApiCall) -> PresentationOut:
    return await presentations.update_presentation(
        call.request.app[UOW](), call.actor, call.path["presentation_id"], call.body
    )


@API.route(
    "POST",
    "/presentations/{presentation_id}/review",
    summary="Review a submitted presentation with One-Minute-Preceptor feedback (its preceptor)",
    tag="record",
    body=FeedbackIn,
    response=PresentationOut,
    errors=(409,),
)
async def review_presentation(call: ApiCall) -> PresentationOut:
    return await presentations.review_presentation(
        call.request.app[UOW](), call.actor, call.path["presentation_id"], call.body
    )


@API.route(
    "PUT",
    "/presentations/{presentation_id}/reference",
    summary="Enter or replace the reference differential and match overrides (its preceptor)",
    tag="record",
    body=ReferenceIn,
    response=PresentationOut,
    errors=(409,),
)
async def set_reference(call: ApiCall) -> PresentationOut:
    return await presentations.set_reference(
        call.request.app[UOW](), call.actor, call.path["presentation_id"], call.body
    )


@API.route(
    "GET",
    "/presentations/{presentation_id}/score",
    summary="The differential scored against the reference, side by side (author and preceptor)",
    tag="record",
    response=ScoreOut,
    errors=(409,),
)
async def presentation_score(call: ApiCall) -> ScoreOut:
    return await presentations.get_score(call.request.app[UOW](), call.actor, call.path["presentation_id"])


@API.route(
    "GET",
    "/enrollments/{enrollment_id}/presentation-summary",
    summary="Counts of an enrollment's presentations, without text or scores (coordinator)",
    tag="record",
    response=PresentationSummaryOut,
)
async def presentation_summary(call: ApiCall) -> PresentationSummaryOut:
    return await presentations.summary(call.request.app[UOW](), call.actor, call.path["enrollment_id"])
