"""The pages under hostile input, found from outside (issue 18): where ``next`` and ``back`` may send a
browser, ids past the database's INTEGER range on every page route, and a form body cut short on every
form. The routes are read from the app's router, so a page added later is covered without a change here."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote

from aiohttp import web

from tests.integration.pages_browser import Browser, ids_in
from tests.integration.test_pages import browser_for
from tests.support.client import DEMO_PASSWORD
from tests.support.world import World

EVIL = "/\t/evil.example/"  # a browser drops the tab and reads //evil.example/: another host
TOO_BIG_ID = "2147483648"  # 2**31: one past PostgreSQL's int4
_PARAM = re.compile(r"\{([^}]+)\}")
BOUNDARY = "RoundsCutShort"


def page_routes(app: web.Application, method: str) -> list[str]:
    """The page routes (not the API, WebSockets or static files) answering ``method``, as templates."""
    found = set()
    for route in app.router.routes():
        path = route.resource.canonical if route.resource is not None else ""
        if route.method == method and not path.startswith(("/api/", "/ws/", "/static")):
            found.add(path)
    return sorted(found)


def filled(template: str, id_value: str) -> str:
    """``template`` with every ``{..._id}`` as ``id_value`` and any other parameter as ``x``."""
    return _PARAM.sub(lambda m: id_value if m.group(1).endswith("_id") else "x", template)


def cut_short_multipart(token: str | None) -> bytes:
    """A multipart form (with the CSRF token first when given) that ends in the middle of a field,
    without its closing boundary: what a dropped connection or a hostile client sends."""
    parts = []
    if token is not None:
        parts.append(f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n{token}\r\n')
    parts.append(f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="note"\r\n\r\nthe form stops he')
    return "".join(parts).encode()


# --- 4: open redirects ------------------------------------------------------------------------------


async def test_next_and_back_never_send_the_browser_to_another_host(world: World, make_api: Any) -> None:
    anonymous = await browser_for(make_api, None)
    page = await anonymous.get("/login?next=" + quote(EVIL, safe=""))
    assert '<input type="hidden" name="next" value="">' in page.text
    for hostile in (
        EVIL,
        "/\r\n/evil.example/",
        "/\\evil.example",
        "/%2F/evil.example",
        "https://evil.example/",
    ):
        visitor = await browser_for(make_api, None)
        await visitor.get("/login")
        reply = await visitor.post(
            "/login", {"email": world.student.email, "password": DEMO_PASSWORD, "next": hostile}
        )
        assert reply.location == "/dashboard", (hostile, reply.location)

    visitor = await browser_for(make_api, world.student.email)
    reply = await visitor.post(
        f"/programs/{world.program_id}/apply", {"block_ids": str(world.block_ids[0]), "intent": "submit"}
    )
    application_id = ids_in(reply.location, r"/applications/(\d+)")[0]
    reply = await visitor.post(
        f"/applications/{application_id}/actions", {"action": "withdraw", "back": EVIL}
    )
    assert reply.location.startswith(f"/applications/{application_id}?notice=action_withdraw"), reply.location
    # A path of the site is still followed.
    other = await browser_for(make_api, None)
    await other.get("/login")
    reply = await other.post(
        "/login", {"email": world.graduate.email, "password": DEMO_PASSWORD, "next": "/record"}
    )
    assert reply.location == "/record"


# --- 7: ids past the INTEGER range ------------------------------------------------------------------


async def test_every_page_route_answers_an_id_past_int32_with_404(world: World, make_api: Any) -> None:
    """On PostgreSQL (ON_POSTGRES) such an id reached a query and failed there: a 500."""
    people = [world.student, world.preceptor, world.coordinator]
    checked = 0
    for person in people:
        browser = await browser_for(make_api, person.email)
        app = browser.client.app
        assert app is not None
        for template in page_routes(app, "GET"):
            if "_id}" not in template:
                continue
            reply = await browser.get(filled(template, TOO_BIG_ID), expect=None)
            assert reply.status == 404, (person.email, template, reply.status, reply.text[-600:])
            checked += 1
        for template in page_routes(app, "POST"):
            if "_id}" not in template:
                continue
            reply = await browser.post(filled(template, TOO_BIG_ID), {}, expect=None)
            assert reply.status in {400, 403, 404, 422}, (
                person.email,
                template,
                reply.status,
                reply.text[-600:],
            )
            checked += 1
    assert checked > 3 * 20  # the crawl found the pages (a router change must not make this vacuous)


async def test_a_live_session_id_past_int32_is_a_404_not_a_query(world: World, make_api: Any) -> None:
    """The live session's routes bound the id as the pages do (the verdict and the socket read it
    through one function): on PostgreSQL a larger one reached the join check's query and failed there."""
    browser = await browser_for(make_api, world.student.email)
    reply = await browser.get(f"/ws/sessions/{TOO_BIG_ID}/verdict", expect=None)
    assert reply.status == 404, (reply.status, reply.text[-600:])


# --- 8: a form body cut short ----------------------------------------------------------------------


async def test_a_form_body_cut_short_is_a_400_on_every_form(world: World, make_api: Any) -> None:
    """Anonymous and as each role, to every POST page route, the token in the body (the CSRF check
    reads the body) or in the header (the form's handler reads it): never a 500."""
    people: list[str | None] = [None, world.student.email, world.preceptor.email, world.coordinator.email]
    posted = 0
    wrong: list[str] = []
    for email in people:
        browser = await browser_for(make_api, email)
        if not browser.csrf:
            await browser.get("/login")
        app = browser.client.app
        assert app is not None
        content_type = f"multipart/form-data; boundary={BOUNDARY}"
        # Last: logging out reads no body (a 303 whatever is sent) and ends the login the rest need.
        for template in sorted(page_routes(app, "POST"), key=lambda t: t == "/logout"):
            path = filled(template, "1")
            in_header = await _post_raw(
                browser, path, cut_short_multipart(None), content_type, {"X-CSRF-Token": browser.csrf}
            )
            # A refusal (4xx), or, for a form that reads no body (logging out), what it does anyway.
            if in_header.status >= 500:
                wrong.append(f"{email} {path} (token in the header): {in_header.status}")
            in_body = await _post_raw(browser, path, cut_short_multipart(browser.csrf), content_type)
            if in_body.status != 400 or "cut short or malformed" not in in_body.text:
                wrong.append(f"{email} {path} (token in the body): {in_body.status}")
            posted += 2
    assert not wrong, "\n".join(wrong)
    assert posted > 4 * 2 * 20


class _Raw:
    def __init__(self, status: int, text: str) -> None:
        self.status = status
        self.text = text


async def _post_raw(
    browser: Browser, path: str, body: bytes, content_type: str, headers: dict[str, str] | None = None
) -> _Raw:
    response = await browser.client.post(
        path,
        data=body,
        headers={"Content-Type": content_type, **(headers or {})},
        allow_redirects=False,
    )
    return _Raw(response.status, await response.text())
