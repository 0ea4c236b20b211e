"""What each role's dashboard shows, each read in one unit of work (the dashboard pages and the
dashboards API return the same view-models)."""

from __future__ import annotations

from collections.abc import Sequence

from server.db.uow import UnitOfWork
from server.domain.actors import Actor
from server.domain.applications import FINAL_STATES, UNDER_WAY_STATES, AppState
from server.domain.calendars import agenda_window
from server.domain.errors import NotFound
from server.domain.vocab import DocumentKind, Role
from server.schemas.applications import ApplicationOut
from server.schemas.dashboards import (
    AgendaItemOut,
    BlockCapacityOut,
    CoordinatorDashboardOut,
    CurrentVisitorOut,
    NeededDocumentOut,
    PreceptorDashboardOut,
    ReviewQueueOut,
    VisitorDashboardOut,
)
from server.schemas.programs import PreceptorOut, ProgramOut
from server.services import applications, coaches, documents, live, profiles, programs, visits

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
    async with uow_factory() as uow:
        apps = await applications.applications_of(uow, actor)
        return await _queue(uow, actor, apps, await programs.programs_run_by(uow, actor))


async def _queue(
    uow: UnitOfWork, actor: Actor, apps: Sequence[ApplicationOut], own: Sequence[ProgramOut]
) -> ReviewQueueOut:
    """The review queue from the coordinator's applications and programs, read by the caller."""
    docs = await documents.documents_to_review(uow, actor)
    capacity = [
        BlockCapacityOut(program_id=p.id, program_title=p.title, block=b) for p in own for b in p.blocks
    ]
    return ReviewQueueOut(
        applications=[a for a in apps if a.state in REVIEW_STATES],
        documents=docs,
        capacity=capacity,
    )


async def agenda(uow: UnitOfWork, actor: Actor) -> list[AgendaItemOut]:
    """The actor's sessions of today and the next 7 days (:func:`server.domain.calendars.agenda_window`),
    soonest first, cancelled ones included, each saying whether it can be joined now
    (:func:`server.services.live.joinable_now`: the live session's own rule)."""
    start, end = agenda_window(uow.now())
    week = [v for v in await visits.visits_since(uow, actor, start) if v.starts_at < end]
    open_ids = await live.joinable_now(uow, actor, week)
    return [
        AgendaItemOut(visit=out, join_open=out.id in open_ids) for out in await visits.visit_outs(uow, week)
    ]


async def current_visitors(uow: UnitOfWork, actor: Actor) -> list[CurrentVisitorOut]:
    """A preceptor's visitors: accepted, enrolled or active in their programs."""
    actor.require(Role.PRECEPTOR)
    async with uow:
        return await _visitors(uow, actor)


async def _visitors(uow: UnitOfWork, actor: Actor) -> list[CurrentVisitorOut]:
    apps = await applications.applications_of(uow, actor)
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
    async with uow_factory() as uow:
        profile = await profiles.profile_of(uow, actor.user_id)
        apps = await applications.applications_of(uow, actor)
        docs = await documents.documents_of(uow, actor)
        needed_by: dict[DocumentKind, list[str]] = {}
        for program_id in sorted({a.program_id for a in apps if a.state not in FINAL_STATES}):
            program = await uow.programs.get(program_id)
            if program is None:
                continue
            for kind in program.required_documents:
                needed_by.setdefault(DocumentKind(kind), []).append(program.title)
        kinds = [k for k in DocumentKind if k in needed_by]
        statuses = await documents.required_document_status(uow, actor.user_id, kinds)
        sessions = await agenda(uow, actor)
    return VisitorDashboardOut(
        profile=profile,
        applications=apps,
        documents=docs,
        required_documents=[
            NeededDocumentOut(**s.model_dump(), needed_by=needed_by[s.kind]) for s in statuses
        ],
        agenda=sessions,
    )


async def preceptor_dashboard(uow_factory: applications.UowFactory, actor: Actor) -> PreceptorDashboardOut:
    """A preceptor's page: their current visitors, the programs they teach, their letterhead."""
    actor.require(Role.PRECEPTOR)
    async with uow_factory() as uow:
        visitors = await _visitors(uow, actor)
        profile = await profiles.profile_of(uow, actor.user_id)
        taught = []
        for program_id in await uow.programs.programs_of_preceptor(actor.user_id):
            try:
                taught.append(await programs.program_of(uow, actor, program_id))
            except NotFound:
                continue  # not published yet
        sessions = await agenda(uow, actor)
    return PreceptorDashboardOut(profile=profile, visitors=visitors, programs=taught, agenda=sessions)


async def coordinator_dashboard(
    uow_factory: applications.UowFactory, actor: Actor
) -> CoordinatorDashboardOut:
    """A coordinator's page: the review queue, their programs, and the preceptors to choose from."""
    async with uow_factory() as uow:
        return await coordinator_dashboard_in(uow, actor)


async def coordinator_dashboard_in(uow: UnitOfWork, actor: Actor) -> CoordinatorDashboardOut:
    """:func:`coordinator_dashboard` inside the caller's unit of work."""
    actor.require(Role.COORDINATOR)
    own = await programs.programs_run_by(uow, actor)
    applicants = await applications.applications_of(uow, actor)
    queue = await _queue(uow, actor, applicants, own)
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
    sessions = await agenda(uow, actor)
    caseload = await coaches.caseloads_of(uow, actor)
    return CoordinatorDashboardOut(
        caseload=caseload,
        queue=queue,
        programs=own,
        preceptors=preceptors,
        applicant_names={a.visitor.id: a.visitor.full_name for a in applicants},
        agenda=sessions,
    )
