"""Evaluations: the per-encounter telehealth mini-CEX with EPA ratings and a RIME stage, the end-of-rotation
evaluation with its comparative rating, what each rotation type may rate, and the draft -> released states.

Plain Python, no I/O. Build every evaluation through :func:`make_encounter_evaluation` or
:func:`make_final_evaluation` (also when reading one back from storage): they check and canonicalise every
field and raise :class:`~server.domain.errors.Invalid` with a ``field`` path and a message a preceptor can act
on. Values are taken as they come from outside (``object``) and their types are checked here too, so a
caller that skipped its own schema cannot slip a wrong type through.

Scales
------
* **mini-CEX items**: 1-9 (1-3 unsatisfactory, 4-6 satisfactory, 7-9 superior) or *not observed*. In a
  built evaluation a not-observed item is ``None``; as input ``None`` or the string ``"not_observed"``
  both mean it, and an item left out of the mapping is not observed too (the form's default: a
  preceptor rates what they saw).
* **EPAs** (AAMC Core EPAs 1, 2, 3, 5, 6, 7) on the students' entrustment scale of Chen et al.:
  ``1, 2a, 2b, 3a, 3b, 3c, 4, 5``. The levels are ordered; :data:`ENTRUSTMENT_ORDINAL` maps them to
  1..8 for aggregation. That is a *rank*, not a distance: a mean of ordinals is a summary for a
  dashboard, the median and the levels themselves are what a letter should quote.
* **RIME**: reporter < interpreter < manager < educator.

What may be rated (:func:`rating_scope`)
----------------------------------------
Only hands-on rotations include patient contact (the same rule :func:`server.domain.visits.is_observer`
applies to live sessions). Every other rotation type - observership, research, advanced study - rates only
what can be seen without patient contact: presentations and differentials (EPAs 2, 6 and 7), the RIME
stage, and professionalism. So of the mini-CEX items only *professionalism* may be rated there (the others
describe the learner's own work with a patient; clinical reasoning shown in a presentation is what EPAs 2
and 6 rate), and of the end-of-rotation competencies, those not tied to one's own patients (medical
knowledge, communication, professionalism, practice-based learning). Rating anything else is refused with
a message naming the item.

Comparative rating (:func:`make_comparison`)
--------------------------------------------
The global rating uses the EM SLOE's groups (top 10 %, top third, middle third, lower third) and always
carries ``group_size``: how many of the preceptor's own past visitors the visitor is compared with (not
counting the visitor). The rule:

* a ranking needs at least :data:`MIN_COMPARISON_GROUP` (5) past visitors; below that (including an empty
  group) a ranking is refused and the evaluation records *not enough to compare* (``rating=None``);
* *top 10 %* needs at least :data:`MIN_GROUP_FOR_TOP_TEN` (9) past visitors, so that with the visitor
  there are ten people and "top 10 %" can mean "the best of at least ten";
* with a large enough group a preceptor may still leave the ranking out (``rating=None``, *not compared*).

Release
-------
An evaluation is written as a draft and released once (:func:`plan_release`); the visitor sees it only
when released (:func:`visible_to_visitor`); a released evaluation is final, because letters and
dashboards quote it.

Free text
---------
The narrative fields (:data:`ENCOUNTER_FREE_TEXT`, :data:`FINAL_FREE_TEXT`, or each object's
``free_text()``) are free text: the services must run them through the PHI guard
(``server.domain.phi.ensure_no_phi``) before storing them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import TypeVar

from server.domain.errors import Conflict, Invalid
from server.domain.text import checked_text
from server.domain.vocab import ROTATION_LABELS, RotationType

SCALE_MIN = 1
SCALE_MAX = 9
NOT_OBSERVED = "not_observed"
MINUTES_OBSERVED_MIN = 1
MINUTES_OBSERVED_MAX = 600  # as the case log: no encounter runs over ten hours
MINUTES_FEEDBACK_MAX = 120  # feedback after an encounter is minutes, not hours; 0 = none given
NARRATIVE_MAX = 2000  # each mini-CEX narrative field
FINAL_NARRATIVE_MAX = 6000  # the end-of-rotation narrative: a few paragraphs
MIN_COMPARISON_GROUP = 5
MIN_GROUP_FOR_TOP_TEN = 9
MAX_COMPARISON_GROUP = 100_000

K = TypeVar("K", bound=StrEnum)


# --- vocabularies ---------------------------------------------------------------------------------


class MiniCexItem(StrEnum):
    """The seven items of the telehealth mini-CEX, in the form's order."""

    INTERVIEWING = "interviewing"
    PHYSICAL_EXAM = "physical_exam"  # the virtual physical exam: guided self-exam, inspection on video
    PROFESSIONALISM = "professionalism"
    CLINICAL_JUDGMENT = "clinical_judgment"
    COUNSELING = "counseling"
    ORGANIZATION = "organization_efficiency"
    OVERALL = "overall"


