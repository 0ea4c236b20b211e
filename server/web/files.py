"""Files over HTTP, shared by the API and the pages: reading an upload within its size limit,
and sending a stored document back as a download the browser neither sniffs nor caches."""

from __future__ import annotations

from urllib.parse import quote

from aiohttp import BodyPartReader, web
from aiohttp.http_exceptions import HttpProcessingError

from server.domain.documents import describe_size
from server.domain.errors import BadRequest, Invalid, PayloadTooLarge, UnsupportedMediaType
from server.services.documents import DocumentFile


async def read_upload(request: web.Request, max_bytes: int) -> tuple[str, str | None, bytes]:
    """Read ``kind`` and ``file`` from a multipart body without holding more than the limit."""
    if request.content_type != "multipart/form-data":
        raise UnsupportedMediaType("Upload with Content-Type multipart/form-data (fields kind and file).")
    try:
        reader = await request.multipart()
    except (AssertionError, ValueError, HttpProcessingError) as exc:
        raise BadRequest(f"The multipart body could not be read: {exc}") from None
    kind: str | None = None
    filename: str | None = None
    data: bytes | None = None
    while True:
        try:
            part = await reader.next()
        except (AssertionError, ValueError, HttpProcessingError) as exc:
            # A part's headers are malformed (InvalidHeader) or the body is cut short.
            raise BadRequest(f"The multipart body could not be read: {exc}") from None
        if part is None:
            break
        if not isinstance(part, BodyPartReader):
            raise BadRequest("Nested multipart bodies are not accepted.")
        if part.name == "kind":
            kind = (await part.read(decode=False))[:64].decode("utf-8", "replace").strip()
        elif part.name == "file":
            filename = part.filename
            chunks = bytearray()
            while chunk := await part.read_chunk(64 * 1024):
                chunks.extend(chunk)
                if len(chunks) > max_bytes:
                    raise PayloadTooLarge(f"The file is larger than the {describe_size(max_bytes)} limit.")
            data = bytes(chunks)
    if kind is None:
        raise Invalid("'kind' is required: which document this is.", field="kind")
    if data is None:
        raise Invalid("'file' is required: attach the document.", field="file")
    return kind, filename, data


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
