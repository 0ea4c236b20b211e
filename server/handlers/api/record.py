"""API: the clinical learning record -- encounters, case logs, the preceptor's review of diagnoses,
the coordinator's summary, and the ICD-10-CM look-up."""

from __future__ import annotations

from server.handlers.api.registry import API
from server.schemas.record import (
    CaseLogIn,
    CaseLogOut,
    CaseLogSummaryOut,
    EncounterIn,
    EncounterOut,
    Icd10Out,
    Icd10Query,
    ReviewIn,
)
from server.services import caselogs, encounters
from server.web.api import ApiCall
from server.web.keys import UOW

# --- ICD-10-CM --------------------------------------------------------------------------------


@API.route(
    "GET",
    "/icd10",
    summary="Type-ahead search of ICD-10-CM codes by code or words of the description",
    tag="record",
    query=Icd10Query,
    response=list[Icd10Out],
)
async def search_icd10(call: ApiCall) -> list[Icd10Out]:
    return await caselogs.search_codes(call.query)


@API.route(
    "GET",
    "/icd10/{code}",
    summary="One ICD-10-CM code (any case, dot optional)",
    tag="record",
    response=Icd10Out,
)
async def get_icd10(call: ApiCall) -> Icd10Out:
    return await caselogs.get_code(call.path_text["code"])


# --- encounters -------------------------------------------------------------------------------


@API.route(
    "POST",
    "/enrollments/{enrollment_id}/encounters",
    summary="Record an encounter of an enrollment (its visitor or preceptor)",
    tag="record",
    body=EncounterIn,
    response=EncounterOut,
    status=201,
    errors=(409,),
)
async def create_encounter(call: ApiCall) -> EncounterOut:
    return await encounters.create_encounter(
        call.request.app[UOW](), call.actor, call.path["enrollment_id"], call.body
    )


@API.route(
    "GET",
    "/enrollments/{enrollment_id}/encounters",
    summary="The encounters of an enrollment, by rotation week",
    tag="record",
    response=list[EncounterOut],
)
async def list_encounters(call: ApiCall) -> list[EncounterOut]:
    return await encounters.list_encounters(call.request.app[UOW](), call.actor, call.path["enrollment_id"])


# --- case logs --------------------------------------------------------------------------------


@API.route(
    "POST",
    "/encounters/{encounter_id}/caselogs",
    summary="Log an encounter (the enrollment's visitor): a draft, or submitted at once",
    tag="record",
    body=CaseLogIn,
    response=CaseLogOut,
    status=201,
    errors=(409,),
)
async def create_case_log(call: ApiCall) -> CaseLogOut:
    return await caselogs.create_case_log(
        call.request.app[UOW](), call.actor, call.path["encounter_id"], call.body
    )


@API.route(
    "GET",
    "/enrollments/{enrollment_id}/caselogs",
    summary="The case logs of an enrollment (its visitor; its preceptors see the submitted ones)",
    tag="record",
    response=list[CaseLogOut],
)
async def list_case_logs(call: ApiCall) -> list[CaseLogOut]:
    return await caselogs.list_case_logs(call.request.app[UOW](), call.actor, call.path["enrollment_id"])


@API.route(
    "GET",
    "/caselogs/{case_log_id}",
    summary="One case log (its author, or a preceptor of the enrollment: audited)",
    tag="record",
    response=CaseLogOut,
)
async def get_case_log(call: ApiCall) -> CaseLogOut:
    return await caselogs.get_case_log(call.request.app[UOW](), call.actor, call.path["case_log_id"])


@API.route(
    "PUT",
    "/caselogs/{case_log_id}",
    summary="Rewrite a draft case log, and optionally submit it (its author)",
    tag="record",
    body=CaseLogIn,
    response=CaseLogOut,
    errors=(409,),
)
async def update_case_log(call: ApiCall) -> CaseLogOut:
    return await caselogs.update_case_log(
        call.request.app[UOW](), call.actor, call.path["case_log_id"], call.body
    )


@API.route(
    "POST",
    "/caselogs/{case_log_id}/review",
    summary="Confirm or correct a submitted case log's diagnoses (a preceptor of the enrollment)",
    tag="record",
    body=ReviewIn,
    response=CaseLogOut,
    errors=(409,),
)
async def review_case_log(call: ApiCall) -> CaseLogOut:
    return await caselogs.review_diagnoses(
        call.request.app[UOW](), call.actor, call.path["case_log_id"], call.body
    )


@API.route(
    "GET",
    "/enrollments/{enrollment_id}/caselog-summary",
    summary="Counts and progress of an enrollment's case logs, without their text (coordinator)",
    tag="record",
    response=CaseLogSummaryOut,
)
async def case_log_summary(call: ApiCall) -> CaseLogSummaryOut:
    return await caselogs.summary(call.request.app[UOW](), call.actor, call.path["enrollment_id"])


@API.route(
    "GET",
    "/programs/{program_id}/caselog-summary",
    summary="Case-log counts of every enrollment of a program, without their text (coordinator)",
    tag="record",
    response=list[CaseLogSummaryOut],
)
async def program_case_log_summary(call: ApiCall) -> list[CaseLogSummaryOut]:
    return await caselogs.program_summary(call.request.app[UOW](), call.actor, call.path["program_id"])
