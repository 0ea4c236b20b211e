"""Settings: one frozen object built from ``ROUNDS_*`` environment variables.

Every key is listed in :data:`SETTINGS_DOCS` with its default and meaning; the README's settings
table must name each of them (a test checks it).
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# name -> (default shown in the docs, what it does)
SETTINGS_DOCS: dict[str, tuple[str, str]] = {
    "ROUNDS_DATA_DIR": (
        "./var",
        "Directory for the SQLite file, the secret key and uploaded documents.",
    ),
    "ROUNDS_DATABASE_URL": (
        "sqlite+aiosqlite:///./var/rounds.db",
        "SQLAlchemy async URL. SQLite (aiosqlite) by default; "
        "`postgresql+asyncpg://user@host:5432/db` for scale-out.",
    ),
    "ROUNDS_SECRET_KEY": (
        "generated into ./var/secret_key",
        "Key for signing CSRF tokens and patient links. Generated and stored on first run when absent.",
    ),
    "ROUNDS_REDIS_URL": (
        "(none)",
        "Redis shared by several server processes (`redis://127.0.0.1:6379/0`): room placement, node "
        "heartbeats and relayed signaling. Unset: one process hosts every live session.",
    ),
    "ROUNDS_NODE_ID": (
        "host-pid-random",
        "This process's name among several sharing Redis (must be unique). Generated when unset.",
    ),
    "ROUNDS_HEAP_TRIM_SECONDS": (
        "60",
        "How often a node hands the memory it has freed back to the system (glibc's malloc_trim); 0 never.",
    ),
    "ROUNDS_DRAIN_SECONDS": (
        "30",
        "On SIGTERM a node sharing Redis takes no new sessions and waits this long for its live ones to "
        "end before moving them to another node.",
    ),
    "ROUNDS_ICE_SERVERS": ("[]", "JSON list of RTCIceServer objects for WebRTC. None by default."),
    "ROUNDS_HOST": ("127.0.0.1", "Address `rounds serve` and `rounds demo` listen on."),
    "ROUNDS_PORT": ("8080", "Port `rounds serve` and `rounds demo` listen on."),
    "ROUNDS_OFFER_HOLD_DAYS": ("7", "How many days an offer holds a seat before it expires."),
    "ROUNDS_HOST_GRACE_SECONDS": (
        "120",
        "How long a live session waits for its host (the preceptor) to come back before it ends "
        "for everyone.",
    ),
    "ROUNDS_PATIENT_LINK_HOURS": (
        "24",
        "How long a patient's single-use visit link stays valid after the preceptor creates it.",
    ),
    "ROUNDS_MAX_UPLOAD_MB": ("10", "Largest document upload accepted, in megabytes."),
    "ROUNDS_SECURE_COOKIES": ("false", "Mark cookies Secure (set to true behind HTTPS)."),
    "ROUNDS_LOG_LEVEL": ("INFO", "Python logging level."),
}


# Read by the test suite, not by Rounds itself.
TEST_ONLY = frozenset({"ROUNDS_TEST_POSTGRES_URL"})


class SettingsError(ValueError):
    """A setting has a value Rounds cannot use; the message names the variable."""


@dataclass(frozen=True)
class Settings:
    """Everything configurable about a Rounds process."""

    data_dir: Path
    database_url: str
    secret_key: str
    redis_url: str | None = None
    node_id: str | None = None
    drain_seconds: int = 30
    heap_trim_seconds: int = 60
    ice_servers: tuple[dict[str, Any], ...] = ()
    host: str = "127.0.0.1"
    port: int = 8080
    offer_hold_days: int = 7
    host_grace_seconds: int = 120
    patient_link_hours: int = 24
    max_upload_bytes: int = 10 * 1024 * 1024
    secure_cookies: bool = False
    log_level: str = "INFO"
    unknown: tuple[str, ...] = ()  # ROUNDS_* variables that are not settings (likely typos)

    @property
    def documents_dir(self) -> Path:
        """Where uploaded documents are stored by content hash."""
        return self.data_dir / "documents"


def _int(
    env: Mapping[str, str], name: str, default: int, minimum: int = 1, maximum: int | None = None
) -> int:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError as exc:
        raise SettingsError(f"{name} must be a whole number, got {raw!r}") from exc
    if value < minimum:
        raise SettingsError(f"{name} must be at least {minimum}, got {value}")
    if maximum is not None and value > maximum:
        raise SettingsError(f"{name} must be at most {maximum}, got {value}")
    return value


def _node_id(raw: str | None) -> str | None:
    if not raw:
        return None
    if len(raw) > 60 or not all(c.isascii() and (c.isalnum() or c in "-_.") for c in raw):
        raise SettingsError("ROUNDS_NODE_ID must be 1-60 letters, digits, '-', '_' or '.'")
    return raw


def _ice_urls_ok(urls: object) -> bool:
    """RTCIceServer.urls: one URL or a non-empty list of them."""
    if isinstance(urls, str):
        return bool(urls)
    return isinstance(urls, list) and bool(urls) and all(isinstance(u, str) and u for u in urls)


def _ice_servers(raw: str | None) -> tuple[dict[str, Any], ...]:
    if not raw:
        return ()
    try:
        parsed = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise SettingsError(f"ROUNDS_ICE_SERVERS is not valid JSON: {exc}") from exc
    if not isinstance(parsed, list) or not all(
        isinstance(item, dict) and _ice_urls_ok(item.get("urls")) for item in parsed
    ):
        raise SettingsError(
            'ROUNDS_ICE_SERVERS must be a JSON list of objects with "urls", '
            'e.g. [{"urls": "turn:HOST:3478", "username": "U", "credential": "C"}]'
        )
    return tuple(parsed)


MIN_SECRET_KEY_LENGTH = 16


def _secret_key(env: Mapping[str, str], data_dir: Path) -> str:
    """Use ROUNDS_SECRET_KEY, else the key stored under the data dir, else make and store one."""
    configured = env.get("ROUNDS_SECRET_KEY")
    if configured:
        if len(configured) < MIN_SECRET_KEY_LENGTH:
            raise SettingsError(f"ROUNDS_SECRET_KEY must be at least {MIN_SECRET_KEY_LENGTH} characters long")
        return configured
    key_file = data_dir / "secret_key"
    if not key_file.exists():
        _store_new_key(key_file)
    stored = key_file.read_text().strip()
    if len(stored) < MIN_SECRET_KEY_LENGTH:
        raise SettingsError(
            f"The stored key {key_file} is shorter than {MIN_SECRET_KEY_LENGTH} characters; "
            "delete it to have a new one generated, or set ROUNDS_SECRET_KEY"
        )
    return stored


def _store_new_key(key_file: Path) -> None:
    """Write a new key readable by the owner only, atomically: the key file appears complete or
    not at all, and when two processes start at once the first one's key wins for both."""
    key_file.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=key_file.parent, prefix=".secret_key.")  # created 0600
    try:
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_urlsafe(48))
        with contextlib.suppress(FileExistsError):
            os.link(tmp, key_file)
    finally:
        os.unlink(tmp)


