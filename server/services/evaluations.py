"""Evaluations of an enrollment: a preceptor of the program writes a per-encounter evaluation (the
telehealth mini-CEX, EPA entrustment levels, the RIME stage) as a draft, edits it, and releases it once
(released is final); the visitor sees only released evaluations of their own enrollment; a coordinator
sees counts only. The end-of-rotation evaluation carries the comparative rating with the size of the
preceptor's comparison group as it was when written (their distinct past visitors, not this one).

Every rule about values, scope and release lives in :mod:`server.domain.evaluations` and the
aggregation in :mod:`server.domain.evidence`; this module loads, checks access, runs the PHI guard on
the free text before anything is written, writes, and audits: every view by someone other than the
author, and every edit and release, in the same transaction."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import date, timedelta

from server.db.uow import UnitOfWork
from server.domain import evidence
from server.domain.actors import Actor
from server.domain.applications import AppState
from server.domain.caselog import check_week
from server.domain.dates import human_day
from server.domain.errors import Forbidden, Invalid, NotFound
from server.domain.evaluations import (
    EPA_LABELS,
    MIN_GROUP_FOR_TOP_TEN,
    MINI_CEX_LABELS,
    EncounterEvaluation,
    ReleaseState,
    StoredEvaluation,
    StoredFinalEvaluation,
    check_editable,
    enough_to_compare,
    make_comparison,
    make_encounter_evaluation,
    make_final_evaluation,
    plan_release,
    visible_to_visitor,
)
from server.domain.phi import ensure_no_phi
from server.domain.presentations import PresentationState
from server.domain.vocab import RotationType
from server.schemas.evaluations import (
    ComparisonGroupOut,
    EncounterEvaluationIn,
    EncounterEvaluationOut,
    EpaStatsOut,
    EvaluationCountsOut,
    EvaluationSummaryOut,
    ExampleOut,
    FinalEvaluationIn,
    FinalEvaluationOut,
    ItemStatsOut,
    RimeOut,
    StatsOut,
    TrajectoryOut,
    WeekPointOut,
)
from server.services import notifications
from server.services.audit import AuditAction, audit_reads, record
from server.services.encounters import Enrollment, load_enrollment
from server.services.phi_parties import enrollment_parties

ENCOUNTER_EVALUATION = "evaluation"
FINAL_EVALUATION = "final_evaluation"
COORDINATOR_REFUSAL = (
    "A coordinator sees how many evaluations there are, not their ratings or narrative: "
    "use the enrollment's evaluation counts."
)
EARLIEST_OBSERVED = date(2000, 1, 1)


# --- checks -----------------------------------------------------------------------------------


def _guard(fields: Mapping[str, str], parties: Sequence[str]) -> None:
    """The PHI guard over the named free-text fields, the evaluated learner's and the evaluator's names
    allowed (``parties``): Invalid (422) naming the field and the span."""
    ensure_no_phi({name: text for name, text in fields.items() if text}, parties=parties)


def _refuse_coordinator(enrollment: Enrollment) -> None:
    if enrollment.actor_is_coordinator:
        raise Forbidden(COORDINATOR_REFUSAL)


def require_preceptor(enrollment: Enrollment, what: str) -> None:
    """Forbidden unless the actor is a preceptor of the enrollment; ``what`` completes "can ..."."""
    if not enrollment.actor_is_preceptor:
        raise Forbidden(f"Only a preceptor of this enrollment can {what}.")


def rotation_type_of(enrollment: Enrollment) -> RotationType:
    """The enrollment's program's rotation type, which sets the evaluation's scope."""
    return RotationType(enrollment.program.rotation_type)


def _built(data: EncounterEvaluationIn, rotation_type: RotationType) -> EncounterEvaluation:
    """The checked evaluation (scope per rotation type included); Invalid naming the field."""
    return make_encounter_evaluation(
        rotation_type,
        ratings=data.ratings,
        epas=data.epas,
        rime=data.rime,
        minutes_observed=data.minutes_observed,
        minutes_feedback=data.minutes_feedback,
        strengths=data.strengths,
        improvement=data.improvement,
        example=data.example,
    )


def _observed_on(uow: UnitOfWork, given: date | None) -> date:
    today = uow.now().date()
    if given is None:
        return today
    if given > today + timedelta(days=1):  # a day's grace for time zones ahead of UTC
        raise Invalid("The day observed cannot be in the future.", field="observed_on")
    if given < EARLIEST_OBSERVED:
        raise Invalid(
            f"The day observed must be from {human_day(EARLIEST_OBSERVED)} on.", field="observed_on"
        )
    return given


