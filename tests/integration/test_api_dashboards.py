"""The dashboard API gives each role the same data as its page, and only to that role."""

from __future__ import annotations

from typing import Any

from tests.support.world import PDF, World


async def test_each_role_gets_its_own_dashboard_and_no_other(world: World, make_api: Any) -> None:
    visitor = await make_api(world.student.email)
    coordinator = await make_api(world.coordinator.email)
    preceptor = await make_api(world.preceptor.email)
    app = await visitor.post(
        "/applications", {"program_id": world.program_id, "block_ids": world.block_ids[:1]}, expect=201
    )
    await visitor.upload("cv", PDF)

    mine = await visitor.get("/dashboards/visitor")
    assert [a["id"] for a in mine["applications"]] == [app["id"]]
    needed = {d["kind"]: d["status"] for d in mine["required_documents"]}
    assert needed == {"cv": "submitted", "photo_id": "missing"}

    queue = await coordinator.get("/dashboards/coordinator")
    assert [a["id"] for a in queue["queue"]["applications"]] == [app["id"]]
    assert queue["applicant_names"][str(world.student.user_id)] == world.student.full_name

    taught = await preceptor.get("/dashboards/preceptor")
    assert taught["visitors"] == []  # not theirs until an offer is accepted
    assert world.program_id in [p["id"] for p in taught["programs"]]

    for api, path in [
        (visitor, "/dashboards/coordinator"),
        (visitor, "/dashboards/preceptor"),
        (coordinator, "/dashboards/visitor"),
        (preceptor, "/dashboards/coordinator"),
    ]:
        status, body = await api.call("GET", path)
        assert status == 403, (path, body)
        assert body["error"]["code"] == "forbidden"
    anonymous = await make_api()
    status, _ = await anonymous.call("GET", "/dashboards/visitor")
    assert status == 401
