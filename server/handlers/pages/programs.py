"""The program catalog, one program's page, and applying to it."""

from __future__ import annotations

from typing import Any

import aiohttp_jinja2
from aiohttp import web

from server.domain.errors import DomainError, Forbidden, Invalid, Unauthorized
from server.handlers.pages.forms import current_actor, parse_form, path_id, read_form, redirect, try_form
from server.schemas.applications import ApplicationIn
from server.schemas.programs import ProgramQuery
from server.services import applications, programs, programs_pages
from server.web.keys import ACTOR, UOW

routes = web.RouteTableDef()

FILTER_LABELS = {
    "q": "Search",
    "starts_from": "Blocks starting on or after",
    "profession": "Profession",
    "specialty": "Specialty",
    "rotation_type": "Rotation type",
    "modality": "Modality",
    "eligible": "Only programs I am eligible for",
}
APPLY_LABELS = {"block_ids": "Blocks", "statement": "Personal statement"}


@routes.get("/programs")
async def catalog(request: web.Request) -> web.StreamResponse:
    """Every published program, filtered by the GET form at the top of the page. A filter that cannot
    be read (a malformed date, an unknown profession) is said above the form, which keeps what was
    typed, with no results."""
    values = {key: request.query.get(key) for key in ProgramQuery.model_fields}
    factory = request.app[UOW]
    context: dict[str, Any] = {"values": values, "error": None, "error_field": None}
    context["today"] = factory.clock().date()
    try:
        query = parse_form(ProgramQuery, request.query, labels=FILTER_LABELS)
        found = await programs_pages.catalog(factory, request.get(ACTOR), query)
    except Invalid as exc:
        specialties = await programs_pages.specialties(factory)
        context.update(programs=[], specialties={s: s for s in specialties})
        context.update(error=exc.message, error_field=exc.field)
        return aiohttp_jinja2.render_template("programs.html", request, context, status=exc.status)
    context.update(programs=found.programs, specialties={s: s for s in found.specialties})
    return aiohttp_jinja2.render_template("programs.html", request, context)


@routes.get("/programs/{program_id}")
@aiohttp_jinja2.template("program.html")
async def program_page(request: web.Request) -> dict[str, Any]:
    """A program: blocks, preceptors, eligibility (for a visitor) and the application form."""
    program = await programs.get_program(
        request.app[UOW](), request.get(ACTOR), path_id(request, "program_id")
    )
    today = request.app[UOW].clock().date()
    return {"program": program, "error": None, "chosen": [], "statement": "", "today": today}


@routes.post("/programs/{program_id}/apply")
async def apply(request: web.Request) -> web.StreamResponse:
    """Submit an application (or save it as a draft); a refusal shows the form again with why."""
    actor = current_actor(request)
    program_id = path_id(request, "program_id")
    form = await read_form(request)
    chosen = form.getall("block_ids", [])
    statement = str(form.get("statement", ""))

    async def submit() -> web.StreamResponse:
        if not chosen:
            raise Invalid("Choose at least one block.", field="block_ids")
        data = parse_form(
            ApplicationIn,
            form,
            labels=APPLY_LABELS,
            fixed={"program_id": program_id, "submit": form.get("intent") != "draft"},
        )
        created = await applications.create_application(request.app[UOW](), actor, data)
        redirect(f"/applications/{created.id}", "applied" if data.submit else "draft_saved")

    async def show_again(exc: DomainError) -> web.StreamResponse:
        program = await programs.get_program(request.app[UOW](), actor, program_id)
        return aiohttp_jinja2.render_template(
            "program.html",
            request,
            {
                "program": program,
                "error": exc.message,
                "chosen": chosen,
                "statement": statement,
                "today": request.app[UOW].clock().date(),
            },
            status=exc.status,
        )

    # Only login and role refusals go to the error page; anything else (an unknown block too) is
    # said on the program's page, next to the form.
    return await try_form(submit, show_again, passes=(Unauthorized, Forbidden))
