"""Blind evaluation of the PHI guard against tests/phi_blind/blind.jsonl.

Run from the repository root:

    .venv/bin/python tests/phi_blind/evaluate.py

A snippet labelled identifying counts as caught when ``check_text`` returns at least one hit (the save
would be blocked); it is also reported whether a hit had the labelled category. A clean snippet is a false
positive when it returns any hit. Only the public ``server.domain.phi.check_text`` is used.
"""

from __future__ import annotations

import json
import sys
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from server.domain.phi import PhiHit, check_text  # noqa: E402

CORPUS = HERE / "blind.jsonl"


def load(path: Path = CORPUS) -> list[dict[str, Any]]:
    """The labelled rows: ``{"id", "text", "phi", "categories"}``, and ``parties`` where a row has them
    (the names of the platform's own people party to the record, passed to ``check_text``).

    A new blind set may be dropped in with either label: ``phi`` is derived from ``categories`` when it is
    missing, and ``categories`` defaults to empty (a snippet marked ``"phi": true`` without categories still
    counts as identifying, it just adds nothing to the per-category figures).
    """
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    for row in rows:
        row.setdefault("categories", [])
        row.setdefault("phi", bool(row["categories"]))
    return rows


@dataclass
class Figures:
    """What one run of the guard over the corpus gives."""

    identifying: int = 0
    clean: int = 0
    caught: int = 0  # identifying snippets with any hit
    caught_in_category: int = 0  # ... with a hit of a labelled category
    flagged: int = 0  # clean snippets with any hit
    per_category: dict[str, list[int]] = field(default_factory=lambda: defaultdict(lambda: [0, 0]))
    misses: list[tuple[dict[str, Any], list[PhiHit]]] = field(default_factory=list)
    false_positives: list[tuple[dict[str, Any], list[PhiHit]]] = field(default_factory=list)

    @property
    def recall(self) -> float:
        return self.caught / self.identifying if self.identifying else 0.0

    @property
    def category_recall(self) -> float:
        return self.caught_in_category / self.identifying if self.identifying else 0.0

    @property
    def fp_rate(self) -> float:
        return self.flagged / self.clean if self.clean else 0.0


def evaluate(rows: list[dict[str, Any]]) -> Figures:
    """Run ``check_text`` over every row once."""
    figures = Figures()
    for row in rows:
        hits = check_text(row["text"], parties=row.get("parties", ()))
        if row["phi"]:
            figures.identifying += 1
            found = {h.category.value for h in hits}
            figures.caught += bool(hits)
            figures.caught_in_category += bool(found & set(row["categories"]))
            for category in row["categories"]:
                figures.per_category[category][0] += 1
                figures.per_category[category][1] += bool(hits)
            if not hits:
                figures.misses.append((row, hits))
        else:
            figures.clean += 1
            if hits:
                figures.flagged += 1
                figures.false_positives.append((row, hits))
    return figures


def describe(text: str, hits: list[PhiHit]) -> str:
    parts = [f"[{h.category.value}] {text[h.start : h.end]!r} ({h.reason})" for h in hits]
    return "; ".join(parts) if parts else "no hits"


def main() -> int:
    rows = load()
    f = evaluate(rows)
    print(f"corpus: {len(rows)} snippets ({f.identifying} identifying, {f.clean} clean)")
    print(f"recall on identifying snippets: {f.caught}/{f.identifying} = {f.recall:.1%}")
    print(
        f"  with a hit of the labelled category: {f.caught_in_category}/{f.identifying} = "
        f"{f.category_recall:.1%}"
    )
    print(f"false-positive rate on clean snippets: {f.flagged}/{f.clean} = {f.fp_rate:.1%}")
    print()
    print("recall per category (a snippet counts for each of its categories):")
    for c in sorted(f.per_category, key=lambda k: (f.per_category[k][1] / f.per_category[k][0], k)):
        n, k = f.per_category[c]
        print(f"  {c:<24} {k:>3}/{n:<3} {k / n:6.1%}")
    print()
    print(f"MISSES ({len(f.misses)}):")
    for r, _hits in f.misses:
        print(f"  - {r['id']} [{', '.join(r['categories'])}] {r['text']}")
    print()
    print(f"FALSE POSITIVES ({len(f.false_positives)}):")
    for r, hits in f.false_positives:
        print(f"  - {r['id']} {r['text']}")
        print(f"      guard: {describe(r['text'], hits)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
