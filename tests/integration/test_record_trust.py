"""Issue 18, item 1: the facts a letter states "as recorded by the Rounds platform" come only from what
the platform recorded (sessions it hosted, the visitor's attendance, the consent the host recorded);
what a visitor enters is self-reported everywhere it is shown, never carries a patient's consent, and
names a session only if that session exists, is of the enrollment's program and had the visitor in it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from alembic import command
from sqlalchemy import Connection, text

from server.config import Settings
from server.db.engine import make_engine
from server.db.migrate import alembic_config
from server.db.uow import UnitOfWorkFactory
from server.domain.caselog import EncounterKind
from server.domain.visits import ParticipantRole
from server.services import live as live_visits
from tests.integration.test_api_letters import setup
from tests.integration.test_api_visits import START, enrollment, visit_body  # noqa: F401
from tests.integration.test_pages import browser_for
from tests.support.client import Api
from tests.support.world import FakeClock, World


async def hosted(
    make_api: Any,
    uows: UnitOfWorkFactory,
    clock: FakeClock,
    world: World,
    hour: int,
    *,
    kind: str = "patient_visit",
    consent: bool = True,
    attended: bool = True,
    end: bool = True,
) -> int:
    """A session of the first block hosted through the services as the live room does: the host joins,
    the student joins (``attended``), the host records the patient's consent (``consent``) and ends it."""
    preceptor: Api = await make_api(world.preceptor.email)
    starts = START + timedelta(hours=hour)
    body = visit_body(world, [world.student.user_id], kind=kind, starts_at=starts.isoformat())
    body["title"] = f"Session at {hour}"
    visit_id: int = (await preceptor.post("/visits", body, expect=201))["id"]
    clock.current = starts
    host = await live_visits.authorize_join(uows(), world.preceptor, visit_id, None)
    await live_visits.record_attendance_start(uows(), visit_id, host, starts)
    if attended:
        learner = await live_visits.authorize_join(uows(), world.student, visit_id, None)
        await live_visits.record_attendance_start(uows(), visit_id, learner, starts)
    if consent and kind == "patient_visit":
        await live_visits.record_consent(
            uows(), visit_id, world.preceptor.user_id, "observe", "verbal", starts
        )
    if end:
        await live_visits.end_visit(uows(), visit_id, starts + timedelta(minutes=30))
    return visit_id


async def test_the_letter_counts_only_patients_the_platform_saw_and_labels_the_rest_self_reported(
    world: World, make_api: Any, uows: UnitOfWorkFactory, clock: FakeClock
) -> None:
    s = await setup(world, make_api, uows, waived=False)
    preceptor, visitor, rid, e = s["preceptor"], s["visitor"], s["request"]["id"], s["enrollment"]
    # What the visitor says: three patient visits and a huddle. Before the fix these counted.
    for kind in ("patient_visit", "patient_visit", "patient_visit", "huddle"):
        body = {"week": 1, "kind": kind, "setting": "telehealth_video"}
        await visitor.post(f"/enrollments/{e}/encounters", body, expect=201)
    # What the platform saw: one patient visit with consent, one without, a huddle, and a patient
    # visit the student never joined.
    await hosted(make_api, uows, clock, world, 0)
    await hosted(make_api, uows, clock, world, 1, consent=False)
    await hosted(make_api, uows, clock, world, 2, kind="huddle")
    await hosted(make_api, uows, clock, world, 3, attended=False)
    listed = await visitor.get(f"/enrollments/{e}/encounters")
    assert sorted(x["source"] for x in listed) == ["platform"] * 3 + ["visitor"] * 4
    assert all(x["self_reported"] == (x["source"] == "visitor") for x in listed)

    await preceptor.post(f"/letter-requests/{rid}/decision", {"decision": "accept"})
    draft = await preceptor.post(f"/letter-requests/{rid}/draft", {})
    context = draft["paragraphs"][0]["text"]
    assert "As recorded by the Rounds platform" in context and "care of 1 patient." in context, context

    author = await browser_for(make_api, world.preceptor.email)
    page = (await author.get(f"/letters/{rid}")).text
    assert "1 patients seen (patient visits Rounds hosted" in page, page
    assert "4 more encounters self-reported by the visitor, not counted" in page


