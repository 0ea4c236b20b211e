"""Patient visits for lab tests, made through the lab's real server and its API."""

from __future__ import annotations

import json
import urllib.request
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from tests.support.processes import Credentials


def call(base: str, credentials: Credentials, path: str, body: dict[str, Any] | None = None) -> Any:
    """GET (or, with a body, POST) ``/api/v1{path}`` as the logged-in user; the JSON answer."""
    request = urllib.request.Request(
        f"{base}/api/v1{path}",
        data=None if body is None else json.dumps(body).encode(),
        headers={**credentials.headers(), "Content-Type": "application/json"},
        method="GET" if body is None else "POST",
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.load(response)


def patient_visit_now(base: str, credentials: Credentials) -> tuple[int, str]:
    """A patient visit of the demo huddle's block starting now, with its invitees; its id and the
    path of the patient's one-time link."""
    huddle = next(
        v
        for v in call(base, credentials, "/visits")
        if v["kind"] == "huddle" and v["status"] in ("scheduled", "live")
    )
    detail = call(base, credentials, f"/visits/{huddle['id']}")
    starts = (datetime.now(UTC) + timedelta(minutes=2)).replace(microsecond=0).isoformat()
    visit = call(
        base,
        credentials,
        "/visits",
        {
            "block_id": detail["block_id"],
            "kind": "patient_visit",
            "title": "Telehealth follow-up (network lab)",
            "starts_at": starts,
            "duration_minutes": 30,
            "visitor_ids": [invitee["visitor_id"] for invitee in detail["invitees"]],
        },
    )
    link = call(base, credentials, f"/visits/{visit['id']}/patient-link", {})
    return int(visit["id"]), urlsplit(link["url"]).path
