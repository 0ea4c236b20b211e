"""The downlink estimator, the budget's allocation and the controller's hysteresis: sessions/adaptation.py.

Pure and deterministic: time is a number the test moves.
"""

from __future__ import annotations

import random

import pytest

from sessions.adaptation import (
    AdaptationSettings,
    Assignment,
    DownlinkController,
    DownlinkEstimator,
    EstimatorSettings,
    Level,
    Priority,
    Reason,
    VideoSource,
    allocate,
    allocate_with_reasons,
    publisher_cap,
    video_priority,
    wire_bytes,
)
from sessions.room import Role, RoomKind

AUDIO = 50_000.0  # one Opus stream with its packet overhead, about
FULL = 600_000.0
LOW = 150_000.0


def send(estimator: DownlinkEstimator, bps: float, start: float, end: float, stream: int = 1) -> None:
    """``bps`` on ``stream`` from ``start`` to ``end``, in 20 ms packets."""
    t = start
    while t < end:
        estimator.on_sent(stream, int(bps / 8 * 0.02), t)
        t += 0.02


def source(
    key: str, priority: Priority = Priority.NORMAL, *, low: float | None = LOW, order: int = 0
) -> VideoSource:
    return VideoSource(key=key, priority=priority, full_bps=FULL, low_bps=low, order=order)


# --------------------------------------------------------------------------- priorities


def test_the_clinical_pair_comes_first_and_the_host_view_of_learners_last() -> None:
    visit = RoomKind.PATIENT_VISIT
    assert video_priority(visit, Role.PATIENT, Role.HOST) is Priority.CLINICAL
    assert video_priority(visit, Role.HOST, Role.PATIENT) is Priority.CLINICAL
    assert video_priority(visit, Role.HOST, Role.VISITOR) is Priority.NORMAL
    assert video_priority(visit, Role.PATIENT, Role.VISITOR) is Priority.NORMAL
    assert video_priority(visit, Role.VISITOR, Role.HOST) is Priority.HOST_VIEW_OF_LEARNERS
    # Only a patient visit has a clinical pair; the host's view of learners is last everywhere.
    assert video_priority(RoomKind.HUDDLE, Role.HOST, Role.VISITOR) is Priority.NORMAL
    assert video_priority(RoomKind.HUDDLE, Role.VISITOR, Role.HOST) is Priority.HOST_VIEW_OF_LEARNERS


def test_the_clinical_pair_is_steered_by_each_other_never_by_a_learner() -> None:
    visit = RoomKind.PATIENT_VISIT
    # The host's camera: the patient can take 900k of it, a learner only 100k (they get the low one).
    subscribers = [(Role.PATIENT, 900_000.0), (Role.VISITOR, 100_000.0)]
    assert publisher_cap(visit, Role.HOST, subscribers) == 900_000
    # A patient with no evidence of a limit yet: no cap at all, whatever the learner's link.
    assert publisher_cap(visit, Role.HOST, [(Role.PATIENT, None), (Role.VISITOR, 100_000.0)]) is None
    # Without the partner in the room, the best-placed subscriber decides; never under the floor.
    assert publisher_cap(visit, Role.HOST, [(Role.VISITOR, 100_000.0)]) == 150_000
    # A learner's camera: steered to what the best-placed of its subscribers can take.
    learner = [(Role.HOST, 200_000.0), (Role.VISITOR, 400_000.0)]
    assert publisher_cap(visit, Role.VISITOR, learner) == 400_000
    assert publisher_cap(visit, Role.VISITOR, []) is None
    assert publisher_cap(visit, Role.VISITOR, [(Role.HOST, 30_000_000.0)]) is None


def test_wire_bytes_count_the_packet_overhead() -> None:
    assert wire_bytes(100) == 160  # one packet
    assert wire_bytes(3000) == 3000 + 3 * 60  # three packets


# --------------------------------------------------------------------------- the estimate


def test_without_reports_the_estimate_is_no_limit() -> None:
    estimator = DownlinkEstimator()
    send(estimator, 2_000_000, 0, 1)
    assert estimator.update(1.0) == EstimatorSettings().initial_bps
    assert not estimator.has_evidence


def test_heavy_loss_lowers_the_estimate_to_the_sending_rate_times_one_minus_half_the_loss() -> None:
    estimator = DownlinkEstimator()
    send(estimator, 800_000, 0, 1)
    estimator.on_loss_report(1, 0.40, 1.0)
    budget = estimator.update(1.0)
    assert budget == pytest.approx(800_000 * 0.8, rel=0.03)
    assert estimator.has_evidence and estimator.clean_since is None


