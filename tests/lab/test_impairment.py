"""The impairment router (tests/support/impair_router.py) in the cone home's gateway, measured from the
home with UDP probes (tests/support/probe.py) against a probe server beside the Rounds server: the
round trip and the loss follow the profile, the rate is capped both ways, bursty loss comes in runs,
lifting the profile restores the link, and the NAT behind the router still lets a participant in.

Bounds are generous on purpose: these show what the router does, not how precisely it times it."""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pytest

from tests.support.cluster import AMARA
from tests.support.netlab import ROOT, SERVER_IP, Lab, Participant

pytestmark = [pytest.mark.lab, pytest.mark.slow]

PROBE_PORT = 9000
PROBE = f"{SERVER_IP}:{PROBE_PORT}"


def probe_command(lab: Lab, role: str, *args: str) -> list[str]:
    return ["ip", "netns", "exec", lab.ns(role), sys.executable, "-m", "tests.support.probe", *args]


def probe_env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT)}


@pytest.fixture(scope="module")
def probe_server(lab: Lab) -> Iterator[None]:
    """The probe server on the Rounds server's address, for this module's tests."""
    process = subprocess.Popen(
        probe_command(lab, "pub", "serve", "--bind", PROBE),
        cwd=ROOT,
        env=probe_env(),
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        assert json.loads(process.stdout.readline())["ready"]
        yield
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture
def cone(lab: Lab, probe_server: None) -> Iterator[str]:
    """The cone home, its link set free again after the test."""
    try:
        yield "cone"
    finally:
        lab.lift("cone")


def probe(lab: Lab, path: str, *args: str) -> dict[str, Any]:
    """Run one probe command in ``path``'s namespace against the probe server: its JSON answer."""
    done = subprocess.run(
        probe_command(lab, path, *args, "--to", PROBE),
        cwd=ROOT,
        env=probe_env(),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    answer: dict[str, Any] = json.loads(done.stdout)
    return answer


def ping(lab: Lab, path: str, count: int = 300) -> tuple[float, float, list[int]]:
    """``count`` echo requests 10 ms apart: median round trip (ms), loss share, the lost numbers."""
    answer = probe(lab, path, "ping", "--count", str(count), "--interval", "0.01", "--wait", "0.8")
    rtts = answer["rtts"]
    lost = sorted(set(range(count)) - set(answer["received_seqs"]))
    return 1000 * statistics.median(rtts), 1 - answer["received"] / count, lost


def runs(numbers: list[int]) -> list[int]:
    """The lengths of the runs of consecutive numbers in a sorted list."""
    lengths: list[int] = []
    for i, n in enumerate(numbers):
        if i and n == numbers[i - 1] + 1:
            lengths[-1] += 1
        else:
            lengths.append(1)
    return lengths


def test_the_round_trip_and_the_loss_follow_the_profile_and_lifting_restores_them(
    lab: Lab, cone: str
) -> None:
    rtt, loss, _ = ping(lab, cone, count=50)
    assert rtt < 50 and loss == 0, (rtt, loss)
    lab.impair(cone, "weak")  # 300 ms round trip, 3 % loss each way: about 6 % of round trips
    rtt, loss, _ = ping(lab, cone)
    assert 250 < rtt < 400, rtt
    assert 0.01 < loss < 0.15, loss
    lab.lift(cone)
    rtt, loss, _ = ping(lab, cone, count=50)
    assert rtt < 50 and loss < 0.01, (rtt, loss)


def test_bursty_loss_loses_its_share_in_runs(lab: Lab, cone: str) -> None:
    lab.impair(cone, "bursty_loss")  # 10 % each way, in runs of 8 packets on average
    _, loss, lost = ping(lab, cone, count=400)
    assert 0.05 < loss < 0.4, loss
    # Independent loss of that share would give runs of about one echo.
    assert statistics.mean(runs(lost)) > 2.0, runs(lost)


def test_the_rate_is_capped_both_ways_and_lifting_restores_it(lab: Lab, cone: str) -> None:
    offered = ["--kbps", "2000", "--seconds", "1"]
    assert probe(lab, cone, "down", *offered)["kbps"] > 1800
    lab.impair(cone, "3g_abroad")  # 750 kbit/s down, 250 up
    down = probe(lab, cone, "down", *offered)["kbps"]
    up = probe(lab, cone, "up", *offered)["kbps"]
    assert 500 < down < 900, down
    assert 150 < up < 350, up
    stats = lab.impairment_stats(cone)
    assert stats["down"]["queue_drops"] > 0 and stats["up"]["queue_drops"] > 0, stats
    lab.lift(cone)
    assert probe(lab, cone, "down", *offered)["kbps"] > 1800
    assert probe(lab, cone, "up", *offered)["kbps"] > 1800


def test_a_participant_behind_an_impaired_cone_nat_still_joins_without_a_relay(
    lab: Lab, cone: str, host: tuple[Participant, str]
) -> None:
    preceptor, host_id = host
    lab.impair(cone, "3g_abroad")
    before = lab.impairment_stats(cone)
    # No TURN server offered: on a loaded machine ICE may settle on a relay first, and this is about the
    # NAT's mapping working through the router, which only a direct path shows.
    amara = lab.participant(cone, AMARA, turn_transport="none")
    try:
        welcome = amara.ask("join")
        seen = amara.ask("wait_video", source=host_id)
        preceptor.ask("wait_video", source=welcome["participant_id"])
        amara.ask("leave")
    finally:
        amara.stop()
    path = seen["path"]
    # The server reached her through the NAT's mapping (no TURN), as without the router.
    assert path["local_type"] in ("host", "srflx", "prflx"), path
    assert path["local"].startswith("100.64.1.2:"), path
    assert path["remote"].startswith(f"{SERVER_IP}:"), path
    # And her media went through the router both ways.
    after = lab.impairment_stats(cone)
    for direction in ("down", "up"):
        # A join that sees a first frame and leaves: a few seconds of media, fewer on a loaded machine
        # (92 packets down once in a full run); the nominated path above already shows where it went.
        assert after[direction]["packets"] > before[direction]["packets"] + 50, (before, after)
