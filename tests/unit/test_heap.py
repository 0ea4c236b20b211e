"""Handing freed heap back to the system (server/heap.py), on this machine's real allocator."""

from __future__ import annotations

import asyncio
import ctypes
import ctypes.util

import pytest

from server.heap import (
    HeapTrimming,
    can_release_free_heap,
    heap_trimming,
    release_free_heap,
    resident_bytes,
)

needs_glibc = pytest.mark.skipif(not can_release_free_heap(), reason="malloc_trim exists in glibc only")

BLOCK_BYTES = 1024  # small enough to come from the heap, not from a mmap of its own
BLOCKS = 64 * 1024  # 64 MiB in all


@needs_glibc
def test_freed_heap_goes_back_to_the_system() -> None:
    libc = ctypes.CDLL(ctypes.util.find_library("c"))
    libc.malloc.restype = ctypes.c_void_p
    libc.malloc.argtypes = [ctypes.c_size_t]
    libc.free.argtypes = [ctypes.c_void_p]
    libc.memset.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.c_size_t]
    blocks = [libc.malloc(BLOCK_BYTES) for _ in range(BLOCKS)]
    for block in blocks:
        libc.memset(block, 1, BLOCK_BYTES)  # make every page resident
    # Free all but the last block: it pins the top of the heap, so free() itself cannot shrink the
    # heap and the freed megabytes stay resident, as a long-running server's fragmented heap does.
    for block in blocks[:-1]:
        libc.free(block)
    resident_before = resident_bytes()
    try:
        released = release_free_heap()
        resident_after = resident_bytes()
    finally:
        libc.free(blocks[-1])
    freed = BLOCK_BYTES * (BLOCKS - 1)
    assert released >= freed // 2, (released, freed)
    assert resident_before - resident_after >= freed // 2


def trimming_tasks() -> list[asyncio.Task[object]]:
    """The periodic trimming's tasks still running."""
    return [task for task in asyncio.all_tasks() if task.get_name() == "rounds-heap-trim"]


@needs_glibc
async def test_the_node_trims_now_and_then() -> None:
    tally = HeapTrimming()
    async with heap_trimming(0.01, tally):
        [trimmer] = trimming_tasks()
        async with asyncio.timeout(10):
            while tally.rounds < 3:  # noqa: ASYNC110 - the tally is a plain counter
                await asyncio.sleep(0.01)
    rounds = tally.rounds
    assert trimmer.done() and trimming_tasks() == []  # stopped with the block: nothing can count on
    assert tally.rounds == rounds


async def test_no_trimming_when_it_is_switched_off() -> None:
    tally = HeapTrimming()
    async with heap_trimming(0, tally):
        # No task, so nothing can trim later: there is no need to wait and see.
        assert not trimming_tasks()
    assert tally.rounds == 0


def test_resident_bytes_reads_this_process() -> None:
    assert resident_bytes() > 1024 * 1024
