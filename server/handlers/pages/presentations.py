"""Case presentations from the pages: the visitor presents a logged case (full oral or SNAPPS) with a
ranked differential, as a draft and then submitted; the preceptor gives One-Minute-Preceptor feedback
and the reference differential with match overrides; both see the two differentials side by side with
the scores.

Thin handlers as in ``pages.record``: one service per request, Post/Redirect/Get, refused forms shown
again with the messages next to their fields."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from server.domain.errors import DomainError, Invalid
from server.domain.presentations import PresentationFormat
from server.handlers.pages.forms import (
    current_actor,
    parse_form,
    path_id,
    problem_of,
    read_form,
    redirect,
    try_form,
)
from server.handlers.pages.record_forms import (
    Rows,
    feedback_field,
    form_rows,
    item_rows,
    padded,
    presentation_body,
    presentation_field,
    presentation_values,
    read_overrides,
    read_rows,
    reference_field,
    render,
)
from server.schemas.presentations import FeedbackIn, PresentationIn, ReferenceIn
from server.services import caselogs, presentations, record_pages
from server.web.keys import UOW

routes = web.RouteTableDef()
FEEDBACK_LABELS = {
    "commitment": "Get a commitment",
    "evidence": "Probe for supporting evidence",
    "general_rule": "Teach a general rule",
    "reinforce": "Reinforce what was right",
    "correct": "Correct mistakes",
}
EXTRA_OVERRIDES = 2


def _format(value: object, default: PresentationFormat = PresentationFormat.SNAPPS) -> PresentationFormat:
    try:
        return PresentationFormat(str(value))
    except ValueError:
        return default


def _read_presentation(form: Any, fmt: PresentationFormat, rows: Rows) -> PresentationIn:
    """The presentation from its form (a ValidationError is :func:`try_form`'s to show)."""
    return PresentationIn.model_validate(presentation_body(form, fmt, rows))


# --- the visitor's presentation -------------------------------------------------------------------


@routes.get("/record/caselogs/{case_log_id}/presentation/new")
async def new_presentation(request: web.Request) -> web.StreamResponse:
    """The presentation form for a case log, in the format asked for (SNAPPS unless ?format=oral)."""
    actor = current_actor(request)
    log = await caselogs.get_case_log(request.app[UOW](), actor, path_id(request, "case_log_id"))
    fmt = _format(request.query.get("format"))
    context = {"log": log, "presentation": None, "v": presentation_values(fmt), "problem": None}
    return render(request, "presentation_form.html", context)


@routes.post("/record/caselogs/{case_log_id}/presentation")
async def create_presentation(request: web.Request) -> web.StreamResponse:
    """Save the presentation as a draft, or submit it."""
    actor = current_actor(request)
    case_log_id = path_id(request, "case_log_id")
    form = await read_form(request)
    rows = Rows(items=[], row_of=[])
    fmt = _format(form.get("format"))

    async def create() -> web.StreamResponse:
        nonlocal rows
        rows = read_rows(form)
        data = _read_presentation(form, fmt, rows)
        created = await presentations.create_presentation(request.app[UOW](), actor, case_log_id, data)
        redirect(f"/record/presentations/{created.id}", _saved(data))

    async def show_again(exc: DomainError) -> web.StreamResponse:
        log = await caselogs.get_case_log(request.app[UOW](), actor, case_log_id)
        problem = problem_of(exc, form, lambda name: presentation_field(name, rows) or _own_field(name))
        context = {"log": log, "presentation": None, "v": presentation_values(fmt, form), "problem": problem}
        return render(request, "presentation_form.html", context, status=exc.status)

    return await try_form(create, show_again)


def _own_field(name: str) -> str | None:
    """A form-level field the parser names itself (``dx-3-rank``)."""
    return name if name.startswith(("dx-", "ov-")) else None


def _saved(data: PresentationIn) -> str:
    return "presentation_submitted" if data.submit else "presentation_draft"


@routes.get("/record/presentations/{presentation_id}")
async def presentation_page(request: web.Request) -> web.StreamResponse:
    """A presentation: its content and differential, the preceptor's feedback, and what comes next."""
    actor = current_actor(request)
    page = await record_pages.presentation_page(request.app[UOW], actor, path_id(request, "presentation_id"))
    context = {"page": page, "problem": None, "feedback": {}, "feedback_labels": FEEDBACK_LABELS}
    return render(request, "presentation.html", context)


@routes.get("/record/presentations/{presentation_id}/edit")
async def edit_presentation(request: web.Request) -> web.StreamResponse:
    """The visitor's draft presentation in its form (``?format=`` switches the format)."""
    actor = current_actor(request)
    shown = await presentations.get_presentation(
        request.app[UOW](), actor, path_id(request, "presentation_id")
    )
    fmt = _format(request.query.get("format"), shown.format)
    context = {
        "log": None,
        "presentation": shown,
        "v": presentation_values(fmt, shown=shown),
        "problem": None,
    }
    return render(request, "presentation_form.html", context)


@routes.post("/record/presentations/{presentation_id}")
async def update_presentation(request: web.Request) -> web.StreamResponse:
    """Save the draft again, or submit it (its differential is then frozen)."""
    actor = current_actor(request)
    presentation_id = path_id(request, "presentation_id")
    form = await read_form(request)
    rows = Rows(items=[], row_of=[])
    fmt = _format(form.get("format"))

    async def save() -> web.StreamResponse:
        nonlocal rows
        rows = read_rows(form)
        data = _read_presentation(form, fmt, rows)
        await presentations.update_presentation(request.app[UOW](), actor, presentation_id, data)
        redirect(f"/record/presentations/{presentation_id}", _saved(data))

    async def show_again(exc: DomainError) -> web.StreamResponse:
        shown = await presentations.get_presentation(request.app[UOW](), actor, presentation_id)
        problem = problem_of(exc, form, lambda name: presentation_field(name, rows) or _own_field(name))
        context = {
            "log": None,
            "presentation": shown,
            "v": presentation_values(fmt, form),
            "problem": problem,
        }
        return render(request, "presentation_form.html", context, status=exc.status)

    return await try_form(save, show_again)


# --- the preceptor's answer -----------------------------------------------------------------------


@routes.post("/record/presentations/{presentation_id}/review")
async def review_presentation(request: web.Request) -> web.StreamResponse:
    """The preceptor's One-Minute-Preceptor feedback; the presentation becomes reviewed."""
    actor = current_actor(request)
    presentation_id = path_id(request, "presentation_id")
    form = await read_form(request)

    async def review() -> web.StreamResponse:
        data = parse_form(FeedbackIn, form, labels=FEEDBACK_LABELS)
        await presentations.review_presentation(request.app[UOW](), actor, presentation_id, data)
        redirect(f"/record/presentations/{presentation_id}", "feedback_saved")

    async def show_again(exc: DomainError) -> web.StreamResponse:
        page = await record_pages.presentation_page(request.app[UOW], actor, presentation_id)
        context = {
            "page": page,
            "problem": problem_of(exc, form, feedback_field),
            "feedback": {name: str(form.get(name, "")) for name in FEEDBACK_LABELS},
            "feedback_labels": FEEDBACK_LABELS,
        }
        return render(request, "presentation.html", context, status=exc.status)

    return await try_form(review, show_again)


def _override_rows(values: list[dict[str, Any]]) -> list[dict[str, Any]]:
    rows = [{"n": i, **v} for i, v in enumerate(values)]
    for _ in range(EXTRA_OVERRIDES):
        rows.append({"n": len(rows), "reference_code": "", "visitor_code": "", "match": ""})
    return rows


def _submitted_overrides(form: Any) -> list[dict[str, Any]]:
    numbers = sorted(
        {int(key.split("-")[1]) for key in form if key.startswith("ov-") and key.split("-")[1].isdigit()}
    )
    return [
        {
            "n": n,
            "reference_code": str(form.get(f"ov-{n}-reference_code", "")),
            "visitor_code": str(form.get(f"ov-{n}-visitor_code", "")),
            "match": str(form.get(f"ov-{n}-match", "")),
        }
        for n in numbers
    ]


@routes.get("/record/presentations/{presentation_id}/reference")
async def reference_form(request: web.Request) -> web.StreamResponse:
    """The preceptor's reference differential (the saved one, to change) and match overrides."""
    actor = current_actor(request)
    page = await record_pages.presentation_page(request.app[UOW], actor, path_id(request, "presentation_id"))
    shown = page.presentation
    saved = [
        {
            "reference_code": o.reference_code,
            "visitor_code": o.visitor_code,
            "match": "true" if o.match else "false",
        }
        for o in shown.overrides
    ]
    context = {
        "page": page,
        "rows": padded(item_rows(shown.reference or [])),
        "overrides": _override_rows(saved),
        "problem": None,
    }
    return render(request, "reference_form.html", context)


@routes.post("/record/presentations/{presentation_id}/reference")
async def save_reference(request: web.Request) -> web.StreamResponse:
    """Save the reference differential and overrides; the scores follow from them."""
    actor = current_actor(request)
    presentation_id = path_id(request, "presentation_id")
    form = await read_form(request)
    rows = Rows(items=[], row_of=[])
    override_rows: list[int] = []

    async def save() -> web.StreamResponse:
        nonlocal rows, override_rows
        rows = read_rows(form)
        overrides, override_rows = read_overrides(form)
        if not rows.items:
            raise Invalid("Name at least one diagnosis.", field="differential")
        data = ReferenceIn.model_validate({"items": rows.items, "overrides": overrides})
        await presentations.set_reference(request.app[UOW](), actor, presentation_id, data)
        redirect(f"/record/presentations/{presentation_id}/compare", "reference_saved")

    async def show_again(exc: DomainError) -> web.StreamResponse:
        page = await record_pages.presentation_page(request.app[UOW], actor, presentation_id)
        problem = problem_of(
            exc, form, lambda name: reference_field(name, rows, override_rows) or _own_field(name)
        )
        context = {
            "page": page,
            "rows": padded(form_rows(form)),
            "overrides": _submitted_overrides(form),
            "problem": problem,
        }
        return render(request, "reference_form.html", context, status=exc.status)

    return await try_form(save, show_again)


@routes.get("/record/presentations/{presentation_id}/compare")
async def compare(request: web.Request) -> web.StreamResponse:
    """The visitor's differential next to the preceptor's reference, with the scores."""
    actor = current_actor(request)
    page = await record_pages.presentation_page(request.app[UOW], actor, path_id(request, "presentation_id"))
    return render(request, "compare.html", {"page": page})
