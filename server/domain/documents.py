"""Uploaded documents: what kinds of file are accepted, recognised by content."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, datetime

import filetype

from server.domain.errors import Invalid, PayloadTooLarge, UnsupportedMediaType
from server.domain.vocab import DocumentKind, DocumentStatus

ACCEPTED_TYPES: dict[str, str] = {
    "application/pdf": "pdf",
    "image/jpeg": "jpg",
    "image/png": "png",
}


@dataclass(frozen=True)
class CheckedFile:
    content_type: str
    extension: str
    sha256: str
    size: int


def describe_size(size: int) -> str:
    """A byte count as people read it: '10 MB', '1.5 MB', '512 KB'."""
    if size >= 1_048_576:
        return f"{size / 1_048_576:.1f}".removesuffix(".0") + " MB"
    return f"{max(1, round(size / 1024))} KB"


def check_upload(data: bytes, max_bytes: int) -> CheckedFile:
    """Accept a PDF, JPEG or PNG by its content (never by its name) within ``max_bytes``."""
    if not data:
        raise Invalid("The file is empty.", field="file")
    if len(data) > max_bytes:
        raise PayloadTooLarge(
            f"The file is {describe_size(len(data))}; the limit is {describe_size(max_bytes)}."
        )
    kind = filetype.guess(data)
    mime = kind.mime if kind is not None else None
    if mime not in ACCEPTED_TYPES:
        found = f" (it looks like {mime})" if mime else ""
        raise UnsupportedMediaType(
            f"Upload a PDF, JPEG or PNG file{found}. The file's content is checked, not its name."
        )
    return CheckedFile(
        content_type=mime,
        extension=ACCEPTED_TYPES[mime],
        sha256=hashlib.sha256(data).hexdigest(),
        size=len(data),
    )


@dataclass(frozen=True, slots=True)
class StoredDocument:
    """An uploaded document as kept: whose it is, what kind, the file (named by its SHA-256 in the
    file store), and its review (status, note, expiry, who reviewed it and when)."""

    id: int
    owner_id: int
    kind: DocumentKind
    original_name: str
    content_type: str
    size: int
    sha256: str
    status: DocumentStatus
    review_note: str | None
    expires_on: date | None
    uploaded_at: datetime
    reviewed_by: int | None
    reviewed_at: datetime | None
