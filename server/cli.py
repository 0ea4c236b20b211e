"""The ``rounds`` command: serve, demo, cluster, db upgrade, user create."""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import getpass
import logging
import sys
import threading
from collections.abc import Sequence

from aiohttp import web

from server import logs, shutdown_watchdog
from server.config import Settings, SettingsError, load_settings
from server.db.engine import make_engine, make_sessionmaker
from server.db.migrate import upgrade_to_head
from server.db.uow import UnitOfWork
from server.domain.errors import DomainError
from server.domain.vocab import Role

#: How long shutdown may take beyond draining twice (see ``_serve``) before the watchdog ends it.
SHUTDOWN_MARGIN_SECONDS = 45


async def _upgrade(settings: Settings) -> None:
    if settings.database_url.startswith("sqlite"):
        settings.data_dir.mkdir(parents=True, exist_ok=True)
    engine = make_engine(settings.database_url)
    try:
        await upgrade_to_head(engine)
    finally:
        await engine.dispose()


async def _schema_problem(settings: Settings) -> str | None:
    """Why the database cannot be served as it is (not migrated, unreachable), or None."""
    from server.db.migrate import current_revision, head_revision

    engine = make_engine(settings.database_url)
    try:
        current = await current_revision(engine)
    except Exception as exc:  # any failure to reach the database is reported, not raised
        return f"cannot reach the database ({type(exc).__name__}: {exc})"
    finally:
        await engine.dispose()
    if current != head_revision():
        return (
            f"the database schema is at {current or 'nothing'}, not {head_revision()}: "
            "run `rounds db upgrade` first"
        )
    return None


def _serve(settings: Settings, host: str, port: int, *, demo: bool = False) -> None:
    from server.app import create_app
    from server.web.access_log import RedactingAccessLogger

    problem = asyncio.run(_schema_problem(settings))
    if problem is not None:
        raise SystemExit(f"rounds: {problem}")
    print(f"Rounds is serving on http://{host}:{port}/  (Ctrl+C to stop)", flush=True)
    # The address it listens on (--host/--port may override the settings'): emailed links point there
    # unless ROUNDS_PUBLIC_URL says otherwise.
    settings = dataclasses.replace(settings, host=host, port=port)
    app = create_app(settings, demo=demo)
    watchdogs: list[threading.Timer] = []

    async def bound_the_shutdown(app: web.Application) -> None:
        # Draining (on_shutdown), then open handlers (shutdown_timeout), then the cleanup: past all
        # of that and a margin, the shutdown is stuck, and the stacks say where.
        seconds = 2 * settings.drain_seconds + SHUTDOWN_MARGIN_SECONDS
        watchdogs.append(shutdown_watchdog.arm(seconds, asyncio.get_running_loop()))

    app.on_shutdown.insert(0, bound_the_shutdown)
    # Shutdown waits for a draining node's rooms (ROUNDS_DRAIN_SECONDS) and then some.
    try:
        web.run_app(
            app,
            host=host,
            port=port,
            print=None,
            shutdown_timeout=settings.drain_seconds + 15,
            access_log_class=RedactingAccessLogger,  # no patient link or form token in the log
        )
    finally:
        for watchdog in watchdogs:
            watchdog.cancel()


async def _create_user(settings: Settings, role: Role, email: str, name: str, password: str) -> int:
    from server.services import accounts

    engine = make_engine(settings.database_url)
    try:
        async with UnitOfWork(make_sessionmaker(engine)) as uow:
            user = await accounts.create_user(uow, email=email, password=password, role=role, full_name=name)
            await uow.commit()
            return user.id
    finally:
        await engine.dispose()


