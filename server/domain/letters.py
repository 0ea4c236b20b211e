"""Letters of recommendation: the ERAS letter request, its states, versions, who may read it, and drafting a
letter from evidence.

Plain Python, no I/O.

The request (after the ERAS workflow)
-------------------------------------
The visitor creates a request (:func:`make_letter_request`): the author's name and title, the target
specialty, the ERAS Letter ID when they have it, and whether they waive their FERPA right to see the letter.
The waiver is fixed when the request is made (as in ERAS). The preceptor accepts or declines, drafts, and
signs::

    requested -> accepted | declined;  accepted -> drafting -> signed

``declined`` and ``signed`` are final. Every move is the preceptor's (:func:`plan_letter_transition`);
an illegal one raises :class:`Conflict` naming both states.

**ERAS Letter ID.** ERAS issues one per request and the author uploads against it. Its exact format is not
published for us to check against, so Rounds assumes a short alphanumeric code and accepts 1-32 characters
of ``A-Z a-z 0-9 -`` after trimming (:func:`check_eras_letter_id`); it is optional at request time (an
applicant often asks before ERAS opens) and required to sign, because the signed PDF carries it.

**Versions.** Every save is a new :class:`LetterVersion` (:func:`save_version`), numbered from 1; the first
save of an accepted request moves it to drafting. A signed letter is final: saving or signing again raises
:class:`LetterFinal` (a :class:`Conflict`).

**Who reads it.** The visitor sees the request's state always, but the letter's text only when they did not
waive the right *and* the letter is signed (:func:`visitor_may_read`); drafts are the author's working
papers. A waived letter is never shown to the visitor, whatever its state.

Drafting (:func:`draft_letter`)
-------------------------------
A draft is built only from its inputs - the platform's measured context, the aggregated ratings
(``server.domain.evidence``), the strongest observed examples, the presentations, the end-of-rotation
evaluation - and each :class:`Paragraph` carries the :class:`~server.domain.evidence.EvidenceRef` list it
rests on. A paragraph is written only when there is evidence for it; none is written without evidence.
The sentences state numbers and quote the preceptor's own observed examples; they add no adjectives of
their own (no "excellent", no "satisfactory"), and the recommendation itself is left to the preceptor
(:attr:`Draft.to_add`). The visitor is named, never referred to by a pronoun, so the draft assumes no
gender.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from server.domain.certificates import verified_hours
from server.domain.errors import Conflict, Forbidden, Invalid
from server.domain.evaluations import (
    COMPETENCY_LABELS,
    EPA_LABELS,
    EPA_NUMBERS,
    MINI_CEX_LABELS,
    RIME_LABELS,
    ComparativeRating,
    FinalEvaluation,
)
from server.domain.evidence import (
    EpaStats,
    EvidenceKind,
    EvidenceRef,
    EvidenceSummary,
    ObservedExample,
    Stats,
)
from server.domain.presentations import PresentationFormat
from server.domain.text import checked_text
from server.domain.vocab import Modality, Role, RotationType

NAME_MAX = 200
TITLE_MAX = 200
SPECIALTY_MAX = 100
ERAS_LETTER_ID_MAX = 32
PARAGRAPH_MAX = 5000
PARAGRAPHS_MAX = 40
LETTER_MAX = 30_000  # characters; an ERAS letter is one to two pages
_ERAS_LETTER_ID = re.compile(r"[A-Za-z0-9-]{1,32}")


# --- the request ------------------------------------------------------------------------------------


def check_eras_letter_id(value: object) -> str:
    """The ERAS Letter ID trimmed, or :class:`Invalid`: 1-32 characters of letters, digits and hyphens
    (Rounds' assumption about the format; see the module's documentation)."""
    if not isinstance(value, str):
        raise Invalid("The ERAS Letter ID must be text.", field="eras_letter_id")
    text = value.strip()
    if not _ERAS_LETTER_ID.fullmatch(text):
        raise Invalid(
            f"An ERAS Letter ID is 1 to {ERAS_LETTER_ID_MAX} letters, digits or hyphens, as shown in the "
            "applicant's ERAS letter request; check it for spaces or other characters.",
            field="eras_letter_id",
        )
    return text


@dataclass(frozen=True, slots=True)
class LetterRequest:
    """A checked letter request. ``ferpa_waived`` True: the visitor waived the right to see the letter."""

    author_name: str
    author_title: str
    specialty: str
    eras_letter_id: str | None
    ferpa_waived: bool


def make_letter_request(
    *,
    author_name: str,
    author_title: str,
    specialty: str,
    eras_letter_id: str | None,
    ferpa_waived: bool,
) -> LetterRequest:
    """Check a visitor's letter request. The FERPA waiver must be given as True or False (no default: it
    is the visitor's decision); the ERAS Letter ID may be None until ERAS issues it. Raises Invalid."""
    if not isinstance(ferpa_waived, bool):
        raise Invalid(
            "Say whether you waive your right to see this letter (yes or no).", field="ferpa_waived"
        )
    return LetterRequest(
        author_name=checked_text(author_name, NAME_MAX, "author_name"),
        author_title=checked_text(author_title, TITLE_MAX, "author_title"),
        specialty=checked_text(specialty, SPECIALTY_MAX, "specialty"),
        eras_letter_id=None if eras_letter_id is None else check_eras_letter_id(eras_letter_id),
        ferpa_waived=ferpa_waived,
    )


