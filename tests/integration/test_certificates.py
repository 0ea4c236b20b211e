"""Certificates of completion, end to end on both databases: sessions and hours from the attendance
records (hand-worked, overlaps merged, another visitor's time not counted), refusal before the rotation
is over, access per role, reissue history, the audit trail, and the public verification (API and page):
genuine, a tampered row, a changed code, an unknown code, bad input, the QR code and the rate limit.

The FakeClock starts at 2026-11-24 15:00 UTC; the world's first block runs 2026-11-30 to 2026-12-27."""

from __future__ import annotations

import base64
import hashlib
import itertools
import re
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select, update

from server.db import models
from server.db.uow import UnitOfWorkFactory
from server.domain.accounts import PreceptorProfile
from server.domain.certificates import CROCKFORD, make_certificate, verification_code
from server.domain.errors import Conflict, Forbidden, Invalid, NotFound
from server.handlers.pages.certificates import qr_svg
from server.schemas.visits import VisitIn
from server.services import certificates, live, visits
from server.web import rate_limit
from tests.integration.api_helpers import (
    access_matrix_mismatches,
    role_apis,
    row_counts,
)
from tests.integration.pages_browser import census
from tests.integration.test_api_record import enroll
from tests.integration.test_pages import browser_for
from tests.support.world import FakeClock, World

SECRET = "test-secret-key-made-for-this-run"  # the settings fixture's key
DAY1 = datetime(2026, 12, 1, 14, 0, tzinfo=UTC)
DAY2 = datetime(2026, 12, 8, 14, 0, tzinfo=UTC)
AFTER_LAST_DAY = datetime(2026, 12, 28, 9, 0, tzinfo=UTC)  # the first block's last day was 12-27


def at(start: datetime, minutes: float) -> datetime:
    return start + timedelta(minutes=minutes)


async def schedule(
    uows: UnitOfWorkFactory, world: World, starts: datetime, invitees: list[int], **kw: Any
) -> int:
    body = VisitIn(
        block_id=world.block_ids[0],
        kind=kw.get("kind", "huddle"),
        title=kw.get("title", "Rounds"),
        starts_at=starts,
        duration_minutes=kw.get("minutes", 60),
        visitor_ids=invitees,
    )
    return (await visits.schedule_visit(uows(), world.preceptor, body)).id


async def add_interval(
    uows: UnitOfWorkFactory, visit_id: int, user_id: int, start: datetime, end: datetime | None
) -> None:
    """An interval written directly: two tabs of one person open at once (the service closes the first
    on a reconnect, but two server processes can each hold one)."""
    async with uows() as uow:
        # Written as a row: the repository only opens intervals (the service closes them).
        uow.db.add(
            models.AttendanceIntervalRow(
                visit_id=visit_id,
                user_id=user_id,
                participant_key=f"user-{user_id}",
                role="visitor",
                connected_at=start,
                disconnected_at=end,
                end_reason="left" if end else None,
            )
        )
        await uow.commit()


