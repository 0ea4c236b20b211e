"""Settings: one frozen object built from ``ROUNDS_*`` environment variables.

Each setting is declared once, as a field of :class:`Settings`: its variable, its default, what it
does and how its text is read. The loader (:func:`load_settings`), the list of known variables and
the README's settings table (:data:`SETTINGS`, rendered by tests/unit/test_settings_documented.py)
are all derived from those declarations.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from email.utils import parseaddr
from pathlib import Path
from typing import Any, Generic, TypeVar
from urllib.parse import urlsplit

T = TypeVar("T")

# Read by the test suite, not by Rounds itself.
TEST_ONLY = frozenset({"ROUNDS_TEST_POSTGRES_URL"})

MIN_SECRET_KEY_LENGTH = 16

# The key under which a field's metadata holds its declaration.
_DECLARED = "rounds.setting"


class SettingsError(ValueError):
    """A setting has a value Rounds cannot use; the message names the variable."""


@dataclass(frozen=True)
class Setting(Generic[T]):
    """One ``ROUNDS_*`` variable: its name, the default the README shows, what it does, and how
    its text becomes the value.

    ``parse`` raises ValueError with a message that reads on from the variable's name ("must be
    ..."). ``unset`` computes the value when the variable is absent for settings whose default is
    not a fixed value (it depends on the other settings or on the disk); it receives the values
    read so far, in declaration order.
    """

    env: str
    shown: str
    help: str
    parse: Callable[[str], T]
    unset: Callable[[Mapping[str, Any]], T] | None = None

    def read(self, raw: str) -> T:
        """The value of ``raw``, or SettingsError naming the variable."""
        try:
            return self.parse(raw)
        except SettingsError:
            raise
        except ValueError as exc:
            raise SettingsError(f"{self.env} {exc}") from exc


def setting(env: str, default: str, help: str, parse: Callable[[str], T]) -> T:
    """Declare a setting with a fixed default, given as the variable's text (what the README shows);
    the field's Python default is that text parsed."""
    declared = Setting(env, default, help, parse)
    # At run time this is a Field, which dataclasses reads; typeshed types it as its default.
    return field(default=parse(default), metadata={_DECLARED: declared})


def optional(env: str, shown: str, help: str, parse: Callable[[str], T]) -> T | None:
    """Declare a setting that is None when unset; ``shown`` says in the README what that means."""
    declared = Setting(env, shown, help, parse)
    return field(default=None, metadata={_DECLARED: declared})


def derived(
    env: str,
    shown: str,
    help: str,
    parse: Callable[[str], T],
    unset: Callable[[Mapping[str, Any]], T] | None = None,
) -> dict[str, Setting[T]]:
    """The metadata of a required field (no Python default) whose value, when unset, the loader
    computes: ``unset(values so far)``, or ``shown`` parsed at load time (e.g. a path relative to
    the working directory). Used as ``field(metadata=derived(...))`` so that mypy knows the
    field has no default."""
    if unset is None:

        def unset(_: Mapping[str, Any]) -> T:
            return parse(shown)

    return {_DECLARED: Setting(env, shown, help, parse, unset)}


# --- parsers: text -> value, ValueError("must ...") when the text is unusable ---


def text(raw: str) -> str:
    """Any non-empty text, as given."""
    return raw


def whole(minimum: int = 1, maximum: int | None = None) -> Callable[[str], int]:
    """A whole number within [minimum, maximum]."""

    def parse(raw: str) -> int:
        try:
            value = int(raw)
        except ValueError as exc:
            raise ValueError(f"must be a whole number, got {raw!r}") from exc
        if value < minimum:
            raise ValueError(f"must be at least {minimum}, got {value}")
        if maximum is not None and value > maximum:
            raise ValueError(f"must be at most {maximum}, got {value}")
        return value

    return parse


def megabytes(raw: str) -> int:
    """A whole number of megabytes (at least 1), in bytes."""
    return whole()(raw) * 1024 * 1024


def yes_or_no(raw: str) -> bool:
    """true/false, 1/0 or yes/no, in any case."""
    word = raw.lower()
    if word not in {"true", "false", "1", "0", "yes", "no"}:
        raise ValueError("must be true or false")
    return word in {"true", "1", "yes"}


def absolute_path(raw: str) -> Path:
    """A directory, made absolute against the working directory at load time."""
    return Path(raw).resolve()


