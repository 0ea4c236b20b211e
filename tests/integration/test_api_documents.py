"""Documents over the API: upload recognised by content, size limit, storage by content hash,
who may see them, and review with reasons."""

from __future__ import annotations

import hashlib
import io
import zipfile
from typing import Any

from aiohttp import FormData

from server.config import Settings
from server.db.uow import UnitOfWorkFactory
from tests.integration.api_helpers import act, apply, row_counts, snapshot
from tests.support.client import RAW_MULTIPART, Api, raw_multipart
from tests.support.world import JPEG, PDF, PNG, FakeClock, World


async def upload_form(
    api: Api, form: FormData | bytes, *, content_type: str | None = None
) -> tuple[int, Any]:
    headers = {"Content-Type": content_type} if content_type else {}
    return await api.call("POST", "/documents", data=form, headers=headers)


async def test_uploads_are_recognised_by_content_not_by_name(world: World, make_api: Any) -> None:
    visitor = await make_api(world.student.email)
    pdf = await visitor.upload("cv", PDF, filename="cv.txt")
    assert (pdf["content_type"], pdf["status"], pdf["kind"]) == ("application/pdf", "submitted", "cv")
    assert pdf["kind_label"] == "CV"
    assert pdf["size"] == len(PDF)
    assert pdf["original_name"] == "cv.txt"
    png = await visitor.upload("photo_id", PNG, filename="passport.pdf")
    assert png["content_type"] == "image/png"
    jpeg = await visitor.upload("photo_id", JPEG, filename="no-extension")
    assert jpeg["content_type"] == "image/jpeg"
    mine = await visitor.get("/documents")
    assert [d["id"] for d in mine] == [jpeg["id"], png["id"], pdf["id"]]
    # The file comes back as it went in, as an attachment that browsers must not sniff.
    response = await visitor.client.get(f"/api/v1/documents/{png['id']}/file")
    assert response.status == 200
    assert await response.read() == PNG
    assert response.content_type == "image/png"
    assert response.headers["Content-Disposition"] == (
        "attachment; filename=\"passport.pdf\"; filename*=UTF-8''passport.pdf"
    )
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response.headers["Cache-Control"]


async def test_wrong_types_empty_and_oversize_files_are_refused(
    world: World, make_api: Any, uows: UnitOfWorkFactory, settings: Settings
) -> None:
    visitor = await make_api(world.student.email)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("cv.pdf", PDF)
    before = await row_counts(uows)
    out = await visitor.upload("cv", b"Curriculum vitae\nName: A. Visitor\n", filename="cv.pdf", expect=415)
    assert out["error"]["code"] == "unsupported_media_type"
    assert "PDF, JPEG or PNG" in out["error"]["message"]
    out = await visitor.upload("cv", buffer.getvalue(), filename="cv.pdf", expect=415)
    assert "application/zip" in out["error"]["message"]
    out = await visitor.upload("cv", b"", expect=422)
    assert out["error"]["field"] == "file"
    too_big = PDF + b"%" * settings.max_upload_bytes
    out = await visitor.upload("cv", too_big, expect=413)
    assert out["error"]["code"] == "payload_too_large"
    assert "512 KB" in out["error"]["message"]
    # Beyond even the server's body limit: still a JSON 413.
    out = await visitor.upload("cv", too_big + b"%" * (2 * 1024 * 1024), expect=413)
    assert out["error"]["code"] == "payload_too_large"
    for email in (world.coordinator.email, world.preceptor.email):
        out = await (await make_api(email)).upload("cv", PDF, expect=403)
        assert "visitor" in out["error"]["message"]
    exactly = PDF + b"%" * (settings.max_upload_bytes - len(PDF))
    await visitor.upload("cv", exactly, expect=201)
    after = await row_counts(uows)
    assert after["documents"] == before["documents"] + 1
    stored = list(settings.documents_dir.rglob("*"))
    assert [p.name for p in stored if p.is_file()] == [hashlib.sha256(exactly).hexdigest()]


