"""Fixtures: real databases (SQLite and PostgreSQL), the real app in-process, a fake clock."""

from __future__ import annotations

import asyncio
import copy
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
from server.services.notifications import notify_setup
from tests.support import databases
from tests.support.client import Api
from tests.support.templates import (
    Demo,
    PostgresWorldTemplate,
    WorldTemplate,
    built_once,
    load_demo,
    make_postgres_world_template,
    make_sqlite_world_template,
    restore_postgres_world,
)
from tests.support.world import FakeClock, World

#: Where the ``clock`` fixture starts; the world template is built at the same moment.
CLOCK_START = datetime(2026, 11, 24, 15, 0, tzinfo=UTC)
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
#: ROUNDS_TEST_POSTGRES_EVERYWHERE=1 runs every database test on PostgreSQL as well, not just ON_POSTGRES.
POSTGRES_EVERYWHERE = os.environ.get("ROUNDS_TEST_POSTGRES_EVERYWHERE", "").lower() in {"1", "true", "yes"}
SQLITE_ONLY = ["sqlite"]
BOTH_DATABASES = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]

#: The database tests that run on PostgreSQL as well as on SQLite, and why: the one place this is
#: decided, by module (under tests/): the whole module, or the test functions named. Every
#: other test that uses a database (through the ``backend`` fixture) runs on SQLite only: business
#: rules and access checks do not depend on the engine, and SQLite runs them several times faster.
#: What stays on PostgreSQL is what does depend on it -- concurrent transactions, the rules and the
#: schema the database enforces, migrations, driver limits, text and time handling in queries -- and
#: a smoke set of the API: one walk per feature, so that every feature's queries run on PostgreSQL.
#: (The cluster and engine-restart tests use PostgreSQL on their own, marked ``postgres``.) A test can
#: also be marked ``also_postgres``; ROUNDS_TEST_POSTGRES_EVERYWHERE=1 puts everything on both.
ON_POSTGRES: dict[str, str | dict[str, str]] = {
    # Whole modules: what they test is the engine's own behaviour.
    "integration/test_concurrency.py": "parallel transactions: PostgreSQL runs them at once",
    "integration/test_database_rules.py": "constraints and indexes the database enforces",
    "integration/test_evaluations_schema.py": "the migrated tables equal the models, per dialect",
    "integration/test_cli.py": "`rounds db upgrade` and the commands on an empty PostgreSQL database",
    "integration/test_demo.py": "the demo loader, as the cluster runs it, and its lists' order",
    "integration/test_api_regressions.py": "500s PostgreSQL alone raised (int32 ids, NUL in text)",
    "integration/test_health.py": "the health check's database probe",
    "integration/test_smoke.py": "the app starts on the database and walks one application",
    "integration/test_notification_delivery.py": (
        "two nodes' senders and reminder jobs claiming at once (FOR UPDATE SKIP LOCKED); the tables"
    ),
    "integration/test_repository_accounts.py": "the repository's mapping, round trip per dialect",
    "integration/test_repository_applications.py": "the repository's mapping, round trip per dialect",
    "integration/test_repository_audit.py": "the repository's mapping, round trip per dialect",
    "integration/test_repository_certificates.py": "the repository's mapping, round trip per dialect",
    "integration/test_repository_documents.py": "the repository's mapping, round trip per dialect",
    "integration/test_repository_evaluations.py": "the repository's mapping, round trip per dialect",
    "integration/test_repository_learning.py": "the repository's mapping, round trip per dialect",
    "integration/test_repository_letters.py": "the repository's mapping, round trip per dialect",
    "integration/test_repository_presentations.py": "the repository's mapping, round trip per dialect",
    "integration/test_repository_programs.py": "the repository's mapping, round trip per dialect",
    "integration/test_repository_record.py": "the repository's mapping, round trip per dialect",
    "integration/test_repository_visits.py": "the repository's mapping, round trip per dialect",
    # The API smoke set: a walk per feature, and the tests whose subject depends on the engine.
    "integration/test_api_accounts.py": {
        "test_login_sets_an_httponly_samesite_cookie_and_a_new_csrf_token": "smoke: logins",
        "test_a_burst_of_parallel_guesses_gets_no_more_tries_than_one_after_another": (
            "concurrent failed logins counted in the database"
        ),
        "test_checking_a_password_blocks_neither_the_server_nor_the_database": (
            "the connection pool while passwords are checked"
        ),
    },
    "integration/test_api_applications.py": {
        "test_from_offer_to_completion_and_the_ways_out": "smoke: applications",
        "test_a_double_submitted_application_is_created_once": "concurrent inserts meet the unique index",
        "test_a_full_block_refuses_a_further_offer_and_the_application_stays_as_it_was": (
            "seat counting and the rollback that leaves the application as it was"
        ),
    },
    "integration/test_api_programs.py": {
        "test_the_catalog_is_public_and_filters_by_specialty_type_and_modality": (
            "smoke: programs; text filters (LIKE is case-insensitive on SQLite only)"
        ),
        "test_the_same_block_opened_twice_at_once_is_one_block_and_one_409": (
            "concurrent inserts meet the unique constraint"
        ),
    },
    "integration/test_api_documents.py": {
        "test_documents_are_seen_by_their_owner_and_the_coordinators_of_programs_applied_to": (
            "smoke: documents"
        ),
        "test_a_non_ascii_file_name_comes_back_intact_and_safe": "non-ASCII text stored and read back",
    },
    "integration/test_api_evaluations.py": {
        "test_a_draft_is_edited_then_released_then_final_and_only_then_seen_by_the_visitor": (
            "smoke: evaluations"
        ),
        "test_the_summary_shows_counts_spread_and_the_week_trajectory_of_released_ones_only": (
            "aggregates computed from queries"
        ),
        "test_the_group_size_counts_the_preceptors_distinct_past_visitors_and_is_kept_as_it_was": (
            "a DISTINCT count over dates"
        ),
        "test_the_audit_log_has_every_edit_release_and_view_by_someone_else": "audit rows and their order",
    },
    "integration/test_api_record.py": {
        "test_visitor_and_preceptor_record_encounters_with_week_and_consent": "smoke: the clinical record",
        "test_the_audit_row_is_written_in_the_same_transaction_as_the_read": (
            "repositories sharing one transaction"
        ),
        "test_two_simultaneous_logs_of_one_encounter_make_one_log_and_a_409": (
            "concurrent inserts meet the unique constraint"
        ),
        "test_a_new_encounter_and_its_log_are_written_together_or_not_at_all": (
            "repositories sharing one transaction, rolled back together"
        ),
        "test_the_summary_counts_without_free_text": "aggregates in SQL",
    },
    "integration/test_api_visits.py": {
        "test_a_preceptor_schedules_a_visit_for_visitors_enrolled_in_the_block": (
            "smoke: visits; timestamps with time zones"
        ),
        "test_attendance_intervals_and_merged_minutes": "intervals in UTC",
        "test_the_sweep_ends_live_visits_whose_window_closed_counting_hours_only_until_then": (
            "a time-window query"
        ),
    },
    "integration/test_api_letters.py": {
        "test_request_accept_draft_edit_sign_and_a_signed_letter_is_final": "smoke: letters",
        "test_the_migrated_letter_tables_equal_the_models": (
            "the migrated tables equal the models, per dialect"
        ),
    },
    "integration/test_api_presentations.py": {
        "test_draft_then_submitted_read_only_then_reviewed": "smoke: presentations",
        "test_two_reviews_at_once_one_wins_and_the_other_is_refused": "concurrent updates of one row",
    },
    "integration/test_api_access.py": {
        "test_lists_show_each_role_only_its_own": "smoke: the lists' queries",
    },
    "integration/test_api_dashboards.py": {
        "test_each_role_gets_its_own_dashboard_and_no_other": "smoke: dashboards' aggregate queries",
    },
    "integration/test_api_phi.py": {
        "test_a_hit_returns_its_spans_and_nothing_is_saved_or_logged": "smoke: the PHI check",
    },
    "integration/test_api_bad_input.py": {
        "test_huge_and_negative_numbers_are_refused": "driver integer limits",
        "test_nul_bytes_and_very_long_strings_are_refused_on_both_databases": (
            "PostgreSQL cannot store NUL; column lengths"
        ),
        "test_non_ascii_text_is_kept_intact": "text encoding",
    },
    "integration/test_certificates.py": {
        "test_hours_and_sessions_come_from_the_attendance_records": (
            "smoke: certificates; sums over attendance"
        ),
        "test_public_verification_genuine_tampered_changed_unknown": "lookups by code",
    },
    "integration/test_live_socket.py": {
        "test_host_admits_a_visitor_media_flows_and_the_visit_leaves_its_record": (
            "smoke: a live session writes its record"
        ),
    },
    "integration/test_account_self_service.py": {
        "test_a_visitor_closes_the_account_and_what_stays_and_what_goes": (
            "smoke: closing an account (seats released, the address freed and signed up again)"
        ),
        "test_an_email_change_link_expires_is_throttled_and_fails_once_the_address_is_taken": (
            "the unique address taken between the link and its use"
        ),
    },
    "integration/test_staff_invitations.py": {
        "test_an_invited_coordinator_runs_the_program_and_may_invite_in_turn": (
            "smoke: invitations, co-coordinators read with every program, the hand-over on closing"
        ),
    },
    "integration/test_messages.py": {
        "test_the_migrated_coach_and_message_tables_equal_the_models": (
            "the migrated tables (partial unique indexes, check constraint) equal the models, per dialect"
        ),
        "test_who_reads_and_writes_each_conversation": "smoke: messages; the thread and unread queries",
    },
    "integration/test_mail.py": {
        "test_two_senders_on_separate_engines_deliver_each_mail_exactly_once": (
            "FOR UPDATE SKIP LOCKED: two nodes' senders claiming the outbox at once"
        ),
    },
    "integration/test_calendars.py": {
        "test_a_feed_lists_the_owners_sessions_and_follows_moves_and_cancellations": (
            "smoke: calendars; the feed's time-window queries and a revision counted in SQL"
        ),
        "test_only_a_hash_is_kept_and_replaced_revoked_and_unknown_tokens_are_the_same_404": (
            "the partial unique index of one working feed per user"
        ),
    },
    "integration/test_catalog.py": {
        "test_text_search_ignores_case_accents_and_word_order": (
            "LIKE over the folded search key (case-sensitive on PostgreSQL, not on SQLite)"
        ),
        "test_the_start_date_and_profession_filters": "an EXISTS over blocks by date",
        "test_the_migrated_calendar_visit_and_program_tables_equal_the_models": (
            "the migrated tables equal the models, per dialect"
        ),
    },
    "integration/test_pages.py": {
        "test_an_application_walks_to_enrollment_through_forms": "smoke: the pages",
    },
    "integration/test_pages_hostile.py": {
        "test_every_page_route_answers_an_id_past_int32_with_404": "PostgreSQL refuses ids past int4",
        "test_a_live_session_id_past_int32_is_a_404_not_a_query": "PostgreSQL refuses ids past int4",
    },
}
#: argon2id as in production, at the lowest cost: the world's seven accounts and every login.
CHEAP_HASHER = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
CHEAP_DUMMY_HASH = CHEAP_HASHER.hash("rounds-timing-equaliser")  # what unknown emails are checked against