def async_database_url(raw: str) -> str:
    """An SQLAlchemy async URL for one of the two databases Rounds runs on."""
    if not raw.startswith(("sqlite+aiosqlite://", "postgresql+asyncpg://")):
        raise ValueError("must start with sqlite+aiosqlite:// or postgresql+asyncpg://")
    return raw


def safe_name(raw: str) -> str:
    """A short name safe in Redis keys and logs."""
    if len(raw) > 60 or not all(c.isascii() and (c.isalnum() or c in "-_.") for c in raw):
        raise ValueError("must be 1-60 letters, digits, '-', '_' or '.'")
    return raw


def _ice_urls_ok(urls: object) -> bool:
    """RTCIceServer.urls: one URL or a non-empty list of them."""
    if isinstance(urls, str):
        return bool(urls)
    return isinstance(urls, list) and bool(urls) and all(isinstance(u, str) and u for u in urls)


def ice_server_list(raw: str) -> tuple[dict[str, Any], ...]:
    """A JSON list of RTCIceServer objects, each with ``urls``."""
    try:
        parsed = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise ValueError(f"is not valid JSON: {exc}") from exc
    if not isinstance(parsed, list) or not all(
        isinstance(item, dict) and _ice_urls_ok(item.get("urls")) for item in parsed
    ):
        raise ValueError(
            'must be a JSON list of objects with "urls", '
            'e.g. [{"urls": "turn:HOST:3478", "username": "U", "credential": "C"}]'
        )
    return tuple(parsed)


def turn_url_list(raw: str) -> tuple[str, ...]:
    """Comma-separated ``turn:`` or ``turns:`` URLs (e.g. ``turn:198.18.0.2:3478?transport=udp``)."""
    urls = tuple(part.strip() for part in raw.split(",") if part.strip())
    if not urls or not all(url.startswith(("turn:", "turns:")) and len(url) > 6 for url in urls):
        raise ValueError("must be comma-separated turn: or turns: URLs, e.g. turn:HOST:3478?transport=udp")
    return urls


def level_name(raw: str) -> str:
    """A logging level name, upper-cased as the logging module wants it."""
    return raw.upper()


def signing_key(raw: str) -> str:
    """A key given in the environment: long enough to sign with."""
    if len(raw) < MIN_SECRET_KEY_LENGTH:
        raise ValueError(f"must be at least {MIN_SECRET_KEY_LENGTH} characters long")
    return raw


def http_url(raw: str) -> str:
    """An http(s) URL with a host and no path beyond "/", kept without its trailing slash."""
    parts = urlsplit(raw)
    if parts.scheme not in {"http", "https"} or not parts.netloc or parts.path not in {"", "/"}:
        raise ValueError(
            "must be an http:// or https:// address with no path, e.g. https://rounds.example.org"
        )
    if parts.query or parts.fragment:
        raise ValueError("must have no query or fragment")
    return raw.rstrip("/")


SMTP_TLS_MODES = ("starttls", "tls", "none")


def smtp_tls_mode(raw: str) -> str:
    """How the connection to the SMTP server is protected: one of :data:`SMTP_TLS_MODES`."""
    mode = raw.lower()
    if mode not in SMTP_TLS_MODES:
        raise ValueError("must be starttls, tls or none")
    return mode


def mail_address(raw: str) -> str:
    """An address for the From header, bare (``a@b.org``) or with a name (``Rounds <a@b.org>``)."""
    _, address = parseaddr(raw)
    local, _, domain = address.partition("@")
    if not local or not domain or "\n" in raw or "\r" in raw:
        raise ValueError(
            f"must be an email address, optionally with a name (Rounds <rounds@example.org>), got {raw!r}"
        )
    return raw


# --- defaults computed at load time ---


def _sqlite_in_data_dir(values: Mapping[str, Any]) -> str:
    data_dir: Path = values["data_dir"]
    return f"sqlite+aiosqlite:///{data_dir / 'rounds.db'}"


def _stored_secret_key(values: Mapping[str, Any]) -> str:
    """The key stored under the data dir, made and stored first when there is none."""
    data_dir: Path = values["data_dir"]
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


