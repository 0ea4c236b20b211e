"""The lab's link model (tests/support/impair.py) on a made-up clock and a seeded generator: the rate it
lets through, the queue it keeps, the delay it adds without reordering, the loss it draws, and the
length of its loss bursts. No network; the router process around it is tested in tests/lab."""

from __future__ import annotations

import random
import statistics

import pytest

from tests.support.impair import (
    BURSTY_LOSS,
    PROFILES,
    THREE_G_ABROAD,
    WEAK,
    GilbertElliott,
    Link,
    Profile,
    Shaping,
    profile_named,
)


def offer(link: Link, size: int, pps: float, seconds: float) -> list[tuple[float, float | None]]:
    """Packets of ``size`` bytes at ``pps`` for ``seconds``: (arrival, delivery or None) of each."""
    return [(n / pps, link.admit(size, n / pps)) for n in range(int(pps * seconds))]


def test_a_clear_link_passes_every_packet_at_once() -> None:
    link = Link(Shaping(), random.Random(1))
    assert Shaping().is_clear
    for arrival, delivery in offer(link, 1200, 1000, 1.0):
        assert delivery == arrival
    assert link.counts.queue_drops == link.counts.line_losses == 0


def test_the_rate_limit_lets_through_its_rate_and_tail_drops_the_rest() -> None:
    shaping = Shaping(rate_kbps=300, queue_ms=150)
    link = Link(shaping, random.Random(1))
    # Three times the rate for ten seconds.
    sent = offer(link, 1000, 3 * 300_000 / 8 / 1000, 10.0)
    delivered = [d for _, d in sent if d is not None]
    kbps = len(delivered) * 1000 * 8 / 1000 / (delivered[-1] - delivered[0])
    assert 290 < kbps < 310
    assert link.counts.queue_drops > 0.6 * len(sent)
    # Nothing waits longer than the queue holds (plus the packet in the bucket).
    waits = [d - a for a, d in sent if d is not None]
    assert max(waits) <= 0.150 + 1000 * 8 / 300_000 + 1e-9


def test_below_the_rate_nothing_is_dropped_or_held() -> None:
    link = Link(Shaping(rate_kbps=1000), random.Random(1))
    sent = offer(link, 500, 100, 5.0)  # 400 kbit/s
    assert all(d == a for a, d in sent)


def test_the_queue_holds_at_least_two_full_packets() -> None:
    assert Shaping(rate_kbps=10, queue_ms=100).queue_bytes == 3000
    assert Shaping(rate_kbps=8000, queue_ms=100).queue_bytes == 100_000
    assert Shaping().queue_bytes is None


def test_delay_and_jitter_stay_within_bounds_and_never_reorder() -> None:
    link = Link(Shaping(delay_ms=100, jitter_ms=30), random.Random(7))
    sent = offer(link, 200, 200, 10.0)
    delays = [d - a for a, d in sent if d is not None]
    deliveries = [d for _, d in sent if d is not None]
    assert deliveries == sorted(deliveries)
    assert min(delays) >= 0.070 - 1e-9 and max(delays) <= 0.130 + 0.005
    assert 0.095 < statistics.mean(delays) < 0.110
    assert max(delays) - min(delays) > 0.040  # there is jitter


def test_with_reorder_the_jitter_is_per_packet_and_packets_may_overtake() -> None:
    link = Link(Shaping(delay_ms=100, jitter_ms=30, reorder=True), random.Random(7))
    deliveries = [d for _, d in offer(link, 200, 200, 2.0) if d is not None]
    assert deliveries != sorted(deliveries)


def test_independent_loss_is_near_its_share() -> None:
    link = Link(Shaping(loss=0.03), random.Random(3))
    sent = offer(link, 100, 1000, 100.0)
    lost = sum(d is None for _, d in sent) / len(sent)
    assert 0.027 < lost < 0.033
    assert link.counts.line_losses == sum(d is None for _, d in sent)


def bursts(outcomes: list[bool]) -> list[int]:
    """The lengths of the runs of True."""
    runs, current = [], 0
    for lost in outcomes:
        if lost:
            current += 1
        elif current:
            runs.append(current)
            current = 0
    return runs + ([current] if current else [])


def test_gilbert_elliott_loses_its_share_in_bursts_of_its_mean_length() -> None:
    chain = GilbertElliott.with_mean(0.10, 8)
    assert chain.mean_loss == pytest.approx(0.10)
    link = Link(Shaping(burst=chain), random.Random(5))
    outcomes = [d is None for _, d in offer(link, 100, 1000, 200.0)]
    assert 0.09 < sum(outcomes) / len(outcomes) < 0.11
    runs = bursts(outcomes)
    assert 7.0 < statistics.mean(runs) < 9.0
    # Independent loss of the same share comes in runs of about one packet.
    plain = Link(Shaping(loss=0.10), random.Random(5))
    assert statistics.mean(bursts([d is None for _, d in offer(plain, 100, 1000, 200.0)])) < 1.2


def test_gilbert_elliott_refuses_impossible_figures() -> None:
    with pytest.raises(ValueError):
        GilbertElliott.with_mean(0.0, 8)
    with pytest.raises(ValueError):
        GilbertElliott.with_mean(0.1, 0.5)


def test_the_same_seed_draws_the_same_losses() -> None:
    def run(seed: int) -> list[float | None]:
        link = Link(WEAK.down, random.Random(seed))
        return [d for _, d in offer(link, 1200, 100, 5.0)]

    assert run(11) == run(11)
    assert run(11) != run(12)


def test_reconfiguring_takes_effect_at_once_without_overtaking() -> None:
    link = Link(Shaping(delay_ms=300), random.Random(1))
    before = [link.admit(100, t / 100) for t in range(10)]
    link.configure(Shaping())
    after = [link.admit(100, 0.1 + t / 100) for t in range(50)]
    deliveries = [d for d in before + after if d is not None]
    assert deliveries == sorted(deliveries)
    # Once the delayed packets are out, new ones pass at once.
    assert after[-1] == pytest.approx(0.1 + 49 / 100)
    assert after[0] == pytest.approx(before[-1])


def test_the_profiles_carry_the_figures_of_the_issue() -> None:
    assert set(PROFILES) == {"good", "3g_abroad", "weak", "bursty_loss"}
    assert PROFILES["good"].down.is_clear and PROFILES["good"].up.is_clear
    assert (THREE_G_ABROAD.down.rate_kbps, THREE_G_ABROAD.up.rate_kbps) == (750, 250)
    assert THREE_G_ABROAD.down.delay_ms + THREE_G_ABROAD.up.delay_ms == 200
    assert WEAK.down.rate_kbps == WEAK.up.rate_kbps == 300
    assert WEAK.down.delay_ms + WEAK.up.delay_ms == 300
    assert WEAK.down.loss == WEAK.up.loss == 0.03
    assert BURSTY_LOSS.down.burst is not None and BURSTY_LOSS.down.burst.mean_loss == pytest.approx(0.10)


def test_a_profile_survives_its_json_and_is_found_by_name() -> None:
    for profile in PROFILES.values():
        assert Profile.from_json(profile.to_json()) == profile
    assert profile_named("weak") is WEAK
    assert profile_named(WEAK) is WEAK
    with pytest.raises(ValueError, match="unknown profile"):
        profile_named("dial-up")
