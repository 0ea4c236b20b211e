"""Every page of the demo, as each role reaches it: on a copy of the demo, each role follows the links
of its pages from ``/dashboard`` (GET only, this site only, no static files, API, downloads or logout),
once per role for both tests here.

Every page loads what it shows in one unit of work: the crawl counts the database transactions each
page opens. A page may open two: the login middleware's look-up of the login cookie (its own
transaction, before any handler runs) and the page's own unit of work. A page that asks several services
one after the other, or checks access again in a second unit of work, opens more; the failure lists
every such page with its count.

Every page sends the security headers (a strict Content-Security-Policy, no framing, no caching, no
sniffing, no server version) and has no inline script or style for that policy to block."""

from __future__ import annotations

import asyncio
import re
from collections import Counter, deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import event
from sqlalchemy.engine import Connection

from server.app import create_app
from server.config import load_settings
from server.demo import DEMO_PASSWORD
from server.web.keys import ENGINE
from tests.support.client import Api
from tests.support.templates import Demo, copy_demo

ROLES = {
    "visitor": "elena@rounds.test",  # a finished rotation: record, presentations, letters, certificate
    "preceptor": "im.preceptor@rounds.test",  # her preceptor, with evaluations and references to write
    "coordinator": "coordinator@rounds.test",  # runs every demo program
}
#: The login middleware's transaction and the page's unit of work.
MOST_TRANSACTIONS = 2
#: Addresses of one shape (ids aside: ``/visits/N``) visited per role: a third adds time, not pages.
PER_SHAPE = 2
#: Pages per role at most, so that the test takes seconds; the demo's crawl stops well before it.
MOST_PAGES = 80
#: Below this many pages the crawl did not get anywhere (a failed login, a dashboard without links).
FEWEST_PAGES = 12
SKIPPED = ("/static/", "/api/", "/logout", "/join/")  # /join/ uses a patient's single-use link up
DOWNLOADS = (".pdf", ".ics", "/download", "/file")

_HREF = re.compile(r'href="(/[^"#]*)')


@dataclass(frozen=True)
class PageLoad:
    """One GET: the path, its status and the transactions it opened."""

    path: str
    status: int
    transactions: int
    #: The response's headers, names in lower case.
    headers: dict[str, str] = field(default_factory=dict)
    #: What the page has inline that a strict Content-Security-Policy would block.
    inline: tuple[str, ...] = ()


class InlineCode(HTMLParser):
    """Finds what a policy without ``'unsafe-inline'`` blocks: ``<script>`` without ``src``, ``<style>``,
    ``style=`` and ``on*=`` attributes, ``javascript:`` links."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        named = dict(attrs)
        if tag == "script" and not named.get("src"):
            self.found.append("<script> without src")
        if tag == "style":
            self.found.append("<style>")
        for name, value in attrs:
            if name == "style" or name.startswith("on"):
                self.found.append(f"<{tag} {name}=...>")
            if name in ("href", "src", "action") and (value or "").strip().lower().startswith("javascript:"):
                self.found.append(f"<{tag} {name}=javascript:...>")


def inline_code(html: str) -> tuple[str, ...]:
    """What :class:`InlineCode` finds in ``html``."""
    parser = InlineCode()
    parser.feed(html)
    return tuple(parser.found)


def shape(path: str) -> str:
    """The address with its ids as ``N``: pages of one shape load the same way."""
    return re.sub(r"\d+", "N", path)


def links(html: str) -> Iterator[str]:
    """The same-origin links of a page worth following (no static files, API, downloads or logout)."""
    for href in _HREF.findall(html):
        path = href.replace("&amp;", "&")
        if path.startswith("//") or path.startswith(SKIPPED) or path.split("?")[0].endswith(DOWNLOADS):
            continue
        yield path


async def crawl(client: TestClient[Any, Any], begun: list[Connection]) -> list[PageLoad]:
    """Every page reachable from ``/dashboard`` (at most :data:`PER_SHAPE` of a shape and
    :data:`MOST_PAGES` in all), breadth first, with the transactions each GET began."""
    loads: list[PageLoad] = []
    seen: set[str] = set()
    shapes: Counter[str] = Counter()
    todo = deque(["/dashboard"])
    while todo and len(loads) < MOST_PAGES:
        path = todo.popleft()
        if path in seen or shapes[shape(path)] >= PER_SHAPE:
            continue
        seen.add(path)
        shapes[shape(path)] += 1
        begun.clear()
        response = await client.get(path, allow_redirects=False)
        html = await response.text() if response.content_type == "text/html" else ""
        headers = {name.lower(): value for name, value in response.headers.items()}
        loads.append(PageLoad(path, response.status, len(begun), headers, inline_code(html)))
        location = response.headers.get("Location", "")
        if response.status in (301, 302, 303, 307) and location.startswith("/"):
            todo.append(location)
        todo.extend(link for link in links(html) if link not in seen)
    return loads


async def crawl_as(role: str, demo: Demo) -> list[PageLoad]:
    """Log in as ``role`` on the demo copy ``demo`` and crawl, counting each page's transactions."""
    app = create_app(load_settings(demo.settings()), maintenance=False)
    async with TestClient(TestServer(app)) as client:
        await Api(client).login(ROLES[role], DEMO_PASSWORD)
        begun: list[Connection] = []

        def on_begin(connection: Connection) -> None:
            begun.append(connection)

        engine = app[ENGINE].sync_engine
        event.listen(engine, "begin", on_begin)
        try:
            return await crawl(client, begun)
        finally:
            event.remove(engine, "begin", on_begin)


