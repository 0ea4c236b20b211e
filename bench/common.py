"""What the benchmarks share: one percentile, free ports, and readers of a process's and the machine's
CPU time and memory (Linux ``/proc``), so that every published figure is computed the same way."""

from __future__ import annotations

import asyncio
import math
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

# One free-port helper for the tests and the benchmarks; re-exported for the bench programs.
from tests.support.processes import free_port as free_port


def percentile(values: Iterable[float], fraction: float) -> float:
    """The nearest-rank percentile: the smallest value with at least ``fraction`` of all values at or
    below it, i.e. the ``ceil(fraction * n)``-th smallest of n (the first for ``fraction`` 0).

    It is always one of the values measured (never an interpolation between two), which is what a
    latency figure should be. ``values`` need not be sorted. Raises ValueError when there are no values
    or ``fraction`` is outside [0, 1].
    """
    if not 0.0 <= fraction <= 1.0:
        raise ValueError(f"fraction must be within [0, 1], not {fraction}")
    ordered = sorted(values)
    if not ordered:
        raise ValueError("percentile of no values")
    # Rounded first so that float products such as 0.07 * 100 = 7.000000000000001 give rank 7, not 8.
    rank = math.ceil(round(fraction * len(ordered), 9))
    return ordered[max(rank, 1) - 1]


async def wait_for_port(port: int, bound: float, exit_code: Callable[[], int | None] | None = None) -> None:
    """Wait until something accepts connections on 127.0.0.1:``port``, at most ``bound`` seconds
    (TimeoutError then). ``exit_code`` reports the server process's exit (None while it runs), so that
    a server that failed to start is reported at once rather than after the bound."""
    async with asyncio.timeout(bound):
        while True:
            code = exit_code() if exit_code is not None else None
            if code is not None:
                raise RuntimeError(f"the server process exited with {code}")
            try:
                _, writer = await asyncio.open_connection("127.0.0.1", port)
            except OSError:
                await asyncio.sleep(0.05)
                continue
            writer.close()
            return


def process_cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process and all its threads so far (Linux /proc)."""
    # The command name in parentheses may hold spaces: the fields are counted after its closing one.
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def process_rss_mb(pid: int) -> float:
    """A process's resident set size now, in MiB (Linux /proc; 0.0 when the kernel does not say)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


@dataclass(frozen=True)
class MachineCpu:
    """CPU time of all cores together since boot, in seconds: busy, and in total."""

    busy: float
    total: float


def machine_cpu_seconds() -> MachineCpu:
    """CPU time all cores spent so far (Linux /proc/stat): busy is everything but idle and iowait."""
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:9]]
    user, nice, system, idle, iowait, irq, softirq, steal = values
    # Guest time (the fields after steal) is already counted inside user and nice.
    ticks = os.sysconf("SC_CLK_TCK")
    busy = user + nice + system + irq + softirq + steal
    return MachineCpu(busy=busy / ticks, total=(busy + idle + iowait) / ticks)
