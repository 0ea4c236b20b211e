"""One bounded poll for the tests that watch something outside the test process (a browser page, a
peer): ask again every ``every`` seconds until the answer is truthy, and fail with the last answer once
``bound`` seconds have passed. Never a fixed sleep standing in for an event."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any


def poll_until(read: Callable[[], Any], what: str, bound: float, every: float = 0.1) -> Any:
    """The first truthy value ``read()`` returns within ``bound`` seconds; AssertionError naming ``what``
    and the last value otherwise."""
    deadline = time.monotonic() + bound
    value: Any = None
    while time.monotonic() < deadline:
        value = read()
        if value:
            return value
        time.sleep(every)
    raise AssertionError(f"{what}: still {value!r} after {bound}s")
