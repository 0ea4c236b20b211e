"""Blind evaluation of the PHI guard against tests/phi_blind/blind.jsonl.

Run from the repository root:

    .venv/bin/python tests/phi_blind/evaluate.py

A snippet labelled identifying counts as caught when ``check_text`` returns at least
one hit; a clean snippet is a false positive when it returns any hit. Only the public
``server.domain.phi.check_text`` is used.
"""

from __future__ import annotations

import json
import sys
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from server.domain.phi import check_text  # noqa: E402

CORPUS = HERE / "blind.jsonl"


def describe(text: str, hits) -> str:
    parts = []
    for h in hits:
        start, end = getattr(h, "start", None), getattr(h, "end", None)
        span = text[start:end] if start is not None and end is not None else "?"
        parts.append(f"[{getattr(h, 'category', '?')}] {span!r} ({getattr(h, 'reason', '')})")
    return "; ".join(parts) if parts else "no hits"


def main() -> int:
    rows = [json.loads(line) for line in CORPUS.read_text(encoding="utf-8").splitlines() if line.strip()]
    phi_rows = [r for r in rows if r["phi"]]
    clean_rows = [r for r in rows if not r["phi"]]

    misses, false_pos = [], []
    per_cat_total: dict[str, int] = defaultdict(int)
    per_cat_caught: dict[str, int] = defaultdict(int)

    for r in phi_rows:
        hits = check_text(r["text"])
        for c in r["categories"]:
            per_cat_total[c] += 1
            if hits:
                per_cat_caught[c] += 1
        if not hits:
            misses.append((r, hits))
    for r in clean_rows:
        hits = check_text(r["text"])
        if hits:
            false_pos.append((r, hits))

    caught = len(phi_rows) - len(misses)
    recall = caught / len(phi_rows) if phi_rows else 0.0
    fpr = len(false_pos) / len(clean_rows) if clean_rows else 0.0

    print(f"corpus: {len(rows)} snippets ({len(phi_rows)} identifying, {len(clean_rows)} clean)")
    print(f"recall on identifying snippets: {caught}/{len(phi_rows)} = {recall:.1%}")
    print(f"false-positive rate on clean snippets: {len(false_pos)}/{len(clean_rows)} = {fpr:.1%}")
    print()
    print("recall per category (a snippet counts for each of its categories):")
    for c in sorted(per_cat_total, key=lambda k: (per_cat_caught[k] / per_cat_total[k], k)):
        n, k = per_cat_total[c], per_cat_caught[c]
        print(f"  {c:<24} {k:>3}/{n:<3} {k / n:6.1%}")
    print()
    print(f"MISSES ({len(misses)}):")
    for r, hits in misses:
        print(f"  - [{', '.join(r['categories'])}] {r['text']}")
        print(f"      guard: {describe(r['text'], hits)}")
    print()
    print(f"FALSE POSITIVES ({len(false_pos)}):")
    for r, hits in false_pos:
        print(f"  - {r['text']}")
        print(f"      guard: {describe(r['text'], hits)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