class LetterState(StrEnum):
    REQUESTED = "requested"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    DRAFTING = "drafting"
    SIGNED = "signed"


LETTER_STATE_LABELS: dict[LetterState, str] = {
    LetterState.REQUESTED: "Requested",
    LetterState.ACCEPTED: "Accepted",
    LetterState.DECLINED: "Declined",
    LetterState.DRAFTING: "Drafting",
    LetterState.SIGNED: "Signed",
}

LETTER_TRANSITIONS: dict[LetterState, frozenset[LetterState]] = {
    LetterState.REQUESTED: frozenset({LetterState.ACCEPTED, LetterState.DECLINED}),
    LetterState.ACCEPTED: frozenset({LetterState.DRAFTING}),
    LetterState.DRAFTING: frozenset({LetterState.SIGNED}),
    LetterState.DECLINED: frozenset(),
    LetterState.SIGNED: frozenset(),
}
FINAL_LETTER_STATES = frozenset({LetterState.DECLINED, LetterState.SIGNED})


class LetterFinal(Conflict):
    """The letter is signed: it can no longer change."""


def plan_letter_transition(current: LetterState, target: LetterState, actor: Role | str) -> LetterState:
    """``target`` if the letter may move there from ``current``. Only the preceptor (the author) moves a
    letter: anyone else gets :class:`Forbidden`. An illegal move gets :class:`Conflict` naming both
    states (:class:`LetterFinal` from ``signed``)."""
    current, target = LetterState(current), LetterState(target)
    if actor != Role.PRECEPTOR:
        raise Forbidden("Only the letter's author can accept, decline, draft or sign it.")
    if target not in LETTER_TRANSITIONS[current]:
        allowed = LETTER_TRANSITIONS[current]
        then = (
            "it is final."
            if not allowed
            else "from there it can only become "
            + " or ".join(f"'{LETTER_STATE_LABELS[s]}'" for s in LetterState if s in allowed)
            + "."
        )
        error = LetterFinal if current is LetterState.SIGNED else Conflict
        raise error(
            f"Cannot move this letter from '{LETTER_STATE_LABELS[current]}' to "
            f"'{LETTER_STATE_LABELS[target]}': {then}"
        )
    return target


def visitor_may_read(request: LetterRequest, state: LetterState) -> bool:
    """Whether the visitor who asked for the letter may read its text: never when they waived the right;
    otherwise once it is signed. (The request's state is theirs to see either way.)"""
    return not request.ferpa_waived and LetterState(state) is LetterState.SIGNED


