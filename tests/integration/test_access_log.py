"""No secret in the logs (issue 18.6): a patient's link token and a form token never reach the access
log of a real ``rounds serve``, in the request line or the Referer, and the upload form keeps its CSRF
token in the body, out of every URL."""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from server.web.access_log import redact
from tests.integration.test_pages import browser_for
from tests.support.processes import clean_env, http_get, serve
from tests.support.waiting import poll_until
from tests.support.world import World

pytestmark = pytest.mark.slow

LINK_TOKEN = "Pz7linkTOKENnotToBeLogged_0123456789abcdef"
FORM_TOKEN = "f0rmT0kenNotToBeLogged9876543210"


def _access_lines(text: str) -> list[dict[str, Any]]:
    lines = []
    for line in text.splitlines():
        try:
            record = json.loads(line)
        except ValueError:
            continue
        if isinstance(record, dict) and record.get("logger") == "aiohttp.access":
            lines.append(record)
    return lines


def _get(url: str, headers: dict[str, str]) -> int:
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return int(exc.code)


def test_the_access_log_of_a_served_node_holds_no_link_or_form_token(
    database_url: str, tmp_path: Path
) -> None:
    env = clean_env(
        ROUNDS_DATA_DIR=str(tmp_path / "var"), ROUNDS_DATABASE_URL=database_url, ROUNDS_LOG_LEVEL="INFO"
    )
    served = serve(env=env, cwd=tmp_path, log_path=tmp_path / "serve.log")
    try:
        base = served.base_url
        sent = [
            # A patient opens a link (unknown here: what is logged does not depend on it).
            http_get(f"{base}/join/{LINK_TOKEN}")[0],
            # A page reached from one, the link in its Referer; a login that would go back to one.
            _get(f"{base}/programs", {"Referer": f"{base}/join/{LINK_TOKEN}?from=sms"}),
            http_get(f"{base}/login?next=%2Fjoin%2F{LINK_TOKEN}")[0],
            # A form token in a URL (an old bookmark of the upload form, or a hand-made request).
            http_get(f"{base}/documents?csrf_token={FORM_TOKEN}")[0],
            _get(f"{base}/programs?token={FORM_TOKEN}&x=1", {"Referer": f"{base}/x?csrf_token={FORM_TOKEN}"}),
        ]
        assert all(status < 500 for status in sent), sent
        poll_until(
            lambda: len(_access_lines(served.log_text())) >= len(sent) + 1,  # and the start-up probe
            "the access log lines of the requests sent",
            bound=10,
        )
    finally:
        served.stop()
    text = served.log_text()
    assert LINK_TOKEN not in text and FORM_TOKEN not in text
    lines = [entry["first_request_line"] for entry in _access_lines(text)]
    assert "GET /join/[redacted] HTTP/1.1" in lines
    assert "GET /login?next=%2Fjoin%2F[redacted] HTTP/1.1" in lines
    assert "GET /documents?csrf_token=[redacted] HTTP/1.1" in lines
    assert "GET /programs?token=[redacted]&x=1 HTTP/1.1" in lines
    headers = " ".join(str(entry.get("request_header")) for entry in _access_lines(text))  # a dict's repr
    assert f"{served.base_url}/join/[redacted]?from=sms" in headers
    assert f"{served.base_url}/x?csrf_token=[redacted]" in headers
    # What the log is for is still there: the status and the rest of each line.
    assert {entry["response_status"] for entry in _access_lines(text)} >= {200, 410}


@pytest.mark.parametrize(
    ("logged", "shown"),
    [
        ("/join/abc_DEF-123", "/join/[redacted]"),
        ("/join/abc/extra", "/join/[redacted]/extra"),
        ("/JOIN/abc", "/JOIN/[redacted]"),
        ("/login?next=%2fjoin%2fabc%3Fx", "/login?next=%2fjoin%2f[redacted]"),
        ("/x?csrf_token=abc&y=2", "/x?csrf_token=[redacted]&y=2"),
        ("/x?a=1&token=abc#f", "/x?a=1&token=[redacted]#f"),
        ("/x?next=%2Fy%3Fcsrf_token%3Dabc", "/x?next=%2Fy%3Fcsrf_token%3D[redacted]"),
        ("/programs?specialty=joinery", "/programs?specialty=joinery"),
        ("/record/enrollments/3", "/record/enrollments/3"),
    ],
)
def test_redaction_of_one_value(logged: str, shown: str) -> None:
    assert redact(logged) == shown


async def test_the_upload_form_sends_its_csrf_token_in_the_body(world: World, make_api: Any) -> None:
    visitor = await browser_for(make_api, world.student.email)
    page = await visitor.get("/dashboard")
    actions = re.findall(r'<form[^>]*action="([^"]*)"', page.text)
    assert "/documents" in actions
    assert not [action for action in actions if "token" in action], actions
    upload_form = page.text[page.text.index('action="/documents"') :].split("</form>")[0]
    assert f'name="csrf_token" value="{visitor.csrf}"' in upload_form
