"""A bound on how long ``rounds serve`` may take to shut down.

A node that received SIGTERM drains (``ROUNDS_DRAIN_SECONDS``), closes its rooms and sockets, and exits.
If something in that sequence never finishes (a task that ignores cancellation, a connection that never
closes), the process would hang until an operator or an orchestrator kills it, with no word of why.
The watchdog, armed when shutdown begins, waits a bounded time; then it writes every thread's stack and
every asyncio task's stack to standard error (the node's log), logs an error, and ends the process with
:data:`EXIT_SHUTDOWN_HUNG`, so the hang is seen and can be diagnosed.
"""

from __future__ import annotations

import asyncio
import faulthandler
import logging
import os
import sys
import threading

log = logging.getLogger("rounds.shutdown")

#: The exit status of a process whose shutdown did not finish in time (BSD's EX_SOFTWARE).
EXIT_SHUTDOWN_HUNG = 70


def _dump_tasks(loop: asyncio.AbstractEventLoop) -> None:
    """Every task of ``loop`` with its stack, from outside the loop's thread: best effort (the loop
    is stuck, which is why this runs)."""
    try:
        tasks = asyncio.all_tasks(loop)
    except RuntimeError:  # the set changed too often while being copied
        return
    print(f"{len(tasks)} asyncio tasks at the time of the hang:", file=sys.stderr)
    for task in tasks:
        try:
            task.print_stack(limit=12, file=sys.stderr)
        except Exception as exc:  # a task finishing meanwhile: its stack is no longer of interest
            print(f"  {task!r}: stack unavailable ({type(exc).__name__})", file=sys.stderr)


def _give_up(seconds: float, loop: asyncio.AbstractEventLoop) -> None:
    log.error("shutdown did not finish within %g s: exiting with the stacks in the log", seconds)
    faulthandler.dump_traceback(file=sys.stderr, all_threads=True)
    _dump_tasks(loop)
    sys.stderr.flush()
    os._exit(EXIT_SHUTDOWN_HUNG)


def arm(seconds: float, loop: asyncio.AbstractEventLoop) -> threading.Timer:
    """Start the bound: after ``seconds`` the process is ended as described in the module's
    documentation, unless the returned timer is cancelled first (the process exited normally)."""
    timer = threading.Timer(seconds, _give_up, args=(seconds, loop))
    timer.name = "rounds-shutdown-watchdog"
    timer.daemon = True  # a normal exit does not wait for it
    timer.start()
    return timer
