"""Hit@1 and hit@5 of the ICD-10-CM type-ahead on a blind query set (see README.md).

Run from the repository root:
``.venv/bin/python tests/icd10_blind/evaluate.py tests/icd10_blind/blind1.jsonl``.
Only the public ``server.codes.icd10.search`` is used.
"""

from __future__ import annotations

import json
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from server.codes.icd10 import search  # noqa: E402


def load(path: Path) -> list[dict[str, Any]]:
    """The queries: ``{"id", "query", "expected": [codes], "kind"?}``, one JSON object a line."""
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def measure(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Hit@1 and hit@5 over ``rows``, in all and per kind (counts and shares)."""
    hit1 = hit5 = 0
    by_kind: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for row in rows:
        found = [code.code for code in search(row["query"], 5)]
        expected = set(row["expected"])
        first = bool(found) and found[0] in expected
        top5 = bool(expected & set(found))
        hit1 += first
        hit5 += top5
        kind = by_kind[row.get("kind", "-")]
        kind[0] += top5
        kind[1] += 1
    n = len(rows)
    return {
        "queries": n,
        "hit1": hit1 / n,
        "hit5": hit5 / n,
        "by_kind": {k: v[0] / v[1] for k, v in by_kind.items()},
    }


def main() -> int:
    figures = measure(load(Path(sys.argv[1])))
    print(f"queries {figures['queries']}  hit@1 {figures['hit1']:.1%}  hit@5 {figures['hit5']:.1%}")
    for kind, share in sorted(figures["by_kind"].items()):
        print(f"  {kind}: hit@5 {share:.1%}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
