"""Live sessions as records ("visits"), through the API and the services the WebSocket calls:
scheduling rules, access per role, the calendar file, the patient's single-use link and pass,
authorize_join for every case, attendance with merged minutes, consent, and the encounters an ended
visit leaves. Both databases; the FakeClock stands at 2026-11-24 15:00 UTC and the world's first
block starts on Monday 2026-11-30."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from icalendar import Calendar
from sqlalchemy import select, update

from server.db import models
from server.db.uow import UnitOfWorkFactory
from server.domain.actors import Actor
from server.domain.errors import Conflict, Forbidden, Invalid, NotFound, Unauthorized
from server.domain.visits import JoinGrant, LinkGone
from server.services import live as live_visits
from server.services import visits
from tests.integration.api_helpers import (
    access_matrix_mismatches,
    role_apis,
    row_counts,
)
from tests.integration.test_api_record import enroll
from tests.support.client import Api
from tests.support.world import FakeClock, World

START = datetime(2026, 12, 1, 14, 0, tzinfo=UTC)  # Tuesday of the first block's first week
HOURS = 24


def visit_body(world: World, visitor_ids: list[int], **changes: Any) -> dict[str, Any]:
    return {
        "block_id": world.block_ids[0],
        "kind": "patient_visit",
        "title": "Diabetes follow-up clinic",
        "starts_at": START.isoformat(),
        "duration_minutes": 60,
        "visitor_ids": visitor_ids,
        **changes,
    }


@pytest.fixture
async def enrollment(uows: UnitOfWorkFactory, world: World) -> int:
    """The student enrolled in the open observership's first block."""
    return await enroll(uows, world.student, world.program_id, world.block_ids[:1])


async def scheduled(make_api: Any, world: World, visitor_ids: list[int], **changes: Any) -> dict[str, Any]:
    preceptor: Api = await make_api(world.preceptor.email)
    visit: dict[str, Any] = await preceptor.post(
        "/visits", visit_body(world, visitor_ids, **changes), expect=201
    )
    return visit


async def link_token(uows: UnitOfWorkFactory, world: World, visit_id: int) -> str:
    token, _ = await visits.create_patient_link(uows(), world.preceptor, visit_id, HOURS)
    return token


# --- scheduling -----------------------------------------------------------------------------------


async def test_a_preceptor_schedules_a_visit_for_visitors_enrolled_in_the_block(
    world: World, make_api: Any, enrollment: int
) -> None:
    visit = await scheduled(make_api, world, [world.student.user_id])
    assert visit["status"] == "scheduled" and visit["host_id"] == world.preceptor.user_id
    assert visit["starts_at"].startswith("2026-12-01T14:00:00") and visit["ends_at"].startswith(
        "2026-12-01T15:00"
    )
    assert visit["joinable_from"].startswith("2026-12-01T13:30")
    assert visit["invitees"] == [
        {"visitor_id": world.student.user_id, "name": "Student", "enrollment_id": enrollment}
    ]
    assert visit["live_url"] == f"/visits/{visit['id']}/live"
    # Another offset is the same instant, stored and returned in UTC.
    preceptor: Api = await make_api(world.preceptor.email)
    other = await preceptor.post(
        "/visits",
        visit_body(world, [world.student.user_id], starts_at="2026-12-01T09:00:00-05:00", kind="huddle"),
        expect=201,
    )
    assert datetime.fromisoformat(other["starts_at"]) == START
    visitor: Api = await make_api(world.student.email)
    assert [v["id"] for v in await visitor.get("/visits")] == [visit["id"], other["id"]]
    assert [v["id"] for v in await preceptor.get("/visits")] == [visit["id"], other["id"]]
    coordinator: Api = await make_api(world.coordinator.email)
    assert len(await coordinator.get("/visits")) == 2
    for who in (world.other_preceptor, world.other_coordinator, world.other_student):
        assert await (await make_api(who.email)).get("/visits") == []


