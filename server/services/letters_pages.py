"""What the letter pages show, put together from :mod:`server.services.letters` and
:mod:`server.services.letters_documents` (which decide who sees what):

* the overview (``/letters``): the visitor's requests and whom they may ask (a preceptor of each of their
  enrollments' programs), or the requests addressed to a preceptor;
* one request's workspace (``/letters/{id}``): for the author, the letter to edit paragraph by paragraph,
  each with the records it rests on (label and link) and its wording flags, the whole-letter flags,
  the version history and the printed letter; for the visitor, the status and - only when they did not
  waive and it is signed - the letter itself, otherwise the reason it is not shown.

No letter text reaches a visitor except through :func:`letters_documents.document_for`, which refuses
a waived letter. Each page is loaded in one unit of work with one access check."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from server.db.uow import UnitOfWork, UnitOfWorkFactory
from server.domain.actors import Actor
from server.domain.applications import ENROLLED_STATES
from server.domain.errors import Forbidden
from server.domain.evidence import EvidenceKind, EvidenceRef
from server.domain.letter_language import FlagCategory, check_letter, flag_phrases
from server.domain.letters import (
    LetterState,
    ParagraphKind,
    StoredLetterRequest,
    StoredLetterVersion,
    letter_date,
)
from server.domain.vocab import Role
from server.schemas.letters import (
    DraftIn,
    FlagOut,
    LetterDocumentOut,
    LetterRequestOut,
    ParagraphOut,
    VersionStampOut,
)
from server.services import letters, letters_documents

WHOLE_LETTER = (FlagCategory.COMMUNAL_BALANCE, FlagCategory.LENGTH)
PARAGRAPH_LABELS = {
    ParagraphKind.CONTEXT: "The rotation, as Rounds measured it",
    ParagraphKind.MINI_CEX: "mini-CEX ratings",
    ParagraphKind.EPAS: "EPA entrustment",
    ParagraphKind.RIME: "RIME stage",
    ParagraphKind.EXAMPLE: "An observed example",
    ParagraphKind.PRESENTATIONS: "Case presentations",
    ParagraphKind.COMPETENCIES: "End-of-rotation competencies",
    ParagraphKind.COMPARISON: "Comparative rating",
    ParagraphKind.OWN: "Your own words",
}


@dataclass(frozen=True, slots=True)
class RequestOption:
    """A preceptor the visitor may ask, through one of their enrollments."""

    enrollment_id: int
    program_title: str
    specialty: str
    preceptor_id: int
    preceptor_name: str

    @property
    def value(self) -> str:
        """The form's value for this choice."""
        return f"{self.enrollment_id}:{self.preceptor_id}"


@dataclass(frozen=True, slots=True)
class LettersOverview:
    role: Role
    requests: list[LetterRequestOut]
    options: list[RequestOption]


@dataclass(frozen=True, slots=True)
class EvidenceItem:
    """One record a paragraph rests on, as the editor shows it."""

    ref: str
    label: str
    url: str


@dataclass(slots=True)
class ParagraphView:
    text: str
    kind: ParagraphKind
    evidence: list[EvidenceItem]
    flags: list[FlagOut] = field(default_factory=list)

    @property
    def label(self) -> str:
        return PARAGRAPH_LABELS[self.kind]

    @property
    def evidence_value(self) -> str:
        """The hidden form field that carries the paragraph's evidence through an edit."""
        return " ".join(item.ref for item in self.evidence)


@dataclass(slots=True)
class LetterWorkspace:
    request: LetterRequestOut
    is_author: bool
    paragraphs: list[ParagraphView] = field(default_factory=list)
    from_draft: bool = False
    to_add: list[str] = field(default_factory=list)
    letter_flags: list[FlagOut] = field(default_factory=list)
    words: int = 0
    history: list[VersionStampOut] = field(default_factory=list)
    document: LetterDocumentOut | None = None
    refusal: str | None = None

    @property
    def writable(self) -> bool:
        return self.is_author and self.request.state in (LetterState.ACCEPTED, LetterState.DRAFTING)


def _flag_out(flag: object) -> FlagOut:
    return FlagOut.model_validate(flag, from_attributes=True)


# --- the overview ---------------------------------------------------------------------------------


async def letters_overview(uows: UnitOfWorkFactory, actor: Actor) -> LettersOverview:
    """The actor's requests, and for a visitor whom they may ask. Coordinators are refused (403)."""
    async with uows() as uow:
        requests = await letters.requests_of(uow, actor)
        options = await _request_options(uow, actor) if actor.role is Role.VISITOR else []
    return LettersOverview(actor.role, requests, options)


async def _request_options(uow: UnitOfWork, actor: Actor) -> list[RequestOption]:
    enrollments = await uow.learning.enrollments_of_visitor(
        actor.user_id,
        [s.value for s in ENROLLED_STATES],  # a letter is asked of an enrollment under way or done
    )
    programs = await uow.learning.programs_by_ids([e.program_id for e in enrollments])
    preceptors = await uow.programs.preceptor_ids(list(programs))
    options = []
    for enrollment in enrollments:
        program = programs[enrollment.program_id]
        for preceptor_id in preceptors.get(program.id, []):
            user = await uow.users.get(preceptor_id)
            options.append(
                RequestOption(
                    enrollment.id,
                    program.title,
                    program.specialty,
                    preceptor_id,
                    user.full_name if user else f"Preceptor {preceptor_id}",
                )
            )
    return options


