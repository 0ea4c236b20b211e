"""Aggregating a visitor's evaluations into the evidence letters and dashboards show.

Plain Python, no I/O. The input is a sequence of :class:`DatedEvaluation` (an evaluation's id, its rotation
week and date, and the checked :class:`~server.domain.evaluations.EncounterEvaluation`); the caller decides
which evaluations count (a visitor's dashboard: released ones only; a preceptor's letter: their own).

For each mini-CEX item and each EPA, :func:`summarize` gives a :class:`Stats`:

* ``count``: ratings given; ``not_observed``: evaluations in which it was not rated. Not-observed never
  enters a figure: it is neither a zero nor a missing value to impute;
* ``mean``, ``median``, ``minimum``, ``maximum`` of the ratings (None when there are none). EPAs are
  aggregated on their ordinal (1..8, see ``ENTRUSTMENT_ORDINAL``) and :class:`EpaStats` turns the median,
  minimum and maximum back into levels. ``median`` is the usual one (2.5 for [2, 3]); ``low_median`` is
  the lower of the two middle values for an even count, so it is always a rating actually given and a
  letter never quotes a level that was not reached;
* ``by_week``: the per-week series (week, count, mean, low median) in week order, weeks without ratings
  left out;
* ``trajectory``: the first rated week's mean against the last rated week's mean (the "week 1 -> week 4"
  of a four-week rotation, whichever weeks actually have ratings); None when all ratings fall in one week;
* ``evaluation_ids``: the evaluations the figures rest on (those that rated it), in input order.

:func:`strongest_examples` picks the concrete observed examples a letter should quote.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from server.domain.errors import Invalid
from server.domain.evaluations import (
    ENTRUSTMENT_BY_ORDINAL,
    ENTRUSTMENT_ORDINAL,
    RIME_ORDINAL,
    EncounterEvaluation,
    Entrustment,
    Epa,
    MiniCexItem,
    RimeStage,
)

MAX_WEEK = 52  # a stack of blocks is at most a year long
EXAMPLES_DEFAULT = 3


class EvidenceKind(StrEnum):
    """What a piece of evidence is. ``enrollment`` stands for the platform's own records of one enrollment
    (attendance, sessions, case logs): the numbers nobody typed."""

    EVALUATION = "evaluation"
    FINAL_EVALUATION = "final_evaluation"
    PRESENTATION = "presentation"
    ENROLLMENT = "enrollment"


@dataclass(frozen=True, slots=True, order=True)
class EvidenceRef:
    """A pointer to one record a claim rests on, e.g. ``EvidenceRef(EvidenceKind.EVALUATION, 12)``."""

    kind: EvidenceKind
    id: int

    def __str__(self) -> str:
        return f"{self.kind.value}:{self.id}"


def parse_ref(text: str, field: str) -> EvidenceRef:
    """The record ``text`` names as ``kind:id`` ("evaluation:12"); :class:`Invalid` on ``field`` if it
    names none. Both what an author sends and what a saved letter stores are read this way."""
    kind, _, number = text.partition(":")
    try:
        return EvidenceRef(EvidenceKind(kind), int(number))
    except ValueError:
        raise Invalid(f'"{text}" does not name a record ("evaluation:12").', field=field) from None


@dataclass(frozen=True, slots=True)
class DatedEvaluation:
    """One evaluation as the aggregation sees it: its id, the rotation week (1..) and date of the
    encounter, and the checked evaluation."""

    evaluation_id: int
    week: int
    on: date
    evaluation: EncounterEvaluation

    @property
    def ref(self) -> EvidenceRef:
        """This evaluation as evidence."""
        return EvidenceRef(EvidenceKind.EVALUATION, self.evaluation_id)


@dataclass(frozen=True, slots=True)
class WeekPoint:
    """The ratings of one rotation week: how many and their mean."""

    week: int
    count: int
    mean: float
    low_median: int  # the week's median, the lower middle rating for an even count: a rating given


@dataclass(frozen=True, slots=True)
class Trajectory:
    """The first rated week's mean against the last rated week's mean."""

    first_week: int
    first_mean: float
    last_week: int
    last_mean: float

    @property
    def change(self) -> float:
        """Last minus first (positive = rising)."""
        return self.last_mean - self.first_mean


@dataclass(frozen=True, slots=True)
class Stats:
    """Figures for one item over a visitor's evaluations (see the module's documentation)."""

    count: int
    not_observed: int
    mean: float | None
    median: float | None
    low_median: int | None  # the lower middle rating for an even count: always a rating actually given
    minimum: int | None
    maximum: int | None
    by_week: tuple[WeekPoint, ...]
    trajectory: Trajectory | None
    evaluation_ids: tuple[int, ...]

    @property
    def spread(self) -> int | None:
        """Maximum minus minimum (None without ratings)."""
        if self.minimum is None or self.maximum is None:
            return None
        return self.maximum - self.minimum


@dataclass(frozen=True, slots=True)
class EpaStats:
    """Figures for one EPA: :class:`Stats` over the ordinals, with the levels behind them."""

    epa: Epa
    stats: Stats
    latest: Entrustment | None  # the level of the latest rating (by date, then week, then input order)

    @property
    def median_level(self) -> Entrustment | None:
        """The median as a level: the lower middle level for an even count, so always a level given."""
        return None if self.stats.low_median is None else ENTRUSTMENT_BY_ORDINAL[self.stats.low_median]

    def week_level(self, point: WeekPoint) -> Entrustment:
        """A week's median as a level (the lower middle level for an even count)."""
        return ENTRUSTMENT_BY_ORDINAL[point.low_median]

    @property
    def lowest(self) -> Entrustment | None:
        """The lowest level given."""
        return None if self.stats.minimum is None else ENTRUSTMENT_BY_ORDINAL[self.stats.minimum]

    @property
    def highest(self) -> Entrustment | None:
        """The highest level given."""
        return None if self.stats.maximum is None else ENTRUSTMENT_BY_ORDINAL[self.stats.maximum]


