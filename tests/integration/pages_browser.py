"""A tiny browser for the page tests (tests/integration/test_pages*.py): keeps its cookies, reads the
CSRF token from each page it loads, submits forms as a browser would, and reads the HTML back."""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any

from aiohttp import FormData
from aiohttp.test_utils import TestClient

from tests.support.client import DEMO_PASSWORD

_TOKEN = re.compile(r'<meta name="csrf-token" content="([0-9a-f]+)">')


@dataclass
class Reply:
    status: int
    location: str
    text: str


class Browser:
    """One person's browser on the in-process app."""

    def __init__(self, client: TestClient[Any, Any]) -> None:
        self.client = client
        self.csrf = ""

    async def get(self, path: str, expect: int | None = 200) -> Reply:
        response = await self.client.get(path, allow_redirects=False)
        text = await response.text() if response.content_type == "text/html" else ""
        if match := _TOKEN.search(text):
            self.csrf = match.group(1)
        reply = Reply(response.status, response.headers.get("Location", ""), text)
        if expect is not None:
            assert response.status == expect, (response.status, text[-2000:])
        return reply

    async def post(
        self,
        path: str,
        data: dict[str, Any] | list[tuple[str, str]],
        expect: int | None = 303,
        *,
        token: bool = True,
    ) -> Reply:
        """Submit an urlencoded form (with the page's CSRF token unless ``token`` is False)."""
        if not self.csrf:
            await self.get("/login")
        fields = list(data.items()) if isinstance(data, dict) else list(data)
        if token:
            fields.append(("csrf_token", self.csrf))
        response = await self.client.post(path, data=fields, allow_redirects=False)
        reply = Reply(response.status, response.headers.get("Location", ""), await response.text())
        if expect is not None:
            assert response.status == expect, (response.status, reply.text[-2000:])
        return reply

    async def upload(
        self,
        kind: str,
        data: bytes,
        filename: str = "file.pdf",
        expect: int | None = 303,
        *,
        token: bool = True,
    ) -> Reply:
        """Submit the multipart upload form; its CSRF token travels in the body, as a browser sends it."""
        form = FormData()
        if token:
            form.add_field("csrf_token", self.csrf)
        form.add_field("kind", kind)
        form.add_field("file", data, filename=filename, content_type="application/octet-stream")
        response = await self.client.post("/documents", data=form, allow_redirects=False)
        reply = Reply(response.status, response.headers.get("Location", ""), await response.text())
        if expect is not None:
            assert response.status == expect, (response.status, reply.text[-2000:])
        return reply

    async def login(self, email: str, password: str = DEMO_PASSWORD) -> None:
        await self.get("/login")
        reply = await self.post("/login", {"email": email, "password": password, "next": ""})
        assert reply.location == "/dashboard"
        await self.get("/dashboard")  # the token is bound to the new login: read it afresh


def ids_in(html: str, pattern: str) -> list[int]:
    """Every number captured by ``pattern`` in ``html``, in order, without repeats."""
    return list(dict.fromkeys(int(m) for m in re.findall(pattern, html)))


class FieldCensus(HTMLParser):
    """Collects the form fields a person fills in and the ``for`` targets of the labels."""

    def __init__(self) -> None:
        super().__init__()
        self.fields: list[str] = []
        self.unnamed: list[str] = []
        self.labelled: set[str] = set()
        self.headings: list[int] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag in {"input", "select", "textarea"} and a.get("type") not in {"hidden", "submit"}:
            if a.get("id"):
                self.fields.append(str(a["id"]))
            else:
                self.unnamed.append(str(a.get("name")))
        if tag == "label" and a.get("for"):
            self.labelled.add(str(a["for"]))
        if re.fullmatch(r"h[1-6]", tag):
            self.headings.append(int(tag[1]))


def census(html: str) -> FieldCensus:
    parser = FieldCensus()
    parser.feed(html)
    return parser


def assert_labelled_and_outlined(path: str, html: str) -> None:
    """The page at ``path``: every field a person fills in has an id and a label, there is one ``h1``
    and it comes first, and no heading skips a level on the way down."""
    found = census(html)
    assert not found.unnamed, (path, found.unnamed)
    assert set(found.fields) <= found.labelled, (path, set(found.fields) - found.labelled)
    assert found.headings[0] == 1 and found.headings.count(1) == 1, path
    for before, after in zip(found.headings, found.headings[1:], strict=False):
        assert after <= before + 1, (path, found.headings)