# --- paragraphs and versions ------------------------------------------------------------------------


class ParagraphKind(StrEnum):
    """Where a paragraph came from: one of the draft's sections, or the preceptor's own writing."""

    CONTEXT = "context"
    MINI_CEX = "mini_cex"
    EPAS = "epas"
    RIME = "rime"
    EXAMPLE = "example"
    PRESENTATIONS = "presentations"
    COMPETENCIES = "competencies"
    COMPARISON = "comparison"
    OWN = "own"


@dataclass(frozen=True, slots=True)
class Paragraph:
    """One paragraph of a letter and the evidence it rests on (empty only for the preceptor's own)."""

    text: str
    evidence: tuple[EvidenceRef, ...] = ()
    kind: ParagraphKind = ParagraphKind.OWN


@dataclass(frozen=True, slots=True)
class LetterVersion:
    """One saved version: its number (from 1), paragraphs and when it was saved."""

    number: int
    paragraphs: tuple[Paragraph, ...]
    saved_at: datetime

    @property
    def text(self) -> str:
        """The letter's body: paragraphs separated by a blank line."""
        return "\n\n".join(paragraph.text for paragraph in self.paragraphs)


@dataclass(frozen=True, slots=True)
class Letter:
    """A letter's state, its versions (oldest first) and when it was signed."""

    state: LetterState = LetterState.REQUESTED
    versions: tuple[LetterVersion, ...] = ()
    signed_at: datetime | None = None

    @property
    def current(self) -> LetterVersion | None:
        """The latest version, if any."""
        return self.versions[-1] if self.versions else None


# --- as stored --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class StoredLetterVersion:
    """A saved version as kept: its number, paragraphs, who saved it and when."""

    number: int
    paragraphs: tuple[Paragraph, ...]
    saved_by: int
    saved_at: datetime

    @property
    def version(self) -> LetterVersion:
        """The version as the letter's rules see it."""
        return LetterVersion(self.number, self.paragraphs, self.saved_at)


@dataclass(frozen=True, slots=True)
class StoredLetterRequest:
    """A letter request as kept: its enrollment, visitor and author, what was asked (the author's name
    and title as they were then, the specialty, the ERAS Letter ID, the waiver), its state, when it was
    signed, and the author's letterhead as signed (a dict as stored, read with
    :func:`server.domain.letterhead.letterhead_of_dict`; None until signed)."""

    id: int
    enrollment_id: int
    visitor_id: int
    preceptor_id: int
    author_name: str
    author_title: str
    specialty: str
    eras_letter_id: str | None
    ferpa_waived: bool
    state: LetterState
    signed_at: datetime | None
    letterhead: dict[str, str] | None
    created_at: datetime
    updated_at: datetime

    def request(self) -> LetterRequest:
        """What was asked, as the letter's rules see it."""
        return LetterRequest(
            author_name=self.author_name,
            author_title=self.author_title,
            specialty=self.specialty,
            eras_letter_id=self.eras_letter_id,
            ferpa_waived=self.ferpa_waived,
        )

    def letter(self, versions: Sequence[StoredLetterVersion]) -> Letter:
        """The letter with its saved ``versions`` (oldest first)."""
        return Letter(self.state, tuple(v.version for v in versions), self.signed_at)


