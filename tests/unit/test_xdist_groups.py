"""Which tests share a worker under pytest-xdist, and the guard that stops a run whose groups would be
ignored (tests/conftest.py)."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from tests.conftest import xdist_group_of, xdist_groups_ignored


def test_tests_that_share_something_are_grouped_and_the_rest_are_free() -> None:
    assert xdist_group_of("tests/integration/test_cluster.py::test_x") == "shared-redis"
    assert xdist_group_of("tests/e2e/test_cluster_session.py::test_x") == "shared-redis"
    assert xdist_group_of("tests/integration/test_placement.py::test_x[a]") == "shared-redis"
    assert xdist_group_of("tests/lab/test_patient.py::test_x") == "network-lab"
    assert xdist_group_of("tests/lab/test_browsers.py::test_x") == "network-lab"
    assert xdist_group_of("tests/lab/test_weak_link.py::test_x") == "network-lab-weak"
    assert xdist_group_of("tests/lab/test_weak_browsers.py::test_x[firefox]") == "network-lab-weak"
    assert xdist_group_of("tests/e2e/test_live_firefox.py::test_x") == "e2e/test_live_firefox.py"
    assert xdist_group_of("tests/unit/test_adaptation.py::test_x") is None
    assert xdist_group_of("tests/integration/test_api_fuzz.py::test_x[sqlite-visitor]") is None


class Item(SimpleNamespace):
    def get_closest_marker(self, name: str) -> Any:
        return self.marks.get(name)


def test_the_guard_names_grouped_tests_whose_ids_lack_their_group() -> None:
    grouped = pytest.mark.xdist_group("shared-redis").mark
    loadgroup = SimpleNamespace(option=SimpleNamespace(loadgroup=True))
    items: list[Any] = [
        Item(nodeid="tests/integration/test_cluster.py::test_a@shared-redis", marks={"xdist_group": grouped}),
        Item(nodeid="tests/integration/test_cluster.py::test_b", marks={"xdist_group": grouped}),
        Item(nodeid="tests/unit/test_c.py::test_c", marks={}),
    ]
    assert xdist_groups_ignored(loadgroup, items) == ["tests/integration/test_cluster.py::test_b"]  # type: ignore[arg-type]
    one_process = SimpleNamespace(option=SimpleNamespace())
    assert xdist_groups_ignored(one_process, items) == []  # type: ignore[arg-type]
