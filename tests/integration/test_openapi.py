"""The served OpenAPI document: valid OpenAPI 3, complete (every API route is in it and nothing
else), every JSON body and response named by a schema, and the error responses documented —
including the ones the running app actually sends."""

from __future__ import annotations

from typing import Any

from aiohttp.test_utils import TestClient
from openapi_spec_validator import validate

from server.web.api import API_PREFIX
from tests.support.client import Api
from tests.support.world import World

OPENAPI = API_PREFIX + "/openapi.json"
METHODS = {"get", "put", "post", "delete", "patch", "head", "options", "trace"}


async def _document(client: TestClient[Any, Any]) -> dict[str, Any]:
    response = await client.get(OPENAPI)
    assert response.status == 200
    assert response.content_type == "application/json"
    document: dict[str, Any] = await response.json()
    return document


def _operations(document: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (method, path, operation)
        for path, item in document["paths"].items()
        for method, operation in item.items()
        if method in METHODS
    ]


def _resolve(document: dict[str, Any], ref: str) -> dict[str, Any]:
    assert ref.startswith("#/components/schemas/"), ref
    name = ref.removeprefix("#/components/schemas/")
    schemas = document["components"]["schemas"]
    assert name in schemas, f"{ref} points at no schema"
    schema: dict[str, Any] = schemas[name]
    return schema


def _named(document: dict[str, Any], schema: dict[str, Any], where: str) -> None:
    """The schema is a $ref to a component, or an array of them; the target exists."""
    if schema.get("type") == "array":
        schema = schema["items"]
    assert "$ref" in schema, f"{where}: the schema is inline, not a named component: {schema}"
    assert _resolve(document, schema["$ref"]), where


async def test_the_document_is_valid_openapi_3(client: TestClient[Any, Any]) -> None:
    document = await _document(client)
    assert document["openapi"].startswith("3.")
    validate(document)  # raises OpenAPIValidationError, naming what is wrong
    operation_ids = [operation["operationId"] for _, _, operation in _operations(document)]
    assert len(operation_ids) == len(set(operation_ids)), "operationIds must be unique"


async def test_every_api_route_is_described_and_nothing_else(client: TestClient[Any, Any]) -> None:
    document = await _document(client)
    routes = set()
    for route in client.app.router.routes():
        info = route.resource.get_info() if route.resource is not None else {}
        path = info.get("path") or info.get("formatter") or ""
        if not path.startswith(API_PREFIX + "/") or route.method == "HEAD":
            continue  # HEAD is added by aiohttp next to each GET
        if path == OPENAPI:
            continue  # the document does not describe itself
        routes.add((route.method.lower(), path))
    described = {(method, path) for method, path, _ in _operations(document)}
    assert routes, "no API routes found: is the app factory still registering them?"
    assert not routes - described, f"routes missing from the OpenAPI document: {sorted(routes - described)}"
    assert not described - routes, f"described but not served: {sorted(described - routes)}"


async def test_bodies_and_responses_reference_schemas(client: TestClient[Any, Any]) -> None:
    document = await _document(client)
    for method, path, operation in _operations(document):
        where = f"{method.upper()} {path}"
        assert operation.get("summary"), f"{where} has no summary"
        body = operation.get("requestBody")
        if body is not None:
            content = body["content"]
            assert content, f"{where}: requestBody without content"
            if "application/json" in content:
                _named(document, content["application/json"]["schema"], f"{where} request body")
            for media, spec in content.items():
                assert spec.get("schema"), f"{where}: {media} request body has no schema"
        if method in {"post", "put", "patch"}:
            takes_input = body is not None or any(p["in"] == "query" for p in operation["parameters"])
            assert takes_input or path.endswith("/logout"), f"{where} takes no input"
        successes = {code: r for code, r in operation["responses"].items() if code.startswith("2")}
        assert len(successes) == 1, f"{where} should document exactly one success: {sorted(successes)}"
        for code, response in successes.items():
            for media, spec in response.get("content", {}).items():
                if media == "application/json":
                    _named(document, spec["schema"], f"{where} {code} response")
                else:
                    assert spec.get("schema"), f"{where} {code} {media} response has no schema"


async def test_error_responses_are_documented(client: TestClient[Any, Any]) -> None:
    document = await _document(client)
    error_schema = _resolve(document, "#/components/schemas/ErrorOut")
    assert "error" in error_schema["properties"]
    for method, path, operation in _operations(document):
        where = f"{method.upper()} {path}"
        responses = operation["responses"]
        errors = {code for code in responses if code[0] in "45"}
        required = {"400", "422"}
        if "{" in path:
            required.add("404")
        if operation.get("security"):
            required |= {"401", "403"}
        if method in {"post", "put", "patch", "delete"}:
            required.add("403")  # CSRF
        assert required <= errors, f"{where} does not document {sorted(required - errors)}"
        for code in errors:
            schema = responses[code]["content"]["application/json"]["schema"]
            assert schema == {"$ref": "#/components/schemas/ErrorOut"}, f"{where} {code}: {schema}"
            assert responses[code].get("description"), f"{where} {code} has no description"


async def test_the_errors_the_app_sends_are_the_documented_ones(world: World, make_api: Any) -> None:
    """Every operation, called anonymously without a CSRF token and then as a logged-in visitor
    with an empty JSON body, answers with a status its description lists (or succeeds)."""
    anonymous: Api = await make_api()
    document = await anonymous.get("/openapi.json")
    visitor: Api = await make_api(world.student.email)
    undocumented = []
    for method, path, operation in _operations(document):
        concrete = path.removeprefix(API_PREFIX).replace("{", "").replace("}", "")
        concrete = "/".join("999" if part.endswith("_id") else part for part in concrete.split("/"))
        if concrete == "/auth/logout":
            continue  # would end the visitor's login used below
        documented = set(operation["responses"])
        for who, api, headers in (
            ("anonymous", anonymous, {"X-CSRF-Token": "stale"}),
            ("visitor", visitor, {}),
        ):
            kwargs: dict[str, Any] = {"headers": headers}
            if "requestBody" in operation and "application/json" in operation["requestBody"]["content"]:
                kwargs["json"] = {}
            status, body = await api.call(method.upper(), concrete, **kwargs)
            if str(status) not in documented:
                undocumented.append(f"{who} {method.upper()} {concrete} -> {status} {body!r:.120}")
            if status >= 400:
                assert isinstance(body, dict) and set(body["error"]) >= {"code", "message"}, body
    assert not undocumented, "responses the OpenAPI document does not list:\n" + "\n".join(undocumented)