async def test_scheduling_refusals_write_nothing(
    world: World, make_api: Any, uows: UnitOfWorkFactory, enrollment: int
) -> None:
    # The graduate is enrolled in the second block only; the other student has only applied.
    await enroll(uows, world.graduate, world.program_id, world.block_ids[1:2])
    await enroll(uows, world.other_student, world.program_id, world.block_ids[:1], state="submitted")
    preceptor: Api = await make_api(world.preceptor.email)
    before = await row_counts(uows)
    me = [world.student.user_id]
    cases: list[tuple[dict[str, Any], int, str | None, str]] = [
        (visit_body(world, [world.graduate.user_id]), 422, "visitor_ids", "not enrolled in this block"),
        (visit_body(world, [world.other_student.user_id]), 422, "visitor_ids", "not enrolled"),
        (visit_body(world, [world.coordinator.user_id]), 422, "visitor_ids", "not enrolled"),
        (visit_body(world, [*me, *me]), 422, "visitor_ids", "twice"),
        (visit_body(world, []), 422, "visitor_ids", None),
        (visit_body(world, me, duration_minutes=4), 422, "duration_minutes", None),
        (visit_body(world, me, duration_minutes=241), 422, "duration_minutes", None),
        (visit_body(world, me, duration_minutes="60"), 422, "duration_minutes", None),
        (visit_body(world, me, starts_at="2026-11-24T14:00:00Z"), 422, "starts_at", "in the past"),
        (visit_body(world, me, starts_at="2027-02-01T14:00:00Z"), 422, "starts_at", "block runs from"),
        (visit_body(world, me, starts_at="2026-12-01T14:00:00"), 422, "starts_at", None),  # no offset
        (visit_body(world, me, starts_at="tomorrow"), 422, "starts_at", None),
        (visit_body(world, me, starts_at="0001-01-01T00:00:00+14:00"), 422, "starts_at", "out of range"),
        (visit_body(world, me, kind="surgery"), 422, "kind", None),
        (visit_body(world, me, title=""), 422, "title", None),
        (visit_body(world, me, title="x" * 201), 422, "title", None),
        (visit_body(world, me, title="a\x00b"), 422, "title", None),
        (visit_body(world, me, block_id=999_999), 422, "block_id", "no block"),
        (visit_body(world, me, block_id=world.other_block_ids[0]), 403, None, "programs you teach"),
        ({**visit_body(world, me), "room": 1}, 422, "room", None),
    ]
    for body, status, field, words in cases:
        got, answer = await preceptor.call("POST", "/visits", json=body)
        assert got == status, (body, got, answer)
        if field is not None:
            assert answer["error"]["field"] == field, (body, answer)
        if words is not None:
            assert words in answer["error"]["message"], answer
    for who in (world.student, world.coordinator):
        got, answer = await (await make_api(who.email)).call("POST", "/visits", json=visit_body(world, me))
        assert got == 403, answer
    status, _ = await (await make_api()).call("POST", "/visits", json=visit_body(world, me))
    assert status in (401, 403)
    assert await row_counts(uows) == before


async def test_access_to_a_visit_per_role(
    world: World, make_api: Any, uows: UnitOfWorkFactory, enrollment: int
) -> None:
    await enroll(uows, world.other_student, world.other_program_id, world.other_block_ids[:1])
    apis = await role_apis(world, make_api)
    visit = await apis["preceptor"].post("/visits", visit_body(world, [world.student.user_id]), expect=201)
    v = visit["id"]
    new = visit_body(world, [world.student.user_id])
    cases: list[tuple[str, str, Any, tuple[int, ...]]] = [
        ("POST", "/visits", new, (403, 403, 201, 403, 403, 403, 401)),
        ("GET", "/visits", None, (200, 200, 200, 200, 200, 200, 401)),
        ("GET", f"/visits/{v}", None, (200, 404, 200, 404, 200, 404, 401)),
        ("GET", f"/visits/{v}/calendar.ics", None, (200, 404, 200, 404, 200, 404, 401)),
        ("GET", f"/visits/{v}/attendance", None, (200, 404, 200, 404, 200, 404, 401)),
        ("POST", f"/visits/{v}/patient-link", {}, (403, 404, 201, 404, 403, 404, 401)),
        ("POST", f"/visits/{v}/cancel", {}, (403, 404, 200, 404, 403, 404, 401)),
        ("GET", "/visits/999999", None, (404, 404, 404, 404, 404, 404, 401)),
    ]
    wrong = await access_matrix_mismatches(apis, cases)
    assert not wrong, "\n".join(wrong)
    # Cancelled once; a second time is a conflict, and the visit leaves the upcoming lists.
    status, body = await apis["preceptor"].call("POST", f"/visits/{v}/cancel", json={"note": "Clinic closed"})
    assert status == 409 and "already cancelled" in body["error"]["message"], body
    assert v not in [x["id"] for x in await apis["visitor"].get("/visits")]
    [cancelled] = [x for x in await apis["visitor"].get("/visits?scope=all") if x["id"] == v]
    assert cancelled["status"] == "cancelled"


