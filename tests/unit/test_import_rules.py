"""The layering rules of docs/architecture (arrows point one way), checked by reading every import
with ``ast``: imports inside functions, under TYPE_CHECKING and relative imports count too."""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

IO_LIBRARIES = ("aiohttp", "sqlalchemy", "aiortc", "asyncpg", "aiosqlite")

# folder -> (modules it must not import, why)
RULES: dict[str, tuple[tuple[str, ...], str]] = {
    "sessions": (("server",), "sessions/ knows nothing of the server"),
    "server/domain": (
        (*IO_LIBRARIES, "server.db", "server.services", "server.handlers", "server.web"),
        "the domain is plain Python with no I/O",
    ),
    "server/services": (
        ("aiohttp", "server.handlers", "server.web"),
        "services know nothing of HTTP",
    ),
    "server/db": (
        ("aiohttp", "server.services", "server.handlers"),
        "the database layer sits below the services",
    ),
}


@dataclass(frozen=True)
class Violation:
    path: str
    line: int
    module: str
    why: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: imports {self.module} ({self.why})"


def module_name(path: Path, root: Path = ROOT) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imported_modules(source: str, module: str, is_package: bool = False) -> list[tuple[int, str]]:
    """(line, absolute module name) of every import in ``source``; ``from a import b`` yields both
    ``a`` and ``a.b`` (b may be a submodule). Literal importlib.import_module/__import__ calls count."""
    package = module if is_package else module.rpartition(".")[0]
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".") if package else []
                anchor = anchor[: len(anchor) - (node.level - 1)] if node.level > 1 else anchor
                base = ".".join([*anchor, base] if base else anchor)
            found.append((node.lineno, base))
            found.extend((node.lineno, f"{base}.{alias.name}") for alias in node.names if alias.name != "*")
        elif (
            isinstance(node, ast.Call)
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
            and (
                (isinstance(node.func, ast.Name) and node.func.id == "__import__")
                or (isinstance(node.func, ast.Attribute) and node.func.attr == "import_module")
            )
        ):
            found.append((node.lineno, node.args[0].value))
    return found


def matches(module: str, forbidden: str) -> bool:
    return module == forbidden or module.startswith(forbidden + ".")


def violations(root: Path = ROOT) -> list[Violation]:
    found: list[Violation] = []
    for folder, (forbidden, why) in RULES.items():
        for path in sorted((root / folder).rglob("*.py")):
            name = module_name(path, root)
            for line, imported in imported_modules(
                path.read_text(), name, is_package=path.name == "__init__.py"
            ):
                for bad in forbidden:
                    if matches(imported, bad):
                        found.append(Violation(str(path.relative_to(root)), line, imported, why))
                        break
    # `from aiohttp import web` is one violation (aiohttp), not two (aiohttp and aiohttp.web).
    unique = {
        v
        for v in found
        if not any(
            o.path == v.path and o.line == v.line and matches(v.module, o.module) and o != v for o in found
        )
    }
    return sorted(unique, key=lambda v: (v.path, v.line, v.module))


def test_the_layers_import_only_downwards() -> None:
    for folder in RULES:
        assert list((ROOT / folder).rglob("*.py")), (
            f"{folder}/ has no Python files: is the layout still right?"
        )
    problems = violations()
    assert not problems, "imports that break the layering rules:\n" + "\n".join(map(str, problems))


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
