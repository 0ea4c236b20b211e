"""Ranked differential diagnoses, their validation, and scoring a visitor's list against the preceptor's.

A differential is a ranked list (rank 1 first) of diagnoses, each an ICD-10-CM code with a likelihood, a
"can't miss" flag, findings for and against, and the next test. The rules a list must follow:

* 0 to :data:`MAX_ITEMS` items (an empty list is a draft; :func:`check_submittable` asks for one item);
* ranks are exactly 1..n: no duplicates, no gaps;
* no code twice;
* **at most one item is "leading", and only at rank 1.** The leading diagnosis is the one the scores
  compare against, so it must be unambiguous; rank 1 need not be called "leading" (a preceptor may rank a
  diagnosis first while unsure of it), and below rank 1 likelihoods are free: a can't-miss diagnosis is
  often ranked above a likelier one because it must be ruled out first.

This module checks a code's shape only; whether it exists in ICD-10-CM is for the caller to say
(``known_code``), so the domain stays free of I/O.

Scoring (formative, not a grade), as the design notes on the differential describe it:

* a reference item and a visitor item *match* when their codes are equal (``exact``) or share the
  3-character category (``category``); a preceptor's override for the pair wins over both: it forces a
  match (``override``) or forbids one;
* the matching is one-to-one and deterministic: candidate pairs are taken greedily, overrides first, then
  exact matches, then category matches, each kind in order of the reference item's rank and then of the
  visitor item's rank; a pair is taken when neither item is already taken;
* top-1: the reference's rank-1 item (its leading diagnosis) is matched to the visitor's rank-1 item;
  top-3: it is matched to one of the visitor's first three;
* comprehensiveness = matched reference items / reference items; relevance = matched visitor items /
  visitor items; can't-miss coverage = matched can't-miss reference items / can't-miss reference items.
  A figure with nothing to divide by (an empty visitor list, no can't-miss item) has no value (None).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from server.domain.errors import Invalid

MAX_ITEMS = 10
MAX_FINDINGS_CHARS = 2000
MAX_NEXT_TEST_CHARS = 500
TOP_N = 3

_CODE_SHAPE = re.compile(r"[A-Z][0-9][0-9A-Z](?:\.?[0-9A-Z]{1,4})?")


class Likelihood(StrEnum):
    """How likely the diagnosis is, in the words preceptors use."""

    LEADING = "leading"
    LIKELY = "likely"
    LESS_LIKELY = "less_likely"
    UNLIKELY = "unlikely"


class MatchKind(StrEnum):
    """How a reference item came to be paired with a visitor item."""

    EXACT = "exact"
    CATEGORY = "category"
    OVERRIDE = "override"


def canonical_code(code: str) -> str | None:
    """``code`` upper-cased with the dot after its category ("e119" -> "E11.9") when it is shaped like an
    ICD-10-CM code, else None (also for anything that is not text)."""
    if not isinstance(code, str):
        return None
    text = code.strip().upper()
    if not _CODE_SHAPE.fullmatch(text):
        return None
    compact = text.replace(".", "")
    return compact if len(compact) == 3 else f"{compact[:3]}.{compact[3:]}"


@dataclass(frozen=True, slots=True)
class DifferentialItem:
    """One diagnosis in a ranked differential. Build lists through :func:`make_differential`, which checks
    and canonicalises every field."""

    rank: int
    code: str
    likelihood: Likelihood
    cant_miss: bool = False
    findings_for: str = ""
    findings_against: str = ""
    next_test: str = ""

    @property
    def category(self) -> str:
        """The 3-character ICD-10-CM category ("E11" for "E11.9")."""
        return self.code[:3]


@dataclass(frozen=True, slots=True)
class Differential:
    """A checked differential: items in rank order (see the module's rules). Make one with
    :func:`make_differential` (also when reading one back from storage): scoring relies on its checks."""

    items: tuple[DifferentialItem, ...] = ()

    @property
    def leading(self) -> DifferentialItem | None:
        """The rank-1 item: the leading diagnosis the scores compare against (None for an empty list)."""
        return self.items[0] if self.items else None

    def __len__(self) -> int:
        return len(self.items)


def _text(value: object, limit: int, where: str) -> str:
    if not isinstance(value, str):
        raise Invalid("Must be text.", field=where)
    if len(value) > limit:
        raise Invalid(f"At most {limit} characters (this has {len(value)}).", field=where)
    return value.strip()


def _checked_item(
    item: DifferentialItem, where: str, known_code: Callable[[str], bool] | None
) -> DifferentialItem:
    rank = item.rank
    if isinstance(rank, bool) or not isinstance(rank, int):
        raise Invalid("The rank must be a whole number.", field=f"{where}.rank")
    if not isinstance(item.code, str):
        raise Invalid("The code must be text.", field=f"{where}.code")
    code = canonical_code(item.code)
    if code is None:
        raise Invalid(f"{item.code[:60]!r} is not shaped like an ICD-10-CM code.", field=f"{where}.code")
    if known_code is not None and not known_code(code):
        raise Invalid(f"{code} is not an ICD-10-CM code.", field=f"{where}.code")
    try:
        likelihood = Likelihood(item.likelihood)
    except ValueError:
        choices = ", ".join(choice.value for choice in Likelihood)
        raise Invalid(f"The likelihood must be one of {choices}.", field=f"{where}.likelihood") from None
    if not isinstance(item.cant_miss, bool):
        raise Invalid("Can't-miss must be true or false.", field=f"{where}.cant_miss")
    return DifferentialItem(
        rank=rank,
        code=code,
        likelihood=likelihood,
        cant_miss=item.cant_miss,
        findings_for=_text(item.findings_for, MAX_FINDINGS_CHARS, f"{where}.findings_for"),
        findings_against=_text(item.findings_against, MAX_FINDINGS_CHARS, f"{where}.findings_against"),
        next_test=_text(item.next_test, MAX_NEXT_TEST_CHARS, f"{where}.next_test"),
    )


def make_differential(
    items: Iterable[DifferentialItem],
    *,
    field: str = "items",
    known_code: Callable[[str], bool] | None = None,
) -> Differential:
    """Check ``items`` against the rules in the module's documentation and return them as a
    :class:`Differential` in rank order, with codes canonical and text trimmed.

    Raises :class:`Invalid` naming the offending field as ``{field}[i].rank`` and the like, where ``i`` is
    the item's position in ``items`` as given. ``known_code``, when given, says whether a (canonical) code
    exists in the code set."""
    given = list(items)
    if len(given) > MAX_ITEMS:
        raise Invalid(
            f"A differential has at most {MAX_ITEMS} diagnoses (this has {len(given)}).", field=field
        )
    checked = [_checked_item(item, f"{field}[{i}]", known_code) for i, item in enumerate(given)]

    position_of_rank: dict[int, int] = {}
    position_of_code: dict[str, int] = {}
    for i, item in enumerate(checked):
        if not 1 <= item.rank <= len(checked):
            raise Invalid(
                f"Ranks run from 1 to {len(checked)}, one per diagnosis; {item.rank} is outside that.",
                field=f"{field}[{i}].rank",
            )
        if item.rank in position_of_rank:
            raise Invalid(
                f"Rank {item.rank} is given twice (items {position_of_rank[item.rank] + 1} and {i + 1}).",
                field=f"{field}[{i}].rank",
            )
        position_of_rank[item.rank] = i
        if item.code in position_of_code:
            raise Invalid(
                f"{item.code} is listed twice (items {position_of_code[item.code] + 1} and {i + 1}).",
                field=f"{field}[{i}].code",
            )
        position_of_code[item.code] = i
    # n distinct ranks, all within 1..n: so exactly 1..n, without gaps.

    for i, item in enumerate(checked):
        if item.likelihood is Likelihood.LEADING and item.rank != 1:
            raise Invalid(
                "Only the diagnosis ranked first may be called leading.", field=f"{field}[{i}].likelihood"
            )
    return Differential(tuple(sorted(checked, key=lambda item: item.rank)))


def check_submittable(differential: Differential, *, field: str = "items") -> None:
    """Raise :class:`Invalid` unless the differential can be submitted (or scored as a reference): it
    names at least one diagnosis."""
    if not differential.items:
        raise Invalid("Name at least one diagnosis.", field=field)


@dataclass(frozen=True, slots=True)
class Override:
    """A preceptor's ruling on one (reference code, visitor code) pair: ``match`` True forces the pair to
    match even across categories, False forbids it even when the codes are equal."""

    reference_code: str
    visitor_code: str
    match: bool


@dataclass(frozen=True, slots=True)
class Ratio:
    """``matched`` out of ``total``; ``value`` is None when there is nothing to count."""

    matched: int
    total: int

    @property
    def value(self) -> float | None:
        """The ratio as a number from 0 to 1, or None when ``total`` is 0."""
        return None if self.total == 0 else self.matched / self.total


@dataclass(frozen=True, slots=True)
class Pairing:
    """A reference item and the visitor item it was matched to (None when unmatched), and how."""

    reference: DifferentialItem
    visitor: DifferentialItem | None
    kind: MatchKind | None


@dataclass(frozen=True, slots=True)
class Score:
    """The scores and the side-by-side comparison behind them.

    ``pairings`` has one entry per reference item in rank order; ``unmatched_visitor`` lists the visitor's
    items that matched nothing, in rank order; ``leading_found_at`` is the visitor's rank of the item
    matched to the reference's leading diagnosis, if any."""

    top_1: bool
    top_3: bool
    leading_found_at: int | None
    comprehensiveness: Ratio
    relevance: Ratio
    cant_miss_coverage: Ratio
    pairings: tuple[Pairing, ...]
    unmatched_visitor: tuple[DifferentialItem, ...]


def _override_table(overrides: Iterable[Override]) -> dict[tuple[str, str], bool]:
    table: dict[tuple[str, str], bool] = {}
    for i, override in enumerate(overrides):
        reference_code = canonical_code(override.reference_code)
        visitor_code = canonical_code(override.visitor_code)
        if reference_code is None or visitor_code is None:
            raise Invalid("An override names a code that is not shaped like one.", field=f"overrides[{i}]")
        key = (reference_code, visitor_code)
        if table.get(key, override.match) != override.match:
            raise Invalid(
                f"The pair {reference_code} / {visitor_code} is both forced to match and forbidden to.",
                field=f"overrides[{i}]",
            )
        table[key] = override.match
    return table


def _kind(
    reference: DifferentialItem, visitor: DifferentialItem, overrides: dict[tuple[str, str], bool]
) -> MatchKind | None:
    ruling = overrides.get((reference.code, visitor.code))
    if ruling is not None:
        return MatchKind.OVERRIDE if ruling else None
    if reference.code == visitor.code:
        return MatchKind.EXACT
    if reference.category == visitor.category:
        return MatchKind.CATEGORY
    return None


_PRECEDENCE = {MatchKind.OVERRIDE: 0, MatchKind.EXACT: 1, MatchKind.CATEGORY: 2}


def match_items(
    reference: Sequence[DifferentialItem],
    visitor: Sequence[DifferentialItem],
    overrides: Iterable[Override] = (),
) -> dict[int, tuple[int, MatchKind]]:
    """The one-to-one matching, as {reference position: (visitor position, kind)} over the two sequences
    (each in rank order). See the module's documentation for the order pairs are taken in; an override
    naming a code on neither list has no effect."""
    table = _override_table(overrides)
    candidates: list[tuple[int, int, int, int, int, MatchKind]] = []
    for r, reference_item in enumerate(reference):
        for v, visitor_item in enumerate(visitor):
            kind = _kind(reference_item, visitor_item, table)
            if kind is not None:
                candidates.append((_PRECEDENCE[kind], reference_item.rank, visitor_item.rank, r, v, kind))
    candidates.sort(key=lambda candidate: candidate[:3])
    matched: dict[int, tuple[int, MatchKind]] = {}
    taken_visitor: set[int] = set()
    for _, _, _, r, v, kind in candidates:
        if r not in matched and v not in taken_visitor:
            matched[r] = (v, kind)
            taken_visitor.add(v)
    return matched


def score(visitor: Differential, reference: Differential, overrides: Iterable[Override] = ()) -> Score:
    """Score the visitor's differential against the preceptor's reference (see the module's documentation).

    Raises :class:`Invalid` when the reference is empty (there is nothing to score against) or the
    overrides contradict each other."""
    check_submittable(reference, field="reference")
    matched = match_items(reference.items, visitor.items, overrides)
    pairings = tuple(
        Pairing(item, visitor.items[matched[r][0]], matched[r][1])
        if r in matched
        else Pairing(item, None, None)
        for r, item in enumerate(reference.items)
    )
    taken = {v for v, _ in matched.values()}
    unmatched = tuple(item for v, item in enumerate(visitor.items) if v not in taken)
    leading = pairings[0].visitor
    leading_found_at = None if leading is None else leading.rank
    cant_miss = [pairing for pairing in pairings if pairing.reference.cant_miss]
    return Score(
        top_1=leading_found_at == 1,
        top_3=leading_found_at is not None and leading_found_at <= TOP_N,
        leading_found_at=leading_found_at,
        comprehensiveness=Ratio(len(matched), len(reference)),
        relevance=Ratio(len(matched), len(visitor)),
        cant_miss_coverage=Ratio(sum(pairing.visitor is not None for pairing in cant_miss), len(cant_miss)),
        pairings=pairings,
        unmatched_visitor=unmatched,
    )
