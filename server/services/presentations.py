"""Case presentations: the visitor presents a logged case (oral or SNAPPS) with a ranked differential,
as a draft and then submitted; the enrollment's preceptor reviews it with One-Minute-Preceptor feedback,
enters a reference differential with match overrides, and both see the scores side by side. A
coordinator sees counts only. Every free-text field passes the PHI guard before anything is written,
and every read by someone other than the author is audited in the same transaction."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from server.codes import icd10
from server.db.uow import UnitOfWork
from server.domain.actors import Actor
from server.domain.caselog import Encounter, StoredCaseLog
from server.domain.differential import (
    Differential,
    DifferentialItem,
    Override,
    make_differential,
    score,
)
from server.domain.errors import Conflict, Forbidden, Invalid, NotFound
from server.domain.phi import ensure_no_phi
from server.domain.presentations import (
    Presentation,
    PresentationFormat,
    PresentationState,
    StoredPresentation,
    check_complete,
    check_content,
    check_editable,
    check_feedback,
    check_overrides,
    check_reference_allowed,
    check_reviewable,
)
from server.domain.vocab import Role
from server.schemas.presentations import (
    DifferentialItemIn,
    DifferentialItemOut,
    FeedbackIn,
    FeedbackOut,
    OverrideOut,
    PairingOut,
    PresentationIn,
    PresentationOut,
    PresentationSummaryOut,
    RatioOut,
    ReferenceIn,
    ScoreOut,
)
from server.services import notifications
from server.services.audit import AuditAction, audit_read, audit_reads, record
from server.services.caselogs import code_set_ready
from server.services.encounters import Enrollment, load_enrollment
from server.services.phi_parties import enrollment_parties

PRESENTATION = "presentation"
COORDINATOR_REFUSAL = (
    "A coordinator sees the counts of presentations, not their content or scores: "
    "use the enrollment's presentation summary."
)


# --- checks -----------------------------------------------------------------------------------


def _guard(fields: Mapping[str, str], parties: Sequence[str] = ()) -> None:
    """The PHI guard over the named free-text fields: Invalid (422) naming the field and the span.
    ``parties``: the names allowed, only in the preceptor's feedback to the learner (the presentation
    itself describes a patient, where a name is taken for the patient's)."""
    ensure_no_phi({name: text for name, text in fields.items() if text}, parties=parties)


def _item_texts(items: Sequence[DifferentialItemIn], where: str) -> dict[str, str]:
    fields: dict[str, str] = {}
    for i, item in enumerate(items):
        fields[f"{where}[{i}].findings_for"] = item.findings_for
        fields[f"{where}[{i}].findings_against"] = item.findings_against
        fields[f"{where}[{i}].next_test"] = item.next_test
    return fields


def _differential(items: Sequence[DifferentialItemIn], where: str) -> Differential:
    """The items as a checked differential, each code validated against ICD-10-CM and canonical."""
    resolved = []
    for i, item in enumerate(items):
        found = icd10.lookup(item.code)
        if found is None:
            raise Invalid(f"{item.code[:60]!r} is not an ICD-10-CM code.", field=f"{where}[{i}].code")
        resolved.append(
            DifferentialItem(
                rank=item.rank,
                code=found.code,
                likelihood=item.likelihood,
                cant_miss=item.cant_miss,
                findings_for=item.findings_for,
                findings_against=item.findings_against,
                next_test=item.next_test,
            )
        )
    return make_differential(resolved, field=where)


async def _checked(data: PresentationIn) -> tuple[dict[str, str], Differential]:
    """The content and differential of a presentation after every check: field rules, then the PHI
    guard (off the event loop), then the codes against the code set; and, when submitting, that it is
    complete. Nothing is written by this."""
    content = check_content(data.format, data.content)
    texts = {f"content.{name}": text for name, text in content.items()}
    texts.update(_item_texts(data.differential, "differential"))
    await asyncio.to_thread(_guard, texts)
    await code_set_ready()
    differential = _differential(data.differential, "differential")
    if data.submit:
        check_complete(data.format, content, differential)
    return content, differential


# --- access and output ------------------------------------------------------------------------


async def _context(uow: UnitOfWork, case_log_id: int) -> tuple[StoredCaseLog, Encounter] | None:
    """The case log and its encounter, if both exist."""
    log = await uow.case_logs.get(case_log_id)
    if log is None:
        return None
    encounter = await uow.encounters.get(log.encounter_id)
    return None if encounter is None else (log, encounter)


