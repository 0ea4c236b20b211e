"""PHI guard: finds HIPAA Safe Harbor identifiers (45 CFR 164.514(b)(2)) in free clinical text.

``check_text`` returns one ``PhiHit`` per offending span (category, start, end, reason);
``describe_hits`` turns them into one message a visitor can act on; ``ensure_no_phi`` raises
``Invalid`` for the first field that holds an identifier. Nothing here logs or stores the text.

The guard is a set of hand-written rules rather than a model: each rule pairs a pattern with the
clinical context that makes it an identifier ("MRN 4827315") or not ("Na 131", "BP 142/90", "7/10 pain").
Clinical numbers, eponyms ("Bell's palsy", "Marcus Gunn pupil"), drug names and scores pass.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache

from server.domain import phi_names
from server.domain.errors import Invalid
from server.domain.phi_names import WORD_NAMES


def _words(block: str) -> frozenset[str]:
    return frozenset(block.split())


GIVEN_NAMES = phi_names.GIVEN_NAMES | phi_names.EXTRA_GIVEN_NAMES
SURNAMES = phi_names.SURNAMES | phi_names.EXTRA_SURNAMES


class PhiCategory(StrEnum):
    """The Safe Harbor identifier kinds the guard reports."""

    PERSON_NAME = "person_name"
    DATE = "date"
    AGE_OVER_89 = "age_over_89"
    PHONE = "phone"
    FAX = "fax"
    EMAIL = "email"
    SSN = "ssn"
    MEDICAL_RECORD_NUMBER = "medical_record_number"
    HEALTH_PLAN_NUMBER = "health_plan_number"
    ACCOUNT_NUMBER = "account_number"
    LICENSE_NUMBER = "license_number"
    STREET_ADDRESS = "street_address"
    ZIP_CODE = "zip_code"
    GEOGRAPHY = "geography"
    URL = "url"
    IP_ADDRESS = "ip_address"
    DEVICE_IDENTIFIER = "device_identifier"
    VEHICLE_IDENTIFIER = "vehicle_identifier"
    OTHER_IDENTIFIER = "other_identifier"


C = PhiCategory

_REASON: dict[PhiCategory, str] = {
    C.PERSON_NAME: "looks like a person's name",
    C.DATE: "looks like a date more specific than a year",
    C.AGE_OVER_89: "is an age over 89 (use the 90+ age band)",
    C.PHONE: "looks like a phone number",
    C.FAX: "looks like a fax number",
    C.EMAIL: "looks like an email address",
    C.SSN: "looks like a Social Security number",
    C.MEDICAL_RECORD_NUMBER: "looks like a medical record number",
    C.HEALTH_PLAN_NUMBER: "looks like a health plan or beneficiary number",
    C.ACCOUNT_NUMBER: "looks like an account number",
    C.LICENSE_NUMBER: "looks like a certificate or license number",
    C.STREET_ADDRESS: "looks like a street address",
    C.ZIP_CODE: "looks like a ZIP code",
    C.GEOGRAPHY: "names a place smaller than a state (city, county or neighbourhood)",
    C.URL: "looks like a web address (URL)",
    C.IP_ADDRESS: "looks like an IP address",
    C.DEVICE_IDENTIFIER: "looks like a device identifier or serial number",
    C.VEHICLE_IDENTIFIER: "looks like a vehicle identifier or licence plate",
    C.OTHER_IDENTIFIER: "looks like an identifying number or code",
}

# Lower number wins when two hits overlap and are of the same length.
_PRIORITY: dict[PhiCategory, int] = {cat: i for i, cat in enumerate(C)}
_PRIORITY[C.EMAIL] = -3
_PRIORITY[C.URL] = -2
_PRIORITY[C.IP_ADDRESS] = -1
_PRIORITY[C.GEOGRAPHY] = -4  # "lives in Charlotte": the place cue beats the given name


@dataclass(frozen=True, slots=True)
class PhiHit:
    """One offending span: ``text[start:end]`` is an identifier of ``category`` because of ``reason``."""

    category: PhiCategory
    start: int
    end: int
    reason: str


# ---------------------------------------------------------------------------------------------- words

_MONTHS_FULL = "January|February|March|April|May|June|July|August|September|October|November|December"
_MONTHS_ABBR = "Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec"
_MONTH = rf"(?:{_MONTHS_FULL}|{_MONTHS_ABBR}|{_MONTHS_FULL.upper()}|{_MONTHS_ABBR.upper()})"
_MONTH_WORDS = frozenset(_MONTHS_FULL.split("|") + _MONTHS_ABBR.split("|"))
_WEEKDAYS = frozenset(["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"])

_STATE_NAMES = (
    "Alabama|Alaska|Arizona|Arkansas|California|Colorado|Connecticut|Delaware|Florida|Georgia|Hawaii|Idaho|"
    "Illinois|Indiana|Iowa|Kansas|Kentucky|Louisiana|Maine|Maryland|Massachusetts|Michigan|Minnesota|"
    "Mississippi|Missouri|Montana|Nebraska|Nevada|New Hampshire|New Jersey|New Mexico|New York|"
    "North Carolina|North Dakota|Ohio|Oklahoma|Oregon|Pennsylvania|Rhode Island|South Carolina|South Dakota|"
    "Tennessee|Texas|Utah|Vermont|Virginia|Washington|West Virginia|Wisconsin|Wyoming|Puerto Rico"
)
_STATE_CODES = [
    "AL",
    "AK",
    "AZ",
    "AR",
    "CA",
    "CO",
    "CT",
    "DE",
    "FL",
    "GA",
    "HI",
    "ID",
    "IL",
    "IN",
    "IA",
    "KS",
    "KY",
    "LA",
    "ME",
    "MD",
    "MA",
    "MI",
    "MN",
    "MS",
    "MO",
    "MT",
    "NE",
    "NV",
    "NH",
    "NJ",
    "NM",
    "NY",
    "NC",
    "ND",
    "OH",
    "OK",
    "OR",
    "PA",
    "RI",
    "SC",
    "SD",
    "TN",
    "TX",
    "UT",
    "VT",
    "VA",
    "WA",
    "WV",
    "WI",
    "WY",
    "DC",
    "PR",
    "GU",
    "VI",
    "AS",
    "MP",
    "FM",
    "MH",
    "PW",
]
# Two-letter codes that are also everyday clinical abbreviations (MI, MS, CT, VA, PA, MD, LA...): after a
# plain capitalised word they count only when the word is a known city or a ZIP code follows.
_CLINICAL_STATE_CODES = _words(
    """
AL AR CO CT DE GA HI ID IN LA MA MD ME MI MS MT NC ND NE OK OR PA SC SD UT VA DC PR VT AK TN WV
"""
)

_PLACES_NOT_LOCAL = frozenset(
    (
        _STATE_NAMES.replace("|", " ")
        + " Africa Asia Europe America Americas Canada Mexico Brazil India Pakistan Bangladesh China Japan"
        " Korea"
        " Philippines Vietnam Nigeria Ghana Kenya Ethiopia Egypt Iran Iraq Syria Turkey Russia Ukraine Poland"
        " Germany France Italy Spain Portugal England Scotland Ireland Wales Britain UK US USA Cuba Haiti"
        " Jamaica Dominican Republic Guatemala Honduras Salvador Colombia Venezuela Peru Chile Argentina"
        " Ecuador Bolivia Australia Zealand Israel Jordan Lebanon Saudi Arabia Emirates Thailand Indonesia"
        " Malaysia Nepal Sri Lanka Caribbean Midwest South North East West Central Latin Middle Far Puerto"
        " Rico United States Kingdom Guam Alaska Hawaii Somalia Sudan Yemen Afghanistan Morocco Tunisia"
        " Algeria"
        " Hospital Clinic Center Medical Emergency Department Unit County Home Work School Church"
    ).split()
)

# US cities (large, or often written in case logs) and the like: a capitalised place that is one of these,
# after "in/from/to/near", is geography; others need a stronger cue ("lives in", "moved from").
_CITIES = frozenset(
    """
New York City|Los Angeles|Chicago|Houston|Phoenix|Philadelphia|San Antonio|San Diego|Dallas|San Jose|Austin|
Jacksonville|Fort Worth|Columbus|Charlotte|San Francisco|Indianapolis|Seattle|Denver|Boston|El Paso|Nashville|
Detroit|Oklahoma City|Portland|Las Vegas|Memphis|Louisville|Baltimore|Milwaukee|Albuquerque|Tucson|Fresno|
Sacramento|Kansas City|Mesa|Atlanta|Omaha|Colorado Springs|Raleigh|Long Beach|Virginia Beach|Miami|Oakland|
Minneapolis|Tulsa|Bakersfield|Wichita|Arlington|Aurora|Tampa|New Orleans|Cleveland|Honolulu|Anaheim|Lexington|
Stockton|Corpus Christi|Henderson|Riverside|Newark|Saint Paul|St. Paul|Santa Ana|Cincinnati|Irvine|Orlando|
Pittsburgh|St. Louis|Saint Louis|Greensboro|Jersey City|Anchorage|Lincoln|Plano|Durham|Buffalo|Chandler|
Chula Vista|Toledo|Madison|Gilbert|Reno|Fort Wayne|North Las Vegas|St. Petersburg|Lubbock|Irving|Laredo|
Winston-Salem|Chesapeake|Glendale|Garland|Scottsdale|Norfolk|Boise|Fremont|Spokane|Santa Clarita|Baton Rouge|
Richmond|Hialeah|San Bernardino|Tacoma|Modesto|Huntsville|Des Moines|Yonkers|Rochester|Moreno Valley|Fontana|
Fayetteville|Birmingham|Worcester|Tallahassee|Salt Lake City|Little Rock|Providence|Knoxville|Chattanooga|
Ann Arbor|Dearborn|Flint|Grand Rapids|Lansing|Akron|Dayton|Springfield|Hartford|New Haven|Bridgeport|Albany|
Syracuse|Trenton|Camden|Paterson|Allentown|Scranton|Harrisburg|Savannah|Charleston|Columbia|Jackson|Mobile|
Montgomery|Shreveport|Galveston|Waco|Amarillo|Brownsville|McAllen|Santa Fe|Las Cruces|Provo|Ogden|Eugene|
Salem|Olympia|Bellevue|Berkeley|Palo Alto|Pasadena|Santa Monica|Long Island|Brooklyn|Queens|Bronx|
the Bronx|Manhattan|Staten Island|Harlem|Hoboken|Cambridge|Somerville|Dorchester|Roxbury|Lowell|Springfield|
Gainesville|Tampa Bay|Fort Lauderdale|Boca Raton|West Palm Beach|Key West|Pensacola|Macon|Augusta|Athens|
Durham|Chapel Hill|Asheville|Wilmington|Annapolis|Bethesda|Silver Spring|Alexandria|Arlington|Roanoke|
Morgantown|Pittsburg|Erie|Toledo|Youngstown|Peoria|Rockford|Joliet|Evanston|Gary|South Bend|Bloomington|
Cedar Rapids|Iowa City|Sioux Falls|Fargo|Bismarck|Billings|Missoula|Cheyenne|Casper|Duluth|Rochester|
St. Cloud|Green Bay|Kenosha|Racine|Topeka|Lawrence|Tulsa|Norman|Fort Smith|Biloxi|Gulfport|Hattiesburg|
Tupelo|Dothan|Tuscaloosa|Hoover|Murfreesboro|Clarksville|Bowling Green|Frankfort|Burlington|Manchester|
Nashua|Portsmouth|Bangor|Newport|Pawtucket|Stamford|Waterbury|Jersey Shore|Atlantic City|Flagstaff|Yuma|
Tempe|Laredo|Odessa|Midland|Beaumont|Killeen|Abilene|Tyler|San Marcos|Round Rock|Sugar Land|Pearland|
The Woodlands|Katy|Compton|Inglewood|Oxnard|Ventura|Salinas|Santa Rosa|Napa|Redding|Chico|Visalia|Merced|
Sunnyvale|Santa Clara|Hayward|Vallejo|Concord|Carson City|Juneau|Fairbanks|Hilo|Kailua|Pearl City
""".replace("\n", "").split("|")
)
_MULTIWORD_CITY = re.compile(
    r"\b(?:" + "|".join(re.escape(c) for c in sorted(_CITIES, key=len, reverse=True) if " " in c) + r")\b"
)
_CITY_FIRST_WORDS = frozenset(c.split()[0] for c in _CITIES)

# Nouns that, right after a capitalised word, make it an eponym or a named scale rather than a person or
# place: "Marcus Gunn pupil", "Austin Flint murmur", "Ottawa ankle rules", "Philadelphia chromosome".
_EPONYM_NOUNS = _words(
    """