def check_paragraphs(
    paragraphs: Iterable[Paragraph], known_evidence: Iterable[EvidenceRef] | None = None
) -> tuple[Paragraph, ...]:
    """The paragraphs with text trimmed and blank ones dropped. Raises :class:`Invalid` for a wrong type,
    a paragraph over :data:`PARAGRAPH_MAX` characters, too many paragraphs, a body over
    :data:`LETTER_MAX`, or - when ``known_evidence`` is given - evidence that is not in it (an editor
    cannot attach a record the letter was not drafted from)."""
    known = None if known_evidence is None else frozenset(known_evidence)
    out: list[Paragraph] = []
    for i, paragraph in enumerate(paragraphs):
        where = f"paragraphs[{i}]"
        if not isinstance(paragraph, Paragraph):
            raise Invalid("Must be a paragraph.", field=where)
        text = checked_text(paragraph.text, PARAGRAPH_MAX, f"{where}.text", required=False)
        for ref in paragraph.evidence:
            if not isinstance(ref, EvidenceRef):
                raise Invalid("Evidence must name a record.", field=f"{where}.evidence")
            if known is not None and ref not in known:
                raise Invalid(
                    f"{ref} is not evidence this letter was drafted from.", field=f"{where}.evidence"
                )
        try:
            kind = ParagraphKind(paragraph.kind)
        except ValueError:
            raise Invalid("Unknown paragraph kind.", field=f"{where}.kind") from None
        if text:
            out.append(Paragraph(text, tuple(paragraph.evidence), kind))
    if len(out) > PARAGRAPHS_MAX:
        raise Invalid(
            f"A letter has at most {PARAGRAPHS_MAX} paragraphs (this has {len(out)}).", field="paragraphs"
        )
    total = sum(len(p.text) for p in out) + 2 * max(len(out) - 1, 0)
    if total > LETTER_MAX:
        raise Invalid(f"A letter is at most {LETTER_MAX} characters (this has {total}).", field="paragraphs")
    return tuple(out)


def _aware(at: object, field: str) -> datetime:
    if not isinstance(at, datetime) or at.tzinfo is None:
        raise Invalid("Must be a date and time with a time zone.", field=field)
    return at


def save_version(
    letter: Letter,
    paragraphs: Iterable[Paragraph],
    at: datetime,
    actor: Role | str,
    *,
    known_evidence: Iterable[EvidenceRef] | None = None,
) -> Letter:
    """The letter with a new version of ``paragraphs`` (checked by :func:`check_paragraphs`) saved at
    ``at``. An accepted letter moves to drafting; a drafting one stays. Raises :class:`LetterFinal` for a
    signed letter, :class:`Conflict` for one not accepted (requested, declined), :class:`Forbidden` for
    anyone but the preceptor, and :class:`Invalid` for bad paragraphs or an empty letter."""
    if actor != Role.PRECEPTOR:
        raise Forbidden("Only the letter's author can edit it.")
    if letter.state is LetterState.SIGNED:
        raise LetterFinal("This letter is signed; a signed letter is final and cannot be edited.")
    if letter.state not in (LetterState.ACCEPTED, LetterState.DRAFTING):
        raise Conflict(
            f"This letter is '{LETTER_STATE_LABELS[letter.state]}'; it can be written once the request is "
            "accepted."
        )
    checked = check_paragraphs(paragraphs, known_evidence)
    if not checked:
        raise Invalid("The letter is empty.", field="paragraphs")
    state: LetterState = letter.state
    if state is LetterState.ACCEPTED:
        state = plan_letter_transition(state, LetterState.DRAFTING, actor)
    version = LetterVersion(len(letter.versions) + 1, checked, _aware(at, "saved_at"))
    return Letter(state, (*letter.versions, version), None)


def sign_letter(letter: Letter, request: LetterRequest, at: datetime, actor: Role | str) -> Letter:
    """The letter signed at ``at``: its latest version becomes final. Needs a drafting letter with a
    version and the request's ERAS Letter ID (the PDF carries it). Raises :class:`LetterFinal` when it is
    already signed, :class:`Conflict` from other states or without a version or Letter ID."""
    target = plan_letter_transition(letter.state, LetterState.SIGNED, actor)
    if letter.current is None:
        raise Conflict("There is no version of this letter to sign yet.")
    if request.eras_letter_id is None:
        raise Conflict(
            "Add the ERAS Letter ID from the applicant's request before signing: the letter carries it."
        )
    return Letter(target, letter.versions, _aware(at, "signed_at"))