async def test_the_upload_form_is_checked(world: World, make_api: Any, uows: UnitOfWorkFactory) -> None:
    visitor = await make_api(world.student.email)
    before = await row_counts(uows)
    form = FormData()
    form.add_field("kind", "passport")
    form.add_field("file", PDF, filename="p.pdf", content_type="application/pdf")
    status, out = await upload_form(visitor, form)
    assert (status, out["error"]["field"]) == (422, "kind")
    assert "cv, photo_id" in out["error"]["message"]
    form = FormData()
    form.add_field("file", PDF, filename="p.pdf", content_type="application/pdf")
    status, out = await upload_form(visitor, form)
    assert (status, out["error"]["field"]) == (422, "kind")
    form = FormData(default_to_multipart=True)
    form.add_field("kind", "cv")
    form.add_field("note", "no file here")
    status, out = await upload_form(visitor, form)
    assert (status, out["error"]["field"]) == (422, "file")
    status, out = await visitor.call("POST", "/documents", json={"kind": "cv", "file": "JVBERi0="})
    assert status == 415
    form = FormData()
    form.add_field("kind", "cv")
    status, out = await upload_form(visitor, form)  # urlencoded: no file can travel that way
    assert status == 415
    status, out = await upload_form(
        visitor, b"--x\r\nnot really multipart", content_type="multipart/form-data"
    )
    assert status == 400, out
    status, out = await upload_form(
        visitor, b"garbage without a boundary", content_type="multipart/form-data; boundary=zzz"
    )
    assert 400 <= status < 500, out
    assert await row_counts(uows) == before


async def test_files_are_stored_once_by_content_hash_under_the_data_dir(
    world: World, make_api: Any, settings: Settings
) -> None:
    student = await make_api(world.student.email)
    graduate = await make_api(world.graduate.email)
    # Written by hand: aiohttp's own client would percent-encode the slashes of the name. In the
    # quoted filename a backslash is escaped by another one, as a Windows browser would send it.
    status, a = await upload_form(
        student, raw_multipart("cv", "../../../etc/cv.pdf", PDF), content_type=RAW_MULTIPART
    )
    assert status == 201, a
    status, b = await upload_form(
        graduate,
        raw_multipart("diploma_or_enrollment", r"C:\\Users\\me\\diploma.pdf", PDF),
        content_type=RAW_MULTIPART,
    )
    assert status == 201, b
    assert a["id"] != b["id"]
    assert a["original_name"] == "cv.pdf"
    assert b["original_name"] == "diploma.pdf"
    digest = hashlib.sha256(PDF).hexdigest()
    path = settings.documents_dir / digest[:2] / digest
    assert path.read_bytes() == PDF
    assert [p for p in settings.data_dir.rglob("*") if p.is_file()] == [path]


async def _applied_with_document(world: World, make_api: Any, *, submit: bool = True) -> tuple[Api, Any, Any]:
    visitor = await make_api(world.student.email)
    app = await apply(visitor, world.program_id, world.block_ids[:1], submit=submit)
    doc = await visitor.upload("cv", PDF)
    return visitor, app, doc


async def test_documents_are_seen_by_their_owner_and_the_coordinators_of_programs_applied_to(
    world: World, make_api: Any
) -> None:
    visitor, app, doc = await _applied_with_document(world, make_api, submit=False)
    coordinator = await make_api(world.coordinator.email)
    # A draft is not an application yet: its program's coordinator does not see the documents.
    await coordinator.get(f"/documents/{doc['id']}", expect=404)
    await coordinator.get(f"/users/{world.student.user_id}/documents", expect=404)
    await act(visitor, app["id"], "submit")
    assert (await coordinator.get(f"/documents/{doc['id']}"))["id"] == doc["id"]
    assert [d["id"] for d in await coordinator.get(f"/users/{world.student.user_id}/documents")] == [
        doc["id"]
    ]
    response = await coordinator.client.get(f"/api/v1/documents/{doc['id']}/file")
    assert (response.status, await response.read()) == (200, PDF)
    assert (await visitor.get(f"/documents/{doc['id']}"))["id"] == doc["id"]
    assert [d["id"] for d in await visitor.get(f"/users/{world.student.user_id}/documents")] == [doc["id"]]
    # Everyone else: as if it did not exist.
    for email in (
        world.other_coordinator.email,
        world.preceptor.email,
        world.other_preceptor.email,
        world.graduate.email,
    ):
        api = await make_api(email)
        for path in (
            f"/documents/{doc['id']}",
            f"/documents/{doc['id']}/file",
            f"/users/{world.student.user_id}/documents",
        ):
            out = await api.get(path, expect=404)
            assert out["error"]["code"] == "not_found", (email, path)
        assert all(d["owner_id"] != world.student.user_id for d in await api.get("/documents"))
    anonymous = await make_api()
    await anonymous.get(f"/documents/{doc['id']}", expect=401)
    await anonymous.get(f"/documents/{doc['id']}/file", expect=401)
    # The coordinator still sees them after the application ends (they reviewed them).
    await act(visitor, app["id"], "withdraw")
    await coordinator.get(f"/documents/{doc['id']}")