splint cast forceps retractor clamp knot suture fixation sheath solution
disease diseases syndrome syndromes sign signs test tests maneuver manoeuvre criteria criterion
score scores scale murmur pupil nodule nodules node nodes fracture fractures palsy paralysis
phenomenon triad pentad tetrad procedure operation repair tear tears esophagus oesophagus lesion
lesions spot spots body bodies rosettes protocol classification stage stages staging index rule
rules formula tube catheter drain blade cyst neuroma ulcer reflex point type grade level lines line
hump law effect respirations breathing pulse surgery chromosome encephalitis guidelines
questionnaire shunt naming virus fever thyroiditis anemia anaemia disorder deformity contracture
diverticulum ring hernia gait tremor dementia lymphoma sarcoma tumor tumour carcinoma cell cells
crystals spirals stain method technique incision approach position equation method model coma
agitation classification staging bundle pattern wave waves block node's criteria's ratio angle space
pouch canal duct gland glands triangle maneuvre method's muscle nerve artery vein valve sinus
membrane layer zone area fossa body's vaccine
"""
)

_NAME_STOP = _words(
    """
Geri Peds Derm Cards Heme Onc Pulm Endo Rheum Psych Tox Uro Ortho Gyn Neuro Renal Hem Gen Fam Med Ob
The A An This That These Those He She They We It His Her Their Our My Your I Patient Pt Patients
Attending Resident Intern Preceptor Student Doctor Nurse Team Plan Assessment Summary History Exam
Labs Imaging Note Notes Chief Complaint HPI PMH PSH ROS Meds Allergies Social Family Physical Vitals
Impression Diagnosis Differential Follow Discharge Admission Admitted Today Yesterday Tomorrow
Morning Evening Night Day Week Month Year Hospital Clinic Center Unit Ward Floor Service Medicine
Surgery Cardiology Neurology Pediatrics Psychiatry Oncology Emergency Department Intensive Care
Telehealth Video Audio Visit Consult New Old Left Right Bilateral Positive Negative Normal Abnormal
Acute Chronic Severe Mild Moderate Stable Unstable Blood Pressure Heart Rate Case Presenting
Presented Presentation Learning Issue Start Stop Continue Increase Decrease No Yes Not Also Then
Denies Reports States Endorses Given Started Treated Seen Transferred Brought Called Named Mr Mrs Ms
Miss Dr English Spanish Medicare Medicaid Epic Cerner Google Zoom Type Stage Grade Class Level Score
Lasix Tylenol
"""
)

_HONORIFIC = r"(?:Mr|Mrs|Ms|Mx|Miss|Mister|Dr|Prof|Professor|Doctor|Sr|Sra|Srta|Smt|Shri|Sri|Kum|Mst)"
_TITLE = (
    r"(?:Father|Fr|Sister|Brother|Rev|Reverend|Pastor|Rabbi|Imam|Chaplain|Nurse|Officer|Judge|Captain|Sgt|"
    r"Sergeant|Deacon|Coach|Aunt|Uncle|Grandma|Grandpa|Auntie)"
)
_UP = "A-Z\u00c0-\u00d6\u00d8-\u00de"  # upper-case letters, Latin-1 included ("Ó")
_LO = "a-z\u00df-\u00f6\u00f8-\u00ff\u0101-\u017f"  # lower-case letters, Latin-1 and Extended-A ("ó", "ł")
_NAME_TOKEN = (
    rf"(?:[{_UP}][{_LO}]?['\u2019][{_UP}][{_LO}]+|Ma?c[{_UP}][{_LO}]+|[{_UP}][{_LO}]+(?:-[{_UP}][{_LO}]+)*)"
)
_RELATIVE = (
    r"(?:wife|husband|son|daughter|mother|father|mom|dad|brother|sister|partner|friend|caregiver|niece|nephew"
    r"|aunt|uncle|grandson|granddaughter|grandmother|grandfather|boyfriend|girlfriend|spouse|neighbou?r"
    r"|roommate|fianc[ée]e?|guardian|proxy|stepson|stepdaughter|cousin)"
)

# Given names that are only names (not also words, months, places or eponyms) count on their own.
_STRONG_ANYWAY = _words(
    """
Maria John Peter Harry Martin Victor Roger Carol Heather Sally Colleen Terry Patsy Patty Jimmy Tony
Mike Chad Troy Tom Warren Dean Derrick Hector Rick Brad Ken Bob Nick Matt Josh Billy Bobby Randy
Earl Noel Drew Margarita Ester Viola Marina Dolly Rosemary Myrtle Bonnie Robin Sherry Hazel Holly
Sue Colleen Jasmine Opal Melody Flora Lily Daisy Jack Tommy
"""
)
# Given names that are also words, months, places, drug brands or eponyms used on their own ("Barrett's",
# "Heather 0.35 mg"): they count only with a stronger cue (a surname after them, a title, a verb of speech).
# Eponyms that are names only when followed by a noun ("Thomas test", "Charles Bonnet syndrome") are caught
# by the eponym-noun check instead.
_AMBIGUOUS_GIVEN = (
    (WORD_NAMES - _STRONG_ANYWAY)
    | _MONTH_WORDS
    | _WEEKDAYS
    | _PLACES_NOT_LOCAL
    | _CITY_FIRST_WORDS
    | _words(
        """