MINI_CEX_LABELS: dict[MiniCexItem, str] = {
    MiniCexItem.INTERVIEWING: "Medical interviewing",
    MiniCexItem.PHYSICAL_EXAM: "Virtual physical exam",
    MiniCexItem.PROFESSIONALISM: "Professionalism",
    MiniCexItem.CLINICAL_JUDGMENT: "Clinical judgment",
    MiniCexItem.COUNSELING: "Counseling",
    MiniCexItem.ORGANIZATION: "Organization and efficiency",
    MiniCexItem.OVERALL: "Overall clinical competence",
}


class Band(StrEnum):
    """The three bands of the 9-point scale."""

    UNSATISFACTORY = "unsatisfactory"  # 1-3
    SATISFACTORY = "satisfactory"  # 4-6
    SUPERIOR = "superior"  # 7-9


class Epa(StrEnum):
    """The AAMC Core EPAs for entering residency that Rounds rates (4, 8-13 need a hospital)."""

    EPA_1 = "epa1"
    EPA_2 = "epa2"
    EPA_3 = "epa3"
    EPA_5 = "epa5"
    EPA_6 = "epa6"
    EPA_7 = "epa7"


EPA_NUMBERS: dict[Epa, int] = {
    Epa.EPA_1: 1,
    Epa.EPA_2: 2,
    Epa.EPA_3: 3,
    Epa.EPA_5: 5,
    Epa.EPA_6: 6,
    Epa.EPA_7: 7,
}

EPA_LABELS: dict[Epa, str] = {
    Epa.EPA_1: "EPA 1: Gather a history and perform a physical examination",
    Epa.EPA_2: "EPA 2: Prioritize a differential diagnosis",
    Epa.EPA_3: "EPA 3: Recommend and interpret common diagnostic tests",
    Epa.EPA_5: "EPA 5: Document a clinical encounter",
    Epa.EPA_6: "EPA 6: Provide an oral presentation of a clinical encounter",
    Epa.EPA_7: "EPA 7: Form clinical questions and retrieve evidence",
}


class Entrustment(StrEnum):
    """The students' entrustment-supervision scale (Chen et al.), lowest first."""

    OBSERVE_ONLY = "1"
    CO_ACTIVITY = "2a"
    SUPERVISOR_IN_ROOM = "2b"
    ALL_FINDINGS_CHECKED = "3a"
    KEY_FINDINGS_CHECKED = "3b"
    FINDINGS_REVIEWED = "3c"
    UNSUPERVISED = "4"
    SUPERVISES_OTHERS = "5"


# Declaration order is the scale's order; the ordinal is the level's rank (1..8).
ENTRUSTMENT_ORDINAL: dict[Entrustment, int] = {level: i + 1 for i, level in enumerate(Entrustment)}
ENTRUSTMENT_BY_ORDINAL: dict[int, Entrustment] = {i: level for level, i in ENTRUSTMENT_ORDINAL.items()}