@pytest.fixture
async def rotation(uows: UnitOfWorkFactory, world: World, clock: FakeClock) -> dict[str, int]:
    """The student and the other student enrolled in the first block, with attendance:

    visit A, 12-01 14:00-15:00: student 14:02-14:10 and (a second tab) 14:05-14:20 -> 14:02-14:20;
      then 14:40 until the visit ends at 15:00. The other student 14:00-15:00; the host 14:00-15:00.
    visit B, 12-01 14:30-15:30 (overlapping A): student 14:35-14:50, inside A's 14:40-15:00 for 10 min.
    visit C, 12-08 14:00: student 14:00:00-14:30:30.
    visit D, 12-08 16:00: student invited, never connected.
    Union: 14:02-14:20 (18 min) + 14:35-15:00 (25 min) + 30.5 min = 73.5 min = 4410 s -> 1.2 hours;
    sessions: A, B, C = 3."""
    student, other = world.student, world.other_student
    enrollment = await enroll(uows, student, world.program_id, world.block_ids[:1])
    other_enrollment = await enroll(uows, other, world.program_id, world.block_ids[:1])
    both = [student.user_id, other.user_id]
    a = await schedule(uows, world, DAY1, both)
    b = await schedule(uows, world, at(DAY1, 30), [student.user_id])
    c = await schedule(uows, world, DAY2, [student.user_id])
    d = await schedule(uows, world, at(DAY2, 120), [student.user_id])

    clock.current = DAY1
    host = await live.authorize_join(uows(), world.preceptor, a, None)
    me_a = await live.authorize_join(uows(), student, a, None)
    them = await live.authorize_join(uows(), other, a, None)
    await live.record_attendance_start(uows(), a, host, DAY1)
    await live.record_attendance_start(uows(), a, them, DAY1)
    first = await live.record_attendance_start(uows(), a, me_a, at(DAY1, 2))
    await live.record_attendance_end(uows(), first, at(DAY1, 10), "dropped")
    await add_interval(uows, a, student.user_id, at(DAY1, 5), at(DAY1, 20))
    await live.record_attendance_start(uows(), a, me_a, at(DAY1, 40))
    me_b = await live.authorize_join(uows(), student, b, None)
    second = await live.record_attendance_start(uows(), b, me_b, at(DAY1, 35))
    await live.record_attendance_end(uows(), second, at(DAY1, 50), "left")
    await live.end_visit(uows(), a, at(DAY1, 60))
    await live.end_visit(uows(), b, at(DAY1, 90))

    clock.current = DAY2
    me_c = await live.authorize_join(uows(), student, c, None)
    third = await live.record_attendance_start(uows(), c, me_c, DAY2)
    await live.record_attendance_end(uows(), third, DAY2 + timedelta(minutes=30, seconds=30), "left")
    await live.end_visit(uows(), c, at(DAY2, 45))
    return {"enrollment": enrollment, "other_enrollment": other_enrollment, "a": a, "b": b, "c": c, "d": d}


async def complete(uows: UnitOfWorkFactory, enrollment: int) -> None:
    async with uows() as uow:
        assert await uow.applications.compare_and_set_state(enrollment, "enrolled", {"state": "completed"})
        await uow.commit()


async def superseded_at(uows: UnitOfWorkFactory, certificate_id: int) -> datetime | None:
    async with uows() as uow:
        row = await uow.certificates.get(certificate_id)
        assert row is not None
        return row.superseded_at


# --- what a certificate states --------------------------------------------------------------------


async def test_hours_and_sessions_come_from_the_attendance_records(
    uows: UnitOfWorkFactory, world: World, clock: FakeClock, rotation: dict[str, int]
) -> None:
    clock.current = AFTER_LAST_DAY
    issued = await certificates.issue_certificate(uows(), world.coordinator, rotation["enrollment"], SECRET)
    assert issued.verified_seconds == 4410 and issued.verified_hours == "1.2"
    assert issued.sessions_attended == 3
    assert (issued.visitor_name, issued.program, issued.preceptor_name) == (
        "Student",
        "Open Observership",
        "Preceptor",
    )
    assert issued.rotation_type.value == "observership" and issued.modality.value == "virtual"
    assert (issued.start, issued.end, issued.issued_on) == (
        date(2026, 11, 30),
        date(2026, 12, 27),
        date(2026, 12, 28),
    )
    assert issued.issued_by == world.coordinator.user_id and issued.superseded_at is None
    assert "attending 3 sessions for 1.2 verified hours" in issued.statement
    # The code is the domain's code of exactly this content, under the key derived from the secret.
    expected = make_certificate(
        certificate_id=issued.id,
        visitor_name="Student",
        program="Open Observership",
        rotation_type="observership",
        modality="virtual",
        preceptor_name="Preceptor",
        preceptor_title="",
        start=date(2026, 11, 30),
        end=date(2026, 12, 27),
        sessions_attended=3,
        verified_seconds=4410,
        issued_on=date(2026, 12, 28),
    )
    assert issued.code == verification_code(certificates.signing_key(SECRET), expected)
    assert issued.verification_url == f"/certificates/verify/{issued.code}"
    # The other student's hour in visit A is theirs alone.
    other = await certificates.issue_certificate(
        uows(), world.preceptor, rotation["other_enrollment"], SECRET
    )
    assert (other.sessions_attended, other.verified_seconds, other.verified_hours) == (1, 3600, "1.0")


