"""Evaluations from the pages: the preceptor's per-encounter evaluation form (only what the rotation type
may rate, each mini-CEX item on the 1-9 scale with its bands or not observed, EPA entrustment levels, the
RIME stage, minutes, narrative), the list per enrollment with a release button (confirmed), the visitor's
page of released evaluations with the summary, and the end-of-rotation form showing the comparative
rating with the size of the comparison group.

Thin handlers as in ``pages.record``: one service per request, Post/Redirect/Get, refused forms shown
again with the messages next to their fields and everything typed kept."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from aiohttp import web

from server.domain.errors import DomainError, Invalid
from server.domain.evaluations import (
    COMPARATIVE_LABELS,
    COMPETENCY_LABELS,
    ENTRUSTMENT_LABELS,
    EPA_LABELS,
    MIN_COMPARISON_GROUP,
    MINI_CEX_LABELS,
    NOT_OBSERVED,
    RELEASE_LABELS,
    RIME_LABELS,
    Competency,
    Epa,
    MiniCexItem,
)
from server.domain.vocab import ROTATION_LABELS
from server.handlers.pages.forms import (
    FormValues,
    current_actor,
    path_id,
    problem_of,
    read_form,
    redirect,
    try_form,
    whole_number,
)
from server.handlers.pages.record_forms import render
from server.schemas.evaluations import EncounterEvaluationIn, EncounterEvaluationOut, FinalEvaluationIn
from server.services import evaluations, evaluations_pages
from server.web.keys import UOW

routes = web.RouteTableDef()

BANDS = [("Unsatisfactory", (1, 2, 3)), ("Satisfactory", (4, 5, 6)), ("Superior", (7, 8, 9))]
WORDS: dict[str, Any] = {
    "mini_cex": {k.value: v for k, v in MINI_CEX_LABELS.items()},
    "epas": {k.value: v for k, v in EPA_LABELS.items()},
    "levels": {k.value: v for k, v in ENTRUSTMENT_LABELS.items()},
    "rime": {k.value: v for k, v in RIME_LABELS.items()},
    "competencies": {k.value: v for k, v in COMPETENCY_LABELS.items()},
    "comparative": {k.value: v for k, v in COMPARATIVE_LABELS.items()},
    "release": {k.value: v for k, v in RELEASE_LABELS.items()},
    "rotation_types": {k.value: v for k, v in ROTATION_LABELS.items()},
    "bands": BANDS,
    "not_observed": NOT_OBSERVED,
    "min_group": MIN_COMPARISON_GROUP,
}
NOTICES = {
    "evaluation_saved": "Evaluation saved as a draft. The visitor sees it once you release it.",
    "evaluation_released": "Evaluation released: the visitor can now read it. It can no longer be changed.",
    "final_saved": "End-of-rotation evaluation saved as a draft.",
    "final_released": "End-of-rotation evaluation released to the visitor.",
}
LABELS = {
    "week": "Rotation week",
    "observed_on": "Day observed",
    "encounter_id": "Encounter observed",
    "presentation_id": "Presentation observed",
    "rime": "RIME stage",
    "minutes_observed": "Minutes observed",
    "minutes_feedback": "Minutes of feedback",
    "strengths": "Strengths",
    "improvement": "One thing to improve",
    "example": "One concrete observed example",
    "ratings": "Ratings",
    **{f"ratings.{k.value}": v for k, v in MINI_CEX_LABELS.items()},
    **{f"epas.{k.value}": v for k, v in EPA_LABELS.items()},
}
FINAL_LABELS = {
    "competencies": "Competencies",
    "comparative_rating": "Comparative rating",
    "comparison.rating": "Comparative rating",
    "will_write_letter": "Letter of recommendation",
    "narrative": "Narrative",
    **{f"competencies.{k.value}": v for k, v in COMPETENCY_LABELS.items()},
}


# --- reading the forms ---------------------------------------------------------------------------


def _score(values: Mapping[str, Any], name: str) -> int | None:
    raw = str(values.get(name, "")).strip()
    if raw in ("", NOT_OBSERVED):
        return None
    if not (raw.isascii() and raw.isdigit() and len(raw) <= 2):
        raise Invalid("Choose a rating from 1 to 9, or not observed.", field=name)
    return int(raw)


def _optional_id(values: Mapping[str, Any], name: str, label: str) -> int | None:
    raw = str(values.get(name, "")).strip()
    return None if not raw else whole_number(values, name, label)


def _read_evaluation(values: FormValues) -> EncounterEvaluationIn:
    ratings: dict[str, Any] = {}
    for item in MiniCexItem:
        if (score := _score(values, f"ratings.{item.value}")) is not None:
            ratings[item.value] = score
    epas: dict[str, Any] = {}
    for epa in Epa:
        level = str(values.get(f"epas.{epa.value}", "")).strip()
        if level and level != NOT_OBSERVED:
            epas[epa.value] = level
    feedback = str(values.get("minutes_feedback", "")).strip()
    body = {
        "week": whole_number(values, "week", "Rotation week"),
        "observed_on": str(values.get("observed_on", "")).strip() or None,
        "encounter_id": _optional_id(values, "encounter_id", "Encounter observed"),
        "presentation_id": _optional_id(values, "presentation_id", "Presentation observed"),
        "ratings": ratings,
        "epas": epas,
        "rime": str(values.get("rime", "")).strip() or None,
        "minutes_observed": whole_number(values, "minutes_observed", "Minutes observed"),
        "minutes_feedback": whole_number(values, "minutes_feedback", "Minutes of feedback")
        if feedback
        else 0,
        "strengths": str(values.get("strengths", "")),
        "improvement": str(values.get("improvement", "")),
        "example": str(values.get("example", "")),
    }
    return EncounterEvaluationIn.model_validate(body)  # a ValidationError is try_form's to show


def _values_of(shown: EncounterEvaluationOut | None, today: str) -> dict[str, str]:
    """The form's values from a saved evaluation, or the defaults of a new one."""
    if shown is None:
        return {"week": "1", "observed_on": today, "minutes_feedback": "0"}
    values = {
        "week": str(shown.week),
        "observed_on": shown.observed_on.isoformat(),
        "encounter_id": "" if shown.encounter_id is None else str(shown.encounter_id),
        "presentation_id": "" if shown.presentation_id is None else str(shown.presentation_id),
        "rime": "" if shown.rime is None else shown.rime.value,
        "minutes_observed": str(shown.minutes_observed),
        "minutes_feedback": str(shown.minutes_feedback),
        "strengths": shown.strengths,
        "improvement": shown.improvement,
        "example": shown.example,
    }
    for item, score in shown.ratings.items():
        values[f"ratings.{item.value}"] = NOT_OBSERVED if score is None else str(score)
    for epa, level in shown.epas.items():
        values[f"epas.{epa.value}"] = level.value
    return values


