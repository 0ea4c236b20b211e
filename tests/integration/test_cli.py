"""The ``rounds`` command as a person runs it: real subprocesses of the installed script, each in
its own directory with its own data dir, nothing read from a terminal."""

from __future__ import annotations

import asyncio
import http.cookiejar
import json
import sqlite3
import urllib.parse
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path

import asyncpg
import pytest
from sqlalchemy import func, select

from server.db.engine import make_engine, make_sessionmaker
from server.db.migrate import head_revision
from server.db.models import Base, OutboxMailRow
from server.db.uow import UnitOfWork
from server.demo import DEMO_PASSWORD
from server.services import accounts
from tests.integration.test_access_log import assert_logged_without_secrets, send_requests_carrying_secrets
from tests.support import databases
from tests.support.processes import clean_env, http_get, log_in, run_rounds, serve
from tests.support.waiting import poll_until

pytestmark = pytest.mark.slow


def _count_rows(url: str) -> dict[str, int]:
    async def count() -> dict[str, int]:
        engine = make_engine(url)
        try:
            async with engine.connect() as conn:
                return {
                    table.name: (await conn.execute(select(func.count()).select_from(table))).scalar_one()
                    for table in Base.metadata.sorted_tables
                }
        finally:
            await engine.dispose()

    return asyncio.run(count())


def _outbox_texts(url: str, kind: str) -> list[str]:
    """The text of every mail of ``kind`` in the outbox (the demo's notifications are there too)."""

    async def read() -> list[str]:
        engine = make_engine(url)
        try:
            async with engine.connect() as conn:
                result = await conn.execute(
                    select(OutboxMailRow.text_body)
                    .where(OutboxMailRow.kind == kind)
                    .order_by(OutboxMailRow.id)
                )
                return list(result.scalars())
        finally:
            await engine.dispose()

    return asyncio.run(read())


def ask_for_reset(base_url: str, email: str) -> None:
    """Submit the forgot-password form as a browser would (its anonymous cookie and CSRF token)."""
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    with opener.open(base_url + "/api/v1/auth/session", timeout=10) as response:
        token = json.load(response)["csrf_token"]
    form = urllib.parse.urlencode({"email": email, "csrf_token": token}).encode()
    with opener.open(base_url + "/password/forgot", data=form, timeout=10) as response:
        assert response.status == 200