# The field order is the README table's order.
@dataclass(frozen=True)
class Settings:
    """Everything configurable about a Rounds process."""

    data_dir: Path = field(
        metadata=derived(
            "ROUNDS_DATA_DIR",
            "./var",
            "Directory for the SQLite file, the secret key and uploaded documents.",
            absolute_path,
        )
    )
    database_url: str = field(
        metadata=derived(
            "ROUNDS_DATABASE_URL",
            "sqlite+aiosqlite:///./var/rounds.db",
            "SQLAlchemy async URL. SQLite (aiosqlite) by default; "
            "`postgresql+asyncpg://user@host:5432/db` for scale-out.",
            async_database_url,
            unset=_sqlite_in_data_dir,
        )
    )
    secret_key: str = field(
        metadata=derived(
            "ROUNDS_SECRET_KEY",
            "generated into ./var/secret_key",
            "Key for signing CSRF tokens and patient links. Generated and stored on first run when absent.",
            signing_key,
            unset=_stored_secret_key,
        )
    )
    redis_url: str | None = optional(
        "ROUNDS_REDIS_URL",
        "(none)",
        "Redis shared by several server processes (`redis://127.0.0.1:6379/0`): room placement, node "
        "heartbeats and relayed signaling. Unset: one process hosts every live session.",
        text,
    )
    node_id: str | None = optional(
        "ROUNDS_NODE_ID",
        "host-pid-random",
        "This process's name among several sharing Redis (must be unique). Generated when unset.",
        safe_name,
    )
    heap_trim_seconds: int = setting(
        "ROUNDS_HEAP_TRIM_SECONDS",
        "60",
        "How often a node hands the memory it has freed back to the system (glibc's malloc_trim); 0 never.",
        whole(minimum=0, maximum=3600),
    )
    drain_seconds: int = setting(
        "ROUNDS_DRAIN_SECONDS",
        "30",
        "On SIGTERM a node sharing Redis takes no new sessions and waits this long for its live ones to "
        "end before moving them to another node.",
        whole(minimum=0, maximum=3600),
    )
    ice_servers: tuple[dict[str, Any], ...] = setting(
        "ROUNDS_ICE_SERVERS",
        "[]",
        "JSON list of RTCIceServer objects for WebRTC. None by default.",
        ice_server_list,
    )
    turn_urls: tuple[str, ...] | None = optional(
        "ROUNDS_TURN_URLS",
        "(none)",
        "Comma-separated turn:/turns: URLs of a TURN server (coturn) sharing ROUNDS_TURN_SECRET. Each "
        "participant gets its own short-lived credentials for them; the server itself does not use them.",
        turn_url_list,
    )
    turn_secret: str | None = optional(
        "ROUNDS_TURN_SECRET",
        "(none)",
        "The TURN server's shared secret (coturn's `static-auth-secret`). Required with ROUNDS_TURN_URLS.",
        text,
    )
    turn_ttl_seconds: int = setting(
        "ROUNDS_TURN_TTL_SECONDS",
        "3600",
        "How long a participant's TURN credentials stay valid after they join.",
        whole(minimum=60, maximum=7 * 24 * 3600),
    )
    host: str = setting(
        "ROUNDS_HOST", "127.0.0.1", "Address `rounds serve` and `rounds demo` listen on.", text
    )
    port: int = setting(
        "ROUNDS_PORT", "8080", "Port `rounds serve` and `rounds demo` listen on.", whole(maximum=65535)
    )
    offer_hold_days: int = setting(
        "ROUNDS_OFFER_HOLD_DAYS", "7", "How many days an offer holds a seat before it expires.", whole()
    )
    host_grace_seconds: int = setting(
        "ROUNDS_HOST_GRACE_SECONDS",
        "120",
        "How long a live session waits for its host (the preceptor) to come back before it ends "
        "for everyone.",
        whole(),
    )
    max_sockets: int = setting(
        "ROUNDS_MAX_SOCKETS",
        "2000",
        "WebSockets one process holds open at most (live sessions and pre-call checks together); past it "
        "a new one is refused with 503 and Retry-After, and the refusals are logged once a minute.",
        whole(maximum=1_000_000),
    )
    max_sockets_per_client: int = setting(
        "ROUNDS_MAX_SOCKETS_PER_CLIENT",
        "20",
        "WebSockets one client address may hold open at once; past it a new one is refused with 429. "
        "Behind a reverse proxy every browser has the proxy's address: raise it there.",
        whole(maximum=1_000_000),
    )
    join_timeout_seconds: int = setting(
        "ROUNDS_JOIN_TIMEOUT_SECONDS",
        "30",
        "A live-session WebSocket that has not sent `join` this long after opening is closed (with an "
        "`error`, code `join_timeout`); a pre-call check socket is closed this long after opening.",
        whole(maximum=3600),
    )
    patient_link_hours: int = setting(
        "ROUNDS_PATIENT_LINK_HOURS",
        "24",
        "How long a patient's single-use visit link stays valid after the preceptor creates it.",
        whole(),
    )
    max_upload_bytes: int = setting(
        "ROUNDS_MAX_UPLOAD_MB", "10", "Largest document upload accepted, in megabytes.", megabytes
    )
    secure_cookies: bool = setting(
        "ROUNDS_SECURE_COOKIES", "false", "Mark cookies Secure (set to true behind HTTPS).", yes_or_no
    )
    log_level: str = setting("ROUNDS_LOG_LEVEL", "INFO", "Python logging level.", level_name)
    public_url: str | None = optional(
        "ROUNDS_PUBLIC_URL",
        "http://ROUNDS_HOST:ROUNDS_PORT",
        "The address people reach Rounds at (`https://rounds.example.org`): the links in emails start "
        "with it. Never taken from a request's Host header.",
        http_url,
    )
    smtp_host: str | None = optional(
        "ROUNDS_SMTP_HOST",
        "(none)",
        "SMTP server that Rounds sends its email through. Unset: mail is kept in the database and shown "
        "on the demo outbox page (`/demo/outbox`) instead of being sent.",
        text,
    )
    smtp_port: int = setting("ROUNDS_SMTP_PORT", "587", "The SMTP server's port.", whole(maximum=65535))
    smtp_tls: str = setting(
        "ROUNDS_SMTP_TLS",
        "starttls",
        "`starttls` (upgrade the connection, usually port 587), `tls` (TLS from the start, usually 465) "
        "or `none` (a relay on this machine only).",
        smtp_tls_mode,
    )
    smtp_username: str | None = optional(
        "ROUNDS_SMTP_USERNAME", "(none)", "User name to log in to the SMTP server, if it asks.", text
    )
    smtp_password: str | None = optional(
        "ROUNDS_SMTP_PASSWORD",
        "(none)",
        "Password to log in to the SMTP server; with ROUNDS_SMTP_USERNAME.",
        text,
    )
    mail_from: str = setting(
        "ROUNDS_MAIL_FROM",
        "Rounds <rounds@localhost>",
        "The From address of every email Rounds sends.",
        mail_address,
    )
    # Not a setting: ROUNDS_* variables that are not settings (likely typos), for the CLI to warn of.
    unknown: tuple[str, ...] = ()

    @property
    def documents_dir(self) -> Path:
        """Where uploaded documents are stored by content hash."""
        return self.data_dir / "documents"

    @property
    def base_url(self) -> str:
        """Where links in emails point: ROUNDS_PUBLIC_URL, else the address Rounds listens on."""
        return self.public_url or f"http://{self.host}:{self.port}"