def test_moderate_loss_holds_the_estimate_and_light_loss_lets_it_grow_only_near_what_was_sent() -> None:
    estimator = DownlinkEstimator()
    send(estimator, 500_000, 0, 1)
    estimator.on_loss_report(1, 0.5, 1.0)
    held = estimator.update(1.0)  # 500k * 0.75
    send(estimator, 300_000, 1, 2)
    estimator.on_loss_report(1, 0.05, 2.0)
    assert estimator.update(2.0) == held  # between 2 % and 10 %: hold
    assert estimator.clean_since is None
    grown = held
    for second in range(3, 30):
        send(estimator, 300_000, second - 1, second)
        estimator.on_loss_report(1, 0.0, second)
        grown = estimator.update(float(second))
    # Clean once the smoothed loss has fallen under 2 %, a few reports later.
    assert estimator.clean_since is not None and 3.0 < estimator.clean_since <= 10.0
    # It grew, but never far past what the link has shown it carries: 1.5 x 300k + 50k.
    assert held < grown <= 1.5 * 300_000 * 1.03 + 50_000  # (+3 %: one packet more in the window)


def test_a_links_own_loss_is_not_taken_for_congestion() -> None:
    estimator = DownlinkEstimator()
    for second in range(1, 40):  # 3 % lost whatever is sent: a long, lossy path
        send(estimator, 300_000, second - 1, second)
        estimator.on_loss_report(1, 0.03, second)
        estimator.update(float(second))
    assert estimator.floor == pytest.approx(0.03)
    assert estimator.excess is not None and estimator.excess < 0.02
    assert estimator.clean_since is not None  # probing may go on
    # Congestion on top of it still counts in full.
    send(estimator, 800_000, 39, 40)
    estimator.on_loss_report(1, 0.33, 40)
    assert estimator.update(40.0) == pytest.approx(800_000 * (1 - 0.30 / 2), rel=0.05)


#: Loss a Chromium learner reported, second by second, in the network lab on the ``weak`` profile (300
#: kbit/s, 3 % line loss) while the server sent it about 450 kbit/s: its router dropped about 30 % of
#: what was offered, but a browser counts the packets its NACKs brought back as received, so its
#: receiver reports say 6-19 %, around 12 % (bench/weak_links.py --browser chromium; Firefox alike).
BROWSER_LOSS_ON_A_WEAK_LINK = [
    0.088, 0.098, 0.105, 0.061, 0.087, 0.095, 0.176, 0.119, 0.097, 0.084, 0.104, 0.090,
    0.116, 0.134, 0.161, 0.157, 0.156, 0.130, 0.111, 0.125, 0.084, 0.132, 0.102, 0.114,
]  # fmt: skip


def test_steady_loss_just_over_the_threshold_from_an_overload_is_not_taken_for_the_links_own() -> None:
    # Before the fix the median floor learnt this loss as the link's own within seconds (10 %, its
    # cap): the loss over it stayed at 2-6 %, the estimate held at its default and the learner got
    # full video on a link that carried two thirds of it.
    estimator = DownlinkEstimator()
    for second, loss in enumerate(BROWSER_LOSS_ON_A_WEAK_LINK, start=1):
        send(estimator, 450_000, second - 1, second)
        estimator.on_loss_report(1, loss, float(second))
        estimator.update(float(second))
    assert estimator.decreases, (estimator.floor, estimator.excess)
    assert estimator.estimate < 450_000


def test_loss_that_stays_while_the_rate_falls_less_than_half_is_still_congestion() -> None:
    # The lab's Chromium learner on ``weak`` again: a decrease at 526 kbit/s with 19 % loss, one
    # video went down to low, and at 337 kbit/s (still over the link's 300) it reported 14 %. Before
    # the fix that was taken for the link's own loss (the rate had fallen by a third), the estimate
    # grew again and the video went back to full, over and over.
    estimator = DownlinkEstimator()
    estimator.on_rtt(0.45)
    for second in range(1, 4):
        send(estimator, 526_000, second - 1, second)
        estimator.on_loss_report(1, 0.19, float(second))
        estimator.update(float(second))
    assert len(estimator.decreases) == 1
    first = estimator.estimate
    for second in range(4, 8):
        send(estimator, 337_000, second - 1, second)
        estimator.on_loss_report(1, 0.14, float(second))
        estimator.update(float(second))
    assert estimator.floor < 0.14 and len(estimator.decreases) == 2, (estimator.floor, estimator.decreases)
    assert estimator.estimate < first