async def _check_links(uow: UnitOfWork, enrollment: Enrollment, data: EncounterEvaluationIn) -> None:
    """The encounter and presentation named belong to this enrollment (a presentation: submitted),
    and the week agrees with the encounter's."""
    if data.encounter_id is not None:
        encounter = await uow.encounters.get(data.encounter_id)
        if encounter is None or encounter.enrollment_id != enrollment.id:
            raise Invalid(
                f"There is no encounter {data.encounter_id} in this enrollment.", field="encounter_id"
            )
        if encounter.rotation_week != data.week:
            raise Invalid(
                f"That encounter was in week {encounter.rotation_week}; give the same week.", field="week"
            )
    if data.presentation_id is not None:
        missing = Invalid(
            f"There is no submitted presentation {data.presentation_id} in this enrollment.",
            field="presentation_id",
        )
        presentation = await uow.presentations.get(data.presentation_id)
        if presentation is None or presentation.state == PresentationState.DRAFT.value:
            raise missing
        log = await uow.case_logs.get(presentation.case_log_id)
        encounter = None if log is None else await uow.encounters.get(log.encounter_id)
        if encounter is None or encounter.enrollment_id != enrollment.id:
            raise missing


async def comparison_group_size(uow: UnitOfWork, preceptor_id: int, visitor_id: int) -> int:
    """The preceptor's comparison group: their distinct past visitors who completed, not this one."""
    return await uow.evaluations.past_visitor_count(
        preceptor_id, excluding_visitor_id=visitor_id, completed=AppState.COMPLETED.value
    )


# --- output -----------------------------------------------------------------------------------


async def user_names(uow: UnitOfWork, ids: Sequence[int]) -> dict[int, str]:
    """Full names of the given users by id (an unknown id is left out)."""
    users = await uow.users.by_ids(list(set(ids)))
    return {uid: user.full_name for uid, user in users.items()}


def evaluation_out(stored: StoredEvaluation, names: Mapping[int, str]) -> EncounterEvaluationOut:
    """A per-encounter evaluation as the API and the pages show it, with its preceptor's name."""
    built = stored.evaluation
    return EncounterEvaluationOut(
        id=stored.id,
        enrollment_id=stored.enrollment_id,
        preceptor_id=stored.preceptor_id,
        preceptor_name=names.get(stored.preceptor_id, ""),
        visitor_id=stored.visitor_id,
        encounter_id=stored.encounter_id,
        presentation_id=stored.presentation_id,
        rotation_type=built.rotation_type,
        week=stored.week,
        observed_on=stored.observed_on,
        ratings=dict(built.ratings),
        epas=dict(built.epas),
        rime=built.rime,
        minutes_observed=built.minutes_observed,
        minutes_feedback=built.minutes_feedback,
        strengths=built.strengths,
        improvement=built.improvement,
        example=built.example,
        state=stored.state,
        released_at=stored.released_at,
        created_at=stored.created_at,
        updated_at=stored.updated_at,
    )


def final_out(stored: StoredFinalEvaluation, names: Mapping[int, str]) -> FinalEvaluationOut:
    """An end-of-rotation evaluation as the API and the pages show it, with its preceptor's name."""
    final = stored.evaluation
    return FinalEvaluationOut(
        id=stored.id,
        enrollment_id=stored.enrollment_id,
        preceptor_id=stored.preceptor_id,
        preceptor_name=names.get(stored.preceptor_id, ""),
        visitor_id=stored.visitor_id,
        rotation_type=final.rotation_type,
        competencies=dict(final.competencies),
        comparative_rating=final.comparison.rating,
        group_size=final.comparison.group_size,
        comparison_label=final.comparison.label,
        will_write_letter=final.will_write_letter,
        narrative=final.narrative,
        state=stored.state,
        released_at=stored.released_at,
        created_at=stored.created_at,
        updated_at=stored.updated_at,
    )


def group_out(enrollment_id: int, preceptor_id: int, size: int) -> ComparisonGroupOut:
    """The comparison group of a preceptor for an enrollment: its size and what it allows."""
    return ComparisonGroupOut(
        enrollment_id=enrollment_id,
        preceptor_id=preceptor_id,
        group_size=size,
        enough_to_compare=enough_to_compare(size),
        top_ten_allowed=size >= MIN_GROUP_FOR_TOP_TEN,
        label=make_comparison(None, size).label,
    )


