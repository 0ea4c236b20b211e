"""The application factory: settings in, a ready aiohttp app out."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import secrets
import socket
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import aiohttp_jinja2
import jinja2
from aiohttp import web

from server.config import Settings
from server.db.availability import database_away
from server.db.engine import is_sqlite, make_engine, make_sessionmaker
from server.db.filestore import FileStore
from server.db.uow import Clock, UnitOfWorkFactory, utc_now
from server.domain import phi
from server.domain.notifications import NotifySetup, unsubscribe_key
from server.handlers import live_socket
from server.handlers.api import API
from server.handlers.pages import site
from server.heap import HeapTrimming, heap_trimming
from server.logs import quiet_bad_requests
from server.services import applications, live, mail
from server.services.mail import mail_setup
from server.services.mail_sender import Sender, SmtpServer
from server.services.reminders import ReminderJob
from server.templating import add_date_filters
from server.web import headers, middleware
from server.web.api import API_PREFIX, openapi_document
from server.web.keys import (
    CLOCK,
    ENGINE,
    FILES,
    HEAP_TRIMMING,
    MAIL,
    MAIL_SENDER,
    PHI_WARM_UP,
    SETTINGS,
    UOW,
)

log = logging.getLogger("rounds.app")
WEBCLIENT = Path(__file__).resolve().parent.parent / "webclient"
MAINTENANCE_INTERVAL_SECONDS = 60.0


class _SharedTemplateCode(jinja2.BytecodeCache):
    """Compiled page templates kept for every app this process builds: each app has its own jinja2
    environment, whose templates would otherwise be parsed and compiled again for each app (a server
    builds one, the test suite hundreds). Keyed by template and checked against the source's checksum,
    so an edited template is compiled afresh."""

    def __init__(self) -> None:
        self._code: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        code = self._code.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)  # a changed checksum inside resets the bucket

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self._code[bucket.key] = bucket.bytecode_to_string()


_TEMPLATE_CODE = _SharedTemplateCode()


async def _database(app: web.Application) -> AsyncIterator[None]:
    engine = make_engine(app[SETTINGS].database_url)
    app[ENGINE] = engine
    app[UOW] = UnitOfWorkFactory(
        make_sessionmaker(engine),
        app[CLOCK],
        offer_hold_days=app[SETTINGS].offer_hold_days,
        notify=NotifySetup(app[MAIL], unsubscribe_key(app[SETTINGS].secret_key)),
    )
    yield
    await engine.dispose()


async def _maintenance(app: web.Application) -> AsyncIterator[None]:
    """Every minute: expire offers past their hold time, start rotations on their first day, end
    live visits whose join window closed without their room ending them (a restart, a crash), and
    forget old finished mail and expired account links."""

    async def loop() -> None:
        while True:
            try:
                expired = await applications.expire_offers(app[UOW]())
                activated = await applications.activate_started(app[UOW]())
                ended = await live.end_overdue_visits(app[UOW]())
                await mail.prune(app[UOW]())
                if expired or activated or ended:
                    log.info("maintenance expired=%d activated=%d visits_ended=%d", expired, activated, ended)
            except Exception as exc:  # keep the loop alive; the next round retries
                if database_away(exc):
                    log.warning("maintenance round skipped: the database is away (%s)", type(exc).__name__)
                else:
                    log.exception("maintenance round failed")
            await asyncio.sleep(MAINTENANCE_INTERVAL_SECONDS)

    task = asyncio.create_task(loop(), name="rounds-maintenance")
    yield
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task


def _claimant(settings: Settings) -> str:
    """This process's name on the outbox rows it claims."""
    return settings.node_id or f"{socket.gethostname()}-{os.getpid()}-{secrets.token_hex(3)}"


async def _mail_sender(app: web.Application) -> AsyncIterator[None]:
    """Send the outbox through the SMTP server the settings name; with none, mail stays in the
    database for the demo outbox."""
    settings = app[SETTINGS]
    if settings.smtp_host is None:
        log.info("no SMTP server set (ROUNDS_SMTP_HOST): mail is kept for the demo outbox, /demo/outbox")
        yield
        return
    sender = Sender(
        app[UOW],
        SmtpServer.from_settings(settings),
        claimant=_claimant(settings),
        skip_locked=not is_sqlite(settings.database_url),
    )
    app[MAIL_SENDER] = sender
    task = asyncio.create_task(sender.run(), name="rounds-mail-sender")
    yield
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task


