"""Notifications (issue 15, item 5): written with the change that causes them, as each person's
choices say, in the app and by email (List-Unsubscribe with RFC 8058's one-click POST); the list,
marking read and the choices over the API, only ever one's own; the pages and the bell; sessions
with their calendar file; reminders made once; and no patient data or clinical text in any of it."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from server.db.uow import UnitOfWorkFactory
from server.domain.mail import OutboxMail
from server.domain.notifications import (
    KINDS,
    Notice,
    NotificationKind,
    ReminderKind,
    StoredNotification,
    SubjectType,
    kinds_for,
)
from server.domain.phi import check_text
from server.domain.vocab import Role
from server.services import notifications
from server.services.reminders import ReminderJob
from tests.integration.api_helpers import act, apply, offered, verify_documents
from tests.integration.pages_browser import Browser
from tests.integration.test_api_record import enroll
from tests.support.client import Api
from tests.support.world import PDF, FakeClock, World

START = datetime(2026, 12, 1, 14, 0, tzinfo=UTC)  # Tuesday of the open program's first block
TITLE = "Diabetes follow-up clinic, bed 4"  # a session's own title: free text, never notified


async def notes_of(uows: UnitOfWorkFactory, user_id: int) -> list[StoredNotification]:
    """The person's notifications, oldest first."""
    async with uows() as uow:
        return list(reversed(await uow.notifications.page_of(user_id, offset=0, limit=1000)))


async def mails_to(uows: UnitOfWorkFactory, email: str) -> list[OutboxMail]:
    async with uows() as uow:
        return [m for m in await uow.outbox.all() if m.recipient == email]


def kinds(notes: list[StoredNotification]) -> list[str]:
    return [n.kind.value for n in notes]


async def choose(api: Api, **choices: tuple[bool, bool]) -> Any:
    body = {"preferences": [{"kind": k, "in_app": a, "email": e} for k, (a, e) in choices.items()]}
    return await api.put("/me/notification-preferences", body)


def visit_body(world: World, visitor_ids: list[int], **changes: Any) -> dict[str, Any]:
    return {
        "block_id": world.block_ids[0],
        "kind": "huddle",
        "title": TITLE,
        "starts_at": START.isoformat(),
        "duration_minutes": 60,
        "visitor_ids": visitor_ids,
        **changes,
    }


# --- written with the change, as chosen -----------------------------------------------------------


async def test_an_offer_reaches_the_visitor_in_the_app_and_by_email_with_one_click_unsubscribe(
    world: World, make_api: Any, uows: UnitOfWorkFactory
) -> None:
    visitor = await make_api(world.student.email)
    coordinator = await make_api(world.coordinator.email)
    await visitor.put("/me", {"full_name": "Student", "time_zone": "Asia/Karachi"})  # UTC+5
    app = await apply(visitor, world.program_id, world.block_ids[:1])
    assert await notes_of(uows, world.student.user_id) == []  # her own submission tells her nothing
    await act(coordinator, app["id"], "start_review")
    offer = await act(coordinator, app["id"], "make_offer")
    notes = await notes_of(uows, world.student.user_id)
    assert kinds(notes) == ["application_state", "offer_made"]
    assert notes[0].text == "Your application to Open Observership is now: Under review."
    assert notes[1].text.startswith("Open Observership offers you a seat")
    assert notes[1].link == f"/applications/{app['id']}"
    assert notes[1].subject_type is SubjectType.APPLICATION and notes[1].subject_id == app["id"]
    assert notes[1].at is not None and notes[1].at.isoformat() == offer["offer_expires_at"].replace(
        "Z", "+00:00"
    )
    assert await notes_of(uows, world.coordinator.user_id) == []  # what she did herself
    mails = await mails_to(uows, world.student.email)
    assert [m.subject for m in mails] == ["Your application has changed", "You have an offer"]
    offer_mail = mails[1]
    assert "http://127.0.0.1:8080/applications/" in offer_mail.text
    # The expiry in her own zone: the offer was made at 15:00 UTC and is held 7 days.
    assert "The offer expires: 1 Dec 2026, 20:00 PKT" in offer_mail.text, offer_mail.text
    assert offer_mail.headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    link = offer_mail.headers["List-Unsubscribe"]
    assert re.fullmatch(r"<http://127\.0\.0\.1:8080/notifications/unsubscribe/[\w.-]+>", link), link
    # Her answer is hers: accepting tells her nothing.
    await act(visitor, app["id"], "accept_offer")
    assert len(await notes_of(uows, world.student.user_id)) == 2


