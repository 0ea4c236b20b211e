"""What the record's pages show, put together from the record's own services (``encounters``,
``caselogs``, ``presentations``) so that each page asks one function: the enrollment's record, the
case-log form's choices, and a case log or presentation with what goes around it. Each page is read in
one unit of work with one access check (``encounters.load_enrollment`` or the record's own); access, the
PHI guard and the audit log stay in those services.
"""

from __future__ import annotations

from dataclasses import dataclass

from server.db.uow import UnitOfWorkFactory
from server.domain.actors import Actor
from server.domain.dates import zone_of
from server.domain.errors import Forbidden
from server.domain.presentations import PresentationState
from server.schemas.presentations import PresentationOut, PresentationSummaryOut, ScoreOut
from server.schemas.record import CaseLogOut, CaseLogSummaryOut, EncounterOut
from server.services import caselogs, encounters, presentations
from server.services.encounters import load_enrollment
from server.services.learning_pages import EnrollmentHeader, header_from


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


async def record_overview(uows: UnitOfWorkFactory, actor: Actor, enrollment_id: int) -> RecordOverview:
    """The record of one enrollment for its visitor, a preceptor or the coordinator (NotFound else)."""
    async with uows() as uow:
        enrollment = await load_enrollment(uow, actor, enrollment_id)
        header = await header_from(uow, enrollment)
        logs: list[CaseLogOut] = []
        shown: list[PresentationOut] = []
        if not header.reader_is_coordinator:
            logs = await caselogs.case_logs_of(uow, actor, enrollment)
            shown = await presentations.presentations_of(uow, actor, enrollment)
        overview = RecordOverview(
            header=header,
            encounters=await encounters.encounters_of(uow, enrollment, zone_of(actor.time_zone)),
            case_logs=logs,
            presentations=shown,
            case_log_summary=await caselogs.enrollment_summary(uow, enrollment),
            presentation_summary=await presentations.enrollment_summary(uow, enrollment),
        )
        await uow.commit()  # the audit rows of a preceptor's reading
        return overview


async def case_log_choices(uows: UnitOfWorkFactory, actor: Actor, enrollment_id: int) -> CaseLogChoices:
    """The enrollment and its encounters without a log of this visitor: for the visitor's form only."""
    async with uows() as uow:
        enrollment = await load_enrollment(uow, actor, enrollment_id)
        header = await header_from(uow, enrollment)
        if not header.reader_is_visitor:
            raise Forbidden("Only the visitor of this enrollment can log its encounters.")
        listed = await encounters.encounters_of(uow, enrollment, zone_of(actor.time_zone))
        return CaseLogChoices(header=header, unlogged=[e for e in listed if e.case_log_id is None])


async def case_log_page(uows: UnitOfWorkFactory, actor: Actor, case_log_id: int) -> CaseLogPage:
    """A case log for its author or a preceptor of the enrollment (audited), with its presentation's id."""
    async with uows() as uow:
        log, enrollment = await caselogs.read_case_log(uow, actor, case_log_id)
        header = await header_from(uow, enrollment)
        found = await uow.presentations.of_case_log(log.id)
        visible = found is not None and (
            found.visitor_id == actor.user_id or found.state != PresentationState.DRAFT
        )
        page = CaseLogPage(
            header=header, case_log=log, presentation_id=found.id if visible and found else None
        )
        await uow.commit()  # the audit row of a preceptor's reading
        return page


async def presentation_page(uows: UnitOfWorkFactory, actor: Actor, presentation_id: int) -> PresentationPage:
    """A presentation for its author or a preceptor of the enrollment (one audited read), scored when
    the preceptor's reference exists."""
    async with uows() as uow:
        read = await presentations.read_presentation(uow, actor, presentation_id)
        header = await header_from(uow, read.enrollment)
        await uow.commit()  # the audit row of a preceptor's reading
        return PresentationPage(header=header, presentation=read.presentation, score=read.score)