async def test_a_visitor_never_attests_consent_nor_names_a_session_they_were_not_in(
    world: World,
    make_api: Any,
    uows: UnitOfWorkFactory,
    clock: FakeClock,
    enrollment: int,  # noqa: F811
) -> None:
    visitor: Api = await make_api(world.student.email)
    url = f"/enrollments/{enrollment}/encounters"
    base = {"week": 1, "kind": "patient_visit", "setting": "telehealth_video"}

    async def refused(body: dict[str, Any], status: int, field: str, words: str) -> None:
        code, answer = await visitor.call("POST", url, json=body)
        assert code == status and answer["error"].get("field") == field, answer
        assert words in answer["error"]["message"], answer

    for flag in (True, False):
        await refused({**base, "consent_recorded": flag}, 422, "consent_recorded", "host records it")
    await refused({**base, "session_id": 999_999}, 422, "session_id", "no record of this enrollment")
    missed = await hosted(make_api, uows, clock, world, 0, attended=False)
    await refused({**base, "session_id": missed}, 422, "session_id", "no record of this enrollment")
    attended = await hosted(make_api, uows, clock, world, 1)
    await refused(
        {**base, "kind": "huddle", "session_id": attended}, 422, "session_id", "was a patient_visit"
    )
    await refused({**base, "session_id": attended}, 409, "session_id", "already recorded")
    running = await hosted(make_api, uows, clock, world, 2, end=False)
    code, answer = await visitor.call("POST", url, json={**base, "session_id": running})
    assert code == 409 and "has not ended" in answer["error"]["message"], answer
    # A session of another program is no session of this enrollment's, even with the visitor in it.
    async with uows() as uow:
        elsewhere = await uow.visits.add(
            program_id=world.other_program_id,
            block_id=world.other_block_ids[0],
            host_id=world.other_preceptor.user_id,
            kind=EncounterKind.PATIENT_VISIT,
            title="Another program's clinic",
            starts_at=START,
            duration_minutes=30,
            created_at=START,
            invitations=[],
        )
        await uow.visits.add_interval(
            visit_id=elsewhere.id,
            user_id=world.student.user_id,
            participant_key=f"user-{world.student.user_id}",
            role=ParticipantRole.VISITOR,
            connected_at=START,
        )
        await uow.commit()
    await refused({**base, "session_id": elsewhere.id}, 422, "session_id", "no record of this enrollment")
    # Nothing of the above was written.
    assert [x["source"] for x in await visitor.get(url)] == ["platform"]


