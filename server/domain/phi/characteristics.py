"""Unique characteristics (Safe Harbor's "any other unique identifying characteristic"): what makes a
patient the only one of their kind, so that anyone who reads it knows who it is.

- an office or a singular role: "Pt is the current mayor of our town", "the retired state senator from
  our district", "Chief Two Feathers of the tribal council", "the starting quarterback for the local
  high school team", "the only female firefighter in the department";
- fame or notoriety: "the guy on the news for pulling the kids out of the river", "the woman who won
  the state lottery", "everyone in the ED recognized her", "a crash that was all over the news";
- being one of the few people in a named or local event: "one of the survivors of the Surfside condo
  collapse", "the only survivor of the market fire", "survived the gas leak".

Each needs the patient as the subject ("pt/he/she is/was ...") or a person noun ("the guy", "the
woman"), so general talk ("the mayor announced a boil-water notice", "news coverage of measles",
"survivors of sepsis") passes.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from server.domain.phi.hits import Finding
from server.domain.phi.hits import PhiCategory as C

_SUBJECT = r"(?:pt|patient|he|she|they|he's|she's|who|which\s+is\s+how)"
_IS = r"(?:'s|\s+is|\s+was|\s+has\s+been|\s+had\s+been|\s+used\s+to\s+be|\s+became)"

# "Pt is the current mayor", "she's the only female firefighter", "Pt was the bus driver in the crash".
_OFFICE = (
    r"(?:mayor|deputy\s+mayor|governor|senator|congress(?:wo)?man|representative|councill?or|alderman|sheriff|"
    r"judge|police\s+chief|fire\s+chief|chief|president|vice\s+president|prime\s+minister|minister|ambassador|"
    r"bishop|imam|rabbi|pastor|priest|principal|superintendent|head\s+coach|coach|quarterback|captain|"
    r"ceo|owner|founder|anchor|news\s+anchor|weather(?:man|woman)|celebrity|influencer|star|champion|"
    r"olympian|medalist|king|queen|prince|princess|emir|sultan|oba|obi|elder|chieftain)"
)
_SINGULAR_ROLE = re.compile(
    rf"(?i)\b{_SUBJECT}{_IS}\s+(?:the|our|a)\s+(?:(?:current|former|retired|longtime|long-time|new|local|"
    rf"town|city|county|state|village|tribal|district|starting|head|lead|only|first|last|famous|well-known|"
    rf"female|male|youngest|oldest)\s+)+(?:[\w-]+\s+){{0,2}}?{_OFFICE}\b"
)

# "Pt is Chief Two Feathers", "she is Oba Adeyemi": a title of office before a name.
_TITLED = re.compile(
    rf"(?i:\b{_SUBJECT}{_IS})\s+(?:Chief|Oba|Emir|Sheikh|Sultan|Mayor|Senator|Governor|Judge|Bishop|Chief\s+Justice)"
    r"\s+[A-Z][a-z]+(?:\s+[A-Z][a-z]+){0,2}"
)

# "the only female firefighter in the department", "the only survivor of the market fire".
_ONLY_ONE = re.compile(
    r"(?i)\b(?:the\s+only|the\s+sole|the\s+first|the\s+last\s+surviving)\s+(?:[\w-]+\s+){0,3}?"
    r"(?:survivor|person|woman|man|doctor|nurse|firefighter|officer|teacher|pilot|member|resident|"
    r"[a-z]+(?:er|or|ist|ian))\s+(?:in|of|at|from|on|to)\s+(?:the|our|this|that|his|her)\b"
)

# "He's the guy on the news", "the woman who won the state lottery", "everyone ... recognized her",
# "all over the news", "went viral".
_FAME = re.compile(
    r"(?i)\b(?:(?:the\s+)?(?:guy|man|woman|lady|girl|boy|kid|teen|person|one)\s+(?:who\s+was\s+|that\s+was\s+)?"
    r"(?:on|in)\s+the\s+(?:news|paper|papers|headlines|tv)\b|"
    r"(?:who|that)\s+won\s+the\s+(?:\w+\s+)?(?:lottery|powerball|jackpot|election|gold\s+medal)|"
    r"everyone\s+(?:in|at|there)\s+[\w\s]{0,20}?(?:knows|recogni[sz]ed|recogni[sz]es|knew)\s+(?:him|her|them)|"
    r"(?:everyone|everybody)\s+there\s+knows\s+(?:him|her|them)|"
    r"all\s+over\s+(?:the\s+)?(?:news|tv|social\s+media|internet|papers)|went\s+viral|"
    r"(?:famous|well-known|notorious)\s+(?:for|as)\b)"
)

# "one of the survivors of the Surfside condo collapse", "survived the gas leak as a child", "the only
# survivor of the Ikot Ekpene market fire": a named or local disaster makes the patient one of a few.
_SURVIVOR = re.compile(
    r"(?i)\b(?:(?:one\s+of\s+the\s+|the\s+only\s+|a\s+)?survivors?\s+of\s+the|survived\s+the)\s+"
    r"(?:[\w'-]+\s+){0,4}?(?:collapse|leak|fire|explosion|blast|shooting|massacre|crash|bombing|attack|"
    r"flood|earthquake|hurricane|typhoon|tsunami|derailment|sinking|stampede|siege|spill)\b"
)

_HINT = re.compile(
    rf"(?i){_OFFICE}|only|sole|news|lottery|"
    r"won\s+the|recogni|knows|viral|famous|notorious|survivor|survived|paper|headline|tv\b"
)

_REASON = "is a unique characteristic that identifies the person"


def find_characteristics(text: str) -> Iterator[Finding]:
    """Singular roles, fame, and being one of a few survivors of a named event."""
    if not _HINT.search(text):
        return
    for rx in (_SINGULAR_ROLE, _TITLED, _ONLY_ONE, _FAME, _SURVIVOR):
        for m in rx.finditer(text):
            yield C.OTHER_IDENTIFIER, m.start(), m.end(), _REASON
