"""The JSON API's plumbing: a route registry that validates requests with the pydantic types in
:mod:`server.schemas`, serialises responses with them, and builds the OpenAPI document from the
very same types."""

from __future__ import annotations

import json
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web
from pydantic import BaseModel, TypeAdapter, ValidationError

from server.domain.actors import Actor
from server.domain.errors import (
    BadRequest,
    Invalid,
    NotFound,
    PayloadTooLarge,
    Unauthorized,
    UnsupportedMediaType,
)
from server.schemas.base import MAX_ID, ErrorOut
from server.web.ids import record_id
from server.web.keys import ACTOR

API_PREFIX = "/api/v1"
MAX_JSON_BYTES = 256 * 1024
_PATH_PARAM = re.compile(r"\{(\w+)\}")
# Path parameters named ``*_id`` are record ids (integers); any other is text of at most this length.
MAX_TEXT_PARAM = 40


@dataclass
class ApiCall:
    """What a handler receives: the request, the caller, and the validated inputs."""

    request: web.Request
    actor_or_none: Actor | None
    body: Any = None
    query: Any = None
    path: dict[str, int] = field(default_factory=dict)
    # Path parameters that are not record ids (their name does not end in "_id"): e.g. a code.
    path_text: dict[str, str] = field(default_factory=dict)

    @property
    def actor(self) -> Actor:
        if self.actor_or_none is None:
            raise Unauthorized("Log in first.")
        return self.actor_or_none


Handler = Callable[[ApiCall], Awaitable[Any]]


@dataclass
class Operation:
    method: str
    path: str
    handler: Handler
    summary: str
    tag: str
    body: type[BaseModel] | None
    query: type[BaseModel] | None
    response: Any
    status: int
    login_required: bool
    multipart: dict[str, Any] | None
    raw_response: dict[str, Any] | None
    errors: tuple[int, ...]


def describe_validation_error(exc: ValidationError) -> Invalid | BadRequest:
    """Turn pydantic's report into one sentence naming the field and what to fix."""
    first = exc.errors(include_url=False)[0]
    if first["type"] == "json_invalid":
        return BadRequest(f"The body is not valid JSON: {first['msg']}.")
    location = ".".join(str(part) for part in first["loc"])
    if first["type"] == "missing":
        return Invalid(f"'{location}' is required.", field=location or None)
    if first["type"] == "extra_forbidden":
        return Invalid(f"'{location}' is not a field this request accepts.", field=location)
    message = first["msg"]
    if location:
        return Invalid(f"'{location}': {message}.", field=location)
    return Invalid(f"{message}.")


async def read_json(request: web.Request, model: type[BaseModel]) -> BaseModel:
    content_type = request.content_type
    if content_type != "application/json":
        raise UnsupportedMediaType("Send the body as JSON with Content-Type: application/json.")
    if request.content_length is not None and request.content_length > MAX_JSON_BYTES:
        raise PayloadTooLarge(f"The body is larger than {MAX_JSON_BYTES // 1024} KB.")
    raw = await request.content.read(MAX_JSON_BYTES + 1)
    if len(raw) > MAX_JSON_BYTES:
        raise PayloadTooLarge(f"The body is larger than {MAX_JSON_BYTES // 1024} KB.")
    if not raw.strip():
        raise BadRequest("The body is empty; send a JSON object.")
    try:
        return model.model_validate_json(raw)
    except ValidationError as exc:
        raise describe_validation_error(exc) from None


def read_query(request: web.Request, model: type[BaseModel]) -> BaseModel:
    values: dict[str, str] = {}
    for key in request.query:
        items = request.query.getall(key)
        if len(items) > 1:
            raise Invalid(f"Give '{key}' once only.", field=key)
        if items[0] != "":
            values[key] = items[0]
    try:
        return model.model_validate(values)
    except ValidationError as exc:
        raise describe_validation_error(exc) from None


