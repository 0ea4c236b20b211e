"""Settings come from ROUNDS_* variables; bad values are refused with the variable's name."""

from __future__ import annotations

import stat
from dataclasses import fields
from pathlib import Path

import pytest

from server.config import SETTINGS, Settings, SettingsError, load_settings


def env(tmp_path: Path, **values: str) -> dict[str, str]:
    return {"ROUNDS_DATA_DIR": str(tmp_path / "var"), **values}


def test_defaults(tmp_path: Path) -> None:
    settings = load_settings(env(tmp_path))
    assert settings.data_dir == (tmp_path / "var").resolve()
    assert settings.database_url == f"sqlite+aiosqlite:///{settings.data_dir / 'rounds.db'}"
    assert settings.port == 8080
    assert settings.host == "127.0.0.1"
    assert settings.offer_hold_days == 7
    assert settings.max_upload_bytes == 10 * 1024 * 1024
    assert settings.ice_servers == ()
    assert settings.redis_url is None
    assert settings.secure_cookies is False
    assert settings.documents_dir == settings.data_dir / "documents"
    assert settings.heap_trim_seconds == 60


def test_values_are_read(tmp_path: Path) -> None:
    settings = load_settings(
        env(
            tmp_path,
            ROUNDS_PORT="9000",
            ROUNDS_OFFER_HOLD_DAYS="3",
            ROUNDS_MAX_UPLOAD_MB="2",
            ROUNDS_SECURE_COOKIES="yes",
            ROUNDS_ICE_SERVERS='[{"urls": ["stun:stun.example.org:3478"]}]',
            ROUNDS_DATABASE_URL="postgresql+asyncpg://u@db:5432/rounds",
            ROUNDS_LOG_LEVEL="debug",
            ROUNDS_HEAP_TRIM_SECONDS="0",
        )
    )
    assert settings.heap_trim_seconds == 0
    assert settings.port == 9000
    assert settings.offer_hold_days == 3
    assert settings.max_upload_bytes == 2 * 1024 * 1024
    assert settings.secure_cookies is True
    assert settings.ice_servers == ({"urls": ["stun:stun.example.org:3478"]},)
    assert settings.database_url == "postgresql+asyncpg://u@db:5432/rounds"
    assert settings.log_level == "DEBUG"


@pytest.mark.parametrize(
    ("name", "value", "says"),
    [
        ("ROUNDS_PORT", "eighty", "whole number"),
        ("ROUNDS_PORT", "80.5", "whole number"),
        ("ROUNDS_PORT", "0", "at least 1"),
        ("ROUNDS_PORT", "70000", "65535"),
        ("ROUNDS_OFFER_HOLD_DAYS", "-1", "at least 1"),
        ("ROUNDS_OFFER_HOLD_DAYS", "seven", "whole number"),
        ("ROUNDS_MAX_UPLOAD_MB", "0", "at least 1"),
        ("ROUNDS_HEAP_TRIM_SECONDS", "-5", "at least 0"),
        ("ROUNDS_HEAP_TRIM_SECONDS", "often", "whole number"),
        ("ROUNDS_SECURE_COOKIES", "maybe", "true or false"),
        ("ROUNDS_DATABASE_URL", "mysql://x/y", "sqlite+aiosqlite"),
    ],
)
def test_bad_values_name_the_variable(tmp_path: Path, name: str, value: str, says: str) -> None:
    with pytest.raises(SettingsError) as refused:
        load_settings(env(tmp_path, **{name: value}))
    assert name in str(refused.value)
    assert says in str(refused.value)


@pytest.mark.parametrize(
    "value",
    [
        "not json",
        "{'urls': 'stun:x'}",
        '{"urls": "stun:stun.example.org"}',
        '["stun:stun.example.org"]',
        '[{"username": "u"}]',
        '[{"urls": 5}]',
        '[{"urls": []}]',
    ],
)
def test_bad_ice_servers_are_refused(tmp_path: Path, value: str) -> None:
    with pytest.raises(SettingsError, match="ROUNDS_ICE_SERVERS"):
        load_settings(env(tmp_path, ROUNDS_ICE_SERVERS=value))


def test_secret_key_is_generated_once_then_reused_owner_only(tmp_path: Path) -> None:
    first = load_settings(env(tmp_path))
    key_file = first.data_dir / "secret_key"
    assert key_file.exists()
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert len(first.secret_key) >= 32
    assert key_file.read_text().strip() == first.secret_key
    again = load_settings(env(tmp_path))
    assert again.secret_key == first.secret_key
    elsewhere = load_settings({"ROUNDS_DATA_DIR": str(tmp_path / "other")})
    assert elsewhere.secret_key != first.secret_key


def test_configured_secret_key_wins_and_nothing_is_written(tmp_path: Path) -> None:
    settings = load_settings(env(tmp_path, ROUNDS_SECRET_KEY="k" * 40))
    assert settings.secret_key == "k" * 40
    assert not (settings.data_dir / "secret_key").exists()


def test_short_secret_key_is_refused(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match="ROUNDS_SECRET_KEY"):
        load_settings(env(tmp_path, ROUNDS_SECRET_KEY="short"))


def test_a_damaged_stored_key_is_refused_not_used(tmp_path: Path) -> None:
    data_dir = tmp_path / "var"
    data_dir.mkdir()
    (data_dir / "secret_key").write_text("\n")
    with pytest.raises(SettingsError, match="secret_key"):
        load_settings(env(tmp_path))


def test_unknown_rounds_variables_are_noted_as_likely_typos(tmp_path: Path) -> None:
    settings = load_settings(env(tmp_path, ROUNDS_TYPO_PORT="1", ROUNDS_TEST_POSTGRES_URL="x", OTHER="1"))
    assert settings.unknown == ("ROUNDS_TYPO_PORT",)


def test_every_field_but_unknown_is_a_declared_setting() -> None:
    """A field added without a declaration would be missing from the loader and the README."""
    assert [f.name for f in fields(Settings) if f.name not in SETTINGS] == ["unknown"]
    assert len({declared.env for declared in SETTINGS.values()}) == len(SETTINGS)


def test_a_bad_value_stops_before_a_secret_key_is_written(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match="ROUNDS_PORT"):
        load_settings(env(tmp_path, ROUNDS_PORT="eighty"))
    assert not (tmp_path / "var" / "secret_key").exists()
