"""The form plumbing every page handler uses: who is asking, reading forms into the API's pydantic
types, rendering a page with its notice, Post/Redirect/Get, and :func:`try_form`, which shows a
refused form again with the problems next to its fields and everything typed kept."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, NoReturn, TypeVar, get_origin
from urllib.parse import quote, urlencode

import aiohttp_jinja2
from aiohttp import web
from multidict import MultiDictProxy
from pydantic import BaseModel, ValidationError

from server.domain.actors import Actor
from server.domain.errors import DomainError, Forbidden, Invalid, NotFound, Unauthorized
from server.domain.phi import PhiFound, describe_hits
from server.handlers.pages.view import NOTICES
from server.web.api import describe_validation_error
from server.web.bodies import read_post
from server.web.ids import record_id
from server.web.keys import ACTOR

Model = TypeVar("Model", bound=BaseModel)
FormValues = MultiDictProxy[Any]
# Refusals a form is not shown again for: the error page says them better (log in, not yours, gone).
PASS_THROUGH: tuple[type[DomainError], ...] = (Unauthorized, Forbidden, NotFound)


def current_actor(request: web.Request) -> Actor:
    """The logged-in person. A page asked for anonymously sends the browser to the login form."""
    actor: Actor | None = request.get(ACTOR)
    if actor is not None:
        return actor
    if request.method == "GET":
        raise web.HTTPSeeOther("/login?next=" + quote(request.path_qs, safe=""))
    raise Unauthorized("Log in first: your login may have expired.")


def path_id(request: web.Request, name: str) -> int:
    """A numeric id from the URL; anything else is a 404 like an unknown id."""
    raw = request.match_info[name]
    value = record_id(raw)
    if value is None:
        raise NotFound(f"There is no {name.removesuffix('_id')} {raw[:40]!r}.")
    return value


def _is_list(model: type[BaseModel], name: str) -> bool:
    return get_origin(model.model_fields[name].annotation) is list


def _is_bool(model: type[BaseModel], name: str) -> bool:
    return model.model_fields[name].annotation is bool


def parse_form(
    model: type[Model],
    values: Mapping[str, Any],
    *,
    labels: Mapping[str, str] | None = None,
    fixed: Mapping[str, Any] | None = None,
) -> Model:
    """Validate form (or query) ``values`` with ``model``, the type the JSON API uses.

    HTML forms speak strings: an empty optional field is None, an absent checkbox is False, a
    repeated field is a list. ``fixed`` values (from the URL) are not read from the form. A
    validation error becomes an :class:`Invalid` (422) that names the field by its ``labels``.
    """
    getall = getattr(values, "getall", None)
    data: dict[str, Any] = dict(fixed or {})
    for name, info in model.model_fields.items():
        if name in data:
            continue
        if _is_bool(model, name):
            data[name] = values.get(name, False)  # an unticked checkbox is not sent at all
            continue
        if name not in values:
            continue
        if _is_list(model, name):
            items = getall(name) if getall else [values[name]]
            data[name] = [item for item in items if isinstance(item, str) and item.strip()]
            continue
        value = values[name]
        if isinstance(value, str) and not value.strip():
            if info.default is None and not info.is_required():
                data[name] = None
            continue
        data[name] = value
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        error = describe_validation_error(exc)
        label = (labels or {}).get(error.field or "")
        if label and error.field:
            error.message = error.message.replace(f"'{error.field}'", label)
            error.args = (error.message,)
        raise error from None


async def read_form(request: web.Request) -> FormValues:
    """The submitted form (already read once by the CSRF check; aiohttp keeps it). A body cut short
    or malformed is a 400 that says so (see :func:`server.web.bodies.read_post`)."""
    return await read_post(request)


def redirect(location: str, notice: str | None = None, anchor: str = "") -> NoReturn:
    """Post/Redirect/Get: send the browser to ``location`` with a notice key it will show once."""
    if notice:
        location += ("&" if "?" in location else "?") + urlencode({"notice": notice})
    raise web.HTTPSeeOther(location + (f"#{anchor}" if anchor else ""))


# --- rendering -----------------------------------------------------------------------------------


def field_id(name: str) -> str:
    """The HTML id of the input named ``name`` (``content.hpi`` -> ``f-content-hpi``)."""
    return "f-" + re.sub(r"[^A-Za-z0-9_-]", "-", name)


def render(
    request: web.Request,
    template: str,
    context: Mapping[str, Any],
    *,
    status: int = 200,
    notices: Sequence[Mapping[str, str]] = (),
) -> web.Response:
    """A page: its ``context`` plus ids for fields and the notice the last form left in the URL, looked
    up in the feature's ``notices`` tables in order, then in the site's."""
    key = request.query.get("notice", "")
    notice = next((table[key] for table in (*notices, NOTICES) if key in table), None)
    extra = {"field_id": field_id, "notice": notice}
    return aiohttp_jinja2.render_template(template, request, {**extra, **context}, status=status)


# --- problems shown on a form -------------------------------------------------------------------


@dataclass
class Problem:
    """Why a form was refused: one summary, and messages per form field (by input name)."""

    summary: str
    fields: dict[str, list[str]] = field(default_factory=dict)

    def messages(self, name: str) -> list[str]:
        """The messages for one input (none when it is fine)."""
        return self.fields.get(name, [])


def problem_of(
    exc: DomainError, values: Mapping[str, Any], form_name: Callable[[str], str | None]
) -> Problem:
    """The refusal as messages next to the fields: ``form_name`` maps the service's field name
    (``differential[2].next_test``) to the form's input name. A PHI hit quotes the offending span and
    says why; the text around it stays in the form, unquoted."""
    if isinstance(exc, PhiFound):
        problem = Problem(
            "This looks like it contains patient identifiers (HIPAA Safe Harbor). Nothing was saved: "
            "remove them and submit again."
        )
        for service_name, hits in exc.hits.items():
            name = form_name(service_name) or service_name
            text = str(values.get(name, "")).strip()
            problem.fields.setdefault(name, []).append(
                describe_hits(text, hits) if text else "contains patient identifiers"
            )
        return problem
    target = form_name(exc.field) if exc.field else None
    if target is None:
        return Problem(exc.message)
    return Problem("Nothing was saved: correct the field marked below.", {target: [exc.message]})


def invalid_of(exc: ValidationError) -> Invalid:
    """pydantic's report as the refusal a person reads: an Invalid naming the field."""
    error = describe_validation_error(exc)
    return error if isinstance(error, Invalid) else Invalid(error.message)


