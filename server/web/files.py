"""Files over HTTP, shared by the API and the pages: reading an upload within its size limit,
and sending a stored document back as a download the browser neither sniffs nor caches."""

from __future__ import annotations

import asyncio
from urllib.parse import quote

from aiohttp import web
from aiohttp.web_request import FileField

from server.domain.documents import describe_size
from server.domain.errors import Invalid, PayloadTooLarge, UnsupportedMediaType
from server.services.documents import DocumentFile
from server.web.bodies import read_post


async def read_upload(request: web.Request, max_bytes: int) -> tuple[str, str | None, bytes]:
    """Read ``kind`` and ``file`` from a multipart body (aiohttp spools the file to a temporary file,
    within the app's body limit; the CSRF check may have read it already) without holding more than
    ``max_bytes`` of it in memory."""
    if request.content_type != "multipart/form-data":
        raise UnsupportedMediaType("Upload with Content-Type multipart/form-data (fields kind and file).")
    form = await read_post(request)
    kind = _text_field(form.get("kind"))
    upload = form.get("file")
    if kind is None:
        raise Invalid("'kind' is required: which document this is.", field="kind")
    if not isinstance(upload, FileField):
        raise Invalid("'file' is required: attach the document.", field="file")
    data = await asyncio.to_thread(upload.file.read, max_bytes + 1)  # from disk: off the event loop
    if len(data) > max_bytes:
        raise PayloadTooLarge(f"The file is larger than the {describe_size(max_bytes)} limit.")
    return kind, upload.filename, data


def _text_field(value: object) -> str | None:
    """A short text field, whether the client sent it as text or (oddly) as a file part."""
    if isinstance(value, FileField):
        value = value.file.read(64).decode("utf-8", "replace")
    return value[:64].strip() if isinstance(value, str) else None


def attachment_response(file: DocumentFile) -> web.Response:
    """The file as a download: an ASCII ``filename`` for old clients, the real name (UTF-8,
    RFC 6266 ``filename*``) for the rest; never sniffed, never cached, never run as a page."""
    ascii_name = "".join(c for c in file.filename if c.isascii() and (c.isalnum() or c in "._- "))
    ascii_name = ascii_name[:120].strip() or "document"
    utf8_name = quote(file.filename[:200], safe="")
    return web.Response(
        body=file.data,
        content_type=file.content_type,
        headers={
            "Content-Disposition": f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{utf8_name}",
            "X-Content-Type-Options": "nosniff",
            "Content-Security-Policy": "sandbox",
            "Cache-Control": "private, no-store",
        },
    )


async def read_message_post(request: web.Request, max_bytes: int) -> tuple[str, str | None, bytes | None]:
    """A message sent as a form (urlencoded, or multipart with a file): its ``body`` text, and the
    ``file`` part's name and bytes when one was chosen (a browser sends an empty part when none was;
    that is no file). The bytes are read within ``max_bytes`` + 1, off the event loop."""
    form = await read_post(request)
    body = form.get("body")
    if isinstance(body, FileField):
        body = body.file.read(MAX_MESSAGE_BYTES).decode("utf-8", "replace")
    text = body if isinstance(body, str) else ""
    upload = form.get("file")
    if not isinstance(upload, FileField):
        return text, None, None
    data = await asyncio.to_thread(upload.file.read, max_bytes + 1)
    if not data and not upload.filename:
        return text, None, None
    if len(data) > max_bytes:
        raise PayloadTooLarge(f"The file is larger than the {describe_size(max_bytes)} limit.")
    return text, upload.filename, data


# A message's text sent (oddly) as a file part: read no more than a long message's worth of bytes.
MAX_MESSAGE_BYTES = 64 * 1024
