"""Phone numbers and identifiers read out in words ("five five five, two one two, zero one four
three"), with digits mixed in ("617 five five five 0143").

Seven or more digits in a row with at least three spelled out count; counting in order ("one, two, three
... eight", a cognitive exam) does not. The category comes from a cue word before the run, as for digits.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator

from server.domain.phi.cues import cue_category
from server.domain.phi.hits import Finding
from server.domain.phi.hits import PhiCategory as C
from server.domain.phi.text import (
    lowered,
)

# Phone numbers read out in words ("five five five, two one two, zero one four three"), with digits mixed
# in ("617 five five five 0143"): seven or more digits in a row, at least three of them spelled.
_DIGIT_WORDS = {
    "zero": 1,
    "oh": 1,
    "one": 1,
    "two": 1,
    "three": 1,
    "four": 1,
    "five": 1,
    "six": 1,
    "seven": 1,
    "eight": 1,
    "nine": 1,
    "double": 0,
    "triple": 0,
}

_DIGIT_VALUES = {
    w: i
    for i, w in enumerate(["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"])
}

_SPELLED_RUN = re.compile(
    r"\b(?:(?:zero|oh|one|two|three|four|five|six|seven|eight|nine|double|triple|\d{1,4})(?:[\s,.\-]+|$)){7,}",
    re.IGNORECASE,
)

_SPELLED_DIGIT_HINTS = ("zero", "three", "four", "five", "six", "seven", "eight", "nine")

_SPELLED_HINT = re.compile(
    r"(?i:zero|five|seven|eight|nine|three|four|six)\W+(?i:zero|oh|one|two|three|four|five|six|seven|eight|nine|double|\d)"
)


def find_spelled_numbers(text: str) -> Iterator[Finding]:
    """Runs of seven or more digits with at least three spelled out."""
    low = lowered(text) or text.lower()
    if not any(w in low for w in _SPELLED_DIGIT_HINTS) or not _SPELLED_HINT.search(text):
        return
    for m in _SPELLED_RUN.finditer(text):
        tokens = re.findall(r"[A-Za-z]+|\d+", m.group())
        words = sum(_DIGIT_WORDS.get(t.lower(), 0) for t in tokens if t.isalpha())
        digits = words + sum(len(t) for t in tokens if t.isdigit())
        values = [_DIGIT_VALUES[t.lower()] for t in tokens if t.lower() in _DIGIT_VALUES]
        counting = len(values) == len(tokens) and all(
            b - a == values[1] - values[0] and abs(b - a) == 1 for a, b in itertools.pairwise(values)
        )
        if words >= 3 and digits >= 7 and not counting:  # "count one, two, three ... eight" is an exam
            end = m.start() + len(m.group().rstrip(" ,.-"))
            cat = cue_category(text, m.start()) or C.PHONE
            if cat in (C.ZIP_CODE, C.OTHER_IDENTIFIER):
                cat = C.PHONE
            yield cat, m.start(), end, "looks like a number written out in words (phone or identifier)"
