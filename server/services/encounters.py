"""Encounters of an enrollment, and who may see an enrollment's clinical record at all."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import tzinfo

from server.db.uow import UnitOfWork
from server.domain.actors import Actor
from server.domain.applications import ENROLLED_STATES, Application, AppState
from server.domain.caselog import (
    Encounter,
    EncounterSource,
    check_consent,
    check_week,
    encounter_label,
    weeks_in,
)
from server.domain.errors import Conflict, Invalid, NotFound
from server.domain.programs import Program
from server.domain.visits import ParticipantRole, Visit, VisitStatus
from server.domain.vocab import Role
from server.schemas.record import EncounterIn, EncounterOut


@dataclass(frozen=True)
class Enrollment:
    """An enrollment as the record sees it, and how the actor stands to it."""

    application: Application
    program: Program
    preceptor_ids: list[int]
    number_of_blocks: int
    actor_is_visitor: bool
    actor_is_preceptor: bool
    actor_is_coordinator: bool

    @property
    def id(self) -> int:
        return self.application.id

    @property
    def visitor_id(self) -> int:
        return self.application.visitor_id

    @property
    def weeks(self) -> int:
        return weeks_in(self.number_of_blocks)


async def load_enrollment(uow: UnitOfWork, actor: Actor, enrollment_id: int) -> Enrollment:
    """The enrollment, if the actor is its visitor, one of its program's preceptors or the program's
    coordinator; NotFound for anyone else and for an application that is not (yet) an enrollment."""
    missing = NotFound(f"There is no enrollment {enrollment_id}.")
    application = await uow.applications.get(enrollment_id)
    if application is None or AppState(application.state) not in ENROLLED_STATES:
        raise missing
    program = await uow.programs.get(application.program_id)
    if program is None:
        raise missing
    preceptors = (await uow.programs.preceptor_ids([program.id]))[program.id]
    is_visitor = actor.role is Role.VISITOR and application.visitor_id == actor.user_id
    is_preceptor = actor.role is Role.PRECEPTOR and actor.user_id in preceptors
    is_coordinator = actor.role is Role.COORDINATOR and program.is_run_by(actor.user_id)
    if not (is_visitor or is_preceptor or is_coordinator):
        raise missing
    blocks = (await uow.applications.block_ids([application.id]))[application.id]
    return Enrollment(
        application=application,
        program=program,
        preceptor_ids=preceptors,
        number_of_blocks=len(blocks),
        actor_is_visitor=is_visitor,
        actor_is_preceptor=is_preceptor,
        actor_is_coordinator=is_coordinator,
    )


def encounter_out(
    encounter: Encounter,
    case_log_id: int | None = None,
    visit: Visit | None = None,
    zone: tzinfo | None = None,
) -> EncounterOut:
    """The API's view of an encounter (no free text: any reader of the enrollment may see it), with its
    session's title and start when ``visit`` (the session it names) is given; its label names days and
    times in ``zone`` (a page's reader's; UTC for the API)."""
    return EncounterOut(
        id=encounter.id,
        enrollment_id=encounter.enrollment_id,
        session_id=encounter.session_id,
        week=encounter.rotation_week,
        kind=encounter.kind,
        setting=encounter.setting,
        consent_recorded=encounter.consent_recorded,
        consent_id=encounter.consent_id,
        created_by=encounter.created_by,
        created_at=encounter.created_at,
        source=encounter.source,
        self_reported=encounter.self_reported,
        session_title=None if visit is None else visit.title,
        session_starts_at=None if visit is None else visit.starts_at,
        label=encounter_label(
            encounter,
            None if visit is None else visit.title,
            None if visit is None else visit.starts_at,
            zone,
        ),
        case_log_id=case_log_id,
    )


async def create_encounter(
    uow: UnitOfWork, actor: Actor, enrollment_id: int, data: EncounterIn
) -> EncounterOut:
    """Record an encounter of an enrollment (its visitor or one of its preceptors)."""
    async with uow:
        encounter = await add_encounter(uow, actor, enrollment_id, data)
        session = None if encounter.session_id is None else await uow.visits.get(encounter.session_id)
        out = encounter_out(encounter, visit=session)
        await uow.commit()
        return out


async def add_encounter(uow: UnitOfWork, actor: Actor, enrollment_id: int, data: EncounterIn) -> Encounter:
    """The checks and the insert of :func:`create_encounter`, inside the caller's open transaction
    (which commits, or rolls back with whatever else it did)."""
    enrollment = await load_enrollment(uow, actor, enrollment_id)
    actor.require(Role.VISITOR, Role.PRECEPTOR)
    if AppState(enrollment.application.state) is AppState.COMPLETED:
        raise Conflict("This rotation is completed; no new encounters can be added.")
    check_week(data.week, enrollment.number_of_blocks)
    source = EncounterSource.VISITOR if actor.role is Role.VISITOR else EncounterSource.PRECEPTOR
    consent = check_consent(data.kind, data.consent_recorded, source)
    if data.session_id is not None:
        await _check_session(uow, enrollment, data)
    return await uow.encounters.create(
        enrollment_id=enrollment.id,
        session_id=data.session_id,
        kind=data.kind,
        setting=data.setting,
        week=data.week,
        consent_id=None,
        consent_recorded=consent,
        created_by=actor.user_id,
        at=uow.now(),
        source=source,
    )


async def _check_session(uow: UnitOfWork, enrollment: Enrollment, data: EncounterIn) -> None:
    """A hand-entered encounter may name a live session only if it is one Rounds can vouch for: it
    exists, is of the enrollment's program, had the enrollment's visitor connected at some point (asked
    before anything else about it is told), is of the same kind, has ended, and the platform has not
    already recorded it for this enrollment (then that encounter is the one to log)."""
    field = "session_id"
    # One answer for a session that does not exist, is another program's, or did not have the visitor:
    # which of them it is is not the caller's to learn.
    unknown = Invalid(
        f"Rounds has no record of this enrollment's visitor in a session {data.session_id} of its program; "
        "an encounter can name only a session its visitor attended (leave session_id out otherwise).",
        field=field,
    )
    visit = None if data.session_id is None else await uow.visits.get(data.session_id)
    if visit is None or visit.program_id != enrollment.program.id:
        raise unknown
    intervals = await uow.visits.intervals(visit.id, enrollment.visitor_id)
    if not any(i.role == ParticipantRole.VISITOR for i in intervals):
        raise unknown
    if visit.kind is not data.kind:
        raise Invalid(f"Session {visit.id} was a {visit.kind.value}, not a {data.kind.value}.", field=field)
    if visit.status is not VisitStatus.ENDED:
        raise Conflict(
            f"Session {visit.id} has not ended; Rounds adds it to the record by itself when it ends."
        )
    recorded = [
        e
        for e in await uow.encounters.of_enrollment(enrollment.id)
        if e.session_id == visit.id and e.source is EncounterSource.PLATFORM
    ]
    if recorded:
        raise Conflict(
            f"Rounds already recorded session {visit.id} as encounter {recorded[0].id}; log your case "
            "on that one.",
            field=field,
        )


async def list_encounters(uow: UnitOfWork, actor: Actor, enrollment_id: int) -> list[EncounterOut]:
    """The encounters of an enrollment, by week, each with the id of its case log if one exists."""
    async with uow:
        return await encounters_of(uow, await load_enrollment(uow, actor, enrollment_id))


async def encounters_of(
    uow: UnitOfWork, enrollment: Enrollment, zone: tzinfo | None = None
) -> list[EncounterOut]:
    """:func:`list_encounters` of an enrollment the caller has loaded (:func:`load_enrollment`, which
    decided who may see it), inside its open unit of work; labels in the reader's ``zone``."""
    encounters = await uow.encounters.of_enrollment(enrollment.id)
    logs = {log.encounter_id: log.id for log in await uow.case_logs.of_enrollment(enrollment.id)}
    sessions = await uow.visits.by_ids([e.session_id for e in encounters if e.session_id is not None])
    return [
        encounter_out(e, logs.get(e.id), None if e.session_id is None else sessions.get(e.session_id), zone)
        for e in encounters
    ]
