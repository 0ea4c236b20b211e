"""Real file systems that run out of room or refuse writes, for the fault tests: a small tmpfs mounted
for one test (as root; the suite runs as root, as scripts/test does), filled to the last page, or
remounted read-only, and unmounted afterwards whatever happened."""

from __future__ import annotations

import contextlib
import errno
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path


@contextlib.contextmanager
def small_filesystem(path: Path, size_kb: int) -> Iterator[Path]:
    """A tmpfs of ``size_kb`` KiB mounted at ``path`` (created) for the ``with`` block."""
    path.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size_kb}k,mode=0755", "tmpfs", str(path)],
        check=True,
        capture_output=True,
    )
    try:
        yield path
    finally:
        # Lazy: a handle still open (a SQLite file being closed) must not leave the mount behind.
        subprocess.run(["umount", "-l", str(path)], check=True, capture_output=True)


def fill(directory: Path) -> Path:
    """Write a file in ``directory`` until its file system has no room left, not even one byte."""
    filler = directory / "filler"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    try:
        for chunk in (64 * 1024, 4096, 1):
            block = b"\0" * chunk
            while True:
                try:
                    os.write(fd, block)
                except OSError as exc:
                    if exc.errno != errno.ENOSPC:
                        raise
                    break
    finally:
        os.close(fd)
    return filler


def remount_read_only(path: Path) -> None:
    """Make the tmpfs at ``path`` read-only: every write now fails with EROFS, even as root."""
    subprocess.run(["mount", "-o", "remount,ro", str(path)], check=True, capture_output=True)
