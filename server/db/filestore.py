"""Uploaded files on disk, named by their SHA-256: the same content is stored once."""

from __future__ import annotations

import asyncio
import os
import tempfile
from pathlib import Path

from server.domain.errors import storage_refusal


class FileStore:
    def __init__(self, root: Path) -> None:
        self.root = root

    def path_for(self, sha256: str) -> Path:
        if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
            raise ValueError("not a SHA-256 hex digest")
        return self.root / sha256[:2] / sha256

    def _write(self, sha256: str, data: bytes) -> None:
        target = self.path_for(sha256)
        if target.exists():
            return
        target.parent.mkdir(parents=True, exist_ok=True)
        # Write to a temporary file and rename, so a crash never leaves half a document.
        fd, tmp = tempfile.mkstemp(dir=target.parent)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    async def put(self, sha256: str, data: bytes) -> None:
        """Store ``data`` under its digest. A full or read-only disk is the refusal a person reads
        (507 or 503, nothing kept: the temporary file is removed); any other failure is raised."""
        try:
            await asyncio.to_thread(self._write, sha256, data)
        except OSError as exc:
            refusal = storage_refusal(exc, "the document")
            if refusal is None:
                raise
            raise refusal from exc

    async def get(self, sha256: str) -> bytes:
        return await asyncio.to_thread(self.path_for(sha256).read_bytes)
