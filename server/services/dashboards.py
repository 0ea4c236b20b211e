"""What each role's dashboard shows."""

from __future__ import annotations

from server.db.uow import UnitOfWork
from server.domain.actors import Actor
from server.domain.applications import FINAL_STATES, UNDER_WAY_STATES, AppState
from server.domain.errors import NotFound
from server.domain.vocab import DocumentKind, Role
from server.schemas.dashboards import (
    BlockCapacityOut,
    CoordinatorDashboardOut,
    CurrentVisitorOut,
    NeededDocumentOut,
    PreceptorDashboardOut,
    ReviewQueueOut,
    VisitorDashboardOut,
)
from server.schemas.programs import PreceptorOut
from server.services import applications, documents, profiles, programs

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
        BlockCapacityOut(program_id=p.id, program_title=p.title, block=b) for p in own for b in p.blocks
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
        if a.state in {AppState.OFFER_ACCEPTED, *UNDER_WAY_STATES}
    ]


async def visitor_dashboard(uow_factory: applications.UowFactory, actor: Actor) -> VisitorDashboardOut:
    """A visitor's page: profile, applications, documents, and what their open applications need."""
    actor.require(Role.VISITOR)
    profile = await profiles.my_profile(uow_factory(), actor)
    apps = await applications.list_applications(uow_factory(), actor)
    docs = await documents.list_documents(uow_factory(), actor)
    needed_by: dict[DocumentKind, list[str]] = {}
    async with uow_factory() as uow:
        for program_id in sorted({a.program_id for a in apps if a.state not in FINAL_STATES}):
            program = await uow.programs.get(program_id)
            if program is None:
                continue
            for kind in program.required_documents:
                needed_by.setdefault(DocumentKind(kind), []).append(program.title)
        kinds = [k for k in DocumentKind if k in needed_by]
        statuses = await documents.required_document_status(uow, actor.user_id, kinds)
    return VisitorDashboardOut(
        profile=profile,
        applications=apps,
        documents=docs,
        required_documents=[
            NeededDocumentOut(**s.model_dump(), needed_by=needed_by[s.kind]) for s in statuses
        ],
    )


async def preceptor_dashboard(uow_factory: applications.UowFactory, actor: Actor) -> PreceptorDashboardOut:
    """A preceptor's page: their current visitors, the programs they teach, their letterhead."""
    actor.require(Role.PRECEPTOR)
    visitors = await current_visitors(uow_factory(), actor)
    profile = await profiles.my_profile(uow_factory(), actor)
    async with uow_factory() as uow:
        program_ids = await uow.programs.programs_of_preceptor(actor.user_id)
    taught = []
    for program_id in program_ids:
        try:
            taught.append(await programs.get_program(uow_factory(), actor, program_id))
        except NotFound:
            continue  # not published yet
    return PreceptorDashboardOut(profile=profile, visitors=visitors, programs=taught)


async def coordinator_dashboard(
    uow_factory: applications.UowFactory, actor: Actor
) -> CoordinatorDashboardOut:
    """A coordinator's page: the review queue, their programs, and the preceptors to choose from."""
    queue = await review_queue(uow_factory, actor)
    own = await programs.coordinator_programs(uow_factory(), actor)
    applicants = await applications.list_applications(uow_factory(), actor)
    async with uow_factory() as uow:
        users = await uow.users.by_role(Role.PRECEPTOR.value)
        details = await uow.users.preceptor_profiles([u.id for u in users])
        preceptors = [
            PreceptorOut(
                id=u.id,
                full_name=u.full_name,
                title=details[u.id].title if u.id in details else None,
                institution=details[u.id].institution if u.id in details else None,
                specialty=details[u.id].specialty if u.id in details else None,
            )
            for u in users
        ]
    return CoordinatorDashboardOut(
        queue=queue,
        programs=own,
        preceptors=preceptors,
        applicant_names={a.visitor.id: a.visitor.full_name for a in applicants},
    )