def test_decreases_are_spaced_by_an_interval_and_the_round_trip() -> None:
    estimator = DownlinkEstimator()
    estimator.on_rtt(0.5)
    send(estimator, 1_000_000, 0, 1)
    estimator.on_loss_report(1, 0.3, 1.0)
    first = estimator.update(1.0)
    send(estimator, 900_000, 1, 3)
    estimator.on_loss_report(1, 0.3, 3.0)
    # The same overload, reported again within 2 s and a round trip: the levels had no time to follow.
    assert estimator.update(3.0) == first
    send(estimator, 900_000, 3, 4)
    estimator.on_loss_report(1, 0.3, 4.0)
    assert estimator.update(4.0) == pytest.approx(900_000 * 0.85, rel=0.03)


def test_loss_that_does_not_fall_when_the_rate_does_is_the_links_own() -> None:
    estimator = DownlinkEstimator()
    send(estimator, 1_000_000, 0, 1)
    estimator.on_loss_report(1, 0.3, 1.0)
    first = estimator.update(1.0)
    # Half the rate, and as much loss (bursts on a radio link): sending less does not help.
    send(estimator, 500_000, 1, 4)
    estimator.on_loss_report(1, 0.3, 4.0)
    assert estimator.update(4.0) == first
    assert estimator.floor == pytest.approx(0.3)


def test_loss_is_weighted_by_what_each_stream_carried() -> None:
    estimator = DownlinkEstimator()
    send(estimator, 600_000, 0, 1, stream=1)
    # A stream that carried nothing reports total loss: it says nothing about the link.
    estimator.on_loss_report(2, 1.0, 1.0)
    estimator.on_loss_report(1, 0.0, 1.0)
    assert estimator.update(1.0) == EstimatorSettings().initial_bps
    assert estimator.loss == 0.0


def test_a_remb_takes_a_decrease_further_but_never_under_what_the_link_delivered() -> None:
    estimator = DownlinkEstimator()
    send(estimator, 600_000, 0, 1, stream=1)
    send(estimator, 50_000, 0, 1, stream=2)  # audio: no REMB covers it
    estimator.on_remb(300_000, [1], 1.0)  # half of what it gets, but nothing is lost: no news
    estimator.on_loss_report(1, 0.0, 1.0)
    assert estimator.update(1.0) == EstimatorSettings().initial_bps
    estimator.on_loss_report(1, 0.05, 1.0)  # 5 %: hold, whatever the REMB says
    assert estimator.update(1.0) == EstimatorSettings().initial_bps
    send(estimator, 650_000, 1, 2, stream=1)
    estimator.on_remb(100_000, [1], 2.0)  # its queue grows, it says: far less
    estimator.on_loss_report(1, 0.30, 2.0)
    # GCC alone: 650k x 0.85; the REMB takes it lower, but not under the 70 % that got through.
    rate = 650_000
    assert estimator.update(2.0) == pytest.approx(rate * 0.70, rel=0.05)
    assert estimator.clean_since is None


def test_rembs_per_stream_add_up_and_a_remb_for_all_streams_replaces_them() -> None:
    estimator = DownlinkEstimator()
    send(estimator, 600_000, 0, 1, stream=1)
    send(estimator, 600_000, 0, 1, stream=2)
    # aiortc sends one REMB per receiving stream: together they say 800k, under the 1.2M sent.
    estimator.on_remb(400_000, [1], 1.0)
    estimator.on_remb(400_000, [2], 1.0)
    assert estimator.remb(1.0) == 800_000
    estimator.on_loss_report(1, 0.30, 1.0)
    # Under GCC's 1.2M x 0.85, at the REMBs' 800k, but not under the 70 % that got through.
    assert estimator.update(1.0) == pytest.approx(1_200_000 * 0.70, rel=0.05)
    estimator.on_remb(2_000_000, [1, 2], 1.1)  # a browser's: one for the whole connection
    assert estimator.remb(1.1) == 2_000_000
    assert estimator.remb(6.2) is None  # stale


