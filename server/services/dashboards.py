"""What each role's dashboard shows."""

from __future__ import annotations

from server.db.uow import UnitOfWork
from server.domain.actors import Actor
from server.domain.applications import AppState
from server.domain.vocab import Role
from server.schemas import (
    BlockCapacityOut,
    CurrentVisitorOut,
    ReviewQueueOut,
)
from server.services import applications, documents, programs

REVIEW_STATES = {
    AppState.SUBMITTED,
    AppState.UNDER_REVIEW,
    AppState.RESUBMISSION_REQUESTED,
    AppState.WAITLISTED,
    AppState.OFFER_MADE,
    AppState.OFFER_ACCEPTED,
}


async def review_queue(uow_factory: applications.UowFactory, actor: Actor) -> ReviewQueueOut:
    """A coordinator's queue: applications needing a decision, documents to verify, capacity."""
    actor.require(Role.COORDINATOR)
    apps = await applications.list_applications(uow_factory(), actor)
    docs = await documents.review_queue_documents(uow_factory(), actor)
    own = await programs.coordinator_programs(uow_factory(), actor)
    capacity = [
        BlockCapacityOut(program_id=p.id, program_title=p.title, block=b)
        for p in own
        for b in p.blocks
    ]
    return ReviewQueueOut(
        applications=[a for a in apps if a.state in REVIEW_STATES],
        documents=docs,
        capacity=capacity,
    )


async def current_visitors(uow: UnitOfWork, actor: Actor) -> list[CurrentVisitorOut]:
    """A preceptor's visitors: accepted, enrolled or active in their programs."""
    actor.require(Role.PRECEPTOR)
    apps = await applications.list_applications(uow, actor)
    return [
        CurrentVisitorOut(
            application_id=a.id,
            visitor=a.visitor,
            program_title=a.program_title,
            state=a.state,
            blocks=a.blocks,
        )
        for a in apps
        if a.state in {AppState.OFFER_ACCEPTED, AppState.ENROLLED, AppState.ACTIVE}
    ]