async def _load(
    uow: UnitOfWork, actor: Actor, presentation_id: int
) -> tuple[StoredPresentation, Encounter, Enrollment]:
    """The presentation, if the actor may know it exists: its author, a preceptor of the enrollment
    (not while it is a draft) or the program's coordinator (refused its content later); NotFound else."""
    missing = NotFound(f"There is no presentation {presentation_id}.")
    presentation = await uow.presentations.get(presentation_id)
    if presentation is None:
        raise missing
    context = await _context(uow, presentation.case_log_id)
    if context is None:
        raise missing
    _log, encounter = context
    try:
        enrollment = await load_enrollment(uow, actor, encounter.enrollment_id)
    except NotFound:
        raise missing from None
    if enrollment.actor_is_visitor and presentation.visitor_id != actor.user_id:
        raise missing
    if enrollment.actor_is_preceptor and presentation.state == PresentationState.DRAFT:
        raise missing
    return presentation, encounter, enrollment


async def _hold(uow: UnitOfWork, presentation: StoredPresentation) -> StoredPresentation:
    """Serialise changes to one visitor's presentations (the visitor's edits, the preceptors' reviews
    and references) by holding the visitor's row, then re-read the presentation: a concurrent review
    that committed first is seen, and the second is refused instead of overwriting it."""
    await uow.users.lock(presentation.visitor_id)
    fresh = await uow.presentations.reread(presentation.id)
    if fresh is None:  # presentations are never deleted; kept as a guard for the type
        raise NotFound(f"There is no presentation {presentation.id}.")
    return fresh


def _refuse_coordinator(actor: Actor) -> None:
    if actor.role is Role.COORDINATOR:
        raise Forbidden(COORDINATOR_REFUSAL)


def _item_out(item: DifferentialItem) -> DifferentialItemOut:
    found = icd10.lookup(item.code)
    return DifferentialItemOut(
        rank=item.rank,
        code=item.code,
        description=found.description if found else "",
        likelihood=item.likelihood,
        cant_miss=item.cant_miss,
        findings_for=item.findings_for,
        findings_against=item.findings_against,
        next_test=item.next_test,
    )


def _out(presentation: StoredPresentation, encounter: Encounter) -> PresentationOut:
    reference = presentation.reference
    feedback = presentation.feedback
    return PresentationOut(
        id=presentation.id,
        case_log_id=presentation.case_log_id,
        encounter_id=encounter.id,
        enrollment_id=encounter.enrollment_id,
        visitor_id=presentation.visitor_id,
        week=encounter.rotation_week,
        format=presentation.format,
        state=presentation.state,
        content=dict(presentation.content),
        differential=[_item_out(i) for i in presentation.differential.items],
        reference=None if reference is None else [_item_out(i) for i in reference.items],
        overrides=[
            OverrideOut(reference_code=o.reference_code, visitor_code=o.visitor_code, match=o.match)
            for o in presentation.overrides
        ],
        feedback=None if feedback is None else FeedbackOut(**feedback),
        reviewed_by=presentation.reviewed_by,
        reviewed_at=presentation.reviewed_at,
        created_at=presentation.created_at,
        updated_at=presentation.updated_at,
        submitted_at=presentation.submitted_at,
    )


# --- use cases --------------------------------------------------------------------------------


async def create_presentation(
    uow: UnitOfWork, actor: Actor, case_log_id: int, data: PresentationIn
) -> PresentationOut:
    """The visitor who wrote a case log presents it: one presentation per log, a draft or submitted."""
    async with uow:
        context = await _context(uow, case_log_id)
        missing = NotFound(f"There is no case log {case_log_id}.")
        if context is None:
            raise missing
        log, encounter = context
        try:
            enrollment = await load_enrollment(uow, actor, encounter.enrollment_id)
        except NotFound:
            raise missing from None
        if not enrollment.actor_is_visitor:
            raise Forbidden("Only the visitor who logged this case can present it.")
        if log.visitor_id != actor.user_id:
            raise missing
        content, differential = await _checked(data)  # nothing has been written yet
        now = uow.now()
        presentation = await uow.presentations.add(
            Presentation(
                case_log_id=log.id,
                visitor_id=actor.user_id,
                format=data.format,
                state=PresentationState.SUBMITTED if data.submit else PresentationState.DRAFT,
                content=content,
                differential=differential,
                reference=None,
                overrides=(),
                reference_by=None,
                reference_at=None,
                feedback=None,
                reviewed_by=None,
                reviewed_at=None,
                created_at=now,
                updated_at=now,
                submitted_at=now if data.submit else None,
            )
        )
        if data.submit:
            await notifications.presentation_submitted(
                uow,
                presentation_id=presentation.id,
                visitor_id=actor.user_id,
                preceptor_ids=enrollment.preceptor_ids,
            )
        out = _out(presentation, encounter)
        await uow.commit()
        return out


