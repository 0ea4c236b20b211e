"""A patient joins a patient visit by their one-time link from behind the lab's symmetric NAT, which
lets UDP reach only the TURN server: their media must be relayed. Dr. Reyes hosts beside the server
and Amara observes from the lab's internet; neither sees the patient before the host records consent
for Amara, and Amara does after (the consent gate holds over a relayed path too).

The test process schedules the visit and makes the link through the real server's API, which it
reaches only through the lab (:func:`tests.support.netns_port.forward_into` the server's namespace).
"""

from __future__ import annotations

import pytest

from tests.lab.visits import patient_visit_now
from tests.support.cluster import AMARA, PRECEPTOR
from tests.support.netlab import TURN_IP, Lab, Participant
from tests.support.processes import Credentials

pytestmark = [pytest.mark.lab, pytest.mark.slow]


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
