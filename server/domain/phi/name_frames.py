"""Names in frames where the frame, not a name list, says it is a name: an honorific suffix
("Rajesh-ji", "Tanaka-san"), a nickname in quotes before a surname (pt "Junior" Fonoti), a family
("The Oyelaran family"), a name in apposition with an age ("Precious, the 6 y/o"), a name in a tattoo
(tattoo "ROBERTO"), a lower-case name after "mrs" or after a patient cue and "mr"/"ms" ("saw mr farooq
qureshi", "mrs o'brien's husband"), lower-case names before an age and sex after a bed or room ("bed 7 -
ma. luisa dela cruz, 63F"), and a compound surname in lower case ("pt ganbaatar bat-erdene 40M").

These catch the international and lower-case names no list holds. Each frame excludes the clinical
words that share it ("mild mr and tr": mitral regurgitation; "Baby Aspirin"; "The whole family").
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from server.domain.phi.hits import REASON, Finding
from server.domain.phi.hits import PhiCategory as C
from server.domain.phi.name_words import GIVEN_NAMES, NAME_TOKEN, SURNAMES, not_a_name_word
from server.domain.phi.text import LO, UP, word_set

_HONORIFIC_SUFFIX = re.compile(
    rf"\b([{UP}][{LO}]+)-(?:ji|jee|san|sama|kun|chan|sensei|bhai|ben|didi|bhaiya|sahib|saab|saheb|amma|appa)\b"
)

_QUOTED_BEFORE_SURNAME = re.compile(
    r"\b(?i:pt|patient|mr|mrs|ms|miss|named|called|aka|a\.k\.a\.)\.?\s+"
    rf"[\"'\u2018\u201c]([{UP}][{LO}]+)[\"'\u2019\u201d]\s+({NAME_TOKEN})"
)

_FAMILY = re.compile(
    rf"\b(?:[Tt]he)\s+({NAME_TOKEN})\s+(?:family|household|twins|kids|children|boys|girls)\b"
)

_FAMILY_HINT = re.compile(r"family|household|twins|kids|children|boys|girls")

_DEMONYM_END = re.compile(r"(?:ian|ean|ese|ish|can|ani|ali|ino|ina|i)$")

_APPOSITION_AGE = re.compile(
    rf"(?:^|(?<=[.!?]\s)|(?<=\n))({NAME_TOKEN}),\s+(?:the|our|a|an)\s+\d{{1,3}}[\s-]?"
    r"(?:y/?o|yo|yr|year-old|years?\s+old|month-old|mo\b|m/o|wk|week-old|day-old)"
)

_TATTOO = re.compile(
    r"(?i:tattoo(?:ed)?)\s+(?:(?:of|reading|that\s+(?:says|reads)|saying|with|of\s+the\s+name)\s+)?"
    rf"[\"'\u2018\u201c]([{UP}][A-Za-z{LO}{UP}]+(?:\s+[{UP}][A-Za-z{LO}{UP}]+)?)[\"'\u2019\u201d]"
)

_LC_WORD = rf"[a-z][{LO}'\u2019-]+"
_MRS_LOWER = re.compile(rf"\bmrs\.?\s+({_LC_WORD}(?:\s+{_LC_WORD})?)")
_CUE_MR_LOWER = re.compile(
    rf"\b(?:saw|seen|seeing|see|pt|patient|for|with|called|met|visited|admitted|discharged)\s+(?:mr|ms|miss)\.?\s+"
    rf"({_LC_WORD}(?:\s+{_LC_WORD})?)"
)

_BED_NAME_AGE = re.compile(
    r"\b(?i:bed|room|rm|cubicle|bay)\s*#?\s*\d{1,3}[a-z]?\s*[-:\u2013]\s*"
    rf"((?:[a-z]{{1,3}}\.\s+)?[a-z][{LO}'\u2019-]+(?:\s+[a-z][{LO}'\u2019-]+){{1,3}}),?\s+"
    r"\d{1,3}\s?(?i:[mf]\b|yo\b|y/o)"
)

_LC_COMPOUND_SURNAME = re.compile(
    r"\b(?i:pt|patient|client|saw|case\s+of)\s*:?\s+"
    rf"([a-z][{LO}]{{2,}})\s+([a-z][{LO}]{{1,}}-[a-z][{LO}]{{2,}}),?\s+"
    r"\d{1,3}\s?(?i:[mf]\b|yo\b|y/o|-?years?\b|-?year-old)"
)

# Words that follow "mr"/"ms"/"mrs" in clinical shorthand or in a sentence, not names.
_NOT_AFTER_TITLE = word_set(
    """
