"""Listed given names with no other cue: a given name and a surname ("Chidi Okafor"), or a given name
alone when it is only a name ("Maria", not "Grace", "April" or "Austin").

Words inside a multi-word city ("San Jose", "Santa Rosa") are skipped first, and a name followed by a dose
("Heather 0.35 mg", a contraceptive) or after "St."/"Fort" is not a person.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from server.domain.phi.eponyms import is_eponym_at
from server.domain.phi.gazetteer import (
    CITIES,
    MULTIWORD_CITY,
    PLACES_NOT_LOCAL,
)
from server.domain.phi.hits import Finding
from server.domain.phi.hits import PhiCategory as C
from server.domain.phi.months import MONTH_WORDS
from server.domain.phi.name_lists import WORD_NAMES
from server.domain.phi.name_words import (
    ALL_GIVEN,
    NAME_STOP,
    NAME_TOKEN,
    STRONG_GIVEN,
    SURNAMES,
)
from server.domain.phi.text import (
    text_before,
    word_set,
)

_TOKEN = re.compile(NAME_TOKEN)

_DOSE_AFTER = re.compile(r"\s*\d+(?:\.\d+)?\s*(?:mg|mcg|g\b|units?|%|/|mL|ml|puffs?|tabs?)")

# Last words that make "Roosevelt High", "Tyson Foods" or "Santo Amaro College" an organisation named
# after a person, which the workplace rules report.
_ORG_LAST = word_set(
    """
High Elementary Academy College University School Foods Motors Industries Logistics Dental Group Bank
Hospital Clinic Church Farms Construction Plumbing Electric Trucking Airlines Company Corporation
"""
)

# "Tue/Wed/Thu", "Thu next week": a weekday's abbreviation, not the given name Thu.
_WEEKDAY_ABBR = word_set("Mon Tue Tues Wed Thu Thur Thurs Fri Sat Sun")
_WEEKDAY_BEFORE = re.compile(r"(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)\w*\s*(?:[/,&-]|and|or|to)\s*$")
_WEEKDAY_AFTER = re.compile(
    r"\s*(?:[/,&-]|and\s|or\s|to\s)\s*(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)"
    r"|\s+(?:next|last|this|morning|afternoon|evening|night|\d{1,2}(?::\d\d)?\s*(?:am|pm)\b)"
)

_SAINT_BEFORE = re.compile(r"\b(?:St\.?|Saint|San|Santa|Sao|Fort|Mount|Lake|Port)\s+$")


def find_given_names(text: str) -> Iterator[Finding]:
    """Listed given names: alone when unambiguous, or followed by a surname."""
    city_spans = [(m.start(), m.end()) for m in MULTIWORD_CITY.finditer(text)]
    word_matches = [t for t in _TOKEN.finditer(text) if not any(s <= t.start() < e for s, e in city_spans)]
    for i, tm in enumerate(word_matches):
        word = tm.group()
        if word not in ALL_GIVEN:
            continue
        if word in _WEEKDAY_ABBR and (
            _WEEKDAY_BEFORE.search(text_before(text, tm.start(), 12))
            or _WEEKDAY_AFTER.match(text, tm.end(), min(len(text), tm.end() + 14))
        ):
            continue
        nxt = word_matches[i + 1] if i + 1 < len(word_matches) else None
        adjacent = nxt is not None and re.fullmatch(r" ", text[tm.end() : nxt.start()]) is not None
        if adjacent and nxt is not None:
            last = nxt.group()
            two_end = nxt.end()
            if f"{word} {last}" in CITIES:
                continue
            if last in _ORG_LAST:
                continue  # "Roosevelt High": a school named after a person
            strong_pair = (
                last not in NAME_STOP
                and last not in MONTH_WORDS
                and ((last in SURNAMES and last not in WORD_NAMES) or word in STRONG_GIVEN)
                and last not in PLACES_NOT_LOCAL
            )
            if strong_pair and not is_eponym_at(text, tm.start(), two_end):
                yield (
                    C.PERSON_NAME,
                    tm.start(),
                    two_end,
                    "looks like a person's name (given name and surname)",
                )
                continue
        if word in STRONG_GIVEN and not is_eponym_at(text, tm.start(), tm.end()):
            before = text_before(text, tm.start(), 7)
            if before.endswith("-") or _DOSE_AFTER.match(text, tm.end()) or _SAINT_BEFORE.search(before):
                continue
            yield C.PERSON_NAME, tm.start(), tm.end(), "looks like a person's given name"