async def test_each_persons_choices_decide_app_and_email_separately(
    world: World, make_api: Any, uows: UnitOfWorkFactory
) -> None:
    visitor = await make_api(world.student.email)
    coordinator = await make_api(world.coordinator.email)
    chosen = await choose(visitor, application_state=(False, True), offer_made=(True, False))
    by_kind = {p["kind"]: p for p in chosen}
    assert by_kind["application_state"] == {
        "kind": "application_state",
        "label": KINDS[NotificationKind.APPLICATION_STATE].label,
        "in_app": False,
        "email": True,
    }
    assert by_kind["evaluation_released"]["in_app"] and by_kind["evaluation_released"]["email"]  # defaults
    assert [p["kind"] for p in chosen] == [k.value for k in kinds_for(Role.VISITOR)]
    first = await offered(world, visitor, coordinator)
    assert kinds(await notes_of(uows, world.student.user_id)) == ["offer_made"]  # app: offers only
    assert [m.subject for m in await mails_to(uows, world.student.email)] == ["Your application has changed"]
    # Both off: nothing at all; the other visitor's defaults are untouched by hers.
    await choose(visitor, offer_made=(False, False), application_state=(False, False))
    await act(visitor, first["id"], "decline_offer")
    other = await make_api(world.other_student.email)
    app = await apply(visitor, world.program_id, world.block_ids[1:2])
    other_app = await apply(other, world.program_id, world.block_ids[1:2])
    for application in (app, other_app):
        await act(coordinator, application["id"], "start_review")
        await act(coordinator, application["id"], "make_offer")
    assert len(await notes_of(uows, world.student.user_id)) == 1
    assert kinds(await notes_of(uows, world.other_student.user_id)) == ["application_state", "offer_made"]
    assert await visitor.get("/me/notification-preferences") == await choose(
        visitor, offer_made=(False, False)
    )


async def test_staff_kinds_reach_staff_and_default_to_the_app_only(
    world: World, make_api: Any, uows: UnitOfWorkFactory
) -> None:
    visitor = await make_api(world.student.email)
    coordinator = await make_api(world.coordinator.email)
    await visitor.upload("cv", PDF)  # no application yet: no coordinator has it to verify
    assert await notes_of(uows, world.coordinator.user_id) == []
    await apply(visitor, world.program_id, world.block_ids[:1])
    doc = await visitor.upload("photo_id", PDF)
    [note] = await notes_of(uows, world.coordinator.user_id)
    assert note.kind is NotificationKind.DOCUMENT_TO_VERIFY
    assert note.text == "Student uploaded a Photo ID to verify." and note.subject_id == doc["id"]
    assert await mails_to(uows, world.coordinator.email) == []  # staff queue kinds: app only by default
    assert await notes_of(uows, world.other_coordinator.user_id) == []  # not her program
    kinds_shown = [p["kind"] for p in await coordinator.get("/me/notification-preferences")]
    assert kinds_shown == ["document_to_verify", "message_received", "placement_answered"]


async def test_a_rejected_document_says_why_unless_the_reason_holds_patient_data(
    world: World, make_api: Any, uows: UnitOfWorkFactory
) -> None:
    visitor = await make_api(world.student.email)
    coordinator = await make_api(world.coordinator.email)
    await apply(visitor, world.program_id, world.block_ids[:1])
    first = await visitor.upload("cv", PDF)
    second = await visitor.upload("photo_id", PDF)
    plain = "The scan is cut off at the bottom; upload the whole page."
    leaky = "This is a chart page for Maria Gonzalez, MRN 4827315, not your ID."
    assert check_text(leaky) and not check_text(plain)  # what the guard finds, as this test assumes
    await coordinator.post(f"/documents/{first['id']}/review", {"status": "rejected", "note": plain})
    await coordinator.post(f"/documents/{second['id']}/review", {"status": "rejected", "note": leaky})
    await coordinator.post(f"/documents/{first['id']}/review", {"status": "verified"})
    notes = await notes_of(uows, world.student.user_id)
    assert [(n.text, n.note) for n in notes] == [
        ("Your CV was rejected: upload a new one.", plain),
        ("Your Photo ID was rejected: upload a new one. The reason is on your dashboard.", None),
        ("Your CV was verified.", None),
    ]
    mails = await mails_to(uows, world.student.email)
    assert plain in mails[0].text and plain in mails[0].html
    assert "Gonzalez" not in mails[1].text + mails[1].html and "4827315" not in mails[1].text


