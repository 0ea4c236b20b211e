"""The PHI guard beside an open-source de-identification tool on a labelled corpus (docs/phi-guard.md).

Run with a Python in which the other tool is installed (it is not a dependency of Rounds):

    python -m venv /tmp/cmp && /tmp/cmp/bin/pip install scrubadub==2.0.1
    /tmp/cmp/bin/python bench/phi_compare.py CORPUS.jsonl

Prints, for scrubadub with every detector that loads without downloading data: snippet-level recall (an
identifying snippet counts when the tool finds anything in it), the false-positive rate (a clean snippet
with any finding), and recall per labelled category. Rounds' own figures on the same set come from
tests/phi_blind/evaluate.py (or, for a set already folded in, from its first blind run).
"""

from __future__ import annotations

import argparse
import json
from collections import defaultdict
from pathlib import Path
from typing import Any


def _scrubber() -> tuple[Any, list[str]]:
    """scrubadub's Scrubber with its defaults and every optional detector that loads offline."""
    # Imported here: the tool is installed on demand beside the bench, never with Rounds.
    import scrubadub  # type: ignore[import-not-found]

    scrubber = scrubadub.Scrubber()
    for name in ("date_of_birth", "text_blob_name"):
        try:
            scrubber.add_detector(name)
            list(scrubber.iter_filth("Mr. John Smith was born on 3/14/1950 in SW1A 1AA."))
        except Exception:  # a detector that needs data it cannot download: left out (the list says so)
            if name in scrubber._detectors:
                scrubber.remove_detector(name)
    return scrubber, [f"scrubadub {scrubadub.__version__}", *sorted(scrubber._detectors)]


def main() -> None:
    """Print the tool's figures on the corpus given."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("corpus", type=Path, help="JSON lines: id, text, categories")
    args = parser.parse_args()
    rows = [json.loads(line) for line in args.corpus.read_text(encoding="utf-8").splitlines() if line.strip()]
    scrubber, detectors = _scrubber()
    print(f"{detectors[0]}; detectors: {', '.join(detectors[1:])}")
    identifying = caught = clean = flagged = 0
    per: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for row in rows:
        found = bool(list(scrubber.iter_filth(row["text"])))
        if row["categories"]:
            identifying += 1
            caught += found
            for category in row["categories"]:
                per[category][0] += 1
                per[category][1] += found
        else:
            clean += 1
            flagged += found
    print(
        f"recall {caught}/{identifying} = {caught / identifying:.1%}; "
        f"false positives {flagged}/{clean} = {flagged / clean:.1%}"
    )
    for category, (n, k) in sorted(per.items(), key=lambda kv: kv[1][1] / kv[1][0]):
        print(f"  {category:<24} {k:>3}/{n:<3} {k / n:6.1%}")


if __name__ == "__main__":
    main()
