"""Email through a real SMTP server (aiosmtpd in the test process): the outbox's sender delivers each
mail exactly once with its plain-text and HTML parts, keeps mail while the server is away and delivers
it when it is back, gives up on a permanent refusal, takes over a dead sender's claim after the lease,
and with two senders on separate engines (two nodes) still delivers each mail once."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta

import pytest

from server.db.engine import is_sqlite, make_engine, make_sessionmaker
from server.db.uow import UnitOfWorkFactory, utc_now
from server.domain.mail import Attachment, MailKind
from server.services import mail
from server.services.mail import MailSetup
from server.services.mail_sender import Sender, SmtpServer
from tests.support.smtp import SmtpSink, wait_until
from tests.support.world import FakeClock

SETUP = MailSetup(base_url="http://rounds.test:8080", from_address="Rounds <rounds@rounds.test>", smtp=True)
FAST = {"backoff_base": timedelta(milliseconds=100), "backoff_cap": timedelta(milliseconds=400)}


@pytest.fixture
def sink() -> Iterator[SmtpSink]:
    server = SmtpSink()
    server.start()
    yield server
    server.stop()


def smtp_for(sink: SmtpSink) -> SmtpServer:
    return SmtpServer(
        host="127.0.0.1",
        port=sink.port,
        tls="none",
        username=None,
        password=None,
        from_address=SETUP.from_address,
    )


async def put_mail(uows: UnitOfWorkFactory, count: int, *, to: str = "reader{n}@example.org") -> list[int]:
    """``count`` reset mails in the outbox, written in one transaction."""
    async with uows() as uow:
        ids = []
        for n in range(count):
            composed = mail.compose(
                MailKind.RESET_PASSWORD,
                to.format(n=n),
                {
                    "name": f"Reader {n}",
                    "link": f"http://rounds.test:8080/password/reset/t{n}",
                    "minutes": 30,
                },
                SETUP,
            )
            ids.append(await mail.enqueue(uow, composed, SETUP))
        await uow.commit()
        return ids


async def outbox(uows: UnitOfWorkFactory) -> list[mail.OutboxMail]:
    async with uows() as uow:
        return await uow.outbox.all()


@contextlib.asynccontextmanager
async def running(sender: Sender) -> AsyncIterator[Sender]:
    task = asyncio.create_task(sender.run())
    try:
        yield sender
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


async def test_a_mail_arrives_once_with_its_text_and_html_parts_and_is_marked_sent(
    uows: UnitOfWorkFactory, sink: SmtpSink
) -> None:
    [mail_id] = await put_mail(uows, 1, to="Amara.Reader@Example.org")
    sender = Sender(uows, smtp_for(sink), claimant="node-a", skip_locked=False)
    assert await sender.deliver_due() == 1
    assert await sender.deliver_due() == 0  # nothing is due any more
    [message] = sink.messages()
    assert message["To"] == "amara.reader@example.org"
    assert message["From"] == "Rounds <rounds@rounds.test>"
    assert message["Subject"] == "Reset your Rounds password"
    assert message["Auto-Submitted"] == "auto-generated"
    assert "List-Unsubscribe" not in message  # account mail is not a notification
    text = message.get_body(("plain",))
    html = message.get_body(("html",))
    assert text is not None and html is not None
    assert "http://rounds.test:8080/password/reset/t0" in text.get_content()
    assert 'href="http://rounds.test:8080/password/reset/t0"' in html.get_content()
    [row] = await outbox(uows)
    assert row.id == mail_id and row.sent_at is not None and row.attempts == 1
    assert message["Message-ID"] == row.message_id


async def test_a_notification_carries_list_unsubscribe_and_one_click_post_and_its_attachment(
    uows: UnitOfWorkFactory, sink: SmtpSink
) -> None:
    composed = mail.compose(
        MailKind.NOTIFICATION,
        "amara@example.org",
        {
            "name": "Amara",
            "text": "Huddle of Open Observership with Dr. Reyes is scheduled for you.",
            "at": datetime(2026, 12, 1, 14, 0, tzinfo=UTC),
            "note": None,
            "link": "http://rounds.test:8080/visits/1",
            "unsubscribe_link": "http://rounds.test:8080/notifications/unsubscribe/t",
            "preferences_link": "http://rounds.test:8080/notifications/preferences",
            "kind_label": "A session I am invited to is scheduled",
            "at_label": "Starts",
        },
        SETUP,
        unsubscribe_path="/notifications/unsubscribe/t",
        subject="A session was scheduled for you",
        attachments=(Attachment("session.ics", "text/calendar", "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n"),),
    )
    async with uows() as uow:
        await mail.enqueue(uow, composed, SETUP)
        await uow.commit()
    await Sender(uows, smtp_for(sink), claimant="node-a", skip_locked=False).deliver_due()
    [message] = sink.messages()
    assert message["Subject"] == "A session was scheduled for you"
    assert message["List-Unsubscribe"] == "<http://rounds.test:8080/notifications/unsubscribe/t>"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    [attachment] = list(message.iter_attachments())
    assert attachment.get_content_type() == "text/calendar" and attachment.get_filename() == "session.ics"
    assert attachment.get_content() == "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n"
    text = message.get_body(("plain",))
    assert text is not None and "Stop these emails" in text.get_content()
    with pytest.raises(ValueError, match="unsubscribe path"):
        mail.compose(MailKind.NOTIFICATION, "a@example.org", {}, SETUP)


async def test_mail_written_while_the_smtp_server_is_away_arrives_once_when_it_is_back(
    settings_real_clock: UnitOfWorkFactory,
) -> None:
    uows = settings_real_clock
    away = SmtpSink()  # not started: connections are refused
    ids = await put_mail(uows, 12)
    sender = Sender(uows, smtp_for(away), claimant="node-a", skip_locked=False, poll_seconds=0.05, **FAST)
    async with running(sender):

        async def all_failed_twice() -> bool:
            rows = await outbox(uows)
            return all(r.attempts >= 2 and r.last_error and r.sent_at is None for r in rows)

        await wait_until(all_failed_twice, "every mail tried twice while the server is away")
        await asyncio.to_thread(away.start)
        try:

            async def all_sent() -> bool:
                return all(r.sent_at is not None for r in await outbox(uows))

            await wait_until(all_sent, "every mail sent once the server is back")
            rounds = sender.rounds
            await wait_until(lambda: asyncio.sleep(0, sender.rounds >= rounds + 2), "two more rounds")
        finally:
            await asyncio.to_thread(away.stop)
    rows = await outbox(uows)
    assert sorted(away.message_ids()) == sorted(r.message_id for r in rows)  # each once, none twice
    assert [r.id for r in rows] == ids
    assert all(r.last_error is None and r.failed_at is None for r in rows)


async def test_a_permanent_refusal_gives_the_mail_up_and_the_others_still_go(
    uows: UnitOfWorkFactory, sink: SmtpSink
) -> None:
    await put_mail(uows, 3)
    sink.refused.add("reader1@example.org")
    sender = Sender(uows, smtp_for(sink), claimant="node-a", skip_locked=False)
    assert await sender.deliver_due() == 2
    rows = {r.recipient: r for r in await outbox(uows)}
    refused = rows["reader1@example.org"]
    assert refused.failed_at is not None and refused.sent_at is None
    assert refused.last_error is not None and refused.last_error.startswith("550")
    assert await sender.deliver_due() == 0  # a given-up mail is never tried again
    assert sorted(m["To"] for m in sink.messages()) == ["reader0@example.org", "reader2@example.org"]


async def test_a_dead_senders_claim_runs_out_after_the_lease_and_another_sender_delivers(
    uows: UnitOfWorkFactory, clock: FakeClock, sink: SmtpSink
) -> None:
    await put_mail(uows, 2)
    dead = Sender(uows, smtp_for(sink), claimant="node-dead", skip_locked=False, lease=timedelta(minutes=5))
    assert len(await dead._claim()) == 2  # claimed, then the node died before sending
    alive = Sender(uows, smtp_for(sink), claimant="node-alive", skip_locked=False)
    assert await alive.deliver_due() == 0  # the claim still holds
    clock.advance(minutes=5, seconds=1)
    assert await alive.deliver_due() == 2
    assert len(sink.messages()) == 2
    assert all(r.sent_at is not None and r.attempts == 2 for r in await outbox(uows))


async def test_two_senders_on_separate_engines_deliver_each_mail_exactly_once(
    backend: str, database_url: str, sink: SmtpSink
) -> None:
    engines = [make_engine(database_url), make_engine(database_url)]
    try:
        factories = [UnitOfWorkFactory(make_sessionmaker(e), utc_now) for e in engines]
        ids = await put_mail(factories[0], 60)
        senders = [
            Sender(f, smtp_for(sink), claimant=f"node-{n}", skip_locked=not is_sqlite(database_url), batch=5)
            for n, f in enumerate(factories)
        ]

        async def drain(sender: Sender) -> None:
            while await sender.deliver_due():
                pass

        await asyncio.gather(*(drain(s) for s in senders))
        await asyncio.gather(*(drain(s) for s in senders))  # nothing left for either
        rows = await outbox(factories[1])
    finally:
        for engine in engines:
            await engine.dispose()
    assert [r.id for r in rows] == ids
    assert all(r.sent_at is not None and r.attempts == 1 for r in rows)
    assert sorted(sink.message_ids()) == sorted(r.message_id for r in rows)
    if backend == "postgres":  # the two really shared the work
        assert all(s.sent > 0 for s in senders), [s.sent for s in senders]


@pytest.fixture
async def settings_real_clock(database_url: str) -> AsyncIterator[UnitOfWorkFactory]:
    """Units of work on the test's database with the real clock: retries wait real (short) times."""
    engine = make_engine(database_url)
    yield UnitOfWorkFactory(make_sessionmaker(engine), lambda: datetime.now(UTC))
    await engine.dispose()


async def test_mail_is_written_with_its_transaction_or_not_at_all_and_old_mail_is_forgotten(
    uows: UnitOfWorkFactory, clock: FakeClock, sink: SmtpSink
) -> None:
    async with uows() as uow:  # the change that would cause it is rolled back: no mail either
        await mail.enqueue(
            uow,
            mail.compose(
                MailKind.RESET_PASSWORD,
                "a@example.org",
                {"name": "A", "link": "http://rounds.test:8080/x", "minutes": 30},
                SETUP,
            ),
            SETUP,
        )
    assert await outbox(uows) == []
    await put_mail(uows, 2)
    await Sender(uows, smtp_for(sink), claimant="node-a", skip_locked=False).deliver_due()
    await put_mail(uows, 1, to="later{n}@example.org")  # not sent yet: never forgotten
    clock.advance(days=31)
    assert await mail.prune(uows()) == 2
    assert [r.recipient for r in await outbox(uows)] == ["later0@example.org"]