async def test_a_session_scheduled_moved_and_cancelled_reaches_its_invitees_with_the_calendar_file(
    world: World, make_api: Any, uows: UnitOfWorkFactory
) -> None:
    await enroll(uows, world.student, world.program_id, world.block_ids[:1])
    preceptor = await make_api(world.preceptor.email)
    visit = await preceptor.post("/visits", visit_body(world, [world.student.user_id]), expect=201)
    path = f"/visits/{visit['id']}"
    moved_to = START + timedelta(days=1, hours=2)
    await preceptor.post(f"{path}/move", {"starts_at": moved_to.isoformat()})
    async with uows() as uow:
        [reminder] = await uow.reminders.all()
    assert reminder.kind is ReminderKind.SESSION_STARTING and reminder.about == moved_to
    assert reminder.due_at == moved_to - timedelta(hours=1)
    await preceptor.post(f"{path}/cancel", {"note": "Dr. Reyes is ill"})
    async with uows() as uow:
        assert await uow.reminders.all() == []  # a cancelled session has no reminder to make
    notes = await notes_of(uows, world.student.user_id)
    assert kinds(notes) == ["session_scheduled", "session_moved", "session_cancelled"]
    assert notes[0].text == "Huddle of Open Observership with Preceptor is scheduled for you."
    assert [n.at for n in notes] == [START, moved_to, moved_to]
    assert all(n.link == path for n in notes)
    assert await notes_of(uows, world.preceptor.user_id) == []  # the host did it
    mails = await mails_to(uows, world.student.email)
    assert len(mails) == 3
    calendars = [m.attachments[0].content for m in mails]
    assert all(m.attachments[0].content_type == "text/calendar" for m in mails)
    assert "DTSTART:20261201T140000Z" in calendars[0] and "STATUS:CONFIRMED" in calendars[0]
    assert "DTSTART:20261202T160000Z" in calendars[1]
    assert "STATUS:CANCELLED" in calendars[2]
    assert all(f"UID:visit-{visit['id']}@rounds" in c for c in calendars)  # one event, updated
    # The session's own title and the cancel note are free text: never in a notification or a mail.
    for text in [*(n.text for n in notes), *(m.text + m.html for m in mails), *calendars]:
        assert "Diabetes" not in text and "ill" not in text.replace("will", "")


async def test_moving_a_session_is_its_hosts_alone_and_within_its_block(
    world: World, make_api: Any, uows: UnitOfWorkFactory
) -> None:
    await enroll(uows, world.student, world.program_id, world.block_ids[:1])
    preceptor = await make_api(world.preceptor.email)
    visit = await preceptor.post("/visits", visit_body(world, [world.student.user_id]), expect=201)
    path = f"/visits/{visit['id']}/move"
    visitor = await make_api(world.student.email)
    stranger = await make_api(world.other_preceptor.email)
    assert (await visitor.post(path, {"starts_at": START.isoformat()}, expect=403))["error"]["code"]
    await stranger.post(path, {"starts_at": START.isoformat()}, expect=404)
    far = await preceptor.post(path, {"starts_at": (START + timedelta(days=90)).isoformat()}, expect=422)
    assert far["error"]["field"] == "starts_at"
    await preceptor.post(path, {"starts_at": "2026-12-01T14:00:00"}, expect=422)  # no offset
    await preceptor.post(path, {"starts_at": START.isoformat(), "duration_minutes": 1}, expect=422)
    same = await preceptor.post(path, {"starts_at": START.isoformat()}, expect=422)  # nothing would move
    assert same["error"]["field"] == "starts_at"
    assert kinds(await notes_of(uows, world.student.user_id)) == ["session_scheduled"]


