"""Giving the memory a server has freed back to the operating system.

A node creates and drops peer connections all day. Each one allocates natively (DTLS and SRTP contexts,
RTP packets, the receivers' threads), and when it closes glibc's allocator keeps the freed memory for
reuse instead of returning it: a long run's resident size then keeps the high-water mark of the
fragmented heap (measured in ``docs/performance.md``: the soak run). ``malloc_trim(0)`` hands every whole
free page back. It costs a few milliseconds for a heap of a few hundred megabytes, so a node calls it
about once a minute, off the event loop. Other C libraries (musl, macOS) have no such call and need
none of this: there the trimming is simply off.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import ctypes.util
import logging
import os
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass

log = logging.getLogger("rounds.heap")


def _glibc_malloc_trim() -> Callable[[int], int] | None:
    """glibc's ``malloc_trim``, or None where the C library is not glibc."""
    name = ctypes.util.find_library("c")
    if name is None:
        return None
    try:
        libc = ctypes.CDLL(name)
        libc.gnu_get_libc_version  # noqa: B018 - present in glibc only: tells glibc from other libcs
        trim = libc.malloc_trim
    except (OSError, AttributeError):
        return None
    trim.argtypes = [ctypes.c_size_t]
    trim.restype = ctypes.c_int
    function: Callable[[int], int] = trim
    return function


_MALLOC_TRIM = _glibc_malloc_trim()


def can_release_free_heap() -> bool:
    """Whether this process's C library can hand freed heap back (glibc)."""
    return _MALLOC_TRIM is not None


def resident_bytes() -> int:
    """This process's resident memory (Linux ``/proc``; 0 where there is none)."""
    try:
        with open("/proc/self/statm", encoding="ascii") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def release_free_heap() -> int:
    """Return the allocator's whole free pages to the system; the resident bytes that freed (0 if none
    or where the C library cannot)."""
    if _MALLOC_TRIM is None:
        return 0
    before = resident_bytes()
    _MALLOC_TRIM(0)
    return max(0, before - resident_bytes())


@dataclass
class HeapTrimming:
    """What the periodic trimming has done in this process (shown by the health endpoint)."""

    rounds: int = 0
    released_bytes: int = 0


async def trim_periodically(interval_seconds: float, tally: HeapTrimming) -> None:
    """Every ``interval_seconds``, release the free heap in a worker thread (the call walks every arena
    and must not hold up the event loop)."""
    while True:
        await asyncio.sleep(interval_seconds)
        released = await asyncio.to_thread(release_free_heap)
        tally.rounds += 1
        tally.released_bytes += released
        if released:
            log.debug("heap trimmed: %d bytes handed back", released)


@contextlib.asynccontextmanager
async def heap_trimming(interval_seconds: float, tally: HeapTrimming) -> AsyncIterator[None]:
    """Run :func:`trim_periodically` for the life of the block (nothing where it cannot help)."""
    if interval_seconds <= 0 or not can_release_free_heap():
        yield
        return
    task = asyncio.create_task(trim_periodically(interval_seconds, tally), name="rounds-heap-trim")
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
