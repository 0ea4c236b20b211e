"""People's names where something announces them: a title ("Mrs. Alvarez", "Father Okafor", "Tía
Rosa"), a relative ("her son Dele", "Ezinne (daughter)"), a verb of speech ("Maria reports"), an age
("John Miller, 67M"), or a naming cue ("named", "patient name:", "goes by").

The cue carries most of the weight, so unlisted names count after the strongest cues; after weaker ones
the word must be a listed given name or surname, and never a ward, month, place, complaint or eponym
("Patient Chest Pain", "Sister Mary Joseph nodule").
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from server.domain.phi.eponyms import EPONYM_NOUNS, is_eponym_at
from server.domain.phi.gazetteer import (
    PLACES_NOT_LOCAL,
)
from server.domain.phi.hits import REASON, Finding
from server.domain.phi.hits import PhiCategory as C
from server.domain.phi.months import MONTH_WORDS, WEEKDAYS
from server.domain.phi.name_lists import WORD_NAMES
from server.domain.phi.name_words import (
    ALL_GIVEN,
    AMBIGUOUS_GIVEN,
    COMPLAINT_WORDS,
    GIVEN_NAMES,
    HONORIFIC,
    NAME_STOP,
    NAME_TOKEN,
    PAREN_NOT_NAMES,
    RELATIVE,
    STRONG_GIVEN,
    SURNAMES,
    TITLE,
    name_ok,
    surname_like,
)
from server.domain.phi.text import (
    text_before,
    word_set,
)

_HONORIFIC_NAME = re.compile(rf"\b{HONORIFIC}\.?\s+({NAME_TOKEN}(?:\s+{NAME_TOKEN})?|[A-Z]\.(?!\w))")

_TITLE_NAME = re.compile(rf"\b{TITLE}\.?\s+({NAME_TOKEN})(?:\s+{NAME_TOKEN})?")

# Family titles used as a form of address in many languages ("Mama Adaku", "Tía Rosa", "Uncle Dapo"):
# whatever capitalised word follows is a name, listed or not.
_KIN_TITLE_NAME = re.compile(
    r"\b(?:Mama|Mamá|Mami|Papa|Papá|Baba|Abuela|Abuelo|Abuelita|Abuelito|T[ií]a|T[ií]o|Granny|Gran|Grandad|Granddad"
    r"|Grandma|Grandpa|Nan|Nonna|Nonno|Oma|Opa|Babushka|Dadi|Nani|Amma|Appa|Ammi|Abba|Aunty|Auntie|Aunt|Uncle"
    r"|Lola|Lolo|Ate|Kuya|Bibi|Mzee|Iya|Mummy|Daddy|Mum|Mom|Dad|Cousin|Sister|Brother)"
    rf"\s+({NAME_TOKEN})\b(?!\s*(?:-|{NAME_TOKEN}\s+(?:disease|syndrome|sign)))"
)

# "Ezinne (daughter)", "wife (Sunniva)": a name and a relative in brackets, either way round.
_NAME_PAREN_RELATIVE = re.compile(rf"\b({NAME_TOKEN}(?:\s+{NAME_TOKEN})?)\s*\(\s*(?i:{RELATIVE})\b")

_RELATIVE_PAREN_ANY = re.compile(rf"\b(?i:{RELATIVE})\s*\(\s*({NAME_TOKEN}(?:\s+{NAME_TOKEN})?)\s*[),;]")

# "Case: Tobiah Wexler, 45M": after a patient cue, two capitalised words then age and sex are a name even
# when neither is listed, unless they are the complaint ("Case: Chest Pain, 45M").
_CUE_NAME_AGE = re.compile(
    rf"\b(?:[Cc]ase|[Pp]atient|[Pp]t|[Nn]ame|ID|Re)\s*[:\-]\s*({NAME_TOKEN}\s+{NAME_TOKEN}),?\s+"
    r"\d{1,3}\s?(?:[MF]\b|yo\b|y/o|y\.o\.|-?years?\b|-?year-old|yr)"
)

_POSSESSIVE_RELATIVE = re.compile(rf"\b({NAME_TOKEN})['\u2019]s\s+{RELATIVE}\b")

_SPEECH_VERB = (
    r"(?:reports|reported|presents|presented|states|stated|denies|denied|complains|complained|endorses|endorsed|"
    r"notes|noted|says|said|tells|told|came|comes|returns|returned|arrived|describes|described|admits|"
    r"feels|felt|underwent|lives|lived|works|worked|smokes|drinks|was\s+brought|was\s+seen|was\s+admitted|"
    r"is\s+(?:a|an)\s+\d|was\s+(?:a|an)\s+\d|,\s+(?:a|an)\s+\d|,\s+\d{1,3}\s?(?:[MF]\b|y|-year))"
)

_NAME_THEN_VERB = re.compile(rf"\b({NAME_TOKEN}(?:\s+{NAME_TOKEN})?)\s*{_SPEECH_VERB}")

_LOWER_PAIR = re.compile(r"\b([a-z]{4,})\s+([a-z]{2,}(?:-[a-z]+)?)\b")

_LOWER_HONORIFIC = re.compile(r"\b(?:mr|mrs|ms|miss|dr)\.?\s+([a-z][a-z'-]+)\b")

_NAME_THEN_AGE = re.compile(
    rf"\b({NAME_TOKEN}\.?\s+{NAME_TOKEN}),?\s+(?:\d{{1,2}}\s?/?\s?(?:[MF]\b|yo|y/o|-?years?|-?year-old)|age[ds]?\s+\d)"
)

_CUED_NAME = re.compile(
    rf"\b(?:named|name\s+is|name's|called|goes\s+by|known\s+as|nicknamed|[Pp]atient\s+name\s*:?|[Nn]ame\s*:)\s+"
    rf"({NAME_TOKEN}(?:\s+{NAME_TOKEN})?)"
)

# "called" names someone after a person noun or a copula ("a man called ...", "is called ..."); otherwise it
# is more often a phone call ("called Poison Control").
_NAMING_CALLED_BEFORE = re.compile(
    r"\b(?:man|woman|boy|girl|friend|someone|person|guy|lady|son|daughter|child|baby|brother|sister|husband|"
    r"wife|partner|patient|pt|is|was|be|been|being|also|sometimes|often|prefers\s+to\s+be)\s*$",
    re.IGNORECASE,
)

_PATIENT_NAME = re.compile(
    rf"\b(?:[Pp]atient|[Pp]t\.?|[Cc]ase|[Pp]resenting|[Ss]aw|[Cc]lient|[Rr]esident|[Ii]nfant|[Bb]aby|[Nn]urse)"
    rf"\s*(?:is|was|:)?\s+({NAME_TOKEN},?\s+{NAME_TOKEN})\b"
)

_PATIENT_SURNAME = re.compile(
    rf"\b(?:[Pp]atient|[Pp]t\.?|[Bb]aby\s+(?:boy|girl)|[Ii]nfant|[Cc]lient)\s+({NAME_TOKEN})\b(?!\s+{NAME_TOKEN})"
)

# "Baby Hope", "Baby Boy Mwangi": a newborn's name (any capitalised word, listed or not, a word-name
# included), unless "Baby" makes a product or a thing ("Baby Aspirin", "Baby Formula").
_BABY_NAME = re.compile(rf"\bBaby\s+(?:[Bb]oy\s+|[Gg]irl\s+)?({NAME_TOKEN})\b")
_BABY_THINGS = word_set(
    """
