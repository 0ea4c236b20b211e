"""Certificates of completion: their content, verified hours, and a verification code anyone can check.

Plain Python, no I/O. A certificate states who completed which rotation (type, modality, program,
preceptor, dates), the sessions attended and the verified hours. Sessions and hours come from the server's
attendance records (``server.domain.visits.merged_seconds``), never from what anyone typed: the caller
passes seconds and this module turns them into hours, rounding *down* to a tenth so a certificate never
overstates.

The verification code
---------------------
``code = HMAC-SHA256(secret, canonical bytes)`` truncated to 100 bits and written as 20 characters of
Crockford's base32 (digits and capitals without I, L, O, U, so nothing reads as something else) in four
groups of five: ``7K3QD-9XW2M-A0ZFT-H4C8R``. The canonical bytes are a purpose prefix
(``rounds-certificate-v1``) and a JSON object of every field (sorted keys, no spaces, ASCII escapes, text
NFC-normalised and trimmed, dates ISO 8601, hours as whole seconds), so the same content always gives the
same code and changing any field - or any character of the code - makes :func:`verify_code` fail.
100 bits cannot be guessed; the public page should still rate-limit look-ups.

Only a holder of the secret can make a valid code; the service keeps the secret in its settings, stores the
code with the certificate, finds the certificate by code on the public page and re-verifies the stored
content against it there, so a certificate altered in the database shows as not genuine.

The QR code encodes :func:`verification_path` (optionally behind the site's base URL).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import ROUND_DOWN, Decimal

from server.domain.dates import human_day
from server.domain.errors import Invalid
from server.domain.text import checked_text
from server.domain.vocab import MODALITY_LABELS, ROTATION_LABELS, Modality, RotationType

CANONICAL_PREFIX = b"rounds-certificate-v1\n"
NAME_MAX = 200
TITLE_MAX = 200
MIN_SECRET_BYTES = 16
SESSIONS_MAX = 10_000
CODE_CHARS = 20
CODE_GROUP = 5
VERIFY_PATH = "/certificates/verify/"
# Crockford's base32: no I, L, O, U. Readers forgive the look-alikes on input (see normalize_code).
CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_LOOK_ALIKES = str.maketrans({"O": "0", "I": "1", "L": "1"})


def verified_hours(seconds: int) -> Decimal:
    """Hours from attended seconds, rounded down to a tenth (5399 s -> 1.4): never more than was attended."""
    if isinstance(seconds, bool) or not isinstance(seconds, int) or seconds < 0:
        raise Invalid("Attended time must be a whole number of seconds from 0.", field="verified_seconds")
    return (Decimal(seconds) / Decimal(3600)).quantize(Decimal("0.1"), rounding=ROUND_DOWN)


@dataclass(frozen=True, slots=True)
class Certificate:
    """A checked certificate's content. Make one with :func:`make_certificate` (also when reading one back
    from storage): the code is computed over exactly these canonical values."""

    certificate_id: int
    visitor_name: str
    program: str
    rotation_type: RotationType
    modality: Modality
    preceptor_name: str
    preceptor_title: str
    start: date
    end: date
    sessions_attended: int
    verified_seconds: int
    issued_on: date

    @property
    def verified_hours(self) -> Decimal:
        """The hours the certificate states (see :func:`verified_hours`)."""
        return verified_hours(self.verified_seconds)

    def statement(self) -> str:
        """The certificate's sentence, as the PDF and the public page print it."""
        preceptor = (
            f"{self.preceptor_name}, {self.preceptor_title}" if self.preceptor_title else self.preceptor_name
        )
        sessions = "1 session" if self.sessions_attended == 1 else f"{self.sessions_attended} sessions"
        return (
            f"{self.visitor_name} completed a {MODALITY_LABELS[self.modality].lower()} "
            f"{ROTATION_LABELS[self.rotation_type].lower()} rotation in {self.program} with {preceptor} "
            f"from {human_day(self.start)} to {human_day(self.end)}, attending {sessions} for "
            f"{self.verified_hours} verified hours."
        )


