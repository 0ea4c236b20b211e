"""The choice of what runs on PostgreSQL (ON_POSTGRES in tests/conftest.py) names real tests, and a
test not named runs on SQLite only."""

from __future__ import annotations

import ast
from pathlib import Path

from tests.conftest import BOTH_DATABASES, ON_POSTGRES, SQLITE_ONLY, backends_for

TESTS = Path(__file__).resolve().parents[1]


def _test_functions(module: Path) -> set[str]:
    tree = ast.parse(module.read_text())
    return {
        node.name
        for node in tree.body
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name.startswith("test_")
    }


def test_every_module_and_test_chosen_for_postgres_exists() -> None:
    """A renamed test or module must not drop out of the PostgreSQL runs unnoticed."""
    missing = []
    for module, chosen in ON_POSTGRES.items():
        path = TESTS / module
        if not path.is_file():
            missing.append(module)
            continue
        if isinstance(chosen, dict):
            missing += [f"{module}::{name}" for name in sorted(set(chosen) - _test_functions(path))]
    assert missing == []


def test_a_test_runs_on_postgres_only_when_chosen_or_marked() -> None:
    partly = next(module for module, chosen in ON_POSTGRES.items() if isinstance(chosen, dict))
    [named, *_] = ON_POSTGRES[partly]
    whole = next(module for module, chosen in ON_POSTGRES.items() if isinstance(chosen, str))
    assert backends_for("tests/integration/test_new_feature.py::test_it", marked=False) == SQLITE_ONLY
    assert backends_for("tests/integration/test_new_feature.py::test_it", marked=True) == BOTH_DATABASES
    assert backends_for(f"tests/{whole}::test_anything", marked=False) == BOTH_DATABASES
    assert backends_for(f"tests/{partly}::{named}", marked=False) == BOTH_DATABASES
    assert backends_for(f"tests/{partly}::test_not_named_there", marked=False) == SQLITE_ONLY