async def _phi_warm_up(app: web.Application) -> AsyncIterator[None]:
    """Read the PHI guard's world gazetteer in a thread at start-up, so that no visitor's first save waits
    1-2 s for it (nor blocks the event loop where the save checks its text inline)."""
    task = asyncio.create_task(asyncio.to_thread(phi.warm_up), name="rounds-phi-warm-up")
    task.add_done_callback(_log_phi_warm_up)
    app[PHI_WARM_UP] = task
    yield
    with contextlib.suppress(asyncio.CancelledError):
        await task  # a thread cannot be cancelled; it ends within seconds


def _log_phi_warm_up(task: asyncio.Task[float]) -> None:
    if not task.cancelled() and task.exception() is None:
        log.info("PHI guard ready: world gazetteer read in %.2f s", task.result())


async def _reminders(app: web.Application) -> AsyncIterator[None]:
    """Make the reminders that come due (an offer 48 hours before it expires, a session an hour
    before it starts): every node runs the job, each reminder is made once (row locks)."""
    job = ReminderJob(app[UOW], skip_locked=not is_sqlite(app[SETTINGS].database_url))
    task = asyncio.create_task(job.run(), name="rounds-reminders")
    yield
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task


async def _heap_trimming(app: web.Application) -> AsyncIterator[None]:
    """Hand freed memory back to the system now and then (see :mod:`server.heap`)."""
    async with heap_trimming(app[SETTINGS].heap_trim_seconds, app[HEAP_TRIMMING]):
        yield


def _openapi_view() -> Callable[[web.Request], Awaitable[web.Response]]:
    """Serve the OpenAPI document, built once: the routes cannot change after start-up."""
    body: bytes | None = None

    async def openapi(request: web.Request) -> web.Response:
        nonlocal body
        if body is None:
            body = json.dumps(openapi_document(API)).encode()
        return web.Response(body=body, content_type="application/json")

    return openapi


def create_app(
    settings: Settings,
    *,
    clock: Clock = utc_now,
    maintenance: bool = True,
    mail_sender: bool | None = None,
    demo: bool = False,
) -> web.Application:
    """Build the app. The database must already be migrated (``rounds db upgrade``).

    ``maintenance`` runs the periodic sweeps and ``mail_sender`` (by default as ``maintenance``) the
    outbox's sender; ``demo`` (``rounds demo``) opens the demo outbox to the browser that caused a mail.
    """
    quiet_bad_requests()  # a malformed request line is a 400, not an ERROR traceback per request
    app = web.Application(
        middlewares=[
            middleware.error_middleware,
            middleware.login_middleware,
            middleware.csrf_middleware,
        ],
        client_max_size=settings.max_upload_bytes + 1024 * 1024,
    )
    app.on_response_prepare.append(headers.add_security_headers)
    app[SETTINGS] = settings
    app[CLOCK] = clock
    app[FILES] = FileStore(settings.documents_dir)
    app[HEAP_TRIMMING] = HeapTrimming()
    app[MAIL] = mail_setup(settings, demo=demo)
    app[MAIL_SENDER] = None
    env = aiohttp_jinja2.setup(
        app,
        loader=jinja2.FileSystemLoader(str(WEBCLIENT / "templates")),
        autoescape=jinja2.select_autoescape(["html"]),
        context_processors=[site.template_context],
        bytecode_cache=_TEMPLATE_CODE,
    )
    env.globals["static"] = lambda path: f"/static/{path}"
    # Dates in one format for people and one for machines, in the reader's zone (server/domain/dates.py).
    add_date_filters(env)
    app.cleanup_ctx.append(_database)
    app.cleanup_ctx.append(_heap_trimming)
    app.cleanup_ctx.append(_phi_warm_up)
    app.cleanup_ctx.append(live_socket.live_rooms)
    app.on_shutdown.append(live_socket.close_live_rooms)
    if maintenance:
        app.cleanup_ctx.append(_maintenance)
        app.cleanup_ctx.append(_reminders)
    if maintenance if mail_sender is None else mail_sender:
        app.cleanup_ctx.append(_mail_sender)
    app.router.add_get(API_PREFIX + "/openapi.json", _openapi_view())
    API.add_routes(app)
    site.add_routes(app)
    app.router.add_routes(live_socket.routes)
    app.router.add_static("/static", WEBCLIENT / "static", append_version=False)
    return app