def _text(value: object, limit: int, field: str, *, required: bool = True) -> str:
    # NFC so that "é" typed as one character or as e + accent is the same certificate.
    normalized = unicodedata.normalize("NFC", value) if isinstance(value, str) else value
    return checked_text(normalized, limit, field, required=required, single_line=True)


def _count(value: object, high: int, field: str, what: str, *, low: int = 0) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise Invalid(f"{what} must be a whole number.", field=field)
    if not low <= value <= high:
        raise Invalid(f"{what} must be between {low} and {high} (this is {value}).", field=field)
    return value


def _day(value: object, field: str) -> date:
    # A datetime is a date too, but a certificate's dates are days: refuse the time of day.
    if not isinstance(value, date) or hasattr(value, "hour"):
        raise Invalid("Must be a date.", field=field)
    return value


def make_certificate(
    *,
    certificate_id: int,
    visitor_name: str,
    program: str,
    rotation_type: RotationType | str,
    modality: Modality | str,
    preceptor_name: str,
    preceptor_title: str = "",
    start: date,
    end: date,
    sessions_attended: int,
    verified_seconds: int,
    issued_on: date,
) -> Certificate:
    """Check a certificate's content and return it canonical. Raises :class:`Invalid` naming the field for
    a wrong type, empty or over-long text, an end before the start, an issue date before the end, a
    negative count, or more attended time than the rotation's days hold."""
    try:
        kind = RotationType(rotation_type) if isinstance(rotation_type, str) else None
    except ValueError:
        kind = None
    if kind is None:
        raise Invalid("Unknown rotation type.", field="rotation_type")
    try:
        mode = Modality(modality) if isinstance(modality, str) else None
    except ValueError:
        mode = None
    if mode is None:
        raise Invalid("Unknown modality.", field="modality")
    first, last, issued = _day(start, "start"), _day(end, "end"), _day(issued_on, "issued_on")
    if last < first:
        raise Invalid("The rotation cannot end before it starts.", field="end")
    if issued < last:
        raise Invalid(
            "A certificate of completion is issued on or after the rotation's last day.", field="issued_on"
        )
    # The attendance cannot exceed every second of every day of the rotation.
    most = int(((last - first) + timedelta(days=1)).total_seconds())
    return Certificate(
        certificate_id=_count(certificate_id, 2**63 - 1, "certificate_id", "The certificate id", low=1),
        visitor_name=_text(visitor_name, NAME_MAX, "visitor_name"),
        program=_text(program, NAME_MAX, "program"),
        rotation_type=kind,
        modality=mode,
        preceptor_name=_text(preceptor_name, NAME_MAX, "preceptor_name"),
        preceptor_title=_text(preceptor_title, TITLE_MAX, "preceptor_title", required=False),
        start=first,
        end=last,
        sessions_attended=_count(sessions_attended, SESSIONS_MAX, "sessions_attended", "Sessions attended"),
        verified_seconds=_count(verified_seconds, most, "verified_seconds", "Attended seconds"),
        issued_on=issued,
    )


def canonical_bytes(certificate: Certificate) -> bytes:
    """The exact bytes the code is computed over (see the module's documentation)."""
    content = {
        "certificate_id": certificate.certificate_id,
        "visitor_name": certificate.visitor_name,
        "program": certificate.program,
        "rotation_type": certificate.rotation_type.value,
        "modality": certificate.modality.value,
        "preceptor_name": certificate.preceptor_name,
        "preceptor_title": certificate.preceptor_title,
        "start": certificate.start.isoformat(),
        "end": certificate.end.isoformat(),
        "sessions_attended": certificate.sessions_attended,
        "verified_seconds": certificate.verified_seconds,
        "issued_on": certificate.issued_on.isoformat(),
    }
    text = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return CANONICAL_PREFIX + text.encode("ascii")


def _key(secret: bytes | str) -> bytes:
    key = secret.encode() if isinstance(secret, str) else secret
    if not isinstance(key, bytes) or len(key) < MIN_SECRET_BYTES:
        # A configuration mistake, not a user's: fail loudly rather than sign with a guessable key.
        raise ValueError(f"The certificate secret must be at least {MIN_SECRET_BYTES} bytes.")
    return key


