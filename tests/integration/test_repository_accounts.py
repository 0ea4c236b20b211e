"""The account repositories map rows to the domain's users, profiles and logins and back, on both
databases: what is added or saved reads back equal, in a fresh unit of work."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from server.db.uow import UnitOfWorkFactory
from server.domain.accounts import Login, PreceptorProfile, User, VisitorProfile
from server.domain.vocab import Role, Step1Status, TrainingStatus

CREATED = datetime(2025, 3, 4, 10, 30, tzinfo=UTC)
EXPIRES = datetime(2025, 3, 18, 10, 30, tzinfo=UTC)


async def test_a_user_reads_back_as_added_and_as_updated(uows: UnitOfWorkFactory) -> None:
    async with uows() as uow:
        added = await uow.users.add(
            email="nina.roundtrip@example.org",
            password_hash="$argon2id$not-a-real-hash",
            role=Role.VISITOR,
            full_name="Nina Round",
            at=CREATED,
        )
        await uow.commit()
    assert added == User(
        id=added.id,
        email="nina.roundtrip@example.org",
        password_hash="$argon2id$not-a-real-hash",
        role=Role.VISITOR,
        full_name="Nina Round",
        created_at=CREATED,
    )
    async with uows() as uow:
        assert await uow.users.get(added.id) == added
        assert await uow.users.by_email("Nina.Roundtrip@example.org") == added
        assert await uow.users.by_ids([added.id, added.id]) == {added.id: added}
        assert added in await uow.users.by_role(Role.VISITOR.value)
        assert added not in await uow.users.by_role(Role.PRECEPTOR.value)
        assert await uow.users.by_email("nobody@example.org") is None
        assert await uow.users.by_ids([]) == {}

    changed = replace(added, password_hash="$argon2id$rehashed", full_name="Nina Roundtree")
    async with uows() as uow:
        assert await uow.users.update(changed) == changed
        await uow.commit()
    async with uows() as uow:
        assert await uow.users.get(added.id) == changed


async def test_profiles_read_back_as_created_and_as_saved(uows: UnitOfWorkFactory) -> None:
    async with uows() as uow:
        visitor = await uow.users.add(
            email="v.roundtrip@example.org", password_hash="h", role=Role.VISITOR, full_name="V", at=CREATED
        )
        preceptor = await uow.users.add(
            email="p.roundtrip@example.org", password_hash="h", role=Role.PRECEPTOR, full_name="P", at=CREATED
        )
        assert await uow.users.visitor_profile(visitor.id) is None
        assert await uow.users.preceptor_profile(preceptor.id) is None
        empty = await uow.users.save_visitor_profile(VisitorProfile(user_id=visitor.id))
        assert empty == VisitorProfile(user_id=visitor.id)
        await uow.commit()
    facts = VisitorProfile(
        user_id=visitor.id,
        training_status=TrainingStatus.GRADUATE,
        profession="MD",
        school="University of Zagreb",
        country="Croatia",
        graduation_year=2024,
        step1_status=Step1Status.PASSED,
    )
    details = PreceptorProfile(
        user_id=preceptor.id,
        specialty="Internal Medicine",
        institution="Clinical Hospital Centre",
        title="MD, Attending",
        npi="1234567890",
        phone="+385 1 2388 888",
        address="Kišpatićeva 12, Zagreb",
        contact_email="p.office@example.org",
    )
    async with uows() as uow:
        assert await uow.users.save_visitor_profile(facts) == facts
        assert await uow.users.save_preceptor_profile(details) == details
        await uow.commit()
    async with uows() as uow:
        assert await uow.users.visitor_profile(visitor.id) == facts
        assert await uow.users.preceptor_profile(preceptor.id) == details
        assert await uow.users.visitor_profiles([visitor.id, preceptor.id]) == {visitor.id: facts}
        assert await uow.users.preceptor_profiles([visitor.id, preceptor.id]) == {preceptor.id: details}


async def test_a_login_reads_back_as_added(uows: UnitOfWorkFactory) -> None:
    async with uows() as uow:
        user = await uow.users.add(
            email="l.roundtrip@example.org",
            password_hash="h",
            role=Role.COORDINATOR,
            full_name="L",
            at=CREATED,
        )
        login = Login(token_hash="f" * 64, user_id=user.id, created_at=CREATED, expires_at=EXPIRES)
        await uow.logins.add(login)
        await uow.commit()
    async with uows() as uow:
        assert await uow.logins.by_token_hash("f" * 64) == login
        await uow.logins.delete_by_token_hash("f" * 64)
        await uow.commit()
    async with uows() as uow:
        assert await uow.logins.by_token_hash("f" * 64) is None
