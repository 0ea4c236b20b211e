"""The record's own people: names of the platform's users who are party to the record being written (the
learner, the preceptor, the coordinator, a letter's author) are not a patient's identifiers.

An evaluation has to be able to say "Priya presented well" and a letter "Sincerely, Adebayo Ogunleye,
MD". The caller (a service that knows the record) passes the parties' names; a name finding whose every
word is a word of a party's name, once titles ("Dr.", "Dra.", "Coach", "MD", "FACP") and a possessive are
set aside, is dropped. So are the full name, the given name alone, the family name alone, lower case and
"Dr. Lin's". A finding that holds any other word ("Priya Singh" when the party is Priya Sharma), a
patient's name in the same sentence, and a party's name written after a patient cue ("pt Lin", "Baby
Lin", "her son Lin") stay: a patient who shares a name with the learner is still a patient.

Only person-name findings are matched: a party's name never hides a date, a number or a place. The names
come from the server's own records, never from the client (see docs/phi-guard.md for the policy).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from functools import lru_cache

from server.domain.phi.text import word_set

# Titles, honorifics and credentials that come with a name but are not part of it.
_TITLES = word_set(
    """
dr dra dr. doctor doctora doutor doutora prof professor profa mr mrs ms mx miss mister sr sra srta
coach nurse md do mbbs mbchb phd facp facs frcp frcpc mph msc rn np pa pa-c dnp bsn ms dds dmd pharmd
sir madam dear hi hello hey ola olá hola thanks thank
"""
)

# Short particles inside names ("Maria da Silva", "van der Berg"): allowed inside a party's span, and
# never a party word on their own.
_PARTICLES = word_set("de da do dos das del della di du van von der den la le el al bin bint ibn y e")

_WORD = re.compile(r"[^\W\d_]+(?:['\u2019-][^\W\d_]+)*", re.UNICODE)

# A party's name right after one of these belongs to someone else: the patient or a relative.
_PATIENT_BEFORE = re.compile(
    r"(?i:\b(?:pt|patient|pts|patient's|pt's|baby|infant|client|mother|father|son|daughter|wife|husband|"
    r"brother|sister|mom|dad|aunt|uncle|grandmother|grandfather|cousin|partner|the)\s*[:,]?\s*)$"
)


def _fold(word: str) -> str:
    """``word`` in lower case without accents and without a possessive ("Martínez's" -> "martinez")."""
    word = re.sub(r"['\u2019]s$", "", word)
    decomposed = unicodedata.normalize("NFKD", word.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@lru_cache(maxsize=256)
def party_words(parties: tuple[str, ...]) -> frozenset[str]:
    """The folded words of the parties' names, titles and particles left out ("Dra. Beatriz Lopes" ->
    {"beatriz", "lopes"}); a hyphenated name gives itself and its parts ("Bat-Erdene")."""
    words: set[str] = set()
    for party in parties:
        for m in _WORD.finditer(party):
            folded = _fold(m.group())
            if folded in _TITLES or folded in _PARTICLES or len(folded) < 2:
                continue
            words.add(folded)
            words.update(p for p in folded.split("-") if len(p) >= 2)
    return frozenset(words)


def is_party_span(text: str, start: int, end: int, words: frozenset[str]) -> bool:
    """True when ``text[start:end]`` names only the record's parties (see the module's docstring)."""
    if not words:
        return False
    found = False
    for m in _WORD.finditer(text, start, end):
        folded = _fold(m.group())
        if folded in words:
            found = True
        elif folded not in _TITLES and folded not in _PARTICLES:
            return False
    if not found:
        return False
    return _PATIENT_BEFORE.search(text[max(0, start - 24) : start]) is None


def normalized(parties: Iterable[str] | Sequence[str]) -> tuple[str, ...]:
    """The parties as a hashable, ordered tuple without blanks (for :func:`party_words`' cache)."""
    return tuple(sorted({p.strip() for p in parties if p and p.strip()}))