# --- one request ------------------------------------------------------------------------------------


def _evidence_index(sources: letters.LetterSources) -> dict[str, EvidenceItem]:
    """Every record this letter may rest on, with a label and a link (the author's view)."""
    enrollment = sources.context.enrollment_id
    record = f"/record/enrollments/{enrollment}"
    label = (
        f"Rounds' own records: {sources.context.sessions_attended} sessions attended, "
        f"{sources.context.patients_seen} patients seen (patient visits Rounds hosted, with the "
        "patient's consent recorded by the host)"
    )
    if sources.self_reported:
        label += (
            f"; {sources.self_reported} more encounters self-reported by the visitor, not counted in these "
            "figures"
        )
    items = [EvidenceItem(str(sources.context.ref), label, record)]
    for dated in sources.dated:
        ref = EvidenceRef(EvidenceKind.EVALUATION, dated.evaluation_id)
        items.append(
            EvidenceItem(
                str(ref),
                f"Your week {dated.week} evaluation, {letter_date(dated.on)}",
                f"{record}/evaluations#evaluation-{dated.evaluation_id}",
            )
        )
    for presentation in sources.presentations:
        items.append(
            EvidenceItem(
                str(presentation.ref),
                f"Week {presentation.week} case presentation ({presentation.format.value.upper()}), "
                f"reviewed {letter_date(presentation.on)}",
                f"/record/presentations/{presentation.presentation_id}",
            )
        )
    if sources.final is not None:
        items.append(
            EvidenceItem(
                str(sources.final.ref), "Your end-of-rotation evaluation", f"{record}/final-evaluation"
            )
        )
    return {item.ref: item for item in items}


def _views(paragraphs: list[ParagraphOut], index: dict[str, EvidenceItem]) -> list[ParagraphView]:
    views = []
    for paragraph in paragraphs:
        evidence = [index.get(ref) or EvidenceItem(ref, ref, "") for ref in paragraph.evidence]
        flags = [_flag_out(f) for f in flag_phrases(paragraph.text)]
        views.append(ParagraphView(paragraph.text, paragraph.kind, evidence, flags))
    return views


async def letter_workspace(
    uows: UnitOfWorkFactory, actor: Actor, request_id: int, *, fresh_draft: bool = False
) -> LetterWorkspace:
    """The request's page, loaded in one transaction with one access check. The author gets the
    current version (or, when there is none or ``fresh_draft`` is asked, a new draft from the
    evidence, not saved); the visitor the status and the letter only as
    :func:`letters_documents.document_for` allows."""
    async with uows() as uow:
        row = await letters.load_request(uow, actor, request_id)
        versions = await uow.letters.versions(row.id)
        request = await letters.request_out(uow, row, len(versions))
        if not letters.is_author(row, actor):
            space = await _visitor_workspace(uow, actor, row, request, versions)
            await uow.commit()  # the visitor's view of the letter is audited
            return space
        return await _author_workspace(uow, actor, row, request, versions, fresh_draft=fresh_draft)


async def _author_workspace(
    uow: UnitOfWork,
    actor: Actor,
    row: StoredLetterRequest,
    request: LetterRequestOut,
    versions: Sequence[StoredLetterVersion],
    *,
    fresh_draft: bool,
) -> LetterWorkspace:
    space = LetterWorkspace(request, is_author=True)
    if request.state in (LetterState.REQUESTED, LetterState.DECLINED):
        return space
    space.history = letters.version_stamps(versions)
    current = versions[-1] if versions else None
    # The evidence is gathered once: it labels the paragraphs' records and feeds a fresh draft.
    sources = await letters.letter_sources(uow, row) if space.writable else None
    index = {} if sources is None else _evidence_index(sources)
    if sources is not None and (current is None or fresh_draft):
        draft = letters.draft_of(row, sources, DraftIn())
        space.paragraphs = _views(draft.paragraphs, index)
        space.from_draft = True
        space.to_add = draft.to_add
    elif current is not None:
        space.paragraphs = _views([letters.paragraph_out(p) for p in current.paragraphs], index)
    text = "\n\n".join(p.text for p in space.paragraphs)
    if text:
        report = check_letter(text)
        space.letter_flags = [_flag_out(f) for f in report.flags if f.category in WHOLE_LETTER]
        space.words = report.words
    if current is not None:
        space.document = await letters_documents.document_for(uow, actor, row, versions)
    return space


async def _visitor_workspace(
    uow: UnitOfWork,
    actor: Actor,
    row: StoredLetterRequest,
    request: LetterRequestOut,
    versions: Sequence[StoredLetterVersion],
) -> LetterWorkspace:
    space = LetterWorkspace(request, is_author=False)
    try:
        space.document = await letters_documents.document_for(uow, actor, row, versions)
    except Forbidden as refusal:  # waived, or not signed yet: the page says which
        space.refusal = refusal.message
    return space
