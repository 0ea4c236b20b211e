"""Request and response types of evaluations: the per-encounter telehealth mini-CEX with EPA ratings and
the RIME stage, the end-of-rotation evaluation with its comparative rating and group size, the evidence
summary (counts, spread, week-by-week trajectory) and the coordinator's counts.

The vocabularies come from :mod:`server.domain.evaluations`; the domain re-checks every value (scope per
rotation type included) when the service builds the evaluation."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import Field, StrictBool, StringConstraints, WithJsonSchema

from server.domain.evaluations import (
    FINAL_NARRATIVE_MAX,
    MINUTES_FEEDBACK_MAX,
    MINUTES_OBSERVED_MAX,
    MINUTES_OBSERVED_MIN,
    NARRATIVE_MAX,
    SCALE_MAX,
    SCALE_MIN,
    ComparativeRating,
    Competency,
    Entrustment,
    Epa,
    MiniCexItem,
    ReleaseState,
    RimeStage,
)
from server.domain.evidence import MAX_WEEK
from server.domain.vocab import RotationType
from server.schemas.base import Id, Input, Output


def _scored(names: Sequence[str], value: dict[str, Any]) -> dict[str, Any]:
    """The JSON schema of an object whose keys are ``names`` and whose values are ``value`` (or not
    observed). The values are checked by the domain (:mod:`server.domain.evaluations`), which names the
    exact field and, for anything outside the rotation type's scope, what may be rated instead."""
    return {
        "type": "object",
        "propertyNames": {"enum": list(names)},
        "additionalProperties": {"anyOf": [value, {"const": "not_observed"}, {"type": "null"}]},
    }


SCORE_SCHEMA: dict[str, Any] = {"type": "integer", "minimum": SCALE_MIN, "maximum": SCALE_MAX}
Ratings = Annotated[
    dict[str, Any],
    Field(max_length=len(MiniCexItem)),
    WithJsonSchema(_scored([item.value for item in MiniCexItem], SCORE_SCHEMA)),
]
Competencies = Annotated[
    dict[str, Any],
    Field(max_length=len(Competency)),
    WithJsonSchema(_scored([c.value for c in Competency], SCORE_SCHEMA)),
]
Levels = Annotated[
    dict[str, Any],
    Field(max_length=len(Epa)),
    WithJsonSchema(_scored([epa.value for epa in Epa], {"enum": [level.value for level in Entrustment]})),
]
Narrative = Annotated[str, StringConstraints(strip_whitespace=True, max_length=NARRATIVE_MAX)]
FinalNarrative = Annotated[str, StringConstraints(strip_whitespace=True, max_length=FINAL_NARRATIVE_MAX)]
NARRATIVE_HELP = "Free text, checked for patient identifiers before it is saved."


class EncounterEvaluationIn(Input):
    """One observed encounter. Rate only what you saw: an item left out (or null, or "not_observed") is
    not observed. Observerships, research and advanced study rate only professionalism of the mini-CEX,
    EPAs 2, 6 and 7, and the RIME stage."""

    week: Annotated[int, Field(ge=1, le=MAX_WEEK, strict=True, description="Rotation week (1..).")]
    observed_on: date | None = Field(default=None, description="The day observed (UTC); today if left out.")
    encounter_id: Id | None = Field(default=None, description="The encounter observed, if recorded.")
    presentation_id: Id | None = Field(default=None, description="The presentation observed, if any.")
    ratings: Ratings = Field(
        default_factory=dict,
        description="mini-CEX items: 1-3 unsatisfactory, 4-6 satisfactory, 7-9 superior.",
    )
    epas: Levels = Field(
        default_factory=dict, description="EPA -> entrustment level (1, 2a, 2b, 3a, 3b, 3c, 4, 5)."
    )
    rime: RimeStage | None = None
    minutes_observed: Annotated[int, Field(ge=MINUTES_OBSERVED_MIN, le=MINUTES_OBSERVED_MAX, strict=True)]
    minutes_feedback: Annotated[int, Field(ge=0, le=MINUTES_FEEDBACK_MAX, strict=True)] = 0
    strengths: Narrative = Field(default="", description=NARRATIVE_HELP)
    improvement: Narrative = Field(default="", description="One thing to improve. " + NARRATIVE_HELP)
    example: Narrative = Field(default="", description="One concrete observed example. " + NARRATIVE_HELP)


