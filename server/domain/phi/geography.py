"""Places smaller than a state: cities, counties, neighbourhoods and towns ("lives in Dorchester",
"moved from Dodge City", "Springfield, IL", "Kibera, Kenya"), and named hospitals and care homes, which
give away where a person is.

A capitalised word after "in" or "from" is as often a ward, a rhythm, a country or a person ("was in
Recovery", "in Afib", "from Mexico", "with Maria"), so the rules weigh the cue (living, moving, growing up
are strong; "in" alone needs a known city or a place-shaped name), and drop states, countries and regions,
clinical states and departments, eponyms ("Ottawa ankle rules") and people's origins ("of Haitian
descent").
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from server.domain.phi.addresses import STATE_ALT
from server.domain.phi.eponyms import followed_by_eponym_noun
from server.domain.phi.gazetteer import (
    CITIES,
    CLINICAL_STATE_CODES,
    LARGE_PLACES,
    PLACES_NOT_LOCAL,
    STATE_NAMES,
)
from server.domain.phi.generic_words import GENERIC_FACILITY_WORDS, NOT_PLACE_WORDS
from server.domain.phi.hits import REASON, Finding
from server.domain.phi.hits import PhiCategory as C
from server.domain.phi.months import MONTH_WORDS, WEEKDAYS
from server.domain.phi.name_words import (
    NAME_STOP,
    NAME_TOKEN,
    not_a_name_word,
)
from server.domain.phi.text import (
    HAS_DIGIT,
    LO,
    UNIT_AFTER,
    UP,
    Folded,
    lowered,
    word_set,
)

_CITY_STATE = re.compile(
    rf"\b((?:[A-Z][a-z]+(?:[ -][A-Z][a-z]+){{0,2}}|St\.\s[A-Z][a-z]+)),?\s+"
    rf"(?:({STATE_ALT})|({STATE_NAMES}))\b(?![-\d])"
)

_FACILITY = re.compile(
    r"\b((?:St\.?|Saint)\s+[A-Z][a-z]+(?:'s)?(?:\s+[A-Z][a-z]+)?|(?:[A-Z][a-z]+(?:'s)?\s+){1,3})"
    r"(?:Hospital|Medical\s+Center|Health\s+Center|Clinic|Nursing\s+Home|Rehabilitation\s+Center|Hospice|"
    r"Infirmary|Health\s+System|Healthcare|Urgent\s+Care|Nursing\s+and\s+Rehab(?:ilitation)?|Assisted\s+Living|"
    # homes where patients live and work: naming one narrows them to a few dozen residents or staff
    r"Care\s+Home|Care\s+Cent(?:er|re)|Rest\s+Home|Retirement\s+(?:Home|Village|Community)|Residential\s+Home|"
    r"Group\s+Home|Senior\s+Living)\b"
)

_COUNTY = re.compile(r"\b(?:[A-Z][a-z]+\s+){1,2}(?:County|Parish|Borough|Township)\b")

_PLACE = (
    r"(?:the\s+)?(?i:(?:north|south|east|west|northern|southern|eastern|western|downtown|central|rural|suburban|"
    r"upstate|greater|metro|inner[- ]city|outer|old|uptown|midtown)[\s-]+)?"
    r"((?:St\.\s)?[A-Z][a-z]+(?:[ -][A-Z][a-z]+){0,2})"
)

# Found in two steps, for speed: the cue (case-insensitive, so in the lower-cased text), then the
# capitalised place right after it in the text as written.
_STRONG_PLACE_CUE = Folded(
    r"\b(?:(?:lives?|living|lived|resides?|residing|resident|relocated|moved|grew\s+up|born|raised|native|"
    r"travel(?:l)?ed|travel|trip|commutes?|drove|flew|visiting|visited|home|town|city|"
    r"village|neighbou?rhood|suburb|area|farm|ranch|cabin|house|apartment|flat|trailer|property|reservation|"
    r"stationed|deployed|based|posted|settled|emigrated|immigrated|hails|church|mosque|temple|synagogue|"
    r"parish|congregation|relatives|family|parents|grandparents|cousins)"
    r"(?:\s+(?:alone|here|back|recently|just|with\s+\w+(?:\s+\w+)?|up|down|over|out|nearby))?"
    r"\s+(?:in|from|to|near|outside(?:\s+of)?|of|at|around)"
    r"|(?:is|was|comes?|came|originally|returned|recently\s+returned|immigrated|emigrated)"
    r"(?:\s+(?:originally|here|recently|just))?\s+from)"
)
_PLACE_AFTER_CUE = re.compile(rf"\s+{_PLACE}")

_NAMED_PLACE = re.compile(
    rf"\b(?i:town|city|village|suburb|neighbou?rhood|borough|community|hamlet|hometown|county|township)"
    rf"(?i:\s+(?:called|named|of)|\s*:|\s+is)\s+{_PLACE}",
)

# "lives on a ranch outside of Bozeman", "moved with her two sons to Marfa": a verb of living, a few
# lower-case words, then the place.
_LIVING_FAR = re.compile(
    r"\b(?i:lives?|living|lived|resides?|residing|moved|relocated|grew\s+up|raised|born|settled)\b"
    r"(?:,?\s+[a-z]+){1,6}?\s+(?:in|near|outside(?:\s+of)?|from|to|at)\s+"
    rf"{_PLACE}"
)

# "works in Dubai": a verb of working then a place, unless the place is a department or a trade. "was in
# Kibera", "family is in Soweto": being somewhere capitalised is the same cue (wards and states are not
# local places: "was in Recovery", "is in Texas").
_WORKS_IN = re.compile(
    rf"\b(?i:works?|worked|working|studies|studied|studying|teaches|taught)\s+in\s+{_PLACE}"
)

# Being in a capitalised place is weaker ("was in Afib with RVR", "is in Sinus rhythm"): the place must end
# the clause or be followed by a time or company word, and must not be a rhythm or clinical state.
_BEING_IN = re.compile(
    rf"\b(?i:is|was|were|are|stays?|stayed|staying|remains?|remained)\s+in\s+{_PLACE}"
    r"(?=\s*(?:[.,;:!?)]|$)|\s+(?:until|since|for|and|when|before|after|last|this|now|where|near|with\s+"
    r"(?:her|his|their|family|relatives)))"
)

# Each pattern with the substrings one of which it needs (a cheap test on the lower-cased text first).
_CUED_PLACE_RXS = (
    (_LIVING_FAR, ("liv", "resid", "moved", "relocat", "grew", "raised", "born", "settled")),
    (_WORKS_IN, ("work", "stud", "teach", "taught")),
    (_BEING_IN, ("in",)),
)
_NAMED_PLACE_HINTS = (
    "town",
    "city",
    "village",
    "suburb",
    "neighbo",
    "borough",
    "community",
    "hamlet",
    "county",
)

_CLINICAL_STATES = word_set(
    """