def backends_for(nodeid: str, marked: bool) -> list[Any]:
    """The databases a test runs on: both when ON_POSTGRES names its module or itself, when it is
    marked ``also_postgres`` or when ROUNDS_TEST_POSTGRES_EVERYWHERE is set; else SQLite only."""
    module, _, name = nodeid.removeprefix("tests/").partition("::")
    chosen = ON_POSTGRES.get(module)
    if POSTGRES_EVERYWHERE or marked or isinstance(chosen, str):
        return BOTH_DATABASES
    if chosen is not None and name.split("::")[-1] in chosen:
        return BOTH_DATABASES
    return SQLITE_ONLY


#: Tests that must not run beside each other under pytest-xdist (``-n 2 --dist loadgroup``, as
#: scripts/test runs the suite), by module: each group runs on one worker, one test after another.
#: Every other test goes to whichever worker is free.
SERIAL_GROUPS: dict[str, str] = {
    # They share the machine's Redis database 15 and empty it (tests/support/cluster.py).
    "integration/test_cluster.py": "shared-redis",
    "integration/test_cluster_command.py": "shared-redis",
    "integration/test_placement.py": "shared-redis",
    "e2e/test_cluster_session.py": "shared-redis",
    # The weak-link tests (a minute or two each, with browsers) build a network lab of their own, so the
    # lab's two halves can run on both workers: each lab's names and addresses are its own.
    "lab/test_weak_link.py": "network-lab-weak",
    "lab/test_weak_browsers.py": "network-lab-weak",
}
#: Directories whose modules each run on one worker: their module-scoped fixtures (a served demo, a
#: browser, a private PostgreSQL and Redis) are made once, not once per worker; the rest of the network
#: lab is one group (its session-scoped lab is built once per worker that runs any of it: about 20 s).
GROUP_BY_MODULE = ("e2e/", "integration/test_engine_restarts.py")
GROUP_WHOLE_DIRECTORY = {"lab/": "network-lab"}
#: The groups that take longest (a minute or more in all), in the order they start.
LONG_GROUPS_FIRST = {
    "network-lab-weak": 0,
    "shared-redis": 1,
    "network-lab": 2,
    "integration/test_engine_restarts.py": 3,
}


