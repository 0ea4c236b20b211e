"""Names typed in lower case or that are also words, where people put names: "pt ngozi c/o", "spoke
to her son dele", "amara's mother", "bongani (brother)", "Will, her husband,", "Spoke with Faith",
"pt grace okonkwo-bello 45F", and Korean or Chinese names with a hyphen ("Park Ji-hoon").

In lower case only listed names count, and none that is an English word or clinical shorthand ("tia",
"ana", "sal"), since "pt tolerating" and "son drove" share the shape.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from server.domain.phi.eponyms import is_eponym_at
from server.domain.phi.gazetteer import (
    CITIES,
    CITY_FIRST_WORDS,
)
from server.domain.phi.hits import REASON, Finding
from server.domain.phi.hits import PhiCategory as C
from server.domain.phi.name_lists import WORD_NAMES
from server.domain.phi.name_words import (
    AMBIGUOUS_GIVEN,
    GIVEN_NAMES,
    NAME_TOKEN,
    RELATIVE,
    SURNAMES,
    not_a_name_word,
)
from server.domain.phi.text import (
    HAS_DIGIT,
    LO,
    lowered,
    word_set,
)

# Names written in lower case or that are also words, in the positions where people put names: "pt ngozi
# c/o", "spoke to her son dele", "amara's mother", "bongani (brother)", "Will, her husband,", "Spoke with
# Faith". In lower case only listed names count (and none that is an English word), since "pt tolerating"
# and "son drove" share the shape.
# Listed names that, in lower case, are clinical shorthand ("mother tia at 70", "ana positive", "sal nebs").
_LOWER_NOT_NAMES = word_set(
    """