async def test_the_record_and_case_log_pages_say_self_reported(
    world: World,
    make_api: Any,
    uows: UnitOfWorkFactory,
    clock: FakeClock,
    enrollment: int,  # noqa: F811
) -> None:
    await hosted(make_api, uows, clock, world, 0, kind="huddle")
    await hosted(make_api, uows, clock, world, 1, kind="huddle")
    api: Api = await make_api(world.student.email)
    mine = await api.post(
        f"/enrollments/{enrollment}/encounters",
        {"week": 1, "kind": "huddle", "setting": "telehealth_video"},
        expect=201,
    )
    assert mine["label"].endswith("self-reported") and "entered" in mine["label"]
    browser = await browser_for(make_api, world.student.email)
    record = (await browser.get(f"/record/enrollments/{enrollment}")).text
    assert record.count("<td>Self-reported</td>") == 1 and record.count("<td>Recorded by Rounds</td>") == 2
    assert "3 in 4 weeks (1 self-reported)" in record
    # Everywhere the encounters are counted, the self-reported one is said apart (item 1).
    assert "3 encounters (1 self-reported)" in (await browser.get("/record")).text
    learning = (await browser.get(f"/record/enrollments/{enrollment}/learning")).text
    assert "1 of the encounters counted here was self-reported" in learning
    coordinator = await browser_for(make_api, world.coordinator.email)
    progress = (await coordinator.get("/record")).text
    row = progress[progress.index(f'id="progress-{enrollment}"') :]
    assert '<span class="help">1 self-reported</span>' in row[: row.index("</tr>")]
    # Item 21: the picker tells the two huddles of week 1 apart by date and title.
    form = (await browser.get(f"/record/enrollments/{enrollment}/caselogs/new")).text
    assert "Week 1 · Huddle · Tue Dec 1, 2026 · Session at 0</option>" in form
    assert "Week 1 · Huddle · Tue Dec 1, 2026 · Session at 1</option>" in form
    assert "self-reported</option>" in form
    assert 'name="consent_recorded"' not in form  # nothing for a visitor to attest
    evaluation = (
        await (await browser_for(make_api, world.preceptor.email)).get(
            f"/record/enrollments/{enrollment}/evaluations/new"
        )
    ).text
    assert "Week 1 · Huddle · Tue Dec 1, 2026 · Session at 0</option>" in evaluation
    assert "#" not in "".join(line for line in evaluation.splitlines() if "<option" in line)


@pytest.mark.also_postgres  # the backfill is plain SQL: both engines must read it alike
async def test_migration_0011_sorts_existing_encounters_and_drops_what_a_visitor_attested(
    world: World,
    make_api: Any,
    uows: UnitOfWorkFactory,
    clock: FakeClock,
    settings: Settings,
    enrollment: int,  # noqa: F811
) -> None:
    """Rows written before the column existed: the platform's own stays the platform's; a visitor's
    entry loses the consent it claimed and a session it was not in; a preceptor's stays as entered."""
    attended = await hosted(make_api, uows, clock, world, 0)
    missed = await hosted(make_api, uows, clock, world, 1, attended=False)
    engine = make_engine(settings.database_url)

    def to(revision: str) -> Callable[[Connection], None]:
        def run(connection: Connection) -> None:
            cfg = alembic_config()
            cfg.attributes["connection"] = connection
            if revision == "0010":
                command.downgrade(cfg, revision)
            else:
                command.upgrade(cfg, revision)

        return run

    student, preceptor = world.student.user_id, world.preceptor.user_id
    rows = [  # (session_id, kind, consent_recorded, created_by)
        (missed, "patient_visit", True, student),
        (999_999, "huddle", None, student),
        (None, "patient_visit", True, student),
        (None, "patient_visit", True, preceptor),
    ]
    try:
        async with engine.begin() as conn:
            await conn.run_sync(to("0010"))
            for session_id, kind, consent, by in rows:
                await conn.execute(
                    text(
                        "INSERT INTO encounters (enrollment_id, session_id, kind, setting, rotation_week, "
                        "consent_id, consent_recorded, created_by, created_at) VALUES "
                        "(:e, :s, :k, 'telehealth_video', 1, NULL, :c, :b, :at)"
                    ),
                    {
                        "e": enrollment,
                        "s": session_id,
                        "k": kind,
                        "c": consent,
                        "b": by,
                        "at": START.replace(tzinfo=None),
                    },
                )
    finally:
        async with engine.begin() as conn:
            await conn.run_sync(to("head"))
        await engine.dispose()
    async with uows() as uow:
        found = [
            (e.source.value, e.session_id, e.consent_recorded)
            for e in await uow.encounters.of_enrollment(enrollment)
        ]
    assert sorted(found, key=str) == sorted(
        [
            ("platform", attended, True),
            ("visitor", None, None),
            ("visitor", None, None),
            ("visitor", None, None),
            ("preceptor", None, True),
        ],
        key=str,
    )
