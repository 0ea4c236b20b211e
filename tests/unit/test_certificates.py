"""Certificates: content checks, verified hours, and a verification code that any change breaks."""

from __future__ import annotations

import dataclasses
import re
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import pytest

from server.domain.certificates import (
    CROCKFORD,
    Certificate,
    canonical_bytes,
    make_certificate,
    normalize_code,
    qr_payload,
    verification_code,
    verification_path,
    verified_hours,
    verify_code,
)
from server.domain.errors import Invalid
from server.domain.vocab import Modality, RotationType

SECRET = b"a-test-secret-of-32-bytes-length"
CODE_SHAPE = re.compile(r"[0-9A-HJKMNP-TV-Z]{5}(?:-[0-9A-HJKMNP-TV-Z]{5}){3}")


def certificate(**overrides: Any) -> Certificate:
    fields: dict[str, Any] = {
        "certificate_id": 41,
        "visitor_name": "Amina Diallo",
        "program": "Internal Medicine Telehealth Clinic",
        "rotation_type": "observership",
        "modality": "virtual",
        "preceptor_name": "Jane Roe, MD",
        "preceptor_title": "Associate Professor of Medicine",
        "start": date(2025, 3, 3),
        "end": date(2025, 3, 28),
        "sessions_attended": 12,
        "verified_seconds": 113_400,
        "issued_on": date(2025, 3, 31),
    }
    fields.update(overrides)
    return make_certificate(**fields)


def test_the_canonical_bytes_are_exactly_these() -> None:
    assert canonical_bytes(certificate()) == (
        b"rounds-certificate-v1\n"
        b'{"certificate_id":41,"end":"2025-03-28","issued_on":"2025-03-31","modality":"virtual",'
        b'"preceptor_name":"Jane Roe, MD","preceptor_title":"Associate Professor of Medicine",'
        b'"program":"Internal Medicine Telehealth Clinic","rotation_type":"observership",'
        b'"sessions_attended":12,"start":"2025-03-03","verified_seconds":113400,'
        b'"visitor_name":"Amina Diallo"}'
    )


def test_a_code_is_four_groups_of_five_and_verifies() -> None:
    code = verification_code(SECRET, certificate())
    assert CODE_SHAPE.fullmatch(code), code
    assert code == verification_code(SECRET, certificate())  # the same content, the same code
    assert verify_code(SECRET, certificate(), code)


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("certificate_id", 42),
        ("visitor_name", "Amina Dialo"),
        ("program", "Internal Medicine Clinic"),
        ("rotation_type", RotationType.HANDS_ON),
        ("modality", Modality.HYBRID),
        ("preceptor_name", "John Roe, MD"),
        ("preceptor_title", "Professor of Medicine"),
        ("start", date(2025, 3, 4)),
        ("end", date(2025, 3, 27)),
        ("sessions_attended", 13),
        ("verified_seconds", 113_401),  # one second more: the same 31.5 hours shown, still a change
        ("issued_on", date(2025, 4, 1)),
    ],
)
def test_changing_any_field_fails_verification(name: str, value: Any) -> None:
    code = verification_code(SECRET, certificate())
    tampered = dataclasses.replace(certificate(), **{name: value})
    assert not verify_code(SECRET, tampered, code)


@pytest.mark.parametrize("position", range(20))
def test_changing_any_character_of_the_code_fails_verification(position: int) -> None:
    code = verification_code(SECRET, certificate())
    raw = code.replace("-", "")
    swapped = CROCKFORD[(CROCKFORD.index(raw[position]) + 1) % len(CROCKFORD)]
    tampered = raw[:position] + swapped + raw[position + 1 :]
    assert not verify_code(SECRET, certificate(), tampered)


def test_another_secret_gives_another_code() -> None:
    code = verification_code(SECRET, certificate())
    assert not verify_code(b"another-secret-of-enough-length!", certificate(), code)


def test_a_code_typed_loosely_still_verifies() -> None:
    code = verification_code(SECRET, certificate())
    loose = " " + code.lower().replace("-", " ").replace("0", "o").replace("1", "l") + " "
    assert normalize_code(loose) == code
    assert verify_code(SECRET, certificate(), loose)


@pytest.mark.parametrize("code", [None, 12345, "", "ABCDE", "ABCDE-FGHJK-MNPQR-STVWU", "A" * 21, "-" * 70])
def test_malformed_codes_fail(code: object) -> None:
    assert normalize_code(code) is None
    assert not verify_code(SECRET, certificate(), code)


def test_a_short_secret_is_a_configuration_error() -> None:
    with pytest.raises(ValueError):
        verification_code(b"short", certificate())


def test_unicode_text_is_normalised_before_signing() -> None:
    composed = certificate(visitor_name="Jos\u00e9 Garc\u00eda")
    decomposed = certificate(visitor_name="Jose\u0301 Garci\u0301a")
    assert composed == decomposed
    assert verify_code(SECRET, decomposed, verification_code(SECRET, composed))


@pytest.mark.parametrize(
    ("seconds", "hours"),
    [(0, "0.0"), (359, "0.0"), (360, "0.1"), (3600, "1.0"), (5399, "1.4"), (113_400, "31.5")],
)
def test_verified_hours_round_down_to_a_tenth(seconds: int, hours: str) -> None:
    assert verified_hours(seconds) == Decimal(hours)


@pytest.mark.parametrize("seconds", [-1, 1.5, "3600", True])
def test_verified_hours_refuse_bad_seconds(seconds: object) -> None:
    with pytest.raises(Invalid):
        verified_hours(seconds)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"visitor_name": ""}, "visitor_name"),
        ({"visitor_name": 7}, "visitor_name"),
        ({"visitor_name": "x" * 201}, "visitor_name"),
        ({"program": "Line one\nLine two"}, "program"),
        ({"rotation_type": "clerkship"}, "rotation_type"),
        ({"modality": 3}, "modality"),
        ({"end": date(2025, 3, 2)}, "end"),
        ({"issued_on": date(2025, 3, 27)}, "issued_on"),
        ({"start": datetime(2025, 3, 3, 9, 0)}, "start"),
        ({"sessions_attended": -1}, "sessions_attended"),
        ({"verified_seconds": 26 * 86_400 + 1}, "verified_seconds"),  # more than 26 whole days hold
        ({"certificate_id": 0}, "certificate_id"),
    ],
)
def test_bad_content_is_refused(overrides: dict[str, Any], field: str) -> None:
    with pytest.raises(Invalid) as caught:
        certificate(**overrides)
    assert caught.value.field == field


def test_the_qr_payload_is_the_public_verification_path() -> None:
    code = verification_code(SECRET, certificate())
    assert verification_path(code.lower()) == f"/certificates/verify/{code}"
    assert qr_payload(code) == f"/certificates/verify/{code}"
    assert qr_payload(code, "https://rounds.example/") == f"https://rounds.example/certificates/verify/{code}"
    with pytest.raises(Invalid):
        verification_path("../../etc/passwd")


def test_the_statement_reads_from_the_content() -> None:
    assert certificate().statement() == (
        "Amina Diallo completed a virtual observership rotation in Internal Medicine Telehealth Clinic with "
        "Jane Roe, MD, Associate Professor of Medicine from 3 Mar 2025 to 28 Mar 2025, attending 12 sessions "
        "for 31.5 verified hours."
    )