class ApiRegistry:
    """Collects the API's operations; adds them to an app and describes them in OpenAPI."""

    def __init__(self) -> None:
        self.operations: list[Operation] = []

    def route(
        self,
        method: str,
        path: str,
        *,
        summary: str,
        tag: str,
        body: type[BaseModel] | None = None,
        query: type[BaseModel] | None = None,
        response: Any = None,
        status: int = 200,
        login_required: bool = True,
        multipart: dict[str, Any] | None = None,
        raw_response: dict[str, Any] | None = None,
        errors: tuple[int, ...] = (),
    ) -> Callable[[Handler], Handler]:
        def register(handler: Handler) -> Handler:
            self.operations.append(
                Operation(
                    method.upper(),
                    path,
                    handler,
                    summary,
                    tag,
                    body,
                    query,
                    response,
                    status,
                    login_required,
                    multipart,
                    raw_response,
                    errors,
                )
            )
            return handler

        return register

    def add_routes(self, app: web.Application) -> None:
        for op in self.operations:
            app.router.add_route(op.method, API_PREFIX + op.path, _make_view(op))


def _make_view(op: Operation) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
    adapter = TypeAdapter(op.response) if op.response is not None else None
    names = _PATH_PARAM.findall(op.path)

    async def view(request: web.Request) -> web.StreamResponse:
        actor: Actor | None = request.get(ACTOR)
        if op.login_required and actor is None:
            raise Unauthorized("Log in first: this needs an account.")
        path: dict[str, int] = {}
        path_text: dict[str, str] = {}
        for name in names:
            raw = request.match_info[name]
            if not name.endswith("_id"):
                if len(raw) > MAX_TEXT_PARAM:
                    raise NotFound(f"There is no {name} {raw[:40]!r}.")
                path_text[name] = raw
                continue
            value = record_id(raw)
            if value is None:
                raise NotFound(f"There is no {name.removesuffix('_id')} {raw[:40]!r}.")
            path[name] = value
        call = ApiCall(request=request, actor_or_none=actor, path=path, path_text=path_text)
        if op.query is not None:
            call.query = read_query(request, op.query)
        if op.body is not None:
            call.body = await read_json(request, op.body)
        result = await op.handler(call)
        if isinstance(result, web.StreamResponse):
            return result
        if adapter is None:
            return web.Response(status=op.status)
        return web.Response(
            status=op.status,
            body=adapter.dump_json(result),
            content_type="application/json",
        )

    view.__name__ = op.handler.__name__
    return view


# --- OpenAPI --------------------------------------------------------------------------------------
_ERROR_TEXT = {
    400: "The request could not be read.",
    401: "Not logged in.",
    403: "Your role may not do this, or the CSRF token is missing.",
    404: "No such record (or not one you may see).",
    409: "The record's state does not allow this.",
    413: "The body is too large.",
    415: "Wrong content type.",
    422: "A value is not acceptable.",
    429: "Too many attempts; wait and retry.",
    503: "A backing service is briefly unavailable (retry), or storage is read-only (storage_read_only).",
    507: "The server's disk is full: nothing was saved.",
}


def _schema(tp: Any, mode: str, components: dict[str, Any]) -> dict[str, Any]:
    schema = TypeAdapter(tp).json_schema(
        ref_template="#/components/schemas/{model}",
        mode=mode,  # type: ignore[arg-type]
    )
    for name, definition in schema.pop("$defs", {}).items():
        components.setdefault(name, definition)
    return schema


def _named_schema(tp: Any, mode: str, components: dict[str, Any]) -> dict[str, Any]:
    """Like :func:`_schema`, but a model becomes a named component and the result a ``$ref`` to it,
    so clients and generators see ``ProgramIn`` rather than an anonymous object."""
    schema = _schema(tp, mode, components)
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        components.setdefault(tp.__name__, schema)
        return {"$ref": f"#/components/schemas/{tp.__name__}"}
    return schema


