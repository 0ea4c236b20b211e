"""Calendars through HTTP: the private subscription feed (made, read by an app with no login, replaced,
revoked; whose sessions it lists; moved and cancelled sessions), moving a visit, the calendar page, and
the dashboards' agenda with Join where the session is open. The FakeClock stands at 2026-11-24 15:00 UTC
and the world's first block starts on Monday 2026-11-30. Feeds are parsed with the icalendar package."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

from icalendar import Calendar
from sqlalchemy import select

from server.db import models
from server.db.uow import UnitOfWorkFactory
from tests.integration.pages_browser import assert_labelled_and_outlined
from tests.integration.test_api_record import enroll
from tests.integration.test_pages import browser_for
from tests.support.client import Api
from tests.support.world import FakeClock, World

START = datetime(2026, 12, 1, 14, 0, tzinfo=UTC)  # Tuesday of the first block's first week


def visit_body(world: World, visitor_ids: list[int], **changes: Any) -> dict[str, Any]:
    return {
        "block_id": world.block_ids[0],
        "kind": "huddle",
        "title": "Week 1 huddle: Mr Example's case",
        "starts_at": START.isoformat(),
        "duration_minutes": 60,
        "visitor_ids": visitor_ids,
        **changes,
    }


async def schedule(preceptor: Api, world: World, visitor_ids: list[int], **changes: Any) -> dict[str, Any]:
    visit: dict[str, Any] = await preceptor.post(
        "/visits", visit_body(world, visitor_ids, **changes), expect=201
    )
    return visit


async def feed_url(api: Api, *, replace: bool = False) -> str:
    made = await api.post("/me/calendar-feed", {"replace": replace}, expect=201)
    url: str = made["url"]
    assert re.fullmatch(r"http://[^/]+/calendar/[A-Za-z0-9_-]{43}\.ics", url), url
    return url


async def fetch(client: Any, url: str, expect: int = 200, **headers: str) -> Any:
    """GET a feed as a calendar app would: no cookies of anyone, only the URL."""
    path = url.split("://", 1)[1].split("/", 1)[1]
    response = await client.get("/" + path, headers=headers)
    assert response.status == expect, (response.status, await response.text())
    return response


def events_of(body: bytes) -> dict[str, Any]:
    """The feed's events by UID."""
    calendar = Calendar.from_ical(body)
    assert calendar["VERSION"] == "2.0" and "METHOD" not in calendar
    return {str(e["UID"]): e for e in calendar.walk("VEVENT")}


