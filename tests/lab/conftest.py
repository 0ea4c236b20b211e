"""The network lab, built once per test session: skipped without root or the Debian tools, except
under CI=true, where it must run and fails instead."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from server.demo import DEMO_PASSWORD
from tests.conftest import IN_CI
from tests.support.cluster import PRECEPTOR
from tests.support.netlab import SERVER_IP, SERVER_PORT, Lab, Participant, lab_problem, network_lab
from tests.support.netns_port import forward_into
from tests.support.processes import Credentials, log_in


@pytest.fixture(scope="session")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lab]:
    problem = lab_problem()
    if problem is not None:
        if IN_CI:
            pytest.fail(f"{problem} (CI must run the network lab)")
        pytest.skip(problem)
    with network_lab(tmp_path_factory.mktemp("netlab")) as built:
        yield built


@pytest.fixture(scope="session")
def host(lab: Lab) -> tuple[Participant, str]:
    """Dr. Reyes beside the server (a clinic on the public network), hosting the demo's open huddle and
    admitting whoever waits; with the participant id the room gave him."""
    preceptor = lab.participant("pub", PRECEPTOR)
    welcome = preceptor.ask("join")
    return preceptor, str(welcome["participant_id"])


@pytest.fixture
def api(lab: Lab) -> Iterator[tuple[str, Credentials]]:
    """A base URL on this process that reaches the lab's server, and Dr. Reyes logged in there."""
    with forward_into(lab.ns("pub"), SERVER_PORT, host=SERVER_IP) as port:
        base = f"http://127.0.0.1:{port}"
        yield base, log_in(base, PRECEPTOR, DEMO_PASSWORD)
