"""Letters of recommendation: the visitor's ERAS letter request to a preceptor of their enrollment's
program (with the FERPA waiver, fixed when asked), the preceptor's decision, a draft built from the
evidence (the platform's measured context, the author's own released evaluations, the strongest observed
examples), saved versions with wording flags, and signing (final).

The rules live in :mod:`server.domain.letters` (states, versions, :func:`visitor_may_read`),
:mod:`server.domain.evidence` and :mod:`server.domain.letter_language`; this module loads, checks
access, runs the PHI guard before anything is written, writes and audits (views of a letter's text by
anyone but its author, every saved version, the signing), in the same transaction.

**The waiver.** No function here returns a letter's text to the visitor who asked for it unless
:func:`visitor_may_read` says so (not waived and signed). The visitor's other answers are built from
:class:`LetterRequestOut`, which has no field for text. A waived visitor asking for the letter gets a
403 that says why; the request's status stays theirs to see.

**Who else.** A letter is between the visitor and its author: another preceptor of the program, or
anyone else, is told it does not exist (404); the program's coordinator is refused (403).
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import replace

from server.db.uow import UnitOfWork
from server.domain import evidence
from server.domain.actors import Actor
from server.domain.blocks import block_end
from server.domain.errors import Conflict, Forbidden, Invalid, NotFound
from server.domain.evaluations import ReleaseState
from server.domain.evidence import EvidenceKind, EvidenceRef, parse_ref
from server.domain.letter_language import WordingReport, check_letter
from server.domain.letterhead import Letterhead, make_letterhead
from server.domain.letters import (
    Author,
    FinalEvaluationRecord,
    LetterContext,
    LetterState,
    Paragraph,
    PresentationRecord,
    StoredLetterRequest,
    StoredLetterVersion,
    check_eras_letter_id,
    draft_letter,
    letter_date,
    make_letter_request,
    plan_letter_transition,
    save_version,
    sign_letter,
    visitor_may_read,
)
from server.domain.phi import ensure_no_phi
from server.domain.vocab import Modality, Role, RotationType
from server.schemas.letters import (
    DraftIn,
    DraftOut,
    FlagOut,
    LetterDecisionIn,
    LetterIdIn,
    LetterOut,
    LetterRequestIn,
    LetterRequestOut,
    LetterVersionIn,
    ParagraphOut,
    VersionOut,
    VersionStampOut,
)
from server.services import notifications
from server.services.audit import LETTER, AuditAction, audit_read, record
from server.services.certificates import attendance_totals
from server.services.encounters import load_enrollment

WAIVED_REFUSAL = (
    "You waived your right to see this letter when you requested it, so Rounds never shows it to you. "
    "You can follow the request's status (state and dates) in your letter requests."
)
UNSIGNED_REFUSAL = "You can read this letter once its author has signed it; until then it is a draft."
COORDINATOR_REFUSAL = (
    "A letter of recommendation is between the visitor and its author; coordinators do not see it."
)


# --- loading and access ---------------------------------------------------------------------------


async def load_request(
    uow: UnitOfWork, actor: Actor, request_id: int, *, lock: bool = False
) -> StoredLetterRequest:
    """The request if the actor is its visitor or its author; the program's coordinator is refused
    (403); anyone else is told there is no such request."""
    missing = NotFound(f"There is no letter request {request_id}.")
    row = await (uow.letters.lock(request_id) if lock else uow.letters.get(request_id))
    if row is None:
        raise missing
    if actor.role is Role.VISITOR and row.visitor_id == actor.user_id:
        return row
    if actor.role is Role.PRECEPTOR and row.preceptor_id == actor.user_id:
        return row
    if actor.role is Role.COORDINATOR:
        application = await uow.applications.get(row.enrollment_id)
        program = None if application is None else await uow.programs.get(application.program_id)
        if program is not None and program.is_run_by(actor.user_id):
            raise Forbidden(COORDINATOR_REFUSAL)
    raise missing


def is_author(row: StoredLetterRequest, actor: Actor) -> bool:
    """Whether the actor wrote (or is to write) this letter."""
    return actor.role is Role.PRECEPTOR and row.preceptor_id == actor.user_id


def _require_author(row: StoredLetterRequest, actor: Actor, what: str) -> None:
    if not is_author(row, actor):
        raise Forbidden(f"Only the letter's author can {what}.")


def refuse_unless_visitor_may_read(row: StoredLetterRequest) -> None:
    """For the visitor who asked (the only other person :func:`load_request` lets through): 403 when
    they waived the right to see the letter (saying so), or while it is not signed."""
    if row.ferpa_waived:
        raise Forbidden(WAIVED_REFUSAL)
    if not visitor_may_read(row.request(), row.state):
        raise Forbidden(UNSIGNED_REFUSAL)


async def request_out(
    uow: UnitOfWork, row: StoredLetterRequest, versions: int | None = None
) -> LetterRequestOut:
    visitor = await uow.users.get(row.visitor_id)
    if versions is None:
        versions = len(await uow.letters.versions(row.id))
    return LetterRequestOut(
        id=row.id,
        enrollment_id=row.enrollment_id,
        visitor_id=row.visitor_id,
        visitor_name=visitor.full_name if visitor else "",
        preceptor_id=row.preceptor_id,
        author_name=row.author_name,
        author_title=row.author_title,
        specialty=row.specialty,
        eras_letter_id=row.eras_letter_id,
        ferpa_waived=row.ferpa_waived,
        state=row.state,
        versions=versions,
        signed_at=row.signed_at,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


def paragraph_out(paragraph: Paragraph) -> ParagraphOut:
    """A paragraph as the API and the pages show it (evidence as ``kind:id`` text)."""
    return ParagraphOut(
        text=paragraph.text, evidence=[str(e) for e in paragraph.evidence], kind=paragraph.kind
    )


def _flags_out(report: WordingReport) -> list[FlagOut]:
    return [
        FlagOut(start=f.start, end=f.end, category=f.category, phrase=f.phrase, explanation=f.explanation)
        for f in report.flags
    ]


# --- requests -------------------------------------------------------------------------------------


async def create_request(
    uow: UnitOfWork, actor: Actor, enrollment_id: int, data: LetterRequestIn
) -> LetterRequestOut:
    """The enrollment's visitor asks a preceptor of its program for a letter. The author's name and
    title are taken as they are now. One open (not declined) request per visitor and author."""
    async with uow:
        enrollment = await load_enrollment(uow, actor, enrollment_id)
        if not enrollment.actor_is_visitor:
            raise Forbidden("Only the enrollment's visitor can request a letter.")
        if data.preceptor_id not in enrollment.preceptor_ids:
            raise Invalid("Ask one of the program's preceptors for the letter.", field="preceptor_id")
        await uow.users.lock(actor.user_id)
        author = await uow.users.get(data.preceptor_id)
        profile = await uow.users.preceptor_profile(data.preceptor_id)
        title = (
            data.author_title if data.author_title is not None else ((profile.title or "") if profile else "")
        )
        checked = make_letter_request(
            author_name=author.full_name if author else "",
            author_title=title,
            specialty=data.specialty,
            eras_letter_id=data.eras_letter_id,
            ferpa_waived=data.ferpa_waived,
        )
        for other in await uow.letters.of_visitor(actor.user_id):
            if (
                other.preceptor_id == data.preceptor_id
                and other.state is not LetterState.DECLINED
                and other.specialty.casefold() == checked.specialty.casefold()
            ):
                raise Conflict(
                    f"You already asked this preceptor for a {other.specialty} letter (request {other.id})."
                )
        row = await uow.letters.add(
            enrollment_id=enrollment.id,
            visitor_id=actor.user_id,
            preceptor_id=data.preceptor_id,
            request=checked,
            at=uow.now(),
        )
        await notifications.letter_requested(
            uow,
            request_id=row.id,
            visitor_id=actor.user_id,
            preceptor_id=data.preceptor_id,
            specialty=checked.specialty,
        )
        out = await request_out(uow, row, 0)
        await uow.commit()
    return out


async def list_requests(uow: UnitOfWork, actor: Actor) -> list[LetterRequestOut]:
    """The visitor's own requests, or the ones addressed to the preceptor (status only, no text)."""
    async with uow:
        return await requests_of(uow, actor)


