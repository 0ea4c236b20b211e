"""Staff by invitation (issue 15, item 3) through the real app: a coordinator invites a preceptor and
a coordinator by email (delivered by a real SMTP server in the test process); the link creates the
account with the right role and program, or links an account the person has; the link works once, for
7 days, and can be withdrawn; only a coordinator of that program invites, and nobody gains a role or a
program by a link that is not theirs."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer

from server.app import create_app
from server.config import Settings
from server.db.uow import UnitOfWorkFactory
from server.domain.mail import MailKind, OutboxMail
from tests.integration.pages_browser import Browser, assert_labelled_and_outlined
from tests.integration.test_accounts_email import browser, demo_api, mails  # noqa: F401 (a fixture)
from tests.support.client import DEMO_PASSWORD, Api
from tests.support.smtp import SmtpSink, wait_until
from tests.support.world import FakeClock, World

INVITATION_LINK = re.compile(r"http://127\.0\.0\.1:8080(/invitation/([A-Za-z0-9_-]+))")
NEW_PASSWORD = "preceptor-long-password"


def invitation_path(mail: OutboxMail | str) -> str:
    text = mail if isinstance(mail, str) else mail.text
    found = INVITATION_LINK.search(text)
    assert found, text
    return found.group(1)


def token_of(mail: OutboxMail) -> str:
    return invitation_path(mail).rsplit("/", 1)[1]


@pytest.fixture
def sink() -> Iterator[SmtpSink]:
    server = SmtpSink()
    server.start()
    yield server
    server.stop()


async def test_a_coordinator_invites_a_preceptor_who_joins_by_the_mailed_link(
    world: World, settings: Settings, clock: FakeClock, sink: SmtpSink, uows: UnitOfWorkFactory
) -> None:
    smtp = dataclasses.replace(settings, smtp_host="127.0.0.1", smtp_port=sink.port, smtp_tls="none")
    app = create_app(smtp, clock=clock, maintenance=False, mail_sender=True)
    async with TestClient(TestServer(app)) as client:
        coordinator = Browser(client)
        await coordinator.login(world.coordinator.email)
        assert f'href="/programs/{world.program_id}/staff"' in (await coordinator.get("/dashboard")).text
        page = await coordinator.get(f"/programs/{world.program_id}/staff")
        assert_labelled_and_outlined("/programs/<id>/staff", page.text)
        assert "No invitation yet" in page.text
        reply = await coordinator.post(
            f"/programs/{world.program_id}/staff/invite",
            {"email": "Dr.Adeyemi@Example.org", "role": "preceptor"},
        )
        assert reply.location == f"/programs/{world.program_id}/staff?notice=invited"
        page = await coordinator.get(reply.location)
        assert "dr.adeyemi@example.org" in page.text and "invitation-pending" in page.text

        async def arrived() -> list[Any]:
            return sink.messages()

        [message] = await wait_until(arrived, "the invitation at the SMTP server")
        assert message["To"] == "dr.adeyemi@example.org"
        assert message["Subject"] == "You are invited to teach on Rounds"
        text = message.get_body(("plain",))
        assert text is not None
        body = text.get_content()
        assert "Coordinator invites you to join Open Observership on Rounds as a preceptor" in body
        assert "until 1 Dec 2026, 15:00 UTC" in body  # 7 days; no account, so no zone: UTC
        path = invitation_path(body)

        # The invited person opens it (logged out, another browser) and creates the account.
        await coordinator.post("/logout", {})
        invited = Browser(client)
        page = await invited.get(path)
        assert_labelled_and_outlined("/invitation/<token>", page.text)
        assert "Join Open Observership as a preceptor" in page.text and "dr.adeyemi@example.org" in page.text
        reply = await invited.post(
            f"{path}/join",
            {
                "full_name": "Dr. Tolu Adeyemi",
                "password": NEW_PASSWORD,
                "password_again": "different-long-pass",
            },
            expect=422,
        )
        assert "not the same" in reply.text and 'value="Dr. Tolu Adeyemi"' in reply.text
        reply = await invited.post(
            f"{path}/join",
            {
                "full_name": "Dr. Tolu Adeyemi",
                "password": NEW_PASSWORD,
                "password_again": NEW_PASSWORD,
                "time_zone": "Africa/Lagos",
            },
        )
        assert reply.location == "/login?notice=invitation_joined"
        await invited.login("dr.adeyemi@example.org", NEW_PASSWORD)
        assert "cannot be used" in (await invited.get(path, expect=410)).text  # used once

    async with uows() as uow:
        user = await uow.users.by_email("dr.adeyemi@example.org")
        assert user is not None
        assert (user.role.value, user.full_name, user.time_zone) == (
            "preceptor",
            "Dr. Tolu Adeyemi",
            "Africa/Lagos",
        )
        assert user.email_verified_at is not None  # the link proved the address
        assert user.id in (await uow.programs.preceptor_ids([world.program_id]))[world.program_id]
        assert await uow.programs.programs_of_preceptor(user.id) == [world.program_id]
        [invitation] = await uow.staff_invitations.of_program(world.program_id)
        assert invitation.accepted_by == user.id


async def test_a_person_with_an_account_logs_in_and_accepts_and_only_as_the_invited_role(
    world: World, make_api: Any, uows: UnitOfWorkFactory
) -> None:
    coordinator: Api = await make_api(world.coordinator.email)
    # The other program's preceptor is invited to this program; a visitor's address as a preceptor.
    await coordinator.post(
        f"/programs/{world.program_id}/invitations",
        {"email": world.other_preceptor.email, "role": "preceptor"},
        expect=201,
    )
    await coordinator.post(
        f"/programs/{world.program_id}/invitations",
        {"email": world.student.email, "role": "preceptor"},
        expect=201,
    )
    [to_preceptor] = await mails(uows, world.other_preceptor.email)
    [to_visitor] = await mails(uows, world.student.email)

    anonymous = await browser(make_api)
    page = await anonymous.get(invitation_path(to_preceptor))
    assert 'href="/login?next=/invitation/' in page.text and "/join" not in page.text
    # Logged in as someone else: not theirs to accept.
    someone = await browser(make_api, world.graduate.email)
    page = await someone.get(invitation_path(to_preceptor))
    assert "this invitation is for another address" in page.text and "/accept" not in page.text
    await someone.post(f"{invitation_path(to_preceptor)}/accept", {}, expect=403)
    graduate_api: Api = await make_api(world.graduate.email)
    body = await graduate_api.post("/invitations/accept", {"token": token_of(to_preceptor)}, expect=403)
    assert "another address" in body["error"]["message"]

    # The visitor's account stays a visitor's: the invitation does not change a role.
    student = await browser(make_api, world.student.email)
    page = await student.get(invitation_path(to_visitor))
    assert "an invitation never changes what an account is" in page.text
    student_api: Api = await make_api(world.student.email)
    await student_api.post("/invitations/accept", {"token": token_of(to_visitor)}, expect=422)
    async with uows() as uow:
        user = await uow.users.get(world.student.user_id)
        assert user is not None and user.role.value == "visitor"

    # The invited preceptor accepts: now on this program's staff as well as their own.
    invited = await browser(make_api, world.other_preceptor.email)
    reply = await invited.post(f"{invitation_path(to_preceptor)}/accept", {})
    assert reply.location == f"/programs/{world.program_id}?notice=invitation_accepted"
    async with uows() as uow:
        assert sorted(await uow.programs.programs_of_preceptor(world.other_preceptor.user_id)) == sorted(
            [world.program_id, world.other_program_id]
        )
    await invited.post(f"{invitation_path(to_preceptor)}/accept", {}, expect=410)  # once
    states = {
        i["email"]: i["state"] for i in await coordinator.get(f"/programs/{world.program_id}/invitations")
    }
    assert states == {world.other_preceptor.email: "accepted", world.student.email: "pending"}


async def test_an_invited_coordinator_runs_the_program_and_may_invite_in_turn(
    world: World, make_api: Any, uows: UnitOfWorkFactory
) -> None:
    coordinator: Api = await make_api(world.coordinator.email)
    await coordinator.post(
        f"/programs/{world.program_id}/invitations",
        {"email": "cohost@example.org", "role": "coordinator"},
        expect=201,
    )
    [mail] = await mails(uows, "cohost@example.org")
    assert mail.kind is MailKind.STAFF_INVITATION and "as a coordinator" in mail.text
    stranger: Api = await make_api(None)
    look = await stranger.post("/invitations/look", {"token": token_of(mail)})
    assert (look["program_title"], look["role"], look["has_account"]) == (
        "Open Observership",
        "coordinator",
        False,
    )
    join = {
        "token": token_of(mail),
        "full_name": "Co Host",
        "password": NEW_PASSWORD,
        "password_again": NEW_PASSWORD,
    }
    await stranger.post("/invitations/join", {**join, "time_zone": "Nowhere/Special"}, expect=422)
    await stranger.post(
        "/invitations/join", {**join, "password": "short", "password_again": "short"}, expect=422
    )
    await stranger.post("/invitations/join", join, expect=204)
    await stranger.post("/invitations/join", join, expect=422)  # used

    cohost: Api = await make_api(None)
    await cohost.login("cohost@example.org", NEW_PASSWORD)
    # Runs the program like its publisher: its applications, its staff page, inviting.
    student: Api = await make_api(world.student.email)
    application = await student.post(
        "/applications", {"program_id": world.program_id, "block_ids": world.block_ids[:1]}, expect=201
    )
    assert [a["id"] for a in await cohost.get("/applications")] == [application["id"]]
    await cohost.post(f"/applications/{application['id']}/actions", {"action": "start_review"})
    await cohost.post(
        f"/programs/{world.program_id}/invitations",
        {"email": "third@example.org", "role": "preceptor"},
        expect=201,
    )
    # ...but not the other program.
    await cohost.post(
        f"/programs/{world.other_program_id}/invitations",
        {"email": "x@example.org", "role": "preceptor"},
        expect=403,
    )
    # The publisher runs a second program, nobody else does: closing is refused until someone joins it.
    body = await coordinator.post("/me/close", {"password": DEMO_PASSWORD}, expect=409)
    assert "Nobody else runs Step 1 Hands-on" in body["error"]["message"]
    await coordinator.post(
        f"/programs/{world.step1_program_id}/invitations",
        {"email": "cohost@example.org", "role": "coordinator"},
        expect=201,
    )
    second = (await mails(uows, "cohost@example.org"))[-1]
    await cohost.post("/invitations/accept", {"token": token_of(second)}, expect=204)
    # Now the publisher can close the account: each program passes to the coordinator who joined.
    await coordinator.post("/me/close", {"password": DEMO_PASSWORD}, expect=204)
    async with uows() as uow:
        program = await uow.programs.get(world.program_id)
        cohost_user = await uow.users.by_email("cohost@example.org")
    assert program is not None and cohost_user is not None
    assert (program.coordinator_id, program.co_coordinator_ids) == (cohost_user.id, ())
    assert len(await cohost.get(f"/programs/{world.program_id}/invitations")) == 2


async def test_only_a_coordinator_of_the_program_invites_lists_and_withdraws(
    world: World, make_api: Any, uows: UnitOfWorkFactory
) -> None:
    coordinator: Api = await make_api(world.coordinator.email)
    invitation = await coordinator.post(
        f"/programs/{world.program_id}/invitations",
        {"email": "new@example.org", "role": "preceptor"},
        expect=201,
    )
    body = {"email": "someone@example.org", "role": "preceptor"}
    base = f"/programs/{world.program_id}/invitations"
    for who in (world.preceptor, world.other_coordinator, world.student, world.other_preceptor):
        api: Api = await make_api(who.email)
        assert (await api.post(base, body, expect=403))["error"]["code"] == "forbidden"
        await api.get(base, expect=403)
        status, _ = await api.call("DELETE", f"{base}/{invitation['id']}")
        assert status == 403
        page = await browser(make_api, who.email)
        await page.get(f"/programs/{world.program_id}/staff", expect=403)
        await page.post(f"/programs/{world.program_id}/staff/invite", body, expect=403)
    anonymous: Api = await make_api(None)
    await anonymous.post(base, body, expect=401)
    await anonymous.get(base, expect=401)
    await coordinator.post("/programs/999999/invitations", body, expect=404)
    # Bad input: a clear 422 naming the field.
    for bad, field in (
        ({"email": "not-an-address", "role": "preceptor"}, "email"),
        ({"email": "a@example.org", "role": "visitor"}, "role"),
        ({"email": "a@example.org", "role": "admin"}, "role"),
        ({"email": "a@example.org"}, "role"),
    ):
        assert (await coordinator.post(base, bad, expect=422))["error"]["field"] == field
    assert len(await mails(uows)) == 1  # only the first invitation was mailed

    # Withdrawn: the link no longer works, and a used or withdrawn one cannot be withdrawn again.
    status, withdrawn = await coordinator.call("DELETE", f"{base}/{invitation['id']}")
    assert status == 200 and withdrawn["state"] == "revoked"
    status, again = await coordinator.call("DELETE", f"{base}/{invitation['id']}")
    assert status == 409, again
    stranger = await browser(make_api)
    page = await stranger.get(invitation_path((await mails(uows))[0]), expect=410)
    assert "withdrawn by the program" in page.text
    # An invitation of another program is not found through this one.
    other: Api = await make_api(world.other_coordinator.email)
    foreign = await other.post(
        f"/programs/{world.other_program_id}/invitations",
        {"email": "z@example.org", "role": "preceptor"},
        expect=201,
    )
    status, _ = await coordinator.call("DELETE", f"{base}/{foreign['id']}")
    assert status == 404


async def test_an_invitation_expires_after_seven_days_and_a_new_one_replaces_the_old(
    world: World, make_api: Any, uows: UnitOfWorkFactory, clock: FakeClock
) -> None:
    coordinator: Api = await make_api(world.coordinator.email)
    body = {"email": "late@example.org", "role": "preceptor"}
    await coordinator.post(f"/programs/{world.program_id}/invitations", body, expect=201)
    await coordinator.post(f"/programs/{world.program_id}/invitations", body, expect=201)
    first, second = await mails(uows, "late@example.org")
    stranger = await browser(make_api)
    assert "withdrawn" in (await stranger.get(invitation_path(first), expect=410)).text
    await stranger.get(invitation_path(second))
    clock.advance(days=7, minutes=1)
    assert "expired" in (await stranger.get(invitation_path(second), expect=410)).text
    reply = await stranger.post(
        f"{invitation_path(second)}/join",
        {"full_name": "Late", "password": NEW_PASSWORD, "password_again": NEW_PASSWORD},
        expect=410,
    )
    assert "expired" in reply.text
    assert [i["state"] for i in await coordinator.get(f"/programs/{world.program_id}/invitations")] == [
        "expired",
        "revoked",
    ]
    # Unknown and absurd tokens: the same refusal, nothing else learned.
    for token in ("not-a-token", "x" * 500):
        assert "not valid" in (await stranger.get(f"/invitation/{token}", expect=410)).text
    api: Api = await make_api(None)
    await api.post("/invitations/look", {"token": "x" * 200}, expect=422)
    async with uows() as uow:
        assert await uow.users.by_email("late@example.org") is None


async def test_under_the_demo_the_inviting_browser_reads_the_invitation_in_the_demo_outbox(
    world: World,
    demo_api: Any,  # noqa: F811
    uows: UnitOfWorkFactory,
) -> None:
    coordinator = await browser(demo_api, world.coordinator.email)
    await coordinator.post(
        f"/programs/{world.program_id}/staff/invite", {"email": "guest@example.org", "role": "preceptor"}
    )
    [invitation] = await mails(uows, "guest@example.org")
    outbox = await coordinator.get("/demo/outbox")
    assert f'href="/demo/outbox/{invitation.id}"' in outbox.text
    shown = await coordinator.get(f"/demo/outbox/{invitation.id}")
    assert "You are invited to teach on Rounds" in shown.text and "/invitation/" in shown.text
    other = await browser(demo_api, world.other_coordinator.email)
    await other.get(f"/demo/outbox/{invitation.id}", expect=404)