async def test_nothing_typed_enters_the_numbers(
    world: World, make_api: Any, clock: FakeClock, rotation: dict[str, int]
) -> None:
    clock.current = AFTER_LAST_DAY
    coordinator = await make_api(world.coordinator.email)
    path = f"/enrollments/{rotation['enrollment']}/certificate"
    for body in ({"verified_seconds": 999_999}, {"sessions_attended": 40}, {"preceptor_id": "x"}, [], "x"):
        status, answer = await coordinator.call("POST", path, json=body)
        assert status == 422, (body, answer)
    status, answer = await coordinator.call(
        "POST", path, json={"preceptor_id": world.other_preceptor.user_id}
    )
    assert status == 422 and answer["error"]["field"] == "preceptor_id", answer
    issued = await coordinator.post(path, {}, expect=201)
    assert issued["verified_seconds"] == 4410


async def test_refused_until_the_rotation_is_over(
    uows: UnitOfWorkFactory, world: World, make_api: Any, clock: FakeClock, rotation: dict[str, int]
) -> None:
    enrollment = rotation["enrollment"]
    clock.current = datetime(2026, 12, 27, 23, 0, tzinfo=UTC)  # the last day itself
    before = await row_counts(uows)
    with pytest.raises(Conflict, match="not over: its last day is 27 Dec 2026"):
        await certificates.issue_certificate(uows(), world.coordinator, enrollment, SECRET)
    status, answer = await (await make_api(world.preceptor.email)).call(
        "POST", f"/enrollments/{enrollment}/certificate", json={}
    )
    assert status == 409 and "not over" in answer["error"]["message"], answer
    assert await row_counts(uows) == before
    # Completed early (the coordinator marks it completed on 12-09): the certificate ends that day.
    clock.current = datetime(2026, 12, 9, 12, 0, tzinfo=UTC)
    await complete(uows, enrollment)
    issued = await certificates.issue_certificate(uows(), world.coordinator, enrollment, SECRET)
    assert (issued.start, issued.end, issued.issued_on) == (
        date(2026, 11, 30),
        date(2026, 12, 9),
        date(2026, 12, 9),
    )
    assert issued.sessions_attended == 3
    # An application that is not an enrollment has no certificate at all.
    applied = await enroll(uows, world.graduate, world.program_id, world.block_ids[1:2], state="submitted")
    with pytest.raises(NotFound):
        await certificates.issue_certificate(uows(), world.coordinator, applied, SECRET)


async def test_access_per_role(
    uows: UnitOfWorkFactory, world: World, make_api: Any, clock: FakeClock, rotation: dict[str, int]
) -> None:
    clock.current = AFTER_LAST_DAY
    e = rotation["enrollment"]
    apis = await role_apis(world, make_api)
    cases: list[tuple[str, str, Any, tuple[int, ...]]] = [
        ("GET", f"/enrollments/{e}/certificate", None, (404, 404, 404, 404, 404, 404, 401)),  # none yet
        ("POST", f"/enrollments/{e}/certificate", {}, (403, 404, 201, 404, 201, 404, 401)),
        ("GET", f"/enrollments/{e}/certificate", None, (200, 404, 200, 404, 200, 404, 401)),
        ("GET", "/enrollments/999999/certificate", None, (404, 404, 404, 404, 404, 404, 401)),
    ]
    wrong = await access_matrix_mismatches(apis, cases)
    assert not wrong, "\n".join(wrong)
    with pytest.raises(Forbidden):
        await certificates.issue_certificate(uows(), world.student, e, SECRET)
    mine = await apis["visitor"].get(f"/enrollments/{e}/certificate")
    assert mine["verified_seconds"] == 4410
    # The coordinator issued first (anonymous and the others were refused); the preceptor's request
    # names the same preceptor over the same records, so it returns that certificate unchanged.
    async with uows() as uow:
        rows = [r.superseded_at for r in await uow.certificates.of_enrollment(e)]
        audit_rows = (
            await uow.db.execute(
                select(models.AuditEventRow.actor_id, models.AuditEventRow.action).where(
                    models.AuditEventRow.record_type == "certificate"
                )
            )
        ).all()
    assert rows == [None]  # the preceptor's request named the same preceptor: nothing new
    assert ("issue" in {a for _, a in audit_rows}) and (world.student.user_id, "read") in audit_rows