# --- drafting from evidence -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class LetterContext:
    """What the platform measured about the rotation (nobody typed these numbers): the enrollment they
    come from, the dates, sessions attended, attendance in seconds and patients seen."""

    enrollment_id: int
    visitor_name: str
    program: str
    rotation_type: RotationType
    modality: Modality
    start: date
    end: date
    sessions_attended: int
    verified_seconds: int
    patients_seen: int

    @property
    def ref(self) -> EvidenceRef:
        """The enrollment's records, as evidence."""
        return EvidenceRef(EvidenceKind.ENROLLMENT, self.enrollment_id)


@dataclass(frozen=True, slots=True)
class Author:
    """The preceptor writing the letter."""

    name: str
    title: str


@dataclass(frozen=True, slots=True)
class PresentationRecord:
    """A case presentation the visitor gave (reviewed by the preceptor): id, date, week and format."""

    presentation_id: int
    on: date
    week: int
    format: PresentationFormat

    @property
    def ref(self) -> EvidenceRef:
        """This presentation as evidence."""
        return EvidenceRef(EvidenceKind.PRESENTATION, self.presentation_id)


@dataclass(frozen=True, slots=True)
class FinalEvaluationRecord:
    """The end-of-rotation evaluation and its id."""

    evaluation_id: int
    evaluation: FinalEvaluation

    @property
    def ref(self) -> EvidenceRef:
        """This evaluation as evidence."""
        return EvidenceRef(EvidenceKind.FINAL_EVALUATION, self.evaluation_id)


@dataclass(frozen=True, slots=True)
class Draft:
    """A drafted letter: paragraphs with their evidence, and what the preceptor still has to add."""

    paragraphs: tuple[Paragraph, ...]
    to_add: tuple[str, ...]

    def evidence(self) -> frozenset[EvidenceRef]:
        """Every record the draft rests on."""
        return frozenset(ref for paragraph in self.paragraphs for ref in paragraph.evidence)


def letter_date(d: date) -> str:
    """A date as a letter prints it ("March 4, 2025").

    The one home of this format: the drafted paragraphs, the evidence labels of the letter pages and the
    PHI guard's allow-list of the platform's own dates (``services.letters.LetterSources.safe_phrases``)
    all call it, because the guard can only let through a date written exactly as it expects."""
    return f"{d:%B} {d.day}, {d.year}"


def _number(x: float) -> str:
    # One decimal, but whole numbers without one: "7", "7.5".
    return f"{x:.0f}" if float(x).is_integer() else f"{x:.1f}"


def _plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one}" if n == 1 else f"{n} {many or one + 's'}"


def _ids(kind: EvidenceKind, ids: Iterable[int]) -> tuple[EvidenceRef, ...]:
    return tuple(sorted({EvidenceRef(kind, i) for i in ids}))


