"""What the record's pages show, put together from the record's own services (``encounters``,
``caselogs``, ``presentations``) so that each page asks one function: the enrollment's record, the
case-log form's choices, and a case log or presentation with what goes around it. Access, the PHI guard
and the audit log stay in those services.
"""

from __future__ import annotations

from dataclasses import dataclass

from server.db.uow import UnitOfWorkFactory
from server.domain.actors import Actor
from server.domain.errors import Forbidden
from server.domain.presentations import PresentationState
from server.schemas.presentations import PresentationOut, PresentationSummaryOut, ScoreOut
from server.schemas.record import CaseLogOut, CaseLogSummaryOut, EncounterOut
from server.services import caselogs, encounters, presentations
from server.services.learning_pages import EnrollmentHeader, header_of


@dataclass(frozen=True, slots=True)
class RecordOverview:
    """An enrollment's record. A coordinator gets the encounters and the counts, never the logs or
    presentations (their lists stay empty); a preceptor gets the submitted ones (an audited read)."""

    header: EnrollmentHeader
    encounters: list[EncounterOut]
    case_logs: list[CaseLogOut]
    presentations: list[PresentationOut]
    case_log_summary: CaseLogSummaryOut
    presentation_summary: PresentationSummaryOut

    def presentation_of(self, case_log_id: int) -> PresentationOut | None:
        """The presentation of a case log, if there is one the reader may see."""
        return next((p for p in self.presentations if p.case_log_id == case_log_id), None)


@dataclass(frozen=True, slots=True)
class CaseLogChoices:
    """What the visitor's case-log form offers: the enrollment, and its encounters not logged yet."""

    header: EnrollmentHeader
    unlogged: list[EncounterOut]


@dataclass(frozen=True, slots=True)
class CaseLogPage:
    """A case log, its enrollment, and the id of its presentation if the reader may see one."""

    header: EnrollmentHeader
    case_log: CaseLogOut
    presentation_id: int | None


@dataclass(frozen=True, slots=True)
class PresentationPage:
    """A presentation, its enrollment and case log, and its score once the reference exists."""

    header: EnrollmentHeader
    presentation: PresentationOut
    score: ScoreOut | None


async def _header(uows: UnitOfWorkFactory, actor: Actor, enrollment_id: int) -> EnrollmentHeader:
    async with uows() as uow:
        return await header_of(uow, actor, enrollment_id)


async def record_overview(uows: UnitOfWorkFactory, actor: Actor, enrollment_id: int) -> RecordOverview:
    """The record of one enrollment for its visitor, a preceptor or the coordinator (NotFound else)."""
    header = await _header(uows, actor, enrollment_id)
    listed = await encounters.list_encounters(uows(), actor, enrollment_id)
    logs: list[CaseLogOut] = []
    shown: list[PresentationOut] = []
    if not header.reader_is_coordinator:
        logs = await caselogs.list_case_logs(uows(), actor, enrollment_id)
        shown = await presentations.list_presentations(uows(), actor, enrollment_id)
    return RecordOverview(
        header=header,
        encounters=listed,
        case_logs=logs,
        presentations=shown,
        case_log_summary=await caselogs.summary(uows(), actor, enrollment_id),
        presentation_summary=await presentations.summary(uows(), actor, enrollment_id),
    )


async def case_log_choices(uows: UnitOfWorkFactory, actor: Actor, enrollment_id: int) -> CaseLogChoices:
    """The enrollment and its encounters without a log of this visitor: for the visitor's form only."""
    header = await _header(uows, actor, enrollment_id)
    if not header.reader_is_visitor:
        raise Forbidden("Only the visitor of this enrollment can log its encounters.")
    listed = await encounters.list_encounters(uows(), actor, enrollment_id)
    return CaseLogChoices(header=header, unlogged=[e for e in listed if e.case_log_id is None])


async def case_log_page(uows: UnitOfWorkFactory, actor: Actor, case_log_id: int) -> CaseLogPage:
    """A case log for its author or a preceptor of the enrollment (audited), with its presentation's id."""
    log = await caselogs.get_case_log(uows(), actor, case_log_id)
    async with uows() as uow:
        header = await header_of(uow, actor, log.enrollment_id)
        found = await uow.presentations.of_case_log(log.id)
        visible = found is not None and (
            found.visitor_id == actor.user_id or found.state != PresentationState.DRAFT
        )
        return CaseLogPage(
            header=header, case_log=log, presentation_id=found.id if visible and found else None
        )


async def presentation_page(uows: UnitOfWorkFactory, actor: Actor, presentation_id: int) -> PresentationPage:
    """A presentation for its author or a preceptor of the enrollment (audited), scored when the
    preceptor's reference exists."""
    shown = await presentations.get_presentation(uows(), actor, presentation_id)
    header = await _header(uows, actor, shown.enrollment_id)
    scored = None
    if shown.reference is not None:
        scored = await presentations.get_score(uows(), actor, presentation_id)
    return PresentationPage(header=header, presentation=shown, score=scored)