async def test_reissue_keeps_history_and_the_old_code_shows_as_replaced(
    uows: UnitOfWorkFactory, world: World, clock: FakeClock, rotation: dict[str, int]
) -> None:
    clock.current = AFTER_LAST_DAY
    e = rotation["enrollment"]
    first = await certificates.issue_certificate(uows(), world.coordinator, e, SECRET)
    again = await certificates.issue_certificate(uows(), world.coordinator, e, SECRET)
    assert again.id == first.id and again.code == first.code  # nothing changed: the same certificate
    clock.current = AFTER_LAST_DAY + timedelta(days=1)
    # Another day and a title now on the preceptor's profile: the facts changed.
    async with uows() as uow:
        profile = await uow.users.preceptor_profile(world.preceptor.user_id)
        profile = profile or PreceptorProfile(user_id=world.preceptor.user_id)
        await uow.users.save_preceptor_profile(replace(profile, title="MD, Attending"))
        await uow.commit()
    second = await certificates.issue_certificate(uows(), world.preceptor, e, SECRET)
    assert second.id != first.id and second.code != first.code
    assert second.preceptor_title == "MD, Attending" and "Preceptor, MD, Attending" in second.statement
    assert await superseded_at(uows, first.id) == clock.current
    old = await certificates.verify(uows(), first.code, SECRET)
    assert old.genuine and old.status == "superseded" and "newer certificate" in old.message
    new = await certificates.verify(uows(), second.code, SECRET)
    assert new.genuine and new.status == "genuine"
    assert (await certificates.get_certificate(uows(), world.student, e)).id == second.id


# --- public verification --------------------------------------------------------------------------


def one_character_changed(code: str) -> str:
    position = 7  # inside the second group
    replacement = next(ch for ch in CROCKFORD if ch != code[position])
    return code[:position] + replacement + code[position + 1 :]


async def test_public_verification_genuine_tampered_changed_unknown(
    uows: UnitOfWorkFactory, world: World, make_api: Any, clock: FakeClock, rotation: dict[str, int]
) -> None:
    clock.current = AFTER_LAST_DAY
    issued = await certificates.issue_certificate(uows(), world.coordinator, rotation["enrollment"], SECRET)
    anonymous = await make_api(None)
    genuine = await anonymous.get(f"/certificates/verify/{issued.code}")
    assert genuine["genuine"] is True and genuine["status"] == "genuine"
    facts = genuine["certificate"]
    assert (facts["visitor_name"], facts["verified_hours"], facts["sessions_attended"]) == (
        "Student",
        "1.2",
        3,
    )
    assert facts["start"] == "2026-11-30" and facts["end"] == "2026-12-27"
    assert "enrollment_id" not in facts and "visitor_id" not in facts  # public facts only
    # Typed loosely: lower case, spaces, O for 0 -- the same certificate.
    loose = issued.code.lower().replace("-", " ").replace("0", "o")
    assert (await anonymous.get(f"/certificates/verify/{loose}"))["status"] == "genuine"

    # One character of the code changed: no certificate has it.
    changed = await anonymous.get(f"/certificates/verify/{one_character_changed(issued.code)}")
    assert changed["genuine"] is False and changed["status"] == "unknown" and changed["certificate"] is None
    assert "Not genuine" in changed["message"]

    # The row changed in the database (more hours): the stored content no longer makes its code.
    async with uows() as uow:
        await uow.db.execute(
            update(models.CompletionCertificateRow)
            .where(models.CompletionCertificateRow.id == issued.id)
            .values(verified_seconds=36_000)
        )
        await uow.commit()
    tampered = await anonymous.get(f"/certificates/verify/{issued.code}")
    assert (
        tampered["genuine"] is False and tampered["status"] == "altered" and tampered["certificate"] is None
    )

    # The code column changed to another well-formed code: found by it, but it is not the content's code.
    async with uows() as uow:
        await uow.db.execute(
            update(models.CompletionCertificateRow)
            .where(models.CompletionCertificateRow.id == issued.id)
            .values(verified_seconds=4410, code=one_character_changed(issued.code))
        )
        await uow.commit()
    swapped = await anonymous.get(f"/certificates/verify/{one_character_changed(issued.code)}")
    assert swapped["status"] == "altered"
    assert (await anonymous.get(f"/certificates/verify/{issued.code}"))["status"] == "unknown"

    # Bad input: not a code at all.
    for bad in (
        "abc",
        "7K3QD-9XW2M-A0ZFT-H4C8",
        "7K3QD-9XW2M-A0ZFT-H4C8R1",
        "UUUUU-UUUUU-UUUUU-UUUUU",
        "%00",
    ):
        status, answer = await anonymous.call("GET", f"/certificates/verify/{bad}")
        assert status == 422 and answer["error"]["field"] == "code", (bad, answer)
    status, _ = await anonymous.call("GET", "/certificates/verify/" + "A" * 41)
    assert status == 404
    with pytest.raises(Invalid):
        await certificates.verify(uows(), "not a code", SECRET)


