"""Bad input: every request a user can send gets a 4xx JSON error that says what to fix, never a
500, and a refused request leaves nothing half-written."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from server.db.uow import UnitOfWorkFactory
from server.web.api import MAX_JSON_BYTES
from tests.integration.api_helpers import act, apply, snapshot
from tests.support.client import RAW_MULTIPART, Api, raw_multipart
from tests.support.world import PDF, World


async def send(
    api: Api,
    method: str,
    path: str,
    raw: bytes | None = None,
    *,
    content_type: str | None = "application/json",
    **kwargs: Any,
) -> tuple[int, Any]:
    headers = {"X-CSRF-Token": api.csrf}
    if content_type is not None:
        headers["Content-Type"] = content_type
    response = await api.client.request(method, "/api/v1" + path, data=raw, headers=headers, **kwargs)
    assert response.content_type == "application/json", (method, path, response.status, await response.text())
    return response.status, await response.json()


def check_error(status: int, body: Any, expected: int, field: str | None = None) -> None:
    assert status == expected, (status, body)
    assert set(body) == {"error"}, body
    assert body["error"]["code"] and body["error"]["message"], body
    if field is not None:
        assert body["error"].get("field") == field, body


async def test_malformed_json_is_a_400_saying_so(
    world: World, make_api: Any, uows: UnitOfWorkFactory
) -> None:
    visitor = await make_api(world.student.email)
    before = await snapshot(uows)
    for raw in [
        b"{",
        b'{"program_id": }',
        b"not json",
        b'{"statement": "\xff\xfe"}',
        b'{"a": "\\ud800"}',
        b"{'program_id': 1}",
        b"[" * 10_000,
        b"   ",
        b"",
        b"[" * 5000 + b"]" * 5000,
        b'{"program_id": 1' + b"0" * 5000 + b', "block_ids": [1]}',
    ]:
        status, body = await send(visitor, "POST", "/applications", raw)
        check_error(status, body, 400)
        assert "JSON" in body["error"]["message"], (raw[:20], body)
    assert await snapshot(uows) == before


async def test_json_that_is_not_an_object_is_a_422(world: World, make_api: Any) -> None:
    visitor = await make_api(world.student.email)
    for raw in [b"[]", b'"apply"', b"42", b"null", b"true"]:
        status, body = await send(visitor, "POST", "/applications", raw)
        check_error(status, body, 422)


async def test_wrong_types_missing_and_unknown_fields_name_the_field(
    world: World, make_api: Any, uows: UnitOfWorkFactory
) -> None:
    visitor = await make_api(world.student.email)
    coordinator = await make_api(world.coordinator.email)
    good = {"program_id": world.program_id, "block_ids": world.block_ids[:1]}
    app = await apply(visitor, world.program_id, world.block_ids[:1], submit=False)
    before = await snapshot(uows)
    cases: list[tuple[Api, str, str, Any, str]] = [
        (visitor, "POST", "/applications", {**good, "program_id": "one"}, "program_id"),
        (visitor, "POST", "/applications", {**good, "program_id": 1.5}, "program_id"),
        (visitor, "POST", "/applications", {**good, "program_id": None}, "program_id"),
        (visitor, "POST", "/applications", {**good, "program_id": 1e400}, "program_id"),
        (visitor, "POST", "/applications", {**good, "program_id": float("nan")}, "program_id"),
        (visitor, "POST", "/applications", {"block_ids": [1]}, "program_id"),
        (visitor, "POST", "/applications", {"program_id": 1}, "block_ids"),
        (visitor, "POST", "/applications", {**good, "block_ids": "1,2"}, "block_ids"),
        (visitor, "POST", "/applications", {**good, "block_ids": ["a"]}, "block_ids.0"),
        (visitor, "POST", "/applications", {**good, "block_ids": list(range(1, 8))}, "block_ids"),
        (visitor, "POST", "/applications", {**good, "submit": "later"}, "submit"),
        (visitor, "POST", "/applications", {**good, "statement": ["x"]}, "statement"),
        (visitor, "POST", "/applications", {**good, "visitor_id": world.graduate.user_id}, "visitor_id"),
        (visitor, "POST", "/applications", {**good, "state": "enrolled"}, "state"),
        (visitor, "POST", f"/applications/{app['id']}/actions", {}, "action"),
        (visitor, "POST", f"/applications/{app['id']}/actions", {"action": "teleport"}, "action"),
        (visitor, "POST", f"/applications/{app['id']}/actions", {"action": "SUBMIT"}, "action"),
        (visitor, "POST", f"/applications/{app['id']}/actions", {"action": "submit", "to": "x"}, "to"),
        (visitor, "PUT", "/me/visitor-profile", {"training_status": 1}, "training_status"),
        (visitor, "POST", "/auth/login", {"email": "student@example.org"}, "password"),
        (visitor, "POST", "/auth/login", {"email": "no-at-sign", "password": "x"}, "email"),
        (
            coordinator,
            "POST",
            f"/programs/{world.program_id}/blocks",
            {"start_date": "2027-02-30", "capacity": 1},
            "start_date",
        ),
        (
            coordinator,
            "POST",
            f"/programs/{world.program_id}/blocks",
            {"start_date": 20270301, "capacity": 1},
            "start_date",
        ),
        (coordinator, "PUT", f"/blocks/{world.block_ids[0]}/capacity", {"capacity": "2"}, ""),
        (coordinator, "PUT", f"/blocks/{world.block_ids[0]}/capacity", {"capacity": 2.5}, "capacity"),
    ]
    for api, method, path, body, field in cases:
        status, out = await api.call(method, path, json=body)
        if field == "":  # "2" for an int: pydantic's lax mode may take it; either way never a 500
            assert status in {200, 422}, out
            continue
        check_error(status, out, 422, field)
        assert field.split(".")[0] in out["error"]["message"], out
    after = await snapshot(uows)
    assert after == before


async def test_oversized_bodies_are_a_413(world: World, make_api: Any, uows: UnitOfWorkFactory) -> None:
    visitor = await make_api(world.student.email)
    before = await snapshot(uows)
    big = b'{"program_id": 1, "block_ids": [1], "statement": "' + b"x" * MAX_JSON_BYTES + b'"}'
    status, body = await send(visitor, "POST", "/applications", big)
    check_error(status, body, 413)

    async def chunks() -> AsyncIterator[bytes]:  # no Content-Length: the limit still holds
        yield big[: len(big) // 2]
        yield big[len(big) // 2 :]

    status, body = await send(visitor, "POST", "/applications", chunks())  # type: ignore[arg-type]
    check_error(status, body, 413)
    status, body = await send(visitor, "PUT", "/me/visitor-profile", b" " * (5 * 1024 * 1024) + b"{}")
    check_error(status, body, 413)
    assert await snapshot(uows) == before


async def test_wrong_content_type_is_a_415(world: World, make_api: Any, uows: UnitOfWorkFactory) -> None:
    visitor = await make_api(world.student.email)
    before = await snapshot(uows)
    good = b'{"program_id": %d, "block_ids": [%d]}' % (world.program_id, world.block_ids[0])
    for content_type in (
        "text/plain",
        "application/xml",
        "multipart/form-data; boundary=x",
        "application/x-www-form-urlencoded",
        None,
    ):
        status, body = await send(visitor, "POST", "/applications", good, content_type=content_type)
        check_error(status, body, 415)
        assert "application/json" in body["error"]["message"]
    assert await snapshot(uows) == before
    # application/json with a charset parameter is still JSON.
    status, body = await send(
        visitor, "POST", "/applications", good, content_type="application/json; charset=utf-8"
    )
    assert status == 201, body


async def test_unknown_and_non_numeric_ids_are_a_404(world: World, make_api: Any) -> None:
    visitor = await make_api(world.student.email)
    coordinator = await make_api(world.coordinator.email)
    for raw_id in [
        "999999",
        "0",
        "2147483647",
        "2147483648",
        "99999999999999999999",
        "abc",
        "-1",
        "1.5",
        "1e3",
        "%C2%B2",
        "%D9%A3",
        "%20",
        "1%00",
    ]:
        for api, method, path in [
            (visitor, "GET", f"/applications/{raw_id}"),
            (visitor, "POST", f"/applications/{raw_id}/actions"),
            (visitor, "GET", f"/documents/{raw_id}"),
            (visitor, "GET", f"/documents/{raw_id}/file"),
            (visitor, "GET", f"/programs/{raw_id}"),
            (coordinator, "GET", f"/users/{raw_id}/documents"),
            (coordinator, "POST", f"/documents/{raw_id}/review"),
            (coordinator, "POST", f"/programs/{raw_id}/blocks"),
            (coordinator, "PUT", f"/blocks/{raw_id}/capacity"),
        ]:
            bodies: dict[str, dict[str, Any]] = {
                "actions": {"action": "withdraw"},
                "review": {"status": "verified"},
                "blocks": {"start_date": "2027-03-01", "capacity": 1},
                "capacity": {"capacity": 3},
            }
            body = bodies.get(path.rsplit("/", 1)[-1], {})
            status, out = await api.call(method, path, json=body if method != "GET" else None)
            check_error(status, out, 404)
    status, out = await visitor.call("GET", "/no-such-thing")
    check_error(status, out, 404)
    status, out = await visitor.call("DELETE", f"/applications/{world.block_ids[0]}")
    check_error(status, out, 405)


async def test_huge_and_negative_numbers_are_refused(
    world: World, make_api: Any, uows: UnitOfWorkFactory
) -> None:
    visitor = await make_api(world.student.email)
    coordinator = await make_api(world.coordinator.email)
    before = await snapshot(uows)
    huge = 10**30
    cases: list[tuple[Api, str, str, Any, str]] = [
        (visitor, "POST", "/applications", {"program_id": huge, "block_ids": [1]}, "program_id"),
        (visitor, "POST", "/applications", {"program_id": 2**31, "block_ids": [1]}, "program_id"),
        (visitor, "POST", "/applications", {"program_id": 2**63, "block_ids": [1]}, "program_id"),
        (visitor, "POST", "/applications", {"program_id": -1, "block_ids": [1]}, "program_id"),
        (
            visitor,
            "POST",
            "/applications",
            {"program_id": world.program_id, "block_ids": [huge]},
            "block_ids.0",
        ),
        (
            visitor,
            "POST",
            "/applications",
            {"program_id": world.program_id, "block_ids": [-5]},
            "block_ids.0",
        ),
        (visitor, "PUT", "/me/visitor-profile", {"graduation_year": huge}, "graduation_year"),
        (visitor, "PUT", "/me/visitor-profile", {"graduation_year": -2020}, "graduation_year"),
        (coordinator, "PUT", f"/blocks/{world.block_ids[0]}/capacity", {"capacity": -1}, "capacity"),
        (coordinator, "PUT", f"/blocks/{world.block_ids[0]}/capacity", {"capacity": huge}, "capacity"),
        (
            coordinator,
            "POST",
            f"/programs/{world.program_id}/blocks",
            {"start_date": "2027-03-01", "capacity": -2},
            "capacity",
        ),
        (
            coordinator,
            "POST",
            "/programs",
            {
                "title": "T",
                "specialty": "S",
                "rotation_type": "research",
                "modality": "virtual",
                "allowed_training_statuses": ["student"],
                "preceptor_ids": [huge],
            },
            "preceptor_ids.0",
        ),
    ]
    for api, method, path, body, field in cases:
        status, out = await api.call(method, path, json=body)
        check_error(status, out, 422, field)
    status, out = await coordinator.call("GET", f"/applications?program_id={huge}")
    check_error(status, out, 422, "program_id")
    assert await snapshot(uows) == before


async def test_unknown_enum_values_and_query_mistakes(world: World, make_api: Any) -> None:
    visitor = await make_api(world.student.email)
    for query, field in [
        ("rotation_type=clerkship", "rotation_type"),
        ("modality=VIRTUAL", "modality"),
        ("eligible=perhaps", "eligible"),
        ("colour=blue", "colour"),
        ("modality=virtual&modality=hybrid", "modality"),
        ("specialty=" + "x" * 300, "specialty"),
    ]:
        status, out = await visitor.call("GET", f"/programs?{query}")
        check_error(status, out, 422, field)
    for query, field in [("state=accepted", "state"), ("program_id=abc", "program_id"), ("page=2", "page")]:
        status, out = await visitor.call("GET", f"/applications?{query}")
        check_error(status, out, 422, field)
    # Empty values are as if absent.
    status, out = await visitor.call("GET", "/programs?specialty=&modality=")
    assert status == 200 and len(out) == 3


async def test_nul_bytes_and_very_long_strings_are_refused_on_both_databases(
    world: World, make_api: Any, uows: UnitOfWorkFactory
) -> None:
    visitor = await make_api(world.student.email)
    coordinator = await make_api(world.coordinator.email)
    preceptor = await make_api(world.preceptor.email)
    draft = await apply(visitor, world.program_id, world.block_ids[:1], submit=False)
    doc = await visitor.upload("cv", PDF)
    await act(visitor, draft["id"], "submit")
    app = await act(coordinator, draft["id"], "start_review")
    before = await snapshot(uows)
    program = {
        "title": "T",
        "specialty": "S",
        "rotation_type": "research",
        "modality": "virtual",
        "allowed_training_statuses": ["student"],
    }
    cases: list[tuple[Api, str, str, Any, str]] = [
        (visitor, "PUT", "/me/visitor-profile", {"school": "Escuela\x00"}, "school"),
        (visitor, "PUT", "/me/visitor-profile", {"profession": "\x00"}, "profession"),
        (preceptor, "PUT", "/me/preceptor-profile", {"institution": "A\x00B"}, "institution"),
        (coordinator, "POST", "/programs", {**program, "title": "Nul\x00title"}, "title"),
        (
            coordinator,
            "POST",
            "/programs",
            {**program, "allowed_professions": ["medicine\x00"]},
            "allowed_professions",
        ),
        (coordinator, "POST", "/programs", {**program, "description": "d" * 5001}, "description"),
        (coordinator, "POST", "/programs", {**program, "title": "t" * 100_000}, "title"),
        (
            coordinator,
            "POST",
            f"/applications/{app['id']}/actions",
            {"action": "deny", "note": "No\x00"},
            "note",
        ),
        (
            coordinator,
            "POST",
            f"/applications/{app['id']}/actions",
            {"action": "deny", "note": "n" * 2001},
            "note",
        ),
        (
            coordinator,
            "POST",
            f"/documents/{doc['id']}/review",
            {"status": "rejected", "note": "\x00"},
            "note",
        ),
        (visitor, "POST", "/auth/login", {"email": "student\x00@example.org", "password": "x"}, "email"),
        (visitor, "POST", "/auth/login", {"email": "student@example.org", "password": "p\x00"}, "password"),
        (visitor, "POST", "/auth/login", {"email": "a" * 300 + "@example.org", "password": "x"}, "email"),
        (
            visitor,
            "POST",
            "/auth/login",
            {"email": "student@example.org", "password": "p" * 2000},
            "password",
        ),
    ]
    other = await make_api(world.graduate.email)
    cases += [
        (
            other,
            "POST",
            "/applications",
            {"program_id": world.program_id, "block_ids": world.block_ids[:1], "statement": "Hi\x00"},
            "statement",
        ),
        (
            other,
            "POST",
            "/applications",
            {"program_id": world.program_id, "block_ids": world.block_ids[:1], "statement": "s" * 5001},
            "statement",
        ),
    ]
    for api, method, path, body, field in cases:
        status, out = await api.call(method, path, json=body)
        check_error(status, out, 422, field)
    for query in ("specialty=%00", "specialty=Internal%00Medicine"):
        status, out = await visitor.call("GET", f"/programs?{query}")
        check_error(status, out, 422, "specialty")
    assert await snapshot(uows) == before
    # A NUL in a multipart field is refused too; in a part's header, aiohttp refuses the body.
    status, out = await visitor.call(
        "POST",
        "/documents",
        data=raw_multipart("cv\x00", "cv.pdf", PDF, "application/pdf"),
        headers={"Content-Type": RAW_MULTIPART},
    )
    check_error(status, out, 422, "kind")
    status, out = await visitor.call(
        "POST",
        "/documents",
        data=raw_multipart("cv", "c\x00v.pdf", PDF, "application/pdf"),
        headers={"Content-Type": RAW_MULTIPART},
    )
    check_error(status, out, 400)
    assert await snapshot(uows) == before


async def test_non_ascii_text_is_kept_intact(world: World, make_api: Any) -> None:
    visitor = await make_api(world.student.email)
    out = await visitor.put(
        "/me/visitor-profile", {"school": "Universidad de São Paulo — 医学部 🩺", "country": "Brasil"}
    )
    assert out["visitor"]["school"] == "Universidad de São Paulo — 医学部 🩺"
    app = await apply(visitor, world.program_id, world.block_ids[:1], statement="Ça va? ¿Qué tal? 😀")
    assert (await visitor.get(f"/applications/{app['id']}"))["statement"] == "Ça va? ¿Qué tal? 😀"
