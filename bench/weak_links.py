"""Weak links: what each person in a four-person patient visit receives when one learner's home link is
poor, side by side with the same visit where nobody's is.

Run as root: .venv/bin/python bench/weak_links.py [--profile weak ... | --all-profiles] [--seconds 25]
             [--browser chromium|firefox]

Builds the network lab of ``tests/support/netlab.py`` (namespaces, NAT gateways, coturn, a real
``rounds serve``) and seeds, through the services, an observership taught by the demo's preceptor with
two enrolled learners, and one patient visit per run with its patient link. In each run, Python
participants (:mod:`tests.lab.participant`, aiortc) join the visit:

``host``       Dr. Reyes beside the server, hosting, publishing 320x240 VP8 and Opus, recording consent
``patient``    on the lab's internet, by the one-time link, publishing the same
``learner A``  behind the cone NAT, an observer (publishes nothing): the one whose link is impaired
``learner B``  on the lab's internet, an observer

The first run impairs nobody; each later one puts learner A's home on a profile of
``tests/support/impair.py`` (``--profile``, default ``weak``, given once per profile;
``--all-profiles``: each of them). After
everyone sees everyone allowed (consent for observing recorded) and a short settling time, every
participant records for ``--seconds`` what it decodes. Per receiver and source: video frames
delivered (and their share of the frames the source sent), freezes (no new frame for over 500 ms) and
their total and longest, audio continuity (the share of the 20 ms audio packets that arrived, runs of
missing audio over 200 ms and the longest; and the share of 20 ms frames aiortc decoded), and the
bitrate the receiver got in all. The clinical pair (patient <-> host) comes first: those figures
must not move when a learner's link is poor. One loaded machine: compare the runs with each other.

``--browser chromium|firefox``: learner A is that browser instead (bench/browser_learner.py: the live
page, measured from its own ``getStats()``), and the host's and the patient's audio is a tone at a
browser's speech bitrate (32 kbit/s Opus) instead of aiortc's silence, so that the browser's audio
energy shows sound and the link carries what a voice costs.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
import time
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.browser_learner import BrowserLearner, print_browser_rows  # noqa: E402
from server.demo import DEMO_PASSWORD  # noqa: E402
from tests.lab.browsers import BROWSERS, browser_in  # noqa: E402
from tests.support.cluster import PRECEPTOR  # noqa: E402
from tests.support.impair import PROFILES  # noqa: E402
from tests.support.netlab import Lab, Participant, lab_problem, network_lab  # noqa: E402

COORDINATOR = "coordinator@rounds.test"
LEARNERS = ("learner.a@weak-links.test", "learner.b@weak-links.test")
#: Where each person joins from; learner A's home is the one impaired.
PATHS = {"host": "pub", "patient": "direct", "learner A": "cone", "learner B": "direct"}
IMPAIRED = "learner A"
#: Seconds to let the room settle after everyone's first frames, before measuring.
SETTLE = 3.0
#: Bound on a first frame (a poor link may take long, or never bring one).
FIRST_FRAME = 30.0
#: Joins a participant tries before the run fails.
JOIN_ATTEMPTS = 3


@dataclass(frozen=True)
class Visit:
    """One patient visit to run: its id and the path of its patient link."""

    visit_id: int
    link: str


async def seed(database_url: str, visits: int) -> list[Visit]:
    """An observership of the demo's coordinator taught by Dr. Reyes, with the two learners enrolled
    in its block, and ``visits`` patient visits starting now that invite both, each with a link."""
    from bench.seeding import create_program_with_block, enroll_visitor, next_monday
    from server.db.engine import make_engine, make_sessionmaker
    from server.db.uow import UnitOfWorkFactory
    from server.schemas.visits import VisitIn
    from server.services import accounts
    from server.services import visits as visit_service

    engine = make_engine(database_url)
    uows = UnitOfWorkFactory(make_sessionmaker(engine))
    try:
        async with uows() as uow:
            people = {email: await uow.users.by_email(email) for email in (COORDINATOR, PRECEPTOR)}
        coordinator, preceptor = (accounts.actor_of(u) for u in people.values() if u is not None)
        now = uows.clock()
        block = await create_program_with_block(
            uows, coordinator, preceptor, "Weak links observership", 4, next_monday(now.date())
        )
        learners = [
            await enroll_visitor(
                uows,
                coordinator,
                block.program_id,
                block.block_id,
                email,
                f"Learner {email[8]}",
                DEMO_PASSWORD,
            )
            for email in LEARNERS
        ]
        made = []
        for n in range(visits):
            body = {
                "block_id": block.block_id,
                "kind": "patient_visit",
                "title": f"Telehealth follow-up (weak links, run {n + 1})",
                "starts_at": (now + timedelta(minutes=2)).replace(microsecond=0),
                "duration_minutes": 60,
                "visitor_ids": [learner.user_id for learner in learners],
            }
            visit = await visit_service.schedule_visit(uows(), preceptor, VisitIn.model_validate(body))
            token, _ = await visit_service.create_patient_link(uows(), preceptor, visit.id, 2)
            made.append(Visit(visit.id, f"/join/{token}"))
        return made
    finally:
        await engine.dispose()


def run_visit(
    lab: Lab, visit: Visit, profile: str | None, seconds: float, browser: str | None = None
) -> dict[str, Any]:
    """Everyone joins ``visit`` (learner A's home on ``profile``, or free), then measures for
    ``seconds``: per person, the report of :meth:`tests.lab.participant.Driver.measure_stop`, with
    its sources named; with ``browser``, learner A is that browser and its page's window is
    ``browser`` in the result (see bench/browser_learner.py)."""
    # Through the router in every run, shaping nothing in the free one: only the shaping differs.
    lab.impair(PATHS[IMPAIRED], profile or "good")
    people: dict[str, Participant] = {}
    ids: dict[str, str] = {}
    joins: dict[str, int] = {}
    window: dict[str, Any] | None = None
    tone = browser is not None
    with ExitStack() as stack:

        def stop_everyone() -> None:
            for person in people.values():
                person.stop()

        stack.callback(stop_everyone)
        page = None
        if browser is not None:
            opened = stack.enter_context(browser_in(browser, lab, PATHS[IMPAIRED]))
            page = BrowserLearner(opened, LEARNERS[0])
        # Everyone reconnects on their own, as the web page does: on a poor link the server may
        # give up on a participant's socket (a missed heartbeat) and the page comes back.
        people["host"] = lab.participant(
            PATHS["host"], PRECEPTOR, visit_id=visit.visit_id, reconnect=True, tone=tone
        )
        people["patient"] = lab.participant(
            PATHS["patient"], None, patient_link=visit.link, reconnect=True, tone=tone
        )
        for name, email in zip(("learner A", "learner B"), LEARNERS, strict=True):
            if name == IMPAIRED and page is not None:
                continue
            people[name] = lab.participant(
                PATHS[name], email, visit_id=visit.visit_id, receive_only=True, reconnect=True
            )
        for name, person in people.items():
            ids[name], joins[name] = join(person)
        if page is not None:
            ids[IMPAIRED], joins[IMPAIRED] = page.join(visit.visit_id), 1
        people["host"].ask("consent", scope="observe", method="verbal")
        first_frames: dict[str, float | None] = {}
        for receiver, person in people.items():
            for source in ("host", "patient"):
                if source == receiver:
                    continue
                seen = person.request(
                    "wait_video", bound=FIRST_FRAME + 10, source=ids[source], within=FIRST_FRAME
                )
                first_frames[f"{receiver} <- {source}"] = seen.get("join_to_frame") if seen["ok"] else None
        if page is not None:
            for source in ("host", "patient"):
                page.wait_video(ids[source])
        time.sleep(SETTLE)
        link_before = lab.impairment_stats(PATHS[IMPAIRED])
        for person in people.values():
            person.ask("measure_start")
        started = time.monotonic()
        if page is not None:
            window = page.measure(seconds)  # the page's own clock; the others measure meanwhile
        else:
            time.sleep(seconds)
        reports = {name: person.ask("measure_stop") for name, person in people.items()}
        link = link_figures(link_before, lab.impairment_stats(PATHS[IMPAIRED]), time.monotonic() - started)
    names = {pid: name for name, pid in ids.items()}
    for report in reports.values():
        report["sources"] = {names.get(pid, pid): figures for pid, figures in report["sources"].items()}
    if window is not None:
        window["sources"] = {names.get(pid, pid): streams for pid, streams in window["sources"].items()}
        window["levels_ever"] = {names.get(pid, pid): seen for pid, seen in window["levels_ever"].items()}
    return {
        "profile": profile or "nobody impaired",
        "reports": reports,
        "browser": window,
        "first_frames": first_frames,
        "join_attempts": joins,
        "link": link,
    }


def join(person: Participant) -> tuple[str, int]:
    """Join, trying again (as the page does) when a poor link makes a join fail: the participant id
    and the attempts it took."""
    for attempt in range(1, JOIN_ATTEMPTS + 1):
        answer = person.request("join")
        if answer["ok"]:
            return str(answer["participant_id"]), attempt
    raise RuntimeError(f"{person.name} could not join in {JOIN_ATTEMPTS} attempts: {answer['error']}")


def link_figures(before: dict[str, Any], after: dict[str, Any], seconds: float) -> dict[str, Any]:
    """What crossed learner A's link during the window, per direction: what was offered to it (packets
    per second, kbit/s), what it delivered, and the shares its queue dropped and its line lost."""
    figures = {}
    for direction in ("down", "up"):
        was, now = before[direction], after[direction]
        packets = now["packets"] - was["packets"]
        figures[direction] = {
            "packets_per_s": packets / seconds,
            "offered_kbps": (now["offered_bytes"] - was["offered_bytes"]) * 8 / 1000 / seconds,
            "delivered_kbps": (now["delivered_bytes"] - was["delivered_bytes"]) * 8 / 1000 / seconds,
            "queue_dropped": (now["queue_drops"] - was["queue_drops"]) / packets if packets else 0.0,
            "line_lost": (now["line_losses"] - was["line_losses"]) / packets if packets else 0.0,
        }
    return figures


#: The pairs reported, the clinical pair first.
PAIRS = [
    ("patient", "host"),
    ("host", "patient"),
    ("learner A", "host"),
    ("learner A", "patient"),
    ("learner B", "host"),
    ("learner B", "patient"),
]


def pair_figures(run: dict[str, Any], receiver: str, source: str) -> dict[str, Any] | None:
    """What ``receiver`` got from ``source`` in ``run``, with the share of the frames the source sent."""
    report = run["reports"][receiver]
    figures = report["sources"].get(source)
    if figures is None:
        return None
    sent = run["reports"][source]["video_frames_sent"]
    return {
        **figures,
        "video_share": figures["video_frames"] / sent if sent else None,
        "receiver_kbps": report["kbps_received"],
        "first_frame_s": run["first_frames"].get(f"{receiver} <- {source}"),
    }


def print_runs(runs: list[dict[str, Any]]) -> None:
    """One block per pair, one line per run, the clinical pair first."""
    print(
        f"{'receiver <- source':<22} {'run':<16} {'frames':>6} {'of sent':>7} {'fps':>5} {'freezes':>7} "
        f"{'frozen s':>8} {'longest':>7} {'audio':>6} {'gaps':>4} {'longest':>7} {'decoded':>7} "
        f"{'kbps in':>7}"
    )
    for receiver, source in PAIRS:
        if receiver not in runs[0]["reports"]:
            continue  # a browser: its own rows follow
        label = f"{receiver} <- {source}"
        if receiver == IMPAIRED:
            label += " *"
        for run in runs:
            figures = pair_figures(run, receiver, source)
            if figures is None:
                print(f"{label:<22} {run['profile']:<16} nothing received")
            else:
                share = figures["video_share"]
                print(
                    f"{label:<22} {run['profile']:<16} {figures['video_frames']:>6} "
                    f"{'-' if share is None else f'{share:.1%}':>7} {figures['fps']:>5.1f} "
                    f"{figures['freezes']:>7} {figures['freeze_seconds']:>8.2f} "
                    f"{figures['longest_video_gap']:>7.2f} {figures['audio_packet_share']:>6.1%} "
                    f"{figures['audio_gaps']:>4} {figures['longest_audio_gap']:>7.2f} "
                    f"{figures['audio_decoded_share']:>7.1%} {figures['receiver_kbps']:>7.0f}"
                )
            label = ""
        if (receiver, source) == ("host", "patient"):
            print("-" * 118)
    print("joins that needed another attempt, reconnects in the window:")
    for run in runs:
        retried = {name: n for name, n in run["join_attempts"].items() if n > 1}
        reconnects = {name: r["reconnects"] for name, r in run["reports"].items() if r["reconnects"]}
        if run["browser"] is not None and run["browser"]["reconnects"]:
            reconnects[IMPAIRED] = run["browser"]["reconnects"]
        print(f"  {run['profile']:<16} joins retried {retried or 'none'}, reconnects {reconnects or 'none'}")
    print(f"{IMPAIRED}'s link in the window, down (to {IMPAIRED}) | up:")
    for run in runs:
        parts = []
        for direction in ("down", "up"):
            d = run["link"][direction]
            parts.append(
                f"{d['packets_per_s']:5.0f} packets/s, {d['offered_kbps']:5.0f} kbit/s offered, "
                f"{d['delivered_kbps']:4.0f} delivered, {d['queue_dropped']:4.0%} queue drops, "
                f"{d['line_lost']:4.1%} lost"
            )
        print(f"  {run['profile']:<16} {' | '.join(parts)}")
    print(
        f"* {IMPAIRED} joins from the impaired home. frames: video frames decoded in the window; of sent: "
        "their share of what the source sent; freezes: gaps over 500 ms (frozen s: their total, longest: "
        "the longest gap); audio: share of the window's 20 ms audio packets that arrived (what a browser "
        "plays: it conceals a single lost packet); gaps: runs of missing audio over 200 ms (longest: the "
        "longest run, s); decoded: share of 20 ms frames aiortc's jitter buffer decoded (it drops about "
        "five around each lost packet); kbps in: all the receiver got."
    )


def main() -> None:
    """Build the lab, seed, run the visit free and impaired, print the figures."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    impairments = [name for name in PROFILES if name != "good"]
    parser.add_argument(
        "--profile", choices=impairments, action="append", help="learner A's link (again: one run each)"
    )
    parser.add_argument("--all-profiles", action="store_true", help="a run on each profile")
    parser.add_argument("--seconds", type=float, default=25.0, help="length of each measuring window")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON too")
    parser.add_argument("--browser", choices=BROWSERS, help="learner A is this browser (tones for audio)")
    args = parser.parse_args()
    problem = lab_problem()
    if problem is not None:
        sys.exit(problem)
    chosen = impairments if args.all_profiles else (args.profile or ["weak"])
    profiles: list[str | None] = [None, *chosen]
    started = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    with tempfile.TemporaryDirectory(prefix="rounds-weak-") as workdir, network_lab(Path(workdir)) as lab:
        database = f"sqlite+aiosqlite:///{lab.workdir / 'var' / 'rounds.db'}"
        visits = asyncio.run(seed(database, len(profiles)))
        runs = [
            run_visit(lab, visit, profile, args.seconds, args.browser)
            for visit, profile in zip(visits, profiles, strict=True)
        ]
    impaired_on = ", ".join(str(p) for p in profiles[1:])
    learner = f" in {args.browser}, host and patient sending tones" if args.browser else ""
    print(f"weak links, {started}: {args.seconds:.0f} s windows; learner A{learner} on {impaired_on}")
    print_runs(runs)
    if args.browser:
        print_browser_rows(runs, args.browser, ("host", "patient"))
    if args.json:
        print(json.dumps(runs, indent=2))


if __name__ == "__main__":
    main()