async def test_cancel_keeps_the_note_and_refuses_a_started_visit(
    world: World, make_api: Any, uows: UnitOfWorkFactory, clock: FakeClock, enrollment: int
) -> None:
    preceptor: Api = await make_api(world.preceptor.email)
    first = await scheduled(make_api, world, [world.student.user_id])
    cancelled = await preceptor.post(
        f"/visits/{first['id']}/cancel", {"note": "Clinic closed for the holiday"}
    )
    assert cancelled["status"] == "cancelled" and cancelled["cancel_note"] == "Clinic closed for the holiday"
    second = await scheduled(make_api, world, [world.student.user_id])
    clock.current = START
    await live_visits.authorize_join(uows(), world.preceptor, second["id"], None)
    status, body = await preceptor.call("POST", f"/visits/{second['id']}/cancel", json={})
    assert status == 409 and "only a scheduled visit" in body["error"]["message"], body


# --- the calendar file ----------------------------------------------------------------------------


async def test_the_calendar_file_is_a_valid_event_in_utc(
    world: World, make_api: Any, enrollment: int
) -> None:
    visit = await scheduled(make_api, world, [world.student.user_id], title="Chest pain; huddle, part 1")
    visitor: Api = await make_api(world.student.email)
    response = await visitor.client.get(f"/api/v1/visits/{visit['id']}/calendar.ics")
    assert response.status == 200
    assert response.content_type == "text/calendar"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    calendar = Calendar.from_ical(await response.read())
    assert calendar["METHOD"] == "PUBLISH"
    [event] = calendar.walk("VEVENT")
    assert event["UID"] == f"visit-{visit['id']}@rounds" and event["SEQUENCE"] == 0
    assert event.decoded("DTSTART") == START and event.decoded("DTEND") == START + timedelta(hours=1)
    assert event.decoded("DTSTAMP") == datetime(2026, 11, 24, 15, 0, tzinfo=UTC)  # when it was scheduled
    # The kind, program and host; never the title a preceptor typed (it may name a patient).
    assert str(event["SUMMARY"]) == "Patient visit · Open Observership · Preceptor"
    assert "Chest pain" not in calendar.to_ical().decode()
    assert str(event["URL"]).endswith(f"/visits/{visit['id']}") and str(event["URL"]).startswith("http://")
    assert "Open Observership" in str(event["DESCRIPTION"])


# --- the patient link -----------------------------------------------------------------------------