def _form_values(form: FormValues) -> dict[str, str]:
    return {key: str(form.get(key, "")) for key in form}


def _field(labels: Mapping[str, str]) -> Any:
    return lambda name: name if name in labels else None


# --- the list and the visitor's page -------------------------------------------------------------


@routes.get("/record/enrollments/{enrollment_id}/evaluations")
async def evaluations_page(request: web.Request) -> web.StreamResponse:
    """The visitor's released evaluations with the summary; the preceptor's list with drafts and the
    release buttons; the coordinator's counts."""
    actor = current_actor(request)
    page = await evaluations_pages.evaluations_page(
        request.app[UOW](), actor, path_id(request, "enrollment_id")
    )
    return render(request, "evaluation_list.html", {"ew": WORDS, "page": page}, notices=(NOTICES,))


# --- the preceptor's per-encounter form ----------------------------------------------------------


async def _evaluation_form(
    request: web.Request,
    enrollment_id: int,
    evaluation_id: int | None,
    *,
    values: dict[str, str] | None = None,
    problem: Any = None,
    status: int = 200,
) -> web.Response:
    actor = current_actor(request)
    form = await evaluations_pages.evaluation_form(request.app[UOW](), actor, enrollment_id, evaluation_id)
    shown = values if values is not None else _values_of(form.evaluation, form.today.isoformat())
    context = {"ew": WORDS, "form": form, "v": shown, "problem": problem, "labels": LABELS}
    return render(request, "evaluation_form.html", context, status=status, notices=(NOTICES,))


@routes.get("/record/enrollments/{enrollment_id}/evaluations/new")
async def new_evaluation(request: web.Request) -> web.StreamResponse:
    """An empty evaluation form for an encounter the preceptor observed."""
    return await _evaluation_form(request, path_id(request, "enrollment_id"), None)


@routes.post("/record/enrollments/{enrollment_id}/evaluations")
async def create_evaluation(request: web.Request) -> web.StreamResponse:
    """Save a new evaluation as a draft."""
    actor = current_actor(request)
    enrollment_id = path_id(request, "enrollment_id")
    form = await read_form(request)

    async def create() -> web.StreamResponse:
        data = _read_evaluation(form)
        await evaluations.create_encounter_evaluation(request.app[UOW](), actor, enrollment_id, data)
        redirect(f"/record/enrollments/{enrollment_id}/evaluations", "evaluation_saved")

    async def show_again(exc: DomainError) -> web.StreamResponse:
        values = _form_values(form)
        problem = problem_of(exc, values, _field(LABELS))
        return await _evaluation_form(
            request, enrollment_id, None, values=values, problem=problem, status=exc.status
        )

    return await try_form(create, show_again)


@routes.get("/record/enrollments/{enrollment_id}/evaluations/{evaluation_id}/edit")
async def edit_evaluation(request: web.Request) -> web.StreamResponse:
    """The preceptor's draft evaluation in its form."""
    return await _evaluation_form(
        request, path_id(request, "enrollment_id"), path_id(request, "evaluation_id")
    )


