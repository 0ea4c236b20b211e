"""The layering rules of docs/architecture (arrows point one way), checked by reading every import
with ``ast``: imports inside functions, under TYPE_CHECKING and relative imports count too, and so do
the imports of every project module a layer loads (the closure), reported with the chain.

Rules name folders and package prefixes, not files, so they hold when modules move within a layer
(``server/handlers/api/``, ``server/db/repositories/``...)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from tests.support.import_graph import ImportGraph, matches

ROOT = Path(__file__).resolve().parents[2]

# Libraries that do I/O (network, disk, processes, a browser, native rendering), with the reason.
IO_LIBRARY_REASONS: dict[str, str] = {
    "aiohttp": "HTTP server and client",
    "aiohttp_jinja2": "renders pages for aiohttp handlers",
    "jinja2": "loads templates from disk",
    "sqlalchemy": "the database",
    "alembic": "database migrations",
    "asyncpg": "PostgreSQL driver",
    "aiosqlite": "SQLite driver",
    "redis": "Redis client",
    "aiortc": "WebRTC peers: sockets and media",
    "aioice": "ICE: UDP/TCP sockets (under aiortc)",
    "av": "FFmpeg: media files and codecs",
    "weasyprint": "renders PDFs, fetches resources",
    "email_validator": "checks deliverability with DNS queries",
    "dns": "DNS queries (dnspython, under email_validator)",
    "httpx": "HTTP client",
    "requests": "HTTP client",
    "urllib3": "HTTP client",
    "aiosmtpd": "mail server",
    "playwright": "drives a browser",
    "memray": "profiles processes",
    "asyncio": "the event loop: sockets, subprocesses, timers",
    "socket": "network sockets",
    "subprocess": "runs programs",
    "urllib.request": "fetches URLs",
    "http.client": "HTTP client",
    "smtplib": "sends mail",
    "sqlite3": "a database",
}
IO_LIBRARIES = tuple(IO_LIBRARY_REASONS)

# The live engine's pure rules, which the domain may share: no aiortc, av, aiohttp or asyncio,
# only the standard library and pydantic. The closure check keeps them pure.
PURE_SESSIONS_MODULES = (
    "sessions.room",  # roles, permissions, consent, may_forward
    "sessions.signaling",  # the typed signaling messages
)


@dataclass(frozen=True)
class Rule:
    """What the modules under ``folder`` must not reach, directly or through project modules."""

    folder: str
    forbidden: tuple[str, ...]  # module prefixes
    why: str
    allowed: tuple[str, ...] = ()  # prefixes inside ``forbidden`` that are fine after all
    through: tuple[str, ...] = ()  # packages the layer is meant to go through: not followed

    def forbids(self, name: str) -> str | None:
        """The forbidden prefix ``name`` falls under, or None. A package above an allowed module
        (``server`` in ``from server import domain``) is not forbidden by itself."""
        if any(matches(name, ok) or matches(ok, name) for ok in self.allowed):
            return None
        return next((bad for bad in self.forbidden if matches(name, bad)), None)

    def stops_at(self, name: str) -> bool:
        """Whether the closure goes no further than ``name``: a reported violation or a way through."""
        return self.forbids(name) is not None or any(matches(name, way) for way in self.through)


RULES: tuple[Rule, ...] = (
    Rule("sessions", ("server",), "sessions/ knows nothing of the server"),
    Rule(
        "server/domain",
        (*IO_LIBRARIES, "server", "sessions"),
        "the domain is plain Python with no I/O and depends on no other layer",
        allowed=("server.domain", *PURE_SESSIONS_MODULES),
    ),
    Rule(
        "server/services",
        ("aiohttp", "server.handlers", "server.web"),
        "services know nothing of HTTP",
    ),
    Rule(
        "server/db",
        ("aiohttp", "server.services", "server.handlers"),
        "the database layer sits below the services",
    ),
    Rule(
        "server/web",
        ("server.handlers", "server.live"),
        "the web plumbing (keys, middleware, the WebSocket channel) sits below the handlers and the"
        " live bridge, which import it",
        through=("server.services", "server.cluster"),
    ),
    Rule(
        "server/handlers",
        ("sqlalchemy", "server.db"),
        "handlers reach the database only through the services",
        # server.web.keys declares the app-wide objects with their types (the engine, the unit of
        # work factory): handlers take a unit of work from it and hand it to a service. server.live
        # is the bridge to the engine at the services' level: it hands a room's reports to the
        # visits service with the unit of work factory it was given.
        through=("server.services", "server.web.keys", "server.live"),
    ),
)

# Violations the code has today, (file, module reached), to be fixed by moving the code, not by
# loosening a rule. The test fails on any violation not listed here and on any entry that no
# longer occurs, so this list only shrinks.
KNOWN_VIOLATIONS: frozenset[tuple[str, str]] = frozenset()


@dataclass(frozen=True)
class Violation:
    path: str
    line: int
    module: str
    why: str
    chain: tuple[str, ...] = ()  # project modules passed on the way, then the module reached

    def __str__(self) -> str:
        via = f" via {' -> '.join(self.chain[:-1])}" if len(self.chain) > 1 else ""
        return f"{self.path}:{self.line}: imports {self.module}{via} ({self.why})"


def _first_per_target(found: Iterable[tuple[Violation, str]]) -> list[Violation]:
    """One violation per import line and forbidden prefix for direct imports (`from aiohttp import
    web` is aiohttp, not also aiohttp.web); one per file and prefix, the shortest chain, for
    indirect ones, and none when the file imports that prefix directly."""
    direct: dict[tuple[str, int, str], Violation] = {}
    indirect: dict[tuple[str, str], Violation] = {}
    for violation, prefix in found:
        if len(violation.chain) == 1:
            direct.setdefault((violation.path, violation.line, prefix), violation)
        else:
            indirect.setdefault((violation.path, prefix), violation)
    directly = {(path, prefix) for path, _, prefix in direct}
    kept = [*direct.values(), *(v for key, v in indirect.items() if key not in directly)]
    return sorted(kept, key=lambda v: (v.path, v.line, v.module))


def violations(root: Path = ROOT, rules: tuple[Rule, ...] = RULES) -> list[Violation]:
    graph = ImportGraph(root)
    found: list[tuple[Violation, str]] = []
    for rule in rules:
        for module in graph.modules_in(rule.folder):
            path = str(graph.paths[module].relative_to(root))
            for reached in graph.reach(module, stop=rule.stops_at):
                prefix = rule.forbids(reached.name)
                if prefix is not None:
                    found.append(
                        (Violation(path, reached.line, reached.name, rule.why, reached.chain), prefix)
                    )
    return _first_per_target(found)


def against_known(
    problems: list[Violation], known: frozenset[tuple[str, str]]
) -> tuple[list[Violation], list[tuple[str, str]]]:
    """The violations not in ``known``, and the entries of ``known`` that no longer occur."""
    new = [v for v in problems if (v.path, v.module) not in known]
    gone = sorted(known - {(v.path, v.module) for v in problems})
    return new, gone


def test_the_layers_import_only_downwards() -> None:
    for rule in RULES:
        assert list((ROOT / rule.folder).rglob("*.py")), (
            f"{rule.folder}/ has no Python files: is the layout still right?"
        )
    new, gone = against_known(violations(), KNOWN_VIOLATIONS)
    assert not new, "imports that break the layering rules:\n" + "\n".join(map(str, new))
    assert not gone, f"known violations that no longer occur; take them off KNOWN_VIOLATIONS: {gone}"


def test_the_pure_sessions_modules_exist() -> None:
    """An allowed module that moved or went would leave its allowance behind, unnoticed."""
    graph = ImportGraph(ROOT)
    assert [name for name in PURE_SESSIONS_MODULES if name not in graph.paths] == []


def test_the_checker_sees_every_kind_of_import(tmp_path: Path) -> None:
    """The rules are only as good as the reader: it must catch each form of import."""
    domain = tmp_path / "server" / "domain"
    domain.mkdir(parents=True)
    (tmp_path / "sessions").mkdir()
    (tmp_path / "server" / "services").mkdir()
    (tmp_path / "server" / "db").mkdir()
    (domain / "bad.py").write_text(
        "from __future__ import annotations\n"
        "import sqlalchemy.orm\n"
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n"
        "    from aiohttp import web\n"
        "def f():\n"
        "    from ..db import models\n"
        "    import importlib\n"
        "    return importlib.import_module('aiortc')\n"
        "from server import services\n"
        "from . import vocab\n"
    )
    (tmp_path / "sessions" / "room.py").write_text("from server.web import keys\n")
    (tmp_path / "server" / "services" / "ok.py").write_text("from server.db.uow import UnitOfWork\n")
    (tmp_path / "server" / "db" / "bad.py").write_text("from .. import services\n")
    found = {(v.path, v.line, v.module) for v in violations(tmp_path)}
    assert found == {
        ("server/domain/bad.py", 2, "sqlalchemy.orm"),
        ("server/domain/bad.py", 5, "aiohttp"),
        ("server/domain/bad.py", 7, "server.db"),
        ("server/domain/bad.py", 9, "aiortc"),
        ("server/domain/bad.py", 10, "server.services"),
        ("sessions/room.py", 1, "server.web"),
        ("server/db/bad.py", 1, "server.services"),
    }


def _write(root: Path, files: dict[str, str]) -> None:
    for name, source in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(source)


def test_the_checker_follows_imports_through_the_project(tmp_path: Path) -> None:
    """Each rule fails on a deliberate violation, made directly or through other project modules."""
    _write(
        tmp_path,
        {
            # the domain reaching an I/O library through a helper of its own and through the server
            "server/domain/rules.py": "from server.domain import helper\nfrom server.codes import icd\n",
            "server/domain/helper.py": "import json\nfrom server.domain.deeper import f\n",
            "server/domain/deeper.py": "def f():\n    import redis\n",
            "server/codes/icd.py": "import weasyprint\n",
            # every library of the list, directly
            **{
                f"server/domain/uses_{n}.py": f"import {library}\n"
                for n, library in enumerate(("jinja2", "aiohttp_jinja2", "alembic", "av", "asyncpg"))
            },
            # the domain may share the engine's pure rules, and only those
            "server/domain/visits.py": "from sessions.room import Role\nfrom sessions import live\n",
            "sessions/room.py": "import enum\n",
            "sessions/live.py": "import aiortc\n",
            # handlers: not the database, directly or through a helper; through a service is right
            "server/handlers/api/things.py": (
                "from server.handlers.forms import parse\nfrom server.services import x\n"
            ),
            "server/handlers/forms.py": "from sqlalchemy import select\n",
            "server/handlers/pages/other.py": "from server.db.repositories.things import Things\n",
            "server/db/repositories/things.py": "import sqlalchemy\n",
            "server/services/x.py": "from server.db.repositories import things\n",
            # web plumbing: never up into the live bridge (the WebSocket channel once lived there)
            "server/web/keys.py": "from server.live.websocket import OpenSockets\n",
            "server/live/websocket.py": "import asyncio\n",
        },
    )
    found = {(v.path, v.line, v.module, v.chain) for v in violations(tmp_path)}
    uses = [
        (f"server/domain/uses_{n}.py", 1, library, (library,))
        for n, library in enumerate(("jinja2", "aiohttp_jinja2", "alembic", "av", "asyncpg"))
    ]
    assert found == {
        ("server/domain/rules.py", 1, "redis", ("server.domain.helper", "server.domain.deeper", "redis")),
        ("server/domain/rules.py", 2, "server.codes", ("server.codes",)),
        ("server/domain/helper.py", 2, "redis", ("server.domain.deeper", "redis")),
        ("server/domain/deeper.py", 2, "redis", ("redis",)),
        *uses,
        ("server/domain/visits.py", 2, "sessions.live", ("sessions.live",)),
        (
            "server/handlers/api/things.py",
            1,
            "sqlalchemy",
            ("server.handlers.forms", "sqlalchemy"),
        ),
        ("server/handlers/forms.py", 1, "sqlalchemy", ("sqlalchemy",)),
        (
            "server/handlers/pages/other.py",
            1,
            "server.db.repositories.things",
            ("server.db.repositories.things",),
        ),
        ("server/web/keys.py", 1, "server.live.websocket", ("server.live.websocket",)),
    }


def test_a_known_violation_is_let_through_only_while_it_occurs(tmp_path: Path) -> None:
    _write(tmp_path, {"server/handlers/health.py": "from sqlalchemy import text\n"})
    problems = violations(tmp_path)
    listed = ("server/handlers/health.py", "sqlalchemy")
    fixed_elsewhere = ("server/handlers/gone.py", "server.db")
    assert against_known(problems, frozenset({listed, fixed_elsewhere})) == ([], [fixed_elsewhere])
    new, gone = against_known(problems, frozenset())
    assert [(v.path, v.module) for v in new] == [listed]
    assert gone == []