@dataclass(frozen=True, slots=True)
class RimeSummary:
    """RIME stages over the evaluations: counts per stage, the latest stage, and :class:`Stats` over the
    stage's ordinal (reporter 1 .. educator 4)."""

    counts: dict[RimeStage, int]
    latest: RimeStage | None
    latest_week: int | None
    stats: Stats


@dataclass(frozen=True, slots=True)
class EvidenceSummary:
    """Everything :func:`summarize` computes for one visitor."""

    evaluations: int
    weeks: tuple[int, ...]  # the rotation weeks with at least one evaluation, in order
    minutes_observed: int
    minutes_feedback: int
    items: dict[MiniCexItem, Stats]
    epas: dict[Epa, EpaStats]
    rime: RimeSummary
    evaluation_ids: tuple[int, ...]  # every evaluation summarized, in input order


@dataclass(frozen=True, slots=True)
class ObservedExample:
    """A concrete observed example from an evaluation's narrative, with where it comes from."""

    evaluation_id: int
    week: int
    on: date
    text: str
    score: float | None  # what it was ranked by (see :func:`strongest_examples`)

    @property
    def ref(self) -> EvidenceRef:
        """The evaluation it comes from, as evidence."""
        return EvidenceRef(EvidenceKind.EVALUATION, self.evaluation_id)


def check_dated(evaluations: Sequence[DatedEvaluation]) -> list[DatedEvaluation]:
    """The evaluations as a list, after checking each id is a whole number >= 1 and unique, each week a
    whole number from 1 to 52, each date a date and each evaluation a checked one. Raises Invalid."""
    seen: set[int] = set()
    out: list[DatedEvaluation] = []
    for i, dated in enumerate(evaluations):
        where = f"evaluations[{i}]"
        if not isinstance(dated, DatedEvaluation):
            raise Invalid("Must be a dated evaluation.", field=where)
        eid = dated.evaluation_id
        if isinstance(eid, bool) or not isinstance(eid, int) or eid < 1:
            raise Invalid("The evaluation id must be a whole number from 1.", field=f"{where}.evaluation_id")
        if eid in seen:
            raise Invalid(f"Evaluation {eid} is given twice.", field=f"{where}.evaluation_id")
        seen.add(eid)
        week = dated.week
        if isinstance(week, bool) or not isinstance(week, int) or not 1 <= week <= MAX_WEEK:
            raise Invalid(
                f"The rotation week must be a whole number from 1 to {MAX_WEEK}.", field=f"{where}.week"
            )
        if not isinstance(dated.on, date):
            raise Invalid("The date must be a date.", field=f"{where}.on")
        if not isinstance(dated.evaluation, EncounterEvaluation):
            raise Invalid("Must be a checked evaluation.", field=f"{where}.evaluation")
        out.append(dated)
    return out


