"""Coaches and messages over the API (issue 16, items 1-2): Rounds gives every applicant a coach, a
coordinator of the program reassigns one; conversations with the coach and with a preceptor, who may
read and write each one (per record and role), the PHI guard on every message, attachments, unread
counts and paging."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest
from sqlalchemy import func, select

from server.db import models
from server.db.uow import UnitOfWorkFactory
from server.domain.actors import Actor
from server.domain.phi import check_text
from server.domain.phi.hits import PhiCategory
from server.domain.vocab import Role
from server.services import accounts
from tests.integration.api_helpers import apply
from tests.integration.test_api_record import audit_rows, enroll
from tests.integration.test_notifications import choose, mails_to, notes_of
from tests.support.client import DEMO_PASSWORD, Api
from tests.support.world import PDF, PNG, World

#: Who is asked in the messages' access matrix, in the order the expected statuses are listed.
WHO = (
    "visitor",
    "other_visitor",
    "coach",
    "co_coordinator",  # another coordinator of the same program
    "other_coordinator",  # the coordinator of another program
    "preceptor",
    "other_preceptor",
    "anonymous",
)
COACH_NAME = "Grace Okafor"
PATIENT_PHONE = "Mr. Hale's daughter asked me to call her back at 555-867-5309 about his results."


async def co_coordinator(uows: UnitOfWorkFactory, world: World) -> Actor:
    """A second coordinator of the open program (joined as by invitation)."""
    async with uows() as uow:
        user = await accounts.create_user(
            uow,
            email="co.coordinator@example.org",
            password=DEMO_PASSWORD,
            role=Role.COORDINATOR,
            full_name="Adaeze Obi",
        )
        await uow.programs.add_coordinator(world.program_id, user.id)
        await uow.commit()
        return accounts.actor_of(user)


async def name_the_coach(uows: UnitOfWorkFactory, world: World) -> None:
    """Give the program's publishing coordinator a person's name, for the guard's parties."""
    async with uows() as uow:
        user = await uow.users.get(world.coordinator.user_id)
        assert user is not None
        await uow.users.update(replace(user, full_name=COACH_NAME))
        await uow.commit()


async def apis_of(world: World, co: Actor, make_api: Any) -> dict[str, Api]:
    emails = {
        "visitor": world.student.email,
        "other_visitor": world.other_student.email,
        "coach": world.coordinator.email,
        "co_coordinator": co.email,
        "other_coordinator": world.other_coordinator.email,
        "preceptor": world.preceptor.email,
        "other_preceptor": world.other_preceptor.email,
        "anonymous": None,
    }
    return {who: await make_api(email) for who, email in emails.items()}


async def matrix_mismatches(
    apis: dict[str, Api], cases: list[tuple[str, str, Any, tuple[int, ...]]]
) -> list[str]:
    """As :func:`tests.integration.api_helpers.access_matrix_mismatches`, over :data:`WHO`."""
    wrong = []
    for method, path, body, expected in cases:
        for who, status in reversed(list(zip(WHO, expected, strict=True))):
            got, answer = await apis[who].call(method, path, json=body)
            if got != status:
                wrong.append(f"{who} {method} {path}: {got} (expected {status}) {answer!r:.150}")
            elif got >= 400:
                assert set(answer["error"]) >= {"code", "message"}
    return wrong


async def count(uows: UnitOfWorkFactory, table: Any) -> int:
    async with uows() as uow:
        return int((await uow.db.execute(select(func.count()).select_from(table))).scalar_one())


# --- coaches ----------------------------------------------------------------------------------------