# --- the list, marking read, choices: one's own only ---------------------------------------------


async def _write(uows: UnitOfWorkFactory, clock: FakeClock, user_id: int, count: int) -> None:
    """``count`` notifications to ``user_id``, a minute apart (through the one writer)."""
    for n in range(count):
        clock.advance(minutes=1)
        async with uows() as uow:
            notice = Notice(
                user_id,
                NotificationKind.CERTIFICATE_ISSUED,
                SubjectType.CERTIFICATE,
                n + 1,
                f"Notice {n}",
                "/record",
            )
            await notifications.deliver(uow, [notice])
            await uow.commit()


async def test_the_list_is_newest_first_in_pages_and_marks_only_the_readers_own(
    world: World, make_api: Any, uows: UnitOfWorkFactory, clock: FakeClock
) -> None:
    await _write(uows, clock, world.student.user_id, 25)
    await _write(uows, clock, world.other_student.user_id, 1)
    visitor = await make_api(world.student.email)
    other = await make_api(world.other_student.email)
    first = await visitor.get("/notifications")
    assert [i["text"] for i in first["items"]] == [f"Notice {n}" for n in range(24, 4, -1)]
    assert (first["page"], first["per_page"], first["pages"], first["total"], first["unread"]) == (
        1,
        20,
        2,
        25,
        25,
    )
    second = await visitor.get("/notifications?page=2")
    assert [i["text"] for i in second["items"]] == [f"Notice {n}" for n in range(4, -1, -1)]
    assert (await visitor.get("/notifications?page=3"))["items"] == []
    assert len((await visitor.get("/notifications?per_page=100"))["items"]) == 25
    newest = first["items"][0]
    theirs = (await other.get("/notifications"))["items"][0]
    # Someone else's notification is not found, exactly like one that does not exist.
    refused = await other.post(f"/notifications/{newest['id']}/read", {}, expect=404)
    assert refused["error"]["code"] == "not_found"
    missing = await other.post("/notifications/99999/read", {}, expect=404)
    assert refused["error"]["message"].replace(str(newest["id"]), "N") == missing["error"]["message"].replace(
        "99999", "N"
    )
    read = await visitor.post(f"/notifications/{newest['id']}/read", {})
    assert read["read_at"] is not None and read["id"] == newest["id"]
    again = await visitor.post(f"/notifications/{newest['id']}/read", {"read": True})
    assert again["read_at"] == read["read_at"]  # the first reading is kept
    assert (await visitor.post(f"/notifications/{newest['id']}/read", {"read": False}))["read_at"] is None
    await visitor.post(f"/notifications/{newest['id']}/read", {})
    assert (await visitor.get("/notifications"))["unread"] == 24
    # "Mark all read" as of the list the reader saw: what arrived since stays unread.
    await _write(uows, clock, world.student.user_id, 1)
    assert await visitor.post("/notifications/read-all", {"up_to_id": newest["id"]}) == {
        "marked": 24,
        "unread": 1,
    }
    assert await visitor.post("/notifications/read-all", {}) == {"marked": 1, "unread": 0}
    await visitor.post("/notifications/read-all", {"up_to_id": 0}, expect=422)
    await visitor.post("/notifications/read-all", {"everything": True}, expect=422)
    assert (await other.get("/notifications"))["unread"] == 1  # hers were not touched
    assert theirs["read_at"] is None


@pytest.mark.parametrize("bad", ["0", "-1", "abc", "2147483648", str(2**40), "1.5", "%20"])
async def test_a_bad_notification_id_is_a_404(world: World, make_api: Any, bad: str) -> None:
    visitor = await make_api(world.student.email)
    body = await visitor.post(f"/notifications/{bad}/read", {}, expect=404)
    assert body["error"]["code"] == "not_found"


