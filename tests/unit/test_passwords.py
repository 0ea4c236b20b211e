"""Passwords: argon2id with its production parameters, and the length rules."""

from __future__ import annotations

import subprocess
import sys
from typing import Any, Literal

import pytest
from argon2 import PasswordHasher

from server.domain.errors import Invalid
from server.services import accounts
from server.services.accounts import check_password_strength, hash_password


@pytest.mark.production_passwords
def test_passwords_are_hashed_with_argon2id_at_production_cost() -> None:
    hashed = hash_password("correct-horse-battery")
    assert hashed.startswith("$argon2id$")
    assert "correct-horse-battery" not in hashed
    assert hashed != hash_password("correct-horse-battery")  # salted
    default = PasswordHasher()
    assert f"m={default.memory_cost},t={default.time_cost},p={default.parallelism}" in hashed
    assert default.verify(hashed, "correct-horse-battery")


def test_password_length_rules() -> None:
    check_password_strength("0123456789")
    with pytest.raises(Invalid) as refused:
        check_password_strength("012345678")
    assert refused.value.field == "password"
    with pytest.raises(Invalid):
        check_password_strength("x" * 1025)


def test_importing_the_accounts_service_hashes_nothing() -> None:
    """Regression: the dummy hash unknown emails are checked against was made at import, costing every
    ``rounds`` command (and every server start) a production argon2 hash it might never use."""
    code = "import server.services.accounts as a; print(a._DUMMY_HASH)"
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert done.stdout.strip() == "None"


def test_an_unknown_email_is_checked_against_the_dummy_hash_and_never_matches(monkeypatch: Any) -> None:
    checked: list[str] = []

    class Recording(PasswordHasher):
        def verify(self, hash: str | bytes, password: str | bytes) -> Literal[True]:
            checked.append(str(hash))
            return super().verify(hash, password)

    cheap = Recording(time_cost=1, memory_cost=1024, parallelism=1)
    monkeypatch.setattr(accounts, "_hasher", cheap)
    monkeypatch.setattr(accounts, "_DUMMY_HASH", None)
    assert not accounts._password_matches(None, "rounds-timing-equaliser")  # even its own password
    assert accounts._DUMMY_HASH is not None and checked == [accounts._DUMMY_HASH]
    assert not accounts._password_matches(None, "anything")
    assert checked == [accounts._DUMMY_HASH] * 2  # made once, checked every time