async def test_rounds_gives_the_coordinator_with_fewest_cases_and_a_coordinator_reassigns(
    world: World, make_api: Any, uows: UnitOfWorkFactory
) -> None:
    co = await co_coordinator(uows, world)
    student, graduate = await make_api(world.student.email), await make_api(world.graduate.email)
    coordinator, other = (
        await make_api(world.coordinator.email),
        await make_api(world.other_coordinator.email),
    )
    draft = await apply(student, world.program_id, world.block_ids[:1], submit=False)
    # A draft is not an application yet: no coach.
    assert (await student.get(f"/applications/{draft['id']}/coach"))["coach"] is None
    await student.post(f"/applications/{draft['id']}/actions", {"action": "submit"})
    first = draft["id"]
    # Both coordinators have no case: the one who published the program comes first.
    mine = await student.get(f"/applications/{first}/coach")
    assert mine["coach"] == {"id": world.coordinator.user_id, "full_name": world.coordinator.full_name}
    assert mine["history"] == []  # the visitor sees their coach, not who moved whom
    second = (await apply(graduate, world.program_id, world.block_ids[:1]))["id"]
    # The publisher now has one open case, the co-coordinator none: the new applicant goes to them.
    assert (await graduate.get(f"/applications/{second}/coach"))["coach"]["id"] == co.user_id
    seen = await coordinator.get(f"/applications/{first}/coach")
    assert [(h["coach"]["id"], h["previous_coach"], h["assigned_by"]) for h in seen["history"]] == [
        (world.coordinator.user_id, None, None)
    ]

    moved = await coordinator.put(f"/applications/{first}/coach", {"coach_id": co.user_id})
    assert moved["coach"]["id"] == co.user_id
    last = moved["history"][-1]
    assert last["previous_coach"]["id"] == world.coordinator.user_id
    assert last["assigned_by"]["id"] == world.coordinator.user_id
    assert (world.coordinator.user_id, "assign", "application", first) in await audit_rows(uows)
    caseload = await coordinator.get("/caseloads")
    ours = {(c["coach"]["id"], c["open_cases"]) for c in caseload if c["program_id"] == world.program_id}
    assert ours == {(world.coordinator.user_id, 0), (co.user_id, 2)}

    # Only a coordinator of the program may, and only to one of its coordinators.
    refused = await coordinator.put(
        f"/applications/{first}/coach", {"coach_id": world.other_coordinator.user_id}, expect=422
    )
    assert refused["error"]["field"] == "coach_id"
    await student.put(f"/applications/{first}/coach", {"coach_id": co.user_id}, expect=403)
    await other.put(f"/applications/{first}/coach", {"coach_id": co.user_id}, expect=404)
    await other.get(f"/applications/{first}/coach", expect=404)
    assert (await student.get(f"/applications/{first}/coach"))["coach"]["id"] == co.user_id
    assert await count(uows, models.CoachAssignmentRow) == 3


# --- access ----------------------------------------------------------------------------------------


async def test_who_reads_and_writes_each_conversation(
    world: World, make_api: Any, uows: UnitOfWorkFactory
) -> None:
    co = await co_coordinator(uows, world)
    enrollment = await enroll(uows, world.student, world.program_id, world.block_ids[:1])
    await enroll(uows, world.other_student, world.other_program_id, world.other_block_ids[:1])
    apis = await apis_of(world, co, make_api)
    visitor = apis["visitor"]
    coach_thread = await visitor.post("/threads", {"application_id": enrollment})
    assert coach_thread["counterpart"]["id"] == world.coordinator.user_id and coach_thread["kind"] == "coach"
    with_preceptor = await visitor.post(
        "/threads", {"application_id": enrollment, "preceptor_id": world.preceptor.user_id}
    )
    # Opening again finds the same conversation.
    assert (await visitor.post("/threads", {"application_id": enrollment}))["id"] == coach_thread["id"]
    c, p = coach_thread["id"], with_preceptor["id"]
    sent = await visitor.post(f"/threads/{c}/messages", {"body": "Can we talk about housing?"}, expect=201)
    await visitor.post(f"/threads/{p}/messages", {"body": "Which reading before Monday?"}, expect=201)
    first = sent["id"]
    say = {"body": "Hello"}
    # Statuses per WHO: visitor, other visitor, coach, co-coordinator, other coordinator, preceptor,
    # other preceptor, anonymous. Coordinators of the program read the coach thread (never write); nobody
    # but its two people reads the preceptor thread (the module docstring of server.domain.messages).
    cases: list[tuple[str, str, Any, tuple[int, ...]]] = [
        ("GET", f"/threads/{c}/messages", None, (200, 404, 200, 200, 404, 404, 404, 401)),
        ("POST", f"/threads/{c}/messages", say, (201, 404, 201, 403, 404, 404, 404, 401)),
        ("POST", f"/threads/{c}/read", {}, (200, 404, 200, 403, 404, 404, 404, 401)),
        ("GET", f"/threads/{p}/messages", None, (200, 404, 404, 404, 404, 200, 404, 401)),
        ("POST", f"/threads/{p}/messages", say, (201, 404, 404, 404, 404, 201, 404, 401)),
        ("POST", f"/threads/{p}/read", {}, (200, 404, 404, 404, 404, 200, 404, 401)),
        ("GET", f"/messages/{first}/attachment", None, (404, 404, 404, 404, 404, 404, 404, 401)),
        ("GET", f"/applications/{enrollment}/threads", None, (200, 404, 200, 200, 404, 200, 404, 401)),
        # Opening: the visitor (either), the coach (the coach thread), the preceptor (theirs).
        ("POST", "/threads", {"application_id": enrollment}, (200, 404, 200, 403, 404, 200, 404, 401)),
        (
            "POST",
            "/threads",
            {"application_id": enrollment, "preceptor_id": world.other_preceptor.user_id},
            (422, 404, 422, 403, 404, 404, 404, 401),
        ),
    ]
    assert await matrix_mismatches(apis, cases) == []
    # Each sees what the rule lets them see of the application's conversations.
    listed = await apis["co_coordinator"].get(f"/applications/{enrollment}/threads")
    assert [t["id"] for t in listed] == [c]
    precepting = await apis["preceptor"].get(f"/applications/{enrollment}/threads")
    assert [t["id"] for t in precepting] == [p]
    # A coordinator reading as overseer is audited; the coach reading their own case is not.
    rows = await audit_rows(uows)
    assert (co.user_id, "read", "message_thread", c) in rows
    assert not [r for r in rows if r[0] == world.coordinator.user_id and r[2] == "message_thread"]
    # The thread lists hold one's own conversations only.
    assert [t["id"] for t in (await apis["coach"].get("/threads"))["threads"]] == [c]
    assert (await apis["co_coordinator"].get("/threads"))["threads"] == []
    assert (await apis["other_visitor"].get("/threads"))["threads"] == []