async def test_hostile_queries_and_preferences_are_refused_with_the_field_named(
    world: World, make_api: Any, uows: UnitOfWorkFactory
) -> None:
    visitor = await make_api(world.student.email)
    anonymous = await make_api()
    for path in ("/notifications", "/me/notification-preferences"):
        assert (await anonymous.get(path, expect=401))["error"]["code"] == "unauthorized"
    await anonymous.post("/notifications/read-all", {}, expect=401)
    for query in ("page=0", "page=-3", "page=abc", "per_page=0", "per_page=101", "page=1&page=2", "sort=id"):
        body = await visitor.get(f"/notifications?{query}", expect=422)
        assert body["error"]["field"] in {"page", "per_page", "sort"}, (query, body)
    cases: list[tuple[Any, str | None]] = [
        ({"preferences": [{"kind": "everything", "in_app": True, "email": True}]}, "preferences.0.kind"),
        (
            {"preferences": [{"kind": "document_to_verify", "in_app": True, "email": True}]},
            "preferences.0.kind",
        ),
        ({"preferences": [{"kind": "offer_made", "in_app": "maybe", "email": True}]}, "preferences.0.in_app"),
        ({"preferences": [{"kind": "offer_made", "in_app": True}]}, "preferences.0.email"),
        ({"preferences": [{"kind": "offer_made", "in_app": True, "email": True, "sms": True}]}, None),
        ({"preferences": []}, "preferences"),
        ({"preferences": [{"kind": "offer_made", "in_app": True, "email": True}] * 2}, "preferences"),
        ({}, "preferences"),
    ]
    for body, field in cases:
        refused = await visitor.put("/me/notification-preferences", body, expect=422)
        if field is not None:
            assert refused["error"]["field"] == field, (body, refused)
    status, _ = await visitor.call(
        "PUT", "/me/notification-preferences", data="not json", headers={"Content-Type": "application/json"}
    )
    assert status == 400
    async with uows() as uow:  # nothing was chosen by any of it
        assert (await uow.notifications.choices([world.student.user_id]))[world.student.user_id] == {}


# --- the one-click unsubscribe --------------------------------------------------------------------


async def test_one_click_unsubscribe_switches_off_that_kinds_email_without_a_login(
    world: World, make_api: Any, client: TestClient[Any, Any], uows: UnitOfWorkFactory
) -> None:
    visitor = await make_api(world.student.email)
    coordinator = await make_api(world.coordinator.email)
    await offered(world, visitor, coordinator)
    offer_mail = (await mails_to(uows, world.student.email))[-1]
    url = offer_mail.headers["List-Unsubscribe"].strip("<>")
    path = url.removeprefix("http://127.0.0.1:8080")
    # Opening the link (a mail scanner does) changes nothing; it says what the button would do.
    page = await client.get(path)
    assert page.status == 200 and "I am offered a seat" in await page.text()
    prefs = {p["kind"]: p for p in await visitor.get("/me/notification-preferences")}
    assert prefs["offer_made"]["email"] is True
    # The mail client's POST (RFC 8058): no cookie, no CSRF token, the body the RFC names.
    client.session.cookie_jar.clear()
    done = await client.post(
        path,
        data="List-Unsubscribe=One-Click",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        allow_redirects=False,
    )
    text = await done.text()
    assert done.status == 200, text
    assert (
        "no longer emails" in text and "I am offered a seat" in text and "/notifications/preferences" in text
    )
    prefs = {p["kind"]: p for p in await visitor.get("/me/notification-preferences")}
    assert prefs["offer_made"] == {**prefs["offer_made"], "in_app": True, "email": False}
    assert prefs["application_state"]["email"] is True  # only that kind
    again = await client.post(path, data="List-Unsubscribe=One-Click")
    assert again.status == 200  # twice is once
    # A tampered token, another person's id under this signature, or another kind: not ours.
    token = path.rsplit("/", 1)[1]
    user_id, kind, mac = token.split(".")
    for forged in (
        f"{user_id}.{kind}.{mac[:-2]}AA",
        f"{world.other_student.user_id}.{kind}.{mac}",
        f"{user_id}.application_state.{mac}",
        f"{user_id}.document_to_verify.{mac}",
        "x" * 300,
        "1.2.3.4",
    ):
        refused = await client.post(f"/notifications/unsubscribe/{forged}", data="List-Unsubscribe=One-Click")
        assert refused.status == 404, forged
    async with uows() as uow:
        choices = await uow.notifications.choices([world.other_student.user_id, world.student.user_id])
    assert choices[world.other_student.user_id] == {}
    assert choices[world.student.user_id] == {NotificationKind.OFFER_MADE: (True, False)}


