"""What the evaluation pages show, put together from :mod:`server.services.evaluations` (which decides
who sees what, and audits every view by someone other than the author):

* the enrollment's evaluations page: the visitor's released evaluations with their summary, a
  preceptor's own (drafts too) and the others' released ones, the coordinator's counts only;
* the preceptor's per-encounter form: the rotation type's scope, the encounters and submitted
  presentations to link, and the draft being edited;
* the preceptor's end-of-rotation form: the comparison group now, and their evaluation if written.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, tzinfo

from server.db.uow import UnitOfWork
from server.domain.actors import Actor
from server.domain.applications import AppState
from server.domain.caselog import Encounter, encounter_label
from server.domain.dates import zone_of
from server.domain.errors import NotFound
from server.domain.evaluations import RatingScope, check_editable, rating_scope
from server.domain.presentations import PresentationFormat, PresentationState
from server.domain.visits import Visit
from server.domain.vocab import RotationType
from server.schemas.evaluations import (
    ComparisonGroupOut,
    EncounterEvaluationOut,
    EvaluationCountsOut,
    EvaluationSummaryOut,
    FinalEvaluationOut,
)
from server.services.encounters import Enrollment, load_enrollment
from server.services.evaluations import (
    ENCOUNTER_EVALUATION,
    FINAL_EVALUATION,
    audit_views,
    comparison_group_size,
    counts_of,
    evaluation_out,
    final_out,
    group_out,
    may_see,
    require_preceptor,
    rotation_type_of,
    summary_out,
    user_names,
    visible_evaluations,
)


@dataclass(frozen=True)
class EvaluationHeader:
    enrollment_id: int
    visitor_name: str
    program_title: str
    rotation_type: RotationType
    scope: RatingScope
    weeks: int
    state: AppState
    reader_id: int
    reader_is_visitor: bool
    reader_is_preceptor: bool
    reader_is_coordinator: bool


@dataclass(frozen=True)
class EvaluationsPage:
    header: EvaluationHeader
    counts: EvaluationCountsOut
    evaluations: list[EncounterEvaluationOut] = field(default_factory=list)
    summary: EvaluationSummaryOut | None = None
    finals: list[FinalEvaluationOut] = field(default_factory=list)
    own_final: FinalEvaluationOut | None = None


@dataclass(frozen=True)
class Choice:
    id: int
    week: int
    label: str


@dataclass(frozen=True)
class EvaluationForm:
    header: EvaluationHeader
    today: date
    encounters: list[Choice]
    presentations: list[Choice]
    evaluation: EncounterEvaluationOut | None


@dataclass(frozen=True)
class FinalForm:
    header: EvaluationHeader
    group: ComparisonGroupOut
    final: FinalEvaluationOut | None


async def _header(uow: UnitOfWork, actor: Actor, enrollment: Enrollment) -> EvaluationHeader:
    names = await user_names(uow, [enrollment.visitor_id])
    kind = rotation_type_of(enrollment)
    return EvaluationHeader(
        enrollment_id=enrollment.id,
        visitor_name=names.get(enrollment.visitor_id, ""),
        program_title=enrollment.program.title,
        rotation_type=kind,
        scope=rating_scope(kind),
        weeks=enrollment.weeks,
        state=AppState(enrollment.application.state),
        reader_id=actor.user_id,
        reader_is_visitor=enrollment.actor_is_visitor,
        reader_is_preceptor=enrollment.actor_is_preceptor,
        reader_is_coordinator=enrollment.actor_is_coordinator,
    )


async def evaluations_page(uow: UnitOfWork, actor: Actor, enrollment_id: int) -> EvaluationsPage:
    """An enrollment's evaluations page: the visitor's released evaluations with the summary, the
    preceptor's own (drafts too) and the others' released ones, the coordinator's counts. Every
    evaluation shown to someone other than its author is audited."""
    async with uow:
        enrollment = await load_enrollment(uow, actor, enrollment_id)
        header = await _header(uow, actor, enrollment)
        counts = await counts_of(uow, enrollment)
        if enrollment.actor_is_coordinator:
            return EvaluationsPage(header=header, counts=counts)
        rows = await visible_evaluations(uow, actor, enrollment)
        finals = [
            r
            for r in await uow.evaluations.finals_of_enrollment(enrollment.id)
            if may_see(r, enrollment, actor)
        ]
        await audit_views(uow, actor, ENCOUNTER_EVALUATION, rows)
        await audit_views(uow, actor, FINAL_EVALUATION, finals)
        names = await user_names(uow, [r.preceptor_id for r in rows] + [f.preceptor_id for f in finals])
        shown_finals = [final_out(f, names) for f in finals]
        page = EvaluationsPage(
            header=header,
            counts=counts,
            evaluations=[evaluation_out(r, names) for r in rows],
            summary=summary_out(enrollment.id, rows, released_only=enrollment.actor_is_visitor),
            finals=[f for f in shown_finals if f.preceptor_id != actor.user_id],
            own_final=next((f for f in shown_finals if f.preceptor_id == actor.user_id), None),
        )
        await uow.commit()
        return page


FORMAT_LABELS = {
    PresentationFormat.ORAL: "Oral presentation",
    PresentationFormat.SNAPPS: "SNAPPS presentation",
}


def _encounter_label(encounter: Encounter, sessions: Mapping[int, Visit], zone: tzinfo | None) -> str:
    """The encounter as a picker names it: week, kind, the session's date and title (or, entered by
    hand, its setting and when), so that two huddles of one week read differently; in the reader's
    ``zone``."""
    visit = None if encounter.session_id is None else sessions.get(encounter.session_id)
    return encounter_label(
        encounter, None if visit is None else visit.title, None if visit is None else visit.starts_at, zone
    )


async def evaluation_form(
    uow: UnitOfWork, actor: Actor, enrollment_id: int, evaluation_id: int | None = None
) -> EvaluationForm:
    """What the preceptor's evaluation form offers: the scope of the rotation type, its weeks, the
    encounters and submitted presentations to link, and the draft being edited (the author's only)."""
    async with uow:
        enrollment = await load_enrollment(uow, actor, enrollment_id)
        require_preceptor(enrollment, "evaluate its visitor")
        shown = None
        if evaluation_id is not None:
            row = await uow.evaluations.get(evaluation_id)
            if row is None or row.enrollment_id != enrollment.id or row.preceptor_id != actor.user_id:
                raise NotFound(f"There is no evaluation {evaluation_id} of yours in this enrollment.")
            check_editable(row.state)
            shown = evaluation_out(row, {actor.user_id: actor.full_name})
        encounters = await uow.encounters.of_enrollment(enrollment.id)
        by_id = {e.id: e for e in encounters}
        sessions = await uow.visits.by_ids([e.session_id for e in encounters if e.session_id is not None])
        labels = {e.id: _encounter_label(e, sessions, zone_of(actor.time_zone)) for e in encounters}
        choices = [Choice(e.id, e.rotation_week, labels[e.id]) for e in encounters]
        presented = []
        for p in await uow.presentations.of_enrollment(enrollment.id):
            if p.state == PresentationState.DRAFT.value:
                continue
            log = await uow.case_logs.get(p.case_log_id)
            encounter = None if log is None else by_id.get(log.encounter_id)
            if encounter is not None:
                label = f"{FORMAT_LABELS[PresentationFormat(p.format)]} of {labels[encounter.id]}"
                presented.append(Choice(p.id, encounter.rotation_week, label))
        return EvaluationForm(
            header=await _header(uow, actor, enrollment),
            today=uow.now().date(),
            encounters=choices,
            presentations=presented,
            evaluation=shown,
        )


async def final_form(uow: UnitOfWork, actor: Actor, enrollment_id: int) -> FinalForm:
    """What the end-of-rotation form shows: the comparison group's size now, and the preceptor's own
    evaluation if written (its stored group size once released)."""
    async with uow:
        enrollment = await load_enrollment(uow, actor, enrollment_id)
        require_preceptor(enrollment, "write its end-of-rotation evaluation")
        size = await comparison_group_size(uow, actor.user_id, enrollment.visitor_id)
        row = await uow.evaluations.final(enrollment.id, actor.user_id)
        return FinalForm(
            header=await _header(uow, actor, enrollment),
            group=group_out(enrollment.id, actor.user_id, size),
            final=None if row is None else final_out(row, {actor.user_id: actor.full_name}),
        )
