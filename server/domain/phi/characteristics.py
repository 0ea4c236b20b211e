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
from server.domain.phi.text import Folded, lowered

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
_SINGULAR_ROLE = Folded(
    rf"\b{_SUBJECT}{_IS}\s+(?:the|our|a)\s+(?:(?:current|former|retired|longtime|long-time|new|local|"
    rf"town|city|county|state|village|tribal|district|starting|head|lead|only|first|last|famous|well-known|"
    rf"female|male|youngest|oldest)\s+)+(?:[\w-]+\s+){{0,2}}?{_OFFICE}\b"
)

# "Pt is Chief Two Feathers", "she is Oba Adeyemi": a title of office before a name.
_TITLED = re.compile(
    rf"(?i:\b{_SUBJECT}{_IS})\s+(?:Chief|Oba|Emir|Sheikh|Sultan|Mayor|Senator|Governor|Judge|Bishop|Chief\s+Justice)"
    r"\s+[A-Z][a-z]+(?:\s+[A-Z][a-z]+){0,2}"
)

# "the only female firefighter in the department", "the only survivor of the market fire".
_ONLY_ONE = Folded(
    r"\b(?:the\s+only|the\s+sole|the\s+first|the\s+last\s+surviving)\s+(?:[\w-]+\s+){0,3}?"
    r"(?:survivor|person|woman|man|doctor|nurse|firefighter|officer|teacher|pilot|member|resident|"
    r"[a-z]+(?:er|or|ist|ian))(?:\s+(?:elected|appointed|named|ordained|hired|licensed|inducted|admitted|"
    r"sworn\s+in))?\s+(?:in|of|at|from|on|to)\s+(?:the|our|this|that|his|her)\b"
)

# "He was the only Tongan deacon in the parish": the only one of a kind in a small community.
_ONLY_IN_COMMUNITY = Folded(
    r"\b(?:the\s+only|the\s+sole|the\s+first|the\s+last)\s+(?:[\w-]+\s+){0,3}?[\w-]+\s+(?:in|of|at|on)\s+"
    r"(?:the|our|this|that|his|her|their)\s+(?:parish|town|village|county|city|department|school|church|"
    r"mosque|temple|congregation|team|tribe|reservation|community|island|valley|district|neighbou?rhood|"
    r"company|firm|plant|mine|force|squad|council|legislature|senate|league)\b"
)

# "starting quarterback of this year's state champion team", "state champion wrestler": a singular sporting
# role or title that anyone in the town can name.
_SPORT_ROLE = Folded(
    r"\b(?:starting\s+(?:quarterback|pitcher|goalkeeper|goalie|point\s+guard|striker)\s+(?:of|for|at)\b|"
    r"(?:state|national|world|regional)[\s-]+champion(?:ship)?s?\s+(?:team|squad|quarterback|wrestler|runner|"
    r"swimmer|boxer|player|gymnast|sprinter))"
)

# "the 'Property of Lupe' neck tattoo", "a 'Semper Fi 1998' tattoo": the words of a tattoo identify.
_TATTOO_WORDS = re.compile(
    r"[\"'\u2018\u201c]([^\"'\u2019\u201d\n]{3,40})[\"'\u2019\u201d]\s+(?:[a-z]+\s+){0,2}tattoo"
)

# "He's the guy on the news", "the woman who won the state lottery", "everyone ... recognized her",
# "all over the news", "went viral".
_FAME = Folded(
    r"\b(?:(?:the\s+)?(?:guy|man|woman|lady|girl|boy|kid|teen|person|one)\s+(?:who\s+was\s+|that\s+was\s+)?"
    r"(?:on|in)\s+the\s+(?:news|paper|papers|headlines|tv)\b|"
    r"(?:who|that)\s+won\s+the\s+(?:\w+\s+)?(?:lottery|powerball|jackpot|election|gold\s+medal)|"
    r"everyone\s+(?:in|at|there)\s+[\w\s]{0,20}?(?:knows|recogni[sz]ed|recogni[sz]es|knew)\s+(?:him|her|them)|"
    r"(?:everyone|everybody)\s+there\s+knows\s+(?:him|her|them)|"
    r"all\s+over\s+(?:the\s+)?(?:news|tv|social\s+media|internet|papers)|went\s+viral|"
    r"(?:famous|well-known|notorious)\s+(?:for|as)\b|"
    rf"\b{_SUBJECT}{_IS}\s+(?:(?:on|in)\s+the\s+(?:news|paper|papers|headlines)|on\s+(?:tv|television)))"
)

# "one of the survivors of the Surfside condo collapse", "survived the gas leak as a child", "the only
# survivor of the Ikot Ekpene market fire": a named or local disaster makes the patient one of a few.
_SURVIVOR = Folded(
    r"\b(?:(?:one\s+of\s+the\s+|the\s+only\s+|a\s+)?survivors?\s+of\s+the|surviv(?:ed|ing)\s+the)\s+"
    r"(?:[\w'-]+\s+){0,4}?(?:collapse|leak|fire|explosion|blast|shooting|massacre|crash|bombing|attack|"
    r"flood|earthquake|hurricane|typhoon|tsunami|derailment|sinking|stampede|siege|spill)\b"
)

# Words one of which each rule needs (looked for as substrings of the lower-cased text: far cheaper than
# running the rules on every text).
_HINTS = (
    "only",
    "sole",
    "first",
    "last",
    "news",
    "lottery",
    "won the",
    "recogni",
    "knows",
    "knew",
    "viral",
    "famous",
    "notorious",
    "well-known",
    "surviv",
    "paper",
    "headline",
    "tv",
    "television",
    "champion",
    "starting",
    "tattoo",
    "mayor",
    "governor",
    "senator",
    "congress",
    "representative",
    "council",
    "alderman",
    "sheriff",
    "judge",
    "chief",
    "president",
    "minister",
    "ambassador",
    "bishop",
    "imam",
    "rabbi",
    "pastor",
    "priest",
    "principal",
    "superintendent",
    "coach",
    "quarterback",
    "captain",
    "ceo",
    "owner",
    "founder",
    "anchor",
    "weather",
    "celebrity",
    "influencer",
    "star",
    "olympian",
    "medalist",
    "king",
    "queen",
    "prince",
    "emir",
    "sultan",
    "oba",
    "obi",
    "elder",
    "chieftain",
    "sheikh",
)

_REASON = "is a unique characteristic that identifies the person"


def find_characteristics(text: str) -> Iterator[Finding]:
    """Singular roles, fame, and being one of a few survivors of a named event."""
    low = lowered(text) or text.lower()
    if not any(hint in low for hint in _HINTS):
        return
    for folded in (_SINGULAR_ROLE, _ONLY_ONE, _ONLY_IN_COMMUNITY, _SPORT_ROLE, _FAME, _SURVIVOR):
        for m in folded.finditer(text):
            yield C.OTHER_IDENTIFIER, m.start(), m.end(), _REASON
    for m in _TITLED.finditer(text):
        yield C.OTHER_IDENTIFIER, m.start(), m.end(), _REASON
    if "tattoo" in low:
        for m in _TATTOO_WORDS.finditer(text):
            yield C.OTHER_IDENTIFIER, m.start(1), m.end(1), _REASON