# --- pages and the bell ---------------------------------------------------------------------------


async def _browser(client: TestClient[Any, Any], email: str) -> Browser:
    browser = Browser(client)
    await browser.get("/login")
    await browser.post("/login", {"email": email, "password": "correct-horse-battery", "next": "/dashboard"})
    return browser


async def test_the_bell_the_list_page_and_the_preferences_page(
    world: World, make_api: Any, client: TestClient[Any, Any], uows: UnitOfWorkFactory, clock: FakeClock
) -> None:
    await _write(uows, clock, world.student.user_id, 3)
    browser = await _browser(client, world.student.email)
    dashboard = await browser.get("/dashboard")
    assert re.search(r'id="bell-count">3<', dashboard.text)
    page = await browser.get("/notifications")
    assert page.text.index("Notice 2") < page.text.index("Notice 0")  # newest first
    ids = [int(i) for i in re.findall(r'id="notification-(\d+)"', page.text)]
    opened = await browser.get(f"/notifications/{ids[0]}/open", expect=303)
    assert opened.location == "/record"
    assert re.search(r'id="bell-count">2<', (await browser.get("/dashboard")).text)
    await browser.post(f"/notifications/{ids[1]}/read", {})
    await browser.post("/notifications/read-all", {"up_to_id": str(ids[0])})
    assert 'id="bell-count"' not in (await browser.get("/dashboard")).text
    await _write(uows, clock, world.student.user_id, 1)  # one unread, for someone else to try
    # Preferences: every box the form sends is on, every box it leaves out is off.
    form = await browser.get("/notifications/preferences")
    assert form.text.count('type="checkbox"') == 2 * len(kinds_for(Role.VISITOR))
    saved = await browser.post(
        "/notifications/preferences", {"in_app.offer_made": "on", "email.offer_made": "on"}
    )
    assert saved.location == "/notifications/preferences?notice=preferences_saved"
    prefs = {p.kind: p for p in await notifications.preferences(uows(), world.student)}
    assert (prefs[NotificationKind.OFFER_MADE].in_app, prefs[NotificationKind.OFFER_MADE].email) == (
        True,
        True,
    )
    assert (
        not prefs[NotificationKind.LETTER_SIGNED].in_app and not prefs[NotificationKind.LETTER_SIGNED].email
    )
    # Someone else (the same test client: her login replaces his) opening his notification by its id:
    # not found, and nothing marked.
    other = await _browser(client, world.other_student.email)
    [fresh] = [n for n in await notes_of(uows, world.student.user_id) if n.read_at is None]
    await other.get(f"/notifications/{fresh.id}/open", expect=404)
    await other.post(f"/notifications/{fresh.id}/read", {}, expect=404)
    await other.get("/notifications/abc/open", expect=404)
    await other.get("/notifications?page=0", expect=422)
    assert [n.id for n in await notes_of(uows, world.student.user_id) if n.read_at is None] == [fresh.id]
    anonymous = Browser(client)
    client.session.cookie_jar.clear()
    assert (await anonymous.get("/notifications", expect=303)).location.startswith("/login")


# --- reminders --------------------------------------------------------------------------------------


async def test_an_offer_is_reminded_once_48_hours_before_it_expires_and_not_once_answered(
    world: World, make_api: Any, uows: UnitOfWorkFactory, clock: FakeClock
) -> None:
    visitor = await make_api(world.student.email)
    other = await make_api(world.other_student.email)
    coordinator = await make_api(world.coordinator.email)
    kept = await offered(world, visitor, coordinator)  # held 7 days
    answered = await offered(world, other, coordinator)
    job = ReminderJob(uows, skip_locked=False)
    clock.advance(days=5, minutes=-1)
    assert await job.make_due() == 0
    await act(other, answered["id"], "decline_offer")
    clock.advance(minutes=2)
    assert await job.make_due() == 1
    assert await job.make_due() == 0
    clock.advance(hours=1)
    assert await job.make_due() == 0
    reminded = [
        n for n in await notes_of(uows, world.student.user_id) if n.kind is NotificationKind.OFFER_EXPIRING
    ]
    assert len(reminded) == 1 and reminded[0].subject_id == kept["id"]
    assert reminded[0].text.startswith("Your offer from Open Observership expires in less than 48 hours")
    assert [n.kind for n in await notes_of(uows, world.other_student.user_id)].count(
        NotificationKind.OFFER_EXPIRING
    ) == 0
    assert [m.subject for m in await mails_to(uows, world.student.email)][
        -1
    ] == "Your offer expires in 48 hours"
    async with uows() as uow:
        [made] = [r for r in await uow.reminders.all() if r.made_at is not None]
    assert made.subject_id == kept["id"]


