"""Private PostgreSQL and Redis servers for tests that stop, crash and restart their database engines.

The machine's shared PostgreSQL (5432) and Redis (6379) serve other tests and people, so a test that
takes an engine away starts its own: :class:`PrivatePostgres` is a throw-away cluster (``initdb`` into a
temporary directory, trust authentication, listening on 127.0.0.1 on a free port, its socket in that
directory) and :class:`PrivateRedis` a ``redis-server`` without persistence. Both run as direct child
processes of the test, so stopping (``stop``), crashing (``crash``: SIGKILL) and starting them again
on the same port is theirs alone, and every process is reaped.

PostgreSQL refuses to run as root: when the tests run as root, the cluster's directory belongs to the
``postgres`` OS user and its programs run as that user (``setpriv``, which execs rather than forks, so
the postmaster stays the test's own child and is reaped when it dies).
"""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import Self

from tests.support.processes import free_port

POSTGRES_BIN_GLOB = "/usr/lib/postgresql/*/bin"
POSTGRES_OS_USER = "postgres"
#: Bound on an engine starting or stopping: far above what either takes, low enough to catch a hang.
ENGINE_BOUND_SECONDS = 60.0


def postgres_bin_dir() -> Path | None:
    """The newest Debian PostgreSQL ``bin`` directory with ``initdb`` and ``postgres``, else the one on
    PATH, else None."""
    candidates = sorted(
        Path("/usr/lib/postgresql").glob("*/bin"),
        key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0,
        reverse=True,
    )
    for directory in candidates:
        if (directory / "initdb").exists() and (directory / "postgres").exists():
            return directory
    initdb = shutil.which("initdb")
    if initdb is not None and Path(initdb).with_name("postgres").exists():
        return Path(initdb).parent
    return None


def _running_as_root() -> bool:
    return os.geteuid() == 0


def postgres_problem() -> str | None:
    """Why a private PostgreSQL cannot be started here, or None."""
    if postgres_bin_dir() is None:
        return f"PostgreSQL server binaries (initdb, postgres) not found under {POSTGRES_BIN_GLOB} or on PATH"
    if _running_as_root():
        try:
            pwd.getpwnam(POSTGRES_OS_USER)
        except KeyError:
            return f"running as root and there is no {POSTGRES_OS_USER!r} OS user to run PostgreSQL as"
        if shutil.which("setpriv") is None:
            return "running as root and setpriv (util-linux) is missing to run PostgreSQL as postgres"
    return None


def redis_problem() -> str | None:
    """Why a private Redis cannot be started here, or None."""
    if shutil.which("redis-server") is None:
        return "redis-server not found on PATH"
    return None


def _wait_for(condition: Callable[[], bool], timeout: float, what: str, interval: float = 0.1) -> None:
    """Poll ``condition()`` until true; TimeoutError naming ``what`` after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(interval)
    raise TimeoutError(f"{what} did not happen within {timeout:.0f}s")


def _children_of(pid: int) -> list[int]:
    """Processes whose parent is ``pid`` (read from /proc; empty where there is no /proc)."""
    found = []
    for entry in Path("/proc").glob("[0-9]*"):
        with contextlib.suppress(OSError, IndexError, ValueError):
            # The command name (field 2) is in parentheses and may hold spaces: split after it.
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            if int(fields[1]) == pid:
                found.append(int(entry.name))
    return found


def _gone(pid: int) -> bool:
    """Whether ``pid`` has exited (a zombie no one reaped counts as exited)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return True
    return fields[0] in ("Z", "X")


