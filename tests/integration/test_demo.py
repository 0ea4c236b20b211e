"""The demo data: what `rounds demo` promises a person trying Rounds, on each database."""

from __future__ import annotations

import statistics
from datetime import UTC, datetime, timedelta
from itertools import pairwise
from typing import Any

import pytest

from server.config import Settings
from server.db.uow import UnitOfWorkFactory
from server.demo import DEMO_ACCOUNTS, load_demo
from server.domain.actors import Actor
from server.domain.caselog import EncounterKind
from server.domain.errors import Forbidden
from server.domain.evaluations import ENTRUSTMENT_ORDINAL, MiniCexItem
from server.domain.vocab import Role, RotationType
from server.schemas.programs import ProgramQuery
from server.schemas.visits import VisitIn
from server.services import (
    accounts,
    applications,
    caselogs,
    certificates,
    encounters,
    evaluations,
    letters,
    live,
    presentations,
    programs,
    visits,
)
from tests.integration.api_helpers import row_counts
from tests.integration.test_certificates import one_character_changed
from tests.integration.test_pages import browser_for


async def test_the_demo_has_every_role_every_rotation_type_and_a_scored_case(
    settings: Settings, uows: UnitOfWorkFactory
) -> None:
    assert await load_demo(settings) is True
    assert await load_demo(settings) is False  # a second run adds nothing

    async with uows() as uow:
        found = {email: await uow.users.by_email(email) for email, *_ in DEMO_ACCOUNTS}
        users = {email: accounts.actor_of(user) for email, user in found.items() if user is not None}
    assert len(users) == len(DEMO_ACCOUNTS)
    roles = [actor.role for actor in users.values()]
    assert roles.count(Role.COORDINATOR) == 1 and roles.count(Role.PRECEPTOR) == 2
    assert roles.count(Role.VISITOR) == 5

    catalog = await programs.list_programs(uows(), None, ProgramQuery())
    assert {p.rotation_type for p in catalog} == set(RotationType)
    assert len({p.preceptors[0].specialty for p in catalog}) == 2

    states = {}
    visitors = ("amara@rounds.test", "bruno@rounds.test", "chen@rounds.test", "dana@rounds.test")
    for email in (*visitors, "elena@rounds.test"):
        apps = await applications.list_applications(uows(), users[email])
        states[email] = [a.state.value for a in apps]
    assert states == {
        "amara@rounds.test": ["active"],
        "bruno@rounds.test": ["offer_made"],
        "chen@rounds.test": ["under_review"],
        "dana@rounds.test": [],
        "elena@rounds.test": ["completed"],
    }

    amara = users["amara@rounds.test"]
    enrollment = (await applications.list_applications(uows(), amara))[0].id
    [presented] = await presentations.list_presentations(uows(), amara, enrollment)
    score = await presentations.get_score(uows(), amara, presented.id)
    # Her leading I20.9 meets the reference's I20.8 in category I20; the can't-miss I21.4 was missed.
    assert score.top_1 is True
    assert (score.cant_miss_coverage.matched, score.cant_miss_coverage.total) == (0, 1)

    # Dr. Reyes has released two evaluations of Amara (weeks 1 and 2): her page shows them and the
    # professionalism trajectory from 6 to 7.
    released = await evaluations.list_encounter_evaluations(uows(), amara, enrollment)
    assert [(e.week, e.state.value) for e in released] == [(1, "released"), (2, "released")]
    assert {e.preceptor_name for e in released} == {"Dr. Samuel Reyes"}
    summary = await evaluations.evaluation_summary(uows(), amara, enrollment)
    [professionalism] = [i for i in summary.items if i.item.value == "professionalism"]
    assert professionalism.stats.trajectory is not None
    assert (professionalism.stats.trajectory.first_mean, professionalism.stats.trajectory.last_mean) == (6, 7)

    # Issue 18, item 22: her story holds together relative to today. Her first block started on a Monday
    # two weeks before this week's, so today is in week 3; each released evaluation is dated in its own
    # week, in the past; everything in her record is something the platform hosted and saw her in.
    [app] = await applications.list_applications(uows(), amara)
    first = app.blocks[0].start_date
    today = datetime.now(UTC).date()
    assert first.weekday() == 0 and 14 <= (today - first).days <= 20 and len(app.blocks) == 2
    for e in released:
        assert 7 * (e.week - 1) <= (e.observed_on - first).days < 7 * e.week and e.observed_on < today
    record = await encounters.list_encounters(uows(), amara, enrollment)
    assert {e.source.value for e in record} == {"platform"} and len(record) == 3
    assert [e.week for e in record] == [1, 1, 2]

    # Amara has two live sessions coming up with her IM preceptor: a huddle open to join now-ish and
    # a patient visit tomorrow.
    upcoming = await visits.upcoming_for(uows(), amara)
    assert sorted(v.kind.value for v in upcoming) == ["huddle", "patient_visit"]
    assert {v.host_name for v in upcoming} == {"Dr. Samuel Reyes"}
    im = users["im.preceptor@rounds.test"]
    assert [v.id for v in await visits.upcoming_for(uows(), im)] == [v.id for v in upcoming]


