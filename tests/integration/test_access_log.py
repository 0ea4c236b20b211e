"""No secret in the logs (issue 18.6): a patient's link token and a form token never reach the access
log of a real ``rounds serve``, in the request line or the Referer (the served node of
``tests/integration/test_cli.py`` is sent :func:`send_requests_carrying_secrets` and its log checked), and
the upload form keeps its CSRF token in the body, out of every URL."""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request
from typing import Any

import pytest

from server.web.access_log import redact
from tests.integration.test_pages import browser_for
from tests.support.processes import http_get
from tests.support.world import World

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


def send_requests_carrying_secrets(base: str) -> int:
    """Requests whose URL or Referer holds a link token or a form token, to a served node; how many."""
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
    return len(sent)


def assert_logged_without_secrets(text: str, base: str) -> None:
    """The served node's log (``text``) after :func:`send_requests_carrying_secrets`: every request is
    in the access log, with its status, and no token is anywhere in the log."""
    assert LINK_TOKEN not in text and FORM_TOKEN not in text
    access = _access_lines(text)
    lines = [entry["first_request_line"] for entry in access]
    assert "GET /join/[redacted] HTTP/1.1" in lines
    assert "GET /login?next=%2Fjoin%2F[redacted] HTTP/1.1" in lines
    assert "GET /documents?csrf_token=[redacted] HTTP/1.1" in lines
    assert "GET /programs?token=[redacted]&x=1 HTTP/1.1" in lines
    headers = " ".join(str(entry.get("request_header")) for entry in access)  # a dict's repr
    assert f"{base}/join/[redacted]?from=sms" in headers
    assert f"{base}/x?csrf_token=[redacted]" in headers
    # What the log is for is still there: the status and the rest of each line.
    assert {entry["response_status"] for entry in access} >= {200, 410}


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
        ("/calendar/Ab_c-12.ics", "/calendar/[redacted].ics"),
        ("/CALENDAR/abc.ics?x=1", "/CALENDAR/[redacted].ics?x=1"),
        ("/account/calendar", "/account/calendar"),
        ("/account/calendar/revoke", "/account/calendar/revoke"),
        ("/programs?specialty=joinery", "/programs?specialty=joinery"),
        # The links mailed to a person (issue 15): each token opens an account or a program's staff.
        ("/account/verify/abc_DEF", "/account/verify/[redacted]"),
        ("/password/reset/abc", "/password/reset/[redacted]"),
        ("/account/email/confirm/abc", "/account/email/confirm/[redacted]"),
        ("/invitation/abc?x=1", "/invitation/[redacted]?x=1"),
        ("/login?next=%2Finvitation%2Fabc", "/login?next=%2Finvitation%2F[redacted]"),
        ("/programs/3/invitations/5/revoke", "/programs/3/invitations/5/revoke"),
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