def _read_password() -> str:
    if not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass("Password: ")
    if getpass.getpass("Repeat password: ") != first:
        raise SystemExit("The passwords differ; nothing was created.")
    return first


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="rounds", description="Rounds: virtual clinical rotations")
    commands = parser.add_subparsers(dest="command", required=True)

    serve = commands.add_parser("serve", help="serve Rounds (migrate first with `rounds db upgrade`)")
    serve.add_argument("--host", default=None, help="address to listen on (ROUNDS_HOST)")
    serve.add_argument("--port", type=int, default=None, help="port to listen on (ROUNDS_PORT)")

    demo = commands.add_parser("demo", help="create the database, load demo data, print logins, serve")
    demo.add_argument("--host", default=None)
    demo.add_argument("--port", type=int, default=None)
    demo.add_argument("--no-serve", action="store_true", help="load the demo data and exit")

    cluster = commands.add_parser(
        "cluster", help="start N nodes on loopback ports sharing PostgreSQL and Redis (try scale-out)"
    )
    cluster.add_argument("--nodes", type=int, default=2, help="how many nodes (default 2)")
    cluster.add_argument("--base-port", type=int, default=8081, help="the first node's port (default 8081)")
    cluster.add_argument("--host", default=None, help="address every node listens on (ROUNDS_HOST)")
    cluster.add_argument("--demo", action="store_true", help="load the demo data first (once)")

    db = commands.add_parser("db", help="database commands")
    db_commands = db.add_subparsers(dest="db_command", required=True)
    db_commands.add_parser("upgrade", help="apply migrations up to the newest")

    user = commands.add_parser("user", help="account commands")
    user_commands = user.add_subparsers(dest="user_command", required=True)
    create = user_commands.add_parser("create", help="create an account (asks for the password)")
    create.add_argument("--role", required=True, choices=[r.value for r in Role])
    create.add_argument("--email", required=True)
    create.add_argument("--name", default=None, help="full name (defaults to the email's local part)")
    return parser


def _cluster(args: argparse.Namespace) -> int:
    from redis import Redis
    from redis.exceptions import RedisError

    from server.cluster import local

    env = local.environment()
    try:
        settings = load_settings(env)
        nodes = local.plan(args.nodes, args.base_port)
    except (SettingsError, ValueError) as exc:
        print(f"rounds: {exc}", file=sys.stderr)
        return 2
    if not settings.database_url.startswith("postgresql"):
        print(
            "rounds: a cluster shares one PostgreSQL database; set ROUNDS_DATABASE_URL to one.",
            file=sys.stderr,
        )
        return 2
    try:
        Redis.from_url(str(settings.redis_url), socket_connect_timeout=3).ping()
        asyncio.run(local.ensure_postgres_database(settings.database_url))
    except (RedisError, OSError) as exc:
        print(f"rounds: cannot reach Redis or PostgreSQL ({type(exc).__name__}: {exc})", file=sys.stderr)
        return 2
    asyncio.run(_upgrade(settings))
    host = args.host or settings.host
    if args.demo:
        from server.demo import load_demo, print_logins, refresh_demo_huddle

        created = asyncio.run(load_demo(settings))
        print_logins(host, nodes[0].port, created)
        if not created and (news := asyncio.run(refresh_demo_huddle(settings))):
            print(news)
    print(f"Rounds cluster: {len(nodes)} nodes on {settings.redis_url} (Ctrl+C drains and stops them all)")
    return local.run_nodes(nodes, host, env)


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "cluster":
        return _cluster(args)
    try:
        settings = load_settings()
    except SettingsError as exc:
        print(f"rounds: {exc}", file=sys.stderr)
        return 2
    logs.configure(settings.log_level)
    for name in settings.unknown:
        logging.getLogger("rounds").warning(
            "%s is not a Rounds setting and is ignored; see the README's settings table", name
        )
    host = getattr(args, "host", None) or settings.host
    port = getattr(args, "port", None) or settings.port

    if args.command == "db":
        asyncio.run(_upgrade(settings))
        print("Database is up to date.")
        return 0
    if args.command == "serve":
        _serve(settings, host, port)
        return 0
    if args.command == "demo":
        from server.demo import load_demo, print_logins, refresh_demo_huddle

        asyncio.run(_upgrade(settings))
        created = asyncio.run(load_demo(settings))
        print_logins(host, port, created)
        if not created and (news := asyncio.run(refresh_demo_huddle(settings))):
            print(news)
        if not args.no_serve:
            _serve(settings, host, port, demo=True)
        return 0
    if args.command == "user":
        password = _read_password()
        name = args.name or args.email.split("@")[0]
        try:
            user_id = asyncio.run(_create_user(settings, Role(args.role), args.email, name, password))
        except DomainError as exc:
            print(f"rounds: {exc.message}", file=sys.stderr)
            return 1
        print(f"Created {args.role} {args.email} (id {user_id}).")
        return 0
    return 2


if __name__ == "__main__":
    raise SystemExit(main())