async def test_a_certificate_from_another_secret_is_not_genuine(
    uows: UnitOfWorkFactory, world: World, clock: FakeClock, rotation: dict[str, int]
) -> None:
    clock.current = AFTER_LAST_DAY
    issued = await certificates.issue_certificate(uows(), world.coordinator, rotation["enrollment"], SECRET)
    other = await certificates.verify(uows(), issued.code, "another-secret-key-of-another-server")
    assert other.status == "altered" and not other.genuine


async def test_the_certificate_page_the_qr_code_and_the_public_page(
    uows: UnitOfWorkFactory, world: World, make_api: Any, clock: FakeClock, rotation: dict[str, int]
) -> None:
    clock.current = AFTER_LAST_DAY
    e = rotation["enrollment"]
    coordinator = await browser_for(make_api, world.coordinator.email)
    record = await coordinator.get(f"/record/enrollments/{e}")
    assert f'href="/record/enrollments/{e}/certificate"' in record.text  # linked from the record
    page = await coordinator.get(f"/record/enrollments/{e}/certificate")
    assert "Issue certificate</button>" in page.text and "3 sessions, 1.2 verified hours" in page.text
    reply = await coordinator.post(f"/record/enrollments/{e}/certificate", {"preceptor_id": ""})
    assert reply.location.endswith(f"/record/enrollments/{e}/certificate?issued=1#certificate")
    issued = await certificates.get_certificate(uows(), world.coordinator, e)

    student = await browser_for(make_api, world.student.email)
    mine = await student.get(f"/record/enrollments/{e}/certificate")
    assert issued.code in mine.text and "Issue certificate</button>" not in mine.text
    assert "attending 3 sessions for 1.2 verified hours" in mine.text
    # The QR code is segno's SVG of the absolute public URL (built again here from the same payload).
    host = student.client.server.host
    port = student.client.server.port
    url = f"http://{host}:{port}/certificates/verify/{issued.code}"
    svg = qr_svg(url)
    assert svg in mine.text and f'href="{url}"' in mine.text
    assert 'viewBox="0 0 ' in svg  # scaled, not clipped, when the stylesheet draws it smaller

    # The download is the same certificate as a file, and it is audited as an export.
    download = await student.get(f"/certificates/{issued.id}/download")
    assert issued.code in download.text and svg in download.text and "<style>" in download.text
    # Its one inline stylesheet is allowed by its hash, and nothing else runs or loads.
    response = await student.client.get(f"/certificates/{issued.id}/download")
    style = re.search(r"<style>(.*?)</style>", download.text, re.S)
    assert style is not None
    digest = base64.b64encode(hashlib.sha256(style.group(1).encode()).digest()).decode()
    policy = response.headers["Content-Security-Policy"]
    assert f"style-src 'sha256-{digest}'" in policy and "default-src 'none'" in policy
    stranger = await browser_for(make_api, world.other_student.email)
    await stranger.get(f"/certificates/{issued.id}/download", expect=404)
    await stranger.get(f"/record/enrollments/{e}/certificate", expect=404)
    async with uows() as uow:
        actions = {
            (r.actor_id, r.action)
            for r in (
                await uow.db.execute(
                    select(models.AuditEventRow).where(models.AuditEventRow.record_type == "certificate")
                )
            ).scalars()
        }
    assert {
        (world.coordinator.user_id, "issue"),
        (world.student.user_id, "read"),
        (world.student.user_id, "export"),
    } <= actions

    # The public page: no login needed.
    anonymous = await browser_for(make_api, None)
    public = await anonymous.get(f"/certificates/verify/{issued.code}")
    assert "Genuine certificate" in public.text and "Student" in public.text and "1.2" in public.text
    unknown = await anonymous.get(f"/certificates/verify/{one_character_changed(issued.code)}")
    assert "Not genuine" in unknown.text and "no certificate has this code" in unknown.text
    # The form: a typed code goes to its page; lower case goes to the canonical address.
    typed = await anonymous.get(
        "/certificates/verify?code=" + issued.code.lower().replace("-", "+"), expect=303
    )
    assert typed.location == f"/certificates/verify/{issued.code}"
    lower = await anonymous.get(f"/certificates/verify/{issued.code.lower()}", expect=302)
    assert lower.location == f"/certificates/verify/{issued.code}"
    empty = await anonymous.get("/certificates/verify")
    assert 'name="code"' in empty.text and "Genuine" not in empty.text
    for html in (page.text, mine.text, public.text, empty.text):
        fields = census(html)
        assert not fields.unnamed and set(fields.fields) <= fields.labelled, fields.fields
        assert fields.headings[0] == 1 and all(b - a <= 1 for a, b in itertools.pairwise(fields.headings))
    bad = await anonymous.get("/certificates/verify?code=hello", expect=422)
    assert "not a certificate code" in bad.text and 'value="hello"' in bad.text
    await anonymous.get("/certificates/verify/not-a-code", expect=422)
    await anonymous.get("/certificates/verify?code=" + "A" * 500, expect=422)
    # Anonymous people cannot see the certificate page itself.
    assert (await anonymous.get(f"/record/enrollments/{e}/certificate", expect=303)).location.startswith(
        "/login"
    )


