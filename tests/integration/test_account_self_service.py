"""Account self-service through the real app's pages and API (issue 15, item 2): the name and the time
zone, with every page and email writing times in the reader's zone; changing the email address (a link
to the new one, the same answer whether or not it can be used, a notice to the old one); and closing
the account (password, confirmation, what stays and what goes)."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import select

from server.db import models
from server.db.uow import UnitOfWorkFactory
from server.domain.mail import MailKind
from tests.integration.api_helpers import apply, offered, seats
from tests.integration.pages_browser import assert_labelled_and_outlined
from tests.integration.test_accounts_email import browser, mails, message_of, signup_form
from tests.integration.test_api_record import enroll
from tests.integration.test_api_visits import visit_body
from tests.support.client import DEMO_PASSWORD, Api
from tests.support.world import FakeClock, World

CONFIRM_LINK = re.compile(r"http://127\.0\.0\.1:8080(/account/email/confirm/[A-Za-z0-9_-]+)")
SAME_ANSWER = "/account/email?notice=email_change_sent"


def confirm_link(text: str) -> str:
    found = CONFIRM_LINK.search(text)
    assert found, text
    return found.group(1)


# --- name and time zone --------------------------------------------------------------------------


async def test_the_name_and_the_time_zone_are_set_through_the_api_and_the_page(
    world: World, make_api: Any, uows: UnitOfWorkFactory
) -> None:
    api: Api = await make_api(world.student.email)
    profile = await api.put("/me", {"full_name": "Ayesha Khan", "time_zone": "Asia/Karachi"})
    assert (profile["user"]["full_name"], profile["user"]["time_zone"]) == ("Ayesha Khan", "Asia/Karachi")
    assert (await api.get("/auth/session"))["user"]["time_zone"] == "Asia/Karachi"
    # Left out: kept. Not a zone, too long, a path, or blank: a 422 naming the field, nothing changed.
    assert (await api.put("/me", {"full_name": "Ayesha K."}))["user"]["time_zone"] == "Asia/Karachi"
    for bad in ("Mars/Olympus", "x" * 65, "../../etc/passwd", "", "localtime"):
        body = await api.put("/me", {"time_zone": bad}, expect=422)
        assert body["error"]["field"] == "time_zone", body
    await api.put("/me", {"full_name": ""}, expect=422)
    await api.put("/me", {"role": "coordinator"}, expect=422)  # no field but these two
    assert (await api.get("/me"))["user"] == {
        "id": world.student.user_id,
        "email": world.student.email,
        "role": "visitor",
        "full_name": "Ayesha K.",
        "time_zone": "Asia/Karachi",
    }

    # Sign-up keeps the zone its page read from the browser (time-zone.js fills the hidden field).
    stranger = await browser(make_api)
    page = await stranger.get("/signup")
    assert 'name="time_zone" value="" data-browser-zone' in page.text
    await stranger.post("/signup", signup_form("far@example.org", time_zone="Asia/Karachi"), expect=200)
    reply = await stranger.post(
        "/signup", signup_form("farther@example.org", time_zone="Moon/Base"), expect=422
    )
    assert "is not a time zone" in reply.text
    await api.post("/auth/signup", {**signup_form("api@example.org"), "time_zone": "Pluto/Base"}, expect=422)

    person = await browser(make_api, world.graduate.email)
    page = await person.get("/account")
    assert_labelled_and_outlined("/account", page.text)
    assert '<option value="Asia/Karachi">Asia/Karachi</option>' in page.text
    reply = await person.post(
        "/account", {"full_name": "Graduate", "time_zone": "Atlantis/Capital"}, expect=422
    )
    assert "is not a time zone" in reply.text and 'value="Graduate"' in reply.text
    reply = await person.post("/account", {"full_name": "Graduate", "time_zone": "America/Chicago"})
    assert reply.location == "/account?notice=account_saved"
    page = await person.get(reply.location)
    assert '<option value="America/Chicago" selected>America/Chicago</option>' in page.text
    assert "Times are shown in your time zone, America/Chicago" in page.text
    async with uows() as uow:
        signed_up = await uow.users.by_email("far@example.org")
    assert signed_up is not None and signed_up.time_zone == "Asia/Karachi"


async def test_a_visitor_in_karachi_and_a_preceptor_in_chicago_see_one_session_at_their_own_hours(
    world: World, make_api: Any, uows: UnitOfWorkFactory
) -> None:
    await enroll(uows, world.student, world.program_id, world.block_ids[:1])
    visitor_api: Api = await make_api(world.student.email)
    preceptor_api: Api = await make_api(world.preceptor.email)
    await visitor_api.put("/me", {"time_zone": "Asia/Karachi"})
    await preceptor_api.put("/me", {"time_zone": "America/Chicago"})

    # The preceptor schedules from the page's form, in her own zone: 8:00 in Chicago is 14:00 UTC
    # (the script's browser offset is not used once the account has a zone).
    preceptor = await browser(make_api, world.preceptor.email)
    form = await preceptor.get("/visits")
    assert "In your time zone, America/Chicago" in form.text and "data-visit-schedule" not in form.text
    reply = await preceptor.post(
        "/visits",
        [
            ("block_id", str(world.block_ids[0])),
            ("kind", "huddle"),
            ("title", "Case huddle"),
            ("local_start", "2026-12-01T08:00"),
            ("utc_offset_minutes", "300"),
            ("duration_minutes", "60"),
            ("visitor_ids", str(world.student.user_id)),
        ],
    )
    visit_id = int(reply.location.split("/")[2].split("?")[0])
    # The API keeps UTC, with its offset.
    listed = await visitor_api.get(f"/visits/{visit_id}")
    assert listed["starts_at"] in ("2026-12-01T14:00:00Z", "2026-12-01T14:00:00+00:00")

    visitor = await browser(make_api, world.student.email)
    seen_by_visitor = (await visitor.get(f"/visits/{visit_id}")).text
    seen_by_preceptor = (await preceptor.get(f"/visits/{visit_id}")).text
    machine = '<time datetime="2026-12-01T14:00:00Z">'
    assert f"{machine}1 Dec 2026, 19:00 PKT</time>" in seen_by_visitor
    assert f"{machine}1 Dec 2026, 08:00 CST</time>" in seen_by_preceptor
    for page in (seen_by_visitor, seen_by_preceptor):
        assert "data-local" not in page  # written in the reader's zone, not left to the browser
    assert "19:00 PKT" in (await visitor.get("/visits")).text
    # Someone who chose no zone still gets UTC, for the browser's script to rewrite.
    coordinator = await browser(make_api, world.coordinator.email)
    assert (
        '<time datetime="2026-12-01T14:00:00Z" data-local>1 Dec 2026, 14:00 UTC</time>'
        in (await coordinator.get(f"/visits/{visit_id}")).text
    )

    # Mail is written in its recipient's zone too: the link to confirm a new address says until when.
    for api, password, address in (
        (visitor_api, DEMO_PASSWORD, "ayesha@example.org"),
        (preceptor_api, DEMO_PASSWORD, "dr.reyes@example.org"),
    ):
        await api.put("/me/email", {"email": address, "password": password}, expect=202)
    [to_visitor] = await mails(uows, "ayesha@example.org")
    [to_preceptor] = await mails(uows, "dr.reyes@example.org")
    # The clock stands at 24 Nov 2026, 15:00 UTC; the link works 24 hours.
    assert "until 25 Nov 2026, 20:00 PKT" in to_visitor.text and "20:00 PKT" in to_visitor.html
    assert "until 25 Nov 2026, 09:00 CST" in to_preceptor.text and "09:00 CST" in to_preceptor.html


# --- changing the email address ------------------------------------------------------------------


async def test_changing_the_email_sends_a_link_to_the_new_address_and_tells_the_old_one(
    world: World, make_api: Any, uows: UnitOfWorkFactory
) -> None:
    old = world.student.email
    laptop = await browser(make_api, old)
    page = await laptop.get("/account/email")
    assert_labelled_and_outlined("/account/email", page.text)

    refusals = [
        ({"email": "new@example.org", "password": "not-my-password"}, "current password is not right"),
        ({"email": "someone@mailinator.com", "password": DEMO_PASSWORD}, "disposable-mail services"),
        ({"email": old.upper(), "password": DEMO_PASSWORD}, "already the address of your account"),
        ({"email": "not-an-address", "password": DEMO_PASSWORD}, "New email address"),
    ]
    for form, why in refusals:
        reply = await laptop.post("/account/email", form, expect=422)
        assert why in reply.text, why
        assert DEMO_PASSWORD not in reply.text  # the password is never written back
    assert await mails(uows) == []

    # A taken address and a free one get the same answer; only the free one gets a link, and the
    # taken one's owner hears nothing.
    taken = await laptop.post("/account/email", {"email": world.graduate.email, "password": DEMO_PASSWORD})
    free = await laptop.post("/account/email", {"email": "Nadia.New@Example.org", "password": DEMO_PASSWORD})
    assert taken.location == free.location == SAME_ANSWER
    assert "If that address can be used" in (await laptop.get(SAME_ANSWER)).text
    [link_mail] = await mails(uows)
    assert link_mail.recipient == "nadia.new@example.org" and link_mail.kind is MailKind.CONFIRM_NEW_EMAIL
    path = confirm_link(link_mail.text)
    assert f'href="http://127.0.0.1:8080{path}"' in link_mail.html

    # Until the link is opened, the old address is the login.
    await (await browser(make_api)).login(old)
    stranger = await browser(make_api)
    await stranger.post(
        "/login", {"email": "nadia.new@example.org", "password": DEMO_PASSWORD, "next": ""}, expect=401
    )

    # Opened anywhere (it proves the mailbox): the new address is the account's, and confirmed.
    page = await stranger.get(path)
    assert "Email address changed" in page.text and "nadia.new@example.org" in message_of(page.text)
    assert "already been used" in (await stranger.get(path, expect=410)).text
    await laptop.get("/dashboard")  # logins stay: it is the same account
    await stranger.login("nadia.new@example.org")
    await stranger.post("/login", {"email": old, "password": DEMO_PASSWORD, "next": ""}, expect=401)
    async with uows() as uow:
        user = await uow.users.get(world.student.user_id)
        assert (
            user is not None and user.email == "nadia.new@example.org" and user.email_verified_at is not None
        )

    # The old address is told, with no link in the notice, and the new address only half shown.
    [notice] = await mails(uows, old)
    assert notice.kind is MailKind.EMAIL_CHANGED
    assert "http" not in notice.text and "href" not in notice.html
    assert "n***@example.org" in notice.text and "nadia.new@example.org" not in notice.text
    # "Forgot password" for the old address now finds nothing (and says the same as ever).
    await stranger.post("/password/forgot", {"email": old}, expect=200)
    assert [m.kind for m in await mails(uows, old)] == [MailKind.EMAIL_CHANGED]


async def test_an_email_change_link_expires_is_throttled_and_fails_once_the_address_is_taken(
    world: World, make_api: Any, uows: UnitOfWorkFactory, clock: FakeClock
) -> None:
    api: Api = await make_api(world.student.email)
    change = {"email": "later@example.org", "password": DEMO_PASSWORD}
    first = await api.put("/me/email", change, expect=202)
    clock.advance(hours=25)
    token = confirm_link((await mails(uows, "later@example.org"))[0].text).rsplit("/", 1)[1]
    body = await api.post("/auth/email/confirm", {"token": token}, expect=422)
    assert "expired" in body["error"]["message"]

    # Three links an hour; the fourth request is refused whether the address is free or taken.
    for _ in range(2):
        assert await api.put("/me/email", change, expect=202) == first
    taken = await api.put("/me/email", {**change, "email": world.graduate.email}, expect=202)
    assert taken == first  # the same answer as for a free address (and it counts no link)
    await api.put("/me/email", change, expect=202)
    for address in ("later@example.org", world.graduate.email):
        body = await api.put("/me/email", {**change, "email": address}, expect=429)
        assert body["error"]["code"] == "too_many_requests"

    # The newest link, opened after someone else signed up with the address: refused, nothing changes.
    newest = (await mails(uows, "later@example.org"))[-1]
    other = await browser(make_api)
    await other.post("/signup", signup_form("later@example.org"), expect=200)
    page = await other.get(confirm_link(newest.text), expect=410)
    assert "belongs to another account" in page.text
    assert (await api.get("/me"))["user"]["email"] == world.student.email
    await api.post("/auth/email/confirm", {"token": "x" * 200}, expect=422)
    await api.put("/me/email", {"email": "a@example.org"}, expect=422)  # no password


# --- closing the account -------------------------------------------------------------------------


async def test_a_visitor_closes_the_account_and_what_stays_and_what_goes(
    world: World, make_api: Any, uows: UnitOfWorkFactory
) -> None:
    email = world.student.email
    visitor_api: Api = await make_api(email)
    coordinator_api: Api = await make_api(world.coordinator.email)
    offer = await offered(world, visitor_api, coordinator_api)  # holds a seat in the first block
    pending = await apply(visitor_api, world.step1_program_id, world.step1_block_ids[:1], submit=False)
    assert await seats(uows, world.block_ids[:1]) == [1]
    phone = await browser(make_api, email)
    laptop = await browser(make_api, email)

    page = await laptop.get("/account/close")
    assert_labelled_and_outlined("/account/close", page.text)
    assert "certificates already issued" in page.text and "withdrawn" in page.text
    reply = await laptop.post("/account/close", {"password": "not-my-password", "confirm": "yes"}, expect=422)
    assert "password is not right" in reply.text
    reply = await laptop.post("/account/close", {"password": DEMO_PASSWORD}, expect=422)
    assert "Tick the box" in reply.text
    await laptop.get("/dashboard")  # nothing happened
    # What was mailed before closing: the offer's notifications (under review, offer made).
    told = [m.kind for m in await mails(uows, email)]
    assert told == [MailKind.NOTIFICATION, MailKind.NOTIFICATION]

    reply = await laptop.post("/account/close", {"password": DEMO_PASSWORD, "confirm": "yes"})
    assert reply.location == "/login?notice=account_closed"
    assert "Your account is closed" in (await laptop.get(reply.location)).text
    for device in (laptop, phone):  # every login ended
        assert (await device.get("/dashboard", expect=303)).location.startswith("/login")
    await visitor_api.get("/me", expect=401)

    # Applications still open: the offer declined (its seat back), the draft withdrawn; both kept.
    async with uows() as uow:
        states = {a.id: a.state for a in await uow.applications.of_visitor(world.student.user_id)}
        user = await uow.users.get(world.student.user_id)
        audit = [
            (a.actor_id, a.action, a.record_type, a.record_id)
            for a in (await uow.db.execute(select(models.AuditEventRow))).scalars()
        ]
    assert states == {offer["id"]: "offer_declined", pending["id"]: "withdrawn"}
    assert await seats(uows, world.block_ids[:1]) == [0]
    assert user is not None and user.closed_at is not None and user.full_name == "Student"
    assert user.email == f"closed-{user.id}@closed.invalid"
    assert audit == [(user.id, "close", "account", user.id)]

    # The address is free: no login, no reset, and a new sign-up makes a new account.
    stranger = await browser(make_api)
    await stranger.post("/login", {"email": email, "password": DEMO_PASSWORD, "next": ""}, expect=401)
    await stranger.post("/password/forgot", {"email": email}, expect=200)
    # Closing declined the offer and withdrew the draft: a closed account is told nothing of that.
    assert [m.kind for m in await mails(uows, email)] == [*told, MailKind.ACCOUNT_CLOSED]
    async with uows() as uow:
        assert len(await uow.notifications.page_of(world.student.user_id, offset=0, limit=10)) == 2
    await stranger.post("/signup", signup_form(email), expect=200)
    assert [m.kind for m in await mails(uows, email)] == [
        *told,
        MailKind.ACCOUNT_CLOSED,
        MailKind.VERIFY_EMAIL,
    ]
    async with uows() as uow:
        reborn = await uow.users.by_email(email)
    assert reborn is not None and reborn.id != world.student.user_id
    # The placeholder left on the closed account has no mailbox: nothing is ever mailed to it.
    await stranger.post("/signup", signup_form(user.email), expect=200)
    await stranger.post("/password/forgot", {"email": user.email}, expect=200)
    assert await mails(uows, user.email) == []


async def test_staff_close_only_once_nobody_depends_on_them_and_through_the_api(
    world: World, make_api: Any, uows: UnitOfWorkFactory
) -> None:
    # A preceptor hosting a session still to come is asked to cancel it first.
    await enroll(uows, world.student, world.program_id, world.block_ids[:1])
    preceptor: Api = await make_api(world.preceptor.email)
    visit = await preceptor.post("/visits", visit_body(world, [world.student.user_id]), expect=201)
    body = await preceptor.post("/me/close", {"password": DEMO_PASSWORD}, expect=409)
    assert "still to come" in body["error"]["message"]
    await preceptor.post(f"/visits/{visit['id']}/cancel", {"note": "Closing my account"})
    await preceptor.post("/me/close", {"password": "wrong-password"}, expect=422)
    await preceptor.post("/me/close", {}, expect=422)
    await preceptor.post("/me/close", {"password": DEMO_PASSWORD}, expect=204)
    await preceptor.get("/me", expect=401)
    program = await (await make_api(world.coordinator.email)).get(f"/programs/{world.program_id}")
    assert world.preceptor.user_id not in [p["id"] for p in program["preceptors"]]

    # A coordinator who published a program nobody else runs is refused, with what to do.
    other = await browser(make_api, world.other_coordinator.email)
    reply = await other.post("/account/close", {"password": DEMO_PASSWORD, "confirm": "yes"}, expect=409)
    assert "Nobody else runs Elsewhere Observership" in reply.text
    await other.get("/dashboard")
