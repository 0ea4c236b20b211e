"""API: evaluations -- a preceptor's per-encounter evaluations (draft, edit, release), the visitor's
released ones, the end-of-rotation evaluation with its comparison group, the evidence summary, and the
coordinator's counts."""

from __future__ import annotations

from server.handlers.api.registry import API
from server.schemas.evaluations import (
    ComparisonGroupOut,
    EncounterEvaluationIn,
    EncounterEvaluationOut,
    EvaluationCountsOut,
    EvaluationSummaryOut,
    FinalEvaluationIn,
    FinalEvaluationOut,
    ReleaseIn,
)
from server.services import evaluations
from server.web.api import ApiCall
from server.web.keys import UOW

TAG = "evaluations"


@API.route(
    "POST",
    "/enrollments/{enrollment_id}/evaluations",
    summary="Evaluate an observed encounter: mini-CEX, EPAs, RIME, narrative (a preceptor; a draft)",
    tag=TAG,
    body=EncounterEvaluationIn,
    response=EncounterEvaluationOut,
    status=201,
)
async def create_evaluation(call: ApiCall) -> EncounterEvaluationOut:
    return await evaluations.create_encounter_evaluation(
        call.request.app[UOW](), call.actor, call.path["enrollment_id"], call.body
    )


@API.route(
    "GET",
    "/enrollments/{enrollment_id}/evaluations",
    summary="An enrollment's evaluations (the visitor: released ones; a preceptor: own and released)",
    tag=TAG,
    response=list[EncounterEvaluationOut],
)
async def list_evaluations(call: ApiCall) -> list[EncounterEvaluationOut]:
    return await evaluations.list_encounter_evaluations(
        call.request.app[UOW](), call.actor, call.path["enrollment_id"]
    )


@API.route(
    "GET",
    "/evaluations/{evaluation_id}",
    summary="One evaluation (its author; the visitor and other preceptors once released: audited)",
    tag=TAG,
    response=EncounterEvaluationOut,
)
async def get_evaluation(call: ApiCall) -> EncounterEvaluationOut:
    return await evaluations.get_encounter_evaluation(
        call.request.app[UOW](), call.actor, call.path["evaluation_id"]
    )


@API.route(
    "PUT",
    "/evaluations/{evaluation_id}",
    summary="Rewrite a draft evaluation (its author); a released one is final",
    tag=TAG,
    body=EncounterEvaluationIn,
    response=EncounterEvaluationOut,
    errors=(409,),
)
async def update_evaluation(call: ApiCall) -> EncounterEvaluationOut:
    return await evaluations.update_encounter_evaluation(
        call.request.app[UOW](), call.actor, call.path["evaluation_id"], call.body
    )


@API.route(
    "POST",
    "/evaluations/{evaluation_id}/release",
    summary="Release a draft evaluation to the visitor (its author); it is then final",
    tag=TAG,
    body=ReleaseIn,
    response=EncounterEvaluationOut,
    errors=(409,),
)
async def release_evaluation(call: ApiCall) -> EncounterEvaluationOut:
    return await evaluations.release_encounter_evaluation(
        call.request.app[UOW](), call.actor, call.path["evaluation_id"]
    )


@API.route(
    "GET",
    "/enrollments/{enrollment_id}/evaluation-summary",
    summary="Counts, spread and week-by-week trajectory of the evaluations (the visitor: released only)",
    tag=TAG,
    response=EvaluationSummaryOut,
)
async def evaluation_summary(call: ApiCall) -> EvaluationSummaryOut:
    return await evaluations.evaluation_summary(
        call.request.app[UOW](), call.actor, call.path["enrollment_id"]
    )


@API.route(
    "GET",
    "/enrollments/{enrollment_id}/evaluation-counts",
    summary="How many evaluations an enrollment has, without ratings or text (coordinator)",
    tag=TAG,
    response=EvaluationCountsOut,
)
async def evaluation_counts(call: ApiCall) -> EvaluationCountsOut:
    return await evaluations.evaluation_counts(
        call.request.app[UOW](), call.actor, call.path["enrollment_id"]
    )


@API.route(
    "GET",
    "/enrollments/{enrollment_id}/comparison-group",
    summary="The size of your comparison group for this visitor: your distinct past visitors (a preceptor)",
    tag=TAG,
    response=ComparisonGroupOut,
)
async def comparison_group(call: ApiCall) -> ComparisonGroupOut:
    return await evaluations.comparison_group(call.request.app[UOW](), call.actor, call.path["enrollment_id"])


@API.route(
    "GET",
    "/enrollments/{enrollment_id}/final-evaluations",
    summary="The end-of-rotation evaluations of an enrollment the caller may see",
    tag=TAG,
    response=list[FinalEvaluationOut],
)
async def list_final_evaluations(call: ApiCall) -> list[FinalEvaluationOut]:
    return await evaluations.list_final_evaluations(
        call.request.app[UOW](), call.actor, call.path["enrollment_id"]
    )


@API.route(
    "GET",
    "/enrollments/{enrollment_id}/final-evaluations/{preceptor_id}",
    summary="A preceptor's end-of-rotation evaluation (its author; others once released: audited)",
    tag=TAG,
    response=FinalEvaluationOut,
)
async def get_final_evaluation(call: ApiCall) -> FinalEvaluationOut:
    return await evaluations.get_final_evaluation(
        call.request.app[UOW](), call.actor, call.path["enrollment_id"], call.path["preceptor_id"]
    )


@API.route(
    "PUT",
    "/enrollments/{enrollment_id}/final-evaluations/{preceptor_id}",
    summary="Write or rewrite your end-of-rotation evaluation (a draft; group size counted by Rounds)",
    tag=TAG,
    body=FinalEvaluationIn,
    response=FinalEvaluationOut,
    errors=(409,),
)
async def put_final_evaluation(call: ApiCall) -> FinalEvaluationOut:
    return await evaluations.put_final_evaluation(
        call.request.app[UOW](), call.actor, call.path["enrollment_id"], call.path["preceptor_id"], call.body
    )


@API.route(
    "POST",
    "/enrollments/{enrollment_id}/final-evaluations/{preceptor_id}/release",
    summary="Release your end-of-rotation evaluation to the visitor; it is then final",
    tag=TAG,
    body=ReleaseIn,
    response=FinalEvaluationOut,
    errors=(409,),
)
async def release_final_evaluation(call: ApiCall) -> FinalEvaluationOut:
    return await evaluations.release_final_evaluation(
        call.request.app[UOW](), call.actor, call.path["enrollment_id"], call.path["preceptor_id"]
    )
