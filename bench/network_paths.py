"""Join time, ICE success and recovery on each network path of the tests' network lab.

Run as root: .venv/bin/python bench/network_paths.py [--joins 20] [--drop-seconds 5]

Builds the lab of ``tests/support/netlab.py`` (network namespaces, NAT gateways, coturn, a real
``rounds serve`` on the lab's public address; Debian's iproute2, iptables and coturn) and, with the
demo's preceptor hosting its open huddle beside the server, has Amara join that huddle ``--joins``
times from each network:

``direct``     no NAT (the baseline)                ``cone``      a port-preserving NAT
``symmetric``  a symmetric NAT, UDP only to TURN    ``no_udp``    no UDP at all: TURN over TCP

A join time runs from sending ``join`` to the first decoded frame of the host's video (welcome,
offer/answer, ICE, DTLS, the waiting room and admission, the server's offer, a keyframe). A join
whose video does not arrive within ``--bound`` seconds counts as a failed ICE attempt. Then, from
behind the cone NAT, Amara's network drops everything for ``--drop-seconds`` (an iptables DROP in
its gateway) and comes back; recovery is the
time from the link coming back to her next decoded frame of the host's video (her client reconnects
on its own, as the web page does). Figures come from one loaded machine: compare the paths with
each other (ratios to ``direct``), not with another run.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.common import percentile  # noqa: E402
from tests.support.cluster import AMARA, PRECEPTOR  # noqa: E402
from tests.support.netlab import Lab, lab_problem, network_lab  # noqa: E402

#: path -> the TURN transport its client keeps (aiortc uses only the first TURN URL it is given).
PATHS = {"direct": "any", "cone": "any", "symmetric": "udp", "no_udp": "tcp"}


def measure_joins(lab: Lab, host_id: str, path: str, joins: int, bound: float) -> dict[str, Any]:
    """``joins`` joins from ``path`` by one participant process: join times and the share that connect."""
    amara = lab.participant(path, AMARA, turn_transport=PATHS[path])
    times: list[float] = []
    kinds: dict[str, int] = {}
    try:
        for _ in range(joins):
            amara.ask("join")
            seen = amara.request("wait_video", bound=bound + 10, source=host_id, within=bound)
            if seen["ok"] and seen["join_to_frame"] is not None:
                times.append(float(seen["join_to_frame"]))
                kind = seen["path"]["local_type"] if seen["path"] else "unknown"
                kinds[kind] = kinds.get(kind, 0) + 1
            amara.ask("leave")
    finally:
        amara.stop()
    return {
        "path": path,
        "joins": joins,
        "connected": len(times),
        "share_connected": len(times) / joins,
        "local_candidates": kinds,
        "join_p50_s": statistics.median(times) if times else None,
        "join_p95_s": percentile(times, 0.95) if times else None,
        "join_max_s": max(times) if times else None,
    }


def measure_recovery(lab: Lab, host_id: str, drop_seconds: float, bound: float) -> dict[str, Any]:
    """Amara behind the cone NAT loses her link for ``drop_seconds``: link up to the next video frame."""
    amara = lab.participant("cone", AMARA, reconnect=True)
    cut = False
    try:
        amara.ask("join")
        amara.ask("wait_video", source=host_id)
        lab.cut_off("cone", cut=True)
        cut = True
        time.sleep(drop_seconds)
        amara.ask("mark", source=host_id)
        back = time.time()
        lab.cut_off("cone", cut=False)
        cut = False
        seen = amara.ask("first_frame_after_mark", bound=bound + 10, source=host_id, within=bound)
        amara.ask("leave")
    finally:
        if cut:
            lab.cut_off("cone", cut=False)
        amara.stop()
    return {
        "drop_s": drop_seconds,
        "recovery_s": float(seen["at"]) - back,
        "reconnects": seen["reconnects"],
        "path_after": seen["path"],
    }


def main() -> None:
    """Build the lab, measure every path and the recovery, print the figures."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--joins", type=int, default=20, help="joins per path")
    parser.add_argument(
        "--bound", type=float, default=20.0, help="seconds a join may take before it counts as failed"
    )
    parser.add_argument("--drop-seconds", type=float, default=5.0)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON too")
    args = parser.parse_args()
    problem = lab_problem()
    if problem is not None:
        sys.exit(problem)
    with tempfile.TemporaryDirectory(prefix="rounds-netlab-") as workdir, network_lab(Path(workdir)) as lab:
        host = lab.participant("pub", PRECEPTOR)
        host_id = str(host.ask("join")["participant_id"])
        rows = [measure_joins(lab, host_id, path, args.joins, args.bound) for path in PATHS]
        recovery = measure_recovery(lab, host_id, args.drop_seconds, 60.0)
        host.ask("leave")
    baseline = rows[0]["join_p50_s"]
    print(
        f"{'path':<10} {'connected':>10} {'p50 join':>9} {'p95 join':>9} {'max':>7} {'x direct':>9}"
        "  candidates"
    )
    for row in rows:
        p50 = row["join_p50_s"]
        ratio = f"{p50 / baseline:.2f}" if p50 and baseline else "-"
        print(
            f"{row['path']:<10} {row['connected']:>4}/{row['joins']:<5} {fmt(p50):>9} "
            f"{fmt(row['join_p95_s']):>9} {fmt(row['join_max_s']):>7} {ratio:>9}  {row['local_candidates']}"
        )
    print(
        f"recovery after a {recovery['drop_s']:.0f} s drop behind the cone NAT: "
        f"{recovery['recovery_s']:.2f} s from link up to the next decoded frame "
        f"({recovery['reconnects']} reconnects)"
    )
    if args.json:
        print(json.dumps({"paths": rows, "recovery": recovery}, indent=2))


def fmt(seconds: float | None) -> str:
    return "-" if seconds is None else f"{seconds:.3f}"


if __name__ == "__main__":
    main()
