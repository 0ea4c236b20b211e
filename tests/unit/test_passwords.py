"""Passwords: argon2id with its production parameters, and the length rules."""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher

from server.domain.errors import Invalid
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
