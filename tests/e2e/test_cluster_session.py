"""A live session spanning two Rounds nodes, in real browsers: the preceptor's page is served by node A
and Amara's by node B (sharing PostgreSQL and Redis). Each decodes the other's video, and when node A
is killed, both pages reconnect by themselves and decode each other again on node B.

The "load balancer" here is the pages' own address: the host's page is reloaded from node B after the
kill, since nothing listens on node A's port any more (a real deployment's balancer does that)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext

from tests.e2e.test_live_session import (  # noqa: F401  (media_chromium: a fixture)
    AMARA,
    PRECEPTOR,
    join,
    log_in,
    media_chromium,
    new_person,
    participant_id_of,
    poll,
    visit_of_kind,
    wait_until_decoding,
)
from tests.support.cluster import LocalCluster, two_nodes
from tests.support.templates import Demo

pytestmark = [pytest.mark.e2e, pytest.mark.postgres, pytest.mark.slow]


@pytest.fixture
def cluster(tmp_path: Path, postgres_demo: Demo) -> Iterator[LocalCluster]:
    with two_nodes(tmp_path, postgres_demo) as local:
        yield local


@pytest.fixture
def contexts() -> Iterator[list[BrowserContext]]:
    made: list[BrowserContext] = []
    yield made
    for context in made:
        context.close()


def test_a_session_spans_two_nodes_and_survives_the_loss_of_one(
    cluster: LocalCluster,
    media_chromium: Browser,  # noqa: F811  (the fixture imported above)
    contexts: list[BrowserContext],
) -> None:
    node_a, node_b = cluster.nodes["a"].base_url, cluster.nodes["b"].base_url
    host = new_person(media_chromium, contexts)
    visitor = new_person(media_chromium, contexts)
    log_in(host, node_a, PRECEPTOR)
    log_in(visitor, node_b, AMARA)
    huddle = visit_of_kind(host, node_a, "huddle")
    assert huddle is not None

    join(host, node_a, huddle)
    poll(host, "window.roundsProbe.presence === 'admitted'", "the host is in")
    join(visitor, node_b, huddle)
    poll(visitor, "window.roundsProbe.presence === 'waiting'", "the visitor waits (relayed to node A)")
    host.get_by_role("region", name="Waiting room").get_by_role("button", name="Admit Amara Nwosu").click()
    poll(visitor, "window.roundsProbe.presence === 'admitted'", "the visitor is admitted")
    host_id, visitor_id = participant_id_of(host), participant_id_of(visitor)
    wait_until_decoding(visitor, host_id, "the visitor (on node B)")
    wait_until_decoding(host, visitor_id, "the host (on node A)")
    host.get_by_role("textbox", name="Message").fill("Across two nodes")
    host.get_by_role("button", name="Send").click()
    poll(
        visitor,
        "document.body.innerText.includes('Across two nodes')",
        "the host's chat reaches the visitor on the other node",
    )

    cluster.kill("a")
    # Amara's page was served by node B: it reconnects by itself, and the room comes back on B
    # with her admitted. The host's page lost its server; a balancer would send it to B.
    join(host, node_b, huddle)
    poll(host, "window.roundsProbe.presence === 'admitted'", "the host is back in on node B", bound=15)
    poll(visitor, "window.roundsProbe.presence === 'admitted'", "the visitor is back in", bound=15)
    wait_until_decoding(visitor, host_id, "the visitor after the failover")
    wait_until_decoding(host, visitor_id, "the host after the failover")
