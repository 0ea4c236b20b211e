"""The learning dashboard and the record's overview pages: what a visitor's record adds up to.

* :func:`enrollment_dashboard`: one enrollment's encounters by rotation week, diagnoses seen by ICD-10
  chapter, participation levels and the differential scores over the weeks. Its visitor sees their own,
  a preceptor of the program sees their visitor's (an audited read of the logs and presentations it
  sums up), the program's coordinator sees the counts only: no diagnoses, no scores, no free text.
* :func:`record_index`: where each role starts: the visitor's enrollments, a preceptor's review queue
  and visitors, a coordinator's progress table per enrolled visitor. Counts and states only.

Access follows ``encounters.load_enrollment`` (anyone else: NotFound). Scores come from
``server.domain.differential.score``, chapters from ``server.codes.icd10``: nothing is re-derived here.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from server.codes import icd10
from server.db.uow import UnitOfWork
from server.domain.actors import Actor
from server.domain.applications import ENROLLED_STATES, AppState
from server.domain.caselog import (
    Encounter,
    EncounterKind,
    LogState,
    Participation,
    ReviewStatus,
    StoredCaseLog,
    final_diagnoses,
    weeks_in,
)
from server.domain.differential import score
from server.domain.learning import ListedEnrollment
from server.domain.presentations import PresentationFormat, PresentationState, StoredPresentation
from server.domain.vocab import Role
from server.services.audit import CASE_LOG, audit_reads
from server.services.caselogs import code_set_ready
from server.services.encounters import Enrollment, load_enrollment
from server.services.presentations import PRESENTATION

_ENROLLED = [s.value for s in ENROLLED_STATES]


# --- what the pages get --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class WeekActivity:
    """One rotation week: encounters by kind, case logs by state, minutes logged, and (not for a
    coordinator) how often each participation was logged in submitted logs."""

    week: int
    encounters: dict[EncounterKind, int]
    submitted_logs: int
    draft_logs: int
    minutes: int
    participation: dict[Participation, int]


@dataclass(frozen=True, slots=True)
class ChapterCount:
    """Diagnoses of submitted logs in one ICD-10-CM chapter: preceptor-reviewed and still pending."""

    number: int
    roman: str
    title: str
    reviewed: int
    pending: int


@dataclass(frozen=True, slots=True)
class WeekScores:
    """The mean scores of the week's presentations that have a reference (None: nothing to average)."""

    week: int
    scored: int
    top_1: float | None
    top_3: float | None
    comprehensiveness: float | None
    relevance: float | None
    cant_miss_coverage: float | None


@dataclass(frozen=True, slots=True)
class EnrollmentHeader:
    """Which enrollment a page is about, and how the reader stands to it."""

    enrollment_id: int
    program_id: int
    program_title: str
    visitor_id: int
    visitor_name: str
    state: AppState
    weeks: int
    reader_is_visitor: bool
    reader_is_preceptor: bool
    reader_is_coordinator: bool


@dataclass(frozen=True, slots=True)
class LearningDashboard:
    """Everything the dashboard draws. ``content_visible`` is False for a coordinator: then
    ``chapters`` and ``scores`` are empty and no participation is counted."""

    header: EnrollmentHeader
    content_visible: bool
    weeks: list[WeekActivity]
    chapters: list[ChapterCount]
    scores: list[WeekScores]
    presentations_by_state: dict[PresentationState, int]
    presentations_by_format: dict[PresentationFormat, int]
    #: Of the encounters counted, those the visitor entered (not recorded by Rounds): labelled apart.
    self_reported_encounters: int = 0


@dataclass(frozen=True, slots=True)
class EnrollmentProgress:
    """One enrolled visitor's counts: what a coordinator's progress table shows (never text)."""

    enrollment_id: int
    visitor_id: int
    visitor_name: str
    program_title: str
    state: AppState
    weeks: int
    encounters: int
    #: Of ``encounters``, those the visitor entered (not recorded by Rounds): labelled apart.
    self_reported_encounters: int
    submitted_logs: int
    draft_logs: int
    awaiting_review: int
    minutes: int
    presentations_submitted: int
    presentations_reviewed: int
    presentations_with_reference: int
    last_week: int | None