async def test_a_reassigned_coach_hands_the_conversation_to_the_new_one(
    world: World, make_api: Any, uows: UnitOfWorkFactory
) -> None:
    co = await co_coordinator(uows, world)
    application = (await apply(await make_api(world.student.email), world.program_id, world.block_ids[:1]))[
        "id"
    ]
    visitor, coach, new = (
        await make_api(world.student.email),
        await make_api(world.coordinator.email),
        await make_api(co.email),
    )
    thread = await visitor.post("/threads", {"application_id": application})
    await visitor.post(
        f"/threads/{thread['id']}/messages", {"body": "Is the malpractice form ready?"}, expect=201
    )
    await coach.put(f"/applications/{application}/coach", {"coach_id": co.user_id})
    # The new coach reads the history and answers; the former one still reads (a coordinator of the
    # program) but no longer writes.
    page = await new.get(f"/threads/{thread['id']}/messages")
    assert [m["body"] for m in page["messages"]] == ["Is the malpractice form ready?"]
    await new.post(f"/threads/{thread['id']}/messages", {"body": "Yes, it is attached."}, expect=201)
    await coach.post(f"/threads/{thread['id']}/messages", {"body": "Me too"}, expect=403)
    assert (await visitor.get(f"/threads/{thread['id']}/messages"))["thread"]["counterpart"][
        "id"
    ] == co.user_id


# --- telling the other participant -----------------------------------------------------------------

HOUSING = "Can we talk about the housing list before Monday?"


async def test_a_message_tells_the_other_participant_who_wrote_and_where_never_what(
    world: World, make_api: Any, uows: UnitOfWorkFactory
) -> None:
    await name_the_coach(uows, world)
    enrollment = await enroll(uows, world.student, world.program_id, world.block_ids[:1])
    visitor, coach = await make_api(world.student.email), await make_api(world.coordinator.email)
    preceptor = await make_api(world.preceptor.email)
    c = (await visitor.post("/threads", {"application_id": enrollment}))["id"]
    p = (
        await visitor.post(
            "/threads", {"application_id": enrollment, "preceptor_id": world.preceptor.user_id}
        )
    )["id"]
    await visitor.post(f"/threads/{c}/messages", {"body": HOUSING}, expect=201)

    [note] = await notes_of(uows, world.coordinator.user_id)
    assert note.kind.value == "message_received" and note.subject_id == c
    assert note.text == "Student sent you a message in your conversation about Open Observership."
    assert note.link == f"/messages/{c}"
    assert await notes_of(uows, world.student.user_id) == []  # one's own message tells one nothing
    assert await notes_of(uows, world.preceptor.user_id) == []  # not their conversation
    [mail] = await mails_to(uows, world.coordinator.email)
    assert mail.subject == "You have a new message"
    assert f"http://127.0.0.1:8080/messages/{c}" in mail.text
    assert mail.headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    # The message's text is in neither the notification nor the mail, not even a word of it.
    for text in (note.text, mail.subject, mail.text, mail.html):
        assert "housing" not in text.lower() and "Monday" not in text

    # The answer tells the visitor, who asked for it in the app only; the preceptor thread its preceptor.
    await choose(visitor, message_received=(True, False))
    await coach.post(f"/threads/{c}/messages", {"body": "Yes, I will send it."}, expect=201)
    await visitor.post(f"/threads/{p}/messages", {"body": "Which reading first?"}, expect=201)
    await preceptor.post(f"/threads/{p}/messages", {"body": "Chapter two."}, expect=201)
    got = await notes_of(uows, world.student.user_id)
    assert [(n.kind.value, n.link) for n in got] == [
        ("message_received", f"/messages/{c}"),
        ("message_received", f"/messages/{p}"),
    ]
    assert got[0].text.startswith(f"{COACH_NAME} sent you a message")
    assert got[1].text.startswith(f"{world.preceptor.full_name} sent you a message")
    assert await mails_to(uows, world.student.email) == []
    [to_preceptor] = await notes_of(uows, world.preceptor.user_id)
    assert to_preceptor.link == f"/messages/{p}"
    assert len(await mails_to(uows, world.preceptor.email)) == 1

    # A message the guard refuses is not written, so nobody is told of it.
    await visitor.post(f"/threads/{c}/messages", {"body": PATIENT_PHONE}, expect=422)
    assert len(await notes_of(uows, world.coordinator.user_id)) == 1
    assert len(await mails_to(uows, world.coordinator.email)) == 1


