"""Joining a live session from behind real NATs: a real ``rounds serve`` on the lab's public network,
coturn beside it, and Python participants in network namespaces behind a cone NAT, a symmetric NAT
that only lets UDP reach the TURN server, and a network without UDP (see tests/support/netlab.py).

Each test: Amara joins the demo's huddle from one network; she decodes the host's video and the host
decodes hers (media both ways through the server), over the path the network allows."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.cluster import AMARA
from tests.support.netlab import SERVER_IP, TURN_IP, TURN_URLS, Lab, Participant

pytestmark = [pytest.mark.lab, pytest.mark.slow]


def join_both_ways(lab: Lab, host: tuple[Participant, str], path: str, **options: Any) -> dict[str, Any]:
    """Amara joins from ``path``; both see each other's video. Her welcome and selected ICE path."""
    preceptor, host_id = host
    amara = lab.participant(path, AMARA, **options)
    try:
        welcome = amara.ask("join")
        seen = amara.ask("wait_video", source=host_id)
        preceptor.ask("wait_video", source=welcome["participant_id"])
        amara.ask("leave")
    finally:
        amara.stop()
    return {"welcome": welcome, "path": seen["path"]}


def test_the_welcome_hands_out_turn_credentials_of_the_participants_own(
    lab: Lab, host: tuple[Participant, str]
) -> None:
    joined = join_both_ways(lab, host, "direct")
    (entry,) = joined["welcome"]["ice_servers"]
    assert entry["urls"] == TURN_URLS.split(",")
    expiry, who = entry["username"].split(":", 1)
    assert who == joined["welcome"]["participant_id"] and int(expiry) > 0
    # The direct client reaches the server's own address without any relay.
    assert joined["path"]["local_type"] == "host"
    assert joined["path"]["remote"].startswith(f"{SERVER_IP}:")


def test_behind_a_cone_nat_media_flows_without_a_relay(lab: Lab, host: tuple[Participant, str]) -> None:
    joined = join_both_ways(lab, host, "cone")
    path = joined["path"]
    # Amara's side sees her LAN address; the server sees the NAT's (prflx): no TURN in between.
    assert path["local_type"] in ("host", "srflx", "prflx"), path
    assert path["local"].startswith("100.64.1.2:"), path
    assert path["remote"].startswith(f"{SERVER_IP}:"), path


def test_behind_a_symmetric_nat_that_blocks_udp_to_the_server_media_flows_through_turn(
    lab: Lab, host: tuple[Participant, str]
) -> None:
    joined = join_both_ways(lab, host, "symmetric")
    path = joined["path"]
    assert path["local_type"] == "relay", path
    assert path["local"].startswith(f"{TURN_IP}:") and path["turn_transport"] == "udp", path
    # coturn accepted the credentials Rounds computed: it allocated for this participant's username.
    username = joined["welcome"]["ice_servers"][0]["username"]
    assert "ALLOCATE processed, success" in allocations_of(lab, username), lab.turn_log_text()[-3000:]


def test_on_a_network_without_udp_media_flows_through_turn_over_tcp(
    lab: Lab, host: tuple[Participant, str]
) -> None:
    joined = join_both_ways(lab, host, "no_udp", turn_transport="tcp")
    path = joined["path"]
    assert path["local_type"] == "relay" and path["turn_transport"] == "tcp", path
    username = joined["welcome"]["ice_servers"][0]["username"]
    assert "ALLOCATE processed, success" in allocations_of(lab, username), lab.turn_log_text()[-3000:]


def allocations_of(lab: Lab, username: str) -> str:
    """coturn's log lines about ``username``."""
    return "\n".join(line for line in lab.turn_log_text().splitlines() if f"<{username}>" in line)