async def requests_of(uow: UnitOfWork, actor: Actor) -> list[LetterRequestOut]:
    """:func:`list_requests` inside the caller's transaction."""
    if actor.role is Role.VISITOR:
        rows = await uow.letters.of_visitor(actor.user_id)
    elif actor.role is Role.PRECEPTOR:
        rows = await uow.letters.of_preceptor(actor.user_id)
    else:
        raise Forbidden(COORDINATOR_REFUSAL)
    return [await request_out(uow, row) for row in rows]


async def get_request(uow: UnitOfWork, actor: Actor, request_id: int) -> LetterRequestOut:
    """A request's status (no text), to its visitor and its author."""
    async with uow:
        return await request_out(uow, await load_request(uow, actor, request_id))


async def decide(uow: UnitOfWork, actor: Actor, request_id: int, data: LetterDecisionIn) -> LetterRequestOut:
    """The author accepts or declines a requested letter."""
    async with uow:
        row = await load_request(uow, actor, request_id, lock=True)
        target = LetterState.ACCEPTED if data.decision == "accept" else LetterState.DECLINED
        row = await uow.letters.update(
            replace(row, state=plan_letter_transition(row.state, target, actor.role), updated_at=uow.now())
        )
        await notifications.letter_decided(
            uow,
            request_id=row.id,
            visitor_id=row.visitor_id,
            author_name=actor.full_name,
            accepted=target is LetterState.ACCEPTED,
        )
        out = await request_out(uow, row)
        await uow.commit()
    return out