async def test_a_feed_lists_the_owners_sessions_and_follows_moves_and_cancellations(
    world: World, make_api: Any, uows: UnitOfWorkFactory, clock: FakeClock
) -> None:
    await enroll(uows, world.student, world.program_id, world.block_ids[:1])
    await enroll(uows, world.graduate, world.program_id, world.block_ids[:1])
    await enroll(uows, world.other_student, world.other_program_id, world.other_block_ids[:1])
    preceptor: Api = await make_api(world.preceptor.email)
    both = await schedule(preceptor, world, [world.student.user_id, world.graduate.user_id])
    graduate_only = await schedule(
        preceptor, world, [world.graduate.user_id], starts_at="2026-12-02T14:00:00Z"
    )
    elsewhere = await (await make_api(world.other_preceptor.email)).post(
        "/visits",
        visit_body(world, [world.other_student.user_id], block_id=world.other_block_ids[0]),
        expect=201,
    )

    student: Api = await make_api(world.student.email)
    url = await feed_url(student)
    anonymous: Api = await make_api()
    response = await fetch(anonymous.client, url)
    assert response.content_type == "text/calendar" and response.charset == "utf-8"
    assert response.headers["Cache-Control"] == "private, max-age=300"
    events = events_of(await response.read())
    # Only the sessions the student is invited to: not the graduate's own, not another program's.
    assert set(events) == {f"visit-{both['id']}@rounds"}
    event = events[f"visit-{both['id']}@rounds"]
    assert event.decoded("DTSTART") == START and event.decoded("DTEND") == START + timedelta(hours=1)
    assert event["SEQUENCE"] == 0 and event["STATUS"] == "CONFIRMED"
    assert str(event["SUMMARY"]) == "Huddle · Open Observership · Preceptor"
    assert str(event["URL"]).endswith(f"/visits/{both['id']}")
    assert b"Example" not in await response.read()  # the title a preceptor typed stays out

    # The preceptor's feed lists what they host; the other preceptor's only theirs.
    hosted = events_of(await (await fetch(anonymous.client, await feed_url(preceptor))).read())
    assert set(hosted) == {f"visit-{both['id']}@rounds", f"visit-{graduate_only['id']}@rounds"}
    other = events_of(
        await (
            await fetch(anonymous.client, await feed_url(await make_api(world.other_preceptor.email)))
        ).read()
    )
    assert set(other) == {f"visit-{elsewhere['id']}@rounds"}
    # A coordinator's feed: every session of the programs they run, as on their Sessions page.
    ran = events_of(
        await (await fetch(anonymous.client, await feed_url(await make_api(world.coordinator.email)))).read()
    )
    assert set(ran) == {f"visit-{both['id']}@rounds", f"visit-{graduate_only['id']}@rounds"}

    # Moved: the same UID, the new time, a higher sequence and a new stamp.
    clock.advance(hours=2)
    moved = await preceptor.post(f"/visits/{both['id']}/move", {"starts_at": "2026-12-01T16:30:00+01:00"})
    assert moved["starts_at"].startswith("2026-12-01T15:30:00")
    event = events_of(await (await fetch(anonymous.client, url)).read())[f"visit-{both['id']}@rounds"]
    assert event.decoded("DTSTART") == datetime(2026, 12, 1, 15, 30, tzinfo=UTC)
    assert event["SEQUENCE"] == 1 and event.decoded("DTSTAMP") == clock.current

    # Cancelled: still listed, cancelled, and a revision again.
    await preceptor.post(f"/visits/{both['id']}/cancel", {"note": "Mr Example moved away"})
    event = events_of(await (await fetch(anonymous.client, url)).read())[f"visit-{both['id']}@rounds"]
    assert event["STATUS"] == "CANCELLED" and event["SEQUENCE"] == 2
    assert "Example" not in Calendar.to_ical(event).decode()

    # Sessions from the last 30 days stay; older ones leave the feed.
    clock.current = START + timedelta(days=29)
    assert f"visit-{both['id']}@rounds" in events_of(await (await fetch(anonymous.client, url)).read())
    clock.current = START + timedelta(days=31)
    assert events_of(await (await fetch(anonymous.client, url)).read()) == {}


async def test_only_a_hash_is_kept_and_replaced_revoked_and_unknown_tokens_are_the_same_404(
    world: World, make_api: Any, uows: UnitOfWorkFactory
) -> None:
    student: Api = await make_api(world.student.email)
    anonymous: Api = await make_api()
    assert await student.get("/me/calendar-feed") == {"active": False, "created_at": None}
    first = await feed_url(student)
    token = first.rsplit("/", 1)[1].removesuffix(".ics")
    async with uows() as uow:
        [row] = (await uow.db.execute(select(models.CalendarFeedRow))).scalars().all()
        assert token not in row.token_hash and len(row.token_hash) == 64
    status = await student.get("/me/calendar-feed")
    assert status["active"] is True and status["created_at"].startswith("2026-11-24T15:00")

    unknown = (await fetch(anonymous.client, first.replace(token, "A" * 43), expect=404)).headers
    unknown_body = await (await fetch(anonymous.client, first.replace(token, "A" * 43), expect=404)).text()
    # A second URL is made only on purpose: a double click does not break the first one's apps.
    status_code, body = await student.call("POST", "/me/calendar-feed", json={})
    assert status_code == 409 and "Replace it" in body["error"]["message"], body
    await fetch(anonymous.client, first)
    second = await feed_url(student, replace=True)  # replaces the first
    assert second != first
    replaced = await fetch(anonymous.client, first, expect=404)
    assert (
        await replaced.text() == unknown_body
        and replaced.content_type == unknown["Content-Type"].split(";")[0]
    )
    await fetch(anonymous.client, second)
    await student.call("DELETE", "/me/calendar-feed", expect=204)
    assert await (await fetch(anonymous.client, second, expect=404)).text() == unknown_body
    assert await student.get("/me/calendar-feed") == {"active": False, "created_at": None}
    for bad in ["/calendar/..%2F..%2Fetc.ics", "/calendar/" + "a" * 500 + ".ics", "/calendar/%00.ics"]:
        assert (await anonymous.client.get(bad)).status == 404, bad
    # A feed is made by a logged-in user only.
    status_code, body = await anonymous.call("POST", "/me/calendar-feed", json={})
    assert status_code == 401, body


