"""The README's table "Where each feature lives" names every module of the layer packages, and only
modules that exist: a reader who knows a feature's name finds it in every layer, and a module added
without a place in the table (or a table row left behind by a move) fails here."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# Column of the table -> the package it names modules of.
LAYERS = {
    "domain/": "server/domain",
    "services/": "server/services",
    "db/repositories/": "server/db/repositories",
    "schemas/": "server/schemas",
    "handlers/api/": "server/handlers/api",
    "handlers/pages/": "server/handlers/pages",
}
# Modules of those packages that belong to no one feature, with why.
SHARED = {
    "server/domain": {
        "errors",
        "vocab",
        "text",
        "audit",
        "dates",
    },  # typed errors, shared vocabularies, text and date formats; the audit trail
    "server/services": {"audit", "navigation"},  # the audit trail; what every page's navigation shows
    "server/db/repositories": {"audit"},  # the audit trail
    "server/schemas": {"base"},  # the API's bases and bounded types
    "server/handlers/api": {"registry"},  # the one registry every API module adds to
    "server/handlers/pages": {"forms", "view"},  # form plumbing; the words every page shows
}


def _table() -> tuple[list[str], list[list[str]]]:
    text = (ROOT / "README.md").read_text()
    start = text.index("| Feature |")
    lines = []
    for line in text[start:].splitlines():
        if not line.startswith("|"):
            break  # the table ends at its first line that is not a row
        lines.append(line)
    header = [cell.strip() for cell in lines[0].strip("|").split("|")]
    rows = [[cell.strip() for cell in line.strip("|").split("|")] for line in lines[2:]]
    return header, rows


def _named(cell: str) -> set[str]:
    """Module names in a cell: words before any parenthesis or semicolon, a trailing / for a package."""
    cell = re.sub(r"\(.*?\)", "", cell.split(";")[0])
    return {name.strip().rstrip("/") for name in cell.split(",") if name.strip()}


def _modules(package: str) -> set[str]:
    folder = ROOT / package
    files = {p.stem for p in folder.glob("*.py") if p.stem != "__init__"}
    return files | {p.name for p in folder.iterdir() if (p / "__init__.py").exists()}


def test_the_feature_table_names_every_module_and_only_modules_that_exist() -> None:
    header, rows = _table()
    for column, package in LAYERS.items():
        index = header.index(column)
        named = set().union(*(_named(row[index]) for row in rows))
        present = _modules(package)
        assert named <= present, f"{package}: the README names modules that do not exist: {named - present}"
        missing = present - named - SHARED.get(package, set())
        assert not missing, f"{package}: modules with no feature in the README's table: {sorted(missing)}"