async def set_letter_id(uow: UnitOfWork, actor: Actor, request_id: int, data: LetterIdIn) -> LetterRequestOut:
    """The visitor (who gets it from ERAS) or the author records the ERAS Letter ID, often after the
    request: ERAS issues it once the applicant asks there. Fixed once the letter is signed (409)."""
    async with uow:
        row = await load_request(uow, actor, request_id, lock=True)
        if row.state is LetterState.SIGNED:
            raise Conflict("This letter is signed with its Letter ID; a signed letter is final.")
        if row.state is LetterState.DECLINED:
            raise Conflict("This request was declined; ask again for a new letter.")
        row = await uow.letters.update(
            replace(row, eras_letter_id=check_eras_letter_id(data.eras_letter_id), updated_at=uow.now())
        )
        out = await request_out(uow, row)
        await uow.commit()
    return out


# --- drafting -------------------------------------------------------------------------------------


class LetterSources:
    """What a letter can be drafted from: the context, the author's released evaluations and final, and
    the presentations the author reviewed. ``self_reported`` counts the encounters the visitor entered
    themselves: shown to the author beside the platform's figures, never counted in them."""

    def __init__(
        self,
        context: LetterContext,
        dated: list[evidence.DatedEvaluation],
        final: FinalEvaluationRecord | None,
        presentations: list[PresentationRecord],
        self_reported: int = 0,
    ) -> None:
        self.context = context
        self.dated = dated
        self.final = final
        self.presentations = presentations
        self.self_reported = self_reported

    def known(self) -> frozenset[EvidenceRef]:
        refs = {
            self.context.ref,
            *(EvidenceRef(EvidenceKind.EVALUATION, d.evaluation_id) for d in self.dated),
            *(p.ref for p in self.presentations),
        }
        if self.final is not None:
            refs.add(self.final.ref)
        return frozenset(refs)

    def safe_phrases(self) -> list[str]:
        """What the platform itself writes into a letter and the PHI guard must not take for a
        patient's identifiers: the rotation's and evaluations' dates (the guard's date rule is about
        patients) and the program's name, which may read like a facility's ("... Telehealth Clinic")."""
        days = {letter_date(d) for d in (self.context.start, self.context.end, *(d.on for d in self.dated))}
        program = self.context.program.strip()
        programs = {program, program.removeprefix("the ").strip()} - {""}
        return sorted(days | programs)

    def parties(self, author_name: str) -> list[str]:
        """The letter's own people, whose names the PHI guard allows in any form ("Ms. Marković",
        "Elena", "Dr. Lin's"): the applicant, whom the letter is about, and its author, who signs it."""
        return [self.context.visitor_name, author_name]