Aspirin ASA Shampoo Oil Powder Formula Food Foods Boomer Boomers Blues Monitor Wipes Teeth Tooth Bottle
Carrier
Seat Walker Steps Talk Fat Doll Shower Blanket Lotion Cereal Gate Friendly Bump Weight Scale Unit Ward Nursery
Clinic Check Checks Boy Girl Boys Girls
"""
)

_NAME_FIELD = re.compile(
    rf"\b(?:first|last|given|sur|family|middle|maiden|nick)\s*name\s*(?:is|was|:)?\s*({NAME_TOKEN})",
    re.IGNORECASE,
)

_RELATIVE_PAREN = re.compile(rf"\b(?i:{RELATIVE})\s*\(\s*({NAME_TOKEN}(?:\s+{NAME_TOKEN})?)")

_RELATIVE_NAME = re.compile(rf"\b{RELATIVE}(?:'s)?,?\s+({NAME_TOKEN}(?:\s+{NAME_TOKEN})?)")

_LAST_FIRST = re.compile(rf"\b({NAME_TOKEN}),\s+({NAME_TOKEN})\b")


def find_cued_names(text: str) -> Iterator[Finding]:
    """Names announced by a title, a relative, a verb of speech, an age, or a naming cue."""
    for m in _HONORIFIC_NAME.finditer(text):
        tokens = m.group(1).split()
        if tokens[0] in NAME_STOP or tokens[0] in MONTH_WORDS or tokens[0] in PLACES_NOT_LOCAL:
            continue
        end = m.end(1) if len(tokens) == 1 or tokens[1] not in NAME_STOP else m.start(1) + len(tokens[0])
        yield C.PERSON_NAME, m.start(), end, "looks like a person's name (title and name)"
    for m in _TITLE_NAME.finditer(text):
        word = m.group(1)
        if (
            (surname_like(word) or word in ALL_GIVEN)
            and word not in NAME_STOP
            and not is_eponym_at(text, m.start(1), m.end())
        ):
            yield C.PERSON_NAME, m.start(), m.end(), "looks like a person's name (title and name)"
    for m in _POSSESSIVE_RELATIVE.finditer(text):
        word = m.group(1)
        if word in ALL_GIVEN or word in SURNAMES:
            if word in MONTH_WORDS or word in PLACES_NOT_LOCAL or word in NAME_STOP:
                continue
            yield C.PERSON_NAME, m.start(1), m.end(1), "looks like a person's name (with a relative)"
    for m in _NAME_THEN_VERB.finditer(text):
        words = m.group(1).split()
        first = words[0]
        with_age = any(ch.isdigit() for ch in m.group())  # "Sawyer is an 8-year-old"
        known = first in GIVEN_NAMES or (with_age and first in SURNAMES)
        if not known or first in NAME_STOP or first in PLACES_NOT_LOCAL:
            continue
        if len(words) == 2 and words[1] not in SURNAMES and words[1] in NAME_STOP:
            continue
        if first in MONTH_WORDS and len(words) == 1:
            continue
        yield (
            C.PERSON_NAME,
            m.start(1),
            m.end(1),
            "looks like a person's name (followed by what they said or did)",
        )
    for m in _LOWER_PAIR.finditer(text):
        first, last = m.group(1).capitalize(), m.group(2).capitalize()
        if first in STRONG_GIVEN and len(first) > 3 and last in SURNAMES:
            yield C.PERSON_NAME, m.start(), m.end(), "looks like a person's name (written in lower case)"
    for m in _LOWER_HONORIFIC.finditer(text):
        word = m.group(1).capitalize()
        if word in SURNAMES and word not in WORD_NAMES:
            yield C.PERSON_NAME, m.start(), m.end(), "looks like a person's name (title and name)"
    for m in _NAME_THEN_AGE.finditer(text):
        first, last = m.group(1).split()
        if (first in ALL_GIVEN or last in SURNAMES) and name_ok([first, last]) and last not in NAME_STOP:
            yield C.PERSON_NAME, m.start(1), m.end(1), "looks like a person's name (followed by age and sex)"
    for m in _PATIENT_SURNAME.finditer(text):
        word = m.group(1)
        if (
            word in SURNAMES
            and word not in WORD_NAMES
            and word not in NAME_STOP
            and word not in PLACES_NOT_LOCAL
            and not is_eponym_at(text, m.start(1), m.end(1))
        ):
            yield C.PERSON_NAME, m.start(1), m.end(1), "looks like a person's surname"
    for m in _BABY_NAME.finditer(text):
        word = m.group(1)
        if word not in _BABY_THINGS and word not in NAME_STOP and word not in MONTH_WORDS:
            yield C.PERSON_NAME, m.start(1), m.end(1), "looks like a baby's name"
    for m in _KIN_TITLE_NAME.finditer(text):
        word = m.group(1)
        if word in NAME_STOP or word in MONTH_WORDS or word in PLACES_NOT_LOCAL or word in PAREN_NOT_NAMES:
            continue
        if is_eponym_at(text, m.start(1), m.end(1)):
            continue
        yield C.PERSON_NAME, m.start(), m.end(), "looks like a person's name (family title and name)"
    for rx in (_NAME_PAREN_RELATIVE, _RELATIVE_PAREN_ANY):
        for m in rx.finditer(text):
            words = m.group(1).split()
            if rx is _NAME_PAREN_RELATIVE:
                words = words[-1:] if words[0] in NAME_STOP or words[0] in PAREN_NOT_NAMES else words
            if any(w in PAREN_NOT_NAMES or w in COMPLAINT_WORDS for w in words) or not name_ok(words):
                continue
            if words[0] in PLACES_NOT_LOCAL or is_eponym_at(text, m.start(1), m.end(1)):
                continue
            start = m.end(1) - len(" ".join(words)) if rx is _NAME_PAREN_RELATIVE else m.start(1)
            yield C.PERSON_NAME, start, m.end(1), "looks like a person's name (a relative)"
    for m in _CUE_NAME_AGE.finditer(text):
        words = m.group(1).split()
        if any(w in COMPLAINT_WORDS or w in NAME_STOP or w in EPONYM_NOUNS for w in words):
            continue
        if not name_ok(words) or words[0] in PLACES_NOT_LOCAL:
            continue
        yield C.PERSON_NAME, m.start(1), m.end(1), "looks like a person's name (followed by age and sex)"
    for m in _RELATIVE_PAREN.finditer(text):
        words = m.group(1).split()
        if (
            (words[0] in GIVEN_NAMES or words[-1] in SURNAMES)
            and name_ok(words)
            and not is_eponym_at(text, m.start(1), m.end(1))
        ):
            yield C.PERSON_NAME, m.start(1), m.end(1), "looks like a person's name (a relative)"
    for m in _NAME_FIELD.finditer(text):
        if m.group(1) not in NAME_STOP:
            yield C.PERSON_NAME, m.start(1), m.end(1), REASON[C.PERSON_NAME]
    for rx in (_CUED_NAME, _PATIENT_NAME, _RELATIVE_NAME):
        for m in rx.finditer(text):
            tokens = m.group(1).replace(",", " ").split()
            if not name_ok(tokens) or is_eponym_at(text, m.start(1), m.end(1)):
                continue
            if (
                rx is _CUED_NAME
                and m.group().lower().startswith("called")
                and not any(t in GIVEN_NAMES or t in SURNAMES for t in tokens)
                and not _NAMING_CALLED_BEFORE.search(text_before(text, m.start(), 30))
            ):
                continue  # "called Poison Control": phoned, not named ("a man called Tobiah Wexler")
            if rx is _CUED_NAME and re.search(
                r"(?:town|city|village|place|street|road|county)\s+\S+\s*$",
                text_before(text, m.start(1), 30),
                re.IGNORECASE,
            ):
                continue
            if (
                rx is _RELATIVE_NAME
                and len(tokens) == 1
                and tokens[0] in AMBIGUOUS_GIVEN
                and (tokens[0] not in GIVEN_NAMES or tokens[0] in PLACES_NOT_LOCAL or tokens[0] in WEEKDAYS)
            ):
                continue
            if rx is _PATIENT_NAME and not (
                tokens[0] in ALL_GIVEN or tokens[1] in SURNAMES or tokens[0] in SURNAMES
            ):
                continue
            end = m.end(1)
            if len(tokens) == 2 and (tokens[1] in NAME_STOP or tokens[1] in MONTH_WORDS):
                end = m.start(1) + len(tokens[0])
            yield C.PERSON_NAME, m.start(1), end, REASON[C.PERSON_NAME]
    for m in _LAST_FIRST.finditer(text):
        last, first = m.group(1), m.group(2)
        if last in SURNAMES and first in STRONG_GIVEN and last not in NAME_STOP:
            yield C.PERSON_NAME, m.start(), m.end(), "looks like a person's name (surname, given name)"