async def test_a_session_is_reminded_an_hour_before_to_its_host_and_invitees_and_a_moved_one_again(
    world: World, make_api: Any, uows: UnitOfWorkFactory, clock: FakeClock
) -> None:
    await enroll(uows, world.student, world.program_id, world.block_ids[:1])
    preceptor = await make_api(world.preceptor.email)
    visit = await preceptor.post("/visits", visit_body(world, [world.student.user_id]), expect=201)
    job = ReminderJob(uows, skip_locked=False)
    clock.current = START - timedelta(hours=1, minutes=1)
    assert await job.make_due() == 0
    clock.advance(minutes=1)
    assert await job.make_due() == 1
    for person in (world.student, world.preceptor):
        [note] = [
            n for n in await notes_of(uows, person.user_id) if n.kind is NotificationKind.SESSION_STARTING
        ]
        assert note.at == START and note.subject_id == visit["id"]
    # Moved to later the same day: its reminder is due again for the new time.
    later = START + timedelta(hours=3)
    await preceptor.post(f"/visits/{visit['id']}/move", {"starts_at": later.isoformat()})
    assert await job.make_due() == 0
    clock.current = later - timedelta(minutes=59)
    assert await job.make_due() == 1
    starting = [
        n for n in await notes_of(uows, world.student.user_id) if n.kind is NotificationKind.SESSION_STARTING
    ]
    assert [n.at for n in starting] == [START, later]


# --- no patient data, no clinical text ------------------------------------------------------------


async def test_no_notification_or_its_email_holds_anything_but_names_titles_links_and_times(
    world: World, make_api: Any, uows: UnitOfWorkFactory
) -> None:
    """A walk through most kinds, then the PHI guard over every notification and every email: with
    the people's names, the program titles, the links and the times masked (what a notification may
    carry), nothing it finds is left."""
    visitor = await make_api(world.student.email)
    coordinator = await make_api(world.coordinator.email)
    app = await offered(world, visitor, coordinator)
    await act(visitor, app["id"], "accept_offer")
    rejected = await visitor.upload("cv", PDF)
    await coordinator.post(
        f"/documents/{rejected['id']}/review",
        {"status": "rejected", "note": "Call me at 312-555-0142 about patient John Smith, MRN 4827315."},
    )
    await verify_documents(visitor, coordinator)
    await act(coordinator, app["id"], "enroll")
    preceptor = await make_api(world.preceptor.email)
    visit = await preceptor.post("/visits", visit_body(world, [world.student.user_id]), expect=201)
    await preceptor.post(
        f"/visits/{visit['id']}/move", {"starts_at": (START + timedelta(days=1)).isoformat()}
    )
    await preceptor.post(f"/visits/{visit['id']}/cancel", {"note": "Patient J.S. (DOB 03/04/1950) declined"})
    async with uows() as uow:
        notes = await uow.notifications.all()
        mails = [m for m in await uow.outbox.all() if m.kind.value == "notification"]
    assert len({n.kind for n in notes}) >= 6, {n.kind for n in notes}
    allowed = [
        "Open Observership",
        *(p.full_name for p in (world.student, world.coordinator, world.preceptor)),
        *(p.email for p in (world.student, world.coordinator, world.preceptor)),
    ]
    leftovers = []
    for text in [n.text for n in notes] + [n.note or "" for n in notes] + [m.text for m in mails]:
        masked = re.sub(r"https?://\S+", "LINK", text)
        masked = re.sub(r"\d{1,2} \w{3} \d{4}, \d\d:\d\d UTC", "WHEN", masked)
        for phrase in allowed:
            masked = masked.replace(phrase, "NAME")
        hits = check_text(masked)
        if hits:
            leftovers.append((masked, [masked[h.start : h.end] for h in hits]))
    assert leftovers == []