async def letter_sources(uow: UnitOfWork, row: StoredLetterRequest) -> LetterSources:
    application = await uow.applications.get(row.enrollment_id)
    program = None if application is None else await uow.programs.get(application.program_id)
    if application is None or program is None:
        raise NotFound(f"There is no enrollment {row.enrollment_id}.")
    block_ids = (await uow.applications.block_ids([application.id]))[application.id]
    blocks = await uow.programs.blocks_by_ids(block_ids)
    today = uow.now().date()
    start = blocks[0].start_date if blocks else today
    end = block_end(blocks[-1].start_date) if blocks else today
    attendance = attendance_totals(
        await uow.certificates.visitor_attendance(application.id, row.visitor_id), uow.now()
    )
    encounters = await uow.encounters.of_enrollment(application.id)
    visitor = await uow.users.get(row.visitor_id)
    context = LetterContext(
        enrollment_id=application.id,
        visitor_name=visitor.full_name if visitor else "The visitor",
        program=program.title,
        rotation_type=RotationType(program.rotation_type),
        modality=Modality(program.modality),
        start=start,
        end=max(start, end),
        sessions_attended=attendance.sessions,
        verified_seconds=attendance.seconds,
        # "As recorded by the Rounds platform": only patient visits Rounds hosted with the visitor
        # connected and the host's consent record; never what anyone typed in.
        patients_seen=sum(1 for e in encounters if e.platform_patient_seen),
    )
    released = ReleaseState.RELEASED
    dated = [
        evidence.DatedEvaluation(e.id, e.week, e.observed_on, e.evaluation)
        for e in await uow.evaluations.evaluations_of(application.id)
        if e.preceptor_id == row.preceptor_id and e.state is released
    ]
    stored_final = await uow.evaluations.final(application.id, row.preceptor_id)
    final = None
    if stored_final is not None and stored_final.state is released:
        final = FinalEvaluationRecord(stored_final.id, stored_final.evaluation)
    presentations = await uow.letters.reviewed_presentations(application.id, row.preceptor_id)
    self_reported = sum(1 for e in encounters if e.self_reported)
    return LetterSources(context, dated, final, presentations, self_reported)


def _writable(row: StoredLetterRequest) -> None:
    state = row.state
    if state is LetterState.SIGNED:
        raise Conflict("This letter is signed; a signed letter is final and cannot be changed.")
    if state not in (LetterState.ACCEPTED, LetterState.DRAFTING):
        raise Conflict(f"This request is '{state.value}'; a letter can be written once it is accepted.")


async def draft(uow: UnitOfWork, actor: Actor, request_id: int, data: DraftIn) -> DraftOut:
    """The author's draft from the evidence (nothing is saved: the author edits it and saves a version)."""
    async with uow:
        row = await load_request(uow, actor, request_id)
        _require_author(row, actor, "draft it")
        _writable(row)
        sources = await letter_sources(uow, row)
        return draft_of(row, sources, data)


def draft_of(row: StoredLetterRequest, sources: LetterSources, data: DraftIn) -> DraftOut:
    """The draft of the request in ``row`` from its already gathered ``sources`` (no I/O): for
    :func:`draft` and for a page that has the sources in hand."""
    built = draft_letter(
        context=sources.context,
        author=Author(row.author_name, row.author_title),
        summary=evidence.summarize(sources.dated),
        examples=evidence.strongest_examples(sources.dated, data.examples),
        presentations=sources.presentations,
        final=sources.final,
        specialty=row.specialty,
    )
    text = "\n\n".join(p.text for p in built.paragraphs)
    report = check_letter(text)
    return DraftOut(
        request_id=row.id,
        paragraphs=[paragraph_out(p) for p in built.paragraphs],
        to_add=list(built.to_add),
        evidence=[str(e) for e in sorted(built.evidence())],
        text=text,
        flags=_flags_out(report),
        words=report.words,
    )


def _guard(paragraphs: Sequence[Paragraph], safe: Sequence[str], parties: Sequence[str]) -> None:
    """The PHI guard over each paragraph, the platform's own dates and the letter's people allowed."""
    ensure_no_phi(
        {f"paragraphs[{i}].text": p.text for i, p in enumerate(paragraphs)}, allowed=safe, parties=parties
    )