async def test_a_patient_link_is_single_use_and_expires(
    world: World, make_api: Any, uows: UnitOfWorkFactory, clock: FakeClock, enrollment: int
) -> None:
    visit = await scheduled(make_api, world, [world.student.user_id])
    clock.current = START - timedelta(minutes=20)  # the waiting room is open
    preceptor: Api = await make_api(world.preceptor.email)
    made = await preceptor.post(f"/visits/{visit['id']}/patient-link", {}, expect=201)
    assert made["url"].startswith("http://") and "/join/" in made["url"]
    assert datetime.fromisoformat(made["expires_at"]) == clock.current + timedelta(hours=HOURS)
    token = made["url"].rsplit("/", 1)[1]
    async with uows() as uow:
        [link] = (await uow.db.execute(select(models.PatientLinkRow))).scalars().all()
        link_id, stored = link.id, link.token_hash
    assert token not in stored and len(stored) == 64  # only the hash is stored

    patient = await visits.redeem_patient_link(uows(), token)
    assert (patient.visit_id, patient.link_id) == (visit["id"], link_id)
    with pytest.raises(LinkGone, match="already been used"):
        await visits.redeem_patient_link(uows(), token)
    # The browser that redeemed it (it carries the pass) is let back in.
    again = await visits.redeem_patient_link(uows(), token, holder=(visit["id"], link_id))
    assert again.link_id == link_id
    with pytest.raises(LinkGone, match="not valid"):
        await visits.redeem_patient_link(uows(), token[:-1] + ("A" if token[-1] != "A" else "B"))
    with pytest.raises(LinkGone, match="not valid"):
        await visits.redeem_patient_link(uows(), "")

    # A new link replaces an unused one; a used one keeps its pass.
    unused = await link_token(uows, world, visit["id"])
    newest = await link_token(uows, world, visit["id"])
    with pytest.raises(LinkGone, match="replaced"):
        await visits.redeem_patient_link(uows(), unused)
    grant = await live_visits.authorize_join(uows(), None, visit["id"], (visit["id"], link_id))
    assert grant.role == "patient"

    # The newest expires after the configured hours; a shorter lifetime may be asked for, not a longer.
    clock.advance(hours=HOURS)
    with pytest.raises(LinkGone, match="expired"):
        await visits.redeem_patient_link(uows(), newest)
    status, body = await preceptor.call(
        "POST", f"/visits/{visit['id']}/patient-link", json={"hours": HOURS + 1}
    )
    assert status == 422 and body["error"]["field"] == "hours", body
    short = await preceptor.post(f"/visits/{visit['id']}/patient-link", {"hours": 2}, expect=201)
    assert datetime.fromisoformat(short["expires_at"]) == clock.current + timedelta(hours=2)


async def test_patient_links_only_for_patient_visits_still_to_come(
    world: World, make_api: Any, uows: UnitOfWorkFactory, enrollment: int
) -> None:
    huddle = await scheduled(make_api, world, [world.student.user_id], kind="huddle")
    preceptor: Api = await make_api(world.preceptor.email)
    status, body = await preceptor.call("POST", f"/visits/{huddle['id']}/patient-link", json={})
    assert status == 409 and "Only a patient visit" in body["error"]["message"], body
    visit = await scheduled(make_api, world, [world.student.user_id])
    token = await link_token(uows, world, visit["id"])
    await preceptor.post(f"/visits/{visit['id']}/cancel", {})
    with pytest.raises(LinkGone, match="cancelled"):
        await visits.redeem_patient_link(uows(), token)
    status, body = await preceptor.call("POST", f"/visits/{visit['id']}/patient-link", json={})
    assert status == 409, body


async def test_the_join_page_sets_the_pass_and_sends_the_patient_to_the_live_page(
    world: World, make_api: Any, uows: UnitOfWorkFactory, enrollment: int
) -> None:
    visit = await scheduled(make_api, world, [world.student.user_id])
    token = await link_token(uows, world, visit["id"])
    patient: Api = await make_api()
    response = await patient.client.get(f"/join/{token}", allow_redirects=False)
    assert response.status == 303, await response.text()
    assert response.headers["Location"] == f"/visits/{visit['id']}/live"
    cookie = response.cookies["rounds_patient_pass"]
    assert cookie["httponly"] and cookie["samesite"] == "Lax" and cookie["path"] == "/"
    assert int(cookie["max-age"]) == HOURS * 3600
    # The same browser may open its link again; another browser may not.
    again = await patient.client.get(f"/join/{token}", allow_redirects=False)
    assert again.status == 303
    stranger: Api = await make_api()
    refused = await stranger.client.get(f"/join/{token}", allow_redirects=False)
    assert refused.status == 410
    assert "already been used" in await refused.text()
    assert "rounds_patient_pass" not in refused.cookies
    assert (await stranger.client.get("/join/nonsense", allow_redirects=False)).status == 410