# --- the PHI guard ---------------------------------------------------------------------------------


async def test_a_message_quoting_a_patients_phone_is_refused_one_naming_the_coach_is_sent(
    world: World, make_api: Any, uows: UnitOfWorkFactory
) -> None:
    await name_the_coach(uows, world)
    application = (await apply(await make_api(world.student.email), world.program_id, world.block_ids[:1]))[
        "id"
    ]
    visitor = await make_api(world.student.email)
    thread = (await visitor.post("/threads", {"application_id": application}))["id"]
    refused = await visitor.post(f"/threads/{thread}/messages", {"body": PATIENT_PHONE}, expect=422)
    message = refused["error"]["message"]
    assert refused["error"]["field"] == "body"
    assert "phone number" in message and "not sent" in message
    # The refusal says which kind of identifier and where, never the text.
    assert "555" not in message and "Hale" not in message
    assert await count(uows, models.MessageRow) == 0
    # The coach's name is the thread's own: fine. Without the thread's parties the guard would flag it.
    naming = f"Thank you, {COACH_NAME}! Dr. Okafor's checklist helped me with the visa letter."
    assert any(h.category is PhiCategory.PERSON_NAME for h in check_text(naming))
    sent = await visitor.post(f"/threads/{thread}/messages", {"body": naming}, expect=201)
    assert sent["body"] == naming and sent["mine"] is True
    # A form post (as the page sends) is guarded the same way.
    form_refused, body = await visitor.call(
        "POST", f"/threads/{thread}/messages", data={"body": PATIENT_PHONE}
    )
    assert form_refused == 422 and "phone number" in body["error"]["message"]
    assert await count(uows, models.MessageRow) == 1


# --- attachments -----------------------------------------------------------------------------------


async def test_attachments_are_the_document_types_and_follow_the_threads_access(
    world: World, make_api: Any, uows: UnitOfWorkFactory
) -> None:
    from aiohttp import FormData

    co = await co_coordinator(uows, world)
    application = (await apply(await make_api(world.student.email), world.program_id, world.block_ids[:1]))[
        "id"
    ]
    visitor = await make_api(world.student.email)
    thread = (await visitor.post("/threads", {"application_id": application}))["id"]

    def form(data: bytes, name: str) -> FormData:
        built = FormData()
        built.add_field("body", "My insurance certificate, as asked.")
        built.add_field("file", data, filename=name, content_type="application/pdf")
        return built

    status, sent = await visitor.call("POST", f"/threads/{thread}/messages", data=form(PDF, "insurance.pdf"))
    assert status == 201, sent
    assert sent["attachment"] == {
        "name": "insurance.pdf",
        "content_type": "application/pdf",
        "size": len(PDF),
    }
    # A file is recognised by its content, whatever its name says: text is refused, and nothing is kept.
    status, refused = await visitor.call(
        "POST", f"/threads/{thread}/messages", data=form(b"just some text, not a PDF", "fake.pdf")
    )
    assert status == 415 and "PDF, JPEG or PNG" in refused["error"]["message"]
    # Too large for the documents' limit (512 KB in the tests' settings).
    status, _ = await visitor.call(
        "POST", f"/threads/{thread}/messages", data=form(PNG + b"\0" * (600 * 1024), "big.png")
    )
    assert status == 413
    assert await count(uows, models.MessageRow) == 1
    for email, expected in [
        (world.coordinator.email, 200),  # the coach
        (co.email, 200),  # a coordinator of the program reads the coach thread
        (world.other_coordinator.email, 404),
        (world.preceptor.email, 404),
        (world.other_student.email, 404),
    ]:
        api = await make_api(email)
        status, data = await api.call("GET", f"/messages/{sent['id']}/attachment")
        assert status == expected, (email, status)
        if status == 200:
            assert data == PDF


