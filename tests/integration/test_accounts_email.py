"""The front door through the real app's pages: a visitor signs up, confirms the email by its link
(read from the outbox) and only then can apply; sign-up and "forgot password" tell nobody whether an
address has an account and are throttled per address; a reset link works once and for 30 minutes and
ends every login; changing the password asks the current one and ends the other logins; the demo
outbox shows each person their own mail only; with an SMTP server set the mail really arrives."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer

from server.app import create_app
from server.config import Settings
from server.db.uow import UnitOfWorkFactory
from server.domain.mail import MailKind, OutboxMail
from tests.integration.pages_browser import Browser, assert_labelled_and_outlined
from tests.support.client import DEMO_PASSWORD, Api
from tests.support.smtp import SmtpSink, wait_until
from tests.support.world import FakeClock, World

NEW_PASSWORD = "a-new-long-password"
LINK = re.compile(r"http://127\.0\.0\.1:8080(/(?:account/verify|password/reset)/[A-Za-z0-9_-]+)")


def signup_form(email: str, **changes: str) -> dict[str, str]:
    form = {
        "full_name": "Nadia Haddad",
        "email": email,
        "password": "nadia-long-password",
        "training_status": "student",
        "profession": "medicine",
    }
    return {**form, **changes}


async def browser(make_api: Any, email: str | None = None, password: str = DEMO_PASSWORD) -> Browser:
    api: Api = await make_api(None)
    person = Browser(api.client)
    await person.get("/login")
    if email is not None:
        await person.login(email, password)
    return person


async def mails(uows: UnitOfWorkFactory, to: str | None = None) -> list[OutboxMail]:
    async with uows() as uow:
        return [m for m in await uow.outbox.all() if to is None or m.recipient == to]


def link_in(mail: OutboxMail) -> str:
    found = LINK.search(mail.text)
    assert found, mail.text
    assert f'href="http://127.0.0.1:8080{found.group(1)}"' in mail.html
    return found.group(1)


def message_of(html: str) -> str:
    found = re.search(r'<p id="account-message">(.*?)</p>', html, re.S)
    assert found, html[-1500:]
    return found.group(1)


async def test_a_visitor_signs_up_confirms_the_email_and_only_then_can_apply(
    world: World, make_api: Any, uows: UnitOfWorkFactory
) -> None:
    nadia = await browser(make_api)
    login = await nadia.get("/login")
    for link in ('href="/signup"', 'href="/password/forgot"', 'href="/demo/outbox"'):
        assert link in login.text
    page = await nadia.get("/signup")
    assert_labelled_and_outlined("/signup", page.text)
    reply = await nadia.post("/signup", signup_form("Nadia@Example.org"), expect=200)
    assert "We sent a link to nadia@example.org" in message_of(reply.text)

    # Logged in but not confirmed: the apply form sends her to the page with the resend button, and
    # the API says why with its own code.
    await nadia.login("nadia@example.org", "nadia-long-password")
    apply_form = [("block_ids", str(world.block_ids[0])), ("statement", "Hello"), ("intent", "submit")]
    reply = await nadia.post(f"/programs/{world.program_id}/apply", apply_form)
    assert reply.location == "/account/verify?notice=verify_first"
    page = await nadia.get(reply.location)
    assert "Confirm your email address first" in page.text and "Send the link again" in page.text
    api = Api(nadia.client)
    status, body = await api.call(
        "POST", "/applications", json={"program_id": world.program_id, "block_ids": [world.block_ids[0]]}
    )
    assert (status, body["error"]["code"]) == (403, "email_not_verified"), body

    [verify] = await mails(uows, "nadia@example.org")
    assert verify.kind is MailKind.VERIFY_EMAIL and verify.subject == "Confirm your email address for Rounds"
    assert "nadia-long-password" not in verify.text + verify.html
    # Her demo outbox shows it; another person's does not, and its page is a 404 for them.
    assert f'href="/demo/outbox/{verify.id}"' in (await nadia.get("/demo/outbox")).text
    student = await browser(make_api, world.student.email)
    assert f"/demo/outbox/{verify.id}" not in (await student.get("/demo/outbox")).text
    await student.get(f"/demo/outbox/{verify.id}", expect=404)
    await student.get(f"/demo/outbox/{verify.id}/html", expect=404)
    shown = await nadia.get(f"/demo/outbox/{verify.id}")
    assert "Confirm that this address is yours" in shown.text
    assert f'src="/demo/outbox/{verify.id}/html"' in shown.text
    # The HTML part, at its own address, with a policy that lets its inline styles apply and no script.
    html = await nadia.client.get(f"/demo/outbox/{verify.id}/html")
    assert html.status == 200 and "Confirm my email address" in await html.text()
    policy = html.headers["Content-Security-Policy"]
    assert "style-src 'unsafe-inline'" in policy and "default-src 'none'" in policy
    assert "script-src" not in policy and html.headers["X-Frame-Options"] == "SAMEORIGIN"

    page = await nadia.get(link_in(verify))
    assert "Email confirmed" in page.text
    page = await nadia.get(link_in(verify), expect=410)
    assert "already been used" in page.text

    reply = await nadia.post(f"/programs/{world.program_id}/apply", apply_form)
    assert re.fullmatch(r"/applications/\d+\?notice=applied", reply.location), reply.location


async def test_signing_up_with_a_taken_address_shows_the_same_page_and_tells_the_owner_once(
    world: World, make_api: Any, uows: UnitOfWorkFactory
) -> None:
    stranger = await browser(make_api)
    fresh = await stranger.post("/signup", signup_form("fresh@example.org"), expect=200)
    taken = await stranger.post("/signup", signup_form(world.student.email.upper()), expect=200)
    assert message_of(taken.text).replace(world.student.email, "X") == message_of(fresh.text).replace(
        "fresh@example.org", "X"
    )
    await stranger.post("/signup", signup_form(world.student.email), expect=200)
    [notice] = await mails(uows, world.student.email)  # told once, however often someone tries
    assert notice.kind is MailKind.SIGNUP_EXISTING
    assert "/password/forgot" in notice.text
    await stranger.login(world.student.email)  # the account and its password are as they were


async def test_a_disposable_address_or_a_weak_password_is_refused_with_the_form_kept(make_api: Any) -> None:
    stranger = await browser(make_api)
    reply = await stranger.post("/signup", signup_form("someone@mailinator.com"), expect=422)
    assert "disposable-mail services" in reply.text
    assert 'value="Nadia Haddad"' in reply.text and "nadia-long-password" not in reply.text
    reply = await stranger.post("/signup", signup_form("nadia@example.org", password="short"), expect=422)
    assert "at least 10 characters" in reply.text
    reply = await stranger.post(
        "/signup", signup_form("nadia@example.org", profession="astrology"), expect=422
    )
    assert "Profession" in reply.text


async def test_a_burst_of_sign_ups_from_one_address_is_throttled(make_api: Any) -> None:
    stranger = await browser(make_api)
    for n in range(5):
        await stranger.post("/signup", signup_form(f"n{n}@example.org"), expect=200)
    response = await stranger.client.post(
        "/signup", data={**signup_form("n5@example.org"), "csrf_token": stranger.csrf}, allow_redirects=False
    )
    assert response.status == 429 and int(response.headers["Retry-After"]) > 0
    assert "Too many sign-ups" in await response.text()


async def test_a_verification_link_expires_and_a_new_one_replaces_the_old(
    make_api: Any, uows: UnitOfWorkFactory, clock: FakeClock
) -> None:
    nadia = await browser(make_api)
    await nadia.post("/signup", signup_form("nadia@example.org"), expect=200)
    [first] = await mails(uows)
    clock.advance(hours=49)
    assert "expired" in (await nadia.get(link_in(first), expect=410)).text
    await nadia.login("nadia@example.org", "nadia-long-password")
    for _ in range(3):
        reply = await nadia.post("/account/verify/resend", {})
        assert reply.location == "/account/verify?notice=verify_sent"
    await nadia.post("/account/verify/resend", {}, expect=429)  # three links an hour at most
    second, third, newest = (await mails(uows))[1:]
    for voided in (second, third):  # each new link voids the older ones
        assert "already been used" in (await nadia.get(link_in(voided), expect=410)).text
    await nadia.get(link_in(newest))
    page = await nadia.get("/account/verify")
    assert "nadia@example.org, is confirmed" in page.text
    await nadia.post("/account/verify/resend", {}, expect=409)


async def test_forgot_password_tells_nobody_and_a_reset_ends_every_login(
    world: World, make_api: Any, uows: UnitOfWorkFactory
) -> None:
    email = world.student.email
    laptop, phone = await browser(make_api, email), await browser(make_api, email)
    stranger = await browser(make_api)
    page = await stranger.get("/password/forgot")
    assert_labelled_and_outlined("/password/forgot", page.text)
    known = await stranger.post("/password/forgot", {"email": email}, expect=200)
    unknown = await stranger.post("/password/forgot", {"email": "nobody@example.org"}, expect=200)
    assert message_of(known.text).replace(email, "X") == message_of(unknown.text).replace(
        "nobody@example.org", "X"
    )
    [reset] = await mails(uows)
    assert reset.recipient == email and reset.kind is MailKind.RESET_PASSWORD
    path = link_in(reset)

    await stranger.get(path)  # looking at the form does not spend the link
    page = await stranger.get(path)
    assert_labelled_and_outlined(path, page.text)
    reply = await stranger.post(
        path, {"password": NEW_PASSWORD, "password_again": "something-else"}, expect=422
    )
    assert "not the same" in reply.text
    reply = await stranger.post(path, {"password": NEW_PASSWORD, "password_again": NEW_PASSWORD})
    assert reply.location == "/login?notice=password_reset"
    for device in (laptop, phone):  # every login of the account ended
        assert (await device.get("/dashboard", expect=303)).location.startswith("/login")
    assert "already been used" in (await stranger.get(path, expect=410)).text
    reply = await stranger.post("/login", {"email": email, "password": DEMO_PASSWORD, "next": ""}, expect=401)
    await stranger.login(email, NEW_PASSWORD)
    assert [m.kind for m in await mails(uows, email)] == [MailKind.RESET_PASSWORD, MailKind.PASSWORD_CHANGED]


async def test_a_reset_link_works_for_thirty_minutes(
    world: World, make_api: Any, uows: UnitOfWorkFactory, clock: FakeClock
) -> None:
    stranger = await browser(make_api)
    await stranger.post("/password/forgot", {"email": world.student.email}, expect=200)
    [reset] = await mails(uows)
    clock.advance(minutes=31)
    page = await stranger.get(link_in(reset), expect=410)
    assert "expired" in page.text and 'href="/password/forgot"' in page.text
    await stranger.post(
        link_in(reset), {"password": NEW_PASSWORD, "password_again": NEW_PASSWORD}, expect=410
    )
    await stranger.login(world.student.email)  # the password is as it was


async def test_changing_the_password_asks_the_current_one_and_ends_the_other_logins(
    world: World, make_api: Any, uows: UnitOfWorkFactory
) -> None:
    email = world.student.email
    laptop, phone = await browser(make_api, email), await browser(make_api, email)
    page = await laptop.get("/account/password")
    assert_labelled_and_outlined("/account/password", page.text)
    form = {"current_password": "not-my-password", "password": NEW_PASSWORD, "password_again": NEW_PASSWORD}
    reply = await laptop.post("/account/password", form, expect=422)
    assert "current password is not right" in reply.text
    reply = await laptop.post("/account/password", {**form, "current_password": DEMO_PASSWORD})
    assert reply.location == "/account/password?notice=password_changed"
    await laptop.get("/dashboard")  # this login stays
    assert (await phone.get("/dashboard", expect=303)).location.startswith("/login")
    await (await browser(make_api)).login(email, NEW_PASSWORD)
    assert [m.kind for m in await mails(uows, email)] == [MailKind.PASSWORD_CHANGED]


@pytest.fixture
async def demo_api(settings: Settings, clock: FakeClock) -> AsyncIterator[Any]:
    """Browsers on an app made as ``rounds demo`` makes it (the demo outbox open to the browser that
    caused a mail)."""
    server = TestServer(create_app(settings, clock=clock, maintenance=False, demo=True))
    await server.start_server()
    clients: list[TestClient[Any, Any]] = []

    async def make(_: None = None) -> Api:
        client: TestClient[Any, Any] = TestClient(server)
        await client.start_server()
        clients.append(client)
        return Api(client)

    yield make
    for client in clients:
        await client.close()
    await server.close()


async def test_under_the_demo_the_browser_that_asked_sees_its_mail_and_no_other_does(
    world: World, demo_api: Any, uows: UnitOfWorkFactory
) -> None:
    asker, other = await browser(demo_api), await browser(demo_api)
    await asker.post("/password/forgot", {"email": world.student.email}, expect=200)
    [reset] = await mails(uows)
    page = await asker.get("/demo/outbox")
    assert "rounds demo" in page.text and f'href="/demo/outbox/{reset.id}"' in page.text
    assert f"/demo/outbox/{reset.id}" not in (await other.get("/demo/outbox")).text
    await other.get(f"/demo/outbox/{reset.id}", expect=404)


@pytest.fixture
def sink() -> Iterator[SmtpSink]:
    server = SmtpSink()
    server.start()
    yield server
    server.stop()


async def test_with_an_smtp_server_set_the_verification_mail_arrives_and_there_is_no_demo_outbox(
    settings: Settings, clock: FakeClock, sink: SmtpSink, uows: UnitOfWorkFactory
) -> None:
    smtp = dataclasses.replace(settings, smtp_host="127.0.0.1", smtp_port=sink.port, smtp_tls="none")
    app = create_app(smtp, clock=clock, maintenance=False, mail_sender=True)
    async with TestClient(TestServer(app)) as client:
        nadia = Browser(client)
        await nadia.get("/login")
        assert 'href="/demo/outbox"' not in (await nadia.get("/login")).text
        await nadia.post("/signup", signup_form("nadia@example.org"), expect=200)

        async def arrived() -> list[Any]:
            return sink.messages()

        [message] = await wait_until(arrived, "the verification mail at the SMTP server")
        assert message["To"] == "nadia@example.org"
        text = message.get_body(("plain",))
        assert text is not None
        found = LINK.search(text.get_content())
        assert found
        assert "Email confirmed" in (await nadia.get(found.group(1))).text
        await nadia.get("/demo/outbox", expect=404)
        [row] = await mails(uows)
        assert row.sent_at is not None and row.message_id == message["Message-ID"]


async def test_the_same_walk_through_the_json_api(
    world: World, make_api: Any, uows: UnitOfWorkFactory
) -> None:
    api: Api = await make_api(None)
    body = {
        "full_name": "Nadia Haddad",
        "email": "nadia@example.org",
        "password": "nadia-long-password",
        "training_status": "graduate",
        "profession": "dentistry",
    }
    fresh = await api.post("/auth/signup", body, expect=202)
    taken = await api.post("/auth/signup", {**body, "email": world.student.email}, expect=202)
    assert fresh == taken  # the same answer for a taken address
    await api.post("/auth/verify-email", {"token": "not-a-token"}, expect=422)
    [verify] = await mails(uows, "nadia@example.org")
    token = link_in(verify).rsplit("/", 1)[1]
    await api.post("/auth/verify-email", {"token": token})
    assert (await api.post("/auth/verify-email", {"token": token}, expect=422))["error"]["code"] == "invalid"

    resent = await api.post("/auth/verify-email/resend", {"email": "nadia@example.org"}, expect=202)
    assert resent == await api.post("/auth/verify-email/resend", {"email": "nobody@example.org"}, expect=202)
    assert len(await mails(uows, "nadia@example.org")) == 1  # confirmed already: nothing sent
    await api.login("nadia@example.org", "nadia-long-password")
    change = {
        "current_password": "nadia-long-password",
        "password": NEW_PASSWORD,
        "password_again": NEW_PASSWORD,
    }
    await api.put("/me/password", change, expect=204)
    await api.get("/me")  # this login stays

    assert (await api.post("/auth/password/forgot", {"email": "nadia@example.org"}, expect=202)) == (
        await api.post("/auth/password/forgot", {"email": "nobody@example.org"}, expect=202)
    )
    reset = (await mails(uows, "nadia@example.org"))[-1]
    assert reset.kind is MailKind.RESET_PASSWORD
    token = link_in(reset).rsplit("/", 1)[1]
    again = {"token": token, "password": "third-long-password", "password_again": "third-long-password"}
    await api.post("/auth/password/reset", again, expect=204)
    await api.get("/me", expect=401)  # every login ended
    await api.refresh_csrf()
    await api.login("nadia@example.org", "third-long-password")
