"""Ages over 89, which Safe Harbor requires to be folded into a single "90 or older" band: "92-year-old",
"93F", "in her late 90s", "aged ninety-four", "nonagenarian", "celebrated her 100th".

A number from 90 to 129 is usually a reading ("HR 96", "T 99.1", "BP 128/70"), so it counts only in
an age's frame: with years/yo, with a sex letter, after "aged" or a person and "is"/"was".
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime

from server.domain.phi.hits import REASON, Finding
from server.domain.phi.hits import PhiCategory as C
from server.domain.phi.name_words import (
    GIVEN_NAMES,
    NAME_TOKEN,
    SURNAMES,
)
from server.domain.phi.text import (
    HAS_DIGIT,
    text_before,
)

_AGE_WORD_HINT = re.compile(r"ninet|hundred|nonagen|centen|octogen", re.IGNORECASE)

_AGE_NUM = r"(?:9\d|1[0-2]\d)"

_AGE_WORD = (
    r"ninety(?:[\s-](?:one|two|three|four|five|six|seven|eight|nine))?"
    r"|(?:a|one)\s+hundred(?:\s+and)?(?:[\s-](?:one|two|three|four|five|six|seven|eight|nine|ten))?"
)

_AGE_SEX = re.compile(
    rf"(?:^|(?<=[\s(,]))(?<![\d.]){_AGE_NUM}\s?(?:yo\s?|y\s?|yrs?\s?)?/?\s?(?:[MF]|male|female|man|woman|gentleman|lady)\b"
)

_AGE_DECADE = re.compile(
    r"\b(?:in\s+)?(?:his|her|their|the)\s+(?:early\s+|mid[\s-]+|late\s+)?(?:90s|nineties|100s|hundreds)\b",
    re.IGNORECASE,
)

_AGE_OF = re.compile(
    rf"\b(?:man|woman|gentleman|lady|male|female|patient|person|widow|widower|veteran)\s+of\s+{_AGE_NUM}\b"
    r"(?!\s*(?:%|kg|mg|lbs?|pounds|cm|bpm|mmHg|/))",
    re.IGNORECASE,
)

_AGE_YEARS = re.compile(
    rf"(?<![\d.,/]){_AGE_NUM}\s*-?\s*(?:years?|yrs?|yo|y/o|y\.o\.?|y)(?:[\s-]*(?:old|of\s+age))?(?:\s?[MF]\b)?"
    r"(?!\s*-?\s*(?:pack|ago|of\s+(?:smoking|tobacco)|history))",
    re.IGNORECASE,
)

_AGE_RXS = [
    _AGE_DECADE,
    _AGE_OF,
    _AGE_YEARS,
    re.compile(
        rf"\b(?:aged?|age\s+of|ages?\s*[:=]|age\s+is)\s*{_AGE_NUM}\b(?!\s*(?:%|mg|kg|bpm|mmHg))",
        re.IGNORECASE,
    ),
    re.compile(
        rf"\b(?:turned|turns|turning|is\s+now)\s+{_AGE_NUM}\b(?!\s*(?:%|mg|kg|bpm|mmHg|/))", re.IGNORECASE
    ),
    re.compile(rf"\b{_AGE_NUM}(?:st|nd|rd|th)\s+birthday\b", re.IGNORECASE),
    # "born in 1931, now 93", "celebrated her 90th", "in her ninety-fourth year"
    re.compile(rf"\bborn\b[^.;]{{0,40}}\bnow\s+({_AGE_NUM})\b(?!\s*(?:%|mg|kg|bpm|/|mmHg))", re.IGNORECASE),
    re.compile(
        rf"\b(?:celebrated|celebrates|celebrating)\s+(?:his|her|their)\s+{_AGE_NUM}(?:st|nd|rd|th)\b",
        re.IGNORECASE,
    ),
    re.compile(
        r"\b(?:ninety|hundred)[\s-]*(?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|th)?"
        r"\s+(?:birthday|year\s+of\s+life)\b|\bninetieth\b|\bhundredth\s+birthday\b",
        re.IGNORECASE,
    ),
    re.compile(r"\b(?:nonagenarian|centenarian|supercentenarian)s?\b", re.IGNORECASE),
    re.compile(
        rf"\b(?:(?:aged?|age\s+of|is|was|turned|turns|now)\s+(?:{_AGE_WORD})\b"
        rf"(?!\s*(?:percent|per\s+cent|%|pounds|lbs?|kg|minutes|mins?|seconds|mg|units|beats|degrees|days|times))|(?:{_AGE_WORD})[\s-]+(?:years?|yrs?)[\s-]+old\b)",
        re.IGNORECASE,
    ),
    re.compile(
        rf"\b(?:she|he|patient|pt|they)(?:'s|\u2019s|\s+is|\s+was|\s+will\s+be|\s+turns|\s+turned|\s+just\s+turned)"
        rf"\s+{_AGE_NUM}\b"
        r"(?!\s*(?:%|mg|kg|bpm|/|mmHg|lbs?|pounds|cm|inches|degrees|F\b|C\b|\.\d|on|at|beats))",
        re.IGNORECASE,
    ),
    re.compile(
        rf"(?<=[A-Za-z.]),\s+({_AGE_NUM})"
        r"(?=\s*,|\s*\.?\s*$|\s+(?:presents|presented|is|was|with|who|admitted|comes|came|here|and))"
    ),
    _AGE_SEX,
    re.compile(
        rf"\b(?:oldest|eldest)\b[^.;\d]{{0,40}}\b(?:was|is|at|aged?)\s+({_AGE_NUM})\b(?!\s*(?:%|mg|kg|bpm|/))"
    ),
]

# Ages in Portuguese, Spanish, French, German, Italian and Polish: "Paciente de 94 anos", "92 años".
_AGE_FOREIGN = re.compile(rf"(?<![\d.,/]){_AGE_NUM}\s+(?:anos|años|anyos|ans|Jahre|Jahren|anni|lat)\b")

# A relative's age at death or now: "her mother died last year at 96", "father passed away at 101".
_AGE_AT_DEATH = re.compile(
    rf"\b(?:died|passed(?:\s+away)?|death|deceased|lived|living|alive)\b[^.;\d]{{0,30}}\bat\s+(?:age\s+)?"
    rf"({_AGE_NUM})\b(?!\s*(?:%|mg|kg|bpm|/|mmHg|lbs?|pounds|beats))",
    re.IGNORECASE,
)

# A birth year that makes the person 90 or more: "born in 1931", "born in '29" (a two-digit year is the
# last century's), "b. 1930". The year alone is not a date, but the age it implies is.
_BIRTH_YEAR = re.compile(r"\b(?:born|b\.)\s+(?:in\s+)?(?:(1[89]\d\d)|['\u2019](\d\d))\b", re.IGNORECASE)

# "Mr. H is 95 and walks with a cane", "Maria was 92 when...": a person, then is/was and the age.
_SUBJECT_IS_AGE = re.compile(
    rf"\b((?i:she|he|patient|pt)|(?:Mr|Mrs|Ms|Miss)\.?\s+[A-Z]\w*|{NAME_TOKEN})\s+"
    rf"(?:is|was|turned|turns|will\s+be|just\s+turned)\s+({_AGE_NUM})\b"
    r"(?=\s*(?:and\b|but\b|,|\.(?!\d)|;|$|years|yrs|yo|y/o|next|this|last|in\b|when\b|now\b))"
)

_TEMP_BEFORE = re.compile(
    r"(?:\bT\b|temp|temperature|Tmax|fever|febrile|afebrile|°|degrees?)\W*$", re.IGNORECASE
)


def find_ages(text: str) -> Iterator[Finding]:
    """Ages from 90 up, in an age's frame (years, sex, "aged", a person and "is")."""
    if not (HAS_DIGIT.search(text) or _AGE_WORD_HINT.search(text)):
        return
    for rx in _AGE_RXS:
        for m in rx.finditer(text):
            if rx is _AGE_SEX and _TEMP_BEFORE.search(text_before(text, m.start(), 15)):
                continue
            if (
                rx is _AGE_YEARS
                and re.search(r"\b(?:for|over|past|of|x)\s*$", text_before(text, m.start(), 8), re.IGNORECASE)
                and not re.search(r"old|of\s+age", m.group(), re.IGNORECASE)
            ):
                continue
            g = 1 if rx.groups else 0
            yield C.AGE_OVER_89, m.start(g), m.end(g), REASON[C.AGE_OVER_89]
    for m in _AGE_FOREIGN.finditer(text):
        yield C.AGE_OVER_89, m.start(), m.end(), REASON[C.AGE_OVER_89]
    for m in _AGE_AT_DEATH.finditer(text):
        yield C.AGE_OVER_89, m.start(1), m.end(1), REASON[C.AGE_OVER_89]
    this_year = datetime.now(UTC).year
    for m in _BIRTH_YEAR.finditer(text):
        year = int(m.group(1)) if m.group(1) else 1900 + int(m.group(2))
        if this_year - year >= 90:
            yield C.AGE_OVER_89, m.start(), m.end(), "is a birth year that makes the person over 89"
    for m in _SUBJECT_IS_AGE.finditer(text):
        subject = m.group(1)
        last = subject.split()[-1]
        if (
            subject[:1].isupper()
            and last not in GIVEN_NAMES
            and last not in SURNAMES
            and not re.match(r"(?:Mr|Mrs|Ms|Miss|She|He|Patient|Pt)\b", subject)
        ):
            continue
        yield C.AGE_OVER_89, m.start(2), m.end(2), REASON[C.AGE_OVER_89]