async def test_a_coordinator_verifies_or_rejects_with_a_reason(
    world: World, make_api: Any, uows: UnitOfWorkFactory, clock: FakeClock
) -> None:
    visitor, _, doc = await _applied_with_document(world, make_api)
    coordinator = await make_api(world.coordinator.email)
    queue = await coordinator.get("/review-queue")
    assert [d["id"] for d in queue["documents"]] == [doc["id"]]
    path = f"/documents/{doc['id']}/review"
    before = await snapshot(uows)
    out = await coordinator.post(path, {"status": "rejected"}, expect=422)
    assert out["error"]["field"] == "note"
    await coordinator.post(path, {"status": "rejected", "note": "   "}, expect=422)
    await coordinator.post(path, {"status": "approved"}, expect=422)
    await coordinator.post(path, {"status": "verified", "expires_on": "2020-01-01"}, expect=422)
    await coordinator.post(path, {"status": "verified", "expires_on": "someday"}, expect=422)
    await visitor.post(path, {"status": "verified"}, expect=403)
    other = await make_api(world.other_coordinator.email)
    await other.post(path, {"status": "verified"}, expect=404)
    preceptor = await make_api(world.preceptor.email)
    await preceptor.post(path, {"status": "verified"}, expect=403)
    assert await snapshot(uows) == before

    rejected = await coordinator.post(path, {"status": "rejected", "note": "The scan is cut off."})
    assert (rejected["status"], rejected["review_note"]) == ("rejected", "The scan is cut off.")
    seen = await visitor.get(f"/documents/{doc['id']}")
    assert (seen["status"], seen["review_note"]) == ("rejected", "The scan is cut off.")
    assert (await coordinator.get("/review-queue"))["documents"] == []

    expires = (clock().date().replace(year=clock().date().year + 1)).isoformat()
    verified = await coordinator.post(path, {"status": "verified", "expires_on": expires})
    assert (verified["status"], verified["expires_on"]) == ("verified", expires)
    clock.advance(days=367)
    await visitor.login(world.student.email)
    assert (await visitor.get(f"/documents/{doc['id']}"))["status"] == "expired"


async def test_a_non_ascii_file_name_comes_back_intact_and_safe(world: World, make_api: Any) -> None:
    """The download header carried the raw UTF-8 name, which HTTP headers cannot hold; now an ASCII
    fallback plus the RFC 6266 ``filename*`` form, and quotes in the name cannot break out."""
    visitor = await make_api(world.student.email)
    name = 'Résumé "final".pdf'
    response = await visitor.client.post(
        "/api/v1/documents",
        data=raw_multipart("cv", name, PDF),
        headers={"Content-Type": RAW_MULTIPART, "X-CSRF-Token": visitor.csrf},
    )
    assert response.status == 201, await response.text()
    doc = await response.json()
    download = await visitor.client.get(f"/api/v1/documents/{doc['id']}/file")
    header = download.headers["Content-Disposition"]
    assert header.isascii()
    assert header.startswith('attachment; filename="Rsum final.pdf"; ')
    assert "filename*=UTF-8''R%C3%A9sum%C3%A9%20%22final%22.pdf" in header
