"""A learner whose downlink turns weak, for real, in a patient visit: their video goes low or paused
while the sound goes on, they are told why, and it comes back when the link does; the patient and the
host see nothing of it. aiortc participants on loopback, the signaling over in-memory channels, and a
policer on what the learner's peer connection receives (tests/sessions/policer.py)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from sessions import signaling as sig
from sessions.adaptation import AdaptationSettings
from sessions.client import ParticipantClient
from sessions.rendition import LowRendition
from sessions.sources import SyntheticVideo
from tests.sessions.live_support import LiveHarness
from tests.sessions.policer import DownlinkPolicer

pytestmark = pytest.mark.sessions

HOST, PATIENT, LEARNER = "user-1", "patient-9", "user-2"
#: The default hysteresis, with shorter waits before going up: the same rules, a shorter test.
QUICK = AdaptationSettings(down_after=1.0, up_after=2.0, probe_after=3.0, probe_window=3.0)
#: Room for the sound of two participants and two low renditions, not for a full video (about
#: 500 kbps each: aiortc's VP8 at 640x480).
WEAK_BPS = 400_000
BOUND = 60.0  # for waits that take seconds on an idle machine


@pytest.fixture
async def harness(no_leaks: None) -> AsyncIterator[LiveHarness]:
    h = LiveHarness(adaptation=QUICK)
    yield h
    await h.close()


def camera() -> SyntheticVideo:
    return SyntheticVideo(640, 480)


def renditions(harness: LiveHarness) -> list[LowRendition]:
    downlinks = harness.live.router.downlinks
    assert downlinks is not None
    keys = harness.live.router.publications
    return [r for key in keys if (r := downlinks.rendition(key)) is not None]


def below_full(client: ParticipantClient, *publishers: str) -> bool:
    return all(client.video_level(p) in ("low", "paused") for p in publishers)


async def test_a_learner_on_a_weak_link_keeps_the_sound_gets_less_video_and_gets_it_back(
    harness: LiveHarness,
) -> None:
    host = await harness.joined("host", video=camera)
    patient = await harness.joined("patient", video=camera)
    learner = await harness.joined("visitor")  # an observer: receives, publishes nothing
    for pid in (PATIENT, LEARNER):
        await host.send(sig.Admit(type="admit", participant_id=pid))
    await host.send(sig.RecordConsent(type="consent", scope="observe", method="verbal"))
    await learner.wait_until(
        lambda: all(learner.frames_from(p, k) > 10 for p in (HOST, PATIENT) for k in ("audio", "video"))
    )
    assert learner.pc is not None
    policer = DownlinkPolicer(learner.pc)

    policer.limit(WEAK_BPS)
    # The host's video comes first in the learner's budget: it is the first to get a low rendition.
    await learner.wait_until(lambda: learner.video_level(HOST) == "low", bound=BOUND)
    assert policer.dropped > 0  # the link really was too small
    assert any(r.active for r in renditions(harness))
    video_host = learner.frames_from(HOST, "video")
    await learner.wait_until(lambda: learner.frames_from(HOST, "video") >= video_host + 10, bound=BOUND)
    await learner.wait_until(lambda: below_full(learner, HOST, PATIENT), bound=BOUND)
    reasons = {level.reason for message in learner.levels_received for level in message.video}
    assert reasons - {None} == {"weak_connection"}
    # The sound goes on: counted in frames decoded after the video came down.
    audio = {p: learner.frames_from(p, "audio") for p in (HOST, PATIENT)}
    await learner.wait_until(
        lambda: all(learner.frames_from(p, "audio") >= audio[p] + 50 for p in (HOST, PATIENT)), bound=BOUND
    )

    policer.lift()
    await learner.wait_until(
        lambda: learner.video_level(HOST) == "full" and learner.video_level(PATIENT) == "full", bound=BOUND
    )
    assert learner.levels_received[-1].video == [] or all(
        level.level == "full" for level in learner.levels_received[-1].video
    )
    # Nobody needs a low rendition now: none runs, nothing is decoded.
    await learner.wait_until(lambda: not any(r.active for r in renditions(harness)), bound=BOUND)
    assert not any(p.decode for p in harness.live.router.publications.values())

    # The clinical pair saw none of it: never told of a lower level, and their pictures went on.
    for client in (host, patient):
        assert all(level.level == "full" for message in client.levels_received for level in message.video)
    at = (host.frames_from(PATIENT, "video"), patient.frames_from(HOST, "video"))
    await host.wait_until(
        lambda: (
            host.frames_from(PATIENT, "video") > at[0] + 10
            and patient.frames_from(HOST, "video") > at[1] + 10
        )
    )
