"""The demo data: what `rounds demo` promises a person trying Rounds, on each database."""

from __future__ import annotations

from server.config import Settings
from server.db.uow import UnitOfWorkFactory
from server.demo import DEMO_ACCOUNTS, load_demo
from server.domain.vocab import Role, RotationType
from server.schemas import ProgramQuery
from server.services import accounts, applications, evaluations, presentations, programs, visits


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
    assert roles.count(Role.VISITOR) == 4

    catalog = await programs.list_programs(uows(), None, ProgramQuery())
    assert {p.rotation_type for p in catalog} == set(RotationType)
    assert len({p.preceptors[0].specialty for p in catalog}) == 2

    states = {}
    for email in ("amara@rounds.test", "bruno@rounds.test", "chen@rounds.test", "dana@rounds.test"):
        apps = await applications.list_applications(uows(), users[email])
        states[email] = [a.state.value for a in apps]
    assert states == {
        "amara@rounds.test": ["enrolled"],
        "bruno@rounds.test": ["offer_made"],
        "chen@rounds.test": ["under_review"],
        "dana@rounds.test": [],
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
        await uow.db.execute(update(models.Visit).where(models.Visit.kind == "huddle").values(status="ended"))
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
