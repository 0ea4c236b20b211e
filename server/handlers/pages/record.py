"""The clinical record's pages: where each role starts (``/record``), an enrollment's record, logging a
case (an encounter and its case log in one form), a case log, editing a draft, and the preceptor's
confirmation or correction of the diagnoses.

Thin handlers: read the form, call one service, render or redirect (Post/Redirect/Get). A refused form
(the PHI guard's refusals included) is shown again with the message next to the field and everything
the person typed still in it."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from server.domain.errors import DomainError, Forbidden
from server.domain.vocab import Role
from server.handlers.pages.forms import (
    FormValues,
    Problem,
    current_actor,
    parse_form,
    path_id,
    problem_of,
    read_form,
    redirect,
    try_form,
    whole_number,
)
from server.handlers.pages.record_forms import (
    CASE_LOG_LABELS,
    DIAGNOSIS_INPUTS,
    case_log_field,
    case_log_values,
    diagnosis_codes,
    render,
)
from server.schemas.record import CaseLogIn, CaseLogOut, EncounterIn, ReviewIn
from server.services import casebook, caselogs, learning_pages, record_pages
from server.web.keys import UOW

routes = web.RouteTableDef()


@routes.get("/record")
async def record_index(request: web.Request) -> web.StreamResponse:
    """A visitor's rotations, a preceptor's review queue and visitors, a coordinator's progress table."""
    actor = current_actor(request)
    index = await learning_pages.record_index(request.app[UOW](), actor)
    return render(request, "record_index.html", {"index": index})


@routes.get("/record/enrollments/{enrollment_id}")
async def enrollment_record(request: web.Request) -> web.StreamResponse:
    """An enrollment's encounters, case logs and presentations (a coordinator: counts only)."""
    actor = current_actor(request)
    overview = await record_pages.record_overview(request.app[UOW], actor, path_id(request, "enrollment_id"))
    return render(request, "record_enrollment.html", {"record": overview})


@routes.get("/record/enrollments/{enrollment_id}/caselogs/new")
async def new_case_log(request: web.Request) -> web.StreamResponse:
    """The visitor's form to log a case: a new encounter, or one already recorded and not logged."""
    actor = current_actor(request)
    choices = await record_pages.case_log_choices(request.app[UOW], actor, path_id(request, "enrollment_id"))
    values = case_log_values()
    if choices.unlogged and request.query.get("encounter", "").isdigit():
        values["encounter"] = request.query["encounter"]
    return _case_log_form(request, choices=choices, values=values)


def _case_log_form(
    request: web.Request,
    *,
    choices: record_pages.CaseLogChoices | None = None,
    log: CaseLogOut | None = None,
    values: dict[str, Any],
    problem: Problem | None = None,
    status: int = 200,
) -> web.StreamResponse:
    inputs = max(DIAGNOSIS_INPUTS, len(values.get("diagnoses") or []) + 1)
    context = {
        "choices": choices,
        "log": log,
        "v": values,
        "problem": problem,
        "labels": CASE_LOG_LABELS,
        "diagnosis_inputs": inputs,
    }
    return render(request, "caselog_form.html", context, status=status)


def _read_case_log(form: FormValues) -> CaseLogIn:
    return parse_form(
        CaseLogIn,
        form,
        labels=CASE_LOG_LABELS,
        fixed={
            "minutes": whole_number(form, "minutes", "Minutes"),
            "diagnoses": diagnosis_codes(form),
            "submit": form.get("intent") == "submit",
        },
    )