def _stats_out(stats: evidence.Stats) -> StatsOut:
    trajectory = stats.trajectory
    return StatsOut(
        count=stats.count,
        not_observed=stats.not_observed,
        mean=stats.mean,
        median=stats.median,
        low_median=stats.low_median,
        minimum=stats.minimum,
        maximum=stats.maximum,
        spread=stats.spread,
        by_week=[
            WeekPointOut(week=p.week, count=p.count, mean=p.mean, low_median=p.low_median)
            for p in stats.by_week
        ],
        trajectory=None
        if trajectory is None
        else TrajectoryOut(
            first_week=trajectory.first_week,
            first_mean=trajectory.first_mean,
            last_week=trajectory.last_week,
            last_mean=trajectory.last_mean,
            change=trajectory.change,
        ),
        evaluation_ids=list(stats.evaluation_ids),
    )


def summary_out(
    enrollment_id: int, written: Sequence[StoredEvaluation], *, released_only: bool
) -> EvaluationSummaryOut:
    """The evidence over the given evaluations: counts, spread and trajectory per item, EPA and RIME."""
    dated = [evidence.DatedEvaluation(w.id, w.week, w.observed_on, w.evaluation) for w in written]
    summary = evidence.summarize(dated)
    return EvaluationSummaryOut(
        enrollment_id=enrollment_id,
        released_only=released_only,
        evaluations=summary.evaluations,
        weeks=list(summary.weeks),
        minutes_observed=summary.minutes_observed,
        minutes_feedback=summary.minutes_feedback,
        items=[
            ItemStatsOut(item=item, label=MINI_CEX_LABELS[item], stats=_stats_out(stats))
            for item, stats in summary.items.items()
        ],
        epas=[
            EpaStatsOut(
                epa=epa,
                label=EPA_LABELS[epa],
                stats=_stats_out(s.stats),
                median_level=s.median_level,
                lowest=s.lowest,
                highest=s.highest,
                latest=s.latest,
            )
            for epa, s in summary.epas.items()
        ],
        rime=RimeOut(
            counts=dict(summary.rime.counts),
            latest=summary.rime.latest,
            latest_week=summary.rime.latest_week,
            stats=_stats_out(summary.rime.stats),
        ),
        examples=[
            ExampleOut(evaluation_id=e.evaluation_id, week=e.week, on=e.on, text=e.text)
            for e in evidence.strongest_examples(dated)
        ],
        evaluation_ids=list(summary.evaluation_ids),
    )


# --- access -----------------------------------------------------------------------------------


def may_see(stored: StoredEvaluation | StoredFinalEvaluation, enrollment: Enrollment, actor: Actor) -> bool:
    """The visitor sees released evaluations; a preceptor of the enrollment their own (drafts too) and
    the released ones of the others; a coordinator no content at all."""
    released = visible_to_visitor(stored.state)
    if enrollment.actor_is_visitor:
        return released
    if enrollment.actor_is_preceptor:
        return stored.preceptor_id == actor.user_id or released
    return False


async def visible_evaluations(
    uow: UnitOfWork, actor: Actor, enrollment: Enrollment
) -> list[StoredEvaluation]:
    """An enrollment's per-encounter evaluations the actor may see (:func:`may_see`)."""
    written = await uow.evaluations.evaluations_of(enrollment.id)
    return [stored for stored in written if may_see(stored, enrollment, actor)]


async def audit_views(
    uow: UnitOfWork,
    actor: Actor,
    record_type: str,
    rows: Sequence[StoredEvaluation | StoredFinalEvaluation],
) -> None:
    """A read by anyone but the evaluation's author is audited."""
    await audit_reads(uow, actor, record_type, ((r.id, r.preceptor_id) for r in rows))


async def _load(uow: UnitOfWork, actor: Actor, evaluation_id: int) -> tuple[StoredEvaluation, Enrollment]:
    """The evaluation, if the actor may know it exists (a coordinator is refused its content later)."""
    missing = NotFound(f"There is no evaluation {evaluation_id}.")
    row = await uow.evaluations.get(evaluation_id)
    if row is None:
        raise missing
    try:
        enrollment = await load_enrollment(uow, actor, row.enrollment_id)
    except NotFound:
        raise missing from None
    if not enrollment.actor_is_coordinator and not may_see(row, enrollment, actor):
        raise missing
    return row, enrollment


