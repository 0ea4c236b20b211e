"""The letter's page is loaded in one unit of work with the evidence gathered once, for the author (a
fresh draft, a saved version) and for the visitor (whose view of a signed letter is still audited, and
whose waived letter is still refused); the overview too takes one unit of work."""

from __future__ import annotations

from typing import Any

import pytest

from server.db.uow import UnitOfWork, UnitOfWorkFactory
from server.domain.letters import StoredLetterRequest
from server.services import letters, letters_pages
from tests.integration.test_api_letters import OWN, paragraphs_in, setup
from tests.integration.test_api_record import audit_rows
from tests.support.world import World


class CountingUows(UnitOfWorkFactory):
    """The app's factory, counting the units of work (transactions) it hands out."""

    def __init__(self, uows: UnitOfWorkFactory) -> None:
        super().__init__(uows.maker, uows.clock, uows.offer_hold_days)
        self.opened = 0

    def __call__(self) -> UnitOfWork:
        self.opened += 1
        return super().__call__()


@pytest.fixture
def gathered(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The request ids whose evidence (``letters.letter_sources``) was gathered, once per gathering."""
    calls: list[int] = []
    original = letters.letter_sources

    async def counting(uow: UnitOfWork, row: StoredLetterRequest) -> letters.LetterSources:
        calls.append(row.id)
        return await original(uow, row)

    monkeypatch.setattr(letters, "letter_sources", counting)
    return calls


async def test_the_authors_fresh_draft_is_one_unit_of_work_and_one_gathering(
    world: World, make_api: Any, uows: UnitOfWorkFactory, gathered: list[int]
) -> None:
    s = await setup(world, make_api, uows, waived=False)
    rid = s["request"]["id"]
    await s["preceptor"].post(f"/letter-requests/{rid}/decision", {"decision": "accept"})
    gathered.clear()
    counting = CountingUows(uows)

    space = await letters_pages.letter_workspace(counting, world.preceptor, rid)

    assert (counting.opened, gathered) == (1, [rid])
    assert space.from_draft and space.paragraphs and space.to_add and space.document is None
    # The one gathering both drafted and labelled the records the paragraphs rest on.
    labels = [item.label for p in space.paragraphs for item in p.evidence]
    assert any(label.startswith("Your week 1 evaluation") for label in labels)


async def test_a_saved_version_and_a_fresh_draft_beside_it_are_one_unit_of_work(
    world: World, make_api: Any, uows: UnitOfWorkFactory, gathered: list[int]
) -> None:
    s = await setup(world, make_api, uows, waived=False)
    preceptor, rid = s["preceptor"], s["request"]["id"]
    await preceptor.post(f"/letter-requests/{rid}/decision", {"decision": "accept"})
    draft = await preceptor.post(f"/letter-requests/{rid}/draft", {})
    edited = [*paragraphs_in(draft), {"text": OWN, "evidence": [], "kind": "own"}]
    await preceptor.put(f"/letter-requests/{rid}/letter", {"paragraphs": edited})

    for fresh in (False, True):
        gathered.clear()
        counting = CountingUows(uows)
        space = await letters_pages.letter_workspace(counting, world.preceptor, rid, fresh_draft=fresh)
        assert (counting.opened, gathered) == (1, [rid]), fresh
        assert space.from_draft is fresh and len(space.history) == 1 and space.document is not None
        assert (OWN in [p.text for p in space.paragraphs]) is not fresh


async def test_the_visitors_page_is_one_unit_of_work_and_their_reading_is_audited(
    world: World, make_api: Any, uows: UnitOfWorkFactory, gathered: list[int]
) -> None:
    s = await setup(world, make_api, uows, waived=False)
    preceptor, rid = s["preceptor"], s["request"]["id"]
    await preceptor.post(f"/letter-requests/{rid}/decision", {"decision": "accept"})
    draft = await preceptor.post(f"/letter-requests/{rid}/draft", {})
    await preceptor.put(f"/letter-requests/{rid}/letter", {"paragraphs": paragraphs_in(draft)})
    await preceptor.post(f"/letter-requests/{rid}/sign", {"confirm": True})
    gathered.clear()
    before = await audit_rows(uows)
    counting = CountingUows(uows)

    space = await letters_pages.letter_workspace(counting, world.student, rid)

    assert (counting.opened, gathered) == (1, [])
    assert space.document is not None and space.document.signed and space.refusal is None
    assert (await audit_rows(uows))[len(before) :] == [(world.student.user_id, "read", "letter", rid)]


async def test_a_waived_letter_is_refused_on_the_visitors_page_in_one_unit_of_work(
    world: World, make_api: Any, uows: UnitOfWorkFactory
) -> None:
    s = await setup(world, make_api, uows, waived=True)
    counting = CountingUows(uows)

    space = await letters_pages.letter_workspace(counting, world.student, s["request"]["id"])

    assert counting.opened == 1
    assert space.document is None and space.refusal and "waived" in space.refusal


async def test_the_visitors_overview_is_one_unit_of_work(
    world: World, make_api: Any, uows: UnitOfWorkFactory
) -> None:
    s = await setup(world, make_api, uows, waived=False)
    counting = CountingUows(uows)

    overview = await letters_pages.letters_overview(counting, world.student)

    assert counting.opened == 1
    assert [r.id for r in overview.requests] == [s["request"]["id"]] and overview.options
