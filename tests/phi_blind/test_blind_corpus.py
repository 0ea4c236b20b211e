"""The blind corpus (tests/phi_blind/blind.jsonl, see its README): prints recall and the false-positive
rate and fails below the aims (recall >= 98 %, false positives <= 2 %). The file in place is the second
blind set, already read and folded into the fitted corpus (ids ``b2-*``); a fresh one is dropped in over it
unchanged in format, and its first run is the honest figure to record in the README."""

from __future__ import annotations

import pytest

from tests.phi_blind.evaluate import evaluate, load

RECALL_AIM = 0.98
FP_AIM = 0.02


def test_blind_corpus_recall_and_false_positive_rate(capsys: pytest.CaptureFixture[str]) -> None:
    rows = load()
    f = evaluate(rows)
    misses = [str(r["id"]) for r, _ in f.misses] + [f"fp {r['id']}" for r, _ in f.false_positives]
    with capsys.disabled():
        print(
            f"\nPHI guard on phi_blind/blind.jsonl: recall {f.recall:.1%} of {f.identifying} identifying "
            f"snippets ({f.category_recall:.1%} with the labelled category), false positives "
            f"{f.fp_rate:.1%} of {f.clean} clean snippets" + (f" ({', '.join(misses)})" if misses else "")
        )
    assert f.recall >= RECALL_AIM, misses
    assert f.fp_rate <= FP_AIM, misses


def test_blind_corpus_is_big_enough_and_balanced() -> None:
    # Loose on purpose, so any reasonable fresh set can be dropped in: enough snippets for a percentage to
    # mean something, both kinds well represented, labels consistent, ids unique.
    rows = load()
    identifying = [r for r in rows if r["phi"]]
    assert len(rows) >= 100
    assert len(identifying) >= len(rows) // 4 and len(rows) - len(identifying) >= len(rows) // 4
    assert all(bool(r["categories"]) == r["phi"] for r in rows if r["categories"])
    assert len({r["id"] for r in rows}) == len(rows)