async def _load_own_draft(
    uow: UnitOfWork, actor: Actor, evaluation_id: int
) -> tuple[StoredEvaluation, Enrollment]:
    row, enrollment = await _load(uow, actor, evaluation_id)
    if row.preceptor_id != actor.user_id:
        raise Forbidden("Only the preceptor who wrote this evaluation can change or release it.")
    await uow.users.lock(actor.user_id)  # one preceptor's concurrent edits run one after the other
    # Read again under the lock: a concurrent edit or release may have been committed meanwhile.
    fresh = await uow.evaluations.get(evaluation_id)
    if fresh is None:
        raise NotFound(f"There is no evaluation {evaluation_id}.")
    return fresh, enrollment


# --- per-encounter evaluations ----------------------------------------------------------------


async def create_encounter_evaluation(
    uow: UnitOfWork, actor: Actor, enrollment_id: int, data: EncounterEvaluationIn
) -> EncounterEvaluationOut:
    """A preceptor of the enrollment's program evaluates an observed encounter: a draft. Audited."""
    async with uow:
        enrollment = await load_enrollment(uow, actor, enrollment_id)
        require_preceptor(enrollment, "evaluate its visitor")
        await uow.users.lock(actor.user_id)
        check_week(data.week, enrollment.number_of_blocks)
        built = _built(data, rotation_type_of(enrollment))
        observed_on = _observed_on(uow, data.observed_on)
        await _check_links(uow, enrollment, data)
        parties = await enrollment_parties(uow, enrollment, actor)
        await asyncio.to_thread(_guard, built.free_text(), parties)  # nothing has been written yet
        now = uow.now()
        row = await uow.evaluations.add(
            enrollment_id=enrollment.id,
            preceptor_id=actor.user_id,
            visitor_id=enrollment.visitor_id,
            encounter_id=data.encounter_id,
            presentation_id=data.presentation_id,
            week=data.week,
            observed_on=observed_on,
            evaluation=built,
            at=now,
        )
        await record(uow, actor, AuditAction.EDIT, ENCOUNTER_EVALUATION, [row.id])
        out = evaluation_out(row, {actor.user_id: actor.full_name})
        await uow.commit()
        return out


async def update_encounter_evaluation(
    uow: UnitOfWork, actor: Actor, evaluation_id: int, data: EncounterEvaluationIn
) -> EncounterEvaluationOut:
    """Its author rewrites a draft evaluation (all of it). Released, it is final. Audited."""
    async with uow:
        row, enrollment = await _load_own_draft(uow, actor, evaluation_id)
        check_editable(row.state)
        check_week(data.week, enrollment.number_of_blocks)
        built = _built(data, rotation_type_of(enrollment))
        observed_on = _observed_on(uow, data.observed_on)
        await _check_links(uow, enrollment, data)
        parties = await enrollment_parties(uow, enrollment, actor)
        await asyncio.to_thread(_guard, built.free_text(), parties)
        row = await uow.evaluations.update(
            replace(
                row,
                encounter_id=data.encounter_id,
                presentation_id=data.presentation_id,
                week=data.week,
                observed_on=observed_on,
                evaluation=built,
                updated_at=uow.now(),
            )
        )
        await record(uow, actor, AuditAction.EDIT, ENCOUNTER_EVALUATION, [row.id])
        out = evaluation_out(row, {actor.user_id: actor.full_name})
        await uow.commit()
        return out


async def release_encounter_evaluation(
    uow: UnitOfWork, actor: Actor, evaluation_id: int
) -> EncounterEvaluationOut:
    """Its author releases a draft to the visitor; from then on it is final. Audited."""
    async with uow:
        row, enrollment = await _load_own_draft(uow, actor, evaluation_id)
        state = plan_release(row.state, ReleaseState.RELEASED)
        now = uow.now()
        row = await uow.evaluations.update(replace(row, state=state, released_at=now, updated_at=now))
        await record(uow, actor, AuditAction.RELEASE, ENCOUNTER_EVALUATION, [row.id])
        await notifications.evaluation_released(
            uow,
            visitor_id=row.visitor_id,
            enrollment_id=enrollment.application.id,
            program_id=enrollment.program.id,
            author_name=actor.full_name,
            evaluation_id=row.id,
            final=False,
        )
        out = evaluation_out(row, {actor.user_id: actor.full_name})
        await uow.commit()
        return out


