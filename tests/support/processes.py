"""Real Rounds processes for tests: the ``rounds`` command, a free port, a served instance, and a
login over HTTP the way an API client does it (cookie + CSRF token)."""

from __future__ import annotations

import http.cookiejar
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

OPENAPI_PATH = "/api/v1/openapi.json"


def rounds_command() -> list[str]:
    """The installed ``rounds`` script next to this Python, else ``python -m server.cli``."""
    script = Path(sys.executable).with_name("rounds")
    if script.exists():
        return [str(script)]
    return [sys.executable, "-m", "server.cli"]


def clean_env(**settings: str) -> dict[str, str]:
    """This process's environment without any ROUNDS_* variable, plus ``settings``."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("ROUNDS_")}
    env["PYTHONUNBUFFERED"] = "1"
    env.update(settings)
    return env


def run_rounds(
    args: list[str], *, env: dict[str, str], cwd: Path, stdin: str = "", timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    """Run ``rounds ARGS`` to completion; stdin is fed (and then closed) so nothing waits on a tty."""
    return subprocess.run(
        [*rounds_command(), *args],
        env=env,
        cwd=cwd,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now (the kernel picks it). The one helper
    for this: the e2e fixtures and the benchmarks (``bench.common``) use it too."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def http_get(url: str, timeout: float = 10) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return int(response.status), response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


@dataclass
class Served:
    """A ``rounds serve`` subprocess; its stdout and stderr go to ``log_path``."""

    process: subprocess.Popen[bytes]
    base_url: str
    log_path: Path

    def log_text(self) -> str:
        return self.log_path.read_text(errors="replace")

    def stop(self, timeout: float = 15) -> int:
        """SIGTERM, then wait; kill if it does not stop in time. Returns the exit code."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=timeout)
        return int(self.process.returncode)


#: A line of a Python traceback that names an exception (the chain :func:`excerpt` shows).
EXCEPTION_LINE = re.compile(r"^[A-Za-z_][\w.]*(Error|Exception|Exit)\b")


def exit_problems(nodes: dict[str, Served], spared: set[str] | frozenset[str] = frozenset()) -> list[str]:
    """What went wrong with stopped ``rounds serve`` processes: a traceback in a log (an error the
    server did not expect), or an exit other than 0 (70: the shutdown watchdog ended a hung shutdown,
    and the end of the log holds every stack). Nodes in ``spared`` were killed on purpose: only their
    logs are checked."""
    found = []
    for name, served in nodes.items():
        text = served.log_text()
        if "Traceback" in text:
            count = text.count('"level": "ERROR"')
            found.append(f"node {name} logged a traceback ({count} ERROR lines); the first:\n{excerpt(text)}")
        code = served.process.returncode
        if name not in spared and code != 0:
            found.append(f"node {name} exited with {code}; the end of its log:\n{text[-6000:]}")
    return found


def excerpt(text: str) -> str:
    """The first log line holding a traceback: its message and its chain of exceptions, the one that
    reached the server's code first (a JSON line; the traceback is inside it)."""
    for row in text.splitlines():
        if "Traceback" not in row:
            continue
        try:
            entry = json.loads(row)
        except ValueError:
            return row[:1500]
        chain = [line for line in str(entry.get("exception", "")).splitlines() if EXCEPTION_LINE.match(line)]
        return f"{entry.get('time')} {entry.get('message')}:\n  " + "\n  <- ".join(reversed(chain))
    return ""


def serve(
    *,
    env: dict[str, str],
    cwd: Path,
    log_path: Path,
    ready_timeout: float = 30,
    command: Sequence[str] | None = None,
) -> Served:
    """Start ``rounds serve`` on a free port and wait until it answers the OpenAPI document.

    ``command`` replaces :func:`rounds_command` (e.g. the same program under a profiler)."""
    port = free_port()
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [*(command or rounds_command()), "serve", "--host", "127.0.0.1", "--port", str(port)],
            env=env,
            cwd=cwd,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    served = Served(process, f"http://127.0.0.1:{port}", log_path)
    deadline = time.monotonic() + ready_timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"rounds serve exited with {process.returncode}:\n{served.log_text()}")
        try:
            status, _ = http_get(served.base_url + OPENAPI_PATH, timeout=2)
            if status == 200:
                return served
        except OSError:
            pass
        time.sleep(0.2)
    served.stop()
    raise RuntimeError(f"rounds serve did not answer within {ready_timeout}s:\n{served.log_text()}")


@dataclass(frozen=True)
class Credentials:
    """What an API client sends after logging in: the login cookie and the CSRF token."""

    login_cookie: str
    csrf_token: str
    user: dict[str, Any]

    def headers(self) -> dict[str, str]:
        return {"Cookie": f"rounds_login={self.login_cookie}", "X-CSRF-Token": self.csrf_token}


def log_in(base_url: str, email: str, password: str) -> Credentials:
    """GET /auth/session for a CSRF token, POST /auth/login with it; keep the cookie it sets."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    with opener.open(base_url + "/api/v1/auth/session", timeout=10) as response:
        token = json.load(response)["csrf_token"]
    request = urllib.request.Request(
        base_url + "/api/v1/auth/login",
        data=json.dumps({"email": email, "password": password}).encode(),
        headers={"Content-Type": "application/json", "X-CSRF-Token": token},
        method="POST",
    )
    with opener.open(request, timeout=10) as response:
        body = json.load(response)
    cookie = next(c.value for c in jar if c.name == "rounds_login" and c.value is not None)
    return Credentials(login_cookie=cookie, csrf_token=body["csrf_token"], user=body["user"])