async def test_a_logged_in_account_opening_a_patient_link_neither_uses_it_nor_gets_a_pass(
    world: World, make_api: Any, uows: UnitOfWorkFactory, enrollment: int
) -> None:
    """Issue 18, item 3: the link was used up by whoever opened it first, a logged-in visitor too, who
    then held the patient's pass. Every kind of account is told what the link is for; the patient's
    browser can still use it afterwards."""
    visit = await scheduled(make_api, world, [world.student.user_id])
    token = await link_token(uows, world, visit["id"])
    for email in (world.student.email, world.preceptor.email, world.coordinator.email):
        account: Api = await make_api(email)
        response = await account.client.get(f"/join/{token}", allow_redirects=False)
        page = await response.text()
        assert response.status == 403, page
        assert "one-time link" in page and "was not used" in page and "/visits" in page
        assert "rounds_patient_pass" not in response.cookies
    patient: Api = await make_api()
    response = await patient.client.get(f"/join/{token}", allow_redirects=False)
    assert response.status == 303 and "rounds_patient_pass" in response.cookies
    # A pass that reaches a logged-in stranger's browser does not make the live page greet them as the
    # patient (before: 200 and "Your video visit").
    stranger: Api = await make_api(world.other_student.email)
    stranger.client.session.cookie_jar.update_cookies(
        {"rounds_patient_pass": response.cookies["rounds_patient_pass"].value}
    )
    assert (await stranger.client.get(f"/visits/{visit['id']}/live")).status == 404


# --- joining --------------------------------------------------------------------------------------


async def test_authorize_join_for_each_participant(
    world: World, make_api: Any, uows: UnitOfWorkFactory, clock: FakeClock, enrollment: int
) -> None:
    await enroll(uows, world.graduate, world.program_id, world.block_ids[:1])
    visit = await scheduled(make_api, world, [world.student.user_id])
    v = visit["id"]
    huddle = await scheduled(make_api, world, [world.student.user_id], kind="huddle")

    async def join(actor: Actor | None, visit_id: int = v, pass_: tuple[int, int] | None = None) -> JoinGrant:
        return await live_visits.authorize_join(uows(), actor, visit_id, pass_)

    clock.current = START - timedelta(minutes=31)
    with pytest.raises(Conflict, match="opens at 1 Dec 2026, 13:30 UTC"):
        await join(world.student)
    clock.current = START - timedelta(minutes=30)
    patient = await visits.redeem_patient_link(uows(), await link_token(uows, world, v))

    visitor = await join(world.student)
    assert visitor == JoinGrant(
        visit_id=v,
        participant_id=f"user-{world.student.user_id}",
        role="visitor",
        display_name="Student",
        room_kind="patient_visit",
        observer=True,  # an observership, in a patient visit
        user_id=world.student.user_id,
    )
    assert (await join(world.student, huddle["id"])).observer is False  # huddles: they present
    assert (
        await visits.visit_detail(uows(), world.preceptor, v)
    ).status == "scheduled"  # not before the host
    host = await join(world.preceptor)
    assert (host.participant_id, host.role, host.observer, host.user_id) == (
        f"user-{world.preceptor.user_id}",
        "host",
        False,
        world.preceptor.user_id,
    )
    live = await visits.visit_detail(uows(), world.preceptor, v)
    assert live.status == "live" and live.started_at == clock.current
    clock.advance(minutes=5)
    await join(world.preceptor)  # rejoining keeps the first start
    assert (await visits.visit_detail(uows(), world.preceptor, v)).started_at == START - timedelta(minutes=30)

    grant = await join(None, pass_=(patient.visit_id, patient.link_id))
    assert grant == JoinGrant(
        v, f"patient-{patient.link_id}", "patient", "Patient", "patient_visit", False, None
    )
    # A pass counts only without a login (issue 18, item 3): a logged-in account holding one is judged
    # by the account alone, so a stranger is refused and the host stays the host.
    with pytest.raises(Forbidden, match="not invited"):
        await join(world.coordinator, pass_=(v, patient.link_id))
    with pytest.raises(Forbidden, match="not invited"):
        await join(world.other_student, pass_=(v, patient.link_id))
    assert (await join(world.preceptor, pass_=(v, patient.link_id))).role == "host"

    with pytest.raises(Forbidden, match="another visit"):
        await join(None, huddle["id"], pass_=(v, patient.link_id))
    with pytest.raises(LinkGone):
        await join(None, huddle["id"], pass_=(huddle["id"], patient.link_id))  # a link of another visit
    with pytest.raises(Forbidden, match="not invited"):
        await join(world.graduate)  # enrolled in the block, not invited
    for stranger in (world.other_preceptor, world.coordinator, world.other_student):
        with pytest.raises(Forbidden, match="not invited"):
            await join(stranger)
    with pytest.raises(Unauthorized):
        await join(None)
    with pytest.raises(NotFound):
        await join(world.student, 999_999)

    # A visitor whose enrollment was withdrawn can no longer join.
    async with uows() as uow:
        await uow.db.execute(
            update(models.ApplicationRow)
            .where(models.ApplicationRow.id == enrollment)
            .values(state="withdrawn")
        )
        await uow.commit()
    with pytest.raises(Forbidden, match="no longer under way"):
        await join(world.student)

    # Six hours after the scheduled end the visit can no longer be joined, even live.
    clock.current = START + timedelta(minutes=60) + timedelta(hours=6)
    with pytest.raises(Conflict, match="6 hours"):
        await join(world.preceptor)