async def update_presentation(
    uow: UnitOfWork, actor: Actor, presentation_id: int, data: PresentationIn
) -> PresentationOut:
    """The author rewrites a draft (all of it, the differential too) and may submit it; submitted, it
    is read-only and its differential frozen."""
    async with uow:
        await uow.users.lock(actor.user_id)  # one person's concurrent edits run one after the other
        presentation, encounter, enrollment = await _load(uow, actor, presentation_id)
        if presentation.visitor_id != actor.user_id:
            raise Forbidden("Only the visitor who wrote this presentation can change it.")
        check_editable(presentation.state)
        content, differential = await _checked(data)
        now = uow.now()
        presentation = replace(
            presentation, format=data.format, content=content, differential=differential, updated_at=now
        )
        if data.submit:
            presentation = replace(presentation, state=PresentationState.SUBMITTED, submitted_at=now)
        presentation = await uow.presentations.update(presentation)
        if data.submit:
            await notifications.presentation_submitted(
                uow,
                presentation_id=presentation.id,
                visitor_id=actor.user_id,
                preceptor_ids=enrollment.preceptor_ids,
            )
        out = _out(presentation, encounter)
        await uow.commit()
        return out


async def get_presentation(uow: UnitOfWork, actor: Actor, presentation_id: int) -> PresentationOut:
    """One presentation, to its author or a preceptor of the enrollment (whose read is audited)."""
    async with uow:
        read = await read_presentation(uow, actor, presentation_id)
        await uow.commit()
        return read.presentation


@dataclass(frozen=True)
class PresentationRead:
    """A presentation as its reader sees it, its score once the reference exists, and the enrollment
    access was checked through."""

    presentation: PresentationOut
    score: ScoreOut | None
    enrollment: Enrollment


async def read_presentation(uow: UnitOfWork, actor: Actor, presentation_id: int) -> PresentationRead:
    """:func:`get_presentation` (and :func:`get_score`, when there is a reference) inside the caller's
    open unit of work: access checked and the read audited once; the caller commits."""
    presentation, encounter, enrollment = await _load(uow, actor, presentation_id)
    _refuse_coordinator(actor)
    await audit_read(uow, actor, PRESENTATION, presentation.id, presentation.visitor_id)
    scored = None if presentation.reference is None else _score_out(presentation, presentation.reference)
    return PresentationRead(_out(presentation, encounter), scored, enrollment)


async def list_presentations(uow: UnitOfWork, actor: Actor, enrollment_id: int) -> list[PresentationOut]:
    """An enrollment's presentations: all for its visitor, the submitted ones for a preceptor (each
    read audited). A coordinator is refused: the summary is theirs."""
    async with uow:
        out = await presentations_of(uow, actor, await load_enrollment(uow, actor, enrollment_id))
        await uow.commit()
        return out


async def presentations_of(uow: UnitOfWork, actor: Actor, enrollment: Enrollment) -> list[PresentationOut]:
    """:func:`list_presentations` of an enrollment the caller has loaded (:func:`load_enrollment`) for
    the same actor, inside its open unit of work; the caller commits (the audit rows with the rest)."""
    _refuse_coordinator(actor)
    presentations = await uow.presentations.of_enrollment(enrollment.id)
    if not enrollment.actor_is_visitor:
        presentations = [p for p in presentations if p.state != PresentationState.DRAFT]
        await audit_reads(uow, actor, PRESENTATION, ((p.id, p.visitor_id) for p in presentations))
    logs = {p.case_log_id: await uow.case_logs.get(p.case_log_id) for p in presentations}
    encounters = await uow.encounters.by_ids([log.encounter_id for log in logs.values() if log])
    out = []
    for p in presentations:
        log = logs[p.case_log_id]
        assert log is not None
        out.append(_out(p, encounters[log.encounter_id]))
    return out


async def review_presentation(
    uow: UnitOfWork, actor: Actor, presentation_id: int, data: FeedbackIn
) -> PresentationOut:
    """A preceptor of the enrollment reviews a submitted presentation with One-Minute-Preceptor
    feedback (PHI-guarded); it becomes reviewed. Audited."""
    async with uow:
        presentation, encounter, enrollment = await _load(uow, actor, presentation_id)
        if not enrollment.actor_is_preceptor:
            raise Forbidden("Only a preceptor of this enrollment can review its presentations.")
        presentation = await _hold(uow, presentation)
        check_reviewable(presentation.state)
        feedback = check_feedback(data.model_dump())
        parties = await enrollment_parties(uow, enrollment, actor)
        await asyncio.to_thread(
            _guard, {f"feedback.{name}": text for name, text in feedback.items()}, parties
        )
        presentation = await uow.presentations.update(
            replace(
                presentation,
                feedback=feedback,
                state=PresentationState.REVIEWED,
                reviewed_by=actor.user_id,
                reviewed_at=uow.now(),
            )
        )
        await record(uow, actor, AuditAction.REVIEW, PRESENTATION, [presentation.id])
        out = _out(presentation, encounter)
        await uow.commit()
        return out