Addison Austin Barrett Bell Gilbert Hunter Jackson Job Still Wilson Baker Bowen Lynch Richmond
Christmas Dallas Denver Phoenix Madison Sydney Paris Florence Charlotte Virginia Georgia Carolina
India Jordan Osler Paget Roth Weber Jones Wells Stokes Foley Mayo Hopkins Johns Lyme Reynolds Murphy
Parkinson Addisonian Tourette Turner Ewing Hodgkin Kaposi Moro Apgar Bishop Duke Fisher Hunt Light
Gleason Breslow Centor Wernicke Broca Horner Stevens Graves Crohn Cushing Homans Glasgow Valsalva
Babinski Romberg Trendelenburg Rovsing Lachman Tinel Phalen Kernig Brudzinski Chvostek Trousseau
Virchow Courvoisier Beck Kussmaul Cheyne Mobitz Kerley Hampton Westermark Holter Whipple Nissen Roux
Meckel Hirschsprung Colles Monteggia Salter Heberden Bouchard Osgood Legg Boutonniere Angel Rose
Ruby Grace Hope Faith Joy Will Mark Frank Bill Ray Don Guy Pat Gene Glen Dale Lee Max Miles Chase
Lance Grant Roman Van Al Ed Ben Art Sage Lane Page Cash King Prince Major Rich Sky Star Summer
Autumn Dawn April June August Crystal Amber Ivy Holly Iris Violet Olive Pearl Ginger Candy Sandy
Misty Penny Brandy Ebony Jewel Laurel Fern Charity Lea Gale Earnest Nick Drew Allis Ortolani
Spurling Finkelstein Adson Apley Neer Speed Jobe Hoffmann Lhermitte Uhthoff Dix Hallpike Epley Kehr
Blumberg McBurney Carnett Boas Dupuytren Sister Brother Saint St Christian Muslim Jewish Catholic
Hindu Buddhist Black White Hispanic Latino Asian Native Allegra Camila Heather Nora Portia Nikki
Yasmin Ella Hailey Errin Tilia Jolessa Skyla Mirena Kyleena Liletta Lutera Aviane Alesse Levora Apri
Marlissa Gianvi Loryna Zarah Syeda Ocella Kelnor Larin Junel Tarina Candida Providencia Tobi Geneva
Gail Trinessa Lyrica Stelara Lucentis Cialis Levitra Viagra Kenalog
"""
    )
)
_STRONG_GIVEN = frozenset(n for n in GIVEN_NAMES - _AMBIGUOUS_GIVEN - _NAME_STOP if len(n) > 2)
_ALL_GIVEN = GIVEN_NAMES


# ---------------------------------------------------------------------------------------------- helpers


def _rx(pattern: str, flags: int = 0) -> re.Pattern[str]:
    return re.compile(pattern, flags)


# Cheap pre-checks that let a rule skip text that cannot hold what it looks for.
_HAS_DIGIT = _rx(r"\d")
_AGE_WORD_HINT = _rx(r"ninet|hundred|nonagen|centen", re.IGNORECASE)


_WORD_AFTER = _rx(r"\s*(?:['\u2019]s\b)?\s*([A-Za-z][A-Za-z'-]*)")


def _followed_by_eponym_noun(text: str, end: int, lookahead_words: int = 3) -> bool:
    """True when one of the next few words (skipping capitalised ones) is an eponym noun ("disease")."""
    pos = end
    for _ in range(lookahead_words):
        m = _WORD_AFTER.match(text, pos)
        if not m:
            return False
        word = m.group(1)
        bare = word.split("-")[-1].lower()
        if bare in _EPONYM_NOUNS or word.lower() in _EPONYM_NOUNS:
            return True
        if not word[:1].isupper():
            return False
        pos = m.end()
    return False


def _before(text: str, start: int, width: int = 40) -> str:
    return text[max(0, start - width) : start]


def _after(text: str, end: int, width: int = 30) -> str:
    return text[end : end + width]


# ---------------------------------------------------------------------------------------------- rules

Rule = Callable[[str], Iterator[tuple[PhiCategory, int, int, str]]]
_RULES: list[Rule] = []


def _rule(fn: Rule) -> Rule:
    _RULES.append(fn)
    return fn


# --- email, URL, IP --------------------------------------------------------------------------------------

_EMAIL = _rx(r"\b[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}\b")
_EMAIL_SPELLED = _rx(
    r"\b[A-Za-z0-9._-]+\s*(?:\(at\)|\[at\]|\sat\s)\s*[A-Za-z0-9-]+\s*(?:\(dot\)|\[dot\]|\sdot\s)\s*"
    r"(?:com|org|net|edu|gov)\b"
)
_TLDS = "com|org|net|edu|gov|io|co|us|info|biz|me|ly|app|health|care|ca|uk|in|ai|tv|be|gl|site|online"
_URL = _rx(
    rf"(?:\bhttps?://[^\s<>\"']+|\bwww\.[^\s<>\"']+|\b(?:[a-z0-9-]+\.)+(?:{_TLDS})(?:/[^\s<>\"']*)?(?![\w-]|\.\w))",
    re.IGNORECASE,
)
_IPV4 = _rx(
    r"(?<![\d.])(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?![\d.]\d)"
)
_IPV6 = _rx(r"(?<![\w:])(?:[0-9A-Fa-f]{1,4}:){1,7}(?::?[0-9A-Fa-f]{1,4}){1,7}(?![\w:])")
_MAC = _rx(r"(?<![\w:-])(?:[0-9A-Fa-f]{2}[:-]){5}[0-9A-Fa-f]{2}(?![\w:-])")
_URL_NOT = frozenset({"e.g", "i.e", "a.m", "p.m", "b.i.d", "t.i.d", "q.i.d", "p.o", "q.d", "q.h.s", "p.r.n"})


@_rule
def _web(text: str) -> Iterator[tuple[PhiCategory, int, int, str]]:
    if "@" in text:
        for m in _EMAIL.finditer(text):
            yield C.EMAIL, m.start(), m.end(), _REASON[C.EMAIL]
    for m in _EMAIL_SPELLED.finditer(text):
        yield C.EMAIL, m.start(), m.end(), "looks like an email address written out"
    for m in _URL.finditer(text):
        s, e = m.start(), m.end()
        while e > s and text[e - 1] in ".,;:)]}!?'\"":
            e -= 1
        span = text[s:e]
        if span.lower() in _URL_NOT or (s > 0 and text[s - 1] == "@"):
            continue
        bare = not re.match(r"(?i)https?://|www\.", span)
        if bare and "/" not in span and len(span.split(".")[0]) < 3:
            continue  # "pt.in", "q.d": too short to be a domain written without www or http
        yield C.URL, s, e, _REASON[C.URL]
    for m in _IPV4.finditer(text):
        yield C.IP_ADDRESS, m.start(), m.end(), _REASON[C.IP_ADDRESS]
    if ":" not in text:
        return
    for m in _IPV6.finditer(text):
        if (
            sum(ch == ":" for ch in m.group()) >= 3
            and any(ch.isdigit() for ch in m.group())
            and not _MAC.fullmatch(m.group())
        ):
            yield C.IP_ADDRESS, m.start(), m.end(), "looks like an IPv6 address"
    for m in _MAC.finditer(text):
        yield C.DEVICE_IDENTIFIER, m.start(), m.end(), "looks like a device's hardware (MAC) address"


# --- numbers with a cue word (MRN 123..., fax ..., member ID ...) -----------------------------------------

_CUE_DEFS: list[tuple[PhiCategory, str]] = [
    (C.FAX, r"fax(?:ed)?(?:\s*(?:no\.?|number|num|#))?|facsimile"),
    (
        C.SSN,
        r"SSN|SS#|social\s+security(?:\s+(?:number|no\.?|#|card))?|last\s+(?:4|four)\s+of\s+(?:the\s+)?SSN"
        r"|social(?=\s*(?:is|#|:)?\s*\d{3}[- ]?\d{2}[- ]?\d{4}\b)",
    ),
    (
        C.MEDICAL_RECORD_NUMBER,
        r"MRN|MR\s*#|MR\s*no\.?|MR\s+number|UHID|(?:IP|IPD|OP|OPD|CR|hospital|admission)\s*(?:no\.?|number|#)|medical\s+record(?:\s+(?:number|no\.?|num|#))?|med\s*rec(?:ord)?(?:\s*#)?"
        r"|chart(?:\s+(?:number|no\.?|#|ID))?|hospital\s+(?:number|no\.?|#|ID)|patient\s+ID|pt\s+ID|unit\s+number"
        r"|E[MH]R(?:\s*(?:number|#|ID|no\.?))?|Epic\s+(?:MRN|ID|#)|record\s+(?:number|no\.?|#)",
    ),
    (
        C.HEALTH_PLAN_NUMBER,
        r"member\s+(?:ID|number|no\.?|#)|subscriber(?:\s+(?:ID|number|no\.?|#))?|policy(?:\s+(?:number|no\.?|#|ID))?"
        r"|group(?:\s+(?:number|no\.?|#))|insurance(?:\s+(?:ID|number|no\.?|#|card))|Medicaid(?:\s+(?:ID|number|#))?"
        r"|Medicare(?:\s+(?:ID|number|#|card))?|beneficiary(?:\s+(?:ID|identifier|number|#))?|MBI|HICN"
        r"|health\s+plan(?:\s+(?:ID|number|#))?|plan\s+(?:ID|number|#)|insurance|BCBS|Blue\s+(?:Cross|Shield)"
        r"|(?:Aetna|Cigna|United\s*Healthcare|UHC|Humana|Kaiser|Anthem|Tricare|Molina|Centene|Ambetter|Oscar)"
        r"(?:\s+(?:member\s+)?(?:ID|number|no\.?|#))?",
    ),
    (
        C.ACCOUNT_NUMBER,
        r"account(?:\s+(?:number|no\.?|num|#))?|bill(?:ing)?\s+(?:no\.?|number|#)|receipt\s+(?:no\.?|number|#)|acct\.?(?:\s*(?:number|no\.?|#))?|billing(?:\s+(?:number|ID|#))?"
        r"|encounter(?:\s*/\s*account)?\s+(?:number|no\.?|ID|#)|visit\s+(?:number|ID|#)|FIN|CSN|invoice(?:\s+#)?",
    ),
    (
        C.LICENSE_NUMBER,
        r"licen[cs]e(?:\s+(?:number|no\.?|#))?|driver'?s\s+licen[cs]e(?:\s+(?:number|no\.?|#))?|C?DL\s*#?"
        r"|DEA(?:\s+(?:number|no\.?|#))?|NPI(?:\s+(?:number|no\.?|#))?|certificate(?:\s+(?:number|no\.?|#))?"
        r"|cert\.?\s*#|permit(?:\s+(?:number|#))?|board\s+certification\s+(?:number|#)|lic\.?\s*(?:#|no\.?)"
        r"|reg(?:istration)?\.?\s*(?:no\.?|number|#)|(?:MCI|NMC|GMC|medical\s+council)(?:\s+(?:no\.?|number|#))?",
    ),
    (
        C.DEVICE_IDENTIFIER,
        r"(?:pump|pacemaker|ICD|defibrillator|monitor|stimulator|implant|sensor|CGM|transmitter|hearing\s+aid|"
        r"recorder|ventilator|concentrator|CPAP|BiPAP|LVAD|watch|tablet|hub|glucometer|meter|generator|lead|"
        r"prosthesis|valve|stent)\s+(?:ID|serial(?:\s+(?:number|no\.?|#))?|S/N|SN|#|number|no\.?)"
        r"|serial(?:\s+(?:number|no\.?|#))?|S/N|SN|S\.\s?No\.?|Sr\.\s?No\.?|device\s+(?:ID|identifier|number|#)|UDI|IMEI|MEID"
        r"|transmitter(?:\s+(?:ID|#|number))?|sensor\s+(?:ID|#|serial)|lot(?:\s+(?:number|no\.?|#))",
    ),
    (
        C.VEHICLE_IDENTIFIER,
        r"VIN|vehicle\s+identification\s+(?:number|no\.?|#)|vehicle\s+(?:ID|no\.?|number|#|registration)|plate(?:\s+(?:number|no\.?|#))?|licen[cs]e\s+plate(?:\s+(?:number|#))?|tag(?:\s+(?:number|#))",
    ),
    (
        C.OTHER_IDENTIFIER,
        r"passport(?:\s+(?:number|no\.?|#))?|employee(?:\s+(?:ID|number|#))|student(?:\s+(?:ID|number|#))"
        r"|badge(?:\s+(?:ID|number|#))?|case(?:\s+(?:number|no\.?|#))|claim(?:\s+(?:number|no\.?|#))"
        r"|(?:ID|identification)\s+(?:number|no\.?|#)|green\s+card(?:\s+(?:number|#))?|alien\s+number"
        r"|voter\s+ID|national\s+ID|Aadhaar|biometric\s+ID|fingerprint\s+ID|ref(?:erence)?\s+(?:number|#)"
        r"|(?:national\s+)?health\s+(?:service\s+)?(?:number|no\.?|#)|NHS\s+(?:number|no\.?|#)|NHI"
        r"|(?:police\s+)?report\s+(?:number|no\.?|#)|incident\s+(?:number|#)|(?:military\s+)?service\s+(?:number|#|ID)|military\s+ID|case\s+ID|accession(?:\s+(?:number|no\.?|#))?|specimen\s+(?:number|ID|#)|requisition\s+(?:number|#)"
        r"|inmate(?:\s+(?:number|no\.?|#|ID))?|prisoner\s+(?:number|#|ID)|booking\s+(?:number|#)|docket(?:\s+#)?"
        r"|A-?number|alien\s+registration(?:\s+number)?|visa(?:\s+(?:number|#))?|membership\s+(?:number|#)",
    ),
    (
        C.PHONE,
        r"phone(?:\s+(?:number|no\.?|#))?|tel\.?|telephone|cell(?:\s+phone)?|mobile|home\s+(?:number|phone)"
        r"|work\s+(?:number|phone)|contact(?:\s+(?:number|#))?|call(?:ed)?(?:\s+(?:back|him|her|them))?(?:\s+at)?"
        r"|reach(?:ed)?(?:\s+at)?|text(?:\s+at)?|pager|beeper|number",
    ),
    (C.ZIP_CODE, r"ZIP(?:\s*code)?|zip(?:\s*code)?|postal\s+code|post\s*code|PIN(?:\s*code)?|pincode"),
]
# One pass for every cue: the first alternative that matches at a position wins, so the more specific
# ("license plate", "Passport number") are listed before the general ("license", "number").
_CUE_ORDER = [
    C.VEHICLE_IDENTIFIER,
    C.FAX,
    C.SSN,
    C.MEDICAL_RECORD_NUMBER,
    C.HEALTH_PLAN_NUMBER,
    C.ACCOUNT_NUMBER,
    C.LICENSE_NUMBER,
    C.DEVICE_IDENTIFIER,
    C.OTHER_IDENTIFIER,
    C.ZIP_CODE,
    C.PHONE,
]
_CUE_PATTERNS = dict(_CUE_DEFS)
_CUE_ALL_SOURCE = (
    r"(?<![A-Za-z])(?:"
    + "|".join(f"(?P<{cat.value}>{_CUE_PATTERNS[cat]})" for cat in _CUE_ORDER)
    + r")(?![A-Za-z])"
)
_CUE_ALL = _rx(_CUE_ALL_SOURCE, re.IGNORECASE)
# The same pattern in lower case, run on the lower-cased text: several times faster than IGNORECASE on a
# pattern this size. (Every escape in the cue patterns is already lower case: \s, \d, \b.)
_CUE_ALL_LOWER = _rx(_CUE_ALL_SOURCE.lower().replace("(?p<", "(?P<"))


@lru_cache(maxsize=16)
def _lowered(text: str) -> str | None:
    low = text.lower()
    return low if len(low) == len(text) else None


def _cues(text: str, pos: int = 0, endpos: int | None = None) -> Iterator[tuple[PhiCategory, re.Match[str]]]:
    low = _lowered(text)
    rx, subject = (_CUE_ALL_LOWER, low) if low is not None else (_CUE_ALL, text)
    for m in rx.finditer(subject, pos, len(text) if endpos is None else endpos):
        if m.lastgroup:
            yield PhiCategory(m.lastgroup), m


# A cue counts for the value that follows it when only these stand between them.
_CUE_GAP = _rx(
    r"^(?:\s|[:#=.,()\-]|is|was|of|no\.?|number|num|ID|on\s+file|listed|reads?|ends?\s+in|ending\s+(?:in|with)"
    r"|(?:the\s+)?last\s+(?:4|four)|[A-Za-z]+\s*(?=[:#])|(?:RN|MD|DO|LPN|NP|PA|DL)\b|\([A-Za-z ]+\)"
    r"|for|at|to|her|his|their|the|a|an|results|records|reports?|documents|it|them|please|member|card)*$",
    re.IGNORECASE,
)


def _cue_category(text: str, start: int) -> PhiCategory | None:
    """The category named by a cue word shortly before ``start`` ("fax: ...", "MRN ..."), if any."""
    best: PhiCategory | None = None
    prev_end = -1
    for cat, m in _cues(text, max(0, start - 60), start):
        generic = m.group().lower() in ("number", "#", "contact")
        between = text[prev_end : m.start()]
        if generic and best is not None and len(between) <= 25 and _LOOSE_GAP.match(between):
            continue  # "Tricare number ...", "certificate of birth number": the specific cue wins
        prev_end = m.end()
        gap = text[m.end() : start]
        if (len(gap) <= 25 and _CUE_GAP.match(gap)) or (not generic and _LOOSE_GAP.match(gap)):
            best = cat
    return best


# "fax the discharge summary to 702-...", "account number on the bill is 4401-...": to name the category of a
# number already found, a specific cue reaches over a few words without digits in the same clause.
_LOOSE_GAP = _rx(r"^[^\d.;:!?]{0,50}$")


_UNIT_AFTER = _rx(
    r"\s*(?:copies|cfu|CFU|IU|iu|units?|cells|mg|mcg|g\b|kg|mL|ml|L\b|%|k\b|x\s*10|mm|cm|"
    r"/\s*(?:m?L|uL|\u00b5L|mm3|cumm|hpf|kg|dL|d|day|h|hr|hour|min)\b|"
    r"per\s+(?:m?L|uL|\u00b5L|cc|cumm|lit(?:er|re)|high|hpf|day|hour|min|kg)\b|"
    r"platelets|plt|dollars|\$|steps|calories|kcal|pack|years?|yrs?|months?|weeks?|days?|hours?|h\b|min|sec)"
)
_PHONE = _rx(
    r"(?<![\w/.+-])(?:(?:\+|00)?1[\s.-]?)?(?:\(\d{3}\)\s?\d{3}[\s.-]?|\d{3}[\s./-]\d{3}[\s.-])\d{4}"
    r"(?:\s*(?:ext\.?|x|extension)\s*\d{1,5})?(?![\w/-]|\.\d)"
)
_PHONE_INTL = _rx(r"(?<![\w/.])\+\d{1,3}(?:[\s.-]?\(?\d{1,5}\)?){2,5}(?![\w/-]|\.\d)")
_PHONE_UK = _rx(r"(?<![\w/.])0\d{3,4}\s\d{6,7}(?![\w/-])")
_PHONE_7 = _rx(r"(?<![\w/.-])\d{3}[-\s.]\d{4}(?:\s*(?:ext\.?|x|extension)\s*\d{1,5})?(?![\w/-]|\.\d)")
_SSN = _rx(r"(?<![\w/.-])\d{3}([- ])\d{2}\1\d{4}(?![\w/-]|\.\d)")
_DIGITS = _rx(r"(?<![\w.,/])\d(?:[\d]|[-\s.](?=\d))*\d(?![\w/]|[.,]\d)")
_ALNUM = _rx(r"(?<![\w/*-])(?=[A-Z0-9-]*\d)(?=[A-Z0-9-]*[A-Z])[A-Z0-9][A-Z0-9-]{2,}[A-Z0-9](?![\w/*]|-\w)")
_CUE_VALUE = _rx(
    r"(?<![\w/*-])(?=[A-Za-z0-9-]*\d)[A-Za-z0-9][A-Za-z0-9-]*[A-Za-z0-9]|(?<![\w/*-])\d(?![\w/])"
)

# Codes that are clinical, not identifying: TNM stages, gravida/para, ICD-10 without the dot, gene variants,
# spine levels, ECG leads, named scores.
_CLINICAL_CODE = _rx(
    r"^(?:[pcy]?T[0-4X][a-d]?N[0-3X][a-c]?M[01X][a-c]?|G\d{1,2}P\d{1,5}|[A-TV-Z]\d{2}[0-9A-Z]{0,4}"
    r"|[A-Z]\d{2,4}[A-Z]|[CTLS]\d{1,2}-[CTLS]?\d{1,2}|V\d-V\d|HLA-[A-Z0-9]+|CD\d+|BRCA\d|CA-?\d+(?:-\d+)?"
    r"|COVID-\d+|SARS-COV-\d|H\d+N\d+|[A-Z]{2,6}-\d{1,3}|[A-Z]{1,4}\d{1,2}|\d{1,3}[A-Z]{1,4}|CHA2DS2-VASC"
    r"|HIV-\d|HSV-\d|HPV-?\d+|ICD-\d+(?:-CM)?|DSM-\d|CYP\d[A-Z]\d+|HER\d|IL-\d+|TNF|ESR\d?|[A-Z]\d[A-Z]\d)$"
)


_PLATE = _rx(
    r"\b(?:licen[cs]e\s+plate|plates?|tag|vehicle\s+(?:no\.?|number|#|registration))(?:\s+(?:number|no\.?|#))?"
    r"\s*(?:is|was|reads?)?\s*[:#]?\s*"
    r"((?=[A-Z0-9 -]*\d)[A-Z0-9]{1,4}(?:[\s-][A-Z0-9]{1,5}){1,3}|(?=[A-Z0-9]*\d)[A-Z0-9]{4,8})\b",
)


_GS1_UDI = _rx(r"\(01\)\d{14}(?:\(\d{2,4}\)[0-9A-Za-z-]{1,20})*")


_VIN = _rx(r"[A-HJ-NPR-Z0-9]{17}")


def _digit_count(s: str) -> int:
    return sum(ch.isdigit() for ch in s)


@_rule
def _numbers(text: str) -> Iterator[tuple[PhiCategory, int, int, str]]:
    if not _HAS_DIGIT.search(text):
        return
    for m in _SSN.finditer(text):
        cue = _cue_category(text, m.start())
        if m.group(1) == " " and cue not in (None, C.SSN):
            yield cue, m.start(), m.end(), _REASON[cue]
            continue
        yield C.SSN, m.start(), m.end(), _REASON[C.SSN]
    for rx in (_PHONE, _PHONE_INTL, _PHONE_UK):
        for m in rx.finditer(text):
            digits = _digit_count(re.split(r"\s*(?:ext\.?|x|extension)\s*\d", m.group())[0])
            if digits < 9 or digits > 15:
                continue
            if _UNIT_AFTER.match(text, m.end()) and not m.group().startswith(("(", "+")):
                continue
            cue = _cue_category(text, m.start())
            cat = cue or C.PHONE
            if cat is C.ZIP_CODE:
                cat = C.PHONE
            yield cat, m.start(), m.end(), _REASON[cat]
    for m in _PHONE_7.finditer(text):
        cue = _cue_category(text, m.start())
        if cue is None and not re.search(r"\bat\s*$", _before(text, m.start(), 6)):
            continue
        if _UNIT_AFTER.match(text, m.end()):
            continue
        cat = cue if cue not in (None, C.ZIP_CODE) else C.PHONE
        yield cat, m.start(), m.end(), _REASON[cat]
    # Values right after a cue word: "MRN 4827315", "S/N: 74421983", "plate 7ABC123".
    for cat, cm in _cues(text):
        vm = _CUE_VALUE.search(text, cm.end(), min(len(text), cm.end() + 30))
        if not vm:
            continue
        gap = text[cm.end() : vm.start()]
        if not _CUE_GAP.match(gap):
            continue
        value = vm.group()
        digits = _digit_count(value)
        if cat is C.ZIP_CODE:
            if re.fullmatch(r"\d{5}(?:-\d{4})?|\d{3}|\d{6}", value):
                yield cat, vm.start(), vm.end(), _REASON[cat]
            continue
        if cat is C.PHONE:
            continue  # phones are found by shape above; "number" alone is too weak here
        if cat is C.SSN:
            if digits >= 4:
                yield cat, vm.start(), vm.end(), _REASON[cat]
            continue
        if digits >= 4 or (digits >= 2 and len(value) >= 5 and cat is not C.OTHER_IDENTIFIER):
            if _MD_UNIT_AFTER.match(text, vm.end()):
                continue
            # a run of values: "policy number 884-221-0937, group 55012"
            yield cat, vm.start(), vm.end(), _REASON[cat]
    for m in _GS1_UDI.finditer(text):
        yield C.DEVICE_IDENTIFIER, m.start(), m.end(), "looks like a device identifier (UDI)"
    for m in _PLATE.finditer(text):
        yield C.VEHICLE_IDENTIFIER, m.start(1), m.end(1), _REASON[C.VEHICLE_IDENTIFIER]
    # Long numbers and ID-shaped codes with no cue: still "other unique identifying numbers".
    for m in _DIGITS.finditer(text):
        value = m.group()
        digits = _digit_count(value)
        if digits < 7:
            continue
        if re.search(r"[\s]", value) and digits < 9:
            continue
        if _UNIT_AFTER.match(text, m.end()):
            continue
        cat = _cue_category(text, m.start()) or C.OTHER_IDENTIFIER
        groups = re.split(r"[\s.-]", value)
        phone_shaped = all(len(g) in (3, 4, 5) for g in groups[1:]) and len(groups[0]) in (
            1,
            3,
            4,
            5,
            7,
            10,
            11,
        )
        if cat is C.ZIP_CODE or (cat is C.PHONE and (digits not in (7, 10, 11) or not phone_shaped)):
            # "number" alone is a phone cue only for a number of a phone's length
            cat = C.OTHER_IDENTIFIER
        yield cat, m.start(), m.end(), _REASON[cat]
    for m in _ALNUM.finditer(text):
        value = m.group()
        digits = _digit_count(value)
        letters = sum(ch.isalpha() for ch in value)
        if _CLINICAL_CODE.match(value):
            continue
        if digits >= 5 or (digits >= 3 and letters >= 2 and len(value) >= 7):
            shape = C.VEHICLE_IDENTIFIER if _VIN.fullmatch(value) and letters >= 3 else C.OTHER_IDENTIFIER
            cat = _cue_category(text, m.start()) or shape
            if cat in (C.ZIP_CODE, C.PHONE):
                cat = shape
            yield cat, m.start(), m.end(), _REASON[cat]


# --- dates ------------------------------------------------------------------------------------------------

_ORD = r"(?:st|nd|rd|th)"
_DAY = r"(?:0?[1-9]|[12]\d|3[01])"
_YEAR = r"(?:1[89]\d\d|20\d\d)"
_UNIT_NEXT = (
    r"(?!\s*(?:mm|cm|mg|mcg|kg|g\b|mL|ml|%|units?|hours?|hrs?|h\b|days?|weeks?|wks?|months?|years?|times|x\b|"
    r"doses?|tabs?|puffs?|beats|bpm|points?|cycles?|percentile|degree|grade|trimester|rib|ICS|intercostal|"
    r"toe|finger|digit|cranial|nerve|floor|attempt|generation|decade|session|minute|pregnancy|child|line|"
    r"time|visit|lumbar|thoracic|cervical|sacral|postoperative|hospital|admission|episode|round|course|"
    r"dose|patient|case|place|ventricle|heart|sound|molar|metatarsal|metacarpal|cousin|stage))"
)
_DATE_RXS: list[tuple[re.Pattern[str], str]] = [
    (_rx(rf"\b{_MONTH}\.?\s+{_DAY}{_ORD}?\b(?:,?\s+{_YEAR}\b)?{_UNIT_NEXT}"), "a month and day"),
    (_rx(rf"\b{_DAY}{_ORD}?\s+(?:of\s+)?{_MONTH}\b\.?(?:,?\s+{_YEAR}\b)?"), "a day and month"),
    (_rx(rf"\b{_DAY}[-/]{_MONTH}[-/](?:{_YEAR}|\d\d)\b"), "a written date"),
    (_rx(rf"\b{_MONTH}[-/]{_DAY}[-/](?:{_YEAR}|\d\d)\b"), "a written date"),
    (_rx(rf"\b{_MONTH}\.?,?\s+(?:of\s+)?{_YEAR}\b"), "a month and year"),
    (
        _rx(
            r"\b(?:in|since|during|early|mid|late|last|this|next|until|through|before|after|by|around|from|"
            r"of|throughout|over|in\s+early|in\s+late|in\s+mid)[\s-]+"
            r"(?:January|February|March|April|June|July|August|September|October|November|December)\b"
            r"(?!\s+(?:of\s+)?\d)"
        ),
        "a month (a date element more specific than a year)",
    ),
    (_rx(rf"(?<![\d/.-]){_YEAR}([-/.])(?:0?[1-9]|1[0-2])\1{_DAY}(?![\d/-]|\.\d)"), "a full date"),
    (_rx(rf"(?<![\d/.-])\d{{1,2}}([-/.])\d{{1,2}}\1(?:{_YEAR}|\d\d)(?![\d/-]|\.\d)"), "a full date"),
    (
        _rx(rf"(?<![\w/.-]){_YEAR}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])(?![\w/-]|\.\d)"),
        "a compact full date",
    ),
    (_rx(r"(?<![\w/.-])(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])(?![\w/-]|\.\d)"), "a month and day"),
    (
        _rx(
            rf"\b(?:on|since|from|until|till|by|before|after|through|of|to|was|is|were|be|(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day)\s+the\s+{_DAY}{_ORD}\b"
            rf"{_UNIT_NEXT}"
            rf"(?!\s+(?:of\s+(?:the\s+)?(?:\d|first|second|third|[a-z]+\s+(?:days?|doses?|cycles?))))"
        ),
        "a day of the month",
    ),
    (_rx(rf"\bthe\s+{_DAY}{_ORD}\s+of\s+(?:this|last|next|that|the)\s+month\b"), "a day of the month"),
    (
        _rx(
            r"\b(?:on|over|during|at|since|before|after|around|for|by|until|from)\s+"
            r"(?:Christmas(?:\s+(?:Day|Eve))?|Thanksgiving(?:\s+Day)?|New\s+Year'?s(?:\s+(?:Day|Eve))?|Halloween"
            r"|Easter(?:\s+Sunday)?|Independence\s+Day|the\s+Fourth\s+of\s+July|Valentine'?s\s+Day"
            r"|Memorial\s+Day|Labor\s+Day|Mother'?s\s+Day|Father'?s\s+Day)\b(?!\s+(?:disease|factor))"
        ),
        "a holiday (an exact date)",
    ),
    (
        _rx(
            r"\b(?:DOB|D\.O\.B\.?|date\s+of\s+birth|birth\s*date)\s*(?:is|was)?\s*[:\-]?\s*\d[\w/.-]*\w",
            re.IGNORECASE,
        ),
        "a date of birth",
    ),
]
_FULL_DATE_IDX = {6, 7}
_BARE_MD = _rx(r"(?<![\d/.,:])(\d{1,2})/(\d{1,2})(?![\d/]|\.\d)")
_MONTH_ALONE_IDX = 5
_WORD_DATE_IDX = frozenset({0, 1, 2, 3, 4, 5, 12, 13})  # the others are made of digits
_DATE_WORD = _rx(
    rf"{_MONTH}|Christmas|Thanksgiving|New\s+Year|Halloween|Easter|Independence|Fourth|Valentine|Memorial|Labor|"
    r"Mother|Father|DOB|D\.O\.B|birth",
    re.IGNORECASE,
)
_EVENT_BEFORE = _rx(
    r"\b(?:admitted|admission|discharged?|seen|diagnosed|born|died|death|hospitali[sz]ed|surgery|operated|"
    r"delivered|delivery|started|began|onset|visit|injured|injury|fell|fall|married|arrived|transferred|"
    r"readmitted|presented|came|happened|occurred|scheduled|planned|vaccinated|last\s+seen|procedure)\b",
    re.IGNORECASE,
)
_WEAK_DATE_CUE = _rx(
    r"\b(?:from|to|and|by|before|after|between|through|thru|until|till|last)\s*[:\-]?\s*$", re.IGNORECASE
)
_DATE_CUE = _rx(
    r"\b(?:on|since|from|to|until|till|through|thru|dated?|DOB|admitted|admission|discharged?|seen|born|started|"
    r"began|begun|visit|appointment|appt|scheduled|by|as\s+of|last|effective|before|after|due|between|and|"
    r"onset|surgery|procedure|performed|done|drawn|collected|obtained|resulted|LMP|EDD|EDC|vaccinated|"
    r"received|given|returned|travel(?:l)?ed|week\s+of|starting|ending|expires?|expired|readmitted|planned|"
    r"(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day)\s*[:\-]?\s*$",
    re.IGNORECASE,
)
_SCORE_BEFORE = _rx(
    r"(?:GAD|PHQ|Apgars?|APGAR|score|scores|scored|grade|graded|strength|power|motor|pain|VA|acuity|vision|"
    r"murmur|reflex(?:es)?|criteria|MMSE|MoCA|SIRS|Centor|CURB|qSOFA|NIHSS|GCS|Wells|rated|rates|ratio|"
    r"OD|OS|OU|sensation|BP|ABG|vent|AC|PEEP|dilated|\d\s*x|pulses?|ppd|smokes?|tab|tablet|vision|"
    r"Snellen|positive|negative)"
    r"(?:-?\d{1,2})?\W*$",
    re.IGNORECASE,
)
_DURATION_BEFORE = _rx(
    r"\b(?:for|x|over|past|last|about|approx(?:imately)?|in|within|of|~)\s*$", re.IGNORECASE
)
_SCORE_AFTER = _rx(
    r"^\s*(?:criteria|positive|negative|strength|pain|points?|murmur|of|ppd|tab|tablet|NS|"
    r"history|hx|duration|ago|vision|acuity|bilaterally|symmetric|OD|OS|OU|and\s+\d|readings?|occasions?|"
    r"measurements?|attempts?|tries|samples?|sets?|cultures?|bottles?|doses?|limbs?|lobes?|views?|"
    r"quadrants?|fingers?|toes?|nodes?|vessels?|cores?|biopsies|specimens?|episodes?|times?)\b",
    re.IGNORECASE,
)


_FULL_MONTH_ENDINGS = tuple(_MONTHS_FULL.split("|"))
_MD_UNIT_AFTER = _rx(r"\s*(?:mm|cm|mg|mcg|mL|ml|units?|%|kg|g\b|mmHg|bpm|mEq|mmol)")
_ACUITY_NEAR = _rx(r"\b(?:VA|acuity|vision|Snellen|eyes?|OD|OS|OU)\b", re.IGNORECASE)


@_rule
def _dates(text: str) -> Iterator[tuple[PhiCategory, int, int, str]]:
    has_digit = _HAS_DIGIT.search(text) is not None
    has_word = _DATE_WORD.search(text) is not None
    for i, (rx, what) in enumerate(_DATE_RXS):
        if not (has_word if i in _WORD_DATE_IDX else has_digit):
            continue
        for m in rx.finditer(text):
            if i == _MONTH_ALONE_IDX and not (
                re.match(
                    r"(?:since|last|this|next|until|early|mid|late|in\s+(?:early|late|mid))\b", m.group()
                )
                or _EVENT_BEFORE.search(_before(text, m.start(), 45))
            ):
                continue
            if i in _FULL_DATE_IDX:
                parts = re.split(r"[-/.]", m.group())
                nums = [int(p) for p in parts if p.isdigit()]
                if (
                    len(nums) == 3
                    and i == 7
                    and not (
                        (1 <= nums[0] <= 12 and 1 <= nums[1] <= 31)
                        or (1 <= nums[1] <= 12 and 1 <= nums[0] <= 31)
                    )
                ):
                    continue
            end = m.end()
            if text[end - 1] == "." and text[m.start() : end - 1].endswith(_FULL_MONTH_ENDINGS):
                end -= 1
            yield C.DATE, m.start(), end, f"looks like a date: {what}"
    for m in _BARE_MD.finditer(text):
        a, b = int(m.group(1)), int(m.group(2))
        if not (1 <= a <= 12 and 1 <= b <= 31) and not (1 <= b <= 12 and 13 <= a <= 31):
            continue
        if _MD_UNIT_AFTER.match(text, m.end()):
            continue  # "pupils 4/2 mm"
        before = _before(text, m.start(), 30)
        after = _after(text, m.end(), 20)
        cued = bool(_DATE_CUE.search(before))
        if a in (6, 20) and _ACUITY_NEAR.search(_before(text, m.start(), 50)):
            continue
        if not cued:
            # x/2 .. x/10 are fractions and scores ("1/2 tab", "4/5 strength", "7/10 pain") unless improper
            if (b in (2, 3, 4, 5, 6, 10) and a <= b) or a == b or a == 0:
                continue
            if _SCORE_BEFORE.search(before) or _SCORE_AFTER.match(after):
                continue
            if b in (7, 12, 52) and (
                _DURATION_BEFORE.search(before)
                or re.match(r"^\s*(?:history|hx|of|duration|ago)", after, re.IGNORECASE)
            ):
                continue
        elif (
            (b in (2, 3, 4, 5, 6, 10) and a <= b)
            and (
                _SCORE_BEFORE.search(before)
                or _SCORE_AFTER.match(after)
                or _WEAK_DATE_CUE.search(before)
                or (
                    b == 10
                    and re.search(r"pain|score|scale|/10\b", text[: m.start()] + text[m.end() :], re.I)
                )
            )
        ) or (b in (7, 12, 52) and _DURATION_BEFORE.search(before)):
            continue
        yield C.DATE, m.start(), m.end(), "looks like a date: a month and day written as numbers"


# --- ages over 89 -----------------------------------------------------------------------------------------

_AGE_NUM = r"(?:9\d|1[0-2]\d)"
_AGE_WORD = (
    r"ninety(?:[\s-](?:one|two|three|four|five|six|seven|eight|nine))?"
    r"|(?:a|one)\s+hundred(?:\s+and)?(?:[\s-](?:one|two|three|four|five|six|seven|eight|nine|ten))?"
)
_AGE_SEX = _rx(
    rf"(?:^|(?<=[\s(,]))(?<![\d.]){_AGE_NUM}\s?(?:yo\s?|y\s?|yrs?\s?)?/?\s?(?:[MF]|male|female|man|woman|gentleman|lady)\b"
)
_AGE_DECADE = _rx(
    r"\b(?:in\s+)?(?:his|her|their|the)\s+(?:early\s+|mid[\s-]+|late\s+)?(?:90s|nineties|100s|hundreds)\b",
    re.IGNORECASE,
)
_AGE_OF = _rx(
    rf"\b(?:man|woman|gentleman|lady|male|female|patient|person|widow|widower|veteran)\s+of\s+{_AGE_NUM}\b"
    r"(?!\s*(?:%|kg|mg|lbs?|pounds|cm|bpm|mmHg|/))",
    re.IGNORECASE,
)
_AGE_YEARS = _rx(
    rf"(?<![\d.,/]){_AGE_NUM}\s*-?\s*(?:years?|yrs?|yo|y/o|y\.o\.?|y)(?:[\s-]*(?:old|of\s+age))?(?:\s?[MF]\b)?"
    r"(?!\s*-?\s*(?:pack|ago|of\s+(?:smoking|tobacco)|history))",
    re.IGNORECASE,
)
_AGE_RXS = [
    _AGE_DECADE,
    _AGE_OF,
    _AGE_YEARS,
    _rx(
        rf"\b(?:aged?|age\s+of|ages?\s*[:=]|age\s+is)\s*{_AGE_NUM}\b(?!\s*(?:%|mg|kg|bpm|mmHg))",
        re.IGNORECASE,
    ),
    _rx(rf"\b(?:turned|turns|turning|is\s+now)\s+{_AGE_NUM}\b(?!\s*(?:%|mg|kg|bpm|mmHg|/))", re.IGNORECASE),
    _rx(rf"\b{_AGE_NUM}(?:st|nd|rd|th)\s+birthday\b", re.IGNORECASE),
    _rx(r"\b(?:nonagenarian|centenarian|supercentenarian)s?\b", re.IGNORECASE),
    _rx(
        rf"\b(?:(?:aged?|age\s+of|is|was|turned|turns)\s+(?:{_AGE_WORD})\b|(?:{_AGE_WORD})[\s-]+(?:years?|yrs?)[\s-]+old\b)",
        re.IGNORECASE,
    ),
    _rx(
        rf"\b(?:she|he|patient|pt|they)(?:'s|\u2019s|\s+is|\s+was|\s+will\s+be|\s+turns|\s+turned|\s+just\s+turned)"
        rf"\s+{_AGE_NUM}\b"
        r"(?!\s*(?:%|mg|kg|bpm|/|mmHg|lbs?|pounds|cm|inches|degrees|F\b|C\b|\.\d|on|at|beats))",
        re.IGNORECASE,
    ),
    _rx(
        rf"(?<=[A-Za-z.]),\s+({_AGE_NUM})"
        r"(?=\s*,|\s*\.?\s*$|\s+(?:presents|presented|is|was|with|who|admitted|comes|came|here|and))"
    ),
    _AGE_SEX,
    _rx(
        rf"\b(?:oldest|eldest)\b[^.;\d]{{0,40}}\b(?:was|is|at|aged?)\s+({_AGE_NUM})\b(?!\s*(?:%|mg|kg|bpm|/))"
    ),
]
# "Mr. H is 95 and walks with a cane", "Maria was 92 when...": a person, then is/was and the age.
_SUBJECT_IS_AGE = _rx(
    rf"\b((?i:she|he|patient|pt)|(?:Mr|Mrs|Ms|Miss)\.?\s+[A-Z]\w*|{_NAME_TOKEN})\s+"
    rf"(?:is|was|turned|turns|will\s+be|just\s+turned)\s+({_AGE_NUM})\b"
    r"(?=\s*(?:and\b|but\b|,|\.(?!\d)|;|$|years|yrs|yo|y/o|next|this|last|in\b|when\b|now\b))"
)
_TEMP_BEFORE = _rx(r"(?:\bT\b|temp|temperature|Tmax|fever|febrile|afebrile|°|degrees?)\W*$", re.IGNORECASE)


@_rule
def _ages(text: str) -> Iterator[tuple[PhiCategory, int, int, str]]:
    if not (_HAS_DIGIT.search(text) or _AGE_WORD_HINT.search(text)):
        return
    for rx in _AGE_RXS:
        for m in rx.finditer(text):
            if rx is _AGE_SEX and _TEMP_BEFORE.search(_before(text, m.start(), 15)):
                continue
            if (
                rx is _AGE_YEARS
                and re.search(r"\b(?:for|over|past|of|x)\s*$", _before(text, m.start(), 8), re.IGNORECASE)
                and not re.search(r"old|of\s+age", m.group(), re.IGNORECASE)
            ):
                continue
            g = 1 if rx.groups else 0
            yield C.AGE_OVER_89, m.start(g), m.end(g), _REASON[C.AGE_OVER_89]
    for m in _SUBJECT_IS_AGE.finditer(text):
        subject = m.group(1)
        last = subject.split()[-1]
        if (
            subject[:1].isupper()
            and last not in GIVEN_NAMES
            and last not in SURNAMES
            and not re.match(r"(?:Mr|Mrs|Ms|Miss|She|He|Patient|Pt)\b", subject)
        ):
            continue
        yield C.AGE_OVER_89, m.start(2), m.end(2), _REASON[C.AGE_OVER_89]


# --- street addresses, ZIP codes, places ------------------------------------------------------------------

_STREET_SUFFIX = (
    r"(?:Street|St|Avenue|Ave|Av|Road|Rd|Boulevard|Blvd|Lane|Ln|Drive|Dr|Court|Ct|Place|Pl|Terrace|Ter|Way|"
    r"Circle|Cir|Highway|Hwy|Parkway|Pkwy|Square|Sq|Trail|Trl|Alley|Plaza|Turnpike|Pike|Row|Crescent|Close|"
    r"Loop|Walk|Path|Crossing|Heights|Gardens)"
)
_UNIT = r"(?:,?\s*(?:Apt|Apartment|Unit|Suite|Ste|Fl|Floor|#|No\.?)\.?\s*#?\s*\w{1,5})?"
# Rarer USPS suffixes ("Isle", "Run", "Ridge"): only after an address cue ("lives at 12 Elk Run").
_RARE_SUFFIX = (
    r"(?:Annex|Arcade|Bayou|Beach|Bend|Bluff|Bluffs|Bottom|Branch|Bridge|Brook|Brooks|Burg|Bypass|Camp|Canyon|"
    r"Cape|Causeway|Center|Cliff|Cliffs|Club|Common|Corner|Corners|Course|Cove|Creek|Crest|Curve|Dale|Dam|"
    r"Divide|Estate|Estates|Expressway|Extension|Fall|Falls|Ferry|Field|Fields|Flat|Flats|Ford|Forest|Forge|"
    r"Fork|Fort|Freeway|Garden|Gateway|Glen|Green|Grove|Harbor|Haven|Hill|Hills|Hollow|Inlet|Island|Isle|"
    r"Junction|Key|Knoll|Lake|Lakes|Landing|Light|Lock|Lodge|Mall|Manor|Meadow|Meadows|Mews|Mill|Mills|"
    r"Mission|Mount|Mountain|Neck|Orchard|Oval|Overpass|Park|Pass|Passage|Pine|Pines|Plain|Plains|Point|"
    r"Port|Prairie|Radial|Ramp|Ranch|Rapids|Rest|Ridge|River|Route|Rue|Run|Shoal|Shore|Shores|Skyway|"
    r"Spring|Springs|Spur|Station|Stravenue|Stream|Streets|Summit|Trace|Track|Trafficway|Tunnel|Union|"
    r"Valley|Viaduct|View|Village|Ville|Vista|Wall|Well|Wells|Motorway|Glen|Lock|Burg|Throughway)"
)
_ADDRESS_RXS = [
    _rx(
        r"\b(?:at|address(?:\s+is)?|lives\s+at|living\s+at|resides\s+at|home\s+(?:is|at)|located\s+at)\s*:?\s*"
        rf"(\d{{1,6}}[A-Z]?\s+(?:[A-Z][a-z]+\s+){{1,3}}{_RARE_SUFFIX}s?)\b",
        re.IGNORECASE,
    ),
    _rx(
        rf"\b\d{{1,6}}[A-Z]?\s+(?:[NSEW]\.?\s+|(?:North|South|East|West)\s+)?(?:[A-Z][a-z]+\.?\s+|\d{{1,3}}(?:st|nd|rd|th)\s+)"
        rf"{{1,3}}{_STREET_SUFFIX}\b\.?(?:\s+(?:North|South|East|West|[NSEW]{{1,2}})\b)?{_UNIT}"
    ),
    _rx(
        r"\b(?:on|at|near|off|of|along)\s+(?:[A-Z][a-z]+\s+|\d{1,3}(?:st|nd|rd|th)\s+){1,2}"
        r"(?:Street|Avenue|Road|Boulevard|Lane|Drive|Court|Parkway|Highway|Terrace|Circle|Plaza|St|Ave|Rd|"
        r"Blvd)\b\.?"
    ),
    _rx(r"\b(?:RR|Rural\s+Route|HC|Star\s+Route)\s*#?\s*\d+,?\s+Box\s+\d+\b", re.IGNORECASE),
    _rx(
        r"\b(?:House|H\.|Flat|Plot|Door|Block|Quarter|Qtr)\s*(?:No\.?|#|Number)\s*:?\s*[\w/-]+"
        r"(?:,?\s*(?:Sector|Block|Phase|Ward|Lane|Street|Road|Colony|Nagar)\s*[\w-]+)*",
        re.IGNORECASE,
    ),
    _rx(r"\bP\.?\s?O\.?\s*Box\s+\d+\b", re.IGNORECASE),
    _rx(r"\b(?:Apt|Apartment|Suite)\.?\s*#?\s*\d+[A-Z]?\b", re.IGNORECASE),
]
_STATE_ALT = "|".join(_STATE_CODES)
_ZIP_AFTER_STATE = _rx(rf"\b(?:{_STATE_ALT}|{_STATE_NAMES}),?\s+(\d{{5}}(?:-\d{{4}})?)(?!\d)")
_ZIP_AFTER_PLACE_VERB = _rx(
    r"\b(?:lives?|living|resides?|residing|is|was|moved|relocated|stays?|home\s+is)\s+(?:in|to|from|at)\s+"
    r"(?:the\s+)?(\d{5})\b(?![\d,.]\d|\s*(?:mg|mL|units|cells|copies|/|%))",
    re.IGNORECASE,
)
_ZIP_BEFORE_CUE = _rx(r"(?<![\w.-])(\d{5}|\d{3})\s+(?:zip|postal)(?:\s*code)?\b", re.IGNORECASE)
_ZIP4 = _rx(r"(?<![\d-])\d{5}-\d{4}(?![\d-])")
_CITY_STATE = _rx(
    rf"\b((?:[A-Z][a-z]+(?:[ -][A-Z][a-z]+){{0,2}}|St\.\s[A-Z][a-z]+)),?\s+"
    rf"(?:({_STATE_ALT})|({_STATE_NAMES}))\b(?![-\d])"
)
_FACILITY = _rx(
    r"\b((?:St\.?|Saint)\s+[A-Z][a-z]+(?:'s)?(?:\s+[A-Z][a-z]+)?|(?:[A-Z][a-z]+(?:'s)?\s+){1,3})"
    r"(?:Hospital|Medical\s+Center|Health\s+Center|Clinic|Nursing\s+Home|Rehabilitation\s+Center|Hospice|"
    r"Infirmary|Health\s+System|Healthcare|Urgent\s+Care|Nursing\s+and\s+Rehab(?:ilitation)?|Assisted\s+Living)\b"
)
_GENERIC_FACILITY_WORDS = _words(
    """