@dataclass(frozen=True, slots=True)
class QueueItem:
    """Something a preceptor should look at: a submitted case log whose diagnoses await review, or a
    submitted presentation waiting for feedback or a reference. No free text."""

    kind: str  # "case_log" or "presentation"
    record_id: int
    enrollment_id: int
    visitor_name: str
    program_title: str
    week: int
    detail: str  # the encounter kind or the presentation format (a vocabulary value)
    submitted_at: datetime | None
    needs: list[str] = field(default_factory=list)  # "diagnoses", "feedback", "reference"


@dataclass(frozen=True, slots=True)
class RecordIndex:
    """Where a role starts in the record: enrollments with their progress, and (preceptors) a queue."""

    role: Role
    enrollments: list[EnrollmentProgress]
    queue: list[QueueItem]


# --- helpers -------------------------------------------------------------------------------------


async def header_of(uow: UnitOfWork, actor: Actor, enrollment_id: int) -> EnrollmentHeader:
    """The header of an enrollment's pages, inside the caller's open unit of work; NotFound unless the
    actor is its visitor, a preceptor or the coordinator of its program."""
    return await header_from(uow, await load_enrollment(uow, actor, enrollment_id))


async def header_from(uow: UnitOfWork, enrollment: Enrollment) -> EnrollmentHeader:
    """The header of an enrollment the caller has loaded (:func:`load_enrollment`, which decided how
    the reader stands to it), inside its open unit of work."""
    visitor = await uow.users.get(enrollment.visitor_id)
    return EnrollmentHeader(
        enrollment_id=enrollment.id,
        program_id=enrollment.program.id,
        program_title=enrollment.program.title,
        visitor_id=enrollment.visitor_id,
        visitor_name=visitor.full_name if visitor else f"Visitor {enrollment.visitor_id}",
        state=AppState(enrollment.application.state),
        weeks=enrollment.weeks,
        reader_is_visitor=enrollment.actor_is_visitor,
        reader_is_preceptor=enrollment.actor_is_preceptor,
        reader_is_coordinator=enrollment.actor_is_coordinator,
    )