def xdist_group_of(nodeid: str) -> str | None:
    """The pytest-xdist group of a test (None: any worker), from :data:`SERIAL_GROUPS`,
    :data:`GROUP_BY_MODULE` and :data:`GROUP_WHOLE_DIRECTORY`."""
    module = nodeid.removeprefix("tests/").partition("::")[0]
    if module in SERIAL_GROUPS:
        return SERIAL_GROUPS[module]
    for directory, group in GROUP_WHOLE_DIRECTORY.items():
        if module.startswith(directory):
            return group
    if module.startswith(GROUP_BY_MODULE):
        return module
    return None


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark each test with its xdist group (harmless when the suite runs in one process). First:
    pytest-xdist's worker reads the marks in its own hook of this name (putting ``@group`` on each
    test's id, which is what the scheduler groups by); a mark added after that is ignored."""
    for item in items:
        group = xdist_group_of(item.nodeid)
        if group is not None:
            item.add_marker(pytest.mark.xdist_group(group))
    # The long serial groups first: the scheduler hands out groups in this order, and one started last
    # would leave the other worker idle while it runs.
    items.sort(
        key=lambda item: LONG_GROUPS_FIRST.get(xdist_group_of(item.nodeid) or "", len(LONG_GROUPS_FIRST))
    )