@pytest.fixture(scope="module", params=list(ROLES))
def crawled(
    request: pytest.FixtureRequest, sqlite_demo: Demo, tmp_path_factory: pytest.TempPathFactory
) -> list[PageLoad]:
    """One role's crawl (once per role for every test of this module), checked to have got somewhere."""
    role = str(request.param)
    demo = copy_demo(sqlite_demo, tmp_path_factory.mktemp(f"crawl-{role}") / "var")
    loads = asyncio.run(crawl_as(role, demo))
    assert len(loads) >= FEWEST_PAGES, [v.path for v in loads]
    failed = [v for v in loads if v.status >= 400]
    assert not failed, "\n".join(f"{v.status} {v.path}" for v in failed)
    return loads


def test_every_page_takes_one_unit_of_work_beside_the_login(crawled: list[PageLoad]) -> None:
    over = [v for v in crawled if v.transactions > MOST_TRANSACTIONS]
    listed = "\n".join(f"{v.transactions} {v.path}" for v in over)
    limit = f"more than {MOST_TRANSACTIONS} transactions"
    assert not over, f"{len(over)} of {len(crawled)} pages open {limit}:\n{listed}"


def policy_directives(policy: str) -> dict[str, list[str]]:
    """A Content-Security-Policy as ``{directive: [sources]}``."""
    directives: dict[str, list[str]] = {}
    for part in policy.split(";"):
        words = part.split()
        if words:
            directives[words[0].lower()] = words[1:]
    return directives


def security_problems(load: PageLoad) -> list[str]:
    """What is wrong with one page's headers and inline code (empty when nothing is)."""
    headers = load.headers
    problems = [f"inline: {found}" for found in load.inline]
    policy = policy_directives(headers.get("content-security-policy", ""))
    for directive in ("default-src", "script-src", "style-src"):
        if policy.get(directive) != ["'self'"]:
            problems.append(f"{directive} is {policy.get(directive)}")
    for directive, sources in {"frame-ancestors": ["'none'"], "object-src": ["'none'"]}.items():
        if policy.get(directive) != sources:
            problems.append(f"{directive} is {policy.get(directive)}")
    expected = {"x-frame-options": "DENY", "x-content-type-options": "nosniff"}
    problems += [
        f"{name}: {headers.get(name)}" for name, value in expected.items() if headers.get(name) != value
    ]
    if "no-store" not in headers.get("cache-control", ""):
        problems.append(f"cache-control: {headers.get('cache-control')}")
    server = headers.get("server", "")
    if "aiohttp" in server.lower() or "python" in server.lower():
        problems.append(f"server: {server}")
    return problems


def test_every_page_sends_the_security_headers_and_has_no_inline_code(crawled: list[PageLoad]) -> None:
    wrong = {v.path: problems for v in crawled if (problems := security_problems(v))}
    assert not wrong, "\n".join(f"{path}: {'; '.join(problems)}" for path, problems in wrong.items())
