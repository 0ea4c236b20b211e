"""The catalog through HTTP (API and page): text search over titles, specialties and descriptions (case
and accents ignored, words in any order, on SQLite and PostgreSQL), the start-date and profession
filters, a block that has started never called "next" (with a clock moved past the first blocks),
filters that cannot be read explained, and the sign-up link for anonymous visitors. The world's blocks
start on 30 Nov 2026, 28 Dec 2026 and 25 Jan 2027; the clock starts at 24 Nov 2026."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection

from server.config import Settings
from server.db.engine import make_engine
from server.db.migrate import alembic_config
from server.db.models import Base
from server.db.uow import UnitOfWorkFactory
from tests.integration.pages_browser import assert_labelled_and_outlined
from tests.integration.test_api_programs import ids, program_spec
from tests.integration.test_api_record import enroll
from tests.integration.test_pages import browser_for
from tests.support.client import Api
from tests.support.world import FakeClock, World


async def publish(coordinator: Api, *, blocks: list[str], **spec: Any) -> int:
    program = await coordinator.post("/programs", program_spec(**spec), expect=201)
    for start in blocks:
        await coordinator.post(
            f"/programs/{program['id']}/blocks", {"start_date": start, "capacity": 3}, expect=201
        )
    return int(program["id"])


async def test_text_search_ignores_case_accents_and_word_order(world: World, make_api: Any) -> None:
    coordinator = await make_api(world.coordinator.email)
    peds = await publish(
        coordinator,
        blocks=[],
        title="Pédiatrie à distance",
        specialty="Pediatrics",
        description="Télésanté for CHILDREN with asthma, from São Paulo clinics.",
    )
    derm = await publish(
        coordinator,
        blocks=[],
        title="Teledermatology Research",
        specialty="Dermatology",
        description="Skin clinics; 100% virtual.",
    )
    anonymous = await make_api()
    observerships = sorted([world.program_id, world.step1_program_id, world.other_program_id])
    assert await ids(anonymous, "?q=pediatrie") == [peds]  # accent typed or not
    assert await ids(anonymous, "?q=PÉDIATRIE") == [peds]
    assert await ids(anonymous, "?q=sao%20paulo%20children") == [peds]  # words in any order
    assert await ids(anonymous, "?q=children%20dermatology") == []  # every word must match
    assert await ids(anonymous, "?q=telesante") == [peds]
    assert await ids(anonymous, "?q=dermat") == [derm]  # the start of a word
    assert await ids(anonymous, "?q=ermatology") == []  # not the middle of one
    assert await ids(anonymous, "?q=100%25") == [derm]
    everything = sorted([*observerships, peds, derm])
    assert sorted(await ids(anonymous, "?q=%25")) == everything  # no words: no filter (not a wildcard)
    assert sorted(await ids(anonymous, "?q=_")) == everything
    # "Step 1 Hands-on" is an observership by type, not by its words: the search reads words only.
    assert sorted(await ids(anonymous, "?q=observership")) == sorted(
        [world.program_id, world.other_program_id]
    )
    assert await ids(anonymous, "?q=internal%20medicine%20open") == [world.program_id]
    assert await ids(anonymous, "?q=pediatrics&specialty=Dermatology") == []  # with the other filters
    # The page searches the same way and keeps what was typed.
    page = await (await browser_for(make_api, None)).get("/programs?q=S%C3%A3o+PAULO")
    assert "Pédiatrie à distance" in page.text and "Teledermatology" not in page.text
    assert_labelled_and_outlined("/programs", page.text)
    assert 'value="São PAULO"' in page.text


async def test_the_start_date_and_profession_filters(world: World, make_api: Any) -> None:
    coordinator = await make_api(world.coordinator.email)
    nursing = await publish(
        coordinator, blocks=["2027-03-01"], title="Telehealth Nursing", allowed_professions=["Nursing"]
    )
    anonymous = await make_api()
    observerships = sorted([world.program_id, world.step1_program_id, world.other_program_id])
    # Blocks starting on or after the day: the world's last blocks start on 25 Jan 2027.
    assert await ids(anonymous, "?starts_from=2027-01-26") == [nursing]
    assert sorted(await ids(anonymous, "?starts_from=2027-01-25")) == sorted([*observerships, nursing])
    assert await ids(anonymous, "?starts_from=2027-03-02") == []
    found = {p["id"]: p for p in await anonymous.get("/programs?starts_from=2026-12-01")}
    # The next block shown is the first on or after the day asked for.
    assert found[world.program_id]["next_block"]["start_date"] == "2026-12-28"
    # Professions: a program that names none is open to all; names compare in any case.
    assert sorted(await ids(anonymous, "?profession=nursing")) == sorted([*observerships, nursing])
    world_programs = await anonymous.get("/programs?profession=dentistry")
    assert sorted(p["id"] for p in world_programs) == observerships
    page = await (await browser_for(make_api, None)).get(
        "/programs?starts_from=2027-01-26&profession=nursing"
    )
    assert "Telehealth Nursing" in page.text and "Open Observership" not in page.text
    assert 'value="2027-01-26"' in page.text and '<option value="nursing" selected>' in page.text


async def test_a_block_that_has_started_is_never_called_next(
    world: World, make_api: Any, clock: FakeClock
) -> None:
    anonymous = await make_api()
    before = {p["id"]: p for p in await anonymous.get("/programs")}
    assert before[world.program_id]["next_block"]["start_date"] == "2026-11-30"
    # 5 Jan 2027: the first block (30 Nov - 27 Dec) is over, the second (from 28 Dec) under way.
    clock.current = datetime(2027, 1, 5, 12, 0, tzinfo=UTC)
    after = {p["id"]: p for p in await anonymous.get("/programs")}
    assert after[world.program_id]["next_block"]["start_date"] == "2027-01-25"
    assert after[world.program_id]["blocks"][0]["start_date"] == "2026-11-30"  # still listed
    page = await (await browser_for(make_api, None)).get("/programs")
    assert 'Next block starts <time datetime="2027-01-25">25 Jan 2027</time>' in page.text
    assert 'Next block starts <time datetime="2026-11-30"' not in page.text
    assert "1 of 1 coming blocks with seats free" in page.text
    # After the last block has started there is no next block at all.
    clock.current = datetime(2027, 1, 26, 12, 0, tzinfo=UTC)
    assert all(p["next_block"] is None for p in await anonymous.get("/programs"))
    page = await (await browser_for(make_api, None)).get("/programs")
    assert "Next block starts" not in page.text and "No upcoming blocks" in page.text


async def test_filters_that_cannot_be_read_are_explained(world: World, make_api: Any) -> None:
    anonymous = await make_api()
    for query, field in [
        ("?starts_from=2027-13-01", "starts_from"),
        ("?starts_from=tomorrow", "starts_from"),
        ("?profession=astronaut", "profession"),
        ("?q=" + "+".join(f"w{i}" for i in range(9)), "q"),
        ("?q=" + "a" * 201, "q"),
        ("?starts_from=2027-01-01&starts_from=2027-02-01", "starts_from"),
    ]:
        status, body = await anonymous.call("GET", "/programs" + query)
        assert status == 422 and body["error"]["field"] == field, (query, body)
        assert body["error"]["message"], body
    browser = await browser_for(make_api, None)
    page = await browser.get("/programs?starts_from=2027-13-01&q=cardio", expect=422)
    assert 'role="alert"' in page.text and "Blocks starting on or after" in page.text
    assert_labelled_and_outlined("/programs (refused)", page.text)
    assert 'value="cardio"' in page.text and 'value="2027-13-01"' not in page.text.split("</form>")[1]
    assert "0 programs" in page.text


async def test_anonymous_visitors_are_offered_an_account_from_the_catalog(
    world: World, make_api: Any
) -> None:
    page = await (await browser_for(make_api, None)).get("/programs")
    assert '<a href="/signup" id="catalog-sign-up">Create an account</a>' in page.text
    await (await browser_for(make_api, None)).get("/signup")  # the page it leads to exists
    logged_in = await (await browser_for(make_api, world.student.email)).get("/programs")
    assert "catalog-sign-up" not in logged_in.text


async def test_the_migrated_calendar_visit_and_program_tables_equal_the_models(database_url: str) -> None:
    engine = make_engine(database_url)

    def diffs(conn: Connection) -> list[Any]:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        return compare_metadata(context, Base.metadata)

    try:
        async with engine.connect() as conn:
            found = await conn.run_sync(diffs)
    finally:
        await engine.dispose()
    ours = [
        d for d in found if any(f"'{name}'" in repr(d) for name in ("calendar_feeds", "visits", "programs"))
    ]
    assert ours == [], ours


@pytest.mark.also_postgres  # the backfill reads and writes through both engines' drivers
async def test_migration_0014_keys_existing_programs_and_counts_cancellations_as_revisions(
    world: World, make_api: Any, uows: UnitOfWorkFactory, settings: Settings
) -> None:
    """Programs and visits written before 0014: each program gets its search key, a cancelled visit
    starts at sequence 1, and the downgrade takes every new column and table away again."""
    await enroll(uows, world.student, world.program_id, world.block_ids[:1])
    preceptor: Api = await make_api(world.preceptor.email)
    body = {
        "block_id": world.block_ids[0],
        "kind": "huddle",
        "title": "Huddle",
        "starts_at": "2026-12-01T14:00:00Z",
        "duration_minutes": 30,
        "visitor_ids": [world.student.user_id],
    }
    kept = await preceptor.post("/visits", body, expect=201)
    cancelled = await preceptor.post("/visits", body, expect=201)
    engine = make_engine(settings.database_url)

    def to(revision: str) -> Callable[[Connection], None]:
        def run(connection: Connection) -> None:
            cfg = alembic_config()
            cfg.attributes["connection"] = connection
            if revision == "0011":
                command.downgrade(cfg, revision)
            else:
                command.upgrade(cfg, revision)

        return run

    try:
        async with engine.begin() as conn:
            await conn.run_sync(to("0011"))
            assert "calendar_feeds" not in await conn.run_sync(lambda c: inspect(c).get_table_names())
            await conn.execute(
                text("UPDATE visits SET status = 'cancelled' WHERE id = :v"), {"v": cancelled["id"]}
            )
            await conn.execute(
                text("UPDATE programs SET description = :d WHERE id = :p"),
                {"d": "Télésanté, São Paulo", "p": world.program_id},
            )
    finally:
        async with engine.begin() as conn:
            await conn.run_sync(to("head"))
        await engine.dispose()
    anonymous = await make_api()
    assert await ids(anonymous, "?q=sao%20telesante") == [world.program_id]
    assert await ids(anonymous, "?q=elsewhere") == [world.other_program_id]
    async with uows() as uow:
        assert (await uow.visits.get(kept["id"])).sequence == 0  # type: ignore[union-attr]
        assert (await uow.visits.get(cancelled["id"])).sequence == 1  # type: ignore[union-attr]