async def test_hands_on_visitors_are_not_observers_and_ended_or_cancelled_visits_refuse(
    world: World, make_api: Any, uows: UnitOfWorkFactory, clock: FakeClock, enrollment: int
) -> None:
    async with uows() as uow:
        await uow.db.execute(
            update(models.ProgramRow)
            .where(models.ProgramRow.id == world.program_id)
            .values(rotation_type="hands_on")
        )
        await uow.commit()
    visit = await scheduled(make_api, world, [world.student.user_id])
    other = await scheduled(make_api, world, [world.student.user_id])
    clock.current = START
    assert (await live_visits.authorize_join(uows(), world.student, visit["id"], None)).observer is False
    await live_visits.end_visit(uows(), visit["id"], clock.current)
    with pytest.raises(Conflict, match="has ended"):
        await live_visits.authorize_join(uows(), world.preceptor, visit["id"], None)
    async with uows() as uow:
        await uow.db.execute(
            update(models.VisitRow).where(models.VisitRow.id == other["id"]).values(status="cancelled")
        )
        await uow.commit()
    with pytest.raises(Conflict, match="cancelled"):
        await live_visits.authorize_join(uows(), world.student, other["id"], None)
    with pytest.raises(Conflict, match="cancelled"):
        await live_visits.end_visit(uows(), other["id"], clock.current)


# --- attendance, consent and the end of a visit ---------------------------------------------------


async def test_attendance_intervals_and_merged_minutes(
    world: World, make_api: Any, uows: UnitOfWorkFactory, clock: FakeClock, enrollment: int
) -> None:
    visit = await scheduled(make_api, world, [world.student.user_id])
    v = visit["id"]
    clock.current = START
    patient = await visits.redeem_patient_link(uows(), await link_token(uows, world, v))
    host = await live_visits.authorize_join(uows(), world.preceptor, v, None)
    learner = await live_visits.authorize_join(uows(), world.student, v, None)
    guest = await live_visits.authorize_join(uows(), None, v, (v, patient.link_id))

    def at(minute: float) -> datetime:
        return START + timedelta(minutes=minute)

    h1 = await live_visits.record_attendance_start(uows(), v, host, at(0))
    s1 = await live_visits.record_attendance_start(uows(), v, learner, at(2))
    assert await live_visits.record_attendance_end(uows(), s1, at(10), "dropped") is True
    s2 = await live_visits.record_attendance_start(uows(), v, learner, at(11))  # back after a drop
    # A reconnect the server saw before the drop: the open interval is closed as dropped.
    s3 = await live_visits.record_attendance_start(uows(), v, learner, at(20))
    p1 = await live_visits.record_attendance_start(uows(), v, guest, at(5))
    await live_visits.record_attendance_end(uows(), p1, at(35), "left")
    assert await live_visits.record_attendance_end(uows(), p1, at(40), "left") is False  # already closed
    with pytest.raises(Invalid):
        await live_visits.record_attendance_end(uows(), s3, at(25), "vanished")
    with pytest.raises(Invalid):
        await live_visits.record_attendance_start(uows(), v + 1, learner, at(25))
    await live_visits.end_visit(uows(), v, at(50))

    preceptor: Api = await make_api(world.preceptor.email)
    board = await preceptor.get(f"/visits/{v}/attendance")
    assert board["status"] == "ended"
    people = {p["participant_id"]: p for p in board["participants"]}
    assert set(people) == {host.participant_id, learner.participant_id, guest.participant_id}
    assert people[host.participant_id]["connected_minutes"] == 50  # closed when the visit ended
    assert people[guest.participant_id]["connected_minutes"] == 30
    assert (
        people[guest.participant_id]["name"] == "Patient" and people[guest.participant_id]["user_id"] is None
    )
    # 2-10, 11-20, 20-50: 8 + 39 minutes.
    assert people[learner.participant_id]["connected_minutes"] == 47
    reasons = [i["end_reason"] for i in people[learner.participant_id]["intervals"]]
    assert reasons == ["dropped", "dropped", "ended"]
    assert [i["id"] for i in people[learner.participant_id]["intervals"]] == [s1, s2, s3]
    assert h1 == people[host.participant_id]["intervals"][0]["id"]
    # The visitor sees themself only; the coordinator everyone.
    mine = await (await make_api(world.student.email)).get(f"/visits/{v}/attendance")
    assert [p["participant_id"] for p in mine["participants"]] == [learner.participant_id]
    everyone = await (await make_api(world.coordinator.email)).get(f"/visits/{v}/attendance")
    assert len(everyone["participants"]) == 3
    with pytest.raises(Conflict):
        await live_visits.record_attendance_start(uows(), v, learner, at(55))