def stats_of(points: Sequence[tuple[int, int, int]], not_observed: int) -> Stats:
    """:class:`Stats` of ``points`` given as (week, value, evaluation id), in input order, with
    ``not_observed`` counted alongside. The building block of :func:`summarize`."""
    values = [value for _, value, _ in points]
    weeks: dict[int, list[int]] = {}
    for week, value, _ in points:
        weeks.setdefault(week, []).append(value)
    by_week = tuple(
        WeekPoint(week, len(weeks[week]), statistics.fmean(weeks[week]), statistics.median_low(weeks[week]))
        for week in sorted(weeks)
    )
    trajectory = None
    if len(by_week) >= 2:
        first, last = by_week[0], by_week[-1]
        trajectory = Trajectory(first.week, first.mean, last.week, last.mean)
    return Stats(
        count=len(values),
        not_observed=not_observed,
        mean=statistics.fmean(values) if values else None,
        median=float(statistics.median(values)) if values else None,
        low_median=statistics.median_low(values) if values else None,
        minimum=min(values) if values else None,
        maximum=max(values) if values else None,
        by_week=by_week,
        trajectory=trajectory,
        evaluation_ids=tuple(eid for _, _, eid in points),
    )


def _latest_first(evaluations: list[DatedEvaluation]) -> list[DatedEvaluation]:
    # Latest by date, then week; among equals the one given last wins (a stable sort reversed by index).
    indexed = list(enumerate(evaluations))
    indexed.sort(key=lambda pair: (pair[1].on, pair[1].week, pair[0]), reverse=True)
    return [dated for _, dated in indexed]


def summarize(evaluations: Sequence[DatedEvaluation]) -> EvidenceSummary:
    """Aggregate a visitor's evaluations (see the module's documentation). Raises Invalid for input that
    :func:`check_dated` refuses. An empty sequence gives a summary with zero counts and no figures."""
    checked = check_dated(evaluations)

    items: dict[MiniCexItem, Stats] = {}
    for item in MiniCexItem:
        points = [
            (d.week, score, d.evaluation_id)
            for d in checked
            if (score := d.evaluation.ratings.get(item)) is not None
        ]
        items[item] = stats_of(points, len(checked) - len(points))

    latest_order = _latest_first(checked)
    epas: dict[Epa, EpaStats] = {}
    for epa in Epa:
        points = [
            (d.week, ENTRUSTMENT_ORDINAL[d.evaluation.epas[epa]], d.evaluation_id)
            for d in checked
            if epa in d.evaluation.epas
        ]
        latest = next((d.evaluation.epas[epa] for d in latest_order if epa in d.evaluation.epas), None)
        epas[epa] = EpaStats(epa, stats_of(points, len(checked) - len(points)), latest)

    rime_points = [
        (d.week, RIME_ORDINAL[d.evaluation.rime], d.evaluation_id) for d in checked if d.evaluation.rime
    ]
    latest_rime = next((d for d in latest_order if d.evaluation.rime is not None), None)
    rime = RimeSummary(
        counts={stage: sum(d.evaluation.rime is stage for d in checked) for stage in RimeStage},
        latest=None if latest_rime is None else latest_rime.evaluation.rime,
        latest_week=None if latest_rime is None else latest_rime.week,
        stats=stats_of(rime_points, len(checked) - len(rime_points)),
    )
    return EvidenceSummary(
        evaluations=len(checked),
        weeks=tuple(sorted({d.week for d in checked})),
        minutes_observed=sum(d.evaluation.minutes_observed for d in checked),
        minutes_feedback=sum(d.evaluation.minutes_feedback for d in checked),
        items=items,
        epas=epas,
        rime=rime,
        evaluation_ids=tuple(d.evaluation_id for d in checked),
    )


def _example_score(evaluation: EncounterEvaluation) -> float | None:
    overall = evaluation.ratings.get(MiniCexItem.OVERALL)
    if overall is not None:
        return float(overall)
    rated = evaluation.rated_items()
    return statistics.fmean(rated.values()) if rated else None


def strongest_examples(
    evaluations: Sequence[DatedEvaluation], limit: int = EXAMPLES_DEFAULT
) -> list[ObservedExample]:
    """Up to ``limit`` concrete observed examples for a letter, strongest first.

    "Strongest" is the evaluation's own judgment of the encounter: its *overall* mini-CEX rating, or the
    mean of its rated items when overall was not observed; an evaluation with no mini-CEX rating at all
    (EPAs or RIME only) ranks after every rated one. Ties go to the later encounter (date, then week),
    then to the higher id. Raises Invalid for a ``limit`` below 0 or input :func:`check_dated` refuses."""
    if isinstance(limit, bool) or not isinstance(limit, int) or limit < 0:
        raise Invalid("The number of examples must be a whole number from 0.", field="limit")
    checked = check_dated(evaluations)
    examples = [
        ObservedExample(d.evaluation_id, d.week, d.on, d.evaluation.example, _example_score(d.evaluation))
        for d in checked
        if d.evaluation.example
    ]
    examples.sort(
        key=lambda e: (e.score is not None, e.score or 0.0, e.on, e.week, e.evaluation_id), reverse=True
    )
    return examples[:limit]
