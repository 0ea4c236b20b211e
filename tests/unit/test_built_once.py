"""Templates built once per run and shared by the pytest-xdist workers (tests/support/templates.py)."""

from __future__ import annotations

import fcntl
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.support.templates import built_once, exclusive


def _build_counting(directory: Path) -> None:
    with (directory.parent / "builds").open("a") as builds:
        builds.write("built\n")
    (directory / "made").write_text("yes")


def _ask(directory: Path) -> str:
    return (built_once(directory, _build_counting) / "made").read_text()


def test_many_asking_at_once_get_one_build(tmp_path: Path) -> None:
    # Threads are enough: each opens the lock file itself, and flock excludes open files, not processes.
    with ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(_ask, [tmp_path / "template"] * 8))
    assert answers == ["yes"] * 8
    assert (tmp_path / "builds").read_text() == "built\n"


def test_a_failed_build_is_tried_again_by_the_next_one_to_ask(tmp_path: Path) -> None:
    def failing(directory: Path) -> None:
        (directory / "half").write_text("half")
        raise RuntimeError("the build broke")

    with pytest.raises(RuntimeError):
        built_once(tmp_path / "template", failing)
    built = built_once(tmp_path / "template", _build_counting)
    assert sorted(path.name for path in built.iterdir()) == ["made"]  # the broken half is gone
    assert (tmp_path / "builds").read_text() == "built\n"


def test_the_lock_shuts_out_another_open_file_until_released(tmp_path: Path) -> None:
    lock = tmp_path / "template.lock"
    with exclusive(lock), lock.open("a") as other, pytest.raises(BlockingIOError):
        fcntl.flock(other, fcntl.LOCK_EX | fcntl.LOCK_NB)
    with lock.open("a") as other:
        fcntl.flock(other, fcntl.LOCK_EX | fcntl.LOCK_NB)  # free again