The A An Our This That Same Outside Local Rural Urban Private Public Tertiary Academic Main Her His
Their Community General Memorial Regional University Children Childrens County Veterans VA Emergency
Psychiatric State Teaching Specialty Dialysis Cancer Heart Eye Dental Urgent Care Primary Family
Pediatric Women Womens Mental Health Medical Free Walk Walk-in Rehab Rehabilitation Surgical Surgery
Orthopedic Cardiology Oncology Neurology Pain Sleep Diabetes Wound Infusion Transplant Trauma Burn
Stroke Telehealth Virtual Student Campus Employee Occupational Travel Refugee Immigrant Shelter
Prison Jail Correctional Military Army Navy Air Force Federal City Town Nearby Previous Prior
Another Other Different New Old Larger Smaller Big Small Level One Two Three I II III IV Safety Net
Charity Catholic Jewish Methodist Baptist Presbyterian Lutheran Adventist Mayo Cleveland
"""
)
_COUNTY = _rx(r"\b(?:[A-Z][a-z]+\s+){1,2}(?:County|Parish|Borough|Township)\b")
_PLACE = (
    r"(?:the\s+)?(?i:(?:north|south|east|west|northern|southern|eastern|western|downtown|central|rural|suburban|"
    r"upstate|greater|metro|inner[- ]city|outer|old|uptown|midtown)[\s-]+)?"
    r"((?:St\.\s)?[A-Z][a-z]+(?:[ -][A-Z][a-z]+){0,2})"
)
_STRONG_PLACE_CUE = _rx(
    r"\b(?i:(?:lives?|living|lived|resides?|residing|resident|relocated|moved|grew\s+up|born|raised|native|"
    r"travel(?:l)?ed|travel|trip|commutes?|drove|flew|visiting|visited|home|town|city|"
    r"village|neighbou?rhood|suburb|area)"
    r"(?:\s+(?:alone|here|back|recently|just|with\s+\w+(?:\s+\w+)?|up|down|over|out|nearby))?"
    r"\s+(?:in|from|to|near|outside(?:\s+of)?|of|at|around)"
    r"|(?:is|was|comes?|came|originally|returned|recently\s+returned|immigrated|emigrated)"
    r"(?:\s+(?:originally|here|recently|just))?\s+from)"
    rf"\s+{_PLACE}"
)
_NAMED_PLACE = _rx(
    rf"\b(?i:town|city|village|suburb|neighbou?rhood|borough|community|hamlet|hometown|county|township)"
    rf"(?i:\s+(?:called|named|of)|\s*:|\s+is)\s+{_PLACE}",
)
_WEAK_PLACE_CUE = _rx(rf"\b(?:in|from|to|near|outside|of|at|around|visit(?:ed|ing)?|and|out\s+of)\s+{_PLACE}")


_NOT_A_PLACE_AFTER = _rx(r"\s+(?:descent|origin|heritage|ancestry|background|decent|extraction|parents)\b")


_LARGE_PLACES = frozenset(_STATE_NAMES.split("|")) | frozenset(w for w in _PLACES_NOT_LOCAL if w[0].isupper())
_LARGE_PLACES |= frozenset(
    "|".join(
        [
            "South America|Central America|North America|Latin America|Middle East|West Africa|East Africa",
            "South Africa|North Africa|Southeast Asia|East Asia|South Asia|Eastern Europe|Western Europe",
            "New England|the Midwest|Midwest|Pacific Northwest|West Coast|East Coast|Gulf Coast|Deep South",
            "United States|United Kingdom|Dominican Republic|Puerto Rico|Sri Lanka|Saudi Arabia|El Salvador",
            "Costa Rica|South Korea|North Korea|New Zealand|Hong Kong",
        ]
    ).split("|")
)


_NOT_PLACE_SECOND = _words(
    "Year Years Onset Wing Tower Building Unit Ward Floor Campus Patient Patients Zealand"
)
_PLACE_PREFIXES = _words(
    "New North South East West Fort Saint St. Port Lake Mount San Santa Los Las El Grand Glen Palm Cape Rock "
    "Oak Cedar Silver Spring"
)


def _is_local_place(place: str) -> bool:
    words = place.removeprefix("the ").split()
    if not words:
        return False
    joined = " ".join(words)
    if joined in _CITIES:
        return True
    if (
        joined in _LARGE_PLACES
        or words[-1] in _LARGE_PLACES
        or (len(words) == 1 and words[0] in _PLACES_NOT_LOCAL)
    ):
        return False
    if len(words) > 1 and words[0] in _PLACE_PREFIXES:
        return True
    return not (words[0] in _MONTH_WORDS or words[0] in _WEEKDAYS or words[0] in _NAME_STOP)


def _city_prefix(place: str) -> str | None:
    """The longest known city at the start of ``place`` ("Ann Arbor and" -> "Ann Arbor")."""
    words = place.split()
    for n in range(len(words), 0, -1):
        cand = " ".join(words[:n])
        if cand in _CITIES:
            return cand
    return None


@_rule
def _places(text: str) -> Iterator[tuple[PhiCategory, int, int, str]]:
    for rx in _ADDRESS_RXS:
        for m in rx.finditer(text):
            group = 1 if rx.groups else 0
            yield C.STREET_ADDRESS, m.start(group), m.end(group), _REASON[C.STREET_ADDRESS]
    for m in _ZIP_AFTER_STATE.finditer(text):
        yield C.ZIP_CODE, m.start(1), m.end(1), _REASON[C.ZIP_CODE]
    for m in _ZIP4.finditer(text):
        yield C.ZIP_CODE, m.start(), m.end(), _REASON[C.ZIP_CODE]
    for rx in (_ZIP_BEFORE_CUE, _ZIP_AFTER_PLACE_VERB):
        for m in rx.finditer(text):
            yield C.ZIP_CODE, m.start(1), m.end(1), _REASON[C.ZIP_CODE]
    for m in _CITY_STATE.finditer(text):
        place = m.group(1)
        city = _city_prefix(place) or place
        if m.group(2) and m.group(2) in _CLINICAL_STATE_CODES:
            after = text[m.end() : m.end() + 8]
            if city not in _CITIES and not re.match(r",?\s*\d{5}(?:-\d{4})?(?!\d)", after):
                continue
        if (place.split()[0] in _NAME_STOP or place.split()[0] in _PLACES_NOT_LOCAL) and city not in _CITIES:
            continue
        yield C.GEOGRAPHY, m.start(1), m.end(1), _REASON[C.GEOGRAPHY]
    for m in _COUNTY.finditer(text):
        yield C.GEOGRAPHY, m.start(), m.end(), _REASON[C.GEOGRAPHY]
    for m in _FACILITY.finditer(text):
        words = m.group(1).replace("'s", "").split()
        if all(w in _GENERIC_FACILITY_WORDS for w in words) or _followed_by_eponym_noun(text, m.end()):
            continue
        yield C.GEOGRAPHY, m.start(), m.end(), "names a specific facility, which gives away a location"
    for m in _STRONG_PLACE_CUE.finditer(text):
        place = m.group(1)
        if _followed_by_eponym_noun(text, m.end(1)) or _NOT_A_PLACE_AFTER.match(text, m.end(1)):
            continue
        if _is_local_place(place):
            city = _city_prefix(place.removeprefix("the ").strip())
            end = m.start(1) + len(place) if city is None else m.start(1) + place.index(city) + len(city)
            yield C.GEOGRAPHY, m.start(1), end, _REASON[C.GEOGRAPHY]
    for m in _NAMED_PLACE.finditer(text):
        if _is_local_place(m.group(1)):
            yield C.GEOGRAPHY, m.start(1), m.end(1), _REASON[C.GEOGRAPHY]
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
            else:
                continue
        start = m.start(1) + m.group(1).index(city)
        if _followed_by_eponym_noun(text, start + len(city)):
            continue
        yield C.GEOGRAPHY, start, start + len(city), _REASON[C.GEOGRAPHY]


# --- names of people --------------------------------------------------------------------------------------

_HONORIFIC_NAME = _rx(rf"\b{_HONORIFIC}\.?\s+({_NAME_TOKEN}(?:\s+{_NAME_TOKEN})?|[A-Z]\.(?!\w))")
_TITLE_NAME = _rx(rf"\b{_TITLE}\.?\s+({_NAME_TOKEN})(?:\s+{_NAME_TOKEN})?")
_POSSESSIVE_RELATIVE = _rx(rf"\b({_NAME_TOKEN})['\u2019]s\s+{_RELATIVE}\b")
_SPEECH_VERB = (
    r"(?:reports|reported|presents|presented|states|stated|denies|denied|complains|complained|endorses|endorsed|"
    r"notes|noted|says|said|tells|told|came|comes|returns|returned|arrived|describes|described|admits|"
    r"feels|felt|underwent|lives|lived|works|worked|smokes|drinks|was\s+brought|was\s+seen|was\s+admitted|"
    r"is\s+(?:a|an)\s+\d|was\s+(?:a|an)\s+\d|,\s+(?:a|an)\s+\d|,\s+\d{1,3}\s?(?:[MF]\b|y|-year))"
)
_NAME_THEN_VERB = _rx(rf"\b({_NAME_TOKEN}(?:\s+{_NAME_TOKEN})?)\s*{_SPEECH_VERB}")
_SAINT_BEFORE = _rx(r"\b(?:St\.?|Saint|San|Santa|Sao|Fort|Mount|Lake|Port)\s+$")
_LOWER_PAIR = _rx(r"\b([a-z]{4,})\s+([a-z]{2,}(?:-[a-z]+)?)\b")
_LOWER_HONORIFIC = _rx(r"\b(?:mr|mrs|ms|miss|dr)\.?\s+([a-z][a-z'-]+)\b")
_NAME_THEN_AGE = _rx(
    rf"\b({_NAME_TOKEN}\.?\s+{_NAME_TOKEN}),?\s+(?:\d{{1,2}}\s?/?\s?(?:[MF]\b|yo|y/o|-?years?|-?year-old)|age[ds]?\s+\d)"
)
_CUED_NAME = _rx(
    rf"\b(?:named|name\s+is|name's|called|goes\s+by|known\s+as|nicknamed|[Pp]atient\s+name\s*:?|[Nn]ame\s*:)\s+"
    rf"({_NAME_TOKEN}(?:\s+{_NAME_TOKEN})?)"
)
_PATIENT_NAME = _rx(
    rf"\b(?:[Pp]atient|[Pp]t\.?|[Cc]ase|[Pp]resenting|[Ss]aw|[Cc]lient|[Rr]esident|[Ii]nfant|[Bb]aby|[Nn]urse)"
    rf"\s*(?:is|was|:)?\s+({_NAME_TOKEN},?\s+{_NAME_TOKEN})\b"
)
_PATIENT_SURNAME = _rx(
    rf"\b(?:[Pp]atient|[Pp]t\.?|[Bb]aby\s+(?:boy|girl)|[Ii]nfant|[Cc]lient)\s+({_NAME_TOKEN})\b(?!\s+{_NAME_TOKEN})"
)
_NAME_FIELD = _rx(
    rf"\b(?:first|last|given|sur|family|middle|maiden|nick)\s*name\s*(?:is|was|:)?\s*({_NAME_TOKEN})",
    re.IGNORECASE,
)
_RELATIVE_PAREN = _rx(rf"\b(?i:{_RELATIVE})\s*\(\s*({_NAME_TOKEN}(?:\s+{_NAME_TOKEN})?)")
_RELATIVE_NAME = _rx(rf"\b{_RELATIVE}(?:'s)?,?\s+({_NAME_TOKEN}(?:\s+{_NAME_TOKEN})?)")
_LAST_FIRST = _rx(rf"\b({_NAME_TOKEN}),\s+({_NAME_TOKEN})\b")
_TOKEN = _rx(_NAME_TOKEN)
_INITIAL_SURNAME = _rx(r"(?<![\w.])([A-Z])\.\s?([A-Z][a-z]+(?:-[A-Z][a-z]+)?)\b")
_CAPS_NAME = _rx(r"\b([A-Z]{2,}(?:[-'][A-Z]+)?)(,?)\s+([A-Z]{3,})\b")
_INITIALS = _rx(
    r"(?:\b(?:[Pp]atient|[Pp]t\.?|Mr\.?|Mrs\.?|Ms\.?)\s+[A-Z]\.\s?[A-Z]\.(?:\s?[A-Z]\.)?)"
    r"|(?:\b[Ii]nitials?\s*(?:are|is|:)?\s*[A-Z]\.?\s?[A-Z]\.?(?:\s?[A-Z]\.?)?(?![a-z]))"
    r"|(?:(?<![\w.])[A-Z]\.\s?[A-Z]\.(?=,?\s+(?:a|an|is|was|age[ds]?|\d)\b))"
)
_INITIALS_OK = frozenset(
    {"M.D.", "D.O.", "R.N.", "N.P.", "P.A.", "U.S.", "A.M.", "P.M.", "E.R.", "I.V.", "O.R."}
)


_DOSE_AFTER = _rx(r"\s*\d+(?:\.\d+)?\s*(?:mg|mcg|g\b|units?|%|/|mL|ml|puffs?|tabs?)")


def _surname_like(word: str) -> bool:
    """A census surname, or shaped like one ("O'Malley", "McNeil", "D'Souza")."""
    if word in SURNAMES:
        return True
    return bool(re.match(r"^(?:[OD]['\u2019][A-Z][a-z]+|Ma?c[A-Z][a-z]+)$", word))


def _name_ok(tokens: list[str]) -> bool:
    """A capitalised run after a name cue that is plausibly a person's name (not a ward, drug or word)."""
    first = tokens[0]
    if first in _MONTH_WORDS and len(tokens) > 1 and tokens[1] in SURNAMES and first in GIVEN_NAMES:
        return True  # "Patient April Baker"
    if first in _NAME_STOP or first in _MONTH_WORDS or first in _WEEKDAYS:
        return False
    return not (first.upper() == first and len(first) > 1)