Afib AFib Aflutter Vfib VFib Vtach VTach Sinus Torsades Status Septic Sepsis Cardiac Respiratory Renal Hepatic
Atrial Ventricular Diabetic Withdrawal Tamponade Asystole Arrest Extremis Retention Spasm Bigeminy Trigeminy
Heart Liver Kidney Hypertensive Hypoglycaemic Hypoglycemic Ketoacidosis Active Early Late Established
Preterm Term Spontaneous Latent Second First Third Fourth Complete Partial Full Good Sync Synch Pacing
"""
)

_EU_POSTCODE_TOWN = re.compile(
    rf"(?:,|\bin)\s*((?:[A-Z]{{1,2}}-)?\d{{4,5}})\s+([{UP}][{LO}]+(?:[\s-][{UP}][{LO}]+)?)\b"
)

_NOT_TOWN_AFTER_NUMBER = word_set(
    "Units Unit IU Cells Copies Calories Steps Patients People Hours Days Weeks Visits Beds Staff Cases Miles"
)

_WEAK_PLACE_CUE = re.compile(
    rf"\b(?:in|from|to|near|outside|of|at|around|off|visit(?:ed|ing)?|and|out\s+of)\s+{_PLACE}"
)

_COUNTRY_NAMES = (
    "Mexico|Brazil|India|Pakistan|Bangladesh|China|Japan|Korea|South Korea|Philippines|Vietnam|Nigeria|Ghana|"
    "Kenya|Ethiopia|Egypt|Iran|Iraq|Syria|Turkey|Russia|Ukraine|Poland|Germany|France|Italy|Spain|Portugal|"
    "England|Scotland|Ireland|Wales|UK|Cuba|Haiti|Jamaica|Dominican Republic|Guatemala|Honduras|El Salvador|"
    "Colombia|Venezuela|Peru|Chile|Argentina|Ecuador|Bolivia|Australia|Canada|Israel|Jordan|Lebanon|"
    "Saudi Arabia|Thailand|Indonesia|Malaysia|Nepal|Sri Lanka|Somalia|Sudan|Yemen|Afghanistan|Morocco|"
    "Tunisia|Algeria|Eritrea|Uganda|Tanzania|Cameroon|Senegal|Liberia|Sierra Leone|Zimbabwe|Nicaragua"
)

_REGION_WORDS = frozenset(["State", "Province", "Region", "Oblast", "Governorate", "Prefecture", "Territory"])

_TOWN_COUNTRY = re.compile(
    rf"\b(?i:in|from|near|outside|of|to|at|visited|visiting)\s+({NAME_TOKEN}(?:[ -]{NAME_TOKEN})?),\s+"
    rf"(?:{_COUNTRY_NAMES}|[A-Z][a-z]+(?:\s[A-Z][a-z]+)?\s(?:State|Province|Region|Oblast|Governorate|Prefecture))\b"
)

# "lives in the Little Haiti area": a noun of a part of town after the name ("area" is also an eponym
# noun, as in "Broca's area", which a cue of living rules out).
_PLACE_NOUN_AFTER = re.compile(r"\s+(?:area|neighbou?rhood|district|section|part\s+of\s+town|side)\b")

_NOT_A_PLACE_AFTER = re.compile(
    r"\s+(?:descent|origin|heritage|ancestry|background|decent|extraction|parents)\b"
)

_NOT_PLACE_SECOND = word_set(
    "Year Years Onset Wing Tower Building Unit Ward Floor Campus Patient Patients Zealand Rounds Round League"
    " Age Ages Testament World School Dose Doses Bit Finger Toe"
)

# Last words that make a two- or three-word capitalised name a town ("Dodge City", "Sioux Falls", "Palm
# Springs", "Jackson Heights"); "from Dodge" alone (a car maker, "get out of Dodge") stays clean.
_PLACE_SUFFIXES = word_set(
    "City Town Township Falls Springs Beach Heights Park Village Harbor Harbour Bay Creek Valley Ridge Hills "
    "Junction Crossing Landing Rapids Bluffs Grove Point Ville Borough Hollow Gap Mills Station Cove Flats"
)

_PLACE_PREFIXES = word_set(
    "New North South East West Fort Saint St. Port Lake Mount San Santa Los Las El Grand Glen Palm Cape Rock "
    "Oak Cedar Silver Spring Little Upper Lower Old"
)


def _is_local_place(place: str) -> bool:
    words = place.removeprefix("the ").split()
    if not words:
        return False
    joined = " ".join(words)
    if joined in CITIES:
        return True
    if len(words) > 1 and words[-1] in _REGION_WORDS:
        return False  # "Lagos State", "Punjab Province": a region the size of a US state
    if joined not in LARGE_PLACES and len(words) > 1 and words[0] == "Little":
        return True  # "Little Haiti", "Little Saigon": neighbourhoods named after countries
    if (
        joined in LARGE_PLACES
        or words[-1] in LARGE_PLACES
        or (len(words) == 1 and words[0] in PLACES_NOT_LOCAL)
    ):
        return False
    if len(words) > 1 and words[0] in _PLACE_PREFIXES:
        return True
    return not (words[0] in MONTH_WORDS or words[0] in WEEKDAYS or words[0] in NAME_STOP)


def _city_prefix(place: str) -> str | None:
    """The longest known city at the start of ``place`` ("Ann Arbor and" -> "Ann Arbor")."""
    words = place.split()
    for n in range(len(words), 0, -1):
        cand = " ".join(words[:n])
        if cand in CITIES:
            return cand
    return None


def find_geography(text: str) -> Iterator[Finding]:
    """Places smaller than a state, named facilities, and a European postcode with its town."""
    for m in _CITY_STATE.finditer(text):
        place = m.group(1)
        city = _city_prefix(place) or place
        if m.group(2) == "ID" and not text[m.end(1) : m.start(2)].startswith(","):
            continue  # "Employee ID 44521", "Member ID": not Idaho
        if m.group(2) and m.group(2) in CLINICAL_STATE_CODES:
            after = text[m.end() : m.end() + 8]
            if city not in CITIES and not re.match(r",?\s*\d{5}(?:-\d{4})?(?!\d)", after):
                continue
        if (place.split()[0] in NAME_STOP or place.split()[0] in PLACES_NOT_LOCAL) and city not in CITIES:
            continue
        yield C.GEOGRAPHY, m.start(1), m.end(1), REASON[C.GEOGRAPHY]
    for m in _COUNTY.finditer(text):
        yield C.GEOGRAPHY, m.start(), m.end(), REASON[C.GEOGRAPHY]
    for m in _FACILITY.finditer(text):
        words = m.group(1).replace("'s", "").split()
        if all(w in GENERIC_FACILITY_WORDS for w in words) or followed_by_eponym_noun(text, m.end()):
            continue
        yield C.GEOGRAPHY, m.start(), m.end(), "names a specific facility, which gives away a location"
    for cue in _STRONG_PLACE_CUE.finditer(text):
        pm = _PLACE_AFTER_CUE.match(text, cue.end())
        if pm is None:
            continue
        place = pm.group(1)
        if _NOT_A_PLACE_AFTER.match(text, pm.end(1)) or (
            followed_by_eponym_noun(text, pm.end(1)) and not _PLACE_NOUN_AFTER.match(text, pm.end(1))
        ):
            continue
        if _is_local_place(place):
            city = _city_prefix(place.removeprefix("the ").strip())
            end = pm.start(1) + len(place) if city is None else pm.start(1) + place.index(city) + len(city)
            yield C.GEOGRAPHY, pm.start(1), end, REASON[C.GEOGRAPHY]
    low = lowered(text) or text.lower()
    for rx, hints in _CUED_PLACE_RXS:
        if not any(hint in low for hint in hints):
            continue
        for m in rx.finditer(text):
            place = m.group(1)
            first = place.removeprefix("the ").split()[0]
            if first in NOT_PLACE_WORDS or followed_by_eponym_noun(text, m.end(1)):
                continue
            if rx is _BEING_IN and first in _CLINICAL_STATES:
                continue
            if _NOT_A_PLACE_AFTER.match(text, m.end(1)) or not _is_local_place(place):
                continue
            city = _city_prefix(place.removeprefix("the ").strip())
            end = m.start(1) + len(place) if city is None else m.start(1) + place.index(city) + len(city)
            yield C.GEOGRAPHY, m.start(1), end, REASON[C.GEOGRAPHY]
    if HAS_DIGIT.search(text):
        # ", 75001 Paris": the town is the place; its postcode is reported with it (the other postcodes
        # are in addresses.py).
        for m in _EU_POSTCODE_TOWN.finditer(text):
            town = m.group(2)
            if town.split()[0] in _NOT_TOWN_AFTER_NUMBER or UNIT_AFTER.match(text, m.end(1)):
                continue
            yield C.ZIP_CODE, m.start(1), m.end(1), "looks like a postcode"
            yield C.GEOGRAPHY, m.start(2), m.end(2), REASON[C.GEOGRAPHY]
    for m in _TOWN_COUNTRY.finditer(text) if "," in text else ():
        place = m.group(1)
        if place in LARGE_PLACES or place.split()[0] in NAME_STOP or place.split()[0] in LARGE_PLACES:
            continue
        yield C.GEOGRAPHY, m.start(1), m.end(1), REASON[C.GEOGRAPHY]
    named = any(hint in low for hint in _NAMED_PLACE_HINTS)
    for m in _NAMED_PLACE.finditer(text) if named else ():
        if _is_local_place(m.group(1)):
            yield C.GEOGRAPHY, m.start(1), m.end(1), REASON[C.GEOGRAPHY]
    for m in _WEAK_PLACE_CUE.finditer(text):
        place = m.group(1).removeprefix("the ")
        city = _city_prefix(place)
        if city is None:
            words = place.split()
            # "out of New Bedford", "near Lake Placid": a place-name prefix and a capitalised word
            if (
                len(words) >= 2
                and words[0] in _PLACE_PREFIXES
                and words[1] not in _NOT_PLACE_SECOND
                and _is_local_place(" ".join(words[:2]))
            ):
                city = " ".join(words[:2])
            elif (
                2 <= len(words) <= 3
                and words[-1] in _PLACE_SUFFIXES
                and not any(not_a_name_word(w) or w in GENERIC_FACILITY_WORDS for w in words[:-1])
                and _is_local_place(" ".join(words))
            ):
                city = " ".join(words)
            else:
                continue
        start = m.start(1) + m.group(1).index(city)
        if followed_by_eponym_noun(text, start + len(city)):
            continue
        yield C.GEOGRAPHY, start, start + len(city), REASON[C.GEOGRAPHY]