ENTRUSTMENT_LABELS: dict[Entrustment, str] = {
    Entrustment.OBSERVE_ONLY: "1: observe only",
    Entrustment.CO_ACTIVITY: "2a: acts together with the supervisor",
    Entrustment.SUPERVISOR_IN_ROOM: "2b: supervisor present, ready to step in",
    Entrustment.ALL_FINDINGS_CHECKED: "3a: supervisor immediately available, all findings checked",
    Entrustment.KEY_FINDINGS_CHECKED: "3b: supervisor immediately available, key findings checked",
    Entrustment.FINDINGS_REVIEWED: "3c: supervisor distantly available, findings reviewed promptly",
    Entrustment.UNSUPERVISED: "4: unsupervised practice",
    Entrustment.SUPERVISES_OTHERS: "5: supervises more junior learners",
}


class RimeStage(StrEnum):
    """RIME, lowest first."""

    REPORTER = "reporter"
    INTERPRETER = "interpreter"
    MANAGER = "manager"
    EDUCATOR = "educator"


RIME_ORDINAL: dict[RimeStage, int] = {stage: i + 1 for i, stage in enumerate(RimeStage)}
RIME_LABELS: dict[RimeStage, str] = {stage: stage.value.capitalize() for stage in RimeStage}


class Competency(StrEnum):
    """The six ACGME core competencies, rated at the end of a rotation on the same 1-9 scale."""

    PATIENT_CARE = "patient_care"
    MEDICAL_KNOWLEDGE = "medical_knowledge"
    COMMUNICATION = "interpersonal_communication"
    PROFESSIONALISM = "professionalism"
    PRACTICE_BASED_LEARNING = "practice_based_learning"
    SYSTEMS_BASED_PRACTICE = "systems_based_practice"


COMPETENCY_LABELS: dict[Competency, str] = {
    Competency.PATIENT_CARE: "Patient care",
    Competency.MEDICAL_KNOWLEDGE: "Medical knowledge",
    Competency.COMMUNICATION: "Interpersonal and communication skills",
    Competency.PROFESSIONALISM: "Professionalism",
    Competency.PRACTICE_BASED_LEARNING: "Practice-based learning and improvement",
    Competency.SYSTEMS_BASED_PRACTICE: "Systems-based practice",
}


class ComparativeRating(StrEnum):
    """The EM SLOE's global comparison groups, best first."""

    TOP_TEN_PERCENT = "top_10_percent"
    TOP_THIRD = "top_third"
    MIDDLE_THIRD = "middle_third"
    LOWER_THIRD = "lower_third"


COMPARATIVE_LABELS: dict[ComparativeRating, str] = {
    ComparativeRating.TOP_TEN_PERCENT: "Top 10%",
    ComparativeRating.TOP_THIRD: "Top third",
    ComparativeRating.MIDDLE_THIRD: "Middle third",
    ComparativeRating.LOWER_THIRD: "Lower third",
}


def band(score: int) -> Band:
    """The band of a 1-9 score (for colouring a page). Raises Invalid outside 1-9."""
    if isinstance(score, bool) or not isinstance(score, int) or not SCALE_MIN <= score <= SCALE_MAX:
        raise Invalid(f"A rating is a whole number from {SCALE_MIN} to {SCALE_MAX}.")
    if score <= 3:
        return Band.UNSATISFACTORY
    return Band.SATISFACTORY if score <= 6 else Band.SUPERIOR


# --- what each rotation type may rate -------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RatingScope:
    """What an evaluation on one rotation type may rate."""

    items: frozenset[MiniCexItem]
    epas: frozenset[Epa]
    competencies: frozenset[Competency]
    rime: bool
    patient_contact: bool