def _is_eponym_at(text: str, start: int, end: int) -> bool:
    if _followed_by_eponym_noun(text, end):
        return True
    # hyphen joins ("Mallory-Weiss") and possessives followed by a noun ("Bell's palsy")
    return end < len(text) and text[end] == "-"


@_rule
def _names(text: str) -> Iterator[tuple[PhiCategory, int, int, str]]:
    for m in _HONORIFIC_NAME.finditer(text):
        tokens = m.group(1).split()
        if tokens[0] in _NAME_STOP or tokens[0] in _MONTH_WORDS or tokens[0] in _PLACES_NOT_LOCAL:
            continue
        end = m.end(1) if len(tokens) == 1 or tokens[1] not in _NAME_STOP else m.start(1) + len(tokens[0])
        yield C.PERSON_NAME, m.start(), end, "looks like a person's name (title and name)"
    for m in _TITLE_NAME.finditer(text):
        word = m.group(1)
        if (
            (_surname_like(word) or word in _ALL_GIVEN)
            and word not in _NAME_STOP
            and not _is_eponym_at(text, m.start(1), m.end())
        ):
            yield C.PERSON_NAME, m.start(), m.end(), "looks like a person's name (title and name)"
    for m in _POSSESSIVE_RELATIVE.finditer(text):
        word = m.group(1)
        if word in _ALL_GIVEN or word in SURNAMES:
            if word in _MONTH_WORDS or word in _PLACES_NOT_LOCAL or word in _NAME_STOP:
                continue
            yield C.PERSON_NAME, m.start(1), m.end(1), "looks like a person's name (with a relative)"
    for m in _NAME_THEN_VERB.finditer(text):
        words = m.group(1).split()
        first = words[0]
        with_age = any(ch.isdigit() for ch in m.group())  # "Sawyer is an 8-year-old"
        known = first in GIVEN_NAMES or (with_age and first in SURNAMES)
        if not known or first in _NAME_STOP or first in _PLACES_NOT_LOCAL:
            continue
        if len(words) == 2 and words[1] not in SURNAMES and words[1] in _NAME_STOP:
            continue
        if first in _MONTH_WORDS and len(words) == 1:
            continue
        yield (
            C.PERSON_NAME,
            m.start(1),
            m.end(1),
            "looks like a person's name (followed by what they said or did)",
        )
    for m in _LOWER_PAIR.finditer(text):
        first, last = m.group(1).capitalize(), m.group(2).capitalize()
        if first in _STRONG_GIVEN and len(first) > 3 and last in SURNAMES:
            yield C.PERSON_NAME, m.start(), m.end(), "looks like a person's name (written in lower case)"
    for m in _LOWER_HONORIFIC.finditer(text):
        word = m.group(1).capitalize()
        if word in SURNAMES and word not in WORD_NAMES:
            yield C.PERSON_NAME, m.start(), m.end(), "looks like a person's name (title and name)"
    for m in _NAME_THEN_AGE.finditer(text):
        first, last = m.group(1).split()
        if (first in _ALL_GIVEN or last in SURNAMES) and _name_ok([first, last]) and last not in _NAME_STOP:
            yield C.PERSON_NAME, m.start(1), m.end(1), "looks like a person's name (followed by age and sex)"
    for m in _PATIENT_SURNAME.finditer(text):
        word = m.group(1)
        if (
            word in SURNAMES
            and word not in WORD_NAMES
            and word not in _NAME_STOP
            and word not in _PLACES_NOT_LOCAL
            and not _is_eponym_at(text, m.start(1), m.end(1))
        ):
            yield C.PERSON_NAME, m.start(1), m.end(1), "looks like a person's surname"
    for m in _RELATIVE_PAREN.finditer(text):
        words = m.group(1).split()
        if (
            (words[0] in GIVEN_NAMES or words[-1] in SURNAMES)
            and _name_ok(words)
            and not _is_eponym_at(text, m.start(1), m.end(1))
        ):
            yield C.PERSON_NAME, m.start(1), m.end(1), "looks like a person's name (a relative)"
    for m in _NAME_FIELD.finditer(text):
        if m.group(1) not in _NAME_STOP:
            yield C.PERSON_NAME, m.start(1), m.end(1), _REASON[C.PERSON_NAME]
    for rx in (_CUED_NAME, _PATIENT_NAME, _RELATIVE_NAME):
        for m in rx.finditer(text):
            tokens = m.group(1).replace(",", " ").split()
            if not _name_ok(tokens) or _is_eponym_at(text, m.start(1), m.end(1)):
                continue
            if rx is _CUED_NAME and re.search(
                r"(?:town|city|village|place|street|road|county)\s+\S+\s*$",
                _before(text, m.start(1), 30),
                re.IGNORECASE,
            ):
                continue
            if (
                rx is _RELATIVE_NAME
                and len(tokens) == 1
                and tokens[0] in _AMBIGUOUS_GIVEN
                and (tokens[0] not in GIVEN_NAMES or tokens[0] in _PLACES_NOT_LOCAL or tokens[0] in _WEEKDAYS)
            ):
                continue
            if rx is _PATIENT_NAME and not (
                tokens[0] in _ALL_GIVEN or tokens[1] in SURNAMES or tokens[0] in SURNAMES
            ):
                continue
            end = m.end(1)
            if len(tokens) == 2 and (tokens[1] in _NAME_STOP or tokens[1] in _MONTH_WORDS):
                end = m.start(1) + len(tokens[0])
            yield C.PERSON_NAME, m.start(1), end, _REASON[C.PERSON_NAME]
    for m in _LAST_FIRST.finditer(text):
        last, first = m.group(1), m.group(2)
        if last in SURNAMES and first in _STRONG_GIVEN and last not in _NAME_STOP:
            yield C.PERSON_NAME, m.start(), m.end(), "looks like a person's name (surname, given name)"
    for m in _INITIAL_SURNAME.finditer(text):
        last = m.group(2)
        if last in SURNAMES and not (
            last in _NAME_STOP
            or last in _PLACES_NOT_LOCAL
            or last in _MONTH_WORDS
            or last in _CITY_FIRST_WORDS
        ):
            if _is_eponym_at(text, m.start(), m.end()):
                continue
            yield C.PERSON_NAME, m.start(), m.end(), "looks like a person's name (initial and surname)"
    for m in _CAPS_NAME.finditer(text):
        a, comma, b = m.group(1).capitalize(), m.group(2), m.group(3).capitalize()
        first, last = (b, a) if comma else (a, b)
        if first in _STRONG_GIVEN and last in SURNAMES:
            yield C.PERSON_NAME, m.start(), m.end(), "looks like a person's name (in capitals)"
    for m in _INITIALS.finditer(text):
        core = re.sub(r"^\w+\.?\s+", "", m.group()) if " " in m.group()[:9] else m.group()
        if core.replace(" ", "") in _INITIALS_OK:
            continue
        yield C.PERSON_NAME, m.start(), m.end(), "looks like a person's initials"
    # Given names: alone when unambiguous, or followed by a surname.
    city_spans = [(m.start(), m.end()) for m in _MULTIWORD_CITY.finditer(text)]
    word_matches = [t for t in _TOKEN.finditer(text) if not any(s <= t.start() < e for s, e in city_spans)]
    for i, tm in enumerate(word_matches):
        word = tm.group()
        if word not in _ALL_GIVEN:
            continue
        nxt = word_matches[i + 1] if i + 1 < len(word_matches) else None
        adjacent = nxt is not None and re.fullmatch(r" ", text[tm.end() : nxt.start()]) is not None
        if adjacent and nxt is not None:
            last = nxt.group()
            two_end = nxt.end()
            if f"{word} {last}" in _CITIES:
                continue
            strong_pair = (
                last not in _NAME_STOP
                and last not in _MONTH_WORDS
                and ((last in SURNAMES and last not in WORD_NAMES) or word in _STRONG_GIVEN)
                and last not in _PLACES_NOT_LOCAL
            )
            if strong_pair and not _is_eponym_at(text, tm.start(), two_end):
                yield (
                    C.PERSON_NAME,
                    tm.start(),
                    two_end,
                    "looks like a person's name (given name and surname)",
                )
                continue
        if word in _STRONG_GIVEN and not _is_eponym_at(text, tm.start(), tm.end()):
            before = _before(text, tm.start(), 7)
            if before.endswith("-") or _DOSE_AFTER.match(text, tm.end()) or _SAINT_BEFORE.search(before):
                continue
            yield C.PERSON_NAME, tm.start(), tm.end(), "looks like a person's given name"


