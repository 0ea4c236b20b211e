"""Holidays as a person's dates: "she had her stroke on Diwali last year", "symptoms started around Eid",
"Last Christmas she had her first seizure", "passed on st patrick's day", "since Tết".

A holiday is a calendar date (or a few days), so tied to someone's event it dates it as surely as
"December 25" does. The holidays of the countries Rounds' learners come from are named here, in any
case; the guard's :mod:`.public` filter then lets a holiday pass in a sentence about no one ("the
clinic is closed on Christmas Day", "injuries peak around the Fourth of July", "I'll be offline for
Eid"). A month-long season ("Ramadan", "Lent") is not a date unless its day is given.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from server.domain.phi.hits import Finding
from server.domain.phi.hits import PhiCategory as C

_HOLIDAY = (
    r"(?:christmas(?:\s+(?:day|eve))?|thanksgiving(?:\s+day)?|new\s+year'?s(?:\s+(?:day|eve))?|halloween|"
    r"easter(?:\s+(?:sunday|monday))?|good\s+friday|palm\s+sunday|ash\s+wednesday|independence\s+day|"
    r"the\s+fourth\s+of\s+july|valentine'?s(?:\s+day)?|memorial\s+day|labou?r\s+day|mother'?s\s+day|"
    r"father'?s\s+day|st\.?\s+patrick'?s(?:\s+day)?|saint\s+patrick'?s(?:\s+day)?|boxing\s+day|"
    r"juneteenth|cinco\s+de\s+mayo|kwanzaa|hanukk?ah|chanukah|passover|pesach|rosh\s+hashanah|yom\s+kippur|"
    r"purim|sukkot|diwali|deepavali|holi|navratri|durga\s+puja|dussehra|pongal|onam|raksha\s+bandhan|"
    r"eid(?:\s+(?:al|ul)[-\s](?:fitr|adha))?|eid-(?:al|ul)-(?:fitr|adha)|mawlid|nowruz|norooz|t[eếề]t|"
    r"lunar\s+new\s+year|chinese\s+new\s+year|mid-autumn\s+festival|songkran|vesak|carnival|carnaval|"
    r"d[ií]a\s+de\s+(?:los\s+)?muertos|d[ií]a\s+de\s+(?:la\s+)?madre|semana\s+santa|noche\s+buena|"
    r"nochebuena|bastille\s+day|canada\s+day|anzac\s+day|guy\s+fawkes(?:\s+night)?|bonfire\s+night|"
    r"super\s+bowl\s+sunday|black\s+friday|election\s+day|(?:his|her|their)\s+(?:wedding\s+)?anniversary)"
)

# "on Diwali", "around Eid", "since Tết", "the day after Thanksgiving", "the Sunday before Easter".
_AT_HOLIDAY = re.compile(
    r"(?i)\b(?:on|since|around|after|before|during|over|at|by|until|till|from|the\s+(?:day|night|week|"
    r"weekend|morning|evening|sunday|monday|saturday|friday)\s+(?:after|before|of))\s+"
    rf"((?:last\s+|this\s+(?:past\s+)?)?{_HOLIDAY})\b(?:\s+(?:last|this)\s+year|\s+(?:19|20)\d\d)?"
)

# "Last Christmas she had", "this past Easter", "Diwali last year", "Eid 2023".
_HOLIDAY_QUALIFIED = re.compile(
    rf"(?i)\b(?:(?:last|this\s+past|past)\s+{_HOLIDAY}|{_HOLIDAY}\s+(?:last|this)\s+year|{_HOLIDAY},?\s+(?:19|20)\d\d)\b"
)

# One pass to find whether any holiday is named at all (most texts name none).
_HINT = re.compile(rf"(?i)\b{_HOLIDAY}\b")

_REASON = "looks like a date: a holiday tied to someone's event"


def find_holidays(text: str) -> Iterator[Finding]:
    """Holidays after a time word or with "last", "this past" or a year."""
    if not _HINT.search(text):
        return
    for m in _AT_HOLIDAY.finditer(text):
        yield C.DATE, m.start(), m.end(), _REASON
    for m in _HOLIDAY_QUALIFIED.finditer(text):
        yield C.DATE, m.start(), m.end(), _REASON
