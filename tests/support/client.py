"""A test client that behaves like a browser or API client: keeps cookies, sends CSRF tokens."""

from __future__ import annotations

from typing import Any

from aiohttp import FormData
from aiohttp.test_utils import TestClient

DEMO_PASSWORD = "correct-horse-battery"


class Api:
    """JSON API calls as one logged-in (or anonymous) person."""

    def __init__(self, client: TestClient[Any, Any]) -> None:
        self.client = client
        self.csrf = ""

    async def refresh_csrf(self) -> str:
        response = await self.client.get("/api/v1/auth/session")
        assert response.status == 200, await response.text()
        self.csrf = (await response.json())["csrf_token"]
        return self.csrf

    async def login(self, email: str, password: str = DEMO_PASSWORD) -> Any:
        if not self.csrf:
            await self.refresh_csrf()
        response = await self.client.post(
            "/api/v1/auth/login",
            json={"email": email, "password": password},
            headers={"X-CSRF-Token": self.csrf},
        )
        body = await response.json()
        assert response.status == 200, body
        self.csrf = body["csrf_token"]
        return body

    async def call(
        self, method: str, path: str, *, json: Any = None, expect: int | None = None, **kwargs: Any
    ) -> tuple[int, Any]:
        """Call ``/api/v1`` + ``path``; returns (status, parsed JSON or text)."""
        headers = kwargs.pop("headers", {})
        if method.upper() != "GET" and "X-CSRF-Token" not in headers:
            if not self.csrf:
                await self.refresh_csrf()
            headers["X-CSRF-Token"] = self.csrf
        response = await self.client.request(method, "/api/v1" + path, json=json, headers=headers, **kwargs)
        if response.content_type == "application/json":
            body: Any = await response.json()
        else:
            body = await response.read()
        if expect is not None:
            assert response.status == expect, (response.status, body)
        return response.status, body

    async def get(self, path: str, expect: int | None = 200, **kw: Any) -> Any:
        return (await self.call("GET", path, expect=expect, **kw))[1]

    async def post(self, path: str, json: Any = None, expect: int | None = 200, **kw: Any) -> Any:
        return (await self.call("POST", path, json=json, expect=expect, **kw))[1]

    async def put(self, path: str, json: Any = None, expect: int | None = 200, **kw: Any) -> Any:
        return (await self.call("PUT", path, json=json, expect=expect, **kw))[1]

    async def upload(
        self, kind: str, data: bytes, filename: str = "doc.pdf", expect: int | None = 201
    ) -> Any:
        form = FormData()
        form.add_field("kind", kind)
        form.add_field("file", data, filename=filename, content_type="application/octet-stream")
        return (await self.call("POST", "/documents", data=form, expect=expect))[1]


# A hand-built multipart body: lets a test send file names and bytes exactly as a browser would,
# which aiohttp's FormData would re-encode.
RAW_MULTIPART = "multipart/form-data; boundary=b0undary"


def raw_multipart(
    kind: str, filename: str, data: bytes, content_type: str = "application/octet-stream"
) -> bytes:
    """A multipart body with the fields ``kind`` and ``file``, for ``Content-Type: RAW_MULTIPART``."""
    return (
        b"--b0undary\r\n"
        b'Content-Disposition: form-data; name="kind"\r\n\r\n' + kind.encode() + b"\r\n"
        b"--b0undary\r\n"
        b'Content-Disposition: form-data; name="file"; filename="' + filename.encode() + b'"\r\n'
        b"Content-Type: " + content_type.encode() + b"\r\n\r\n" + data + b"\r\n--b0undary--\r\n"
    )