def _mean(values: Iterable[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return sum(present) / len(present) if present else None


def _week_range(weeks: int, seen: Iterable[int]) -> list[int]:
    """Every week of the rotation, and any week past its end that has records (blocks removed since)."""
    return sorted(set(range(1, weeks + 1)) | set(seen))


def _activity(
    weeks: list[int],
    encounters: Sequence[Encounter],
    logs: Sequence[StoredCaseLog],
    *,
    with_participation: bool,
) -> list[WeekActivity]:
    week_of = {e.id: e.rotation_week for e in encounters}
    kinds: dict[int, Counter[EncounterKind]] = {w: Counter() for w in weeks}
    for encounter in encounters:
        kinds[encounter.rotation_week][EncounterKind(encounter.kind)] += 1
    rows = []
    for week in weeks:
        mine = [log for log in logs if week_of.get(log.encounter_id) == week]
        submitted = [log for log in mine if log.state == LogState.SUBMITTED]
        taken: Counter[Participation] = Counter()
        if with_participation:
            for log in submitted:
                taken.update(Participation(p) for p in log.participation)
        rows.append(
            WeekActivity(
                week=week,
                encounters={kind: kinds[week][kind] for kind in EncounterKind},
                submitted_logs=len(submitted),
                draft_logs=len(mine) - len(submitted),
                minutes=sum(log.minutes for log in mine),
                participation={p: taken[p] for p in Participation} if with_participation else {},
            )
        )
    return rows


def _chapters(logs: Sequence[StoredCaseLog]) -> list[ChapterCount]:
    """Final diagnoses (the preceptor's correction, else the visitor's) of submitted logs by chapter."""
    reviewed: Counter[int] = Counter()
    pending: Counter[int] = Counter()
    for log in logs:
        if log.state != LogState.SUBMITTED:
            continue
        counter = pending if log.review_status == ReviewStatus.PENDING else reviewed
        for code in final_diagnoses(log.diagnoses, log.corrected_diagnoses):
            chapter = icd10.chapter(code)
            if chapter is not None:
                counter[chapter.number] += 1
    return [
        ChapterCount(c.number, c.roman, c.title, reviewed[c.number], pending[c.number])
        for c in icd10.chapters()
        if reviewed[c.number] or pending[c.number]
    ]


def _scores(
    weeks: list[int], presentations: Sequence[StoredPresentation], week_of_log: Mapping[int, int]
) -> tuple[list[WeekScores], list[int]]:
    """Mean scores per week, and the ids of the presentations scored."""
    by_week: dict[int, list[Any]] = {w: [] for w in weeks}
    used = []
    for p in presentations:
        if p.reference is None or p.state == PresentationState.DRAFT or p.case_log_id not in week_of_log:
            continue
        result = score(p.differential, p.reference, p.overrides)
        by_week.setdefault(week_of_log[p.case_log_id], []).append(result)
        used.append(p.id)
    rows = []
    for week in sorted(by_week):
        results = by_week[week]
        rows.append(
            WeekScores(
                week=week,
                scored=len(results),
                top_1=_mean(float(r.top_1) for r in results),
                top_3=_mean(float(r.top_3) for r in results),
                comprehensiveness=_mean(r.comprehensiveness.value for r in results),
                relevance=_mean(r.relevance.value for r in results),
                cant_miss_coverage=_mean(r.cant_miss_coverage.value for r in results),
            )
        )
    return rows, used


# --- use cases -----------------------------------------------------------------------------------


async def enrollment_dashboard(uow: UnitOfWork, actor: Actor, enrollment_id: int) -> LearningDashboard:
    """The learning dashboard of one enrollment (see the module's documentation for who sees what).

    Drafts count as encounters and minutes but not in diagnoses, participation or scores: those show
    what was submitted. A preceptor's look is written to the audit log for every submitted case log and
    scored presentation it sums up, in the same transaction."""
    async with uow:
        header = await header_of(uow, actor, enrollment_id)
        encounters = await uow.encounters.of_enrollment(header.enrollment_id)
        logs = await uow.case_logs.of_enrollment(header.enrollment_id)
        presentations = await uow.presentations.of_enrollment(header.enrollment_id)
        week_of = {e.id: e.rotation_week for e in encounters}
        weeks = _week_range(header.weeks, week_of.values())
        content_visible = not header.reader_is_coordinator
        activity = _activity(weeks, encounters, logs, with_participation=content_visible)
        states = Counter(p.state for p in presentations)
        formats = Counter(p.format for p in presentations)
        chapters: list[ChapterCount] = []
        scores: list[WeekScores] = []
        if content_visible:
            await code_set_ready()
            chapters = _chapters(logs)
            week_of_log = {log.id: week_of[log.encounter_id] for log in logs}
            scores, scored = _scores(weeks, presentations, week_of_log)
            if not header.reader_is_visitor:
                submitted = [(log.id, log.visitor_id) for log in logs if log.state == LogState.SUBMITTED]
                author_of = {p.id: p.visitor_id for p in presentations}
                await audit_reads(uow, actor, CASE_LOG, submitted)
                await audit_reads(uow, actor, PRESENTATION, ((pid, author_of[pid]) for pid in scored))
        await uow.commit()
        return LearningDashboard(
            header=header,
            content_visible=content_visible,
            weeks=activity,
            chapters=chapters,
            scores=scores,
            presentations_by_state={s: states[s] for s in PresentationState},
            presentations_by_format={f: formats[f] for f in PresentationFormat},
            self_reported_encounters=sum(e.self_reported for e in encounters),
        )


def _progress(
    application: ListedEnrollment,
    visitor_name: str,
    program_title: str,
    number_of_blocks: int,
    encounters: Sequence[Encounter],
    logs: Sequence[StoredCaseLog],
    presentations: Sequence[StoredPresentation],
) -> EnrollmentProgress:
    submitted = [log for log in logs if log.state == LogState.SUBMITTED]
    states = Counter(p.state for p in presentations)
    return EnrollmentProgress(
        enrollment_id=application.id,
        visitor_id=application.visitor_id,
        visitor_name=visitor_name,
        program_title=program_title,
        state=application.state,
        weeks=weeks_in(number_of_blocks),
        encounters=len(encounters),
        self_reported_encounters=sum(e.self_reported for e in encounters),
        submitted_logs=len(submitted),
        draft_logs=len(logs) - len(submitted),
        awaiting_review=sum(log.review_status == ReviewStatus.PENDING for log in submitted),
        minutes=sum(log.minutes for log in logs),
        presentations_submitted=states[PresentationState.SUBMITTED],
        presentations_reviewed=states[PresentationState.REVIEWED],
        presentations_with_reference=sum(
            p.reference is not None and p.state != PresentationState.DRAFT for p in presentations
        ),
        last_week=max((e.rotation_week for e in encounters), default=None),
    )


def _queue(
    applications: Sequence[ListedEnrollment],
    names: Mapping[int, str],
    titles: Mapping[int, str],
    encounters: Mapping[int, list[Encounter]],
    logs: Mapping[int, list[StoredCaseLog]],
    presentations: Mapping[int, list[StoredPresentation]],
) -> list[QueueItem]:
    items = []
    for application in applications:
        visitor = names.get(application.visitor_id, "")
        title = titles.get(application.program_id, "")
        encounter_of = {e.id: e for e in encounters[application.id]}
        week_of_log = {}
        for log in logs[application.id]:
            encounter = encounter_of[log.encounter_id]
            week_of_log[log.id] = encounter.rotation_week
            if log.state == LogState.SUBMITTED and log.review_status == ReviewStatus.PENDING:
                items.append(
                    QueueItem(
                        "case_log",
                        log.id,
                        application.id,
                        visitor,
                        title,
                        encounter.rotation_week,
                        encounter.kind,
                        log.submitted_at,
                        ["diagnoses"],
                    )
                )
        for p in presentations[application.id]:
            if p.state == PresentationState.DRAFT:
                continue
            needs = []
            if p.state == PresentationState.SUBMITTED:
                needs.append("feedback")
            if p.reference is None:
                needs.append("reference")
            if needs:
                items.append(
                    QueueItem(
                        "presentation",
                        p.id,
                        application.id,
                        visitor,
                        title,
                        week_of_log.get(p.case_log_id, 0),
                        p.format,
                        p.submitted_at,
                        needs,
                    )
                )
    return sorted(items, key=lambda i: (i.submitted_at is None, i.submitted_at or datetime.min, i.record_id))


async def record_index(uow: UnitOfWork, actor: Actor) -> RecordIndex:
    """The enrollments the actor may follow with each one's progress (counts only), and for a
    preceptor the queue of submitted work waiting for them. A visitor gets their own enrollments; a
    preceptor those of the programs they teach; a coordinator those of the programs they run."""
    async with uow:
        if actor.role is Role.VISITOR:
            found = await uow.learning.enrollments_of_visitor(actor.user_id, _ENROLLED)
        elif actor.role is Role.PRECEPTOR:
            found = await uow.learning.enrollments_taught_by(actor.user_id, _ENROLLED)
        else:
            found = await uow.learning.enrollments_run_by(actor.user_id, _ENROLLED)
        applications = list({a.id: a for a in found}.values())
        ids = [a.id for a in applications]
        users = await uow.users.by_ids(sorted({a.visitor_id for a in applications}))
        names = {uid: u.full_name for uid, u in users.items()}
        titles = await uow.learning.program_titles(sorted({a.program_id for a in applications}))
        blocks = await uow.applications.block_ids(ids)
        encounters = await uow.encounters.of_enrollments(ids)
        logs = await uow.case_logs.of_enrollments(ids)
        presentations = await uow.presentations.of_enrollments(ids)
        progress = [
            _progress(
                a,
                names.get(a.visitor_id, ""),
                titles.get(a.program_id, ""),
                len(blocks[a.id]),
                encounters[a.id],
                logs[a.id],
                presentations[a.id],
            )
            for a in applications
        ]
        queue = []
        if actor.role is Role.PRECEPTOR:
            queue = _queue(applications, names, titles, encounters, logs, presentations)
        return RecordIndex(role=actor.role, enrollments=progress, queue=queue)