async def test_the_host_moves_a_session_from_its_page_in_their_own_time_zone(
    world: World, make_api: Any, client: TestClient[Any, Any], uows: UnitOfWorkFactory
) -> None:
    await enroll(uows, world.student, world.program_id, world.block_ids[:1])
    preceptor = await make_api(world.preceptor.email)
    visit = await preceptor.post("/visits", visit_body(world, [world.student.user_id]), expect=201)
    browser = await _browser(client, world.preceptor.email)
    page = await browser.get(f"/visits/{visit['id']}")
    assert 'action="/visits/{}/move"'.format(visit["id"]) in page.text
    # 09:30 in UTC-5 is 14:30 UTC.
    moved = await browser.post(
        f"/visits/{visit['id']}/move", {"local_start": "2026-12-02T09:30", "utc_offset_minutes": "-300"}
    )
    assert moved.location == f"/visits/{visit['id']}?notice=moved"
    [_, note] = await notes_of(uows, world.student.user_id)
    assert note.kind is NotificationKind.SESSION_MOVED and note.at == datetime(
        2026, 12, 2, 14, 30, tzinfo=UTC
    )
    refused = await browser.post(
        f"/visits/{visit['id']}/move", {"local_start": "someday", "utc_offset_minutes": ""}, expect=422
    )
    assert "date and a time" in refused.text
    visitor = await _browser(client, world.student.email)
    assert (
        'action="/visits/{}/move"'.format(visit["id"])
        not in (await visitor.get(f"/visits/{visit['id']}")).text
    )
    await visitor.post(f"/visits/{visit['id']}/move", {"local_start": "2026-12-02T09:30"}, expect=403)


@pytest.mark.also_postgres  # PostgreSQL refuses text longer than its column, SQLite does not
async def test_a_sentence_longer_than_its_column_is_cut_not_refused(
    world: World, uows: UnitOfWorkFactory
) -> None:
    long_name = "Dr. " + "Averylongname " * 20
    async with uows() as uow:
        await notifications.letter_decided(
            uow, request_id=1, visitor_id=world.student.user_id, author_name=long_name * 3, accepted=True
        )
        await notifications.deliver(
            uow,
            [
                Notice(
                    world.student.user_id,
                    NotificationKind.OFFER_MADE,
                    SubjectType.APPLICATION,
                    1,
                    "y" * 999,
                    "/",
                )
            ],
        )
        await uow.commit()
    texts = [n.text for n in await notes_of(uows, world.student.user_id)]
    assert [len(t) <= 300 for t in texts] == [True, True]
    assert texts[1] == "y" * 299 + "…"
    assert texts[0].startswith("Dr. Averylongname") and texts[0].endswith("letter of recommendation.")


async def test_a_closed_account_is_told_nothing_and_its_placeholder_is_never_mailed(
    world: World, make_api: Any, uows: UnitOfWorkFactory, clock: FakeClock
) -> None:
    await enroll(uows, world.student, world.program_id, world.block_ids[:1])
    preceptor = await make_api(world.preceptor.email)
    await preceptor.post("/visits", visit_body(world, [world.student.user_id]), expect=201)
    async with uows() as uow:  # the student closes the account (what closing leaves: a placeholder)
        user = await uow.users.get(world.student.user_id)
        assert user is not None
        await uow.users.update(replace(user, email=f"closed-{user.id}@closed.invalid", closed_at=uow.now()))
        await uow.commit()
    told = len(await notes_of(uows, world.student.user_id))
    clock.current = START - timedelta(minutes=30)
    assert await ReminderJob(uows, skip_locked=False).make_due() == 1
    assert len(await notes_of(uows, world.student.user_id)) == told  # nothing new
    assert [n.kind for n in await notes_of(uows, world.preceptor.user_id)] == [
        NotificationKind.SESSION_STARTING
    ]
    assert await mails_to(uows, f"closed-{world.student.user_id}@closed.invalid") == []