async def test_open_intervals_count_up_to_now_while_live(
    world: World, make_api: Any, uows: UnitOfWorkFactory, clock: FakeClock, enrollment: int
) -> None:
    visit = await scheduled(make_api, world, [world.student.user_id])
    clock.current = START
    host = await live_visits.authorize_join(uows(), world.preceptor, visit["id"], None)
    await live_visits.record_attendance_start(uows(), visit["id"], host, START)
    clock.advance(minutes=12)
    board = await live_visits.attendance_for(uows(), world.preceptor, visit["id"])
    assert board.participants[0].connected_minutes == 12
    assert board.participants[0].intervals[0].disconnected_at is None


async def test_consent_is_recorded_by_the_host_for_patient_visits_only(
    world: World, make_api: Any, uows: UnitOfWorkFactory, enrollment: int
) -> None:
    visit = await scheduled(make_api, world, [world.student.user_id])
    huddle = await scheduled(make_api, world, [world.student.user_id], kind="huddle")
    v, p = visit["id"], world.preceptor.user_id
    first = await live_visits.record_consent(uows(), v, p, "observe", "verbal", START)
    with pytest.raises(Forbidden):
        await live_visits.record_consent(uows(), v, world.other_preceptor.user_id, "observe", "verbal", START)
    with pytest.raises(Conflict, match="Only a patient visit"):
        await live_visits.record_consent(uows(), huddle["id"], p, "observe", "verbal", START)
    with pytest.raises(Invalid):
        await live_visits.record_consent(uows(), v, p, "everything", "verbal", START)
    with pytest.raises(NotFound):
        await live_visits.record_consent(uows(), 999_999, p, "observe", "verbal", START)
    assert await live_visits.withdraw_consent(uows(), v, START + timedelta(minutes=5)) == 1
    assert await live_visits.withdraw_consent(uows(), v, START + timedelta(minutes=6)) == 0
    second = await live_visits.record_consent(
        uows(), v, p, "interact", "written", START + timedelta(minutes=7)
    )
    async with uows() as uow:
        found = (
            await uow.db.execute(select(models.VisitConsentRow).order_by(models.VisitConsentRow.id))
        ).scalars()
        rows = [(r.id, r.scope, r.method, r.obtained_by, r.withdrawn_at) for r in found]
    assert rows == [
        (first, "observe", "verbal", p, START + timedelta(minutes=5)),
        (second, "interact", "written", p, None),
    ]
    # No patient identifier has anywhere to go.
    assert {c.name for c in models.VisitConsentRow.__table__.columns} == {
        "id",
        "visit_id",
        "scope",
        "method",
        "obtained_by",
        "recorded_at",
        "withdrawn_at",
    }