@pytest.hookimpl(trylast=True)
def pytest_collection_finish(session: pytest.Session) -> None:
    """Stop a run on two workers whose groups would be ignored (see :func:`xdist_groups_ignored`)."""
    ignored = xdist_groups_ignored(session.config, session.items)
    if ignored:
        raise pytest.UsageError(
            f"pytest-xdist ignores the xdist_group of {len(ignored)} tests (e.g. {ignored[0]}) with this "
            "pytest: install the versions in constraints.txt"
        )


def xdist_groups_ignored(config: pytest.Config, items: list[pytest.Item]) -> list[str]:
    """The tests whose xdist group the scheduler will not see: pytest-xdist's ``loadgroup`` puts
    ``@group`` on a grouped test's id, which pytest 9.2 no longer reads back (its node ids moved),
    and then tests that must not run side by side silently do (empty: groups work, or no loadgroup)."""
    if not getattr(config.option, "loadgroup", False):
        return []
    return [
        item.nodeid
        for item in items
        if item.get_closest_marker("xdist_group") is not None and "@" not in item.nodeid
    ]


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Give every test that uses a database (the ``backend`` fixture, directly or through another
    fixture) its databases, chosen by :func:`backends_for`. The ids stay ``[sqlite]`` and
    ``[postgres]`` so that ``-k`` and the report say which database ran."""
    if "backend" not in metafunc.fixturenames:
        return
    marked = metafunc.definition.get_closest_marker("also_postgres") is not None
    metafunc.parametrize("backend", backends_for(metafunc.definition.nodeid, marked), indirect=True)


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


def require_postgres() -> None:
    """Skip the test when PostgreSQL does not answer, except in CI, which must run it: there it fails."""
    problem = asyncio.run(databases.postgres_available())
    if problem is not None:
        message = f"PostgreSQL is not reachable at {databases.POSTGRES_ADMIN_URL}: {problem}"
        if IN_CI:
            pytest.fail(message + " (CI must run the PostgreSQL tests)")
        pytest.skip(message)


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """One migrated PostgreSQL database for the whole run, dropped at the end."""
    require_postgres()
    url = asyncio.run(databases.create_postgres_database())
    yield url
    asyncio.run(databases.drop_postgres_database(url))


def run_directory(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A directory of this run that every pytest-xdist worker sees (the parent of the workers' own
    temporary directories; in one process, that process's own)."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


@pytest.fixture(scope="session")
def sqlite_demo(tmp_path_factory: pytest.TempPathFactory) -> Demo:
    """``rounds demo --no-serve`` once per run into a data directory (its SQLite file inside): the
    browser tests' servers and the fuzzer's start on copies of it (never on it). Built by the first
    worker that needs it, not by each: a load is seconds of CPU, and both workers need it early."""
    directory = built_once(
        run_directory(tmp_path_factory) / "demo-sqlite", lambda built: load_demo(built / "var")
    )
    return Demo(directory / "var")


@pytest.fixture(scope="session")
def postgres_demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demo]:
    """The demo once per run in a PostgreSQL database (with the cluster's secret key), dropped at the
    end: the cluster tests' nodes, and the fuzzer on PostgreSQL, start on clones of it."""
    # Imported here: the cluster's helpers bring in the live-session client, which most runs never use.
    from tests.support.cluster import load_cluster_demo

    require_postgres()
    url = asyncio.run(databases.create_postgres_database("rounds_demo_"))
    try:
        yield load_cluster_demo(tmp_path_factory.mktemp("demo-postgres") / "var", url)
    finally:
        asyncio.run(databases.drop_postgres_database(url))


@pytest.fixture(scope="module")
def backend(request: pytest.FixtureRequest) -> str:
    """The database a test runs on, ``sqlite`` or ``postgres``: see :func:`pytest_generate_tests`.
    Module-scoped so that a module-scoped fixture (the fuzzer's server) can depend on it too."""
    return str(request.param)


@pytest.fixture(scope="session")
def sqlite_world_template(sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory) -> WorldTemplate:
    """The test world, built once per run into a SQLite file that each test using it copies."""
    with pytest.MonkeyPatch.context() as patch:  # the same cheap hashes as a world built in a test
        patch.setattr(accounts, "_hasher", CHEAP_HASHER)
        directory = tmp_path_factory.mktemp("world")
        return asyncio.run(make_sqlite_world_template(sqlite_template, directory, CLOCK_START))


@pytest.fixture(scope="session")
def postgres_world_template(postgres_url: str) -> PostgresWorldTemplate:
    """The test world, built once per run into the run's PostgreSQL database and kept beside it."""
    with pytest.MonkeyPatch.context() as patch:  # the same cheap hashes as a world built in a test
        patch.setattr(accounts, "_hasher", CHEAP_HASHER)
        return asyncio.run(make_postgres_world_template(postgres_url, CLOCK_START))


@pytest.fixture
def database_url(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh database for one test: on SQLite a copy of the migrated template, or of the world's
    when the test uses ``world``; on PostgreSQL the run's database, emptied (and the world's rows put
    back when the test uses ``world``)."""
    if backend == "sqlite":
        if "world" in request.fixturenames:
            world_template = request.getfixturevalue("sqlite_world_template")
            return databases.copy_sqlite(world_template.path, tmp_path / "t.db")
        return databases.copy_sqlite(request.getfixturevalue("sqlite_template"), tmp_path / "t.db")
    url = request.getfixturevalue("postgres_url")
    assert isinstance(url, str)
    world_template = (
        request.getfixturevalue("postgres_world_template") if "world" in request.fixturenames else None
    )
    engine = make_engine(url)

    async def empty() -> None:
        await databases.empty_postgres(engine)
        if world_template is not None:
            await restore_postgres_world(engine, world_template)
        await engine.dispose()

    asyncio.run(empty())
    return url


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(CLOCK_START)


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
    # The app's own notification setup (links, unsubscribe key): what a test writes through these
    # units of work, the app under test reads back.
    yield UnitOfWorkFactory(
        make_sessionmaker(engine), clock, offer_hold_days=7, notify=notify_setup(settings)
    )
    await engine.dispose()


@pytest.fixture
def world(backend: str, database_url: str, request: pytest.FixtureRequest) -> World:
    """Who exists and what they run (:func:`tests.support.world.build_world`). The test's database
    already holds a copy of it (see ``database_url``): this is the template's world, copied (a test
    may change it)."""
    template: WorldTemplate | PostgresWorldTemplate = request.getfixturevalue(f"{backend}_world_template")
    return copy.deepcopy(template.world)


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
