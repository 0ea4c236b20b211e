"""No code path changes an application's placement (its program and blocks) without the visitor's own
act: applying, or accepting a proposed alternative (issue 16, item 4).

The test reads every module of the server (migrations aside) and lists each place that could write a
placement -- a call of the repository's two writers, an UPDATE of the applications table, any insert,
update or delete of its block links, raw SQL naming them, an assignment to a ``program_id`` -- with
the function it is in. Each must be one of the known, reviewed paths below; a new one fails here until
someone adds it, and so has to say why it has the visitor's consent. The reviewed paths are then
checked for that consent over HTTP (tests/integration/test_placement_changes.py): a coordinator's
acceptance is a 403, another visitor's a 404.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from server.db.repositories.applications import ApplicationRepository

SERVER = Path(__file__).resolve().parents[2] / "server"

# (module, function) -> why it may write a placement.
REVIEWED: dict[tuple[str, str], str] = {
    ("server/services/applications.py", "create_application"): "the visitor applies (actor.require VISITOR)",
    ("server/services/placements.py", "accept"): "the visitor accepts an open proposal of their own",
    ("server/db/repositories/applications.py", "add"): "the repository's insert, called by applying only",
    ("server/db/repositories/applications.py", "move_placement"): "the repository's move, by accept only",
    ("server/db/repositories/applications.py", "compare_and_set_state"): (
        "state changes only: it refuses the placement's columns (tested below)"
    ),
}

_WRITE_CALLS = {"update", "insert", "delete"}


def _writes(tree: ast.AST) -> list[tuple[str, int, str]]:
    """(enclosing function, line, what) for every construct in ``tree`` that could write a placement."""
    found: list[tuple[str, int, str]] = []

    def visit(node: ast.AST, function: str) -> None:
        for child in ast.iter_child_nodes(node):
            name = function
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                name = child.name
            what = _what(child)
            if what:
                found.append((name, getattr(child, "lineno", 0), what))
            visit(child, name)

    visit(tree, "<module>")
    return found


def _what(node: ast.AST) -> str | None:
    if isinstance(node, ast.Call):
        func = node.func
        if isinstance(func, ast.Attribute) and func.attr == "move_placement":
            return "move_placement()"
        if (
            isinstance(func, ast.Attribute)
            and func.attr == "add"
            and isinstance(func.value, ast.Attribute)
            and func.value.attr == "applications"
        ):
            return "applications.add()"
        if isinstance(func, ast.Name) and func.id == "ApplicationBlockRow":
            return "new ApplicationBlockRow"
        if isinstance(func, ast.Name) and func.id in _WRITE_CALLS and node.args:
            target = node.args[0]
            if isinstance(target, ast.Name) and target.id == "ApplicationBlockRow":
                return f"{func.id}(ApplicationBlockRow)"
            if isinstance(target, ast.Name) and target.id == "ApplicationRow" and func.id != "delete":
                return f"{func.id}(ApplicationRow)"
    if isinstance(node, ast.Assign | ast.AugAssign | ast.AnnAssign):
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        for target in targets:
            if isinstance(target, ast.Attribute) and target.attr == "program_id":
                return "assignment to .program_id"
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        text = node.value.lower()
        if "insert into application_blocks" in text or "update applications" in text:
            return "raw SQL"
        if "delete from application_blocks" in text or "update application_blocks" in text:
            return "raw SQL"
    return None


def placement_writers(root: Path) -> list[tuple[str, str, int, str]]:
    """Every place under ``root`` (a checkout's ``server`` directory) that could write a placement:
    (module path, function, line, what)."""
    out = []
    for path in sorted(root.rglob("*.py")):
        relative = path.relative_to(root.parent).as_posix()
        if "/migrations/" in relative:
            continue  # the schema's history, not a code path
        for function, line, what in _writes(ast.parse(path.read_text(encoding="utf-8"))):
            out.append((relative, function, line, what))
    return out


def test_every_path_that_writes_a_placement_is_a_reviewed_one() -> None:
    unreviewed = [
        f"{module}:{line} {function}: {what}"
        for module, function, line, what in placement_writers(SERVER)
        if (module, function) not in REVIEWED
    ]
    assert unreviewed == [], "a new path writes an application's placement: " + "; ".join(unreviewed)


def test_the_reviewed_paths_are_all_still_there() -> None:
    """A reviewed path that no longer writes is stale: the list must stay exact to mean anything."""
    writing = {(module, function) for module, function, _, _ in placement_writers(SERVER)}
    assert set(REVIEWED) <= writing, set(REVIEWED) - writing


def test_the_scan_finds_a_new_path(tmp_path: Path) -> None:
    """The scan is not blind: a coordinator's function that moves an application, an UPDATE setting
    its program and a raw statement are each reported."""
    server = tmp_path / "server" / "services"
    server.mkdir(parents=True)
    (server / "sneaky.py").write_text(
        "async def reassign(uow, actor, app_id, block_ids):\n"
        "    await uow.applications.move_placement(app_id, 'enrolled', 2, block_ids, uow.now())\n"
        "async def bulk(db):\n"
        "    await db.execute(update(ApplicationRow).values(program_id=3))\n"
        "    await db.execute(text('DELETE FROM application_blocks WHERE block_id = 4'))\n"
        "def touch(row):\n"
        "    row.program_id = 5\n"
    )
    found = {(f, w) for _, f, _, w in placement_writers(tmp_path / "server")}
    assert found == {
        ("reassign", "move_placement()"),
        ("bulk", "update(ApplicationRow)"),
        ("bulk", "raw SQL"),
        ("touch", "assignment to .program_id"),
    }


async def test_the_state_writer_refuses_to_touch_a_placement() -> None:
    repository = ApplicationRepository(db=None)  # type: ignore[arg-type]  (refused before any query)
    with pytest.raises(ValueError, match="placement"):
        await repository.compare_and_set_state(1, "enrolled", {"state": "active", "program_id": 2})