FULL_SCOPE = RatingScope(
    items=frozenset(MiniCexItem),
    epas=frozenset(Epa),
    competencies=frozenset(Competency),
    rime=True,
    patient_contact=True,
)
NO_PATIENT_CONTACT_SCOPE = RatingScope(
    items=frozenset({MiniCexItem.PROFESSIONALISM}),
    epas=frozenset({Epa.EPA_2, Epa.EPA_6, Epa.EPA_7}),
    competencies=frozenset(
        {
            Competency.MEDICAL_KNOWLEDGE,
            Competency.COMMUNICATION,
            Competency.PROFESSIONALISM,
            Competency.PRACTICE_BASED_LEARNING,
        }
    ),
    rime=True,
    patient_contact=False,
)
RATING_SCOPES: dict[RotationType, RatingScope] = {
    rotation_type: FULL_SCOPE if rotation_type is RotationType.HANDS_ON else NO_PATIENT_CONTACT_SCOPE
    for rotation_type in RotationType
}


def rating_scope(rotation_type: RotationType) -> RatingScope:
    """What an evaluation on ``rotation_type`` may rate (see the module's documentation)."""
    return RATING_SCOPES[_rotation_type(rotation_type)]


def _rotation_type(value: object) -> RotationType:
    try:
        if not isinstance(value, str):
            raise ValueError
        return RotationType(value)
    except ValueError:
        choices = ", ".join(choice.value for choice in RotationType)
        raise Invalid(f"The rotation type must be one of {choices}.", field="rotation_type") from None


def _out_of_scope(rotation_type: RotationType, what: str) -> Invalid:
    kind = ROTATION_LABELS[rotation_type].lower()
    article = "an" if kind[:1] in "aeiou" else "a"
    return Invalid(
        f"{what} cannot be rated on {article} {kind} rotation: it has no patient contact, so only what "
        "can be seen without it is rated (presentations and differentials: EPAs 2, 6 and 7; the RIME stage; "
        "professionalism). Leave it not observed."
    )


# --- field checks -----------------------------------------------------------------------------------


