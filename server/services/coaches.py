"""Coaches: Rounds gives every applicant a coach (a coordinator of the program) when they apply; a
coordinator of the program reassigns one; the program's coordinators see each coach's caseload."""

from __future__ import annotations

from server.db.uow import UnitOfWork
from server.domain.actors import Actor
from server.domain.applications import AppState
from server.domain.coaches import CoachAssignment
from server.domain.errors import Invalid, NotFound
from server.domain.programs import Program
from server.domain.vocab import Role
from server.schemas.coaches import CaseloadOut, CoachAssignmentOut, CoachIn, CoachOut, CoachPersonOut
from server.services import audit
from server.services.applications import load_visible
from server.services.coach_assignment import OPEN, coordinators_of


async def _person(uow: UnitOfWork, ids: list[int | None]) -> dict[int, CoachPersonOut]:
    users = await uow.users.by_ids([i for i in ids if i is not None])
    return {uid: CoachPersonOut(id=uid, full_name=u.full_name) for uid, u in users.items()}


async def coach_out(uow: UnitOfWork, actor: Actor, application_id: int, program: Program) -> CoachOut:
    """The application's coach (and its history, for the program's coordinators), in the caller's open
    unit of work; the caller has checked that the actor may see the application."""
    coach_id = await uow.coaches.coach_of(application_id)
    # The history (who moved whom) is the program's business; the visitor and preceptors see the coach.
    history = await uow.coaches.history(application_id) if program.is_run_by(actor.user_id) else []
    people = await _person(
        uow, [coach_id, *(i for h in history for i in (h.coach_id, h.previous_coach_id, h.assigned_by))]
    )
    return CoachOut(
        application_id=application_id,
        coach=people.get(coach_id) if coach_id is not None else None,
        history=[
            CoachAssignmentOut(
                coach=people[h.coach_id],
                previous_coach=people.get(h.previous_coach_id) if h.previous_coach_id else None,
                assigned_by=people.get(h.assigned_by) if h.assigned_by else None,
                at=h.at,
            )
            for h in history
        ],
    )


async def _program(uow: UnitOfWork, program_id: int) -> Program:
    program = await uow.programs.get(program_id)
    if program is None:  # an application's program is never deleted
        raise NotFound(f"There is no program {program_id}.")
    return program


async def coach_of(uow: UnitOfWork, actor: Actor, application_id: int) -> CoachOut:
    """The application's coach, for anyone who may see the application (with the assignment history
    for the program's coordinators)."""
    async with uow:
        application = await load_visible(uow, actor, application_id)
        return await coach_out(uow, actor, application.id, await _program(uow, application.program_id))


async def reassign(uow: UnitOfWork, actor: Actor, application_id: int, data: CoachIn) -> CoachOut:
    """A coordinator of the program makes another of its coordinators the application's coach;
    recorded in the assignment history and the audit log."""
    async with uow:
        application = await load_visible(uow, actor, application_id)
        actor.require(Role.COORDINATOR)
        program = await _program(uow, application.program_id)
        if application.state == AppState.DRAFT:  # a coordinator never sees drafts; kept for clarity
            raise NotFound(f"There is no application {application_id}.")
        if not program.is_run_by(data.coach_id):
            raise Invalid(
                "A coach must be a coordinator of this program; choose one of its coordinators.",
                field="coach_id",
            )
        current = await uow.coaches.coach_of(application.id)
        if current != data.coach_id:
            await uow.coaches.assign(
                CoachAssignment(
                    application_id=application.id,
                    coach_id=data.coach_id,
                    previous_coach_id=current,
                    assigned_by=actor.user_id,
                    at=uow.now(),
                )
            )
            await audit.record(uow, actor, audit.AuditAction.ASSIGN, audit.APPLICATION, [application.id])
        out = await coach_out(uow, actor, application.id, program)
        await uow.commit()
        return out


async def caseloads_of(uow: UnitOfWork, actor: Actor) -> list[CaseloadOut]:
    """For each program the coordinator runs, each of its coordinators and their open cases in it
    (every coordinator listed, those without cases too). In the caller's open unit of work."""
    actor.require(Role.COORDINATOR)
    programs = await uow.programs.search(published_only=False, coordinator_id=actor.user_id)
    loads = await uow.coaches.open_cases([p.id for p in programs], OPEN)
    people = await _person(uow, [c for p in programs for c in coordinators_of(p)])
    return [
        CaseloadOut(
            program_id=p.id, program_title=p.title, coach=people[c], open_cases=loads.get((p.id, c), 0)
        )
        for p in programs
        for c in coordinators_of(p)
        if c in people
    ]


async def caseloads(uow: UnitOfWork, actor: Actor) -> list[CaseloadOut]:
    """:func:`caseloads_of` in its own unit of work."""
    async with uow:
        return await caseloads_of(uow, actor)


async def coaches_of(uow: UnitOfWork, application_ids: list[int]) -> dict[int, CoachPersonOut]:
    """The coach of each application that has one. In the caller's open unit of work, for lists the
    caller already checked access to."""
    found = await uow.coaches.coaches_of(application_ids)
    people = await _person(uow, list(found.values()))
    return {aid: people[cid] for aid, cid in found.items() if cid in people}