async def test_a_later_demo_run_schedules_a_new_huddle_when_none_is_open(
    settings: Settings, uows: UnitOfWorkFactory
) -> None:
    from sqlalchemy import update

    from server.db import models
    from server.demo import refresh_demo_huddle

    assert await load_demo(settings) is True
    assert await refresh_demo_huddle(settings) is None  # the demo's own huddle is still open
    async with uows() as uow:  # that huddle is over (as it would be a day later)
        await uow.db.execute(
            update(models.VisitRow).where(models.VisitRow.kind == "huddle").values(status="ended")
        )
        await uow.commit()
    news = await refresh_demo_huddle(settings)
    assert news is not None and "huddle" in news
    async with uows() as uow:
        amara = await uow.users.by_email("amara@rounds.test")
        assert amara is not None
        actor = accounts.actor_of(amara)
    upcoming = await visits.upcoming_for(uows(), actor)
    assert [v.kind.value for v in upcoming].count("huddle") == 1
    assert await refresh_demo_huddle(settings) is None  # and only one


async def test_rerunning_the_demo_after_its_huddle_ended_offers_an_open_one_again(
    settings: Settings, uows: UnitOfWorkFactory
) -> None:
    """Issue 18, item 22: the host ends the demo's huddle (as the live room does) and, trying the
    preceptor's pages, schedules another huddle for next week; `rounds demo` run again must still offer
    one open to join now, and adds nothing else, nor anything on a further run."""
    from server.demo import refresh_demo_huddle

    assert await load_demo(settings) is True
    # The demo runs on the real clock; so does this test's account of what the host did.
    uows = UnitOfWorkFactory(uows.maker, lambda: datetime.now(UTC), offer_hold_days=uows.offer_hold_days)
    amara = await _actor(uows, "amara@rounds.test")
    reyes = await _actor(uows, "im.preceptor@rounds.test")
    [huddle] = [v for v in await visits.upcoming_for(uows(), amara) if v.kind.value == "huddle"]
    grant = await live.authorize_join(uows(), reyes, huddle.id, None)
    now = datetime.now(UTC)
    await live.record_attendance_start(uows(), huddle.id, grant, now)
    await live.end_visit(uows(), huddle.id, now)
    next_week = (now + timedelta(days=7)).replace(hour=14, minute=0, second=0, microsecond=0)
    await visits.schedule_visit(
        uows(),
        reyes,
        VisitIn(
            block_id=huddle.block_id,
            kind=EncounterKind.HUDDLE,
            title="Next week's huddle",
            starts_at=next_week,
            duration_minutes=60,
            visitor_ids=[amara.user_id],
        ),
    )
    before = await row_counts(uows)
    assert await load_demo(settings) is False
    news = await refresh_demo_huddle(settings)
    assert news is not None and "huddle" in news
    opening = [
        v
        for v in await visits.upcoming_for(uows(), amara)
        if v.kind.value == "huddle" and v.starts_at <= datetime.now(UTC) + timedelta(minutes=31)
    ]
    assert len(opening) == 1 and opening[0].status.value == "scheduled"
    after = await row_counts(uows)
    added = {table: after[table] - before[table] for table in after if after[table] != before[table]}
    # The new huddle, and Amara told of it (in the app and by email).
    assert added == {"visits": 1, "visit_invitations": 1, "notifications": 1, "outbox": 1}
    assert await refresh_demo_huddle(settings) is None
    assert await row_counts(uows) == after


async def _actor(uows: UnitOfWorkFactory, email: str) -> Actor:
    async with uows() as uow:
        user = await uow.users.by_email(email)
        assert user is not None
        return accounts.actor_of(user)