async def test_an_unchanged_feed_answers_304_to_its_etag(world: World, make_api: Any) -> None:
    student: Api = await make_api(world.student.email)
    url = await feed_url(student)
    anonymous: Api = await make_api()
    etag = (await fetch(anonymous.client, url)).headers["ETag"]
    again = await fetch(anonymous.client, url, expect=304, **{"If-None-Match": etag})
    assert again.headers["ETag"] == etag and await again.read() == b""


async def test_moving_a_visit_is_for_its_host_and_follows_the_scheduling_rules(
    world: World, make_api: Any, uows: UnitOfWorkFactory, clock: FakeClock
) -> None:
    await enroll(uows, world.student, world.program_id, world.block_ids[:1])
    preceptor: Api = await make_api(world.preceptor.email)
    visit = await schedule(preceptor, world, [world.student.user_id])
    path = f"/visits/{visit['id']}/move"
    later = {"starts_at": "2026-12-03T10:00:00Z"}
    for who, expected in [
        (world.student.email, 403),
        (world.coordinator.email, 403),
        (world.other_preceptor.email, 404),
        (world.other_student.email, 404),
        (None, 401),
    ]:
        got, body = await (await make_api(who)).call("POST", path, json=later)
        assert got == expected, (who, body)
    for body, status, field in [
        ({"starts_at": "2026-11-20T10:00:00Z"}, 422, "starts_at"),  # in the past
        ({"starts_at": "2027-06-01T10:00:00Z"}, 422, "starts_at"),  # far from the block
        ({"starts_at": "2026-12-03T10:00:00"}, 422, "starts_at"),  # no offset
        ({"starts_at": START.isoformat()}, 422, "starts_at"),  # where it already is
        ({"starts_at": "2026-12-03T10:00:00Z", "duration_minutes": 500}, 422, "duration_minutes"),
        ({"starts_at": "2026-12-03T10:00:00Z", "title": "x"}, 422, "title"),  # not a field here
    ]:
        got, answer = await preceptor.call("POST", path, json=body)
        assert got == status and answer["error"].get("field") == field, (body, answer)
    moved = await preceptor.post(path, {"starts_at": "2026-12-03T10:00:00Z", "duration_minutes": 30})
    assert moved["starts_at"].startswith("2026-12-03T10:00:00") and moved["duration_minutes"] == 30
    got, _ = await preceptor.call("POST", "/visits/999999/move", json=later)
    assert got == 404
    await preceptor.post(f"/visits/{visit['id']}/cancel", {})
    got, answer = await preceptor.call("POST", path, json={"starts_at": "2026-12-04T10:00:00Z"})
    assert got == 409 and "only a scheduled visit" in answer["error"]["message"], answer


async def test_the_calendar_page_shows_the_url_once_and_revokes_it(world: World, make_api: Any) -> None:
    browser = await browser_for(make_api, world.student.email)
    page = await browser.get("/account/calendar")
    assert "You have no subscription URL" in page.text
    assert_labelled_and_outlined("/account/calendar", page.text)
    made = await browser.post("/account/calendar", {}, expect=200)
    assert_labelled_and_outlined("/account/calendar (made)", made.text)
    [url] = re.findall(r'value="(http://[^"]+/calendar/[^"]+\.ics)"', made.text)
    assert made.text.count(url) == 1
    anonymous: Api = await make_api()
    await fetch(anonymous.client, url)
    again = await browser.get("/account/calendar")
    assert "You have a working subscription URL" in again.text and url not in again.text
    # Replacing from the page: a new URL, and the old one stops.
    replaced = await browser.post("/account/calendar", {"replace": "true"}, expect=200)
    [new_url] = re.findall(r'value="(http://[^"]+/calendar/[^"]+\.ics)"', replaced.text)
    assert new_url != url
    await fetch(anonymous.client, url, expect=404)
    url = new_url
    # Without "replace" (a second tab's stale button) the working URL is kept and the page says why.
    assert "Replace it" in (await browser.post("/account/calendar", {}, expect=409)).text
    await fetch(anonymous.client, url)
    revoked = await browser.post("/account/calendar/revoke", {})
    assert revoked.location == "/account/calendar?notice=calendar_revoked"
    await fetch(anonymous.client, url, expect=404)
    assert "is revoked" in (await browser.get(revoked.location)).text
    # The page needs a login, and its forms a CSRF token.
    assert (
        await (await browser_for(make_api, None)).get("/account/calendar", expect=303)
    ).location.startswith("/login")
    await browser.post("/account/calendar", {}, expect=403, token=False)