async def set_reference(
    uow: UnitOfWork, actor: Actor, presentation_id: int, data: ReferenceIn
) -> PresentationOut:
    """A preceptor of the enrollment enters (or replaces) the reference differential of a submitted
    presentation, with overrides of the matching. Audited."""
    async with uow:
        presentation, encounter, enrollment = await _load(uow, actor, presentation_id)
        if not enrollment.actor_is_preceptor:
            raise Forbidden("Only a preceptor of this enrollment can enter the reference differential.")
        presentation = await _hold(uow, presentation)
        check_reference_allowed(presentation.state)
        await asyncio.to_thread(_guard, _item_texts(data.items, "items"))
        await code_set_ready()
        reference = _differential(data.items, "items")
        overrides = []
        for i, given in enumerate(data.overrides):
            codes = []
            for side in ("reference_code", "visitor_code"):
                typed = getattr(given, side)
                found = icd10.lookup(typed)
                if found is None:
                    raise Invalid(f"{typed[:60]!r} is not an ICD-10-CM code.", field=f"overrides[{i}].{side}")
                codes.append(found.code)
            overrides.append(Override(codes[0], codes[1], given.match))
        checked = check_overrides(overrides)
        presentation = await uow.presentations.update(
            replace(
                presentation,
                reference=reference,
                overrides=tuple(checked),
                reference_by=actor.user_id,
                reference_at=uow.now(),
            )
        )
        await record(uow, actor, AuditAction.REFERENCE, PRESENTATION, [presentation.id])
        out = _out(presentation, encounter)
        await uow.commit()
        return out


def _ratio(matched: int, total: int) -> RatioOut:
    return RatioOut(matched=matched, total=total, value=None if total == 0 else matched / total)


async def get_score(uow: UnitOfWork, actor: Actor, presentation_id: int) -> ScoreOut:
    """The visitor's differential scored against the preceptor's reference, side by side: for the
    author and the enrollment's preceptors (audited), once the reference exists; never a coordinator."""
    async with uow:
        read = await read_presentation(uow, actor, presentation_id)
        if read.score is None:  # rolls the read's audit row back with it: nothing was shown
            raise Conflict("The preceptor has not entered a reference differential yet; no score.")
        await uow.commit()
        return read.score


def _score_out(presentation: StoredPresentation, reference: Differential) -> ScoreOut:
    result = score(presentation.differential, reference, presentation.overrides)
    return ScoreOut(
        presentation_id=presentation.id,
        top_1=result.top_1,
        top_3=result.top_3,
        leading_found_at=result.leading_found_at,
        comprehensiveness=_ratio(result.comprehensiveness.matched, result.comprehensiveness.total),
        relevance=_ratio(result.relevance.matched, result.relevance.total),
        cant_miss_coverage=_ratio(result.cant_miss_coverage.matched, result.cant_miss_coverage.total),
        pairings=[
            PairingOut(
                reference=_item_out(p.reference),
                visitor=None if p.visitor is None else _item_out(p.visitor),
                kind=p.kind,
            )
            for p in result.pairings
        ],
        unmatched_visitor=[_item_out(i) for i in result.unmatched_visitor],
    )


async def summary(uow: UnitOfWork, actor: Actor, enrollment_id: int) -> PresentationSummaryOut:
    """Counts of an enrollment's presentations, no text and no scores: for its coordinator (and its
    visitor and preceptors)."""
    async with uow:
        return await enrollment_summary(uow, await load_enrollment(uow, actor, enrollment_id))


async def enrollment_summary(uow: UnitOfWork, enrollment: Enrollment) -> PresentationSummaryOut:
    """:func:`summary` of an enrollment the caller has loaded (:func:`load_enrollment`), inside its
    open unit of work."""
    presentations = await uow.presentations.of_enrollment(enrollment.id)
    states = Counter(p.state for p in presentations)
    formats = Counter(p.format for p in presentations)
    return PresentationSummaryOut(
        enrollment_id=enrollment.id,
        presentations=len(presentations),
        drafts=states[PresentationState.DRAFT],
        submitted=states[PresentationState.SUBMITTED],
        reviewed=states[PresentationState.REVIEWED],
        with_reference=sum(p.reference is not None for p in presentations),
        by_format={f.value: formats[f] for f in PresentationFormat},
    )