async def test_issuing_from_the_page_before_the_end_shows_why(
    world: World, make_api: Any, clock: FakeClock, rotation: dict[str, int]
) -> None:
    clock.current = DAY2 + timedelta(days=1)
    e = rotation["enrollment"]
    preceptor = await browser_for(make_api, world.preceptor.email)
    page = await preceptor.get(f"/record/enrollments/{e}/certificate")
    assert "Issue certificate</button>" not in page.text and "not over" in page.text
    refused = await preceptor.post(f"/record/enrollments/{e}/certificate", {}, expect=409)
    assert "not over: its last day is 27 Dec 2026" in refused.text
    visitor = await browser_for(make_api, world.student.email)
    await visitor.post(f"/record/enrollments/{e}/certificate", {}, expect=403)


async def test_public_lookups_are_rate_limited_per_address(
    world: World, make_api: Any, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(rate_limit, "LOOKUPS_PER_WINDOW", 3)
    anonymous = await make_api(None)
    code = "7K3QD-9XW2M-A0ZFT-H4C8R"
    for _ in range(3):
        assert (await anonymous.get(f"/certificates/verify/{code}"))["status"] == "unknown"
    status, answer = await anonymous.call("GET", f"/certificates/verify/{code}")
    assert status == 429 and "Wait 600 seconds" in answer["error"]["message"], answer
    browser = await browser_for(make_api, None)
    page = await browser.get(f"/certificates/verify/{code}", expect=429)  # the page shares the limit
    assert "Too many certificate look-ups" in page.text
    clock.advance(minutes=10)
    assert (await anonymous.get(f"/certificates/verify/{code}"))["status"] == "unknown"