def openapi_document(registry: ApiRegistry) -> dict[str, Any]:
    """The OpenAPI 3.1 description of every registered operation."""
    components: dict[str, Any] = {}
    error_ref = _schema(ErrorOut, "serialization", components)
    if "title" in error_ref:
        components.setdefault("ErrorOut", error_ref)
        error_ref = {"$ref": "#/components/schemas/ErrorOut"}
    paths: dict[str, Any] = {}
    for op in registry.operations:
        operation: dict[str, Any] = {
            "summary": op.summary,
            "tags": [op.tag],
            "operationId": op.handler.__name__,
            "parameters": [],
            "responses": {},
        }
        for name in _PATH_PARAM.findall(op.path):
            operation["parameters"].append(
                {
                    "name": name,
                    "in": "path",
                    "required": True,
                    "schema": {"type": "integer", "minimum": 0, "maximum": MAX_ID}
                    if name.endswith("_id")
                    else {"type": "string", "minLength": 1, "maxLength": MAX_TEXT_PARAM},
                }
            )
        if op.query is not None:
            query_schema = _schema(op.query, "validation", components)
            for name, prop in query_schema.get("properties", {}).items():
                operation["parameters"].append(
                    {
                        "name": name,
                        "in": "query",
                        "required": name in query_schema.get("required", []),
                        "schema": prop,
                    }
                )
        if op.method in {"POST", "PUT", "PATCH", "DELETE"}:
            operation["parameters"].append(
                {
                    "name": "X-CSRF-Token",
                    "in": "header",
                    "required": True,
                    "description": "The csrf_token from GET /api/v1/auth/session.",
                    "schema": {"type": "string"},
                }
            )
        if op.body is not None:
            operation["requestBody"] = {
                "required": True,
                "content": {"application/json": {"schema": _named_schema(op.body, "validation", components)}},
            }
        elif op.multipart is not None:
            operation["requestBody"] = {
                "required": True,
                "content": {"multipart/form-data": {"schema": op.multipart}},
            }
        if op.raw_response is not None:
            operation["responses"][str(op.status)] = op.raw_response
        elif op.response is not None:
            operation["responses"][str(op.status)] = {
                "description": "OK",
                "content": {
                    "application/json": {"schema": _named_schema(op.response, "serialization", components)}
                },
            }
        else:
            operation["responses"][str(op.status)] = {"description": "Done"}
        codes = {400, 422, 413, 415, 503, *op.errors}
        if op.method in {"POST", "PUT", "PATCH", "DELETE"}:
            codes.add(403)  # the CSRF check refuses a missing or stale X-CSRF-Token
            codes.add(507)  # a write to a full disk (the database's, or the documents')
        if op.login_required:
            codes |= {401, 403}
            operation["security"] = [{"loginCookie": []}]
        if _PATH_PARAM.search(op.path):
            codes.add(404)
        for code in sorted(codes):
            operation["responses"][str(code)] = {
                "description": _ERROR_TEXT.get(code, "Error"),
                "content": {"application/json": {"schema": error_ref}},
            }
        paths.setdefault(API_PREFIX + op.path, {})[op.method.lower()] = operation
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Rounds API",
            "version": "1",
            "description": (
                "Virtual clinical rotations. Log in with POST /auth/login (the login cookie is "
                "HttpOnly); send the csrf_token from GET /auth/session as X-CSRF-Token on every "
                'POST, PUT, PATCH and DELETE. Errors are {"error": {"code", "message", "field"}}.'
            ),
        },
        "servers": [{"url": "/"}],
        "paths": paths,
        "components": {
            "schemas": components,
            "securitySchemes": {"loginCookie": {"type": "apiKey", "in": "cookie", "name": "rounds_login"}},
        },
    }


def openapi_json(registry: ApiRegistry) -> str:
    return json.dumps(openapi_document(registry), indent=1, sort_keys=False)
