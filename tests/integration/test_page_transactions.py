"""Every page loads what it shows in one unit of work: on a copy of the demo, each role follows the links
of its pages from ``/dashboard`` (GET only, this site only, no static files, API, downloads or logout)
and counts the database transactions each page opens. A page may open two: the login middleware's
look-up of the login cookie (its own transaction, before any handler runs) and the page's own unit of
work. A page that asks several services one after the other, or checks access again in a second unit
of work, opens more; the failure lists every such page with its count."""

from __future__ import annotations

import re
from collections import Counter, deque
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
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
        loads.append(PageLoad(path, response.status, len(begun)))
        location = response.headers.get("Location", "")
        if response.status in (301, 302, 303, 307) and location.startswith("/"):
            todo.append(location)
        todo.extend(link for link in links(html) if link not in seen)
    return loads


@pytest.mark.parametrize("role", list(ROLES))
async def test_every_page_takes_one_unit_of_work_beside_the_login(
    role: str, sqlite_demo: Demo, tmp_path: Path
) -> None:
    demo = copy_demo(sqlite_demo, tmp_path / "var")
    app = create_app(load_settings(demo.settings()), maintenance=False)
    async with TestClient(TestServer(app)) as client:
        await Api(client).login(ROLES[role], DEMO_PASSWORD)
        begun: list[Connection] = []

        def on_begin(connection: Connection) -> None:
            begun.append(connection)

        engine = app[ENGINE].sync_engine
        event.listen(engine, "begin", on_begin)
        try:
            loads = await crawl(client, begun)
        finally:
            event.remove(engine, "begin", on_begin)

    assert len(loads) >= FEWEST_PAGES, [v.path for v in loads]
    failed = [v for v in loads if v.status >= 400]
    assert not failed, "\n".join(f"{v.status} {v.path}" for v in failed)
    over = [v for v in loads if v.transactions > MOST_TRANSACTIONS]
    listed = "\n".join(f"{v.transactions} {v.path}" for v in over)
    limit = f"more than {MOST_TRANSACTIONS} transactions"
    assert not over, f"{len(over)} of {len(loads)} pages open {limit}:\n{listed}"