def _context_paragraph(context: LetterContext, author: Author, specialty: str) -> Paragraph:
    name = context.visitor_name
    kind = {
        RotationType.OBSERVERSHIP: "observership",
        RotationType.HANDS_ON: "hands-on clinical rotation",
        RotationType.RESEARCH: "research rotation",
        RotationType.ADVANCED_STUDY: "advanced study rotation",
    }[context.rotation_type]
    mode = {Modality.VIRTUAL: "virtual", Modality.IN_PERSON: "in-person", Modality.HYBRID: "hybrid"}[
        context.modality
    ]
    who = f"I am {author.name}, {author.title}." if author.title else f"I am {author.name}."
    sentences = [who]
    if specialty:
        sentences.append(f"I write about {name}, who is applying for residency in {specialty}.")
    article = "an" if mode[0] in "aeiou" else "a"
    sentences.append(
        f"I supervised {name} during {article} {mode} {kind} in {context.program} "
        f"from {letter_date(context.start)} to {letter_date(context.end)}."
    )
    # Observers are present for the care of patients; only hands-on visitors take part in it.
    patients = (
        f"took part in the care of {_plural(context.patients_seen, 'patient')}"
        if context.rotation_type is RotationType.HANDS_ON
        else f"observed the care of {_plural(context.patients_seen, 'patient')}"
    )
    hours = verified_hours(context.verified_seconds)
    sessions = _plural(context.sessions_attended, "session")
    sentences.append(
        f"As recorded by the Rounds platform, {name} attended {sessions} "
        f"totalling {hours} verified hours and {patients}."
    )
    if context.modality is Modality.VIRTUAL:
        sentences.append(
            "The rotation took place by telehealth video, and my observations come from those sessions."
        )
    elif context.modality is Modality.HYBRID:
        sentences.append("The rotation combined telehealth video and in-person sessions.")
    return Paragraph(" ".join(sentences), (context.ref,), ParagraphKind.CONTEXT)


def _trend(stats: Stats) -> str:
    t = stats.trajectory
    if t is None:
        return ""
    return (
        f"; week {t.first_week} mean {_number(t.first_mean)}, week {t.last_week} mean {_number(t.last_mean)}"
    )


def _range(low: str, high: str) -> str:
    return f"all {low}" if low == high else f"range {low}-{high}"


def _mini_cex_paragraph(name: str, summary: EvidenceSummary) -> Paragraph | None:
    rated = [(item, stats) for item, stats in summary.items.items() if stats.count]
    if not rated:
        return None
    ids = {i for _, stats in rated for i in stats.evaluation_ids}
    weeks = sorted({p.week for _, stats in rated for p in stats.by_week})
    span = f"week {weeks[0]}" if len(weeks) == 1 else f"weeks {weeks[0]} to {weeks[-1]}"
    parts = []
    for item, stats in rated:
        assert stats.mean is not None and stats.median is not None  # count > 0
        spread = _range(str(stats.minimum), str(stats.maximum))
        parts.append(
            f"{MINI_CEX_LABELS[item].lower()} mean {_number(stats.mean)} (median {_number(stats.median)}, "
            f"{spread}, {_plural(stats.count, 'rating')}{_trend(stats)})"
        )
    text = (
        f"I evaluated {name} in {_plural(len(ids), 'observed encounter')} over {span} with the mini-CEX, "
        f"on a 9-point scale on which 7 to 9 is the top band. The ratings were: " + "; ".join(parts) + "."
    )
    return Paragraph(text, _ids(EvidenceKind.EVALUATION, ids), ParagraphKind.MINI_CEX)


def _epa_part(epa_stats: EpaStats) -> str:
    stats = epa_stats.stats
    lowest, highest = epa_stats.lowest, epa_stats.highest
    assert lowest is not None and highest is not None and epa_stats.latest is not None
    median = epa_stats.median_level
    assert median is not None
    trend = ""
    if stats.trajectory is not None:
        first, last = stats.by_week[0], stats.by_week[-1]
        trend = (
            f"; level {epa_stats.week_level(first).value} in week {first.week}, "
            f"{epa_stats.week_level(last).value} in week {last.week}"
        )
    label = EPA_LABELS[epa_stats.epa].split(": ", 1)[1].lower()
    return (
        f"EPA {EPA_NUMBERS[epa_stats.epa]} ({label}) most recently at level {epa_stats.latest.value} "
        f"(median {median.value}, {_range(lowest.value, highest.value)}, "
        f"{_plural(stats.count, 'rating')}{trend})"
    )