@routes.post("/record/enrollments/{enrollment_id}/evaluations/{evaluation_id}")
async def update_evaluation(request: web.Request) -> web.StreamResponse:
    """Save the draft again."""
    actor = current_actor(request)
    enrollment_id = path_id(request, "enrollment_id")
    evaluation_id = path_id(request, "evaluation_id")
    form = await read_form(request)

    async def save() -> web.StreamResponse:
        data = _read_evaluation(form)
        await evaluations.update_encounter_evaluation(request.app[UOW](), actor, evaluation_id, data)
        redirect(f"/record/enrollments/{enrollment_id}/evaluations", "evaluation_saved")

    async def show_again(exc: DomainError) -> web.StreamResponse:
        values = _form_values(form)
        problem = problem_of(exc, values, _field(LABELS))
        return await _evaluation_form(
            request, enrollment_id, evaluation_id, values=values, problem=problem, status=exc.status
        )

    return await try_form(save, show_again)


@routes.post("/record/enrollments/{enrollment_id}/evaluations/{evaluation_id}/release")
async def release_evaluation(request: web.Request) -> web.StreamResponse:
    """Release a draft to the visitor (the button asks to confirm first)."""
    actor = current_actor(request)
    enrollment_id = path_id(request, "enrollment_id")
    await evaluations.release_encounter_evaluation(
        request.app[UOW](), actor, path_id(request, "evaluation_id")
    )
    redirect(f"/record/enrollments/{enrollment_id}/evaluations", "evaluation_released")


# --- the end-of-rotation form --------------------------------------------------------------------


def _read_final(values: FormValues) -> FinalEvaluationIn:
    competencies: dict[str, Any] = {}
    for competency in Competency:
        if (score := _score(values, f"competencies.{competency.value}")) is not None:
            competencies[competency.value] = score
    letter = str(values.get("will_write_letter", ""))
    if letter not in ("yes", "no"):
        raise Invalid("Say whether you will write a letter of recommendation.", field="will_write_letter")
    body = {
        "competencies": competencies,
        "comparative_rating": str(values.get("comparative_rating", "")).strip() or None,
        "will_write_letter": letter == "yes",
        "narrative": str(values.get("narrative", "")),
    }
    return FinalEvaluationIn.model_validate(body)  # a ValidationError is try_form's to show


def _final_values(form: evaluations_pages.FinalForm) -> dict[str, str]:
    final = form.final
    if final is None:
        return {}
    values = {
        "comparative_rating": "" if final.comparative_rating is None else final.comparative_rating.value,
        "will_write_letter": "yes" if final.will_write_letter else "no",
        "narrative": final.narrative,
    }
    for competency, score in final.competencies.items():
        values[f"competencies.{competency.value}"] = NOT_OBSERVED if score is None else str(score)
    return values


async def _final_page(
    request: web.Request,
    enrollment_id: int,
    *,
    values: dict[str, str] | None = None,
    problem: Any = None,
    status: int = 200,
) -> web.Response:
    actor = current_actor(request)
    form = await evaluations_pages.final_form(request.app[UOW](), actor, enrollment_id)
    shown = values if values is not None else _final_values(form)
    context = {"ew": WORDS, "form": form, "v": shown, "problem": problem, "labels": FINAL_LABELS}
    return render(request, "evaluation_final.html", context, status=status, notices=(NOTICES,))


@routes.get("/record/enrollments/{enrollment_id}/final-evaluation")
async def final_evaluation(request: web.Request) -> web.StreamResponse:
    """The preceptor's end-of-rotation form, with the size of the comparison group."""
    return await _final_page(request, path_id(request, "enrollment_id"))


@routes.post("/record/enrollments/{enrollment_id}/final-evaluation")
async def save_final_evaluation(request: web.Request) -> web.StreamResponse:
    """Save the end-of-rotation evaluation as a draft."""
    actor = current_actor(request)
    enrollment_id = path_id(request, "enrollment_id")
    form = await read_form(request)

    async def save() -> web.StreamResponse:
        data = _read_final(form)
        await evaluations.put_final_evaluation(request.app[UOW](), actor, enrollment_id, actor.user_id, data)
        redirect(f"/record/enrollments/{enrollment_id}/final-evaluation", "final_saved")

    async def show_again(exc: DomainError) -> web.StreamResponse:
        values = _form_values(form)
        field = _field(FINAL_LABELS)
        problem = problem_of(
            exc, values, lambda name: "comparative_rating" if name == "comparison.rating" else field(name)
        )
        return await _final_page(request, enrollment_id, values=values, problem=problem, status=exc.status)

    return await try_form(save, show_again)


@routes.post("/record/enrollments/{enrollment_id}/final-evaluation/release")
async def release_final_evaluation(request: web.Request) -> web.StreamResponse:
    """Release the end-of-rotation evaluation to the visitor (confirmed first)."""
    actor = current_actor(request)
    enrollment_id = path_id(request, "enrollment_id")
    await evaluations.release_final_evaluation(request.app[UOW](), actor, enrollment_id, actor.user_id)
    redirect(f"/record/enrollments/{enrollment_id}/evaluations", "final_released")
