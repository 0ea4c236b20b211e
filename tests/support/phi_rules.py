"""The two checks every PHI rule module makes of its examples: a snippet that identifies someone is
found, with the category and the span its rule is for, and a clean trap of the same shape is not
flagged. Shared by the rule modules written for each blind set (``tests/unit/test_phi_rules_b*.py``)."""

from __future__ import annotations

from server.domain.phi import PhiCategory, check_text

#: One identifying example: the category a rule must report, the snippet, and the exact span.
Found = tuple[PhiCategory, str, str]


def found_ids(found: list[Found]) -> list[str]:
    """Readable pytest ids for ``found``: the category and the example's position."""
    return [f"{category.value}-{i}" for i, (category, _, _) in enumerate(found)]


def assert_found(category: PhiCategory, text: str, span: str) -> None:
    """``text`` has a hit of ``category`` covering exactly ``span``."""
    found = [(h.category, text[h.start : h.end]) for h in check_text(text)]
    assert (category, span) in found, found


def assert_clean(text: str) -> None:
    """``text`` has no hit at all (the hits are shown if it has)."""
    hits = check_text(text)
    assert hits == [], [(h.category.value, text[h.start : h.end]) for h in hits]
