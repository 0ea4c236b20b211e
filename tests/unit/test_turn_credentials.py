"""Per-participant TURN credentials: coturn's shared-secret scheme (``use-auth-secret``), the settings
that turn it on, and what reaches a participant's ``welcome``."""

from __future__ import annotations

from pathlib import Path

import pytest

from server.config import SettingsError, load_settings
from server.live.turn import participant_ice_servers, turn_ice_server, turn_password, turn_username

SECRET = "north-shore-turn-secret"
URLS = ("turn:198.18.0.2:3478?transport=udp", "turn:198.18.0.2:3478?transport=tcp")


def test_password_matches_coturns_scheme_known_answer() -> None:
    # Computed independently:
    # printf '1433895918:user-7' | openssl dgst -sha1 -hmac SECRET -binary | base64
    assert turn_password(SECRET, "1433895918:user-7") == "J1L8PHUM5ipcuBEThXgguMS48mE="


def test_username_puts_the_expiry_first_for_coturn_to_read() -> None:
    assert turn_username("patient-3f2a", 1433895918) == "1433895918:patient-3f2a"


def test_ice_server_entry_expires_after_the_ttl() -> None:
    entry = turn_ice_server(URLS, SECRET, "user-7", now=1433892318.6, ttl_seconds=3600)
    assert entry == {
        "urls": list(URLS),
        "username": "1433895918:user-7",
        "credential": "J1L8PHUM5ipcuBEThXgguMS48mE=",
    }


def env(tmp_path: Path, **values: str) -> dict[str, str]:
    return {"ROUNDS_DATA_DIR": str(tmp_path / "var"), "ROUNDS_SECRET_KEY": "k" * 32, **values}


def test_each_participant_gets_its_own_fresh_credentials(tmp_path: Path) -> None:
    settings = load_settings(
        env(
            tmp_path,
            ROUNDS_TURN_URLS=",".join(URLS),
            ROUNDS_TURN_SECRET=SECRET,
            ROUNDS_TURN_TTL_SECONDS="600",
        )
    )
    assert settings.turn_urls == URLS
    now = [1000.0]
    servers_for = participant_ice_servers(settings, clock=lambda: now[0])
    first = servers_for("user-7")
    now[0] = 2000.0
    second = servers_for("user-7")
    other = servers_for("patient-9")
    assert [e["username"] for e in (*first, *second, *other)] == [
        "1600:user-7",
        "2600:user-7",
        "2600:patient-9",
    ]
    assert first[0]["credential"] == turn_password(SECRET, "1600:user-7")
    assert other[0]["urls"] == list(URLS)


def test_without_turn_settings_nobody_gets_a_turn_entry(tmp_path: Path) -> None:
    settings = load_settings(env(tmp_path))
    assert settings.turn_urls is None and settings.turn_secret is None
    assert settings.turn_ttl_seconds == 3600
    assert participant_ice_servers(settings)("user-7") == []


@pytest.mark.parametrize(
    ("values", "says"),
    [
        ({"ROUNDS_TURN_URLS": "stun:198.18.0.2:3478", "ROUNDS_TURN_SECRET": SECRET}, "ROUNDS_TURN_URLS"),
        ({"ROUNDS_TURN_URLS": " , ", "ROUNDS_TURN_SECRET": SECRET}, "ROUNDS_TURN_URLS"),
        ({"ROUNDS_TURN_URLS": URLS[0]}, "set together"),
        ({"ROUNDS_TURN_SECRET": SECRET}, "set together"),
        ({"ROUNDS_TURN_TTL_SECONDS": "5"}, "ROUNDS_TURN_TTL_SECONDS"),
    ],
)
def test_unusable_turn_settings_are_refused(tmp_path: Path, values: dict[str, str], says: str) -> None:
    with pytest.raises(SettingsError, match=says):
        load_settings(env(tmp_path, **values))