@pytest.fixture
def empty_database_url(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database with no tables at all: an empty SQLite file, or a new PostgreSQL database."""
    if backend == "sqlite":
        path = tmp_path / "empty.db"
        path.touch()
        yield f"sqlite+aiosqlite:///{path}"
        return
    admin = request.getfixturevalue("postgres_url")  # fails in CI (skips elsewhere) without PostgreSQL
    assert isinstance(admin, str)
    name = f"rounds_cli_{uuid.uuid4().hex[:12]}"  # other runs may share this PostgreSQL server

    async def create() -> None:
        conn = await asyncpg.connect(databases.asyncpg_dsn(databases.POSTGRES_ADMIN_URL))
        try:
            await conn.execute(f'CREATE DATABASE "{name}"')
        finally:
            await conn.close()

    asyncio.run(create())
    url = databases.with_database(databases.POSTGRES_ADMIN_URL, name)
    yield url
    asyncio.run(databases.drop_postgres_database(url))


@pytest.fixture
def env(empty_database_url: str, tmp_path: Path) -> dict[str, str]:
    return clean_env(ROUNDS_DATA_DIR=str(tmp_path / "var"), ROUNDS_DATABASE_URL=empty_database_url)


def test_db_upgrade_creates_the_schema_at_head(env: dict[str, str], tmp_path: Path) -> None:
    result = run_rounds(["db", "upgrade"], env=env, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "up to date" in result.stdout
    url = env["ROUNDS_DATABASE_URL"]
    assert set(_count_rows(url)) == set(Base.metadata.tables)  # every table is there
    if url.startswith("sqlite"):
        with sqlite3.connect(url.removeprefix("sqlite+aiosqlite:///")) as db:
            (revision,) = db.execute("SELECT version_num FROM alembic_version").fetchone()
        assert revision == head_revision()
    again = run_rounds(["db", "upgrade"], env=env, cwd=tmp_path)
    assert again.returncode == 0, again.stderr


def test_user_create_reads_the_password_from_stdin(env: dict[str, str], tmp_path: Path) -> None:
    assert run_rounds(["db", "upgrade"], env=env, cwd=tmp_path).returncode == 0
    create = ["user", "create", "--role", "visitor", "--email", "x@example.org"]

    made = run_rounds(create, env=env, cwd=tmp_path, stdin="a-long-enough-password\n")
    assert made.returncode == 0, made.stderr
    assert "Created visitor x@example.org" in made.stdout

    async def can_log_in(password: str) -> bool:
        engine = make_engine(env["ROUNDS_DATABASE_URL"])
        try:
            uow = UnitOfWork(make_sessionmaker(engine))
            result = await accounts.log_in(uow, email="x@example.org", password=password, client_ip="t")
            return result.actor.email == "x@example.org"
        finally:
            await engine.dispose()

    assert asyncio.run(can_log_in("a-long-enough-password"))

    duplicate = run_rounds(create, env=env, cwd=tmp_path, stdin="another-long-password\n")
    assert duplicate.returncode == 1
    assert "already exists" in duplicate.stderr

    short = run_rounds(
        ["user", "create", "--role", "coordinator", "--email", "y@example.org"],
        env=env,
        cwd=tmp_path,
        stdin="short\n",
    )
    assert short.returncode == 1
    assert "at least" in short.stderr and "password" in short.stderr
    assert _count_rows(env["ROUNDS_DATABASE_URL"])["users"] == 1


def test_demo_twice_adds_nothing_then_serve_answers_and_stops_on_sigterm(
    env: dict[str, str], tmp_path: Path
) -> None:
    first = run_rounds(["demo", "--no-serve"], env=env, cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    assert "Demo data loaded" in first.stdout and "coordinator@rounds.test" in first.stdout
    counts = _count_rows(env["ROUNDS_DATABASE_URL"])
    assert counts["users"] == 8 and counts["programs"] >= 4 and counts["applications"] >= 3

    second = run_rounds(["demo", "--no-serve"], env=env, cwd=tmp_path)
    assert second.returncode == 0, second.stderr
    assert "nothing was added" in second.stdout
    assert _count_rows(env["ROUNDS_DATABASE_URL"]) == counts

    served = serve(env=env, cwd=tmp_path, log_path=tmp_path / "serve.log")
    try:
        status, body = http_get(served.base_url + "/api/v1/openapi.json")
        assert status == 200
        assert json.loads(body)["openapi"].startswith("3.")
        login = log_in(served.base_url, "dana@rounds.test", DEMO_PASSWORD)
        assert login.user["role"] == "visitor"
        secrets_sent = send_requests_carrying_secrets(served.base_url)
        # Those, after the start-up probe, the OpenAPI document and the login's two requests.
        poll_until(
            lambda: served.log_text().count('"logger": "aiohttp.access"') >= secrets_sent + 4,
            "the access log lines of the requests sent",
            bound=10,
        )
        # Emailed links point where the server listens (--port), not at ROUNDS_PORT's default.
        ask_for_reset(served.base_url, "dana@rounds.test")
        [reset] = _outbox_texts(env["ROUNDS_DATABASE_URL"], "reset_password")
        assert served.base_url + "/password/reset/" in reset
    finally:
        code = served.stop(timeout=15)
    assert code == 0, served.log_text()
    assert "Traceback" not in served.log_text()
    assert_logged_without_secrets(served.log_text(), served.base_url)


def test_serve_refuses_an_unmigrated_database(env: dict[str, str], tmp_path: Path) -> None:
    result = run_rounds(["serve", "--port", "1"], env=env, cwd=tmp_path, timeout=60)
    assert result.returncode != 0
    assert "rounds db upgrade" in result.stderr


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("ROUNDS_PORT", "abc"),
        ("ROUNDS_OFFER_HOLD_DAYS", "0"),
        ("ROUNDS_ICE_SERVERS", "not json"),
        ("ROUNDS_DATABASE_URL", "mysql://somewhere/db"),
        ("ROUNDS_SECURE_COOKIES", "perhaps"),
        ("ROUNDS_SECRET_KEY", "short"),
    ],
)
def test_a_bad_setting_exits_2_naming_the_variable(tmp_path: Path, name: str, value: str) -> None:
    env = clean_env(ROUNDS_DATA_DIR=str(tmp_path / "var"), **{name: value})
    result = run_rounds(["serve"], env=env, cwd=tmp_path, timeout=60)
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert name in result.stderr
    assert "Traceback" not in result.stderr