class PrivatePostgres:
    """A PostgreSQL cluster of the test's own, in a temporary directory, on a free loopback port.

    ``start``/``stop``/``crash``/``restart`` take it away and bring it back on the same port; ``url``
    gives a SQLAlchemy URL to one of its databases; ``close`` stops it and removes its directory.
    Use it as a context manager."""

    def __init__(self, port: int | None = None) -> None:
        bin_dir = postgres_bin_dir()
        if bin_dir is None:
            raise RuntimeError(postgres_problem())
        self.bin_dir = bin_dir
        self.port = port or free_port()
        # Not under pytest's tmp dir: that is root's alone (0700) and the postgres user could not enter.
        self.root = Path(tempfile.mkdtemp(prefix="rounds-pg-"))
        self.data_dir = self.root / "data"
        self.log_path = self.root / "postgres.log"
        self.process: subprocess.Popen[bytes] | None = None
        try:
            if _running_as_root():
                user = pwd.getpwnam(POSTGRES_OS_USER)
                os.chown(self.root, user.pw_uid, user.pw_gid)
            self._initdb()
        except BaseException:
            shutil.rmtree(self.root, ignore_errors=True)
            raise

    def _initdb(self) -> None:
        self._as_owner(
            [
                str(self.bin_dir / "initdb"),
                "--pgdata",
                str(self.data_dir),
                "--auth",
                "trust",
                "--username",
                "postgres",
                "--encoding",
                "UTF8",
                "--locale",
                "C",
                "--no-sync",
            ]
        )

    # ------------------------------------------------------------------ running as the data's owner

    def _owner_prefix(self) -> list[str]:
        if not _running_as_root():
            return []
        return [
            shutil.which("setpriv") or "setpriv",
            f"--reuid={POSTGRES_OS_USER}",
            f"--regid={POSTGRES_OS_USER}",
            "--init-groups",
            "--",
        ]

    def _as_owner(self, command: list[str]) -> str:
        """Run a PostgreSQL program to completion as the cluster's owner; its output, or RuntimeError."""
        done = subprocess.run(
            [*self._owner_prefix(), *command],
            cwd=self.root,
            capture_output=True,
            text=True,
            timeout=ENGINE_BOUND_SECONDS,
            check=False,
        )
        if done.returncode != 0:
            raise RuntimeError(f"{command[0]} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
        return done.stdout

    # ------------------------------------------------------------------ lifecycle

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def url(self, database: str = "postgres") -> str:
        """SQLAlchemy (asyncpg) URL of a database of this cluster."""
        return f"postgresql+asyncpg://postgres@127.0.0.1:{self.port}/{database}"

    def is_ready(self) -> bool:
        """Whether the server accepts connections now (``pg_isready``)."""
        done = subprocess.run(
            [str(self.bin_dir / "pg_isready"), "-q", "-h", "127.0.0.1", "-p", str(self.port), "-t", "2"],
            capture_output=True,
            timeout=10,
            check=False,
        )
        return done.returncode == 0

    def start(self, timeout: float = ENGINE_BOUND_SECONDS) -> None:
        """Start the postmaster (after a crash it first recovers from its WAL) and wait until it
        accepts connections."""
        if self.running:
            return
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                [
                    *self._owner_prefix(),
                    str(self.bin_dir / "postgres"),
                    "-D",
                    str(self.data_dir),
                    "-p",
                    str(self.port),
                    "-k",
                    str(self.root),
                    "-c",
                    "listen_addresses=127.0.0.1",
                    "-c",
                    "max_connections=200",
                ],
                cwd=self.root,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        process = self.process

        def up() -> bool:
            if process.poll() is not None:
                raise RuntimeError(f"postgres exited with {process.returncode}:\n{self.log_text()[-3000:]}")
            return self.is_ready()

        _wait_for(up, timeout, f"PostgreSQL accepting connections on port {self.port}")

    def stop(self, mode: str = "fast", timeout: float = ENGINE_BOUND_SECONDS) -> None:
        """Shut down as ``pg_ctl stop -m MODE`` does: smart (SIGTERM), fast (SIGINT: roll back and
        disconnect every session, checkpoint) or immediate (SIGQUIT)."""
        signals = {"smart": signal.SIGTERM, "fast": signal.SIGINT, "immediate": signal.SIGQUIT}
        process = self.process
        if process is None or process.poll() is not None:
            return
        process.send_signal(signals[mode])
        process.wait(timeout=timeout)

    def crash(self, timeout: float = ENGINE_BOUND_SECONDS) -> None:
        """SIGKILL the postmaster, as the kernel's OOM killer would; its backends notice their
        postmaster is gone and exit (any that linger are killed), leaving the data directory to be
        recovered on the next start."""
        process = self.process
        if process is None or process.poll() is not None:
            return
        backends = _children_of(process.pid)
        process.kill()
        process.wait(timeout=timeout)
        try:
            _wait_for(lambda: all(_gone(pid) for pid in backends), 10, "orphaned backends exiting")
        except TimeoutError:
            for pid in backends:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
            _wait_for(lambda: all(_gone(pid) for pid in backends), timeout, "orphaned backends dying")

    def restart(self, mode: str = "fast") -> None:
        self.stop(mode)
        self.start()

    def create_database(self, name: str) -> str:
        """Create a database; returns its URL."""
        self._as_owner(
            [
                str(self.bin_dir / "psql"),
                "-h",
                "127.0.0.1",
                "-p",
                str(self.port),
                "-U",
                "postgres",
                "-d",
                "postgres",
                "-v",
                "ON_ERROR_STOP=1",
                "-c",
                f'CREATE DATABASE "{name}"',
            ]
        )
        return self.url(name)

    def log_text(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")
        except OSError:
            return ""

    def close(self) -> None:
        """Stop at once (immediate) and remove the cluster's directory."""
        try:
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.stop("immediate", timeout=30)
            if self.running:
                assert self.process is not None
                self.process.kill()
                self.process.wait(timeout=30)
        finally:
            shutil.rmtree(self.root, ignore_errors=True)

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()


class PrivateRedis:
    """A ``redis-server`` of the test's own on a free loopback port, keeping nothing on disk (a restart
    starts empty, as a Redis without persistence does). Use it as a context manager."""

    def __init__(self, port: int | None = None) -> None:
        executable = shutil.which("redis-server")
        if executable is None:
            raise RuntimeError(redis_problem())
        self.executable = executable
        self.port = port or free_port()
        self.root = Path(tempfile.mkdtemp(prefix="rounds-redis-"))
        self.log_path = self.root / "redis.log"
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def url(self, db: int = 0) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"

    def is_ready(self) -> bool:
        """Whether it answers PING now."""
        from redis import Redis
        from redis.exceptions import RedisError

        client = Redis(host="127.0.0.1", port=self.port, socket_connect_timeout=1, socket_timeout=1)
        try:
            return bool(client.ping())
        except (RedisError, OSError):
            return False
        finally:
            client.close()

    def start(self, timeout: float = ENGINE_BOUND_SECONDS) -> None:
        if self.running:
            return
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                [
                    self.executable,
                    "--port",
                    str(self.port),
                    "--bind",
                    "127.0.0.1",
                    "--save",
                    "",
                    "--appendonly",
                    "no",
                    "--dir",
                    str(self.root),
                ],
                cwd=self.root,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        process = self.process

        def up() -> bool:
            if process.poll() is not None:
                raise RuntimeError(
                    f"redis-server exited with {process.returncode}:\n{self.log_text()[-3000:]}"
                )
            return self.is_ready()

        _wait_for(up, timeout, f"Redis answering on port {self.port}")

    def stop(self, timeout: float = ENGINE_BOUND_SECONDS) -> None:
        """SIGTERM: Redis closes its clients and exits (saving nothing)."""
        process = self.process
        if process is None or process.poll() is not None:
            return
        process.terminate()
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=timeout)

    def crash(self, timeout: float = ENGINE_BOUND_SECONDS) -> None:
        """SIGKILL."""
        process = self.process
        if process is None or process.poll() is not None:
            return
        process.kill()
        process.wait(timeout=timeout)

    def restart(self) -> None:
        self.stop()
        self.start()

    def log_text(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")
        except OSError:
            return ""

    def close(self) -> None:
        try:
            self.crash(timeout=30)
        finally:
            shutil.rmtree(self.root, ignore_errors=True)

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()
