"""Dates more specific than a year, as clinicians write them: month and day ("March 3", "3 Mar"),
numeric dates ("3/12/2024", "2024-03-12"), a month with a year, a month after an event ("admitted in
June"), weekdays with a day of the month, holidays, birthdays and dates of birth.

Numeric month/day pairs ("4/5", "7/10") are also fractions, scores, strengths and acuities, so a bare
"a/b" counts only when it cannot be a fraction or score and, where ambiguous, when a date cue ("on",
"since", "admitted") comes before it. Patterns whose text needs a month word or a digit are skipped when
the text has none.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from server.domain.phi.hits import Finding
from server.domain.phi.hits import PhiCategory as C
from server.domain.phi.months import MONTH, MONTHS_FULL
from server.domain.phi.text import (
    HAS_DIGIT,
    MD_UNIT_AFTER,
    UNIT_AFTER,
    text_after,
    text_before,
)

ORD = r"(?:st|nd|rd|th)"

DAY = r"(?:0?[1-9]|[12]\d|3[01])"

YEAR = r"(?:1[89]\d\d|20\d\d)"

UNIT_NEXT = (
    r"(?!\s*(?:mm|cm|mg|mcg|kg|g\b|mL|ml|%|units?|hours?|hrs?|h\b|days?|weeks?|wks?|months?|mos?\b|years?|times|x\b|"
    r"doses?|tabs?|puffs?|beats|bpm|points?|cycles?|percentile|degree|grade|trimester|rib|ICS|intercostal|"
    r"toe|finger|digit|cranial|nerve|floor|attempt|generation|decade|session|minute|pregnancy|child|line|"
    r"time|visit|lumbar|thoracic|cervical|sacral|postoperative|hospital|admission|episode|round|course|"
    r"dose|patient|case|place|ventricle|heart|sound|molar|metatarsal|metacarpal|cousin|stage))"
)

_DATE_RXS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(rf"\b{MONTH}\.?\s+{DAY}{ORD}?\b(?:,?\s+{YEAR}\b)?{UNIT_NEXT}"), "a month and day"),
    (re.compile(rf"\b{DAY}{ORD}?\s+(?:of\s+)?{MONTH}\b\.?(?:,?\s+{YEAR}\b)?"), "a day and month"),
    (re.compile(rf"\b{MONTH}\.?\s+the\s+{DAY}{ORD}\b{UNIT_NEXT}"), "a month and day"),
    (re.compile(rf"\b{DAY}[-/]{MONTH}[-/](?:{YEAR}|\d\d)\b"), "a written date"),
    # "14-Mar", "14MAR", "14Mar2024", "Mar-14": the day-month forms of lab and pharmacy systems.
    (re.compile(rf"\b{DAY}-?{MONTH}(?:-?(?:{YEAR}|\d\d))?\b(?![-/])"), "a day and month"),
    (re.compile(rf"(?<![\w-]){MONTH}-{DAY}{ORD}?\b(?![-/]\d)"), "a month and day"),
    (
        re.compile(
            r"\b(?:Mon|Tue|Tues|Wed|Thu|Thur|Thurs|Fri|Sat|Sun)(?:day|\.)?,?\s+(?:the\s+)?"
            rf"{DAY}{ORD}\b{UNIT_NEXT}"
        ),
        "a weekday and day of the month",
    ),
    (
        re.compile(
            r"\b(?:on|since|after|before|around|by|for|day\s+of|week\s+of|eve\s+of)\s+(?:his|her|their|my|the\s+patient'?s)"
            r"\s+(?:\d{1,3}(?:st|nd|rd|th)\s+|[a-z]+(?:ieth|th|st|nd|rd)\s+)?birthday\b",
            re.IGNORECASE,
        ),
        "a birthday (gives away the date of birth)",
    ),
    (re.compile(rf"\b{MONTH}[-/]{DAY}[-/](?:{YEAR}|\d\d)\b"), "a written date"),
    (re.compile(rf"\b{MONTH}\.?,?\s+(?:of\s+)?{YEAR}\b"), "a month and year"),
    (
        re.compile(
            r"\b(?:in|since|during|early|mid|late|last|this|next|until|through|before|after|by|around|from|"
            r"of|throughout|over|in\s+early|in\s+late|in\s+mid)[\s-]+"
            r"(?:January|February|March|April|June|July|August|September|October|November|December)\b"
            r"(?!\s+(?:of\s+)?\d)"
        ),
        "a month (a date element more specific than a year)",
    ),
    (re.compile(rf"(?<![\d/.-]){YEAR}([-/.])(?:0?[1-9]|1[0-2])\1{DAY}(?![\d/-]|\.\d)"), "a full date"),
    (re.compile(rf"(?<![\d/.-])\d{{1,2}}([-/.])\d{{1,2}}\1(?:{YEAR}|\d\d)(?![\d/-]|\.\d)"), "a full date"),
    (
        re.compile(rf"(?<![\w/.-]){YEAR}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])(?![\w/-]|\.\d)"),
        "a compact full date",
    ),
    (re.compile(r"(?<![\w/.-])(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])(?![\w/-]|\.\d)"), "a month and day"),
    (
        re.compile(
            rf"\b(?:on|since|from|until|till|by|before|after|through|of|to|was|is|were|be|(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day)\s+the\s+{DAY}{ORD}\b"
            rf"{UNIT_NEXT}"
            rf"(?!\s+(?:of\s+(?:the\s+)?(?:\d|first|second|third|[a-z]+\s+(?:days?|doses?|cycles?))))"
        ),
        "a day of the month",
    ),
    (re.compile(rf"\bthe\s+{DAY}{ORD}\s+of\s+(?:this|last|next|that|the)\s+month\b"), "a day of the month"),
    (
        re.compile(
            r"\b(?:on|over|during|at|since|before|after|around|for|by|until|from)\s+"
            r"(?:Christmas(?:\s+(?:Day|Eve))?|Thanksgiving(?:\s+Day)?|New\s+Year'?s(?:\s+(?:Day|Eve))?|Halloween"
            r"|Easter(?:\s+Sunday)?|Independence\s+Day|the\s+Fourth\s+of\s+July|Valentine'?s\s+Day"
            r"|Memorial\s+Day|Labor\s+Day|Mother'?s\s+Day|Father'?s\s+Day)\b(?!\s+(?:disease|factor))"
        ),
        "a holiday (an exact date)",
    ),
    (
        re.compile(
            r"\b(?:Christmas(?:\s+(?:Day|Eve))?|Thanksgiving(?:\s+Day)?|New\s+Year'?s(?:\s+(?:Day|Eve))|Halloween"
            r"|Easter(?:\s+Sunday)?|Independence\s+Day|Valentine'?s\s+Day|Memorial\s+Day|Labor\s+Day)\s+"
            r"(?:admission|presentation|visit|fall|surgery|delivery|overdose|injury|accident|seizure|arrest)\b"
        ),
        "a holiday (an exact date)",
    ),
    (
        re.compile(
            r"\b(?:DOB|D\.O\.B\.?|date\s+of\s+birth|birth\s*date)\s*(?:is|was)?\s*[:\-]?\s*\d[\w/.-]*\w",
            re.IGNORECASE,
        ),
        "a date of birth",
    ),
]

_FULL_DATE_IDX = {11, 12}

_BARE_MD = re.compile(r"(?<![\d/.,:])(\d{1,2})/(\d{1,2})(?![\d/]|\.\d)")

_MONTH_ALONE_IDX = 10

_WORD_DATE_IDX = frozenset({0, 1, 2, 3, 4, 5, 7, 8, 9, 10, 17, 18, 19})  # the others are made of digits

_WEEKDAY_IDX = 6

_WEEKDAY_HINT = re.compile(r"\b(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)")  # the others are made of digits

_DATE_WORD = re.compile(
    rf"{MONTH}|Christmas|Thanksgiving|New\s+Year|Halloween|Easter|Independence|Fourth|Valentine|Memorial|Labor|"
    r"Mother|Father|DOB|D\.O\.B|birth",
    re.IGNORECASE,
)

_EVENT_BEFORE = re.compile(
    r"\b(?:admitted|admission|discharged?|seen|diagnosed|born|died|death|hospitali[sz]ed|surgery|operated|"
    r"delivered|delivery|started|began|onset|visit|injured|injury|fell|fall|married|arrived|transferred|"
    r"readmitted|presented|came|happened|occurred|scheduled|planned|vaccinated|last\s+seen|procedure)\b",
    re.IGNORECASE,
)

_WEAK_DATE_CUE = re.compile(
    r"\b(?:from|to|and|by|before|after|between|through|thru|until|till|last)\s*[:\-]?\s*$", re.IGNORECASE
)

DATE_CUE = re.compile(
    r"\b(?:on|since|from|to|until|till|through|thru|dated?|DOB|admitted|admission|discharged?|seen|born|started|"
    r"began|begun|visit|appointment|appt|scheduled|by|as\s+of|last|effective|before|after|due|between|and|"
    r"onset|surgery|procedure|performed|done|drawn|collected|obtained|resulted|LMP|EDD|EDC|vaccinated|"
    r"received|given|returned|travel(?:l)?ed|week\s+of|starting|ending|expires?|expired|readmitted|planned|"
    r"(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day)\s*[:\-]?\s*$",
    re.IGNORECASE,
)

_SCORE_BEFORE = re.compile(
    r"(?:GAD|PHQ|Apgars?|APGAR|score|scores|scored|grade|graded|strength|power|motor|pain|VA|acuity|vision|"
    r"murmur|reflex(?:es)?|criteria|MMSE|MoCA|SIRS|Centor|CURB|qSOFA|NIHSS|GCS|Wells|rated|rates|ratio|"
    r"OD|OS|OU|sensation|BP|ABG|vent|AC|PEEP|dilated|\d\s*x|pulses?|ppd|smokes?|tab|tablet|vision|"
    r"Snellen|positive|negative|BiPAP|CPAP|IPAP|EPAP|NIV|NIPPV|settings?|Beighton|Karnofsky|ECOG|"
    r"Mallampati|Tanner|Gleason|Bishop|Brighton|[<>\u2264\u2265]=?)"
    r"(?:-?\d{1,2})?\W*$",
    re.IGNORECASE,
)

_DURATION_BEFORE = re.compile(
    r"\b(?:for|x|over|past|last|about|approx(?:imately)?|in|within|of|~)\s*$", re.IGNORECASE
)

_SCORE_AFTER = re.compile(
    r"^\s*(?:criteria|positive|negative|strength|pain|points?|murmur|of|ppd|tab|tablet|NS|"
    r"history|hx|duration|ago|vision|acuity|bilaterally|symmetric|OD|OS|OU|and\s+\d|readings?|occasions?|"
    r"measurements?|attempts?|tries|samples?|sets?|cultures?|bottles?|doses?|limbs?|lobes?|views?|"
    r"quadrants?|fingers?|toes?|nodes?|vessels?|cores?|biopsies|specimens?|episodes?|times?|"
    r"above|below|over\s+goal|under\s+goal|mm\s*Hg)\b",
    re.IGNORECASE,
)

_NUMERIC_RANGE = re.compile(r"\d{1,2}-\d{1,2}")

_FULL_MONTH_ENDINGS = tuple(MONTHS_FULL.split("|"))

_ACUITY_NEAR = re.compile(r"\b(?:VA|acuity|vision|Snellen|eyes?|OD|OS|OU)\b", re.IGNORECASE)


def find_dates(text: str) -> Iterator[Finding]:
    """Dates written with a capitalised month, in digits, or tied to a birth or holiday."""
    has_digit = HAS_DIGIT.search(text) is not None
    has_word = _DATE_WORD.search(text) is not None
    for i, (rx, what) in enumerate(_DATE_RXS):
        if i == _WEEKDAY_IDX:
            if not (has_digit and _WEEKDAY_HINT.search(text)):
                continue
        elif not (has_word if i in _WORD_DATE_IDX else has_digit):
            continue
        for m in rx.finditer(text):
            if i == _MONTH_ALONE_IDX and not (
                re.match(
                    r"(?:since|last|this|next|until|early|mid|late|in\s+(?:early|late|mid))\b", m.group()
                )
                or _EVENT_BEFORE.search(text_before(text, m.start(), 45))
            ):
                continue
            if i in _FULL_DATE_IDX:
                parts = re.split(r"[-/.]", m.group())
                nums = [int(p) for p in parts if p.isdigit()]
                if (
                    len(nums) == 3
                    and i == 12
                    and not (
                        (1 <= nums[0] <= 12 and 1 <= nums[1] <= 31)
                        or (1 <= nums[1] <= 12 and 1 <= nums[0] <= 31)
                    )
                ):
                    continue
            end = m.end()
            if _NUMERIC_RANGE.fullmatch(m.group()) and UNIT_AFTER.match(text, end):
                continue  # "rehab takes 12-18 months": a range of a quantity, not the 18th of December
            if text[end - 1] == "." and text[m.start() : end - 1].endswith(_FULL_MONTH_ENDINGS):
                end -= 1
            yield C.DATE, m.start(), end, f"looks like a date: {what}"
    for m in _BARE_MD.finditer(text):
        a, b = int(m.group(1)), int(m.group(2))
        if not (1 <= a <= 12 and 1 <= b <= 31) and not (1 <= b <= 12 and 13 <= a <= 31):
            continue
        if MD_UNIT_AFTER.match(text, m.end()):
            continue  # "pupils 4/2 mm"
        before = text_before(text, m.start(), 30)
        after = text_after(text, m.end(), 20)
        cued = bool(DATE_CUE.search(before))
        if a in (6, 20) and _ACUITY_NEAR.search(text_before(text, m.start(), 50)):
            continue
        if not cued:
            # x/2 .. x/10 are fractions and scores ("1/2 tab", "4/5 strength", "7/10 pain") unless improper
            if (b in (2, 3, 4, 5, 6, 10) and a <= b) or a == b or a == 0:
                continue
            if _SCORE_BEFORE.search(before) or _SCORE_AFTER.match(after):
                continue
            if b in (7, 12, 52) and (
                _DURATION_BEFORE.search(before)
                or re.match(r"^\s*(?:history|hx|of|duration|ago)", after, re.IGNORECASE)
            ):
                continue
        elif (
            (b in (2, 3, 4, 5, 6, 10) and a <= b)
            and (
                _SCORE_BEFORE.search(before)
                or _SCORE_AFTER.match(after)
                or _WEAK_DATE_CUE.search(before)
                or (
                    b == 10
                    and re.search(r"pain|score|scale|/10\b", text[: m.start()] + text[m.end() :], re.I)
                )
            )
        ) or (b in (7, 12, 52) and _DURATION_BEFORE.search(before)):
            continue
        yield C.DATE, m.start(), m.end(), "looks like a date: a month and day written as numbers"