def _epa_paragraph(name: str, summary: EvidenceSummary) -> Paragraph | None:
    rated = [epa_stats for epa_stats in summary.epas.values() if epa_stats.stats.count]
    if not rated:
        return None
    ids = {i for epa_stats in rated for i in epa_stats.stats.evaluation_ids}
    text = (
        f"On the AAMC Core Entrustable Professional Activities, rated on the entrustment scale for students "
        f"(from 1, observe only, to 5, supervises others), I rated {name}: "
        + "; ".join(_epa_part(epa_stats) for epa_stats in rated)
        + "."
    )
    return Paragraph(text, _ids(EvidenceKind.EVALUATION, ids), ParagraphKind.EPAS)


def _rime_paragraph(name: str, summary: EvidenceSummary) -> Paragraph | None:
    rime = summary.rime
    if rime.latest is None or rime.latest_week is None:
        return None
    counts = ", ".join(
        f"{RIME_LABELS[stage].lower()} {count}" for stage, count in rime.counts.items() if count
    )
    text = (
        f"On the RIME framework (reporter, interpreter, manager, educator), my most recent rating, in week "
        f"{rime.latest_week}, placed {name} at the {RIME_LABELS[rime.latest].lower()} stage "
        f"({_plural(rime.stats.count, 'rating')} in all: {counts})."
    )
    return Paragraph(text, _ids(EvidenceKind.EVALUATION, rime.stats.evaluation_ids), ParagraphKind.RIME)


def _example_paragraph(example: ObservedExample) -> Paragraph:
    text = f"On {letter_date(example.on)} (week {example.week}) I recorded: \u201c{example.text}\u201d"
    return Paragraph(text, (example.ref,), ParagraphKind.EXAMPLE)


def _presentations_paragraph(name: str, presentations: Sequence[PresentationRecord]) -> Paragraph | None:
    if not presentations:
        return None
    oral = sum(p.format is PresentationFormat.ORAL for p in presentations)
    snapps = len(presentations) - oral
    kinds = []
    if oral:
        kinds.append(_plural(oral, "full oral case presentation"))
    if snapps:
        kinds.append(f"{snapps} in the SNAPPS format")
    weeks = sorted({p.week for p in presentations})
    span = f"in week {weeks[0]}" if len(weeks) == 1 else f"between weeks {weeks[0]} and {weeks[-1]}"
    text = (
        f"{name} presented {_plural(len(presentations), 'case')} to me {span} "
        f"({' and '.join(kinds)}), each with a ranked differential diagnosis."
    )
    return Paragraph(
        text,
        _ids(EvidenceKind.PRESENTATION, (p.presentation_id for p in presentations)),
        ParagraphKind.PRESENTATIONS,
    )


def _competencies_paragraph(name: str, final: FinalEvaluationRecord) -> Paragraph | None:
    rated = final.evaluation.rated_competencies()
    if not rated:
        return None
    parts = "; ".join(f"{COMPETENCY_LABELS[c].lower()} {score}" for c, score in rated.items())
    text = f"In my end-of-rotation evaluation I rated {name} on the same 9-point scale: {parts}."
    return Paragraph(text, (final.ref,), ParagraphKind.COMPETENCIES)


_RANK_PHRASES: dict[ComparativeRating, str] = {
    ComparativeRating.TOP_TEN_PERCENT: "the top 10%",
    ComparativeRating.TOP_THIRD: "the top third",
    ComparativeRating.MIDDLE_THIRD: "the middle third",
    ComparativeRating.LOWER_THIRD: "the lower third",
}


def _comparison_paragraph(name: str, final: FinalEvaluationRecord) -> Paragraph | None:
    comparison = final.evaluation.comparison
    if comparison.rating is None:
        return None  # no ranking, nothing to claim
    text = (
        f"Compared with the {_plural(comparison.group_size, 'visitor')} I have supervised on Rounds before, "
        f"I place {name} in {_RANK_PHRASES[comparison.rating]}."
    )
    return Paragraph(text, (final.ref,), ParagraphKind.COMPARISON)