async def test_the_agenda_shows_the_weeks_sessions_with_join_where_it_is_open(
    world: World, make_api: Any, uows: UnitOfWorkFactory, clock: FakeClock
) -> None:
    await enroll(uows, world.student, world.program_id, world.block_ids[:1])
    graduate_enrollment = await enroll(uows, world.graduate, world.program_id, world.block_ids[:1])
    preceptor: Api = await make_api(world.preceptor.email)
    soon = await schedule(preceptor, world, [world.student.user_id, world.graduate.user_id])
    async with uows() as uow:  # the graduate withdraws after being invited
        assert await uow.applications.compare_and_set_state(
            graduate_enrollment, "enrolled", {"state": "withdrawn"}
        )
        await uow.commit()
    off = await schedule(preceptor, world, [world.student.user_id], starts_at="2026-11-30T09:00:00Z")
    await preceptor.post(f"/visits/{off['id']}/cancel", {})
    later = await schedule(preceptor, world, [world.student.user_id], starts_at="2026-12-05T14:00:00Z")

    student: Api = await make_api(world.student.email)
    agenda = (await student.get("/dashboards/visitor"))["agenda"]
    # Today and the next 7 days (to the end of 1 Dec): the cancelled one too, not the one on 5 Dec.
    assert [(a["visit"]["id"], a["join_open"]) for a in agenda] == [(off["id"], False), (soon["id"], False)]
    assert later["id"] not in [a["visit"]["id"] for a in agenda]

    clock.current = START - timedelta(minutes=20)  # the session opens 30 minutes before its start
    coordinator: Api = await make_api(world.coordinator.email)
    graduate: Api = await make_api(world.graduate.email)
    open_for = {
        "student": (await student.get("/dashboards/visitor"))["agenda"],
        "preceptor": (await preceptor.get("/dashboards/preceptor"))["agenda"],
        "coordinator": (await coordinator.get("/dashboards/coordinator"))["agenda"],
        "graduate (withdrawn)": (await graduate.get("/dashboards/visitor"))["agenda"],
    }
    joinable = {who: [a["visit"]["id"] for a in items if a["join_open"]] for who, items in open_for.items()}
    assert joinable == {
        "student": [soon["id"]],
        "preceptor": [soon["id"]],
        "coordinator": [],  # sees the program's sessions, joins none
        "graduate (withdrawn)": [],  # invited, but the enrollment is no longer under way
    }
    assert soon["id"] in [a["visit"]["id"] for a in open_for["coordinator"]]
    assert (await (await make_api(world.other_student.email)).get("/dashboards/visitor"))["agenda"] == []

    page = await (await browser_for(make_api, world.student.email)).get("/dashboard")
    assert_labelled_and_outlined("/dashboard", page.text)
    assert ">Sessions this week</h2>" in page.text
    assert f'href="/visits/{soon["id"]}/live" data-join>Join' in page.text
    assert "/account/calendar" in page.text
    clock.current = START + timedelta(hours=8)  # six hours after its end: closed
    page = await (await browser_for(make_api, world.student.email)).get("/dashboard")
    assert "data-join" not in page.text


async def test_the_host_moves_a_session_from_its_page(
    world: World, make_api: Any, uows: UnitOfWorkFactory
) -> None:
    await enroll(uows, world.student, world.program_id, world.block_ids[:1])
    visit = await schedule(await make_api(world.preceptor.email), world, [world.student.user_id])
    host = await browser_for(make_api, world.preceptor.email)
    page = await host.get(f"/visits/{visit['id']}")
    assert ">Move this session</h2>" in page.text
    assert_labelled_and_outlined(f"/visits/{visit['id']}", page.text)
    form = {"local_start": "2026-12-02T09:15", "utc_offset_minutes": "-300", "duration_minutes": "45"}
    moved = await host.post(f"/visits/{visit['id']}/move", form)
    assert moved.location == f"/visits/{visit['id']}?notice=moved"
    detail = await (await make_api(world.student.email)).get(f"/visits/{visit['id']}")
    assert detail["starts_at"].startswith("2026-12-02T14:15:00") and detail["duration_minutes"] == 45
    # A refusal is said on the page, with what was typed.
    refused = await host.post(
        f"/visits/{visit['id']}/move", {**form, "local_start": "2026-11-01T09:00"}, expect=422
    )
    assert "The session was not moved" in refused.text and "in the past" in refused.text
    assert 'value="2026-11-01T09:00"' in refused.text
    # Only the host has the form; a visitor posting it is refused.
    student = await browser_for(make_api, world.student.email)
    assert ">Move this session</h2>" not in (await student.get(f"/visits/{visit['id']}")).text
    await student.post(f"/visits/{visit['id']}/move", form, expect=403)
