"""Small helpers every rule uses: a word-list builder, the letter classes of capitalised words, cheap
pre-checks, the context just before and after a span, the cached lower-cased text, and the unit patterns
that turn a number into a measurement ("10.05 mg", "4/2 mm") rather than an identifier.

They live apart from the rules so that each rule module imports only these and the word lists it needs.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache


def word_set(block: str) -> frozenset[str]:
    """The whitespace-separated words of ``block`` (the word lists are written as text blocks)."""
    return frozenset(block.split())


UP = "A-Z\u00c0-\u00d6\u00d8-\u00de"  # upper-case letters, Latin-1 included ("Ó")
LO = "a-z\u00df-\u00f6\u00f8-\u00ff\u0101-\u017f"  # lower-case letters, Latin-1 and Extended-A ("ó", "ł")

# Cheap pre-checks that let a rule skip text that cannot hold what it looks for.
HAS_DIGIT = re.compile(r"\d")


def text_before(text: str, start: int, width: int = 40) -> str:
    """Up to ``width`` characters of ``text`` just before ``start``."""
    return text[max(0, start - width) : start]


def text_after(text: str, end: int, width: int = 30) -> str:
    """Up to ``width`` characters of ``text`` from ``end``."""
    return text[end : end + width]


@lru_cache(maxsize=16)
def lowered(text: str) -> str | None:
    """``text`` lower-cased, or None when lower-casing changes its length (so offsets would not match).

    Cached: several rules ask for the same text's lower case in one check."""
    low = text.lower()
    return low if len(low) == len(text) else None


class Folded:
    """A case-insensitive pattern, written in lower case, run on the lower-cased text.

    Python's ``re`` cannot skip ahead over a case-insensitive alternation of words, so such a pattern costs
    several times more than the same pattern run on ``lowered(text)``. The offsets are those of the text
    as given; ``group()`` returns lower-cased text, so callers read spans from the original. A text whose
    lower case has another length (rare letters) falls back to the same pattern with IGNORECASE.
    """

    __slots__ = ("anycase", "lower", "pattern")

    def __init__(self, source: str) -> None:
        self.pattern = source
        self.lower = re.compile(source)
        self.anycase = re.compile(source, re.IGNORECASE)

    def _pick(self, text: str) -> tuple[re.Pattern[str], str]:
        low = lowered(text)
        return (self.lower, low) if low is not None else (self.anycase, text)

    def finditer(self, text: str, pos: int = 0, endpos: int | None = None) -> Iterator[re.Match[str]]:
        """Every match in ``text[pos:endpos]``, as ``re.Pattern.finditer``."""
        rx, subject = self._pick(text)
        return rx.finditer(subject, pos, len(text) if endpos is None else endpos)

    def search(self, text: str, pos: int = 0, endpos: int | None = None) -> re.Match[str] | None:
        """The first match in ``text[pos:endpos]``, as ``re.Pattern.search``."""
        rx, subject = self._pick(text)
        return rx.search(subject, pos, len(text) if endpos is None else endpos)

    def match(self, text: str, pos: int = 0, endpos: int | None = None) -> re.Match[str] | None:
        """A match at ``pos``, as ``re.Pattern.match``."""
        rx, subject = self._pick(text)
        return rx.match(subject, pos, len(text) if endpos is None else endpos)


def digit_count(s: str) -> int:
    """How many digits ``s`` holds."""
    return sum(ch.isdigit() for ch in s)


UNIT_AFTER = re.compile(
    r"\s*(?:copies|cfu|CFU|IU|iu|units?|cells|mg|mcg|g\b|kg|mL|ml|L\b|%|k\b|x\s*10|mm|cm|"
    r"/\s*(?:m?L|uL|\u00b5L|mm3|cumm|hpf|kg|dL|d|day|h|hr|hour|min)\b|"
    r"per\s+(?:m?L|uL|\u00b5L|cc|cumm|lit(?:er|re)|high|hpf|day|hour|min|kg)\b|"
    r"platelets|plt|dollars|\$|steps|calories|kcal|pack|years?|yrs?|months?|weeks?|days?|hours?|h\b|min|sec)"
)
# The units of a reading written like a day and month or a cue value ("pupils 4/2 mm", "14.03 mmol").
MD_UNIT_AFTER = re.compile(r"\s*(?:mm|cm|mg|mcg|mL|ml|units?|%|kg|g\b|mmHg|bpm|mEq|mmol)")