class EncounterEvaluationOut(Output):
    id: int
    enrollment_id: int
    preceptor_id: int
    preceptor_name: str
    visitor_id: int
    encounter_id: int | None
    presentation_id: int | None
    rotation_type: RotationType
    week: int
    observed_on: date
    ratings: dict[MiniCexItem, int | None] = Field(description="Every item; null = not observed.")
    epas: dict[Epa, Entrustment] = Field(description="Only the EPAs rated.")
    rime: RimeStage | None
    minutes_observed: int
    minutes_feedback: int
    strengths: str
    improvement: str
    example: str
    state: ReleaseState
    released_at: datetime | None
    created_at: datetime
    updated_at: datetime


class FinalEvaluationIn(Input):
    """The end-of-rotation evaluation. ``comparative_rating`` null records no ranking; a ranking needs at
    least 5 past visitors of yours (top 10%: 9), counted by Rounds."""

    competencies: Competencies = Field(
        default_factory=dict,
        description="Competency -> 1-9 or not observed; the rotation type limits which.",
    )
    comparative_rating: ComparativeRating | None = None
    will_write_letter: StrictBool
    narrative: FinalNarrative = Field(default="", description=NARRATIVE_HELP)


class FinalEvaluationOut(Output):
    id: int
    enrollment_id: int
    preceptor_id: int
    preceptor_name: str
    visitor_id: int
    rotation_type: RotationType
    competencies: dict[Competency, int | None] = Field(description="Every competency; null = not rated.")
    comparative_rating: ComparativeRating | None
    group_size: int = Field(
        description="The preceptor's past visitors compared with, as it was when written."
    )
    comparison_label: str = Field(description='E.g. "Top third of 12 past visitors".')
    will_write_letter: bool
    narrative: str
    state: ReleaseState
    released_at: datetime | None
    created_at: datetime
    updated_at: datetime


class ComparisonGroupOut(Output):
    enrollment_id: int
    preceptor_id: int
    group_size: int = Field(description="Distinct past visitors (completed rotations), not this one.")
    enough_to_compare: bool
    top_ten_allowed: bool
    label: str


class WeekPointOut(Output):
    week: int
    count: int
    mean: float
    low_median: int


class TrajectoryOut(Output):
    first_week: int
    first_mean: float
    last_week: int
    last_mean: float
    change: float


class StatsOut(Output):
    count: int
    not_observed: int
    mean: float | None
    median: float | None
    low_median: int | None
    minimum: int | None
    maximum: int | None
    spread: int | None
    by_week: list[WeekPointOut]
    trajectory: TrajectoryOut | None
    evaluation_ids: list[int]


class ItemStatsOut(Output):
    item: MiniCexItem
    label: str
    stats: StatsOut


class EpaStatsOut(Output):
    epa: Epa
    label: str
    stats: StatsOut = Field(description="Over the levels' ranks 1..8 (1 = observe only).")
    median_level: Entrustment | None
    lowest: Entrustment | None
    highest: Entrustment | None
    latest: Entrustment | None


class RimeOut(Output):
    counts: dict[RimeStage, int]
    latest: RimeStage | None
    latest_week: int | None
    stats: StatsOut = Field(description="Over the stages' ranks (reporter 1 .. educator 4).")


class ExampleOut(Output):
    evaluation_id: int
    week: int
    on: date
    text: str


class EvaluationSummaryOut(Output):
    enrollment_id: int
    released_only: bool = Field(description="True when only released evaluations are counted (the visitor).")
    evaluations: int
    weeks: list[int]
    minutes_observed: int
    minutes_feedback: int
    items: list[ItemStatsOut]
    epas: list[EpaStatsOut]
    rime: RimeOut
    examples: list[ExampleOut] = Field(description="The strongest concrete observed examples.")
    evaluation_ids: list[int]


class EvaluationCountsOut(Output):
    """Counts only, no ratings and no text: what a coordinator sees."""

    enrollment_id: int
    released: int
    drafts: int | None = Field(description="Null for the visitor, who sees released evaluations only.")
    weeks_with_released: list[int]
    final_released: int
    final_drafts: int | None


class ReleaseIn(Input):
    """Releasing is final: the body must say so."""

    confirm: Literal[True] = Field(
        description="Must be true: a released evaluation can no longer be changed."
    )