async def save(uow: UnitOfWork, actor: Actor, request_id: int, data: LetterVersionIn) -> LetterOut:
    """The author saves a new version (a signed letter is final: 409). Evidence may name only records
    the letter can be drafted from. Audited as an edit."""
    async with uow:
        row = await load_request(uow, actor, request_id, lock=True)
        _require_author(row, actor, "edit it")
        _writable(row)
        paragraphs = [
            Paragraph(
                p.text,
                tuple(parse_ref(e, f"paragraphs[{i}].evidence") for e in p.evidence),
                p.kind,
            )
            for i, p in enumerate(data.paragraphs)
        ]
        sources = await letter_sources(uow, row)
        versions = await uow.letters.versions(row.id)
        now = uow.now()
        letter = save_version(
            row.letter(versions), paragraphs, now, actor.role, known_evidence=sources.known()
        )
        version = letter.versions[-1]
        await asyncio.to_thread(
            _guard, version.paragraphs, sources.safe_phrases(), sources.parties(row.author_name)
        )  # nothing written yet
        await uow.letters.add_version(row.id, version, saved_by=actor.user_id)
        row = await uow.letters.update(replace(row, state=letter.state, updated_at=now))
        await record(uow, actor, AuditAction.EDIT, LETTER, [row.id])
        out = await _letter_out(uow, row, author=True)
        await uow.commit()
    return out


async def sign(uow: UnitOfWork, actor: Actor, request_id: int) -> LetterOut:
    """The author signs the latest version: final. Needs the ERAS Letter ID and a complete letterhead
    in the author's profile, which is kept with the letter from now on. Audited."""
    async with uow:
        row = await load_request(uow, actor, request_id, lock=True)
        _require_author(row, actor, "sign it")
        versions = await uow.letters.versions(row.id)
        now = uow.now()
        letter = sign_letter(row.letter(versions), row.request(), now, actor.role)
        letterhead = await author_letterhead(uow, row)
        row = await uow.letters.update(
            replace(
                row,
                letterhead=letterhead.as_dict(),
                state=letter.state,
                signed_at=letter.signed_at,
                updated_at=now,
            )
        )
        await record(uow, actor, AuditAction.SIGN, LETTER, [row.id])
        await notifications.letter_signed(
            uow, request_id=row.id, visitor_id=row.visitor_id, author_name=actor.full_name
        )
        out = await _letter_out(uow, row, author=True)
        await uow.commit()
    return out


async def author_letterhead(uow: UnitOfWork, row: StoredLetterRequest) -> Letterhead:
    """The letterhead from the author's profile as it is now (name and title as on the request).
    Raises :class:`LetterheadIncomplete` naming what the profile lacks."""
    profile = await uow.users.preceptor_profile(row.preceptor_id)
    return make_letterhead(
        name=row.author_name,
        title=row.author_title or (profile.title if profile else None),
        institution=profile.institution if profile else None,
        address=profile.address if profile else None,
        phone=profile.phone if profile else None,
        email=profile.contact_email if profile else None,
    )


# --- reading --------------------------------------------------------------------------------------


async def _letter_out(uow: UnitOfWork, row: StoredLetterRequest, *, author: bool) -> LetterOut:
    versions = await uow.letters.versions(row.id)
    current = versions[-1] if versions else None
    paragraphs = current.paragraphs if current else ()
    text = "\n\n".join(p.text for p in paragraphs)
    report = check_letter(text) if author and text else None
    return LetterOut(
        request=await request_out(uow, row, len(versions)),
        current=None
        if current is None
        else VersionOut(
            number=current.number,
            saved_at=current.saved_at,
            paragraphs=[paragraph_out(p) for p in paragraphs],
        ),
        text=text,
        flags=None if not author else ([] if report is None else _flags_out(report)),
        words=len(text.split()),
        history=version_stamps(versions) if author else None,
        signed_on=None if row.signed_at is None else row.signed_at.date(),
    )


def version_stamps(versions: Sequence[StoredLetterVersion]) -> list[VersionStampOut]:
    """A letter's version history as its author sees it: number, when and by whom, oldest first."""
    return [VersionStampOut(number=v.number, saved_at=v.saved_at, saved_by=v.saved_by) for v in versions]


async def get_letter(uow: UnitOfWork, actor: Actor, request_id: int) -> LetterOut:
    """The letter: to its author always (with flags and history); to the visitor only when
    :func:`visitor_may_read` (never when waived: 403 saying so). A view by anyone but the author is
    audited."""
    async with uow:
        row = await load_request(uow, actor, request_id)
        if is_author(row, actor):
            return await _letter_out(uow, row, author=True)
        refuse_unless_visitor_may_read(row)
        out = await _letter_out(uow, row, author=False)
        await audit_read(uow, actor, LETTER, row.id, row.preceptor_id)
        await uow.commit()
    return out