async def test_ending_a_visit_makes_one_encounter_per_attending_visitor(
    world: World, make_api: Any, uows: UnitOfWorkFactory, clock: FakeClock
) -> None:
    # Two stacked blocks for the student; the graduate in the first block too but never connects.
    student_enrollment = await enroll(uows, world.student, world.program_id, world.block_ids[:2])
    await enroll(uows, world.graduate, world.program_id, world.block_ids[:1])
    preceptor: Api = await make_api(world.preceptor.email)
    # Week 2 of the rotation (the block starts 2026-11-30).
    starts = START + timedelta(days=7)
    visit = await preceptor.post(
        "/visits",
        visit_body(world, [world.student.user_id, world.graduate.user_id], starts_at=starts.isoformat()),
        expect=201,
    )
    v = visit["id"]
    clock.current = starts
    host = await live_visits.authorize_join(uows(), world.preceptor, v, None)
    learner = await live_visits.authorize_join(uows(), world.student, v, None)
    await live_visits.record_attendance_start(uows(), v, host, starts)
    await live_visits.record_attendance_start(uows(), v, learner, starts + timedelta(minutes=1))
    await live_visits.record_consent(uows(), v, world.preceptor.user_id, "observe", "verbal", starts)
    latest = await live_visits.record_consent(
        uows(), v, world.preceptor.user_id, "interact", "verbal", starts
    )

    made = await live_visits.end_visit(uows(), v, starts + timedelta(minutes=40))
    assert len(made) == 1
    assert await live_visits.end_visit(uows(), v, starts + timedelta(minutes=45)) == []  # once only
    visitor: Api = await make_api(world.student.email)
    [encounter] = await visitor.get(f"/enrollments/{student_enrollment}/encounters")
    assert encounter["id"] == made[0]
    assert encounter["session_id"] == v and encounter["kind"] == "patient_visit"
    assert encounter["setting"] == "telehealth_video" and encounter["week"] == 2
    assert encounter["consent_id"] == latest and encounter["consent_recorded"] is True
    assert encounter["created_by"] == world.preceptor.user_id
    detail = await visitor.get(f"/visits/{v}")
    assert detail["status"] == "ended" and detail["ended_at"].startswith("2026-12-08T14:40")
    async with uows() as uow:
        open_ids = select(models.AttendanceIntervalRow.id).where(
            models.AttendanceIntervalRow.disconnected_at.is_(None)
        )
        still_open = (await uow.db.execute(open_ids)).all()
        encounters = (await uow.db.execute(select(models.EncounterRow.id))).all()
    assert still_open == [] and len(encounters) == 1  # the graduate never connected: no encounter


async def test_a_huddle_encounter_has_no_consent(
    world: World, make_api: Any, uows: UnitOfWorkFactory, clock: FakeClock, enrollment: int
) -> None:
    huddle = await scheduled(make_api, world, [world.student.user_id], kind="didactic")
    clock.current = START
    learner = await live_visits.authorize_join(uows(), world.student, huddle["id"], None)
    await live_visits.record_attendance_start(uows(), huddle["id"], learner, START)
    [made] = await live_visits.end_visit(uows(), huddle["id"], START + timedelta(minutes=30))
    async with uows() as uow:
        encounter = await uow.encounters.get(made)
        assert encounter is not None
        found = (encounter.kind, encounter.consent_id, encounter.consent_recorded, encounter.rotation_week)
    assert found == ("didactic", None, None, 1)


async def test_the_sweep_ends_live_visits_whose_window_closed_counting_hours_only_until_then(
    world: World, make_api: Any, uows: UnitOfWorkFactory, clock: FakeClock, enrollment: int
) -> None:
    visit = await scheduled(make_api, world, [world.student.user_id], kind="huddle", duration_minutes=60)
    v = visit["id"]
    clock.current = START
    host = await live_visits.authorize_join(uows(), world.preceptor, v, None)  # marks it live
    await live_visits.record_attendance_start(uows(), v, host, START)
    # The server died: nothing ended the room. Within the window the sweep leaves the visit alone.
    clock.current = START + timedelta(hours=6, minutes=59)
    assert await live_visits.end_overdue_visits(uows()) == 0
    clock.current = START + timedelta(hours=8)
    assert await live_visits.end_overdue_visits(uows()) == 1
    assert await live_visits.end_overdue_visits(uows()) == 0
    board = await (await make_api(world.preceptor.email)).get(f"/visits/{v}/attendance")
    assert board["status"] == "ended"
    (only,) = board["participants"]
    assert only["connected_minutes"] == 7 * 60  # until the window closed (1 h + 6 h), not until now