# attribute of Settings -> its declaration, in declaration (and README) order.
SETTINGS: dict[str, Setting[Any]] = {
    f.name: f.metadata[_DECLARED] for f in fields(Settings) if _DECLARED in f.metadata
}


def load_settings(env: Mapping[str, str] | None = None) -> Settings:
    """Build the settings from ``env`` (the process environment by default).

    An empty variable counts as unset. Every given value is checked before any default is
    computed, so a bad value stops the process before a secret key is written to disk.
    """
    env = os.environ if env is None else env
    values: dict[str, Any] = {}
    for attribute, declared in SETTINGS.items():
        raw = env.get(declared.env)
        if raw:
            values[attribute] = declared.read(raw)
    for attribute, declared in SETTINGS.items():
        if attribute not in values and declared.unset is not None:
            values[attribute] = declared.unset(values)
    _check_turn(values)
    _check_smtp_login(values)
    return Settings(**values, unknown=unknown_variables(env))


def _check_turn(values: Mapping[str, Any]) -> None:
    """TURN needs both its URLs and its secret: one without the other is a mistake, not a choice."""
    if (values.get("turn_urls") is None) != (values.get("turn_secret") is None):
        raise SettingsError("ROUNDS_TURN_URLS and ROUNDS_TURN_SECRET must be set together")


def _check_smtp_login(values: Mapping[str, Any]) -> None:
    """An SMTP login needs both halves."""
    if (values.get("smtp_username") is None) != (values.get("smtp_password") is None):
        raise SettingsError("ROUNDS_SMTP_USERNAME and ROUNDS_SMTP_PASSWORD must be set together")


def unknown_variables(env: Mapping[str, str]) -> tuple[str, ...]:
    """The ``ROUNDS_*`` names in ``env`` that are neither settings nor the tests' own, sorted."""
    known = {declared.env for declared in SETTINGS.values()} | TEST_ONLY
    return tuple(sorted(k for k in env if k.startswith("ROUNDS_") and k not in known))
