"""Dates typed in a hurry: lower-case months ("seen jun 5", "fell on 2 june"), ordinals in words
("the twenty-third of May", "June first"), holidays tied to a year or a birth ("Easter 2019", "born on
christmas") and the continental day-month with a closing dot ("14.03.").

Kept apart from :mod:`server.domain.phi.dates` because the words are looser: "may", "march", "dec" and
"sep" are also words ("may be", "dec" = decreased), so in lower case they count only with an ordinal.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from server.domain.phi.dates import DATE_CUE, DAY, ORD, UNIT_NEXT, YEAR
from server.domain.phi.hits import Finding
from server.domain.phi.hits import PhiCategory as C
from server.domain.phi.months import MONTH, MONTHS_FULL
from server.domain.phi.text import (
    lowered,
    text_before,
)

# Dates typed the way people type in a hurry: lower-case months ("seen jun 5", "admitted march 3rd",
# "fell on 2 june"), ordinals in words ("the twenty-third of May", "June first") and the continental
# day-month with a closing dot ("14.03."). "may", "march", "mar", "dec" and "sep" are also words
# ("may be", "dec" = decreased), so in lower case they count only with an ordinal.
_MON_LOW_SAFE = (
    r"(?:january|february|april|june|july|august|september|october|november|december|jan|feb|apr|jun|jul"
    r"|sept|oct|nov)"
)

_MON_LOW_ALL = rf"(?:{_MON_LOW_SAFE}|march|mar|may|dec|sep|aug)"  # "aug" is also Augmentin: ordinal only

_ORD_WORD = (
    r"(?:(?:twenty|thirty)[\s-]+(?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth)|first|second|"
    r"third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|eleventh|twelfth|thirteenth|fourteenth|"
    r"fifteenth|sixteenth|seventeenth|eighteenth|nineteenth|twentieth|thirtieth)"
)

_MAY_VERB_AFTER = (
    r"(?!\s+(?:be|have|need|require|help|cause|not|also|show|take|present|occur|lead|result|indicate|suggest|"
    r"reflect|benefit|develop|improve|worsen|get|go|make|see|feel|use|want|try|come|become|do|need|still))"
)

_MORE_DATE_RXS: list[tuple[re.Pattern[str], str]] = [
    (
        re.compile(
            rf"\b(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)\s+(?:the\s+)?{DAY}{ORD}\b{UNIT_NEXT}"
        ),
        "a weekday and day of the month",
    ),
    (re.compile(rf"\b{_MON_LOW_SAFE}\.?\s+{DAY}(?:{ORD})?\b(?!\s*[/:.,]?\d){UNIT_NEXT}"), "a month and day"),
    (re.compile(rf"\b{_MON_LOW_ALL}\.?\s+(?:the\s+)?{DAY}{ORD}\b{UNIT_NEXT}"), "a month and day"),
    (re.compile(rf"\b{DAY}(?:{ORD})?\s+(?:of\s+)?{_MON_LOW_SAFE}\b(?![-/])"), "a day and month"),
    (re.compile(rf"\b{DAY}{ORD}\s+(?:of\s+)?{_MON_LOW_ALL}\b{_MAY_VERB_AFTER}"), "a day and month"),
    (
        re.compile(
            rf"\b(?:the\s+)?{_ORD_WORD}\s+of\s+(?:{MONTH}|{_MON_LOW_ALL})\b{_MAY_VERB_AFTER}", re.IGNORECASE
        ),
        "a day and month in words",
    ),
    (
        re.compile(
            rf"\b(?:{MONTHS_FULL}|{_MON_LOW_SAFE})\s+(?:the\s+)?(?i:{_ORD_WORD})\b(?!\s+(?:of\s+)?(?:\d|the|a|an))"
        ),
        "a month and day in words",
    ),
]

# Every pattern above but the weekday one names a month, so a month's first letters (or "day") must appear
# in the lower-cased text: a cheap test before the regexes.
_MORE_DATE_SUBSTRINGS = (
    "jan",
    "feb",
    "mar",
    "apr",
    "may",
    "jun",
    "jul",
    "aug",
    "sep",
    "oct",
    "nov",
    "dec",
    "day",
)

# Holidays fix a day of the year. With a year ("christmas day 1961", "Easter 2019") or tied to a birth ("born
# on christmas", "birthday is on Halloween") they are a date more specific than the year, in any case; the
# capitalised ones after "on", "over", "since"... are in _DATE_RXS.
_HOLIDAY = (
    r"(?:christmas(?:\s+(?:day|eve))?|xmas(?:\s+(?:day|eve))?|thanksgiving(?:\s+day)?|new\s+year'?s(?:\s+(?:day|eve))?"
    r"|halloween|easter(?:\s+(?:sunday|monday))?|independence\s+day|the\s+fourth\s+of\s+july|july\s+4th"
    r"|valentine'?s\s+day|boxing\s+day|guy\s+fawkes(?:\s+night)?|bonfire\s+night|st\.?\s+patrick'?s\s+day"
    r"|diwali|eid(?:\s+al-(?:fitr|adha))?|hanukkah|nowruz|juneteenth)"
)

_HOLIDAY_DATE = re.compile(
    rf"(?i:\b{_HOLIDAY}\s+(?:of\s+)?'?{YEAR}\b"
    rf"|\b(?:born|birth|birthday|b\.)\s+(?:is\s+|was\s+|falls\s+)?(?:on|at|over|during)\s+{_HOLIDAY}(?:,?\s+'?{YEAR})?\b)"
)

_HOLIDAY_HINTS = (
    "christmas",
    "xmas",
    "thanksgiving",
    "new year",
    "halloween",
    "easter",
    "independence",
    "fourth of july",
    "july 4",
    "valentine",
    "boxing",
    "fawkes",
    "bonfire",
    "patrick",
    "diwali",
    "eid",
    "hanukkah",
    "nowruz",
    "juneteenth",
)

_DOTTED_DM = re.compile(r"(?<![\w.,/:-])(\d{2})\.(\d{2})\.(?![\w.]|\d)")

# "14.03." is also a lab value ("glucose 10.05.") or a British time ("at 10.05."): it needs a date cue.
_DOTTED_DM_CUE = re.compile(r"\b(?i:for|booked|review|reviewed|appt|clinic|next)\s*[:\-]?\s*$")


def find_typed_dates(text: str) -> Iterator[Finding]:
    """Lower-case months, ordinals in words, holidays with a year or a birth, "dd.mm."."""
    low = lowered(text) or text.lower()
    if any(h in low for h in _MORE_DATE_SUBSTRINGS):
        for rx, what in _MORE_DATE_RXS:
            for m in rx.finditer(text):
                yield C.DATE, m.start(), m.end(), f"looks like a date: {what}"
    if any(h in low for h in _HOLIDAY_HINTS):
        for m in _HOLIDAY_DATE.finditer(text):
            yield C.DATE, m.start(), m.end(), "looks like a date: a holiday with a year or a birth"
    if "." in text:
        for m in _DOTTED_DM.finditer(text):
            a, b = int(m.group(1)), int(m.group(2))
            if not ((1 <= a <= 31 and 1 <= b <= 12) or (1 <= a <= 12 and 1 <= b <= 31)):
                continue
            before = text_before(text, m.start(), 30)
            if not (DATE_CUE.search(before) or _DOTTED_DM_CUE.search(before)):
                continue
            yield C.DATE, m.start(), m.end() - 1, "looks like a date: a day and month (dd.mm.)"
