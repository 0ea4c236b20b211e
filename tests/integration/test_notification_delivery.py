"""Notifications delivered exactly once across nodes (issue 15's check): with a real SMTP server
(aiosmtpd) that is stopped for a while, every notification's email arrives once after it comes back,
also with two nodes' senders on PostgreSQL; two nodes' reminder jobs make each reminder once; and the
migrated tables equal the models."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.engine import Connection

from server.config import Settings
from server.db.engine import is_sqlite, make_engine, make_sessionmaker
from server.db.models import Base
from server.db.uow import UnitOfWorkFactory
from server.domain.notifications import NotificationKind
from server.domain.visits import VisitKind
from server.schemas.visits import VisitIn
from server.services import visits
from server.services.mail_sender import Sender, SmtpServer
from server.services.notifications import notify_setup
from server.services.reminders import ReminderJob
from tests.integration.api_helpers import act, apply
from tests.integration.test_api_record import enroll
from tests.support.smtp import SmtpSink, wait_until
from tests.support.world import FakeClock, World

START = datetime(2026, 12, 1, 14, 0, tzinfo=UTC)  # Tuesday of the open program's first block
FAST = {"backoff_base": timedelta(milliseconds=100), "backoff_cap": timedelta(milliseconds=400)}
TABLES = {"notifications", "notification_preferences", "reminders", "outbox"}


def smtp_for(sink: SmtpSink) -> SmtpServer:
    return SmtpServer(
        host="127.0.0.1", port=sink.port, tls="none", username=None, password=None, from_address="rounds@test"
    )


@contextlib.asynccontextmanager
async def two_nodes(settings: Settings, clock: Any) -> AsyncIterator[list[UnitOfWorkFactory]]:
    """Two nodes' units of work: each its own engine (its own connections) on the test's database."""
    engines = [make_engine(settings.database_url), make_engine(settings.database_url)]
    try:
        yield [
            UnitOfWorkFactory(make_sessionmaker(e), clock, offer_hold_days=7, notify=notify_setup(settings))
            for e in engines
        ]
    finally:
        for engine in engines:
            await engine.dispose()


@contextlib.asynccontextmanager
async def running(*loops: Any) -> AsyncIterator[None]:
    tasks = [asyncio.create_task(loop.run()) for loop in loops]
    try:
        yield
    finally:
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task


def moving_on_from(start: datetime) -> Callable[[], datetime]:
    """A clock that starts at ``start`` (when the mail was written) and moves in real time: the
    senders' retries wait real (short) times."""
    began = time.monotonic()
    return lambda: start + timedelta(seconds=time.monotonic() - began)


async def test_every_notification_email_arrives_once_after_the_smtp_server_comes_back_with_two_nodes(
    world: World, make_api: Any, settings: Settings, uows: UnitOfWorkFactory, clock: FakeClock
) -> None:
    # Notifications of several kinds, written through the API while no SMTP server answers.
    visitor = await make_api(world.student.email)
    other = await make_api(world.other_student.email)
    coordinator = await make_api(world.coordinator.email)
    for person in (visitor, other):
        app = await apply(person, world.program_id, world.block_ids[:1])
        await act(coordinator, app["id"], "start_review")
        await act(coordinator, app["id"], "make_offer")
        await act(coordinator, app["id"], "start_review", expect=409)  # refused: no notification
    await enroll(uows, world.graduate, world.program_id, world.block_ids[1:2])
    preceptor = await make_api(world.preceptor.email)
    for hour in range(3):
        await preceptor.post(
            "/visits",
            {
                "block_id": world.block_ids[1],
                "kind": "huddle",
                "title": f"Huddle {hour}",
                "starts_at": (START + timedelta(weeks=4, hours=hour)).isoformat(),
                "duration_minutes": 30,
                "visitor_ids": [world.graduate.user_id],
            },
            expect=201,
        )
    async with uows() as uow:
        written = [m for m in await uow.outbox.all() if m.kind.value == "notification"]
        notes = await uow.notifications.all()
    assert len(written) == 7 and len(notes) == 7  # 2 x (under review, offer) and 3 sessions
    away = SmtpSink()  # not started: connections are refused
    async with two_nodes(settings, moving_on_from(clock.current)) as nodes:
        senders = [
            Sender(
                node,
                smtp_for(away),
                claimant=f"node-{n}",
                skip_locked=not is_sqlite(settings.database_url),
                batch=2,
                poll_seconds=0.05,
                **FAST,
            )
            for n, node in enumerate(nodes)
        ]
        async with running(*senders):

            async def every_mail_failed_twice() -> bool:
                async with nodes[0]() as uow:
                    rows = await uow.outbox.all()
                return all(r.attempts >= 2 and r.last_error and r.sent_at is None for r in rows)

            await wait_until(every_mail_failed_twice, "every mail tried twice while the server is away")
            await asyncio.to_thread(away.start)
            try:

                async def every_mail_sent() -> bool:
                    async with nodes[1]() as uow:
                        return all(r.sent_at is not None for r in await uow.outbox.all())

                await wait_until(every_mail_sent, "every mail sent once the server is back")
                rounds = [s.rounds for s in senders]
                await wait_until(
                    lambda: asyncio.sleep(
                        0, all(s.rounds >= r + 2 for s, r in zip(senders, rounds, strict=True))
                    ),
                    "two more rounds of each sender",
                )
            finally:
                await asyncio.to_thread(away.stop)
    arrived = away.messages()
    assert sorted(str(m["Message-ID"]) for m in arrived) == sorted(m.message_id for m in written)
    by_subject = sorted((str(m["To"]), str(m["Subject"])) for m in arrived)
    assert by_subject == sorted(
        [(world.student.email, "Your application has changed"), (world.student.email, "You have an offer")]
        + [
            (world.other_student.email, "Your application has changed"),
            (world.other_student.email, "You have an offer"),
        ]
        + [(world.graduate.email, "A session was scheduled for you")] * 3
    )
    for message in arrived:
        assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert str(message["List-Unsubscribe"]).startswith(
            "<http://127.0.0.1:8080/notifications/unsubscribe/"
        )
    sessions = [m for m in arrived if "session" in str(m["Subject"])]
    for message in sessions:
        [calendar] = [
            part for part in message.iter_attachments() if part.get_content_type() == "text/calendar"
        ]
        assert calendar.get_filename() == "session.ics"
        assert "BEGIN:VEVENT" in calendar.get_content()
    if not is_sqlite(settings.database_url):  # the two nodes really shared the work
        assert all(s.sent > 0 for s in senders), [s.sent for s in senders]