# --- read state and paging ---------------------------------------------------------------------------


async def test_unread_counts_read_marks_newest_first_and_paging(
    world: World, make_api: Any, uows: UnitOfWorkFactory
) -> None:
    enrollment = await enroll(uows, world.student, world.program_id, world.block_ids[:1])
    visitor, coach, preceptor = (
        await make_api(world.student.email),
        await make_api(world.coordinator.email),
        await make_api(world.preceptor.email),
    )
    coach_thread = (await visitor.post("/threads", {"application_id": enrollment}))["id"]
    teach_thread = (await preceptor.post("/threads", {"application_id": enrollment}))["id"]
    for text in ("One", "Two", "Three"):
        await visitor.post(f"/threads/{coach_thread}/messages", {"body": f"{text} question"}, expect=201)
    assert (await coach.get("/threads/unread"))["unread"] == 3
    assert (await visitor.get("/threads/unread"))["unread"] == 0  # one's own messages are read
    await preceptor.post(f"/threads/{teach_thread}/messages", {"body": "Read chapter 4"}, expect=201)
    listed = await visitor.get("/threads")
    # The most recently active first; the visitor has one unread (the preceptor's).
    assert [(t["id"], t["unread"]) for t in listed["threads"]] == [(teach_thread, 1), (coach_thread, 0)]
    assert (await visitor.get("/threads/unread"))["unread"] == 1

    page = await coach.get(f"/threads/{coach_thread}/messages?limit=2")
    assert [m["body"] for m in page["messages"]] == ["Three question", "Two question"]
    older = await coach.get(f"/threads/{coach_thread}/messages?limit=2&before={page['older']}")
    assert [m["body"] for m in older["messages"]] == ["One question"] and older["older"] is None
    # Reading over the API marks nothing; marking up to the second leaves one unread.
    assert (await coach.get("/threads/unread"))["unread"] == 3
    marked = await coach.post(f"/threads/{coach_thread}/read", {"up_to": page["messages"][1]["id"]})
    assert marked["unread"] == 1
    # A read mark never moves back, and another thread's message is refused.
    again = await coach.post(f"/threads/{coach_thread}/read", {"up_to": older["messages"][0]["id"]})
    assert again["unread"] == 1
    await coach.post(f"/threads/{coach_thread}/read", {"up_to": 2_000_000}, expect=422)
    assert (await coach.post(f"/threads/{coach_thread}/read", {}))["unread"] == 0
    assert (await coach.get("/threads/unread"))["unread"] == 0


@pytest.mark.parametrize("body", ["", "   ", "x" * 5001])
async def test_an_empty_or_overlong_message_is_refused(
    world: World, make_api: Any, uows: UnitOfWorkFactory, body: str
) -> None:
    application = (await apply(await make_api(world.student.email), world.program_id, world.block_ids[:1]))[
        "id"
    ]
    visitor = await make_api(world.student.email)
    thread = (await visitor.post("/threads", {"application_id": application}))["id"]
    refused = await visitor.post(f"/threads/{thread}/messages", {"body": body}, expect=422)
    assert refused["error"]["field"] == "body"
    await visitor.post("/threads", {"application_id": 2_147_483_648}, expect=422)
    await visitor.get("/threads/99999/messages", expect=404)


async def test_the_migrated_coach_and_message_tables_equal_the_models(database_url: str) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext
    from sqlalchemy.engine import Connection

    from server.db.engine import make_engine
    from server.db.models import Base

    engine = make_engine(database_url)

    def diffs(conn: Connection) -> list[Any]:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        return compare_metadata(context, Base.metadata)

    try:
        async with engine.connect() as conn:
            found = await conn.run_sync(diffs)
    finally:
        await engine.dispose()
    tables = ("coaches", "coach_assignments", "message_threads", "messages", "thread_reads")
    assert [d for d in found if any(f"'{name}'" in repr(d) for name in tables)] == []
