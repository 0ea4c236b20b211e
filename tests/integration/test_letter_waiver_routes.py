"""The waiver, proven route by route: a visitor who waived the right to see their letter reaches its text
by no route of the app whose path mentions letters, pages, API and PDF alike, before and after it is
signed. The routes are read from the app's own router, so a letter route added later is covered (or
this test fails until it is)."""

from __future__ import annotations

import json
import re
from typing import Any

from aiohttp import web

from server.db.uow import UnitOfWorkFactory
from tests.integration.api_helpers import row_counts
from tests.integration.test_api_letters import OWN, distinctive_words, paragraphs_in, setup
from tests.integration.test_pages_record import browser_for
from tests.support.world import World

PARAMETERS = re.compile(r"\{(\w+)\}")
# A body each write route might plausibly get from the visitor (what a curious visitor would try).
BODIES: dict[str, Any] = {
    "decision": {"decision": "accept"},
    "sign": {"confirm": True},
    "draft": {},
    "letter": {"paragraphs": [{"text": "Anything at all.", "evidence": [], "kind": "own"}]},
    "letter-id": {"eras_letter_id": "ABC-1"},
    "letter-requests": {"preceptor_id": 1, "specialty": "Neurology", "ferpa_waived": True},
    "versions": {"paragraph_count": "1", "paragraphs-0-text": "Anything.", "paragraphs-0-kind": "own"},
}


def letter_routes(app: web.Application) -> list[tuple[str, str]]:
    """Every (method, path template) of the app whose path mentions letters."""
    found = set()
    for route in app.router.routes():
        path = route.resource.canonical if route.resource is not None else ""
        if "letter" in path and route.method != "HEAD":
            found.add((route.method, path))
    return sorted(found)


async def test_a_waived_letter_is_reached_by_no_letter_route_before_or_after_signing(
    world: World, make_api: Any, uows: UnitOfWorkFactory
) -> None:
    s = await setup(world, make_api, uows, waived=True)
    preceptor, rid, enrollment = s["preceptor"], s["request"]["id"], s["enrollment"]
    browser = await browser_for(make_api, world.student.email)
    # What the visitor's letter pages say before any letter is written (program title, help text):
    # words found there are not the letter's secret.
    baseline = " ".join(
        [(await browser.get("/letters")).text, (await browser.get(f"/letters/{rid}")).text]
    ).lower()
    await preceptor.post(f"/letter-requests/{rid}/decision", {"decision": "accept"})
    draft = await preceptor.post(f"/letter-requests/{rid}/draft", {})
    saved = await preceptor.put(
        f"/letter-requests/{rid}/letter",
        {"paragraphs": [*paragraphs_in(draft), {"text": OWN, "evidence": [], "kind": "own"}]},
    )
    secret = {w for w in distinctive_words(saved["text"]) if w not in baseline}
    assert {"persistence", "composure"} <= secret and len(secret) >= 10, secret

    app = browser.client.server.app
    assert app is not None
    routes = letter_routes(app)
    # The pages, the API and the PDF are all there (the list is the app's, not this test's).
    paths = {path for _, path in routes}
    assert {"/letters", "/letters/{request_id}", "/letters/{request_id}/letter.pdf"} <= paths
    assert "/api/v1/letter-requests/{request_id}/letter.pdf" in paths and len(routes) >= 15

    async def visitor_reaches_nothing(stage: str) -> None:
        values = {"request_id": str(rid), "enrollment_id": str(enrollment)}
        for method, template in routes:
            path = PARAMETERS.sub(lambda m: values[m.group(1)], template)
            last = path.rstrip("/").split("/")[-1]
            if path.startswith("/api/"):
                response = await browser.client.request(
                    method,
                    path,
                    json=BODIES.get(last) if method != "GET" else None,
                    headers={"X-CSRF-Token": browser.csrf},
                )
            elif method == "GET":
                response = await browser.client.get(path, allow_redirects=False)
            else:
                form = {**BODIES.get(last, {}), "csrf_token": browser.csrf}
                form = {k: json.dumps(v) if isinstance(v, bool) else str(v) for k, v in form.items()}
                response = await browser.client.post(path, data=form, allow_redirects=False)
            body = (await response.read()).decode("utf-8", errors="replace").lower()
            leaked = sorted(w for w in secret if w in body)
            assert not leaked, f"{stage}: {method} {path} ({response.status}) shows {leaked}"
            assert response.content_type != "application/pdf", f"{stage}: {method} {path} gave the PDF"
        # Where the letter itself is asked for, the refusal says why.
        page = await browser.get(f"/letters/{rid}")
        assert "waived your right to see this letter" in page.text

    await visitor_reaches_nothing("drafting")
    await preceptor.post(f"/letter-requests/{rid}/sign", {"confirm": True})
    before = await row_counts(uows)
    await visitor_reaches_nothing("signed")
    # The visitor's attempts changed nothing (the one request to a preceptor may add a request, so
    # it is counted separately).
    after = await row_counts(uows)
    changed = {k: after[k] - before[k] for k in after if after[k] != before[k]}
    assert set(changed) <= {"letter_requests"}, changed
    # The author still has it.
    status, pdf = await preceptor.call("GET", f"/letter-requests/{rid}/letter.pdf")
    assert status == 200 and pdf.startswith(b"%PDF-")