def _check_inputs(
    context: LetterContext,
    author: Author,
    summary: EvidenceSummary,
    examples: Sequence[ObservedExample],
    presentations: Sequence[PresentationRecord],
    final: FinalEvaluationRecord | None,
) -> None:
    if not isinstance(context, LetterContext):
        raise Invalid("Must be the rotation's context.", field="context")
    checked_text(context.visitor_name, NAME_MAX, "context.visitor_name")
    checked_text(context.program, NAME_MAX, "context.program")
    for name in ("enrollment_id", "sessions_attended", "verified_seconds", "patients_seen"):
        value = getattr(context, name)
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise Invalid("Must be a whole number from 0.", field=f"context.{name}")
    if context.end < context.start:
        raise Invalid("The rotation cannot end before it starts.", field="context.end")
    if not isinstance(author, Author):
        raise Invalid("Must be the letter's author.", field="author")
    checked_text(author.name, NAME_MAX, "author.name")
    checked_text(author.title, TITLE_MAX, "author.title", required=False)
    if not isinstance(summary, EvidenceSummary):
        raise Invalid("Must be an evidence summary.", field="summary")
    summarized = set(summary.evaluation_ids)
    for i, example in enumerate(examples):
        if not isinstance(example, ObservedExample) or example.evaluation_id not in summarized:
            # An example must come from an evaluation the ratings were aggregated from.
            raise Invalid(
                "This example is not from one of the summarized evaluations.", field=f"examples[{i}]"
            )
    seen: set[int] = set()
    for i, presentation in enumerate(presentations):
        if not isinstance(presentation, PresentationRecord) or presentation.presentation_id in seen:
            raise Invalid("Must be a presentation, each given once.", field=f"presentations[{i}]")
        seen.add(presentation.presentation_id)
    if final is not None and not isinstance(final, FinalEvaluationRecord):
        raise Invalid("Must be the end-of-rotation evaluation.", field="final")


def draft_letter(
    *,
    context: LetterContext,
    author: Author,
    summary: EvidenceSummary,
    examples: Sequence[ObservedExample] = (),
    presentations: Sequence[PresentationRecord] = (),
    final: FinalEvaluationRecord | None = None,
    specialty: str = "",
) -> Draft:
    """Draft a letter from evidence (see the module's documentation).

    Paragraphs, in order, each only when its evidence exists: context (the enrollment), mini-CEX ratings,
    EPAs, RIME (the evaluations behind them), one paragraph per observed example (its evaluation),
    presentations (their ids), end-of-rotation competencies and the comparative rating with its group
    size (the final evaluation). ``specialty`` is the request's target specialty. ``examples`` usually
    come from :func:`server.domain.evidence.strongest_examples` and must come from evaluations in
    ``summary``. Raises Invalid for inconsistent input."""
    _check_inputs(context, author, summary, examples, presentations, final)
    specialty = checked_text(specialty, SPECIALTY_MAX, "specialty", required=False)
    name = context.visitor_name.strip()
    candidates: list[Paragraph | None] = [
        _context_paragraph(context, author, specialty),
        _mini_cex_paragraph(name, summary),
        _epa_paragraph(name, summary),
        _rime_paragraph(name, summary),
        *(_example_paragraph(example) for example in examples),
        _presentations_paragraph(name, presentations),
    ]
    if final is not None:
        candidates += [_competencies_paragraph(name, final), _comparison_paragraph(name, final)]
    paragraphs = tuple(p for p in candidates if p is not None)
    # The promise the module makes: nothing without evidence.
    assert all(p.evidence for p in paragraphs)

    to_add = ["Your recommendation, in your own words: Rounds states the evidence but does not recommend."]
    if not examples:
        to_add.append("No observed examples were recorded in the evaluations; add what you saw yourself.")
    if final is None:
        to_add.append("There is no end-of-rotation evaluation yet, so the letter has no comparative rating.")
    elif final.evaluation.comparison.rating is None:
        to_add.append(f"No comparative rating: {final.evaluation.comparison.label}.")
    return Draft(paragraphs, tuple(to_add))