async def get_encounter_evaluation(
    uow: UnitOfWork, actor: Actor, evaluation_id: int
) -> EncounterEvaluationOut:
    """One evaluation: to its author (drafts too), the visitor and the program's other preceptors once
    released (their view audited). A coordinator is refused: counts only."""
    async with uow:
        row, enrollment = await _load(uow, actor, evaluation_id)
        _refuse_coordinator(enrollment)
        await audit_views(uow, actor, ENCOUNTER_EVALUATION, [row])
        out = evaluation_out(row, await user_names(uow, [row.preceptor_id]))
        await uow.commit()
        return out


async def list_encounter_evaluations(
    uow: UnitOfWork, actor: Actor, enrollment_id: int
) -> list[EncounterEvaluationOut]:
    """An enrollment's evaluations the actor may see, by week (views by others than the author audited)."""
    async with uow:
        enrollment = await load_enrollment(uow, actor, enrollment_id)
        _refuse_coordinator(enrollment)
        rows = await visible_evaluations(uow, actor, enrollment)
        await audit_views(uow, actor, ENCOUNTER_EVALUATION, rows)
        names = await user_names(uow, [r.preceptor_id for r in rows])
        out = [evaluation_out(row, names) for row in rows]
        await uow.commit()
        return out


async def evaluation_summary(uow: UnitOfWork, actor: Actor, enrollment_id: int) -> EvaluationSummaryOut:
    """The evidence over the evaluations the actor may see (the visitor: released ones only): counts,
    spread and the week-by-week trajectory per item, EPA and RIME, and the strongest observed examples."""
    async with uow:
        enrollment = await load_enrollment(uow, actor, enrollment_id)
        _refuse_coordinator(enrollment)
        rows = await visible_evaluations(uow, actor, enrollment)
        await audit_views(uow, actor, ENCOUNTER_EVALUATION, rows)
        out = summary_out(enrollment.id, rows, released_only=enrollment.actor_is_visitor)
        await uow.commit()
        return out


async def evaluation_counts(uow: UnitOfWork, actor: Actor, enrollment_id: int) -> EvaluationCountsOut:
    """How many evaluations an enrollment has, without ratings or text (for its coordinator too); the
    visitor is told only about released ones."""
    async with uow:
        enrollment = await load_enrollment(uow, actor, enrollment_id)
        return await counts_of(uow, enrollment)


async def counts_of(uow: UnitOfWork, enrollment: Enrollment) -> EvaluationCountsOut:
    """How many evaluations and final evaluations an enrollment has (drafts hidden from its visitor)."""
    rows = await uow.evaluations.evaluations_of(enrollment.id)
    finals = await uow.evaluations.finals_of_enrollment(enrollment.id)
    released = [r for r in rows if r.state is ReleaseState.RELEASED]
    final_released = sum(f.state is ReleaseState.RELEASED for f in finals)
    hide = enrollment.actor_is_visitor
    return EvaluationCountsOut(
        enrollment_id=enrollment.id,
        released=len(released),
        drafts=None if hide else len(rows) - len(released),
        weeks_with_released=sorted({r.week for r in released}),
        final_released=final_released,
        final_drafts=None if hide else len(finals) - final_released,
    )


# --- end-of-rotation evaluations --------------------------------------------------------------


def _require_self(enrollment: Enrollment, actor: Actor, preceptor_id: int) -> None:
    require_preceptor(enrollment, "write its end-of-rotation evaluation")
    if preceptor_id != actor.user_id:
        raise Forbidden("You can write only your own end-of-rotation evaluation.")


async def comparison_group(uow: UnitOfWork, actor: Actor, enrollment_id: int) -> ComparisonGroupOut:
    """The size of the acting preceptor's comparison group for this visitor: their distinct past
    visitors (completed rotations in programs they teach), not counting this one."""
    async with uow:
        enrollment = await load_enrollment(uow, actor, enrollment_id)
        require_preceptor(enrollment, "see its comparison group")
        size = await comparison_group_size(uow, actor.user_id, enrollment.visitor_id)
        return group_out(enrollment.id, actor.user_id, size)