and or with w the a an is was has had to of in on at for from by but not no mild moderate severe trace
tr ar pr mr ms ai as ps pa pulm jvd also likely s/p status post noted seen on at
"""
)


def _listed(word: str) -> bool:
    name = word.capitalize()
    return name in SURNAMES or name in GIVEN_NAMES


def _words_ok(words: list[str]) -> bool:
    return bool(words) and not any(
        w.lower() in _NOT_AFTER_TITLE or not_a_name_word(w.strip("'\u2019.").capitalize()) for w in words
    )


def find_name_frames(text: str) -> Iterator[Finding]:
    """Names that the frame around them gives away (see the module's docstring)."""
    low = text.lower()
    hyphen = "-" in text
    for m in _HONORIFIC_SUFFIX.finditer(text) if hyphen else ():
        if not not_a_name_word(m.group(1)):
            yield C.PERSON_NAME, m.start(), m.end(), REASON[C.PERSON_NAME]
    quoted = any(q in text for q in "\"'\u2018\u201c")
    for m in _QUOTED_BEFORE_SURNAME.finditer(text) if quoted else ():
        if not not_a_name_word(m.group(2)):
            yield C.PERSON_NAME, m.start(1) - 1, m.end(2), "looks like a person's nickname and surname"
    for m in _FAMILY.finditer(text) if _FAMILY_HINT.search(low) else ():
        word = m.group(1)
        if (
            not not_a_name_word(word)
            and not _DEMONYM_END.search(word)
            and word.lower() not in ("whole", "entire")
        ):
            yield C.PERSON_NAME, m.start(1), m.end(1), "looks like a family's surname"
    for m in _APPOSITION_AGE.finditer(text):
        if not not_a_name_word(m.group(1)):
            yield C.PERSON_NAME, m.start(1), m.end(1), REASON[C.PERSON_NAME]
    for m in _TATTOO.finditer(text) if quoted and "tattoo" in low else ():
        words = m.group(1).split()
        if not any(not_a_name_word(w.capitalize()) for w in words):
            yield C.PERSON_NAME, m.start(1), m.end(1), "looks like a person's name (in a tattoo)"
    if "mr" in low or "ms" in low:
        for rx in (_MRS_LOWER, _CUE_MR_LOWER):
            for m in rx.finditer(text):
                words = m.group(1).split()
                if re.search(r"['\u2019]s$", words[0]):
                    words = [words[0][:-2]]  # "o'brien's husband": the name ends at the possessive
                else:
                    words = [re.sub(r"['\u2019]s$", "", w) for w in words]
                # keep the second word only when it is a listed name ("farooq qureshi", not "garcia about")
                if len(words) == 2 and not (_words_ok(words[1:]) and _listed(words[1])):
                    words = words[:1]
                if _words_ok(words):
                    end = m.start(1) + len(" ".join(words))
                    yield C.PERSON_NAME, m.start(1), end, "looks like a person's name (written in lower case)"
    for m in _BED_NAME_AGE.finditer(text):
        words = [w for w in m.group(1).split() if not w.endswith(".")]
        if _words_ok(words):
            yield C.PERSON_NAME, m.start(1), m.end(1), "looks like a person's name (followed by age and sex)"
    for m in _LC_COMPOUND_SURNAME.finditer(text) if hyphen else ():
        words = [m.group(1), *m.group(2).split("-")]
        if _words_ok(words):
            yield C.PERSON_NAME, m.start(1), m.end(2), "looks like a person's name (followed by age and sex)"
