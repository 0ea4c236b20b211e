"""Profiles: the account's name and time zone, a visitor's training facts, a preceptor's letterhead
details."""

from __future__ import annotations

from dataclasses import replace

from server.db.uow import UnitOfWork
from server.domain.accounts import PreceptorProfile, VisitorProfile
from server.domain.actors import Actor
from server.domain.dates import check_time_zone
from server.domain.errors import NotFound
from server.domain.vocab import Role
from server.schemas.accounts import (
    AccountIn,
    PreceptorProfileIn,
    PreceptorProfileOut,
    ProfileOut,
    UserOut,
    VisitorProfileIn,
    VisitorProfileOut,
)


async def profile_of(uow: UnitOfWork, user_id: int) -> ProfileOut:
    """A user's profile (:func:`my_profile`) inside the caller's open unit of work."""
    user = await uow.users.get(user_id)
    if user is None:
        raise NotFound(f"There is no user {user_id}.")
    out = ProfileOut(user=UserOut.model_validate(user))
    if user.role is Role.VISITOR:
        vp = await uow.users.visitor_profile(user_id)
        if vp is not None:
            out.visitor = VisitorProfileOut.model_validate(vp)
    elif user.role is Role.PRECEPTOR:
        pp = await uow.users.preceptor_profile(user_id)
        if pp is not None:
            out.preceptor = PreceptorProfileOut.model_validate(pp)
    return out


async def my_profile(uow: UnitOfWork, actor: Actor) -> ProfileOut:
    async with uow:
        return await profile_of(uow, actor.user_id)


async def update_account(uow: UnitOfWork, actor: Actor, data: AccountIn) -> ProfileOut:
    """Change the person's own name and time zone (fields left out are kept); the zone must be one
    of the IANA database's (Invalid, 422, otherwise)."""
    zone = None if data.time_zone is None else check_time_zone(data.time_zone)
    async with uow:
        await uow.users.lock(actor.user_id)
        user = await uow.users.get(actor.user_id)
        if user is None:
            raise NotFound("There is no such account.")
        changed = replace(
            user,
            full_name=user.full_name if data.full_name is None else data.full_name,
            time_zone=user.time_zone if zone is None else zone,
        )
        await uow.users.update(changed)
        out = await profile_of(uow, actor.user_id)
        await uow.commit()
        return out


async def update_visitor_profile(uow: UnitOfWork, actor: Actor, data: VisitorProfileIn) -> ProfileOut:
    """Replace the visitor's profile fields with those given (fields left out are kept)."""
    actor.require(Role.VISITOR)
    async with uow:
        profile = await uow.users.visitor_profile(actor.user_id) or VisitorProfile(user_id=actor.user_id)
        await uow.users.save_visitor_profile(replace(profile, **data.model_dump(exclude_unset=True)))
        out = await profile_of(uow, actor.user_id)
        await uow.commit()
        return out


async def update_preceptor_profile(uow: UnitOfWork, actor: Actor, data: PreceptorProfileIn) -> ProfileOut:
    actor.require(Role.PRECEPTOR)
    async with uow:
        profile = await uow.users.preceptor_profile(actor.user_id) or PreceptorProfile(user_id=actor.user_id)
        await uow.users.save_preceptor_profile(replace(profile, **data.model_dump(exclude_unset=True)))
        out = await profile_of(uow, actor.user_id)
        await uow.commit()
        return out