# ---------------------------------------------------------------------------------------------- API


def check_text(text: str) -> list[PhiHit]:
    """Find Safe Harbor identifiers in ``text``.

    Returns the hits ordered by position; overlapping hits are merged so each character is reported once,
    keeping the longer span (or, at equal length, the more specific category). The text is not logged.
    """
    if not text:
        return []
    raw: list[tuple[PhiCategory, int, int, str]] = []
    for rule in _RULES:
        raw.extend(rule(text))
    raw = [r for r in raw if r[2] > r[1]]
    raw.sort(key=lambda r: (-(r[2] - r[1]), _PRIORITY[r[0]], r[1]))
    taken: list[tuple[PhiCategory, int, int, str]] = []
    for hit in raw:
        if all(hit[2] <= t[1] or hit[1] >= t[2] for t in taken):
            taken.append(hit)
    taken.sort(key=lambda r: r[1])
    return [PhiHit(cat, s, e, reason) for cat, s, e, reason in taken]


def _quote(span: str, limit: int = 60) -> str:
    span = " ".join(span.split())
    return span if len(span) <= limit else span[: limit - 1] + "…"


def describe_hits(text: str, hits: list[PhiHit]) -> str:
    """One message listing each offending span and why, e.g. '"555-0143" looks like a phone number'.

    The message quotes only the offending spans (for the visitor to find and fix them), never the rest of
    the text; it is meant for the person who typed it, not for logs.
    """
    parts = [f'"{_quote(text[h.start : h.end])}" (characters {h.start + 1}-{h.end}) {h.reason}' for h in hits]
    return "; ".join(parts)


class PhiFound(Invalid):
    """``Invalid`` raised by ``ensure_no_phi``; ``hits`` maps each offending field to its hits (spans only,
    never the text), so a page can highlight them."""

    def __init__(self, message: str, *, field: str, hits: dict[str, list[PhiHit]]) -> None:
        super().__init__(message, field=field)
        self.hits = hits


def ensure_no_phi(fields: Mapping[str, str]) -> None:
    """Raise ``PhiFound`` (an ``Invalid``, ``field`` = the first offending field) if a field holds PHI.

    The message names each offending field, span and why, so the visitor can remove them; nothing is logged
    and nothing of the text is kept beyond the offending spans quoted in the message.
    """
    found: dict[str, list[PhiHit]] = {}
    parts: list[str] = []
    for name, value in fields.items():
        if not value:
            continue
        hits = check_text(value)
        if hits:
            found[name] = hits
            parts.append(f"{name}: {describe_hits(value, hits)}")
    if found:
        raise PhiFound(
            "This looks like it contains patient identifiers (HIPAA Safe Harbor); remove them and try again. "
            + " | ".join(parts),
            field=next(iter(found)),
            hits=found,
        )
