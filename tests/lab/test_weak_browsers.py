"""A learner in a browser whose home link turns weak in a patient visit keeps hearing the visit (issue
14): Chromium and Firefox, each as it comes, no test hook in the page.

The visit is tests/lab/test_weak_link.py's: the host's aiortc participant beside the server, the patient's
on the lab's internet by their one-time link, consent recorded; Amara joins from a browser in the lab's
cone-NAT home (as an observer: camera off, microphone muted), and that home's link is put on the
``weak`` profile (300 kbit/s each way, 300 ms round trip, 3 % loss). Once the server sends her low or
paused video of both, the page's own ``getStats()`` is sampled over a window (the e2e probe's measuring
window, tests/e2e/session_probe.js): both sources' audio keeps arriving, is played out (samples rendered
against the window) with little of it concealed, and carries their tones (energy grows); the page says
why the video is down. After the link is lifted the video comes back to full and the notice clears.
"""

from __future__ import annotations

import pytest

from server.demo import DEMO_PASSWORD
from tests.lab.browsers import BROWSERS, browser_in, hearing, join_huddle, measure, poll
from tests.lab.visits import patient_visit_now
from tests.support.cluster import AMARA, PRECEPTOR
from tests.support.netlab import BASE_URL, Lab, Participant
from tests.support.processes import Credentials

pytestmark = [pytest.mark.lab, pytest.mark.slow]

LEARNER_HOME = "cone"
#: Seconds of weak link measured (by the page's clock) once the learner's video is down.
WINDOW = 8.0
#: Bound on a join, a first frame or a page state (seconds on an idle machine; this one is shared).
WAIT_SECONDS = 45.0


def levels_of(sources: list[str]) -> str:
    """A page expression: the level the server says it sends of each of ``sources`` (full when unnamed)."""
    return f"{sources!r}.map((s) => window.roundsProbe.videoLevels[s] || 'full')"


@pytest.mark.parametrize("kind", BROWSERS)
def test_a_browser_learner_on_a_weak_link_keeps_hearing_the_visit(
    kind: str, lab: Lab, api: tuple[str, Credentials]
) -> None:
    visit_id, link = patient_visit_now(*api)
    people: list[Participant] = []
    try:
        host = lab.participant("pub", PRECEPTOR, visit_id=visit_id, tone=True)
        people.append(host)
        host_id = host.ask("join")["participant_id"]
        patient = lab.participant("direct", None, patient_link=link, tone=True)
        people.append(patient)
        patient_id = patient.ask("join")["participant_id"]
        sources = [host_id, patient_id]
        with browser_in(kind, lab, LEARNER_HOME) as amara:
            amara.log_in(BASE_URL, AMARA, DEMO_PASSWORD)
            join_huddle(amara, visit_id)  # any visit's live page; the host admits whoever waits
            poll(amara, "window.roundsProbe.presence === 'admitted'", "Amara is admitted", WAIT_SECONDS)
            host.ask("consent", scope="observe", method="verbal")
            decoding = f"window.roundsProbe.framesDecoded().then((f) => {sources!r}.every((s) => f[s] > 0))"
            poll(amara, decoding, "Amara's page decodes the host's and the patient's video", WAIT_SECONDS)

            lab.impair(LEARNER_HOME, "weak")
            down = f"{levels_of(sources)}.every((l) => l === 'low' || l === 'paused')"
            poll(amara, down, "the server sends Amara low or paused video of both", 60)
            notice = poll(amara, "window.roundsProbe.adaptedNotice", "the page's notice", WAIT_SECONDS)
            assert notice.startswith("Your connection is weak"), notice
            # The window starts with both videos down; the server may try a level up during it (it
            # probes now and then), which is part of what a learner on this link hears through.
            window = measure(amara, WINDOW, bound=WINDOW * 4)

            for source in sources:
                audio = window["sources"][source]["audio"]
                heard = hearing(audio, window["seconds"])
                print(kind, source, heard, audio)  # the figures, for a failing run's log
                # Opus sends 50 packets a second; the line loses 3 % and the server resends some.
                assert heard["packets_per_s"] >= 35, heard
                # Played out through the window, not stalled: samples rendered (concealment included)
                # against the window. Chromium's fake output renders 100 % of real time; Firefox's mock
                # audio output (no sound card here) runs slow by itself, for every source alike and
                # impaired or not: 91-93 % on a quiet machine, 75 % in a full two-worker run.
                assert heard["played"] >= (0.8 if kind == "chromium" else 0.5), heard
                # Mostly the sound itself: generous against a 3 % loss line on a loaded machine.
                assert heard["concealed"] <= 0.25, heard
                # No stretch of made-up sound: the longest run of 100 ms samples that each concealed
                # half their span or more (measured: 0-10 ms; the issue aims at no gap over 200 ms,
                # this bound leaves a loaded machine's hiccups out).
                assert heard["longest_run_ms"] <= 1000, heard
                # The synthetic sources are tones: what played carried sound, not silence.
                assert heard["energy_per_s"] > 0, heard

            lab.lift(LEARNER_HOME)
            up = f"{levels_of(sources)}.every((l) => l === 'full')"
            poll(amara, up, "the server sends Amara full video of both again", 90)
            poll(amara, "window.roundsProbe.adaptedNotice === ''", "the notice clears", WAIT_SECONDS)
            ever = amara.evaluate("window.roundsProbe.videoLevelsEver")
            assert all({"low", "paused"} & set(ever[source]) for source in sources), ever
            # Full video plays again: new frames decoded from both after the lift.
            before = amara.evaluate("window.roundsProbe.framesDecoded()")
            growing = (
                f"window.roundsProbe.framesDecoded().then((f) => "
                f"{sources!r}.every((s) => f[s] > {before!r}[s] + 30))"
            )
            poll(amara, growing, "full video from both decodes again", WAIT_SECONDS)
    finally:
        lab.lift(LEARNER_HOME)
        for person in people:
            person.stop()
