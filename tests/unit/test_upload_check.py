"""Uploads are recognised by their content, within a size limit."""

from __future__ import annotations

import hashlib
import io
import zipfile

import pytest

from server.domain.documents import check_upload
from server.domain.errors import Invalid, PayloadTooLarge, UnsupportedMediaType
from tests.support.world import JPEG, PDF, PNG

LIMIT = 1024 * 1024


@pytest.mark.parametrize(
    ("data", "mime", "extension"),
    [(PDF, "application/pdf", "pdf"), (JPEG, "image/jpeg", "jpg"), (PNG, "image/png", "png")],
)
def test_pdf_jpeg_and_png_are_accepted_by_content(data: bytes, mime: str, extension: str) -> None:
    checked = check_upload(data, LIMIT)
    assert checked.content_type == mime
    assert checked.extension == extension
    assert checked.size == len(data)
    assert checked.sha256 == hashlib.sha256(data).hexdigest()


def test_a_file_exactly_at_the_limit_is_accepted() -> None:
    data = PDF + b"%" * (LIMIT - len(PDF))
    assert check_upload(data, LIMIT).size == LIMIT


def test_empty_file_is_invalid() -> None:
    with pytest.raises(Invalid) as refused:
        check_upload(b"", LIMIT)
    assert refused.value.field == "file"
    assert refused.value.status == 422


def test_plain_text_is_refused_even_when_it_claims_to_be_a_pdf() -> None:
    with pytest.raises(UnsupportedMediaType) as refused:
        check_upload(b"This is my CV, honestly a PDF.\n" * 10, LIMIT)
    assert refused.value.status == 415
    assert "PDF, JPEG or PNG" in refused.value.message


def test_a_zip_is_refused_and_the_message_says_what_it_looks_like() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("cv.pdf", PDF)
    with pytest.raises(UnsupportedMediaType) as refused:
        check_upload(buffer.getvalue(), LIMIT)
    assert "application/zip" in refused.value.message


def test_other_images_are_refused() -> None:
    gif = b"GIF89a\x01\x00\x01\x00\x00\x00\x00;"
    with pytest.raises(UnsupportedMediaType, match="image/gif"):
        check_upload(gif, LIMIT)


def test_oversize_is_refused_with_the_limit_in_the_message() -> None:
    with pytest.raises(PayloadTooLarge) as refused:
        check_upload(PDF + b"%" * (LIMIT + 1 - len(PDF)), LIMIT)
    assert refused.value.status == 413
    assert "1 MB" in refused.value.message


def test_a_limit_below_a_megabyte_is_stated_truthfully() -> None:
    with pytest.raises(PayloadTooLarge) as refused:
        check_upload(PDF + b"%" * (600 * 1024), 512 * 1024)
    assert "512 KB" in refused.value.message, refused.value.message
