"""How fast the ICD-10-CM type-ahead is: load and index build time and the memory each adds to the
process, then the latency of a few hundred
queries typed one character at a time ("d", "di", "dia", "diab", ...), against a naive linear scan over all
descriptions run in the same process on the same queries.

Run: ``.venv/bin/python bench/icd10_search.py [--repeat N]``. Reading the figures: the aim is well under
100 ms per query on the full code set; the speed-up compares medians (and totals) with the scan.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import time
import warnings
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.common import percentile, process_rss_mb  # noqa: E402
from server.codes import icd10  # noqa: E402

LIMIT = 20

# What people type into a diagnosis box: words, phrases and codes, each typed out a character at a time.
TARGETS = [
    "diabetes",
    "type 2 diabetes",
    "hypertension",
    "essential hypertension",
    "asthma exacerbation",
    "chest pain",
    "pneumonia",
    "urinary tract infection",
    "acute kidney injury",
    "chronic kidney disease stage 3",
    "heart failure",
    "atrial fibrillation",
    "myocardial infarction",
    "pulmonary embolism",
    "copd exacerbation",
    "depression",
    "major depressive disorder",
    "anxiety",
    "migraine",
    "headache",
    "low back pain",
    "sepsis",
    "cellulitis",
    "gastroesophageal reflux",
    "abdominal pain",
    "appendicitis",
    "hypothyroidism",
    "hyperlipidemia",
    "obesity",
    "anemia",
    "iron deficiency",
    "covid",
    "fracture femur",
    "otitis media",
    "pharyngitis",
    "dysuria",
    "syncope",
    "crohn",
    "E11.9",
    "I10",
    "J45.901",
    "N39.0",
    "R07.9",
    "S72.001A",
    "Z00.00",
]


def typed(target: str) -> list[str]:
    """Every prefix a person passes through while typing ``target``, skipping those ending in a space."""
    return [target[:end] for end in range(1, len(target) + 1) if not target[:end].endswith(" ")]


def naive_search(descriptions: list[tuple[str, str, str]]) -> Callable[[str], list[str]]:
    """The baseline: scan every (code, compact code, lower-case description) for the query as a code prefix
    or for every query word as a substring (``in``), then rank by description length."""

    def search(query: str) -> list[str]:
        words = query.lower().split()
        compact = query.strip().upper().replace(".", "")
        hits = [
            (len(description), code)
            for code, code_compact, description in descriptions
            if code_compact.startswith(compact) or all(word in description for word in words)
        ]
        hits.sort()
        return [code for _, code in hits[:LIMIT]]

    return search


def latencies(search: Callable[[str], object], queries: list[str], repeat: int) -> list[float]:
    """Milliseconds per query: the best of ``repeat`` runs of each (the least disturbed by other work)."""
    found: list[float] = []
    for query in queries:
        best = float("inf")
        for _ in range(repeat):
            started = time.perf_counter()
            search(query)
            best = min(best, time.perf_counter() - started)
        found.append(best * 1000)
    return found


def summary(figures: list[float]) -> tuple[float, float, float, float]:
    """(p50, p95, max, total) of the figures; the p50 is their median, the p95 a nearest-rank one."""
    return statistics.median(figures), percentile(figures, 0.95), max(figures), sum(figures)


def main() -> None:
    """Build the index, time both searches over the same queries, and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs per query; the best counts (default 3)")
    arguments = parser.parse_args()

    # the package is imported here first, so that the memory it takes is told apart from the index's
    resident = process_rss_mb(os.getpid())
    started = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        import simple_icd_10_cm  # noqa: F401

    package_seconds = time.perf_counter() - started
    package_cpu = time.process_time()
    with_package = process_rss_mb(os.getpid())
    stats = icd10.warm_up()
    index_cpu = time.process_time() - package_cpu
    with_index = process_rss_mb(os.getpid())
    # CPU seconds as well as wall: on a busy machine the wall time mostly measures the other processes
    print(f"codes: {stats.codes:,}  distinct description words: {stats.words:,}")
    print(
        f"load simple_icd_10_cm (XML parse): {package_seconds:.2f} s ({package_cpu:.2f} s CPU), "
        f"+{with_package - resident:.0f} MiB RSS"
    )
    print(
        f"build Rounds' search index:        {stats.index_seconds:.2f} s ({index_cpu:.2f} s CPU), "
        f"+{with_index - with_package:.0f} MiB RSS"
    )

    queries = [query for target in TARGETS for query in typed(target)]
    index = icd10._loaded()  # the bench reads the loaded descriptions to feed the baseline the same data
    descriptions = [
        (code, code.replace(".", ""), re.sub(r"\s+", " ", description.lower()))
        for code, description in zip(index.code, index.description, strict=True)
    ]
    baseline = naive_search(descriptions)

    def indexed(query: str) -> list[icd10.Icd10Code]:
        return icd10.search(query, LIMIT)

    for query in queries[:20]:  # warm both up
        indexed(query)
        baseline(query)
    ours = latencies(indexed, queries, arguments.repeat)
    theirs = latencies(baseline, queries, max(1, arguments.repeat // 3))

    print(f"\n{len(queries)} type-ahead queries from {len(TARGETS)} targets, limit {LIMIT}")
    print(f"{'':14}{'p50 ms':>10}{'p95 ms':>10}{'max ms':>10}{'total ms':>12}")
    for name, figures in (("index", ours), ("linear scan", theirs)):
        p50, p95, worst, total = summary(figures)
        print(f"{name:14}{p50:10.3f}{p95:10.3f}{worst:10.3f}{total:12.1f}")
    ours_p50, ours_p95, ours_max, ours_total = summary(ours)
    theirs_p50, theirs_p95, theirs_max, theirs_total = summary(theirs)
    print(
        f"\nspeed-up over the scan: p50 x{theirs_p50 / ours_p50:,.0f}, p95 x{theirs_p95 / ours_p95:,.0f}, "
        f"max x{theirs_max / ours_max:,.0f}, total x{theirs_total / ours_total:,.0f}"
    )
    slowest = sorted(zip(ours, queries, strict=True), reverse=True)[:5]
    print("slowest with the index: " + ", ".join(f"{query!r} {ms:.2f} ms" for ms, query in slowest))


if __name__ == "__main__":
    main()
