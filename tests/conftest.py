"""Fixtures: real databases (SQLite and PostgreSQL), the real app in-process, a fake clock."""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer
from argon2 import PasswordHasher

from server.app import create_app
from server.config import Settings
from server.db.engine import make_engine, make_sessionmaker
from server.db.uow import UnitOfWorkFactory
from server.services import accounts
from tests.support import databases
from tests.support.client import Api
from tests.support.world import FakeClock, World, build_world

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
#: argon2id as in production, at the lowest cost: the world's seven accounts and every login.
CHEAP_HASHER = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
CHEAP_DUMMY_HASH = CHEAP_HASHER.hash("rounds-timing-equaliser")  # what unknown emails are checked against


@pytest.fixture(autouse=True)
def cheap_passwords(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every in-process test hashes and checks passwords with :data:`CHEAP_HASHER`: at production cost
    (about 0.15 s of CPU each, on purpose) building the world alone took a second per test, and the
    suite's time limit is real. A test marked ``production_passwords`` keeps the real cost. Server
    processes the tests start run the production hasher, as they should."""
    if request.node.get_closest_marker("production_passwords") is not None:
        return
    monkeypatch.setattr(accounts, "_hasher", CHEAP_HASHER)
    monkeypatch.setattr(accounts, "_DUMMY_HASH", CHEAP_DUMMY_HASH)


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return asyncio.run(databases.make_sqlite_template(tmp_path_factory.mktemp("sqlite")))


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """One migrated PostgreSQL database for the whole run, dropped at the end."""
    problem = asyncio.run(databases.postgres_available())
    if problem is not None:
        message = f"PostgreSQL is not reachable at {databases.POSTGRES_ADMIN_URL}: {problem}"
        if IN_CI:
            pytest.fail(message + " (CI must run the PostgreSQL tests)")
        pytest.skip(message)
    url = asyncio.run(databases.create_postgres_database())
    yield url
    asyncio.run(databases.drop_postgres_database(url))


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def database_url(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if backend == "sqlite":
        return databases.copy_sqlite(request.getfixturevalue("sqlite_template"), tmp_path / "t.db")
    url = request.getfixturevalue("postgres_url")
    assert isinstance(url, str)
    engine = make_engine(url)

    async def empty() -> None:
        await databases.empty_postgres(engine)
        await engine.dispose()

    asyncio.run(empty())
    return url


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(datetime(2026, 11, 24, 15, 0, tzinfo=UTC))


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return Settings(
        data_dir=tmp_path / "data",
        database_url=database_url,
        secret_key="test-secret-key-made-for-this-run",
        max_upload_bytes=512 * 1024,
    )


@pytest.fixture
async def uows(settings: Settings, clock: FakeClock) -> AsyncIterator[UnitOfWorkFactory]:
    engine = make_engine(settings.database_url)
    yield UnitOfWorkFactory(make_sessionmaker(engine), clock, offer_hold_days=7)
    await engine.dispose()


@pytest.fixture
async def world(uows: UnitOfWorkFactory) -> World:
    return await build_world(uows)


@pytest.fixture
async def client(settings: Settings, clock: FakeClock) -> AsyncIterator[TestClient[Any, Any]]:
    app = create_app(settings, clock=clock, maintenance=False)
    async with TestClient(TestServer(app)) as test_client:
        yield test_client


@pytest.fixture
async def make_api(settings: Settings, clock: FakeClock) -> AsyncIterator[Any]:
    """``await make_api(email)`` gives an Api logged in as that person, each with its own cookies."""
    app = create_app(settings, clock=clock, maintenance=False)
    server = TestServer(app)
    await server.start_server()
    clients: list[TestClient[Any, Any]] = []

    async def make(email: str | None = None) -> Api:
        test_client: TestClient[Any, Any] = TestClient(server)
        await test_client.start_server()
        clients.append(test_client)
        api = Api(test_client)
        if email is not None:
            await api.login(email)
        return api

    yield make
    for test_client in clients:
        await test_client.close()
    await server.close()
