"""A real Rounds server process with the demo data, and headless Debian Chromium driven by Playwright.

Chromium comes from the system (``apt-get install chromium``), never from ``playwright install``.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Playwright, sync_playwright

from tests.support.chromium import CHROMIUM, CHROMIUM_ARGS
from tests.support.processes import free_port
from tests.support.templates import Demo, copy_demo

START_TIMEOUT_SECONDS = 60


def _rounds_command() -> list[str]:
    """The installed ``rounds`` console script next to this Python, else the module."""
    script = Path(sys.executable).with_name("rounds")
    return [str(script)] if script.exists() else [sys.executable, "-m", "server.cli"]


def _wait_until_serving(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"rounds demo exited with {process.returncode}:\n{log.read_text()[-4000:]}")
        try:
            with urllib.request.urlopen(url + "/login", timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.25)
    pytest.fail(f"rounds demo did not answer within {START_TIMEOUT_SECONDS}s:\n{log.read_text()[-4000:]}")


@dataclass(frozen=True)
class E2eServer:
    """The module's server: its address and the file its log (JSON lines) goes to."""

    url: str
    log: Path


@pytest.fixture(scope="module")
def e2e_server(tmp_path_factory: pytest.TempPathFactory, sqlite_demo: Demo) -> Iterator[E2eServer]:
    """``rounds demo`` on a free port with its own data directory; stopped at the end. The directory
    starts as a copy of the run's demo, so the command finds the demo loaded and serves it at once."""
    data_dir = tmp_path_factory.mktemp("rounds-e2e")
    copy_demo(sqlite_demo, data_dir)
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("ROUNDS_")}
    env["ROUNDS_DATA_DIR"] = str(data_dir)
    log = data_dir / "server.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [*_rounds_command(), "demo", "--host", "127.0.0.1", "--port", str(port)],
            cwd=data_dir,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_serving(url, process, log)
        yield E2eServer(url, log)
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=15)
    assert "Traceback" not in log.read_text(), log.read_text()[-4000:]


@pytest.fixture(scope="module")
def server_url(e2e_server: E2eServer) -> str:
    """The module's server's address."""
    return e2e_server.url


@pytest.fixture(scope="module")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="module")
def chromium(playwright: Playwright) -> Iterator[Browser]:
    """Debian's Chromium, headless."""
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: install it with `apt-get install -y chromium`.")
    browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
    yield browser
    browser.close()