def test_a_probe_raises_the_estimate_to_what_is_tried() -> None:
    estimator = DownlinkEstimator()
    send(estimator, 200_000, 0, 1)
    estimator.on_loss_report(1, 0.5, 1.0)
    estimator.update(1.0)
    estimator.probe(700_000, 2.0)
    assert estimator.update(2.0) == 700_000
    assert estimator.clean_since == 2.0


# --------------------------------------------------------------------------- the allocation


def test_audio_is_served_first_whatever_it_costs() -> None:
    # Not even audio fits: every video is paused, and the audio is still sent (it is not the
    # allocator's to drop).
    result = allocate(100_000, 3 * AUDIO, [source("user-1"), source("user-2")])
    assert {a.level for a in result.values()} == {Level.PAUSED}
    assert {a.reason for a in result.values()} == {Reason.WEAK_CONNECTION}


def test_everyone_visible_first_then_full_in_priority_order() -> None:
    sources = [source("user-1", order=0), source("user-2", order=1), source("user-3", order=2)]
    # Audio, three lows (450k) and one upgrade to full (+450k).
    result = allocate(AUDIO + 3 * LOW + (FULL - LOW) + 10_000, AUDIO, sources)
    assert [result[k].level for k in ("user-1", "user-2", "user-3")] == [Level.FULL, Level.LOW, Level.LOW]
    # Less: only the first two are visible.
    result = allocate(AUDIO + 2 * LOW + 10_000, AUDIO, sources)
    assert [result[k].level for k in ("user-1", "user-2", "user-3")] == [Level.LOW, Level.LOW, Level.PAUSED]


def test_the_host_keeps_the_patient_at_full_and_learners_yield() -> None:
    patient = source("patient-9", Priority.CLINICAL)
    learner = source("user-2", Priority.HOST_VIEW_OF_LEARNERS)
    result = allocate_with_reasons(AUDIO * 2 + FULL + 50_000, AUDIO * 2, [learner, patient])
    assert result["patient-9"].level is Level.FULL and result["patient-9"].reason is None
    assert result["patient-9"].headroom_bps == pytest.approx(FULL + 50_000)  # what the host could give
    assert result["user-2"].level is Level.PAUSED
    assert result["user-2"].reason is Reason.CLINICAL_PRIORITY
    # Without the clinical pair's claim it is only the link: weak_connection.
    weak = allocate_with_reasons(AUDIO + 100_000, AUDIO, [learner])
    assert weak["user-2"] == Assignment(Level.PAUSED, Reason.WEAK_CONNECTION, 100_000)


def test_a_source_without_a_low_rendition_is_full_or_paused() -> None:
    result = allocate(AUDIO + 300_000, AUDIO, [source("user-1", low=None)])
    assert result["user-1"].level is Level.PAUSED
    assert allocate(AUDIO + FULL, AUDIO, [source("user-1", low=None)])["user-1"].level is Level.FULL


# --------------------------------------------------------------------------- hysteresis


class Link:
    """A downlink of a given capacity, as a receiver reports it: what is sent beyond the capacity is
    lost, and with ``random_loss`` about that share of the rest too (a lossy path, the same whatever
    is sent; drawn from a seeded generator). Drives a controller in half-second ticks."""

    def __init__(
        self,
        controller: DownlinkController,
        sources: list[VideoSource],
        capacity: float,
        random_loss: float = 0.0,
    ) -> None:
        self.random_loss = random_loss
        self.random = random.Random(14)
        self.controller = controller
        self.sources = sources
        self.capacity = capacity
        self.now = 0.0
        self.levels: dict[str, Level] = {}
        self.history: list[dict[str, Level]] = []

    def sending(self) -> float:
        video = sum(s.cost(self.levels.get(s.key, Level.FULL)) for s in self.sources)
        return AUDIO + video

    def tick(self) -> dict[str, Assignment]:
        estimator = self.controller.estimator
        rate = self.sending()
        send(estimator, rate, self.now, self.now + 0.5)
        self.now += 0.5
        loss = max(0.0, 1 - self.capacity / rate)
        if self.random_loss:
            loss = 1 - (1 - loss) * (1 - self.random_loss * self.random.uniform(0, 2))
        estimator.on_loss_report(1, loss, self.now)
        result = self.controller.tick(self.now, AUDIO, self.sources)
        self.levels = {key: a.level for key, a in result.items()}
        self.history.append(dict(self.levels))
        return result

    def run(self, seconds: float) -> None:
        for _ in range(int(seconds / 0.5)):
            self.tick()


