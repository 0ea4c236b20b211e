"""The shutdown watchdog: a process whose shutdown hangs is ended with its stacks in the log; one that
finishes in time is left alone."""

from __future__ import annotations

import subprocess
import sys
import textwrap

from server.shutdown_watchdog import EXIT_SHUTDOWN_HUNG

# A shutdown stuck on a task that swallows its cancellation (the kind of hang the watchdog is for).
HUNG = """
import asyncio
from server import shutdown_watchdog

async def stubborn_inbox_loop():
    while True:
        try:
            await asyncio.sleep(3600)
        except asyncio.CancelledError:
            pass  # swallowed: the task never ends

async def main():
    task = asyncio.create_task(stubborn_inbox_loop())
    await asyncio.sleep(0)
    shutdown_watchdog.arm({seconds}, asyncio.get_running_loop())
    task.cancel()
    await task

asyncio.run(main())
"""

FINISHED = """
import asyncio
from server import shutdown_watchdog

async def main():
    timer = shutdown_watchdog.arm(0.3, asyncio.get_running_loop())
    await asyncio.sleep(0.05)
    timer.cancel()
    timer.join()  # the watchdog's thread is over: had it fired, the process would have ended

asyncio.run(main())
print("exited normally")
"""


def run(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, timeout=60
    )


def test_a_hung_shutdown_ends_with_its_status_and_every_stack_in_the_log() -> None:
    done = run(HUNG.format(seconds=0.5))
    assert done.returncode == EXIT_SHUTDOWN_HUNG, done.stderr
    assert "shutdown did not finish within 0.5 s" in done.stderr
    assert "Current thread" in done.stderr or "Thread 0x" in done.stderr  # every thread's stack
    assert "stubborn_inbox_loop" in done.stderr  # the task that would not end, with its stack


def test_a_shutdown_that_finishes_in_time_is_left_alone() -> None:
    done = run(FINISHED)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "exited normally"
