"""A full or read-only disk (issue 18.10), on real file systems: a small tmpfs filled to its last page or
remounted read-only (tests/support/filesystems.py). An upload, by the page and by the API, is refused
with a message that says which (507 full, 503 read-only), never a 500; a SQLite database on a full
disk says its disk is full, not "briefly unavailable"; nothing is half-written."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from aiohttp import FormData
from aiohttp.test_utils import TestClient, TestServer

from server.app import create_app
from server.config import Settings
from tests.integration.pages_browser import Browser
from tests.support.client import Api
from tests.support.filesystems import fill, remount_read_only, small_filesystem
from tests.support.world import PDF, FakeClock, World

# A PDF of its own (content-addressed storage keeps one copy of equal files), some pages long.
UPLOAD = PDF + b"%" + b"unique to this test " * 1000 + b"\n"


@asynccontextmanager
async def served(settings: Settings, clock: FakeClock, email: str) -> AsyncIterator[tuple[Api, Browser]]:
    """The app on ``settings``: the person logged in, by the API and in a browser (one cookie jar)."""
    async with TestClient(TestServer(create_app(settings, clock=clock, maintenance=False))) as client:
        api = Api(client)
        await api.login(email)
        browser = Browser(client)
        await browser.get("/dashboard")  # the page's CSRF token for the forms
        yield api, browser


async def _upload_by_api(api: Api) -> tuple[int, Any]:
    form = FormData()
    form.add_field("kind", "cv")
    form.add_field("file", UPLOAD, filename="cv.pdf", content_type="application/pdf")
    return await api.call("POST", "/documents", data=form)


def _kilobytes(path: Path) -> int:
    return path.stat().st_size // 1024 + 1


def _stored_files(documents: Path) -> list[Path]:
    return sorted(path for path in documents.rglob("*") if path.is_file()) if documents.exists() else []


async def test_an_upload_to_a_full_disk_is_refused_as_such_and_keeps_nothing(
    world: World, settings: Settings, clock: FakeClock, tmp_path: Path
) -> None:
    with small_filesystem(tmp_path / "disk", 512) as disk:
        config = replace(settings, data_dir=disk)
        async with served(config, clock, world.student.email) as (api, browser):
            filler = fill(disk)
            status, body = await _upload_by_api(api)
            assert status == 507, body
            assert body["error"]["code"] == "insufficient_storage"
            assert (
                "disk is full" in body["error"]["message"] and "Nothing was saved" in body["error"]["message"]
            )
            reply = await browser.upload("cv", UPLOAD, filename="cv.pdf", expect=507)
            assert "disk is full" in reply.text and "Nothing was saved" in reply.text
            assert await api.get("/documents") == []
            assert _stored_files(config.documents_dir) == []  # no temporary file left behind
            # Once there is room again, the same upload is stored.
            filler.unlink()
            status, body = await _upload_by_api(api)
            assert status == 201, body
            assert [doc["id"] for doc in await api.get("/documents")] == [body["id"]]


async def test_an_upload_to_a_read_only_disk_is_refused_as_such_and_keeps_nothing(
    world: World, settings: Settings, clock: FakeClock, tmp_path: Path
) -> None:
    with small_filesystem(tmp_path / "disk", 512) as disk:
        config = replace(settings, data_dir=disk)
        async with served(config, clock, world.student.email) as (api, browser):
            remount_read_only(disk)
            status, body = await _upload_by_api(api)
            assert status == 503, body
            assert body["error"]["code"] == "storage_read_only"
            assert "read-only" in body["error"]["message"] and "Nothing was saved" in body["error"]["message"]
            reply = await browser.upload("cv", UPLOAD, filename="cv.pdf", expect=503)
            assert "read-only" in reply.text and "briefly" not in reply.text
            assert await api.get("/documents") == []
            assert _stored_files(config.documents_dir) == []


async def test_a_sqlite_database_on_a_full_disk_says_the_disk_is_full(
    world: World, settings: Settings, database_url: str, clock: FakeClock, tmp_path: Path
) -> None:
    source = Path(database_url.removeprefix("sqlite+aiosqlite:///"))
    with small_filesystem(tmp_path / "disk", _kilobytes(source) + 1024) as disk:
        shutil.copy(source, disk / "rounds.db")
        config = replace(settings, database_url=f"sqlite+aiosqlite:///{disk / 'rounds.db'}")
        async with served(config, clock, world.student.email) as (api, browser):
            before = await api.get("/me")
            fill(disk)
            status, body = await api.call("PUT", "/me/visitor-profile", json={"school": "Elsewhere"})
            assert status == 507, body
            assert body["error"]["code"] == "insufficient_storage"
            assert "disk is full" in body["error"]["message"] and "briefly" not in body["error"]["message"]
            reply = await browser.post("/profile", {"school": "Elsewhere"}, expect=507)
            assert "disk is full" in reply.text and "briefly" not in reply.text
            assert await api.get("/me") == before  # the refused changes left nothing behind


async def test_an_upload_the_server_cannot_even_spool_for_lack_of_room_is_refused_as_such(
    world: World, settings: Settings, clock: FakeClock, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """aiohttp keeps a file part past 1 MiB in a temporary file while it reads the form (the CSRF check
    reads the form's body): a full temporary directory must be the same clear refusal, not a 500."""
    large = PDF + b"%" + b"a page of a long scanned document " * 40_000 + b"\n"  # about 1.4 MB
    config = replace(settings, max_upload_bytes=4 * 1024 * 1024)
    with small_filesystem(tmp_path / "tmp", 256) as temporary:
        monkeypatch.setattr(tempfile, "tempdir", str(temporary))
        async with served(config, clock, world.student.email) as (api, browser):
            fill(temporary)
            form = FormData()
            form.add_field("kind", "cv")
            form.add_field("file", large, filename="cv.pdf", content_type="application/pdf")
            status, body = await api.call("POST", "/documents", data=form)
            assert status == 507, body
            assert "disk is full" in body["error"]["message"]
            reply = await browser.upload("cv", large, filename="cv.pdf", expect=507)
            assert "disk is full" in reply.text
            assert await api.get("/documents") == []