async def test_elena_finished_an_observership_with_evidence_a_certificate_and_a_waived_letter_request(
    settings: Settings, uows: UnitOfWorkFactory, make_api: Any
) -> None:
    """The demo's finished rotation, read back through the services: a block that ended two to three
    weeks ago, weekly evaluations by Dr. Reyes that rise, a released final evaluation, a certificate from
    the attendance records that verifies (and a changed code that does not), reviewed presentations, and
    an accepted letter request she waived the right to read."""
    assert await load_demo(settings) is True
    elena = await _actor(uows, "elena@rounds.test")
    reyes = await _actor(uows, "im.preceptor@rounds.test")

    [enrollment] = await applications.list_applications(uows(), elena)
    assert enrollment.state.value == "completed"
    assert enrollment.program_title == "Virtual Internal Medicine Observership"
    [block] = enrollment.blocks
    today = datetime.now(UTC).date()  # the demo is dated from the real today
    assert block.start_date.weekday() == 0 and 42 <= (today - block.start_date).days <= 48
    assert block.end_date < today - timedelta(days=14)

    # One released evaluation a week by Dr. Reyes, rising: EPA levels week by week, professionalism 6 -> 8.
    released = await evaluations.list_encounter_evaluations(uows(), elena, enrollment.id)
    assert [e.week for e in released] == [1, 2, 3, 4]
    assert {(e.state.value, e.preceptor_name) for e in released} == {("released", "Dr. Samuel Reyes")}
    assert all(e.strengths and e.improvement and e.example for e in released)
    epa_means = [statistics.mean(ENTRUSTMENT_ORDINAL[level] for level in e.epas.values()) for e in released]
    assert all(earlier < later for earlier, later in pairwise(epa_means))
    summary = await evaluations.evaluation_summary(uows(), elena, enrollment.id)
    [professionalism] = [i for i in summary.items if i.item is MiniCexItem.PROFESSIONALISM]
    trajectory = professionalism.stats.trajectory
    assert trajectory is not None and (trajectory.first_week, trajectory.last_week) == (1, 4)
    assert trajectory.first_mean < trajectory.last_mean
    assert summary.rime.latest is not None and summary.rime.latest.value == "manager"

    # The end-of-rotation evaluation: released, a letter promised, no ranking without a group.
    [final] = await evaluations.list_final_evaluations(uows(), elena, enrollment.id)
    assert (final.state.value, final.preceptor_name, final.will_write_letter) == (
        "released",
        "Dr. Samuel Reyes",
        True,
    )
    assert final.comparative_rating is None and final.group_size == 0

    # Presentations, oral and SNAPPS, every week, each with a reference and reviewed by Dr. Reyes; every
    # case log's diagnoses reviewed by him too.
    shown = await presentations.list_presentations(uows(), elena, enrollment.id)
    assert sorted({p.week for p in shown}) == [1, 2, 3, 4]
    assert {p.format.value for p in shown} == {"oral", "snapps"}
    assert {(p.state.value, p.reviewed_by) for p in shown} == {("reviewed", reyes.user_id)}
    assert all(p.reference and p.feedback for p in shown)
    logs = await caselogs.list_case_logs(uows(), elena, enrollment.id)
    assert len(logs) == len(shown) and {log.review.reviewer_name for log in logs} == {"Dr. Samuel Reyes"}

    # The certificate: sessions and hours from the attendance records (her connected time, visit by visit).
    certificate = await certificates.get_certificate(uows(), elena, enrollment.id)
    attended = await visits.upcoming_for(uows(), elena, include_past=True)
    minutes = [
        p.connected_minutes
        for visit in attended
        for p in (await live.attendance_for(uows(), elena, visit.id)).participants
    ]
    assert certificate.sessions_attended == len(attended) == len(minutes) >= 8
    assert certificate.verified_seconds > 0 and certificate.verified_seconds == round(60 * sum(minutes))
    assert certificate.preceptor_name == "Dr. Samuel Reyes"
    genuine = await certificates.verify(uows(), certificate.code, settings.secret_key)
    assert genuine.genuine and genuine.status == "genuine" and genuine.certificate is not None
    assert genuine.certificate.verified_hours == certificate.verified_hours
    changed = await certificates.verify(uows(), one_character_changed(certificate.code), settings.secret_key)
    assert not changed.genuine and changed.certificate is None
    anonymous = await browser_for(make_api, None)  # the public page, no login
    page = await anonymous.get(f"/certificates/verify/{certificate.code}")
    assert "Genuine certificate" in page.text and "Elena Marković" in page.text
    page = await anonymous.get(f"/certificates/verify/{one_character_changed(certificate.code)}")
    assert "Not genuine" in page.text

    # Her letter request: accepted by Dr. Reyes, waived, with its ERAS Letter ID; she cannot read it.
    [request] = await letters.list_requests(uows(), elena)
    assert (request.state.value, request.ferpa_waived, request.eras_letter_id) == (
        "accepted",
        True,
        "L2026-04817",
    )
    assert (request.preceptor_id, request.specialty) == (reyes.user_id, "Internal Medicine")
    assert [r.id for r in await letters.list_requests(uows(), reyes)] == [request.id]
    with pytest.raises(Forbidden):
        await letters.get_letter(uows(), elena, request.id)
