"""Other professions (issue 16, item 6): eligibility reads a program's professions, the catalog
filters by them, and a nursing visitor's pages do not assume a medical student."""

from __future__ import annotations

from typing import Any

from tests.integration.api_helpers import apply
from tests.integration.test_pages import browser_for
from tests.support.world import World


async def test_a_nursing_visitor_is_not_treated_as_a_medical_student(world: World, make_api: Any) -> None:
    visitor = await make_api(world.student.email)
    coordinator = await make_api(world.coordinator.email)
    await visitor.put(
        "/me/visitor-profile", {"training_status": "student", "profession": "nursing", "step1_status": None}
    )
    nursing = await coordinator.post(
        "/programs",
        {
            "title": "Telehealth Nursing",
            "specialty": "Nursing",
            "rotation_type": "observership",
            "modality": "virtual",
            "allowed_training_statuses": ["student"],
            "allowed_professions": ["nursing"],
        },
        expect=201,
    )
    start = (await coordinator.get(f"/programs/{world.program_id}"))["blocks"][1]["start_date"]
    block = await coordinator.post(
        f"/programs/{nursing['id']}/blocks", {"start_date": start, "capacity": 2}, expect=201
    )
    medicine_only = await coordinator.post(
        "/programs",
        {
            **{k: nursing[k] for k in ("specialty", "rotation_type", "modality")},
            "title": "Medicine only",
            "allowed_training_statuses": ["student"],
            "allowed_professions": ["medicine"],
        },
        expect=201,
    )
    other = await coordinator.post(
        f"/programs/{medicine_only['id']}/blocks", {"start_date": start, "capacity": 2}, expect=201
    )
    # Eligibility reads the profession: refused for medicine only, accepted for nursing.
    refused = await apply(visitor, medicine_only["id"], [other["id"]], expect=422)
    assert "open to: medicine; your profession is nursing" in refused["error"]["message"]
    await apply(visitor, nursing["id"], [block["id"]])
    titles = [p["title"] for p in await visitor.get("/programs?profession=nursing")]
    assert "Telehealth Nursing" in titles and "Medicine only" not in titles

    page = await (await browser_for(make_api, world.student.email)).get("/dashboard")
    for medical in ("Medical student", "Medical school", "USMLE Step 1"):
        assert medical not in page.text, medical
    catalog = await (await browser_for(make_api, None)).get("/programs")
    assert "US physicians" not in catalog.text and "nursing" in catalog.text
