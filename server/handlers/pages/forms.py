"""Shared plumbing of the HTML pages: who is asking, reading forms into the API's pydantic types,
and Post/Redirect/Get with a short notice."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NoReturn, TypeVar, get_origin
from urllib.parse import quote, urlencode

from aiohttp import web
from multidict import MultiDictProxy
from pydantic import BaseModel, ValidationError

from server.domain.actors import Actor
from server.domain.errors import NotFound, Unauthorized
from server.web.api import describe_validation_error
from server.web.keys import ACTOR

Model = TypeVar("Model", bound=BaseModel)
FormValues = MultiDictProxy[Any]


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
    if not raw.isdigit() or len(raw) > 18:
        raise NotFound(f"There is no {name.removesuffix('_id')} {raw[:40]!r}.")
    return int(raw)


def local_path(value: object, default: str) -> str:
    """``value`` if it is a path on this site (never another host), else ``default``."""
    if isinstance(value, str) and value.startswith("/") and not value.startswith(("//", "/\\")):
        return value
    return default


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
    """The submitted urlencoded form (already read once by the CSRF check; aiohttp caches it)."""
    return await request.post()


def redirect(location: str, notice: str | None = None, anchor: str = "") -> NoReturn:
    """Post/Redirect/Get: send the browser to ``location`` with a notice key it will show once."""
    if notice:
        location += ("&" if "?" in location else "?") + urlencode({"notice": notice})
    raise web.HTTPSeeOther(location + (f"#{anchor}" if anchor else ""))