async def test_two_nodes_reminder_jobs_make_each_reminder_exactly_once(
    world: World, settings: Settings, uows: UnitOfWorkFactory
) -> None:
    await enroll(uows, world.student, world.program_id, world.block_ids[:1])
    count = 24
    ids = []
    for n in range(count):
        visit = await visits.schedule_visit(
            uows(),
            world.preceptor,
            VisitIn(
                block_id=world.block_ids[0],
                kind=VisitKind.HUDDLE,
                title=f"Huddle {n}",
                starts_at=START + timedelta(minutes=n),
                duration_minutes=5,
                visitor_ids=[world.student.user_id],
            ),
        )
        ids.append(visit.id)
    clock = FakeClock(START - timedelta(minutes=1))  # every reminder due, no session started
    async with two_nodes(settings, clock) as nodes:
        jobs = [
            ReminderJob(node, skip_locked=not is_sqlite(settings.database_url), batch=3) for node in nodes
        ]

        async def drain(job: ReminderJob) -> None:
            # Each round awaits the database, which lets the other node's rounds in between.
            while await job.make_due():
                pass

        await asyncio.gather(*(drain(job) for job in jobs))
        await asyncio.gather(*(drain(job) for job in jobs))  # nothing left for either
        async with nodes[0]() as uow:
            reminders = await uow.reminders.all()
            notes = [n for n in await uow.notifications.all() if n.kind is NotificationKind.SESSION_STARTING]
            mails = [m for m in await uow.outbox.all() if m.subject == "A session starts in an hour"]
    assert sorted(r.subject_id for r in reminders) == ids
    assert all(r.made_at is not None for r in reminders)
    # Each session's reminder once: to its host and to its invitee, in the app and by email.
    assert sorted((n.subject_id, n.recipient_id) for n in notes) == sorted(
        (visit_id, person.user_id) for visit_id in ids for person in (world.student, world.preceptor)
    )
    assert sorted(m.recipient for m in mails) == sorted([world.student.email, world.preceptor.email] * count)
    assert sum(job.made for job in jobs) == count
    if not is_sqlite(settings.database_url):  # the two nodes really shared the work
        assert all(job.made > 0 for job in jobs), [job.made for job in jobs]


async def test_the_migrated_notification_tables_equal_the_models(database_url: str) -> None:
    engine = make_engine(database_url)

    def diffs(conn: Connection) -> list[Any]:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        return compare_metadata(context, Base.metadata)

    try:
        async with engine.connect() as conn:
            found = await conn.run_sync(diffs)
    finally:
        await engine.dispose()
    ours = [d for d in found if any(f"'{name}'" in repr(d) or f"{name}." in repr(d) for name in TABLES)]
    assert ours == [], ours
