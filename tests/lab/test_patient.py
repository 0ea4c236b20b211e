"""A patient joins a patient visit by their one-time link from behind the lab's symmetric NAT, which
lets UDP reach only the TURN server: their media must be relayed. Dr. Reyes hosts beside the server
and Amara observes from the lab's internet; neither sees the patient before the host records consent
for Amara, and Amara does after (the consent gate holds over a relayed path too).

The test process schedules the visit and makes the link through the real server's API, which it
reaches only through the lab (:func:`tests.support.netns_port.forward_into` the server's namespace).
"""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import pytest

from server.demo import DEMO_PASSWORD
from tests.support.cluster import AMARA, PRECEPTOR
from tests.support.netlab import SERVER_IP, SERVER_PORT, TURN_IP, Lab, Participant
from tests.support.netns_port import forward_into
from tests.support.processes import Credentials, log_in

pytestmark = [pytest.mark.lab, pytest.mark.slow]


@pytest.fixture
def api(lab: Lab) -> Iterator[tuple[str, Credentials]]:
    """A base URL on this process that reaches the lab's server, and Dr. Reyes logged in there."""
    with forward_into(lab.ns("pub"), SERVER_PORT, host=SERVER_IP) as port:
        base = f"http://127.0.0.1:{port}"
        yield base, log_in(base, PRECEPTOR, DEMO_PASSWORD)


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


def test_a_patient_behind_a_symmetric_nat_joins_by_link_through_turn_and_consent_gates_visitors(
    lab: Lab, api: tuple[str, Credentials]
) -> None:
    visit_id, link = patient_visit_now(*api)
    people: list[Participant] = []
    try:
        host = lab.participant("pub", PRECEPTOR, visit_id=visit_id)
        people.append(host)
        host_id = host.ask("join")["participant_id"]
        visitor = lab.participant("direct", AMARA, visit_id=visit_id)
        people.append(visitor)
        visitor.ask("join")
        patient = lab.participant("symmetric", None, patient_link=link)
        people.append(patient)
        welcome = patient.ask("join")
        assert welcome["role"] == "patient", welcome
        patient_id = welcome["participant_id"]

        # Host and patient see each other, the patient over a relay of the TURN server.
        seen = patient.ask("wait_video", source=host_id)
        path = seen["path"]
        assert path["local_type"] == "relay", path
        assert path["local"].startswith(f"{TURN_IP}:") and path["turn_transport"] == "udp", path
        host.ask("wait_video", source=patient_id)
        # Amara is in and receives the host, yet nothing of the patient reaches her before consent.
        visitor.ask("wait_video", source=host_id)
        before = visitor.ask("frames")["frames"]
        assert before.get(f"{patient_id}/video", 0) == 0, before

        host.ask("consent", scope="observe", method="verbal")
        visitor.ask("wait_video", source=patient_id)
        # The patient's own connection never left the relay.
        after = patient.ask("path")["path"]
        assert after["local_type"] == "relay", after
    finally:
        for person in people:
            person.stop()