def load_settings(env: Mapping[str, str] | None = None) -> Settings:
    """Build the settings from ``env`` (the process environment by default)."""
    env = os.environ if env is None else env
    data_dir = Path(env.get("ROUNDS_DATA_DIR") or "./var").resolve()
    database_url = env.get("ROUNDS_DATABASE_URL") or f"sqlite+aiosqlite:///{data_dir / 'rounds.db'}"
    if not database_url.startswith(("sqlite+aiosqlite://", "postgresql+asyncpg://")):
        raise SettingsError(
            "ROUNDS_DATABASE_URL must start with sqlite+aiosqlite:// or postgresql+asyncpg://"
        )
    secure = (env.get("ROUNDS_SECURE_COOKIES") or "false").lower()
    if secure not in {"true", "false", "1", "0", "yes", "no"}:
        raise SettingsError("ROUNDS_SECURE_COOKIES must be true or false")
    return Settings(
        data_dir=data_dir,
        database_url=database_url,
        secret_key=_secret_key(env, data_dir),
        redis_url=env.get("ROUNDS_REDIS_URL") or None,
        node_id=_node_id(env.get("ROUNDS_NODE_ID")),
        drain_seconds=_int(env, "ROUNDS_DRAIN_SECONDS", 30, minimum=0, maximum=3600),
        heap_trim_seconds=_int(env, "ROUNDS_HEAP_TRIM_SECONDS", 60, minimum=0, maximum=3600),
        ice_servers=_ice_servers(env.get("ROUNDS_ICE_SERVERS")),
        host=env.get("ROUNDS_HOST") or "127.0.0.1",
        port=_int(env, "ROUNDS_PORT", 8080, maximum=65535),
        offer_hold_days=_int(env, "ROUNDS_OFFER_HOLD_DAYS", 7),
        host_grace_seconds=_int(env, "ROUNDS_HOST_GRACE_SECONDS", 120),
        patient_link_hours=_int(env, "ROUNDS_PATIENT_LINK_HOURS", 24),
        max_upload_bytes=_int(env, "ROUNDS_MAX_UPLOAD_MB", 10) * 1024 * 1024,
        secure_cookies=secure in {"true", "1", "yes"},
        log_level=(env.get("ROUNDS_LOG_LEVEL") or "INFO").upper(),
        unknown=tuple(
            sorted(
                k for k in env if k.startswith("ROUNDS_") and k not in SETTINGS_DOCS and k not in TEST_ONLY
            )
        ),
    )