def test_a_level_goes_down_only_after_a_second_of_evidence() -> None:
    controller = DownlinkController()
    link = Link(controller, [source("user-1")], capacity=10_000_000)
    link.run(2)
    link.capacity = 250_000
    link.run(1.5)  # t=2.5: the first lossy report lowers the estimate; 3.0; 3.5: a second of evidence
    assert [levels["user-1"] for levels in link.history[-4:]] == [
        Level.FULL,
        Level.FULL,
        Level.FULL,
        Level.LOW,
    ]
    assert controller.downs == 1


def test_a_level_goes_down_all_the_way_at_once() -> None:
    controller = DownlinkController()
    link = Link(controller, [source("user-1")], capacity=10_000_000)
    link.run(2)
    # The link all but gone, and the subscriber's own estimate leaves room for its audio only.
    link.capacity = 30_000
    for _ in range(3):
        controller.estimator.on_remb(AUDIO + 20_000, [1], link.now)
        link.tick()
    assert [h["user-1"] for h in link.history[-3:]] == [Level.FULL, Level.FULL, Level.PAUSED]


def test_a_weak_link_settles_low_and_comes_back_to_full_one_level_at_a_time_when_it_improves() -> None:
    controller = DownlinkController()
    link = Link(controller, [source("user-1")], capacity=300_000)
    link.run(30)
    settled = [levels["user-1"] for levels in link.history[-40:]]
    # Low, but for the probes that try full now and then (each back down within about 2 s).
    assert Level.PAUSED not in settled
    assert settled.count(Level.LOW) >= 0.8 * len(settled), settled
    assert controller.failed_probes >= 1
    link.capacity = 10_000_000
    link.run(40)
    back = [levels["user-1"] for levels in link.history[-60:]]
    assert back[-1] is Level.FULL
    # No jump from paused to full: every step up was one level.
    for before, after in zip(link.history, link.history[1:], strict=False):
        assert after["user-1"] - before["user-1"] <= 1


def test_a_weak_lossy_link_settles_low_not_paused() -> None:
    # The "weak" profile: 300 kbit/s with 3 % lost whatever is sent.
    controller = DownlinkController()
    link = Link(controller, [source("user-1")], capacity=10_000_000)
    link.run(2)
    link.capacity, link.random_loss = 300_000, 0.03
    link.run(60)
    settled = [levels["user-1"] for levels in link.history[-60:]]
    assert settled.count(Level.LOW) >= 0.8 * len(settled), settled


def test_failed_probes_back_off_and_a_probe_that_holds_resets_the_backoff() -> None:
    settings = AdaptationSettings()
    controller = DownlinkController(settings=settings)
    link = Link(controller, [source("user-1")], capacity=300_000)
    link.run(120)
    assert controller.failed_probes >= 2
    assert controller.backoff >= 4
    # Probes got rarer: the gaps between them grew.
    assert controller.probes <= 1 + 120 / settings.probe_after / 2
    link.capacity = 10_000_000
    link.run(120)
    assert link.levels["user-1"] is Level.FULL
    assert controller.backoff == 1.0


def test_the_clinical_video_keeps_full_while_the_host_view_of_a_learner_yields_on_a_weak_link() -> None:
    controller = DownlinkController()
    patient = source("patient-9", Priority.CLINICAL)
    learner = source("user-2", Priority.HOST_VIEW_OF_LEARNERS)
    link = Link(controller, [learner, patient], capacity=10_000_000)
    link.run(2)
    link.capacity = AUDIO + FULL + LOW + 40_000
    link.run(60)
    # The patient's picture never moves, not even while the learner's is tried at full (a probe).
    assert all(levels["patient-9"] is Level.FULL for levels in link.history)
    learner_levels = [levels["user-2"] for levels in link.history[-80:]]
    assert learner_levels.count(Level.LOW) >= 0.8 * len(learner_levels)
    assert controller.ups >= 1  # full was tried for the learner, and the patient did not pay for it


def test_a_source_that_goes_away_is_forgotten_and_a_new_one_starts_where_the_budget_says() -> None:
    controller = DownlinkController()
    link = Link(controller, [source("user-1")], capacity=100_000)
    link.run(3)
    assert link.levels == {"user-1": Level.PAUSED}
    link.sources = [source("user-3")]
    result = link.tick()
    assert set(result) == {"user-3"}
    assert result["user-3"].level < Level.FULL  # not FULL first, then down a second later