@routes.post("/record/enrollments/{enrollment_id}/caselogs")
async def create_case_log(request: web.Request) -> web.StreamResponse:
    """Log a case: a new, self-reported encounter (week, kind, setting) or a chosen one, and its log."""
    actor = current_actor(request)
    enrollment_id = path_id(request, "enrollment_id")
    form = await read_form(request)

    async def record_case() -> web.StreamResponse:
        chosen = str(form.get("encounter", "new"))
        encounter = None
        encounter_id = None
        if chosen == "new":
            encounter = parse_form(
                EncounterIn,
                form,
                labels=CASE_LOG_LABELS,
                fixed={
                    "week": whole_number(form, "week", "Rotation week"),
                    # A visitor never attests a patient's consent (the host records it in the session).
                    "consent_recorded": None,
                    "session_id": None,
                },
            )
        else:
            encounter_id = whole_number(form, "encounter", "Encounter")
        data = _read_case_log(form)
        created = await casebook.record_case(
            request.app[UOW],
            actor,
            enrollment_id,
            encounter_id=encounter_id,
            encounter=encounter,
            case_log=data,
        )
        redirect(f"/record/caselogs/{created.id}", "case_logged" if data.submit else "case_draft")

    async def show_again(exc: DomainError) -> web.StreamResponse:
        choices = await record_pages.case_log_choices(request.app[UOW], actor, enrollment_id)
        problem = problem_of(exc, form, case_log_field)
        return _case_log_form(
            request, choices=choices, values=case_log_values(form), problem=problem, status=exc.status
        )

    return await try_form(record_case, show_again)


@routes.get("/record/caselogs/{case_log_id}")
async def case_log_page(request: web.Request) -> web.StreamResponse:
    """A case log: the visitor's entry, the preceptor's review, and the way to its presentation."""
    actor = current_actor(request)
    page = await record_pages.case_log_page(request.app[UOW], actor, path_id(request, "case_log_id"))
    return render(
        request, "caselog.html", {"page": page, "problem": None, "diagnosis_inputs": DIAGNOSIS_INPUTS}
    )


@routes.get("/record/caselogs/{case_log_id}/edit")
async def edit_case_log(request: web.Request) -> web.StreamResponse:
    """The visitor's draft case log in its form."""
    actor = current_actor(request)
    log = await caselogs.get_case_log(request.app[UOW](), actor, path_id(request, "case_log_id"))
    if log.visitor_id != actor.user_id:
        raise Forbidden("Only the visitor who wrote this case log can change it.")
    return _case_log_form(request, log=log, values=case_log_values(log=log))


@routes.post("/record/caselogs/{case_log_id}")
async def update_case_log(request: web.Request) -> web.StreamResponse:
    """Save the draft again, or submit it."""
    actor = current_actor(request)
    case_log_id = path_id(request, "case_log_id")
    form = await read_form(request)

    async def save() -> web.StreamResponse:
        data = _read_case_log(form)
        await caselogs.update_case_log(request.app[UOW](), actor, case_log_id, data)
        redirect(f"/record/caselogs/{case_log_id}", "case_logged" if data.submit else "case_draft")

    async def show_again(exc: DomainError) -> web.StreamResponse:
        log = await caselogs.get_case_log(request.app[UOW](), actor, case_log_id)
        problem = problem_of(exc, form, case_log_field)
        return _case_log_form(
            request, log=log, values=case_log_values(form), problem=problem, status=exc.status
        )

    return await try_form(save, show_again)


@routes.post("/record/caselogs/{case_log_id}/review")
async def review_diagnoses(request: web.Request) -> web.StreamResponse:
    """A preceptor confirms the visitor's diagnoses, or replaces them with the corrected list."""
    actor = current_actor(request)
    case_log_id = path_id(request, "case_log_id")
    form = await read_form(request)
    correcting = form.get("action") == "correct"

    async def review() -> web.StreamResponse:
        data = parse_form(
            ReviewIn,
            form,
            labels={"action": "Decision", "diagnoses": "Corrected diagnoses"},
            fixed={"diagnoses": diagnosis_codes(form) if correcting else None},
        )
        updated = await caselogs.review_diagnoses(request.app[UOW](), actor, case_log_id, data)
        corrected = updated.review.status.value == "corrected"
        redirect(
            f"/record/caselogs/{case_log_id}", "diagnoses_corrected" if corrected else "diagnoses_confirmed"
        )

    async def show_again(exc: DomainError) -> web.StreamResponse:
        if actor.role is not Role.PRECEPTOR:
            raise exc  # only the preceptor has this form on the page
        page = await record_pages.case_log_page(request.app[UOW], actor, case_log_id)
        problem = problem_of(exc, form, lambda name: "diagnoses" if name.startswith("diagnoses") else None)
        context = {
            "page": page,
            "problem": problem,
            "typed": [str(v) for v in form.getall("diagnoses", [])],
            "diagnosis_inputs": DIAGNOSIS_INPUTS,
        }
        return render(request, "caselog.html", context, status=exc.status)

    return await try_form(review, show_again)