geri nan nana vera papa mama ortho neuro derm psych cards tia ana ami ada eva ena les mel cal val pam sal
rad nat cam lin dee mae ira isa una von ama abe ian eli dan vic tad ned lou hal kay rex
"""
)

_LOWER_NAMES = (
    frozenset(w.lower() for w in GIVEN_NAMES | SURNAMES if len(w) >= 3 and w not in WORD_NAMES)
    - _LOWER_NOT_NAMES
    - frozenset(w.lower() for w in AMBIGUOUS_GIVEN)
)

_LC_WORD = r"([a-z][a-z\u00df-\u00ff-]+)(?:['\u2019]s)?"

# Run on the lower-cased text (several times faster than a case-insensitive cue), so the rule checks that
# the word was written in lower case; capitalised names are the other rules' business.
_LC_CUE_NAME = re.compile(
    r"\b(?:pt|patient|client|mr|mrs|ms|miss|mister|dr|named|called|nicknamed|goes\s+by|known\s+as|name\s+is|"
    r"name's|(?:spoke|speaking|spoken|talked|talking|discussed|chatted|met|spk)\s+(?:to|with|w/)|"
    rf"{RELATIVE}|mom|mum|dad|grandma|grandpa|granny|hubby)(?:-in-law)?(?:['\u2019]s)?\.?,?\s+"
    r"(?:(?:named|called|is)\s+)?[\"'\u2018\u201c]?"
    + _LC_WORD
    + r"(?!\s*(?:disease|syndrome|sign|palsy|test|criteria|score)\b)"
)

# A nickname in quotes ("known as 'jojo'", "goes by \"Boo\""): whatever the word, it names the person.
_QUOTED_NICKNAME = re.compile(
    r"\b(?i:known\s+as|nicknamed|goes\s+by|calls\s+(?:him|her|them)sel(?:f|ves)|prefers\s+to\s+be\s+called)\s+"
    r"[\"'\u2018\u201c]([A-Za-z][A-Za-z'-]{1,20})[\"'\u2019\u201d]"
)

_LC_POSSESSIVE_RELATIVE = re.compile(
    rf"\b([a-z][a-z\u00df-\u00ff-]{{2,}})['\u2019]s\s+(?:{RELATIVE}|mom|mum|dad|family|kids|children|baby)\b"
)

_LC_PAREN_RELATIVE = re.compile(rf"\b([a-z][a-z\u00df-\u00ff-]{{2,}})\s*\(\s*(?i:{RELATIVE})\s*\)")

_NAME_APPOSITION = re.compile(
    rf"\b({NAME_TOKEN}|[a-z][a-z-]{{2,}}),\s+(?:her|his|their|the\s+(?:patient|pt)['\u2019]?s|(?:patient|pt)['\u2019]s)"
    rf"\s+(?:{RELATIVE}|mom|mum|dad|carer)\b"
)

# "Grace and her husband attend together": a listed name (words too) coordinated with the person's relative.
_NAME_AND_RELATIVE = re.compile(
    rf"\b({NAME_TOKEN})\s+(?:and|&)\s+(?:her|his|their)\s+(?:{RELATIVE}|mom|mum|dad)\b"
)

_SPOKE_WITH = re.compile(
    rf"\b(?i:spoke|speaking|spoken|talked|talking|discussed|chatted|met|called|phoned|texted|updated)\s+"
    rf"(?i:to|with)\s+({NAME_TOKEN})\b"
)

# Substrings one of which _SPOKE_WITH needs (a cheap test on the lower-cased text first).
_SPOKE_HINTS = ("spok", "speak", "talk", "discuss", "chat", "met ", "call", "phon", "text", "updat")

# "Fiifi Ansah came in with...", "Zebulon Quartey reports...": two capitalised words opening a sentence, then
# a verb of history-taking, are a person when one of them is a listed name, unless either is a service, a
# complaint or an eponym ("Social Work reports"); unlisted pairs share the shape of "Urine Culture reports".
_PAIR_SPEECH = re.compile(
    rf"(?:^|(?<=[.;!?:]\s)|(?<=\n))({NAME_TOKEN})\s+({NAME_TOKEN})\s+"
    r"(?:reports|reported|presents|presented|complains|complained|denies|denied|states|stated|endorses|"
    r"endorsed|was\s+brought|was\s+admitted|came\s+in|comes\s+in|is\s+an?\s+\d)\b"
)

# "pt grace okonkwo-bello 45F", "the case of faith adeyemi, 29F": two lower-case words between a patient
# cue and an age with sex are the patient's name. The frame is strong enough for given names that are also
# words ("faith", "grace", "hope"), so one of the two must be listed and not an English word, or both listed.
_LC_CUE_NAME_AGE = re.compile(
    r"\b(?i:pt|patient|client|resident|case\s+of|case\s*[:\-]|saw|seeing|presenting|presented|admitted|admitting)"
    rf"\s*:?\s+([a-z][{LO}'\u2019]+)\s+([a-z][{LO}'\u2019]+(?:-[{LO}]+)?),?\s+"
    r"(?:a\s+|an\s+)?\d{1,3}\s?(?i:[mf]\b|yo\b|y/o|y\.o\.|-?years?\b|-?year-old|yrs?\b)"
)

# Korean and Chinese given names with a hyphen ("Park Ji-hoon", "Seo-yeon Choi").
_HYPHEN_GIVEN = r"[A-Z][a-z]{1,5}-[a-z]{2,5}"

_SURNAME_HYPHEN_GIVEN = re.compile(
    rf"\b(?:({NAME_TOKEN})\s+({_HYPHEN_GIVEN})|({_HYPHEN_GIVEN})\s+({NAME_TOKEN}))\b"
)


def find_lower_case_names(text: str) -> Iterator[Finding]:
    """Listed names typed in lower case, and names that are also words, in a name's position."""
    why_lower = "looks like a person's name (written in lower case)"
    pos = 0
    low = lowered(text) or text.lower()
    while (m := _LC_CUE_NAME.search(low, pos)) is not None:
        pos = m.start(1)  # cues chain ("pt's wife priya"): look again from the word after the cue
        if m.group(1) in _LOWER_NAMES and text[m.start(1) : m.end(1)].islower():
            yield C.PERSON_NAME, m.start(1), m.end(1), why_lower
    for m in _LC_CUE_NAME_AGE.finditer(text) if HAS_DIGIT.search(text) else ():
        first, last = m.group(1).capitalize(), m.group(2)
        parts = [p.capitalize() for p in last.split("-")]
        if not_a_name_word(first) or any(not_a_name_word(p) for p in parts):
            continue
        given = first in GIVEN_NAMES
        listed_surname = any(p in SURNAMES for p in parts)
        plain = (given and first not in WORD_NAMES) or any(
            p in SURNAMES and p not in WORD_NAMES for p in parts
        )
        if plain or (given and listed_surname):
            yield C.PERSON_NAME, m.start(1), m.end(2), "looks like a person's name (followed by age and sex)"
    for m in _QUOTED_NICKNAME.finditer(text):
        yield C.PERSON_NAME, m.start(1), m.end(1), "looks like a person's nickname"
    for rx in (_LC_POSSESSIVE_RELATIVE, _LC_PAREN_RELATIVE):
        for m in rx.finditer(text):
            if m.group(1) in _LOWER_NAMES:
                yield C.PERSON_NAME, m.start(1), m.end(1), why_lower
    for m in _NAME_APPOSITION.finditer(text):
        word = m.group(1)
        listed = word.lower() in _LOWER_NAMES if word.islower() else word in GIVEN_NAMES or word in SURNAMES
        if listed and not not_a_name_word(word):
            yield C.PERSON_NAME, m.start(1), m.end(1), "looks like a person's name (with a relative)"
    for m in _NAME_AND_RELATIVE.finditer(text):
        word = m.group(1)
        if (word in GIVEN_NAMES or word in SURNAMES) and not not_a_name_word(word):
            yield C.PERSON_NAME, m.start(1), m.end(1), "looks like a person's name (with a relative)"
    spoke = any(verb in low for verb in _SPOKE_HINTS)
    for m in _SPOKE_WITH.finditer(text) if spoke else ():
        word = m.group(1)
        if (
            (word in GIVEN_NAMES or word in SURNAMES)
            and not not_a_name_word(word)
            and not is_eponym_at(text, m.start(1), m.end(1))
        ):
            yield C.PERSON_NAME, m.start(1), m.end(1), REASON[C.PERSON_NAME]
    for m in _PAIR_SPEECH.finditer(text):
        first, last = m.group(1), m.group(2)
        if not_a_name_word(first) or not_a_name_word(last) or first.upper() == first:
            continue
        if not (first in GIVEN_NAMES or first in SURNAMES or last in SURNAMES or last in GIVEN_NAMES):
            continue  # "Urine Culture reports", "Poison Control states"
        if f"{first} {last}" in CITIES or first in CITY_FIRST_WORDS:
            continue
        yield C.PERSON_NAME, m.start(1), m.end(2), "looks like a person's name (followed by what they said)"
    if "-" in text:
        for m in _SURNAME_HYPHEN_GIVEN.finditer(text):
            surname = m.group(1) or m.group(4)
            if surname in SURNAMES and not not_a_name_word(surname):
                yield C.PERSON_NAME, m.start(), m.end(), "looks like a person's name (given name and surname)"