def _whole(value: object, low: int, high: int, field: str, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise Invalid(f"{what} must be a whole number.", field=field)
    if not low <= value <= high:
        raise Invalid(f"{what} must be between {low} and {high} (this is {value}).", field=field)
    return value


def _score(value: object, field: str) -> int | None:
    if value is None or value == NOT_OBSERVED:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise Invalid(
            f"A rating is a whole number from {SCALE_MIN} to {SCALE_MAX}, or {NOT_OBSERVED!r}.", field=field
        )
    if not SCALE_MIN <= value <= SCALE_MAX:
        raise Invalid(
            f"A rating runs from {SCALE_MIN} to {SCALE_MAX} (1-3 unsatisfactory, 4-6 satisfactory, "
            f"7-9 superior); {value} is outside it.",
            field=field,
        )
    return value


def _mapping(value: object, field: str) -> Mapping[object, object]:
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise Invalid("Must be a mapping of names to ratings.", field=field)
    return value


def _key(enum: type[K], key: object, field: str, what: str) -> K:
    try:
        if not isinstance(key, str):
            raise ValueError
        return enum(key)
    except ValueError:
        choices = ", ".join(member.value for member in enum)
        raise Invalid(f"{str(key)[:40]!r} is not {what} ({choices}).", field=field) from None


def _scored(
    enum: type[K],
    given: object,
    allowed: frozenset[K],
    labels: Mapping[K, str],
    rotation_type: RotationType,
    field: str,
    what: str,
) -> dict[K, int | None]:
    """Every member of ``enum`` -> its 1-9 score or None (not observed), refusing any out of scope."""
    raw = _mapping(given, field)
    scores: dict[K, int | None] = dict.fromkeys(enum)
    for key, value in raw.items():
        member = _key(enum, key, field, what)
        score = _score(value, f"{field}.{member.value}")
        if score is not None and member not in allowed:
            error = _out_of_scope(rotation_type, f"'{labels[member]}'")
            error.field = f"{field}.{member.value}"
            raise error
        scores[member] = score
    return scores


# --- the per-encounter evaluation -------------------------------------------------------------------

ENCOUNTER_FREE_TEXT: tuple[str, ...] = ("strengths", "improvement", "example")


@dataclass(frozen=True, slots=True)
class EncounterEvaluation:
    """One checked per-encounter evaluation: the mini-CEX, EPA ratings and RIME stage.

    ``ratings`` has every mini-CEX item (None = not observed); ``epas`` only the EPAs rated; ``rime`` is
    None when not rated. ``strengths``, ``improvement`` (one thing to improve) and ``example`` (one
    concrete observed example) are free text for the PHI guard."""

    rotation_type: RotationType
    ratings: Mapping[MiniCexItem, int | None]
    epas: Mapping[Epa, Entrustment]
    rime: RimeStage | None
    minutes_observed: int
    minutes_feedback: int
    strengths: str
    improvement: str
    example: str

    def rated_items(self) -> dict[MiniCexItem, int]:
        """The items that were observed, with their scores, in the form's order."""
        return {item: score for item, score in self.ratings.items() if score is not None}

    def free_text(self) -> dict[str, str]:
        """The narrative fields by name: what the services pass to the PHI guard."""
        return {"strengths": self.strengths, "improvement": self.improvement, "example": self.example}


def make_encounter_evaluation(
    rotation_type: RotationType | str,
    *,
    ratings: Mapping[str, object] | None,
    epas: Mapping[str, object] | None = None,
    rime: RimeStage | str | None = None,
    minutes_observed: int,
    minutes_feedback: int,
    strengths: str,
    improvement: str,
    example: str,
) -> EncounterEvaluation:
    """Check a per-encounter evaluation and return it canonical (enums, trimmed text).

    ``ratings`` maps mini-CEX item values to 1-9, ``None`` or ``"not_observed"`` (missing items are not
    observed); ``epas`` maps EPA values (``"epa2"``) to entrustment levels (``"3a"``); ``rime`` is a stage
    or None. Raises :class:`Invalid` (with ``field`` such as ``ratings.interviewing``) for a wrong type,
    an unknown item, a score out of range, anything the rotation type may not rate (the message names
    it), an evaluation that rates nothing, minutes out of range, or a narrative field empty or too long.
    """
    kind = _rotation_type(rotation_type)
    scope = RATING_SCOPES[kind]
    scores = _scored(MiniCexItem, ratings, scope.items, MINI_CEX_LABELS, kind, "ratings", "a mini-CEX item")

    levels: dict[Epa, Entrustment] = {}
    for key, value in _mapping(epas, "epas").items():
        epa = _key(Epa, key, "epas", "an EPA Rounds rates")
        if value is None or value == NOT_OBSERVED:
            continue
        level = _key(Entrustment, value, f"epas.{epa.value}", "an entrustment level")
        if epa not in scope.epas:
            error = _out_of_scope(kind, f"EPA {EPA_NUMBERS[epa]}")
            error.field = f"epas.{epa.value}"
            raise error
        levels[epa] = level
    # Keep the EPAs in their numeric order whatever order they came in.
    levels = {epa: levels[epa] for epa in Epa if epa in levels}

    stage = None if rime is None else _key(RimeStage, rime, "rime", "a RIME stage")

    if not any(score is not None for score in scores.values()) and not levels and stage is None:
        raise Invalid(
            "Rate at least one thing you observed: a mini-CEX item, an EPA or the RIME stage.",
            field="ratings",
        )
    return EncounterEvaluation(
        rotation_type=kind,
        ratings=scores,
        epas=levels,
        rime=stage,
        minutes_observed=_whole(
            minutes_observed,
            MINUTES_OBSERVED_MIN,
            MINUTES_OBSERVED_MAX,
            "minutes_observed",
            "Minutes observed",
        ),
        minutes_feedback=_whole(
            minutes_feedback, 0, MINUTES_FEEDBACK_MAX, "minutes_feedback", "Minutes of feedback"
        ),
        strengths=checked_text(strengths, NARRATIVE_MAX, "strengths", required=True),
        improvement=checked_text(improvement, NARRATIVE_MAX, "improvement", required=True),
        example=checked_text(example, NARRATIVE_MAX, "example", required=True),
    )


# --- the comparative rating -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Comparison:
    """A global comparative rating and the size of the group behind it. ``rating`` None means no ranking
    (not enough to compare, or the preceptor chose not to); ``group_size`` is always there."""

    rating: ComparativeRating | None
    group_size: int

    @property
    def enough_to_compare(self) -> bool:
        """Whether the group is large enough for any ranking."""
        return enough_to_compare(self.group_size)

    @property
    def label(self) -> str:
        """How a page or letter shows it, always with the group size."""
        people = _past_visitors(self.group_size)
        if self.rating is not None:
            return f"{COMPARATIVE_LABELS[self.rating]} of {people}"
        if not self.enough_to_compare:
            return f"Not enough to compare ({people}; a ranking needs at least {MIN_COMPARISON_GROUP})"
        return f"Not compared ({people})"


def _past_visitors(n: int) -> str:
    return f"{n} past visitor" if n == 1 else f"{n} past visitors"


def enough_to_compare(group_size: int) -> bool:
    """Whether ``group_size`` past visitors are enough for a ranking (see the module's rule)."""
    return group_size >= MIN_COMPARISON_GROUP


def make_comparison(rating: ComparativeRating | str | None, group_size: int) -> Comparison:
    """Check a comparative rating against the size of the comparison group (the preceptor's own past
    visitors, not counting this one) under the module's rule; ``rating`` None records no ranking.

    Raises :class:`Invalid` for a group size that is not a whole number >= 0, an unknown rating, a ranking
    with fewer than 5 past visitors (empty groups included), or top 10 % with fewer than 9."""
    size = _whole(group_size, 0, MAX_COMPARISON_GROUP, "comparison.group_size", "The group size")
    if rating is None:
        return Comparison(None, size)
    ranked = _key(ComparativeRating, rating, "comparison.rating", "a comparative rating")
    if size == 0:
        raise Invalid(
            "There is no one to compare with yet: you have no past visitors on Rounds. "
            "Leave the ranking out; the evaluation will say 'not enough to compare'.",
            field="comparison.rating",
        )
    if size < MIN_COMPARISON_GROUP:
        raise Invalid(
            f"A ranking against {_past_visitors(size)} says little; Rounds ranks from "
            f"{MIN_COMPARISON_GROUP} past visitors. Leave it out; the evaluation will say "
            "'not enough to compare'.",
            field="comparison.rating",
        )
    if ranked is ComparativeRating.TOP_TEN_PERCENT and size < MIN_GROUP_FOR_TOP_TEN:
        raise Invalid(
            f"'Top 10%' needs at least {MIN_GROUP_FOR_TOP_TEN} past visitors to compare with (ten people "
            f"with this one); you have {size}. Choose 'top third' instead.",
            field="comparison.rating",
        )
    return Comparison(ranked, size)


# --- the end-of-rotation evaluation -----------------------------------------------------------------

FINAL_FREE_TEXT: tuple[str, ...] = ("narrative",)


@dataclass(frozen=True, slots=True)
class FinalEvaluation:
    """A checked end-of-rotation evaluation. ``competencies`` has every competency (None = not rated);
    ``narrative`` is free text for the PHI guard."""

    rotation_type: RotationType
    competencies: Mapping[Competency, int | None]
    comparison: Comparison
    will_write_letter: bool
    narrative: str

    def rated_competencies(self) -> dict[Competency, int]:
        """The competencies rated, with their scores, in the vocabulary's order."""
        return {item: score for item, score in self.competencies.items() if score is not None}

    def free_text(self) -> dict[str, str]:
        """The narrative by name: what the services pass to the PHI guard."""
        return {"narrative": self.narrative}


def make_final_evaluation(
    rotation_type: RotationType | str,
    *,
    competencies: Mapping[str, object] | None,
    comparative_rating: ComparativeRating | str | None,
    group_size: int,
    will_write_letter: bool,
    narrative: str,
) -> FinalEvaluation:
    """Check an end-of-rotation evaluation: competency scores 1-9 (or not observed, as for the mini-CEX;
    at least one rated, only those the rotation type allows), the comparison (see
    :func:`make_comparison`), whether the preceptor will write a letter, and a narrative (required).
    Raises :class:`Invalid` naming the field."""
    kind = _rotation_type(rotation_type)
    scope = RATING_SCOPES[kind]
    scores = _scored(
        Competency, competencies, scope.competencies, COMPETENCY_LABELS, kind, "competencies", "a competency"
    )
    if all(score is None for score in scores.values()):
        raise Invalid("Rate at least one competency.", field="competencies")
    if not isinstance(will_write_letter, bool):
        raise Invalid("Say yes or no.", field="will_write_letter")
    return FinalEvaluation(
        rotation_type=kind,
        competencies=scores,
        comparison=make_comparison(comparative_rating, group_size),
        will_write_letter=will_write_letter,
        narrative=checked_text(narrative, FINAL_NARRATIVE_MAX, "narrative", required=True),
    )


# --- release ----------------------------------------------------------------------------------------


class ReleaseState(StrEnum):
    DRAFT = "draft"
    RELEASED = "released"


RELEASE_LABELS: dict[ReleaseState, str] = {ReleaseState.DRAFT: "Draft", ReleaseState.RELEASED: "Released"}

# Released is final: letters and dashboards quote released evaluations, so they must not change under them.
RELEASE_TRANSITIONS: dict[ReleaseState, frozenset[ReleaseState]] = {
    ReleaseState.DRAFT: frozenset({ReleaseState.RELEASED}),
    ReleaseState.RELEASED: frozenset(),
}


def plan_release(current: ReleaseState, target: ReleaseState) -> ReleaseState:
    """``target`` if an evaluation may move there from ``current``; else :class:`Conflict` naming both."""
    current, target = ReleaseState(current), ReleaseState(target)
    if target not in RELEASE_TRANSITIONS[current]:
        raise Conflict(
            f"Cannot move this evaluation from '{RELEASE_LABELS[current]}' to '{RELEASE_LABELS[target]}': "
            + (
                "a released evaluation is final."
                if current is ReleaseState.RELEASED
                else "it is already in that state."
            )
        )
    return target


def check_editable(state: ReleaseState) -> None:
    """The preceptor changes an evaluation only while it is a draft."""
    if ReleaseState(state) is not ReleaseState.DRAFT:
        raise Conflict("This evaluation has been released; it can no longer be changed.")


def visible_to_visitor(state: ReleaseState) -> bool:
    """Whether the evaluated visitor may see the evaluation: only once it is released."""
    return ReleaseState(state) is ReleaseState.RELEASED


# --- written evaluations ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class StoredEvaluation:
    """A per-encounter evaluation as written: who wrote it about whom, what it links to, the rotation
    week and day observed, the checked evaluation, and where it is in its release."""

    id: int
    enrollment_id: int
    preceptor_id: int
    visitor_id: int
    encounter_id: int | None
    presentation_id: int | None
    week: int
    observed_on: date
    evaluation: EncounterEvaluation
    state: ReleaseState
    released_at: datetime | None
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class StoredFinalEvaluation:
    """An end-of-rotation evaluation as written, with its author, visitor and release state."""

    id: int
    enrollment_id: int
    preceptor_id: int
    visitor_id: int
    evaluation: FinalEvaluation
    state: ReleaseState
    released_at: datetime | None
    created_at: datetime
    updated_at: datetime
