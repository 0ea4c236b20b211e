"""The live-session pages on each database: the list and the preceptor's scheduling form (local time
to UTC), a visit's page with its calendar link, join link, patient link and attendance, cancelling,
and the labels and headings every page must have."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from server.db.uow import UnitOfWorkFactory
from server.services import visits
from tests.integration.pages_browser import assert_labelled_and_outlined, ids_in
from tests.integration.test_api_record import enroll
from tests.integration.test_pages import browser_for
from tests.support.world import World


async def test_a_preceptor_schedules_from_the_form_and_the_visitor_sees_it(
    world: World, make_api: Any, uows: UnitOfWorkFactory
) -> None:
    await enroll(uows, world.student, world.program_id, world.block_ids[:1])
    preceptor = await browser_for(make_api, world.preceptor.email)
    page = await preceptor.get("/visits")
    assert ">Schedule a session</h2>" in page.text and "Student" in page.text
    form = [
        ("block_id", str(world.block_ids[0])),
        ("kind", "huddle"),
        ("title", "Week 1 huddle"),
        ("local_start", "2026-12-01T09:00"),
        ("utc_offset_minutes", "-300"),  # the preceptor's browser is at UTC-5
        ("duration_minutes", "45"),
        ("visitor_ids", str(world.student.user_id)),
    ]
    reply = await preceptor.post("/visits", form)
    [visit_id] = ids_in(reply.location, r"/visits/(\d+)")
    assert reply.location.endswith("?notice=scheduled")
    detail = await visits.visit_detail(uows(), world.preceptor, visit_id)
    assert detail.starts_at == datetime(2026, 12, 1, 14, 0, tzinfo=UTC) and detail.duration_minutes == 45

    # Without scripts the offset is empty: the time is read as UTC.
    no_script = [(k, "" if k == "utc_offset_minutes" else v) for k, v in form]
    second = await preceptor.post("/visits", no_script)
    [second_id] = ids_in(second.location, r"/visits/(\d+)")
    assert (await visits.visit_detail(uows(), world.preceptor, second_id)).starts_at == datetime(
        2026, 12, 1, 9, 0, tzinfo=UTC
    )

    # A refusal shows the form again with the reason and what was typed.
    bad = [(k, "300" if k == "duration_minutes" else v) for k, v in form]
    refused = await preceptor.post("/visits", bad, expect=422)
    assert "Duration" in refused.text and 'value="Week 1 huddle"' in refused.text
    garbled = [(k, "soon" if k == "local_start" else v) for k, v in form]
    assert "date and a time" in (await preceptor.post("/visits", garbled, expect=422)).text

    page = await preceptor.get(f"/visits/{visit_id}?notice=scheduled")
    assert "Visit scheduled" in page.text and f"/visits/{visit_id}/live" in page.text
    assert "Create patient link" not in page.text  # a huddle has no patient

    student = await browser_for(make_api, world.student.email)
    listing = await student.get("/visits")
    assert "Week 1 huddle" in listing.text and f"/api/v1/visits/{visit_id}/calendar.ics" in listing.text
    assert (
        f'href="/visits/{visit_id}/live"' in listing.text and ">Schedule a session</h2>" not in listing.text
    )
    mine = await student.get(f"/visits/{visit_id}")
    assert "Join the session" in mine.text and "Cancel session" not in mine.text
    outsider = await browser_for(make_api, world.other_student.email)
    await outsider.get(f"/visits/{visit_id}", expect=404)
    assert "Week 1 huddle" not in (await outsider.get("/visits")).text
    anonymous = await browser_for(make_api, None)
    assert (await anonymous.get("/visits", expect=303)).location.startswith("/login?next=")

    # Cancelling from the page.
    reply = await preceptor.post(f"/visits/{visit_id}/cancel", {"note": "Clinic closed"})
    assert reply.location == f"/visits/{visit_id}?notice=cancelled"
    page = await student.get(f"/visits/{visit_id}")
    assert "Clinic closed" in page.text and "Join the session" not in page.text


async def test_the_patient_link_is_shown_once_and_attendance_is_listed(
    world: World, make_api: Any, uows: UnitOfWorkFactory
) -> None:
    await enroll(uows, world.student, world.program_id, world.block_ids[:1])
    preceptor = await browser_for(make_api, world.preceptor.email)
    reply = await preceptor.post(
        "/visits",
        [
            ("block_id", str(world.block_ids[0])),
            ("kind", "patient_visit"),
            ("title", "Hypertension follow-up"),
            ("local_start", "2026-12-01T14:00"),
            ("utc_offset_minutes", "0"),
            ("duration_minutes", "30"),
            ("visitor_ids", str(world.student.user_id)),
        ],
    )
    [visit_id] = ids_in(reply.location, r"/visits/(\d+)")
    page = await preceptor.get(f"/visits/{visit_id}")
    assert "Create patient link" in page.text and "Nobody has connected yet" in page.text
    shown = await preceptor.post(f"/visits/{visit_id}/patient-link", {}, expect=200)
    [url] = [u for u in shown.text.split('"') if "/join/" in u]
    assert url.startswith("http://") and "shown only now" in shown.text
    again = await preceptor.get(f"/visits/{visit_id}")
    assert "/join/" not in again.text  # not stored, not shown again
    student = await browser_for(make_api, world.student.email)
    await student.post(f"/visits/{visit_id}/patient-link", {}, expect=403)


async def test_every_visit_page_field_is_labelled_and_headings_do_not_skip(
    world: World, make_api: Any, uows: UnitOfWorkFactory
) -> None:
    await enroll(uows, world.student, world.program_id, world.block_ids[:1])
    preceptor = await browser_for(make_api, world.preceptor.email)
    reply = await preceptor.post(
        "/visits",
        [
            ("block_id", str(world.block_ids[0])),
            ("kind", "patient_visit"),
            ("title", "Clinic"),
            ("local_start", "2026-12-01T14:00"),
            ("duration_minutes", "30"),
            ("visitor_ids", str(world.student.user_id)),
        ],
    )
    [visit_id] = ids_in(reply.location, r"/visits/(\d+)")
    student = await browser_for(make_api, world.student.email)
    coordinator = await browser_for(make_api, world.coordinator.email)
    for browser in (preceptor, student, coordinator):
        for path in ("/visits", f"/visits/{visit_id}"):
            html = (await browser.get(path)).text
            assert_labelled_and_outlined(path, html)
    script = await student.client.get("/static/visit-schedule.js")
    assert script.status == 200 and "getTimezoneOffset" in await script.text()


async def test_every_dashboard_links_to_the_live_sessions(world: World, make_api: Any) -> None:
    for who in (world.student, world.preceptor, world.coordinator):
        browser = await browser_for(make_api, who.email)
        assert 'href="/visits"' in (await browser.get("/dashboard")).text, who.email
