"""Case logs: a visitor logs an encounter (draft, then submitted), the preceptor confirms or corrects
the diagnoses, the coordinator sees counts only. Every free-text field passes the PHI guard before
anything is written, and every read by someone other than the author is audited in the same
transaction. Also the ICD-10-CM look-up the log's diagnoses are chosen with."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from server.codes import icd10
from server.db.uow import UnitOfWork
from server.domain.actors import Actor
from server.domain.applications import ENROLLED_STATES
from server.domain.caselog import (
    CaseLog,
    Encounter,
    EncounterKind,
    LogState,
    ReviewStatus,
    StoredCaseLog,
    check_diagnoses,
    check_editable,
    check_participation,
    check_reviewable,
    final_diagnoses,
    plan_review,
    weeks_in,
)
from server.domain.errors import Forbidden, NotFound
from server.domain.phi import ensure_no_phi
from server.domain.vocab import Role
from server.schemas.record import (
    CaseLogIn,
    CaseLogOut,
    CaseLogSummaryOut,
    DiagnosisOut,
    EncounterIn,
    Icd10Out,
    Icd10Query,
    ReviewIn,
    ReviewOut,
    WeekCountOut,
)
from server.services.audit import CASE_LOG, AuditAction, audit_read, audit_reads, record
from server.services.encounters import Enrollment, add_encounter, load_enrollment

COORDINATOR_REFUSAL = (
    "A coordinator sees the counts and progress of case logs, not their content: "
    "use the enrollment's case-log summary."
)


# --- the code set -----------------------------------------------------------------------------


async def code_set_ready() -> None:
    """Load the code set off the event loop (seconds, once per process); free afterwards. Every service
    that reads ICD-10 codes (case logs, presentations, the learning dashboard) awaits this first."""
    await asyncio.to_thread(icd10.warm_up)


def _canonical(code: str) -> str | None:
    found = icd10.lookup(code)
    return None if found is None else found.code


def _diagnosis_out(code: str) -> DiagnosisOut:
    found = icd10.lookup(code)
    if found is None:  # a code retired from the set since it was logged: keep showing it
        return DiagnosisOut(code=code, description="", billable=False, chapter=0)
    return DiagnosisOut(
        code=found.code, description=found.description, billable=found.billable, chapter=found.chapter
    )


def _icd10_out(found: icd10.Icd10Code) -> Icd10Out:
    chapter = icd10.chapter(found.code)
    return Icd10Out(
        code=found.code,
        description=found.description,
        billable=found.billable,
        chapter=found.chapter,
        chapter_title=chapter.title if chapter else "",
        category=found.category,
    )


async def search_codes(query: Icd10Query) -> list[Icd10Out]:
    """Type-ahead over ICD-10-CM: by code prefix, then by words of the description."""
    await code_set_ready()
    found = await asyncio.to_thread(icd10.search, query.q, query.limit)
    return [_icd10_out(code) for code in found]


async def get_code(code: str) -> Icd10Out:
    """One ICD-10-CM code, written in any case, with or without its dot; NotFound if there is none."""
    await code_set_ready()
    found = icd10.lookup(code)
    if found is None:
        raise NotFound(f"There is no ICD-10-CM code {code[:20]!r}.")
    return _icd10_out(found)


# --- access -----------------------------------------------------------------------------------


async def _load(
    uow: UnitOfWork, actor: Actor, case_log_id: int
) -> tuple[StoredCaseLog, Encounter, Enrollment]:
    """The log, its encounter and enrollment, if the actor may know the log exists: its author, a
    preceptor of the enrollment (submitted logs only: a draft is the visitor's own), or the program's
    coordinator (who is then refused its content). NotFound for anyone else."""
    missing = NotFound(f"There is no case log {case_log_id}.")
    log = await uow.case_logs.get(case_log_id)
    if log is None:
        raise missing
    encounter = await uow.encounters.get(log.encounter_id)
    if encounter is None:
        raise missing
    try:
        enrollment = await load_enrollment(uow, actor, encounter.enrollment_id)
    except NotFound:
        raise missing from None
    if enrollment.actor_is_visitor and log.visitor_id != actor.user_id:
        raise missing
    if enrollment.actor_is_preceptor and log.state == LogState.DRAFT:
        raise missing
    return log, encounter, enrollment


def _refuse_coordinator(actor: Actor) -> None:
    if actor.role is Role.COORDINATOR:
        raise Forbidden(COORDINATOR_REFUSAL)


def _check_text(data: CaseLogIn) -> None:
    """The PHI guard over every free-text field; raises Invalid (422) naming the field and span."""
    fields = {"chief_complaint": data.chief_complaint}
    if data.note:
        fields["note"] = data.note
    ensure_no_phi(fields)


async def _checked_fields(data: CaseLogIn) -> dict[str, Any]:
    """The fields of a log (by :class:`CaseLog`'s names) from its input, after every check: the PHI
    guard first, then the participation list and the diagnoses against the code set. The guard runs off
    the event loop: on adversarial text it can take a few hundred milliseconds."""
    await asyncio.to_thread(_check_text, data)
    participation = check_participation(data.participation)
    await code_set_ready()
    diagnoses = check_diagnoses(data.diagnoses, _canonical)
    return {
        "age_band": data.age_band,
        "sex": data.sex,
        "visit_type": data.visit_type,
        "chief_complaint": data.chief_complaint,
        "note": data.note or None,
        "minutes": data.minutes,
        "complexity": data.complexity,
        "participation": tuple(participation),
        "diagnoses": tuple(diagnoses),
    }


async def _outs(uow: UnitOfWork, logs: Sequence[StoredCaseLog]) -> list[CaseLogOut]:
    encounters = await uow.encounters.by_ids([log.encounter_id for log in logs])
    reviewers = await uow.users.by_ids([log.reviewed_by for log in logs if log.reviewed_by])
    out = []
    for log in logs:
        encounter = encounters[log.encounter_id]
        reviewer = reviewers.get(log.reviewed_by) if log.reviewed_by else None
        corrected = log.corrected_diagnoses
        out.append(
            CaseLogOut(
                id=log.id,
                encounter_id=log.encounter_id,
                enrollment_id=encounter.enrollment_id,
                visitor_id=log.visitor_id,
                state=log.state,
                week=encounter.rotation_week,
                kind=encounter.kind,
                setting=encounter.setting,
                encounter_source=encounter.source,
                age_band=log.age_band,
                sex=log.sex,
                visit_type=log.visit_type,
                chief_complaint=log.chief_complaint,
                note=log.note,
                minutes=log.minutes,
                complexity=log.complexity,
                participation=list(log.participation),
                diagnoses=[_diagnosis_out(c) for c in log.diagnoses],
                final_diagnoses=[_diagnosis_out(c) for c in final_diagnoses(log.diagnoses, corrected)],
                review=ReviewOut(
                    status=log.review_status,
                    reviewed_by=log.reviewed_by,
                    reviewer_name=reviewer.full_name if reviewer else None,
                    reviewed_at=log.reviewed_at,
                    corrected_diagnoses=None if corrected is None else [_diagnosis_out(c) for c in corrected],
                ),
                created_at=log.created_at,
                updated_at=log.updated_at,
                submitted_at=log.submitted_at,
            )
        )
    return out


# --- use cases --------------------------------------------------------------------------------


async def create_case_log(uow: UnitOfWork, actor: Actor, encounter_id: int, data: CaseLogIn) -> CaseLogOut:
    """The enrollment's visitor logs an encounter: one log per visitor and encounter."""
    async with uow:
        encounter = await uow.encounters.get(encounter_id)
        if encounter is None:
            raise NotFound(f"There is no encounter {encounter_id}.")
        log = await _add_case_log(uow, actor, encounter, data)
        out = (await _outs(uow, [log]))[0]
        await uow.commit()
        return out


async def create_encounter_with_log(
    uow: UnitOfWork, actor: Actor, enrollment_id: int, encounter: EncounterIn, data: CaseLogIn
) -> CaseLogOut:
    """The visitor records a new encounter and its case log together, in one transaction: if the log
    is refused (or anything fails), the encounter is not kept either."""
    async with uow:
        created = await add_encounter(uow, actor, enrollment_id, encounter)
        log = await _add_case_log(uow, actor, created, data)
        out = (await _outs(uow, [log]))[0]
        await uow.commit()
        return out


async def _add_case_log(
    uow: UnitOfWork, actor: Actor, encounter: Encounter, data: CaseLogIn
) -> StoredCaseLog:
    try:
        enrollment = await load_enrollment(uow, actor, encounter.enrollment_id)
    except NotFound:
        raise NotFound(f"There is no encounter {encounter.id}.") from None
    if not enrollment.actor_is_visitor:
        raise Forbidden("Only the visitor of this enrollment can log its encounters.")
    values = await _checked_fields(data)  # nothing of the log has been written yet
    now = uow.now()
    return await uow.case_logs.add(
        CaseLog(
            encounter_id=encounter.id,
            visitor_id=actor.user_id,
            state=LogState.SUBMITTED if data.submit else LogState.DRAFT,
            corrected_diagnoses=None,
            review_status=ReviewStatus.PENDING,
            reviewed_by=None,
            reviewed_at=None,
            created_at=now,
            updated_at=now,
            submitted_at=now if data.submit else None,
            **values,
        )
    )


async def update_case_log(uow: UnitOfWork, actor: Actor, case_log_id: int, data: CaseLogIn) -> CaseLogOut:
    """The author rewrites a draft (all fields), and may submit it; a submitted log is read-only."""
    async with uow:
        # One person's concurrent edits run one after the other: the second sees the first's submit.
        await uow.users.lock(actor.user_id)
        log, _encounter, _enrollment = await _load(uow, actor, case_log_id)
        if log.visitor_id != actor.user_id:
            raise Forbidden("Only the visitor who wrote this case log can change it.")
        check_editable(log.state)
        values = await _checked_fields(data)
        now = uow.now()
        log = replace(log, **values, updated_at=now)
        if data.submit:
            log = replace(log, state=LogState.SUBMITTED, submitted_at=now)
        log = await uow.case_logs.update(log)
        out = (await _outs(uow, [log]))[0]
        await uow.commit()
        return out


async def get_case_log(uow: UnitOfWork, actor: Actor, case_log_id: int) -> CaseLogOut:
    """One case log, to its author or a preceptor of the enrollment (the preceptor's read is audited)."""
    async with uow:
        out, _enrollment = await read_case_log(uow, actor, case_log_id)
        await uow.commit()
        return out


async def read_case_log(uow: UnitOfWork, actor: Actor, case_log_id: int) -> tuple[CaseLogOut, Enrollment]:
    """:func:`get_case_log` inside the caller's open unit of work, with the enrollment access was
    checked through; the caller commits (the audit row of a preceptor's read with the rest)."""
    log, _encounter, enrollment = await _load(uow, actor, case_log_id)
    _refuse_coordinator(actor)
    await audit_read(uow, actor, CASE_LOG, log.id, log.visitor_id)
    return (await _outs(uow, [log]))[0], enrollment


async def list_case_logs(uow: UnitOfWork, actor: Actor, enrollment_id: int) -> list[CaseLogOut]:
    """The case logs of an enrollment: all of them for its visitor, the submitted ones for a preceptor
    (each read audited). A coordinator is refused: the summary is theirs."""
    async with uow:
        out = await case_logs_of(uow, actor, await load_enrollment(uow, actor, enrollment_id))
        await uow.commit()
        return out


async def case_logs_of(uow: UnitOfWork, actor: Actor, enrollment: Enrollment) -> list[CaseLogOut]:
    """:func:`list_case_logs` of an enrollment the caller has loaded (:func:`load_enrollment`) for the
    same actor, inside its open unit of work; the caller commits (the audit rows with the rest)."""
    _refuse_coordinator(actor)
    logs = await uow.case_logs.of_enrollment(enrollment.id)
    if not enrollment.actor_is_visitor:
        logs = [log for log in logs if log.state == LogState.SUBMITTED]
        await audit_reads(uow, actor, CASE_LOG, ((log.id, log.visitor_id) for log in logs))
    return await _outs(uow, logs)


async def review_diagnoses(uow: UnitOfWork, actor: Actor, case_log_id: int, data: ReviewIn) -> CaseLogOut:
    """A preceptor of the enrollment confirms the visitor's diagnoses or replaces them; the visitor's
    own list stays as written. Recorded with who and when, and in the audit log."""
    async with uow:
        log, _encounter, enrollment = await _load(uow, actor, case_log_id)
        if not enrollment.actor_is_preceptor:
            raise Forbidden("Only a preceptor of this enrollment can confirm or correct its diagnoses.")
        check_reviewable(log.state)
        corrected = None
        if data.diagnoses is not None:
            await code_set_ready()
            corrected = check_diagnoses(data.diagnoses, _canonical)
        status, replacement = plan_review(data.action, log.diagnoses, corrected)
        log = await uow.case_logs.update(
            replace(
                log,
                review_status=status,
                corrected_diagnoses=None if replacement is None else tuple(replacement),
                reviewed_by=actor.user_id,
                reviewed_at=uow.now(),
            )
        )
        action = AuditAction.CORRECT if status is ReviewStatus.CORRECTED else AuditAction.CONFIRM
        await record(uow, actor, action, CASE_LOG, [log.id])
        out = (await _outs(uow, [log]))[0]
        await uow.commit()
        return out


async def summary(uow: UnitOfWork, actor: Actor, enrollment_id: int) -> CaseLogSummaryOut:
    """Counts and progress of an enrollment's record, with no free text: for its coordinator (and its
    visitor and preceptors)."""
    async with uow:
        return await enrollment_summary(uow, await load_enrollment(uow, actor, enrollment_id))


async def enrollment_summary(uow: UnitOfWork, enrollment: Enrollment) -> CaseLogSummaryOut:
    """:func:`summary` of an enrollment the caller has loaded (:func:`load_enrollment`), inside its
    open unit of work."""
    encounters = await uow.encounters.of_enrollment(enrollment.id)
    logs = await uow.case_logs.of_enrollment(enrollment.id)
    return _summary_of(enrollment.id, enrollment.visitor_id, enrollment.weeks, encounters, logs)


async def program_summary(uow: UnitOfWork, actor: Actor, program_id: int) -> list[CaseLogSummaryOut]:
    """The case-log counts of every enrollment of a program, for its coordinator or preceptors;
    NotFound for anyone else."""
    async with uow:
        program = await uow.programs.get(program_id)
        if program is None:
            raise NotFound(f"There is no program {program_id}.")
        preceptors = (await uow.programs.preceptor_ids([program.id]))[program.id]
        is_coordinator = actor.role is Role.COORDINATOR and program.is_run_by(actor.user_id)
        is_preceptor = actor.role is Role.PRECEPTOR and actor.user_id in preceptors
        if not (is_coordinator or is_preceptor):
            raise NotFound(f"There is no case-log summary of program {program_id} for you.")
        enrollments = sorted(
            await uow.applications.of_programs([program.id], [s.value for s in ENROLLED_STATES]),
            key=lambda a: a.id,
        )
        ids = [a.id for a in enrollments]
        blocks = await uow.applications.block_ids(ids)
        encounters = await uow.encounters.of_enrollments(ids)
        logs = await uow.case_logs.of_enrollments(ids)
        return [
            _summary_of(a.id, a.visitor_id, weeks_in(len(blocks[a.id])), encounters[a.id], logs[a.id])
            for a in enrollments
        ]


def _summary_of(
    enrollment_id: int,
    visitor_id: int,
    weeks: int,
    encounters: Sequence[Encounter],
    logs: Sequence[StoredCaseLog],
) -> CaseLogSummaryOut:
    week_of = {e.id: e.rotation_week for e in encounters}
    by_week = {
        week: WeekCountOut(week=week, encounters=0, case_logs=0, submitted=0, minutes=0)
        for week in range(1, weeks + 1)
    }

    def week_row(week: int) -> WeekCountOut:  # a week past the end: blocks removed since
        return by_week.setdefault(
            week, WeekCountOut(week=week, encounters=0, case_logs=0, submitted=0, minutes=0)
        )

    for encounter in encounters:
        week_row(encounter.rotation_week).encounters += 1
    for log in logs:
        week = week_row(week_of[log.encounter_id])
        week.case_logs += 1
        week.minutes += log.minutes
        if log.state == LogState.SUBMITTED:
            week.submitted += 1
    submitted = [log for log in logs if log.state == LogState.SUBMITTED]
    reviews = Counter(log.review_status for log in submitted)
    return CaseLogSummaryOut(
        enrollment_id=enrollment_id,
        visitor_id=visitor_id,
        weeks=weeks,
        encounters=len(encounters),
        self_reported_encounters=sum(e.self_reported for e in encounters),
        encounters_by_kind={kind.value: sum(e.kind == kind for e in encounters) for kind in EncounterKind},
        case_logs=len(logs),
        drafts=len(logs) - len(submitted),
        submitted=len(submitted),
        confirmed=reviews[ReviewStatus.CONFIRMED],
        corrected=reviews[ReviewStatus.CORRECTED],
        awaiting_review=reviews[ReviewStatus.PENDING],
        minutes=sum(log.minutes for log in logs),
        by_week=[by_week[w] for w in sorted(by_week)],
    )
