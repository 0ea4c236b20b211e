"""Requests that once produced a 500, each now answered with a 4xx (or served): found by the
schema-driven fuzzer (tests/integration/test_api_fuzz.py) or while fixing what it found.
Each runs on SQLite and on PostgreSQL."""

from __future__ import annotations

from typing import Any

from server.schemas.base import MAX_ID
from tests.support.world import PDF, World


async def test_a_document_file_can_be_downloaded(world: World, make_api: Any) -> None:
    """GET /documents/{id}/file read the row after its unit of work had closed
    (DetachedInstanceError): every download was a 500."""
    visitor = await make_api(world.student.email)
    doc = await visitor.upload("cv", PDF, filename="my cv.pdf")
    status, body = await visitor.call("GET", f"/documents/{doc['id']}/file")
    assert status == 200
    assert body == PDF


async def test_a_multipart_part_with_a_malformed_header_is_a_400(world: World, make_api: Any) -> None:
    """A control character in a part's Content-Disposition raised aiohttp's InvalidHeader."""
    visitor = await make_api(world.student.email)
    body = (
        b'--XX\r\nContent-Disposition: form-data; name="\x01k"\r\n\r\ncv\r\n'
        b'--XX\r\nContent-Disposition: form-data; name="file"; filename="a.pdf"\r\n\r\n'
        + PDF
        + b"\r\n--XX--\r\n"
    )
    status, answer = await visitor.call(
        "POST", "/documents", data=body, headers={"Content-Type": "multipart/form-data; boundary=XX"}
    )
    assert status == 400, answer
    assert answer["error"]["code"] == "bad_request"


async def test_ids_beyond_the_integer_columns_are_refused(world: World, make_api: Any) -> None:
    """Ids past 32 bits overflowed the driver (SQLite: OverflowError past 64 bits; PostgreSQL:
    out of int32 range) instead of being refused."""
    coordinator = await make_api(world.coordinator.email)
    visitor = await make_api(world.student.email)
    for big in (MAX_ID + 1, 2**63, 10**30):
        program = {
            "title": "Big ids",
            "specialty": "Internal Medicine",
            "rotation_type": "observership",
            "modality": "virtual",
            "allowed_training_statuses": ["student"],
            "preceptor_ids": [big],
        }
        status, body = await coordinator.call("POST", "/programs", json=program)
        assert status == 422 and body["error"]["field"].startswith("preceptor_ids"), body
        status, body = await visitor.call("POST", "/applications", json={"program_id": big, "block_ids": [1]})
        assert status == 422, body
        status, body = await visitor.call(
            "POST", "/applications", json={"program_id": world.program_id, "block_ids": [big]}
        )
        assert status == 422, body
        status, body = await coordinator.call("GET", f"/applications?program_id={big}")
        assert status == 422, body


async def test_odd_path_ids_are_not_found(world: World, make_api: Any) -> None:
    """A path id past 32 bits reached PostgreSQL (500), and a non-ASCII digit such as '²' passed
    str.isdigit() and then broke int() (500)."""
    coordinator = await make_api(world.coordinator.email)
    for raw in (str(MAX_ID + 1), "99999999999", "%C2%B2", "%D9%A3", "007x"):
        for path in (f"/programs/{raw}", f"/applications/{raw}", f"/documents/{raw}/file"):
            status, body = await coordinator.call("GET", path)
            assert status == 404, (path, body)
            assert body["error"]["code"] == "not_found"


async def test_nul_characters_in_text_are_refused(world: World, make_api: Any) -> None:
    """PostgreSQL cannot store U+0000 in text: the driver raised and the request was a 500."""
    visitor = await make_api(world.student.email)
    status, body = await visitor.call("PUT", "/me/visitor-profile", json={"school": "a\u0000b"})
    assert status == 422 and body["error"]["field"] == "school", body
    status, body = await visitor.call(
        "POST",
        "/applications",
        json={"program_id": world.program_id, "block_ids": [world.block_ids[0]], "statement": "x\u0000"},
    )
    assert status == 422 and body["error"]["field"] == "statement", body
    status, body = await visitor.call("GET", "/programs?specialty=a%00b")
    assert status == 422, body
    anonymous = await make_api()
    status, body = await anonymous.call(
        "POST", "/auth/login", json={"email": "a\u0000@example.org", "password": "whatever-it-is"}
    )
    assert status == 422, body