def validated(build: Callable[[], Model]) -> Model:
    """Run ``build`` (a pydantic model_validate); a ValidationError becomes an Invalid naming the field."""
    try:
        return build()
    except ValidationError as exc:
        raise invalid_of(exc) from None


def whole_number(values: Mapping[str, Any], name: str, label: str) -> int:
    """A required whole number from a form field; Invalid naming the field otherwise."""
    raw = str(values.get(name, "")).strip()
    if not raw.isascii() or not raw.isdigit() or len(raw) > 6:
        raise Invalid(f"{label}: enter a whole number.", field=name)
    return int(raw)


# --- trying a submitted form ---------------------------------------------------------------------


async def try_form(
    attempt: Callable[[], Awaitable[web.StreamResponse]],
    show_again: Callable[[DomainError], Awaitable[web.StreamResponse]],
    *,
    passes: tuple[type[DomainError], ...] = PASS_THROUGH,
) -> web.StreamResponse:
    """Run ``attempt`` (read the form, call the service, redirect). When the form or the service refuses
    (a DomainError, or a pydantic ValidationError as an Invalid), answer with ``show_again(error)``:
    the same page with the problems and everything typed kept, with the error's status. The refusals
    in ``passes`` go on to the error page instead."""
    try:
        return await attempt()
    except passes:
        raise
    except ValidationError as exc:
        return await show_again(invalid_of(exc))
    except DomainError as exc:
        return await show_again(exc)