async def put_final_evaluation(
    uow: UnitOfWork, actor: Actor, enrollment_id: int, preceptor_id: int, data: FinalEvaluationIn
) -> FinalEvaluationOut:
    """A preceptor writes (or rewrites, while a draft) their end-of-rotation evaluation. The group size
    is counted now and stored with it. Audited."""
    async with uow:
        enrollment = await load_enrollment(uow, actor, enrollment_id)
        _require_self(enrollment, actor, preceptor_id)
        await uow.users.lock(actor.user_id)
        row = await uow.evaluations.final(enrollment.id, actor.user_id)
        if row is not None:
            check_editable(row.state)
        size = await comparison_group_size(uow, actor.user_id, enrollment.visitor_id)
        built = make_final_evaluation(
            rotation_type_of(enrollment),
            competencies=data.competencies,
            comparative_rating=data.comparative_rating,
            group_size=size,
            will_write_letter=data.will_write_letter,
            narrative=data.narrative,
        )
        parties = await enrollment_parties(uow, enrollment, actor)
        await asyncio.to_thread(_guard, built.free_text(), parties)
        now = uow.now()
        if row is None:
            row = await uow.evaluations.add_final(
                enrollment_id=enrollment.id,
                preceptor_id=actor.user_id,
                visitor_id=enrollment.visitor_id,
                evaluation=built,
                at=now,
            )
        else:
            row = await uow.evaluations.update_final(replace(row, evaluation=built, updated_at=now))
        await record(uow, actor, AuditAction.EDIT, FINAL_EVALUATION, [row.id])
        out = final_out(row, {actor.user_id: actor.full_name})
        await uow.commit()
        return out


async def release_final_evaluation(
    uow: UnitOfWork, actor: Actor, enrollment_id: int, preceptor_id: int
) -> FinalEvaluationOut:
    """The preceptor releases their end-of-rotation evaluation to the visitor; final. Audited."""
    async with uow:
        enrollment = await load_enrollment(uow, actor, enrollment_id)
        _require_self(enrollment, actor, preceptor_id)
        await uow.users.lock(actor.user_id)
        row = await uow.evaluations.final(enrollment.id, actor.user_id)  # read under the lock
        if row is None:
            raise NotFound("You have not written an end-of-rotation evaluation for this enrollment yet.")
        state = plan_release(row.state, ReleaseState.RELEASED)
        now = uow.now()
        row = await uow.evaluations.update_final(replace(row, state=state, released_at=now, updated_at=now))
        await record(uow, actor, AuditAction.RELEASE, FINAL_EVALUATION, [row.id])
        await notifications.evaluation_released(
            uow,
            visitor_id=enrollment.application.visitor_id,
            enrollment_id=enrollment.application.id,
            program_id=enrollment.program.id,
            author_name=actor.full_name,
            evaluation_id=row.id,
            final=True,
        )
        out = final_out(row, {actor.user_id: actor.full_name})
        await uow.commit()
        return out


async def get_final_evaluation(
    uow: UnitOfWork, actor: Actor, enrollment_id: int, preceptor_id: int
) -> FinalEvaluationOut:
    """A preceptor's end-of-rotation evaluation: to its author, and once released to the visitor and
    the program's other preceptors (audited). A coordinator is refused: counts only."""
    async with uow:
        enrollment = await load_enrollment(uow, actor, enrollment_id)
        _refuse_coordinator(enrollment)
        row = await uow.evaluations.final(enrollment.id, preceptor_id)
        if row is None or not may_see(row, enrollment, actor):
            raise NotFound("There is no end-of-rotation evaluation by that preceptor for this enrollment.")
        await audit_views(uow, actor, FINAL_EVALUATION, [row])
        out = final_out(row, await user_names(uow, [row.preceptor_id]))
        await uow.commit()
        return out


async def list_final_evaluations(
    uow: UnitOfWork, actor: Actor, enrollment_id: int
) -> list[FinalEvaluationOut]:
    """The end-of-rotation evaluations of an enrollment the actor may see (audited as above)."""
    async with uow:
        enrollment = await load_enrollment(uow, actor, enrollment_id)
        _refuse_coordinator(enrollment)
        rows = [
            r
            for r in await uow.evaluations.finals_of_enrollment(enrollment.id)
            if may_see(r, enrollment, actor)
        ]
        await audit_views(uow, actor, FINAL_EVALUATION, rows)
        names = await user_names(uow, [r.preceptor_id for r in rows])
        out = [final_out(r, names) for r in rows]
        await uow.commit()
        return out
