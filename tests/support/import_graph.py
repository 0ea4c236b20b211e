"""The project's imports, read with ``ast`` and followed: what each module imports (every form:
inside functions, under TYPE_CHECKING, relative, literal importlib calls), and every name it reaches
through the project's own modules, with the chain of imports that gets there."""

from __future__ import annotations

import ast
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

# The top-level packages whose modules the graph follows; everything else is a leaf (a library).
PROJECT_PACKAGES = ("server", "sessions", "webclient")


def module_name(path: Path, root: Path) -> str:
    """``server/domain/visits.py`` -> ``server.domain.visits``; a package is named by its folder."""
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
    return sorted(found)


def matches(module: str, prefix: str) -> bool:
    """``module`` is ``prefix`` or inside it (``a.b.c`` is in ``a.b``, ``a.bc`` is not)."""
    return module == prefix or module.startswith(prefix + ".")


@dataclass(frozen=True)
class Reached:
    """A name a module imports, directly (a chain of one) or through project modules."""

    line: int  # of the starting module's first import in the chain
    chain: tuple[str, ...]  # the names imported one after the other; the last is the one reached

    @property
    def name(self) -> str:
        return self.chain[-1]


class ImportGraph:
    """Every module of the project's packages under ``root`` and what it imports."""

    def __init__(self, root: Path, packages: tuple[str, ...] = PROJECT_PACKAGES) -> None:
        self.root = root
        self.paths: dict[str, Path] = {}
        self.imports: dict[str, list[tuple[int, str]]] = {}
        for package in packages:
            for path in sorted((root / package).rglob("*.py")):
                name = module_name(path, root)
                self.paths[name] = path
                self.imports[name] = imported_modules(
                    path.read_text(), name, is_package=path.name == "__init__.py"
                )

    def modules_in(self, folder: str) -> list[str]:
        """The modules whose files are under ``folder`` (a path relative to the root)."""
        base = self.root / folder
        return [name for name, path in self.paths.items() if path.is_relative_to(base)]

    def resolve(self, name: str) -> str | None:
        """The project module an imported name loads: the name itself, or for ``from a import f``
        the module ``a`` that holds f. None for a library (or a module that does not exist)."""
        parts = name.split(".")
        while parts:
            candidate = ".".join(parts)
            if candidate in self.paths:
                return candidate
            parts.pop()
        return None

    def _runs(self, module: str) -> list[str]:
        """The project modules that importing ``module`` executes: it and its parent packages."""
        parts = module.split(".")
        names = [".".join(parts[:n]) for n in range(1, len(parts) + 1)]
        return [name for name in names if name in self.paths]

    def reach(self, start: str, stop: Callable[[str], bool]) -> Iterator[Reached]:
        """Every name ``start`` imports, then every name the project modules it loads import, and
        so on, each once with its shortest chain (breadth first). A project module for which
        ``stop(name)`` holds is reported but not followed."""
        seen_modules = {start}
        seen_names: set[str] = set()
        # (line in start of the chain's first import, or None for start itself; the project
        # modules passed so far; the module whose imports come next)
        pending: deque[tuple[int | None, tuple[str, ...], str]] = deque([(None, (), start)])
        while pending:
            first_line, passed, module = pending.popleft()
            for line, name in self.imports[module]:
                if name in seen_names:
                    continue
                seen_names.add(name)
                reached = Reached(line if first_line is None else first_line, (*passed, name))
                yield reached
                target = self.resolve(name)
                if target is None or stop(name):
                    continue
                for runs in self._runs(target):
                    if runs not in seen_modules and not stop(runs):
                        seen_modules.add(runs)
                        pending.append((reached.line, (*passed, runs), runs))
