"""The benchmarks' shared helpers (bench/common.py): the one percentile every published figure uses,
free ports, waiting for a port, and the /proc readers."""

from __future__ import annotations

import asyncio
import os
import socket
import time

import pytest

from bench.common import (
    free_port,
    machine_cpu_seconds,
    percentile,
    process_cpu_seconds,
    process_rss_mb,
    wait_for_port,
)

TEN = [float(n) for n in range(10, 110, 10)]  # 10, 20, ..., 100


@pytest.mark.parametrize(
    ("fraction", "expected"),
    [
        (0.0, 10.0),  # the smallest value
        (0.05, 10.0),  # rank ceil(0.5) = 1
        (0.1, 10.0),  # rank 1 exactly: 10 % of the values are at or below 10
        (0.11, 20.0),
        (0.5, 50.0),  # the lower middle value, never an average of two
        (0.9, 90.0),
        (0.95, 100.0),
        (0.99, 100.0),
        (1.0, 100.0),  # the largest value
    ],
)
def test_percentile_is_nearest_rank(fraction: float, expected: float) -> None:
    assert percentile(TEN, fraction) == expected


def test_percentile_on_the_textbook_example() -> None:
    # The usual worked example of the nearest-rank method (five values): p30 is 20, p40 20, p50 35,
    # p100 50.
    values = [15.0, 20.0, 35.0, 40.0, 50.0]
    assert [percentile(values, f) for f in (0.05, 0.3, 0.4, 0.5, 1.0)] == [15.0, 20.0, 20.0, 35.0, 50.0]


def test_percentile_does_not_need_sorted_values_and_leaves_them_alone() -> None:
    shuffled = [70.0, 10.0, 100.0, 40.0, 20.0, 90.0, 30.0, 60.0, 80.0, 50.0]
    before = list(shuffled)
    assert percentile(shuffled, 0.9) == 90.0
    assert percentile(iter(shuffled), 0.2) == 20.0
    assert shuffled == before


def test_percentile_is_always_a_measured_value() -> None:
    values = [1.0, 2.0, 4.0, 8.0]
    for step in range(101):
        assert percentile(values, step / 100) in values


def test_percentile_rank_does_not_suffer_from_float_products() -> None:
    # 0.07 * 100 is 7.000000000000001 in binary floating point: the rank is still 7, not 8.
    hundred = [float(n) for n in range(1, 101)]
    assert percentile(hundred, 0.07) == 7.0
    assert percentile(hundred, 0.99) == 99.0


def test_percentile_of_one_value_is_that_value() -> None:
    assert percentile([3.5], 0.0) == percentile([3.5], 0.5) == percentile([3.5], 1.0) == 3.5


def test_percentile_refuses_no_values_and_fractions_outside_zero_to_one() -> None:
    with pytest.raises(ValueError, match="no values"):
        percentile([], 0.5)
    for fraction in (-0.01, 1.01, 50.0):
        with pytest.raises(ValueError, match="within"):
            percentile(TEN, fraction)


def test_free_port_can_be_listened_on() -> None:
    port = free_port()
    assert 1024 <= port <= 65535
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", port))  # raises if the port were taken


async def test_wait_for_port_returns_once_something_listens() -> None:
    accepted = asyncio.Event()

    async def greet(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        accepted.set()
        writer.close()

    server = await asyncio.start_server(greet, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    async with server:
        await wait_for_port(port, bound=10.0)
        await asyncio.wait_for(accepted.wait(), 10.0)


async def test_wait_for_port_reports_a_server_that_exited() -> None:
    with pytest.raises(RuntimeError, match="exited with 3"):
        await wait_for_port(free_port(), bound=10.0, exit_code=lambda: 3)


async def test_wait_for_port_gives_up_after_its_bound() -> None:
    with pytest.raises(TimeoutError):
        await wait_for_port(free_port(), bound=0.2)


def test_process_cpu_seconds_agrees_with_pythons_own_count() -> None:
    ours_before, python_before = process_cpu_seconds(os.getpid()), time.process_time()
    while time.process_time() - python_before < 0.2:  # some CPU work to count
        pass
    ours = process_cpu_seconds(os.getpid()) - ours_before
    python = time.process_time() - python_before
    # /proc counts in clock ticks (usually 10 ms): allow a few ticks of rounding between the two.
    assert abs(ours - python) <= 3 / os.sysconf("SC_CLK_TCK")


def test_process_rss_mb_of_this_process() -> None:
    rss = process_rss_mb(os.getpid())
    assert 1.0 < rss < 100_000.0


def test_machine_cpu_seconds_counts_busy_within_total_and_grows() -> None:
    first = machine_cpu_seconds()
    started = time.process_time()
    while time.process_time() - started < 0.05:
        pass
    second = machine_cpu_seconds()
    assert 0.0 < first.busy <= first.total
    assert second.busy > first.busy and second.total > first.total