def _raw_code(secret: bytes | str, certificate: Certificate) -> str:
    digest = hmac.new(_key(secret), canonical_bytes(certificate), hashlib.sha256).digest()
    bits = CODE_CHARS * 5
    number = int.from_bytes(digest, "big") >> (len(digest) * 8 - bits)
    return "".join(CROCKFORD[(number >> (5 * (CODE_CHARS - 1 - i))) & 31] for i in range(CODE_CHARS))


def _grouped(raw: str) -> str:
    return "-".join(raw[i : i + CODE_GROUP] for i in range(0, len(raw), CODE_GROUP))


def verification_code(secret: bytes | str, certificate: Certificate) -> str:
    """The certificate's code, e.g. ``7K3QD-9XW2M-A0ZFT-H4C8R``. ``secret`` is the server's key (at least
    16 bytes; ValueError otherwise)."""
    return _grouped(_raw_code(secret, certificate))


def normalize_code(code: object) -> str | None:
    """``code`` as typed -> its canonical grouped form, or None when it cannot be a code.

    Forgiving where people slip: case, spaces and hyphens anywhere, and O/I/L for 0/1/1."""
    if not isinstance(code, str) or len(code) > 64:
        return None
    compact = "".join(code.split()).replace("-", "").upper().translate(_LOOK_ALIKES)
    if len(compact) != CODE_CHARS or any(ch not in CROCKFORD for ch in compact):
        return None
    return _grouped(compact)


def verify_code(secret: bytes | str, certificate: Certificate, code: object) -> bool:
    """Whether ``code`` is this certificate's code under ``secret``: False for a malformed code and for
    any change to the content or the code. The comparison takes constant time."""
    expected = verification_code(secret, certificate)  # first: a bad secret fails loudly even here
    typed = normalize_code(code)
    if typed is None:
        return False  # malformed: its shape is public, only the comparison must not leak
    return hmac.compare_digest(expected.encode("ascii"), typed.encode("ascii"))


def verification_path(code: str) -> str:
    """The public page's path for a code: ``/certificates/verify/7K3QD-9XW2M-A0ZFT-H4C8R``.
    Raises Invalid for something that is not a code."""
    canonical = normalize_code(code)
    if canonical is None:
        raise Invalid("Not a certificate verification code.", field="code")
    return VERIFY_PATH + canonical


def qr_payload(code: str, base_url: str = "") -> str:
    """The text a QR code carries: ``base_url`` (e.g. ``https://rounds.example``, no trailing slash needed)
    followed by :func:`verification_path`."""
    return base_url.rstrip("/") + verification_path(code)


# --- as stored ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class IssuedCertificate:
    """A certificate as issued: the facts as they were written (not checked on reading, so that a
    verification can find them altered), its code, the records behind it, and who issued it when."""

    id: int
    enrollment_id: int
    visitor_id: int
    program_id: int
    preceptor_id: int
    visitor_name: str
    program_title: str
    rotation_type: str
    modality: str
    preceptor_name: str
    preceptor_title: str
    start: date
    end: date
    sessions_attended: int
    verified_seconds: int
    issued_on: date
    code: str
    issued_by: int
    created_at: datetime
    superseded_at: datetime | None

    def certificate(self) -> Certificate:
        """The checked certificate these facts state; Invalid when they no longer make one."""
        return make_certificate(
            certificate_id=self.id,
            visitor_name=self.visitor_name,
            program=self.program_title,
            rotation_type=self.rotation_type,
            modality=self.modality,
            preceptor_name=self.preceptor_name,
            preceptor_title=self.preceptor_title,
            start=self.start,
            end=self.end,
            sessions_attended=self.sessions_attended,
            verified_seconds=self.verified_seconds,
            issued_on=self.issued_on,
        )


@dataclass(frozen=True, slots=True)
class AttendedSpan:
    """One attendance interval of a visitor with what its visit says about it: the visit's id, host,
    schedule and end, and when the visitor connected and (if recorded) disconnected."""

    visit_id: int
    host_id: int
    starts_at: datetime
    duration_minutes: int
    ended_at: datetime | None
    connected_at: datetime
    disconnected_at: datetime | None
