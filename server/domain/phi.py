"""PHI guard: finds HIPAA Safe Harbor identifiers (45 CFR 164.514(b)(2)) in free clinical text.

``check_text`` returns one ``PhiHit`` per offending span (category, start, end, reason);
``describe_hits`` turns them into one message a visitor can act on; ``ensure_no_phi`` raises
``Invalid`` for the first field that holds an identifier. Nothing here logs or stores the text.

The guard is a set of hand-written rules rather than a model: each rule pairs a pattern with the
clinical context that makes it an identifier ("MRN 4827315") or not ("Na 131", "BP 142/90", "7/10 pain").
Clinical numbers, eponyms ("Bell's palsy", "Marcus Gunn pupil"), drug names and scores pass.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
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
membrane layer zone area fossa body's vaccine paresis aneurysm anomaly malformation neuralgia neuropathy
myopathy dystrophy cardiomyopathy arteritis vasculitis granulomatosis ophthalmopathy encephalopathy psychosis
gangrene dislocation flap graft toe elbow knee thumb foot hand ataxia chorea aphasia apraxia agnosia
hypothesis microscopy
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
    r"|roommate|fianc[ée]e?|guardian|proxy|stepson|stepdaughter|cousin|carer)"
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
Gail Trinessa Lyrica Stelara Lucentis Cialis Levitra Viagra Kenalog Blessing Comfort Patience Precious
Gift Favour Favor Praise Goodluck Godswill Princess Peace Wisdom Mercy Justice Innocent Prosper Promise
Testimony Miracle Marvellous Success Divine Memory Loveth Sunshine
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
_AGE_WORD_HINT = _rx(r"ninet|hundred|nonagen|centen|octogen", re.IGNORECASE)


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
    r"\b[A-Za-z0-9._-]+\s*(?:\(at\)|\[at\]|\{at\}|<at>|\sat\s|\sAT\s|\s@\s)\s*[A-Za-z0-9-]+"
    r"\s*(?:\(dot\)|\[dot\]|\{dot\}|<dot>|\sdot\s|\sDOT\s|\s\.\s)\s*"
    r"(?:com|org|net|edu|gov|co|io|us|uk|ca|in|COM|ORG|NET|EDU)\b"
)
# "maria.lopez at gmail", "jsmith AT yahoo": a webmail provider names the address even without "dot com".
_EMAIL_PROVIDER = _rx(
    r"\b[A-Za-z0-9._-]*[A-Za-z0-9_]\s*(?:\(at\)|\[at\]|\sat\s|\sAT\s|@\s|\s@)\s*"
    r"(?i:gmail|googlemail|yahoo|hotmail|outlook|icloud|aol|proton(?:mail)?|live|msn|ymail|mail\.ru|rediffmail)\b"
)
# Social-media handles and user names: "@glutenfreegrace", "her TikTok is dialysis_diaries",
# "u/kidneywarrior".
_SOCIAL = (
    r"instagram|insta|IG|twitter|tweets?|tiktok|tik\s+tok|snapchat|snap|facebook|FB|youtube|reddit|X|threads|"
    r"linkedin|discord|telegram|whatsapp|twitch|onlyfans|pinterest|tumblr|mastodon|bluesky|substack|blog|vlog|"
    r"podcast|channel|handle|username|user\s*name|screen\s*name|gamertag|account|profile|followers?|posts|"
    r"posted|posting|DMs?|influencer|follow|follows|following|followed"
)
_SOCIAL_NEAR = _rx(rf"\b(?:{_SOCIAL})\b", re.IGNORECASE)
# Substrings one of which any text that _SOCIAL_NEAR or _EMAIL_PROVIDER matches contains (lower-cased):
# a plain ``in`` test over them is far cheaper than the case-insensitive patterns on every text.
_SOCIAL_HINTS = (
    "insta",
    "tweet",
    "twitter",
    "tik",
    "snap",
    "facebook",
    "youtube",
    "reddit",
    "threads",
    "linkedin",
    "discord",
    "telegram",
    "whatsapp",
    "twitch",
    "onlyfans",
    "pinterest",
    "tumblr",
    "mastodon",
    "bluesky",
    "substack",
    "blog",
    "vlog",
    "podcast",
    "channel",
    "handle",
    "user",
    "screen",
    "gamertag",
    "account",
    "profile",
    "follow",
    "posts",
    "posted",
    "posting",
    "influencer",
)
_SOCIAL_HINTS_CASED = ("IG", "FB", "DM", "X")  # short cues, looked for in the text as written
_PROVIDER_HINTS = ("mail", "yahoo", "outlook", "icloud", "aol", "proton", "live", "msn")
_HANDLE = _rx(r"(?<![\w.@/+-])@([A-Za-z_][A-Za-z0-9_.]{1,29}[A-Za-z0-9_])(?![\w@-]|\.[A-Za-z])")
_PLATFORM = (
    r"instagram|insta|IG|twitter|tiktok|tik\s+tok|snapchat|snap|facebook|FB|youtube|reddit|threads|linkedin|"
    r"discord|telegram|twitch|onlyfans|pinterest|tumblr|mastodon|bluesky|substack|X"
)
_HANDLE_NAMED = _rx(
    rf"\b(?i:(?:(?:{_PLATFORM})\s+(?:name|ID|account|page|channel))|(?:(?:{_PLATFORM})\s+)?(?:handle|username"
    rf"|user\s*name|screen\s*name|gamertag))\s*(?:is|was|:|=|called|named)?\s*[\"'\u201c]?@?"
    r"([A-Za-z0-9_.]*(?:\d|_|\.[A-Za-z])[A-Za-z0-9_.]*|[a-z][a-z0-9]{6,29})\b"
)
_REDDIT = _rx(r"(?<![\w/])u/[A-Za-z0-9_-]{3,20}\b")
# "her IG is kidney.warrior", "snapchat: lilmaria22", "Facebook page is called BeatingCancerWithBeth": a
# platform, a linking word, then something shaped like a user name (digits, "_" or "." inside, or
# CamelCase run-together words), which ordinary prose never is.
_HANDLE_SHAPE = (
    # starts with a letter and has three of them: "IG: 400mg/kg" (immunoglobulin), "FB: 2x3mm" (foreign body)
    r"(?:(?=[A-Za-z_](?:[^A-Za-z\s]*[A-Za-z]){2})[A-Za-z_][A-Za-z0-9_.]*(?:\d|_|[A-Za-z]\.[A-Za-z])[A-Za-z0-9_.]*[A-Za-z0-9_]"
    r"|[A-Z][a-z]+(?:[A-Z][a-z]+){2,}[A-Za-z]*)"
)
_HANDLE_AFTER_PLATFORM = _rx(
    r"\b(?i:instagram|insta|IG|twitter|tiktok|tik\s+tok|snapchat|snap|facebook|FB|youtube|reddit|threads|"
    r"linkedin|discord|telegram|twitch|onlyfans|pinterest|tumblr|mastodon|bluesky|substack|whatsapp)"
    r"(?i:\s+(?:name|ID|account|page|channel|handle|username|profile|group))?"
    r"\s*(?i:is|was|:|=|-|called|named|is\s+called|is\s+named|as)\s*[\"'\u201c]?@?"
    rf"({_HANDLE_SHAPE})(?![\w@])"
)
# Words that follow "@" in terse clinical notes ("@ home", "@night", "@hs", "@baseline").
_AT_WORDS = _words(
    """
home night nite rest bedtime hs qhs baseline least most risk times work school bedside noon midnight
discharge admission am pm this that the goal target approx about around ed er icu or clinic hosp
hospital facility snf rehab ltc shelter lunch dinner breakfast meals today tonight yesterday onset
presentation triage time first last end start peak nadir trough rate sat sats ra
"""
)
_TLDS = (
    "com|org|net|edu|gov|io|co|us|info|biz|me|ly|app|health|care|ca|uk|in|ai|tv|be|gl|site|online|blog|page|"
    "link|xyz|clinic|de|fr|es|it|nl|ng|pk|ph|au|nz|za|ke|gh|br|mx|ie|eu|tk|ru|cn|jp|kr"
)
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
    low = text.lower()
    if any(hint in low for hint in _PROVIDER_HINTS):
        for m in _EMAIL_PROVIDER.finditer(text):
            yield C.EMAIL, m.start(), m.end(), "looks like an email address written out"
    social_cue = (
        any(hint in low for hint in _SOCIAL_HINTS) or any(hint in text for hint in _SOCIAL_HINTS_CASED)
    ) and _SOCIAL_NEAR.search(text) is not None
    if "@" in text:
        for m in _HANDLE.finditer(text):
            handle = m.group(1)
            plain = handle.isalpha() and handle[1:].lower() == handle[1:]
            if handle.lower() in _AT_WORDS or (plain and not social_cue):
                continue  # "@home", "@hs": shorthand for "at", not an account
            yield C.OTHER_IDENTIFIER, m.start(), m.end(), "looks like a social-media handle"
    if social_cue:
        for m in _HANDLE_NAMED.finditer(text):
            if m.group(1).lower() in _AT_WORDS or m.group(1).lower() in ("unknown", "private", "deleted"):
                continue
            yield C.OTHER_IDENTIFIER, m.start(1), m.end(1), "looks like a social-media handle or user name"
        for m in _HANDLE_AFTER_PLATFORM.finditer(text):
            yield C.OTHER_IDENTIFIER, m.start(1), m.end(1), "looks like a social-media handle or user name"
    if "u/" in text:
        for m in _REDDIT.finditer(text):
            yield C.OTHER_IDENTIFIER, m.start(), m.end(), "looks like a social-media user name"
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
        r"|chart(?:\s+(?:number|no\.?|#|ID))?|hospital\s+(?:number|no\.?|#|ID)|hosp\.?\s*(?:number|no\.?|#|ID)|patient\s+ID|pt\s+ID|unit\s+number"
        r"|E[MH]R(?:\s*(?:number|#|ID|no\.?))?|Epic\s+(?:MRN|ID|#)|record\s+(?:number|no\.?|#)"
        # The record's name in the languages visitors write in: Portuguese, Spanish, French, German, Italian.
        r"|prontu[aá]rio(?:\s+(?:m[eé]dico|n[º°o]\.?))?|expediente(?:\s+(?:cl[ií]nico|m[eé]dico|n[º°o]\.?))?"
        r"|hist[oó]ria\s+cl[ií]nica(?:\s+n[º°o]\.?)?|(?:n[º°o]\.?\s+|num[eé]ro\s+)(?:de\s+)?(?:historia|expediente)"
        r"|(?:num[eé]ro\s+de\s+)?dossier(?:\s+(?:m[eé]dical|patient))?(?:\s+(?:n[º°o]\.?|no\.?|#))?"
        r"|krankenblatt(?:nummer)?|fallnummer|patientennummer|cartella\s+clinica",
    ),
    (
        C.HEALTH_PLAN_NUMBER,
        r"member\s+(?:ID|number|no\.?|#)|subscriber(?:\s+(?:ID|number|no\.?|#))?|policy(?:\s+(?:number|no\.?|#|ID))?"
        r"|group(?:\s+(?:number|no\.?|#))|insurance(?:\s+(?:ID|number|no\.?|#|card))|Medicaid(?:\s+(?:ID|number|#))?"
        r"|Medi-?Cal(?:\s+(?:BIC|CIN|ID|number|#|card))?|BIC|MassHealth(?:\s+(?:ID|number|#))?|SoonerCare|TennCare"
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
        r"|reg(?:istration)?\.?\s*(?:no\.?|number|#)|licen[cs]e\s+(?:no|n[º°o])\.?"
        # Councils that register clinicians; the number after one names a single doctor or nurse
        # ("CRM-SP 123456", "GMC 7012345", "PMDC 12345-P"). Brazil's councils carry the state ("CRM-SP").
        r"|(?:CRM|CRO|COREN|CRF|CREFITO)(?:[-/\s]?[A-Z]{2}(?![A-Za-z]))?|PMDC|AHPRA|CPSO|MDCN|KMPDC|HPCSA|SLMC|BMDC"
        r"|NMBI|IMC|MCI|NMC|GMC|(?:state\s+)?medical\s+(?:council|board)(?:\s+(?:no\.?|number|#))?",
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
    (
        C.ZIP_CODE,
        r"ZIP(?:\s*code)?|zip(?:\s*code)?|postal\s+code|post\s*code|PIN(?:\s*code)?|pincode|CEP|eircode",
    ),
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
    r"(?<![\w/*-])(?=[A-Za-z0-9/-]*\d)[A-Za-z0-9][A-Za-z0-9-]*(?:/[A-Za-z0-9-]+)*[A-Za-z0-9]|(?<![\w/*-])\d(?![\w/])"
)
# A value after a cue may hold slashes ("MR/19/00831", "CR/2231/07"); one made of short numbers only is a
# date, fraction or reading ("3/12/24", "4/5"), which the other rules judge.
_SLASHED_NUMBERS = _rx(r"\d{1,4}(?:/\d{1,4})+")

# An identifier written in groups after its cue ("ABC 123 456 789", "W 1234 5678").
_CUE_GROUPED = _rx(r"(?<![\w/*-])[A-Za-z0-9]{1,5}(?:[ -]\d{2,5}){2,4}(?![\w/-]|[.,]\d)")

# Codes that are clinical, not identifying: TNM stages, gravida/para, ICD-10 without the dot, gene variants,
# spine levels, ECG leads, named scores.
_CLINICAL_CODE = _rx(
    r"^(?:[pcy]?T[0-4X][a-d]?N[0-3X][a-c]?M[01X][a-c]?|G\d{1,2}P\d{1,5}|[A-TV-Z]\d{2}[0-9A-Z]{0,4}"
    r"|[A-Z]\d{2,4}[A-Z]|[CTLS]\d{1,2}-[CTLS]?\d{1,2}|V\d-V\d|HLA-[A-Z0-9]+|CD\d+|BRCA\d|CA-?\d+(?:-\d+)?"
    r"|COVID-\d+|SARS-COV-\d|H\d+N\d+|[A-Z]{2,6}-\d{1,3}|[A-Z]{1,4}\d{1,2}|\d{1,3}[A-Z]{1,4}|CHA2DS2-VASC"
    r"|HIV-\d|HSV-\d|HPV-?\d+|ICD-\d+(?:-CM)?|DSM-\d|CYP\d[A-Z]\d+|HER\d|IL-\d+|TNF|ESR\d?|[A-Z]\d[A-Z]\d)$"
)


_PLATE = _rx(
    r"\b(?i:licen[cs]e\s+plate|number\s+plate|plates?|tag|vehicle\s+(?:no\.?|number|#|registration)"
    r"|(?:car|vehicle|van|truck|lorry|motorbike|motorcycle|scooter|taxi|cab|bike|auto|rickshaw)(?:'s)?\s+"
    r"(?:reg(?:istration)?|rego|licen[cs]e|no\.?|number))(?i:\s+(?:number|no\.?|#|plate))?(?![a-z])"
    r"\s*(?:is|was|reads?)?\s*[:#]?\s*"
    r"((?=[A-Z0-9 -]*\d)[A-Z0-9]{1,4}(?:[\s-][A-Z0-9]{1,5}){1,3}|(?=[A-Z0-9]*\d)[A-Z0-9]{4,8})\b",
)


# British plates ("AB12 CDE") near a word about a vehicle: the shape alone could be a typo'd abbreviation.
_UK_PLATE = _rx(r"\b[A-Z]{2}\d{2}\s[A-Z]{3}\b")
_VEHICLE_NEAR = _rx(
    r"\b(?i:reg|rego|registration|plates?|car|cars|van|truck|lorry|vehicle|motorbike|motorcycle|scooter|taxi)\b"
)

# Phone numbers read out in words ("five five five, two one two, zero one four three"), with digits mixed
# in ("617 five five five 0143"): seven or more digits in a row, at least three of them spelled.
_DIGIT_WORDS = {
    "zero": 1,
    "oh": 1,
    "one": 1,
    "two": 1,
    "three": 1,
    "four": 1,
    "five": 1,
    "six": 1,
    "seven": 1,
    "eight": 1,
    "nine": 1,
    "double": 0,
    "triple": 0,
}
_DIGIT_VALUES = {
    w: i
    for i, w in enumerate(["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"])
}
_SPELLED_RUN = _rx(
    r"\b(?:(?:zero|oh|one|two|three|four|five|six|seven|eight|nine|double|triple|\d{1,4})(?:[\s,.\-]+|$)){7,}",
    re.IGNORECASE,
)
_SPELLED_DIGIT_HINTS = ("zero", "three", "four", "five", "six", "seven", "eight", "nine")
_SPELLED_HINT = _rx(
    r"(?i:zero|five|seven|eight|nine|three|four|six)\W+(?i:zero|oh|one|two|three|four|five|six|seven|eight|nine|double|\d)"
)


@_rule
def _spelled_numbers(text: str) -> Iterator[tuple[PhiCategory, int, int, str]]:
    low = _lowered(text) or text.lower()
    if not any(w in low for w in _SPELLED_DIGIT_HINTS) or not _SPELLED_HINT.search(text):
        return
    for m in _SPELLED_RUN.finditer(text):
        tokens = re.findall(r"[A-Za-z]+|\d+", m.group())
        words = sum(_DIGIT_WORDS.get(t.lower(), 0) for t in tokens if t.isalpha())
        digits = words + sum(len(t) for t in tokens if t.isdigit())
        values = [_DIGIT_VALUES[t.lower()] for t in tokens if t.lower() in _DIGIT_VALUES]
        counting = len(values) == len(tokens) and all(
            b - a == values[1] - values[0] and abs(b - a) == 1 for a, b in itertools.pairwise(values)
        )
        if words >= 3 and digits >= 7 and not counting:  # "count one, two, three ... eight" is an exam
            end = m.start() + len(m.group().rstrip(" ,.-"))
            cat = _cue_category(text, m.start()) or C.PHONE
            if cat in (C.ZIP_CODE, C.OTHER_IDENTIFIER):
                cat = C.PHONE
            yield cat, m.start(), end, "looks like a number written out in words (phone or identifier)"


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
        grouped = (
            _CUE_GROUPED.search(text, cm.end(), min(len(text), cm.end() + 40))
            if _digit_count(vm.group()) < 4
            else None
        )
        if (
            grouped
            and cat not in (C.PHONE, C.ZIP_CODE)
            and _digit_count(grouped.group()) >= 6
            and _CUE_GAP.match(text[cm.end() : grouped.start()])
        ):
            yield cat, grouped.start(), grouped.end(), _REASON[cat]
            continue
        gap = text[cm.end() : vm.start()]
        if not _CUE_GAP.match(gap):
            continue
        value = vm.group()
        digits = _digit_count(value)
        if "/" in value and _SLASHED_NUMBERS.fullmatch(value):
            continue
        if cat is C.ZIP_CODE:
            # US (ZIP, ZIP+4, 3-digit), Indian PIN (6), Brazilian CEP (5-3), European and Australian (4)
            if re.fullmatch(r"\d{5}(?:-\d{3,4})?|\d{3,4}|\d{6}|[A-Z]\d{2}", value):
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
    for m in _UK_PLATE.finditer(text):
        if _VEHICLE_NEAR.search(text, max(0, m.start() - 40), m.start()):
            yield C.VEHICLE_IDENTIFIER, m.start(), m.end(), _REASON[C.VEHICLE_IDENTIFIER]
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
    r"(?!\s*(?:mm|cm|mg|mcg|kg|g\b|mL|ml|%|units?|hours?|hrs?|h\b|days?|weeks?|wks?|months?|mos?\b|years?|times|x\b|"
    r"doses?|tabs?|puffs?|beats|bpm|points?|cycles?|percentile|degree|grade|trimester|rib|ICS|intercostal|"
    r"toe|finger|digit|cranial|nerve|floor|attempt|generation|decade|session|minute|pregnancy|child|line|"
    r"time|visit|lumbar|thoracic|cervical|sacral|postoperative|hospital|admission|episode|round|course|"
    r"dose|patient|case|place|ventricle|heart|sound|molar|metatarsal|metacarpal|cousin|stage))"
)
_DATE_RXS: list[tuple[re.Pattern[str], str]] = [
    (_rx(rf"\b{_MONTH}\.?\s+{_DAY}{_ORD}?\b(?:,?\s+{_YEAR}\b)?{_UNIT_NEXT}"), "a month and day"),
    (_rx(rf"\b{_DAY}{_ORD}?\s+(?:of\s+)?{_MONTH}\b\.?(?:,?\s+{_YEAR}\b)?"), "a day and month"),
    (_rx(rf"\b{_MONTH}\.?\s+the\s+{_DAY}{_ORD}\b{_UNIT_NEXT}"), "a month and day"),
    (_rx(rf"\b{_DAY}[-/]{_MONTH}[-/](?:{_YEAR}|\d\d)\b"), "a written date"),
    # "14-Mar", "14MAR", "14Mar2024", "Mar-14": the day-month forms of lab and pharmacy systems.
    (_rx(rf"\b{_DAY}-?{_MONTH}(?:-?(?:{_YEAR}|\d\d))?\b(?![-/])"), "a day and month"),
    (_rx(rf"(?<![\w-]){_MONTH}-{_DAY}{_ORD}?\b(?![-/]\d)"), "a month and day"),
    (
        _rx(
            r"\b(?:Mon|Tue|Tues|Wed|Thu|Thur|Thurs|Fri|Sat|Sun)(?:day|\.)?,?\s+(?:the\s+)?"
            rf"{_DAY}{_ORD}\b{_UNIT_NEXT}"
        ),
        "a weekday and day of the month",
    ),
    (
        _rx(
            r"\b(?:on|since|after|before|around|by|for|day\s+of|week\s+of|eve\s+of)\s+(?:his|her|their|my|the\s+patient'?s)"
            r"\s+(?:\d{1,3}(?:st|nd|rd|th)\s+|[a-z]+(?:ieth|th|st|nd|rd)\s+)?birthday\b",
            re.IGNORECASE,
        ),
        "a birthday (gives away the date of birth)",
    ),
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
            r"\b(?:Christmas(?:\s+(?:Day|Eve))?|Thanksgiving(?:\s+Day)?|New\s+Year'?s(?:\s+(?:Day|Eve))|Halloween"
            r"|Easter(?:\s+Sunday)?|Independence\s+Day|Valentine'?s\s+Day|Memorial\s+Day|Labor\s+Day)\s+"
            r"(?:admission|presentation|visit|fall|surgery|delivery|overdose|injury|accident|seizure|arrest)\b"
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
_FULL_DATE_IDX = {11, 12}
_BARE_MD = _rx(r"(?<![\d/.,:])(\d{1,2})/(\d{1,2})(?![\d/]|\.\d)")
_MONTH_ALONE_IDX = 10
_WORD_DATE_IDX = frozenset({0, 1, 2, 3, 4, 5, 7, 8, 9, 10, 17, 18, 19})  # the others are made of digits
_WEEKDAY_IDX = 6
_WEEKDAY_HINT = _rx(r"\b(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)")  # the others are made of digits
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
        if i == _WEEKDAY_IDX:
            if not (has_digit and _WEEKDAY_HINT.search(text)):
                continue
        elif not (has_word if i in _WORD_DATE_IDX else has_digit):
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
                    and i == 12
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


# Dates typed the way people type in a hurry: lower-case months ("seen jun 5", "admitted march 3rd",
# "fell on 2 june"), ordinals in words ("the twenty-third of May", "June first") and the continental
# day-month with a closing dot ("14.03."). "may", "march", "mar", "dec" and "sep" are also words
# ("may be", "dec" = decreased), so in lower case they count only with an ordinal.
_MON_LOW_SAFE = (
    r"(?:january|february|april|june|july|august|september|october|november|december|jan|feb|apr|jun|jul"
    r"|sept|oct|nov)"
)
_MON_LOW_ALL = rf"(?:{_MON_LOW_SAFE}|march|mar|may|dec|sep|aug)"  # "aug" is also Augmentin: ordinal only
_ORD_WORD = (
    r"(?:(?:twenty|thirty)[\s-]+(?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth)|first|second|"
    r"third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|eleventh|twelfth|thirteenth|fourteenth|"
    r"fifteenth|sixteenth|seventeenth|eighteenth|nineteenth|twentieth|thirtieth)"
)
_MAY_VERB_AFTER = (
    r"(?!\s+(?:be|have|need|require|help|cause|not|also|show|take|present|occur|lead|result|indicate|suggest|"
    r"reflect|benefit|develop|improve|worsen|get|go|make|see|feel|use|want|try|come|become|do|need|still))"
)
_MORE_DATE_RXS: list[tuple[re.Pattern[str], str]] = [
    (
        _rx(
            rf"\b(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)\s+(?:the\s+)?{_DAY}{_ORD}\b{_UNIT_NEXT}"
        ),
        "a weekday and day of the month",
    ),
    (_rx(rf"\b{_MON_LOW_SAFE}\.?\s+{_DAY}(?:{_ORD})?\b(?!\s*[/:.,]?\d){_UNIT_NEXT}"), "a month and day"),
    (_rx(rf"\b{_MON_LOW_ALL}\.?\s+(?:the\s+)?{_DAY}{_ORD}\b{_UNIT_NEXT}"), "a month and day"),
    (_rx(rf"\b{_DAY}(?:{_ORD})?\s+(?:of\s+)?{_MON_LOW_SAFE}\b(?![-/])"), "a day and month"),
    (_rx(rf"\b{_DAY}{_ORD}\s+(?:of\s+)?{_MON_LOW_ALL}\b{_MAY_VERB_AFTER}"), "a day and month"),
    (
        _rx(
            rf"\b(?:the\s+)?{_ORD_WORD}\s+of\s+(?:{_MONTH}|{_MON_LOW_ALL})\b{_MAY_VERB_AFTER}", re.IGNORECASE
        ),
        "a day and month in words",
    ),
    (
        _rx(
            rf"\b(?:{_MONTHS_FULL}|{_MON_LOW_SAFE})\s+(?:the\s+)?(?i:{_ORD_WORD})\b(?!\s+(?:of\s+)?(?:\d|the|a|an))"
        ),
        "a month and day in words",
    ),
]
# Every pattern above but the weekday one names a month, so a month's first letters (or "day") must appear
# in the lower-cased text: a cheap test before the regexes.
_MORE_DATE_SUBSTRINGS = (
    "jan",
    "feb",
    "mar",
    "apr",
    "may",
    "jun",
    "jul",
    "aug",
    "sep",
    "oct",
    "nov",
    "dec",
    "day",
)
# Holidays fix a day of the year. With a year ("christmas day 1961", "Easter 2019") or tied to a birth ("born
# on christmas", "birthday is on Halloween") they are a date more specific than the year, in any case; the
# capitalised ones after "on", "over", "since"... are in _DATE_RXS.
_HOLIDAY = (
    r"(?:christmas(?:\s+(?:day|eve))?|xmas(?:\s+(?:day|eve))?|thanksgiving(?:\s+day)?|new\s+year'?s(?:\s+(?:day|eve))?"
    r"|halloween|easter(?:\s+(?:sunday|monday))?|independence\s+day|the\s+fourth\s+of\s+july|july\s+4th"
    r"|valentine'?s\s+day|boxing\s+day|guy\s+fawkes(?:\s+night)?|bonfire\s+night|st\.?\s+patrick'?s\s+day"
    r"|diwali|eid(?:\s+al-(?:fitr|adha))?|hanukkah|nowruz|juneteenth)"
)
_HOLIDAY_DATE = _rx(
    rf"(?i:\b{_HOLIDAY}\s+(?:of\s+)?'?{_YEAR}\b"
    rf"|\b(?:born|birth|birthday|b\.)\s+(?:is\s+|was\s+|falls\s+)?(?:on|at|over|during)\s+{_HOLIDAY}(?:,?\s+'?{_YEAR})?\b)"
)
_HOLIDAY_HINTS = (
    "christmas",
    "xmas",
    "thanksgiving",
    "new year",
    "halloween",
    "easter",
    "independence",
    "fourth of july",
    "july 4",
    "valentine",
    "boxing",
    "fawkes",
    "bonfire",
    "patrick",
    "diwali",
    "eid",
    "hanukkah",
    "nowruz",
    "juneteenth",
)
_DOTTED_DM = _rx(r"(?<![\w.,/:-])(\d{2})\.(\d{2})\.(?![\w.]|\d)")
# "14.03." is also a lab value ("glucose 10.05.") or a British time ("at 10.05."): it needs a date cue.
_DOTTED_DM_CUE = _rx(r"\b(?i:for|booked|review|reviewed|appt|clinic|next)\s*[:\-]?\s*$")


@_rule
def _more_dates(text: str) -> Iterator[tuple[PhiCategory, int, int, str]]:
    low = _lowered(text) or text.lower()
    if any(h in low for h in _MORE_DATE_SUBSTRINGS):
        for rx, what in _MORE_DATE_RXS:
            for m in rx.finditer(text):
                yield C.DATE, m.start(), m.end(), f"looks like a date: {what}"
    if any(h in low for h in _HOLIDAY_HINTS):
        for m in _HOLIDAY_DATE.finditer(text):
            yield C.DATE, m.start(), m.end(), "looks like a date: a holiday with a year or a birth"
    if "." in text:
        for m in _DOTTED_DM.finditer(text):
            a, b = int(m.group(1)), int(m.group(2))
            if not ((1 <= a <= 31 and 1 <= b <= 12) or (1 <= a <= 12 and 1 <= b <= 31)):
                continue
            before = _before(text, m.start(), 30)
            if not (_DATE_CUE.search(before) or _DOTTED_DM_CUE.search(before)):
                continue
            yield C.DATE, m.start(), m.end() - 1, "looks like a date: a day and month (dd.mm.)"


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
    # "born in 1931, now 93", "celebrated her 90th", "in her ninety-fourth year"
    _rx(rf"\bborn\b[^.;]{{0,40}}\bnow\s+({_AGE_NUM})\b(?!\s*(?:%|mg|kg|bpm|/|mmHg))", re.IGNORECASE),
    _rx(
        rf"\b(?:celebrated|celebrates|celebrating)\s+(?:his|her|their)\s+{_AGE_NUM}(?:st|nd|rd|th)\b",
        re.IGNORECASE,
    ),
    _rx(
        r"\b(?:ninety|hundred)[\s-]*(?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|th)?"
        r"\s+(?:birthday|year\s+of\s+life)\b|\bninetieth\b|\bhundredth\s+birthday\b",
        re.IGNORECASE,
    ),
    _rx(r"\b(?:nonagenarian|centenarian|supercentenarian)s?\b", re.IGNORECASE),
    _rx(
        rf"\b(?:(?:aged?|age\s+of|is|was|turned|turns|now)\s+(?:{_AGE_WORD})\b"
        rf"(?!\s*(?:percent|per\s+cent|%|pounds|lbs?|kg|minutes|mins?|seconds|mg|units|beats|degrees|days|times))|(?:{_AGE_WORD})[\s-]+(?:years?|yrs?)[\s-]+old\b)",
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
# Addresses typed in lower case ("509 east 12th st #4C", "22 w 4th ave apt 3"): only with a numbered street
# or a compass word before the street name, since "2 weeks ago dr ..." has the shape of "<number> <word> dr".
_LC_STREET_SUFFIX = (
    r"(?:street|st|avenue|ave|road|rd|boulevard|blvd|lane|ln|drive|dr|place|pl|terrace|way|court|ct)"
)
_LC_ADDRESS = _rx(
    r"(?<![\w./-])\d{1,6}[a-z]?\s+(?:(?:[nsew]\.?|north|south|east|west)\s+(?:[a-z]+\s+)?|"
    r"(?:[nsew]\.?\s+|north\s+|south\s+|east\s+|west\s+)?\d{1,3}(?:st|nd|rd|th)\s+)"
    rf"{_LC_STREET_SUFFIX}\b\.?(?:,?\s*(?:apt|apartment|unit|suite|ste|#)\.?\s*#?\s*[\w-]{{1,5}})?"
)
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
    r"Infirmary|Health\s+System|Healthcare|Urgent\s+Care|Nursing\s+and\s+Rehab(?:ilitation)?|Assisted\s+Living|"
    # homes where patients live and work: naming one narrows them to a few dozen residents or staff
    r"Care\s+Home|Care\s+Cent(?:er|re)|Rest\s+Home|Retirement\s+(?:Home|Village|Community)|Residential\s+Home|"
    r"Group\s+Home|Senior\s+Living)\b"
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
Residential Elderly Aged Senior Seniors Long Term Long-Term Nursing Respite Dementia Memory Day Night
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
    r"village|neighbou?rhood|suburb|area|farm|ranch|cabin|house|apartment|flat|trailer|property|reservation|"
    r"stationed|deployed|based|posted|settled|emigrated|immigrated|hails|church|mosque|temple|synagogue|"
    r"parish|congregation|relatives|family|parents|grandparents|cousins)"
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
# "lives on a ranch outside of Bozeman", "moved with her two sons to Marfa": a verb of living, a few
# lower-case words, then the place.
_LIVING_FAR = _rx(
    r"\b(?i:lives?|living|lived|resides?|residing|moved|relocated|grew\s+up|raised|born|settled)\b"
    r"(?:,?\s+[a-z]+){1,6}?\s+(?:in|near|outside(?:\s+of)?|from|to|at)\s+"
    rf"{_PLACE}"
)
# "works in Dubai": a verb of working then a place, unless the place is a department or a trade. "was in
# Kibera", "family is in Soweto": being somewhere capitalised is the same cue (wards and states are not
# local places: "was in Recovery", "is in Texas").
_WORKS_IN = _rx(rf"\b(?i:works?|worked|working|studies|studied|studying|teaches|taught)\s+in\s+{_PLACE}")
# Being in a capitalised place is weaker ("was in Afib with RVR", "is in Sinus rhythm"): the place must end
# the clause or be followed by a time or company word, and must not be a rhythm or clinical state.
_BEING_IN = _rx(
    rf"\b(?i:is|was|were|are|stays?|stayed|staying|remains?|remained)\s+in\s+{_PLACE}"
    r"(?=\s*(?:[.,;:!?)]|$)|\s+(?:until|since|for|and|when|before|after|last|this|now|where|near|with\s+"
    r"(?:her|his|their|family|relatives)))"
)
_CLINICAL_STATES = _words(
    """
Afib AFib Aflutter Vfib VFib Vtach VTach Sinus Torsades Status Septic Sepsis Cardiac Respiratory Renal Hepatic
Atrial Ventricular Diabetic Withdrawal Tamponade Asystole Arrest Extremis Retention Spasm Bigeminy Trigeminy
Heart Liver Kidney Hypertensive Hypoglycaemic Hypoglycemic Ketoacidosis Active Early Late Established
Preterm Term Spontaneous Latent Second First Third Fourth Complete Partial Full Good Sync Synch Pacing
"""
)
_NOT_PLACE_WORDS = _words(
    """
Radiology Pathology Dermatology Anesthesia Anaesthesia Anesthesiology Urology Nephrology Rheumatology
Gastroenterology Hematology Haematology Endocrinology Pulmonology Pharmacy Nursing Finance Sales Marketing
Retail Administration Admin Accounting Engineering Education Healthcare Logistics Security Insurance
Hospitality Manufacturing Agriculture Research Construction Banking Law Labor Labour Delivery Transport
Transportation Software Tech Technology Media Government Dentistry Oncology Cardiology Neurology Surgery
Pediatrics Paediatrics Psychiatry Obstetrics Gynecology Medicine Emergency Primary Internal Family Public
Health Housekeeping Maintenance Facilities Customer Service Food Catering Kitchen Sanitation Mining
Fishing Forestry Childcare Eldercare Home Care Hospice Rehab Real Estate Fashion Design Music Art Theater
Theatre Film Sports Fitness Science Biology Chemistry Physics Mathematics Economics Politics History
Recovery Resus Resuscitation Majors Minors Triage Remission Isolation Labour Labor Theater Pre-op Post-op
Theatres Step-down Stepdown Observation Obs Quarantine Custody Foster Crisis Shock Pain Distress Tears Bed
Bay Room Side Cubicle Hospital Clinic Ward Unit Surgery Prison Jail School College University Class Grade
Year Charge Control Hand Good Fair Poor Stable Critical Serious Agony Denial Treatment Therapy Care Rehab
Kindergarten Preschool Nursery Daycare Reception Primary Secondary Middle High Sixth Form
"""
)
# A foreign street address: "14 Rue Saint-Denis", "Calle Mayor 12", "Via Roma 5", "Hauptstraße 5".
_FOREIGN_STREET_WORD = (
    r"(?:Rue|Avenida|Av\.|Calle|C/|Carrer|Rua|Via|Viale|Corso|Piazza|Praça|Praca|Paseo|Chemin|Allée|Allee|"
    r"Quai|Strada|Ulica|ul\.|Jalan|Jl\.|Soi|Thanon|Carrera|Calzada|Camino|Boulevard|Bd|Sokak|Sok\.|Cadde|"
    r"Caddesi|Odos|Leoforos|Ulitsa|Prospekt)"
)
_FOREIGN_LINK = (
    r"(?:(?:de|del|de\s+la|de\s+las|de\s+los|des|du|da|do|dos|das|di|della|delle|dei|la|le|les|el|los|las)"
    r"\s+)?"
)
_FOREIGN_STREETS = [
    _rx(
        rf"\b\d{{1,5}}[A-Za-z]?,?\s+{_FOREIGN_STREET_WORD}\s+{_FOREIGN_LINK}[{_UP}][\w'-]+"
        rf"(?:[\s-](?:{_FOREIGN_LINK})?[{_UP}][\w'-]+){{0,3}}"
    ),
    _rx(
        rf"\b{_FOREIGN_STREET_WORD}\s+{_FOREIGN_LINK}[{_UP}][{_LO}][\w'-]*(?:[\s-][{_UP}][\w'-]+){{0,2}},?\s+"
        r"(?:No\.?\s*|n[º°o]\.?\s*|#\s*)?\d{1,4}[A-Za-z]?\b(?!\s*(?:mg|mcg|g\b|mL|ml|units?|%|cm|mm|kg|L\b|x\b))"
    ),
    _rx(
        rf"\b[{_UP}][{_LO}]+(?:straße|strasse|str\.|weg|gasse|platz|allee|damm|ufer|straat|laan|gracht|plein|"
        r"vej|gade|gatan|vägen|veien|katu|tie)\s+\d{1,4}[a-z]?\b"
    ),
]
# Postcodes outside the US: British ("SW1A 1AA", "M14 5TQ"), Canadian ("K1A 0B1"), and a European
# four- or five-digit code before a town after a comma (", 75001 Paris").
_UK_POSTCODE = _rx(r"\b(?:[A-Z]{1,2}\d[A-Z\d]?|GIR)\s\d[A-Z]{2}\b")
_CA_POSTCODE = _rx(r"\b[A-Z]\d[A-Z]\s\d[A-Z]\d\b")
_EU_POSTCODE_TOWN = _rx(
    rf"(?:,|\bin)\s*((?:[A-Z]{{1,2}}-)?\d{{4,5}})\s+([{_UP}][{_LO}]+(?:[\s-][{_UP}][{_LO}]+)?)\b"
)
_NOT_TOWN_AFTER_NUMBER = _words(
    "Units Unit IU Cells Copies Calories Steps Patients People Hours Days Weeks Visits Beds Staff Cases Miles"
)
# Numbered roads: "on Route 9", "off Highway 61", "near I-95".
_NUMBERED_ROAD = _rx(
    r"\b(?:on|off|along|near|at|by|of|from|exit\s+on)\s+(?:(?:State|County|US|U\.S\.|Farm[\s-]to[\s-]Market|FM|SR|CR)\s+)?"
    r"(?:Route|Rte\.?|Highway|Hwy\.?|Interstate|Road|Rd\.?)\s*\d{1,4}[A-Z]?\b"
    r"|\b(?:on|off|along|near|exit\s+on)\s+I-\d{1,3}\b(?!\s*(?:therapy|ablation|uptake|scan|treatment|MIBG|dose))"
)
_WEAK_PLACE_CUE = _rx(
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
_TOWN_COUNTRY = _rx(
    rf"\b(?i:in|from|near|outside|of|to|at|visited|visiting)\s+({_NAME_TOKEN}(?:[ -]{_NAME_TOKEN})?),\s+"
    rf"(?:{_COUNTRY_NAMES}|[A-Z][a-z]+(?:\s[A-Z][a-z]+)?\s(?:State|Province|Region|Oblast|Governorate|Prefecture))\b"
)
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
    "Year Years Onset Wing Tower Building Unit Ward Floor Campus Patient Patients Zealand Rounds Round League"
    " Age Ages Testament World School Dose Doses Bit Finger Toe"
)
# Last words that make a two- or three-word capitalised name a town ("Dodge City", "Sioux Falls", "Palm
# Springs", "Jackson Heights"); "from Dodge" alone (a car maker, "get out of Dodge") stays clean.
_PLACE_SUFFIXES = _words(
    "City Town Township Falls Springs Beach Heights Park Village Harbor Harbour Bay Creek Valley Ridge Hills "
    "Junction Crossing Landing Rapids Bluffs Grove Point Ville Borough Hollow Gap Mills Station Cove Flats"
)
_PLACE_PREFIXES = _words(
    "New North South East West Fort Saint St. Port Lake Mount San Santa Los Las El Grand Glen Palm Cape Rock "
    "Oak Cedar Silver Spring Little Upper Lower Old"
)


def _is_local_place(place: str) -> bool:
    words = place.removeprefix("the ").split()
    if not words:
        return False
    joined = " ".join(words)
    if joined in _CITIES:
        return True
    if len(words) > 1 and words[-1] in _REGION_WORDS:
        return False  # "Lagos State", "Punjab Province": a region the size of a US state
    if joined not in _LARGE_PLACES and len(words) > 1 and words[0] == "Little":
        return True  # "Little Haiti", "Little Saigon": neighbourhoods named after countries
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
    if _HAS_DIGIT.search(text):
        for m in _LC_ADDRESS.finditer(text):
            yield C.STREET_ADDRESS, m.start(), m.end(), _REASON[C.STREET_ADDRESS]
    for m in _ZIP_AFTER_STATE.finditer(text):
        if text.startswith("ID", m.start()) and not text[: m.start()].rstrip().endswith(","):
            continue  # "Employee ID 44521": an identifier, which the cue rules report
        yield C.ZIP_CODE, m.start(1), m.end(1), _REASON[C.ZIP_CODE]
    for m in _ZIP4.finditer(text):
        yield C.ZIP_CODE, m.start(), m.end(), _REASON[C.ZIP_CODE]
    for rx in (_ZIP_BEFORE_CUE, _ZIP_AFTER_PLACE_VERB):
        for m in rx.finditer(text):
            yield C.ZIP_CODE, m.start(1), m.end(1), _REASON[C.ZIP_CODE]
    for m in _CITY_STATE.finditer(text):
        place = m.group(1)
        city = _city_prefix(place) or place
        if m.group(2) == "ID" and not text[m.end(1) : m.start(2)].startswith(","):
            continue  # "Employee ID 44521", "Member ID": not Idaho
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
    for rx in (_LIVING_FAR, _WORKS_IN, _BEING_IN):
        for m in rx.finditer(text):
            place = m.group(1)
            first = place.removeprefix("the ").split()[0]
            if first in _NOT_PLACE_WORDS or _followed_by_eponym_noun(text, m.end(1)):
                continue
            if rx is _BEING_IN and first in _CLINICAL_STATES:
                continue
            if _NOT_A_PLACE_AFTER.match(text, m.end(1)) or not _is_local_place(place):
                continue
            city = _city_prefix(place.removeprefix("the ").strip())
            end = m.start(1) + len(place) if city is None else m.start(1) + place.index(city) + len(city)
            yield C.GEOGRAPHY, m.start(1), end, _REASON[C.GEOGRAPHY]
    for rx in _FOREIGN_STREETS:
        for m in rx.finditer(text):
            yield C.STREET_ADDRESS, m.start(), m.end(), _REASON[C.STREET_ADDRESS]
    for m in _NUMBERED_ROAD.finditer(text):
        yield C.STREET_ADDRESS, m.start(), m.end(), "names a numbered road, which gives away a location"
    if _HAS_DIGIT.search(text):
        for m in _UK_POSTCODE.finditer(text):
            yield C.ZIP_CODE, m.start(), m.end(), "looks like a postcode"
        for m in _CA_POSTCODE.finditer(text):
            if not re.fullmatch(r"T\d[A-Z]\s\dM\d", m.group()):  # "T2N 1M0" is a TNM stage
                yield C.ZIP_CODE, m.start(), m.end(), "looks like a postcode"
        for m in _EU_POSTCODE_TOWN.finditer(text):
            town = m.group(2)
            if town.split()[0] in _NOT_TOWN_AFTER_NUMBER or _UNIT_AFTER.match(text, m.end(1)):
                continue
            yield C.ZIP_CODE, m.start(1), m.end(1), "looks like a postcode"
            yield C.GEOGRAPHY, m.start(2), m.end(2), _REASON[C.GEOGRAPHY]
    for m in _TOWN_COUNTRY.finditer(text):
        place = m.group(1)
        if place in _LARGE_PLACES or place.split()[0] in _NAME_STOP or place.split()[0] in _LARGE_PLACES:
            continue
        yield C.GEOGRAPHY, m.start(1), m.end(1), _REASON[C.GEOGRAPHY]
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
            elif (
                2 <= len(words) <= 3
                and words[-1] in _PLACE_SUFFIXES
                and not any(_not_a_name_word(w) or w in _GENERIC_FACILITY_WORDS for w in words[:-1])
                and _is_local_place(" ".join(words))
            ):
                city = " ".join(words)
            else:
                continue
        start = m.start(1) + m.group(1).index(city)
        if _followed_by_eponym_noun(text, start + len(city)):
            continue
        yield C.GEOGRAPHY, start, start + len(city), _REASON[C.GEOGRAPHY]


# --- employers, schools and teams tied to the person ---------------------------------------------------

# "works at Walmart", "CEO of Brightline Logistics", "pitcher for the Chicago Cubs", "teaches at Lincoln
# Elementary": a named workplace narrows a patient down to a few people ("any other unique identifying
# characteristic"). A job alone ("works as a cashier") is fine and is not matched: the name must be
# capitalised and not a generic place ("the VA", "a community hospital", "Cardiology").
_WORK_CUE = (
    r"(?:works?|worked|working|drives|drove|delivers|delivered|employed|employee|employment|job|jobs|shifts?|"
    r"volunteers?|volunteered|"
    r"volunteering|interns?|interned|interning|teaches|taught|teaching|studies|studied|studying|enrolled|"
    r"student|pupil|freshman|sophomore|junior|senior|plays?|played|playing|signed|"
    r"pitcher|player|quarterback|striker|goalkeeper|captain|coach(?:es|ed)?|CEO|CFO|COO|CTO|founder|"
    r"co-founder|owner|owns|president|vice\s+president|VP|manager|director|partner|pastor|priest|rabbi|imam|"
    r"principal|chef|cook|cashier|driver|clerk|teacher|professor|lecturer|officer|firefighter|mechanic|"
    r"engineer|analyst|accountant|attorney|lawyer|barista|server|waitress|waiter|bartender|janitor|"
    r"custodian|technician|electrician|plumber|contractor|foreman|supervisor|receptionist|secretary|"
    r"cleaner|guard|trucker|pilot|stocker|associate|agent|operator|dancer|singer|anchor|host|reporter|"
    r"spokesperson|mayor|senator|councilman|councilwoman|councillor|sheriff|deputy|ranger|soldier|sergeant)"
)
# Job nouns that are also everyday clinical words ("nurse", "aide", "worker", "assistant"): they name an
# employer only before "at" or "for" ("nurse aide at Sunny Meadows Care Home", "welder for Halvorsen
# Shipyards"); "worker with Medicaid", "assistant in Cardiology" are not workplaces.
_JOB_NOUN = (
    r"(?:aide|nurse|carer|caregiver|caretaker|assistant|worker|labou?rer|welder|farmer|farmhand|rancher|miner|"
    r"builder|carpenter|joiner|bricklayer|mason|painter|decorator|machinist|fitter|porter|housekeeper|maid|"
    r"nanny|babysitter|fisherman|deckhand|sailor|logger|roofer|landscaper|gardener|groundskeeper|butcher|"
    r"baker|tailor|seamstress|hairdresser|stylist|barber|pharmacist|paramedic|EMT|dentist|doctor|physician|"
    r"surgeon|midwife|therapist|courier|dispatcher|packer|picker|sorter|loader|teller|banker|librarian|"
    r"scientist|researcher|programmer|developer|designer|consultant|lineman|salesman|saleswoman|salesperson|"
    r"representative|rep|administrator|coordinator|attendant|inspector|instructor|trainer|tutor|lifeguard|"
    r"bouncer|security|crew|crewman|hand|apprentice|trainee)"
)
_JOB_BEFORE = _rx(rf"\b(?i:{_JOB_NOUN})\s+$")
# Found in two steps, for speed: a preposition and a capitalised run, then the cue just before it.
_EMPLOYER = _rx(
    r"\b(?:at|for|with|by|of|in)\s+(?:the\s+)?"
    rf"((?:[{_UP}][\w&'.-]*)(?:\s+(?:&\s+|and\s+|of\s+|de\s+|the\s+)?[{_UP}][\w&'.-]*){{0,4}})"
)
_EMPLOYER_CUE_BEFORE = _rx(
    rf"\b(?i:{_WORK_CUE})(?:\s+(?:as\s+an?\s+[a-z]+(?:\s+[a-z]+)?|full[- ]time|part[- ]time|nights|days|"
    r"there|now|currently|still|locally|remotely))?\s+$"
)
# A capitalised name ending in a word that marks an organisation: "Lincoln Elementary", "Acme Plumbing
# Supply", "Brightline Logistics Inc".
_ORG_SUFFIX = (
    r"(?:Elementary|Middle\s+School|High\s+School|High|Academy|University|College|School|Seminary|Church|"
    r"Mosque|Temple|Synagogue|Inc\.?|LLC|Corp\.?|Corporation|Company|Co\.|Ltd\.?|Group|Logistics|Industries|"
    r"Foods|Motors|Bank|Market|Supermarket|Grocery|Store|Stores|Restaurant|Trattoria|Pizzeria|Cafe|Café|Diner|"
    r"Bakery|Salon|Barbershop|Gym|Factory|Plant|Mill|Farms|Dairy|Ranch|Construction|Plumbing|Electric|"
    r"Roofing|Landscaping|Realty|Airlines|Airways|Express|Trucking|Transport|Freight|Supply|Supplies|"
    r"Manufacturing|Enterprises|Holdings|Partners|Associates|Consulting|Solutions|Technologies|Systems|"
    r"Labs|Studios|Club|Casino|Hotel|Motel|Inn|Brewery|Winery|Warehouse|Depot|Outlet|Pharmaceuticals|"
    # heavy industry and farming, named after an owner or a place ("Halvorsen Shipyards", "Acme Works")
    r"Shipyards?|Dockyards?|Boatyards?|Yards|Works|Ironworks|Steelworks|Mills|Foundry|Quarry|Quarries|Mines|"
    r"Mining|Fisheries|Orchards?|Vineyards?|Farm|Creamery|Cannery|Sawmill|Refinery|Garage)"
)
_ORG_NAME = _rx(rf"\b((?:[{_UP}][\w&'.-]*\s+(?:&\s+|and\s+|of\s+)?){{1,3}}){_ORG_SUFFIX}(?![\w-])")
_GENERIC_ORG_WORDS = _words(
    """
Medical Nursing Dental Pharmacy Public Private State Community Local Catholic Christian Baptist Methodist
Grad Graduate Undergraduate Elementary Middle High Primary Secondary Sunday Charter Boarding Night Summer
Medicine Health Science Sciences Royal National Federal International American British Caribbean Indian
Foreign Overseas Osteopathic Allopathic Residency Fellowship Program Training Nurses Physicians Surgeons
Family Internal Emergency Academic Teaching University College School Blood Food Central Main Big Small
US USMLE ECFMG AAMC ERAS VA ICU ED ER OR NICU PICU CCU MICU SICU Hospital Clinic Center Unit IT HR
Cardiology Neurology Oncology Surgery Psychiatry Pediatrics Radiology Pathology Dermatology Urology
Anesthesia Nephrology Rheumatology Endocrinology Gastroenterology Hematology Pulmonology Obstetrics
Step Clinical Basic Advanced Cardiac Life Support Trauma Team Department Service Ward Floor Division
Rounds Grand Journal Morning Noon Report Case Conference Simulation Lab Skills Anatomy Physiology
Red Cross Salvation Army YMCA YWCA Association Society Foundation Institute Organization Organisation League
Union Federation Council Committee Alliance Coalition Canadian Australian European World Heart Lung Kidney
Cancer Diabetes Stroke Alzheimer Alzheimer's Autism Arthritis Peace Corps Doctors Without Borders Navy Army
Air Force Marines Marine Corps Coast Guard National Guard Reserve Reserves Little League Pop Warner Scouts
Girl Boy Cub Brownies
Adult Child Protective Services Social Agency Mum Mom Dad Mother Father Home Hospice Housing Welfare
"""
)


# Employers that are also software or brand names elsewhere in the guard's stop lists ("entered in Epic"),
# and university acronyms, which the all-capitals rule would otherwise take for ward abbreviations.
_NAMED_EMPLOYERS = _words(
    """
Google Epic Cerner Zoom Microsoft Apple Amazon Meta Tesla Netflix Uber Lyft DoorDash Walmart Target Costco
FedEx UPS USPS IBM Intel Oracle Infosys Wipro TCS Accenture Deloitte KPMG PwC Boeing NASA Starbucks
UCLA USC NYU MIT UCSF UCSD UCSB UCI LSU OSU UNC UVA BYU CUNY SUNY UIC UIUC ASU FSU UCF UGA TCU SMU VCU GWU
UPenn CMU JHU UCL KCL LSE IIT AIIMS UNAM USP UBC UofT NUS
"""
)


def _org_is_generic(name: str) -> bool:
    if name.split()[0] in _NAMED_EMPLOYERS:
        return False
    words = [w.strip(".,'") for w in name.replace("&", " ").split() if w not in ("of", "and", "the", "de")]
    return all(
        w in _GENERIC_ORG_WORDS
        or w in _GENERIC_FACILITY_WORDS
        or w in _NAME_STOP
        or w in _LARGE_PLACES
        or w in _MONTH_WORDS
        or w in _WEEKDAYS
        or w in _NOT_PLACE_WORDS
        or (w.isupper() and len(w) <= 5)
        for w in words
    )


@_rule
def _workplaces(text: str) -> Iterator[tuple[PhiCategory, int, int, str]]:
    why = "names the person's employer, school or team, which can identify them"
    for m in _EMPLOYER.finditer(text):
        job_cue = text.startswith(("at", "for"), m.start()) and _JOB_BEFORE.search(
            text, max(0, m.start() - 20), m.start()
        )
        if not job_cue and not _EMPLOYER_CUE_BEFORE.search(text, max(0, m.start() - 40), m.start()):
            continue
        name = m.group(1).rstrip(".")
        if _org_is_generic(name) or _followed_by_eponym_noun(text, m.end(1)):
            continue
        first = name.split()[0]
        if first in _ALL_GIVEN and first not in _AMBIGUOUS_GIVEN and len(name.split()) <= 2:
            continue  # "works with Maria": a person, which the name rules report
        yield C.OTHER_IDENTIFIER, m.start(1), m.start(1) + len(name), why
    for m in _ORG_NAME.finditer(text):
        if _org_is_generic(m.group(1)) or _followed_by_eponym_noun(text, m.end()):
            continue
        yield C.OTHER_IDENTIFIER, m.start(), m.end(), why


# --- names of people --------------------------------------------------------------------------------------

_HONORIFIC_NAME = _rx(rf"\b{_HONORIFIC}\.?\s+({_NAME_TOKEN}(?:\s+{_NAME_TOKEN})?|[A-Z]\.(?!\w))")
_TITLE_NAME = _rx(rf"\b{_TITLE}\.?\s+({_NAME_TOKEN})(?:\s+{_NAME_TOKEN})?")
# Family titles used as a form of address in many languages ("Mama Adaku", "Tía Rosa", "Uncle Dapo"):
# whatever capitalised word follows is a name, listed or not.
_KIN_TITLE_NAME = _rx(
    r"\b(?:Mama|Mamá|Mami|Papa|Papá|Baba|Abuela|Abuelo|Abuelita|Abuelito|T[ií]a|T[ií]o|Granny|Gran|Grandad|Granddad"
    r"|Grandma|Grandpa|Nan|Nonna|Nonno|Oma|Opa|Babushka|Dadi|Nani|Amma|Appa|Ammi|Abba|Aunty|Auntie|Aunt|Uncle"
    r"|Lola|Lolo|Ate|Kuya|Bibi|Mzee|Iya|Mummy|Daddy|Mum|Mom|Dad|Cousin|Sister|Brother)"
    rf"\s+({_NAME_TOKEN})\b(?!\s*(?:-|{_NAME_TOKEN}\s+(?:disease|syndrome|sign)))"
)
# "Ezinne (daughter)", "wife (Sunniva)": a name and a relative in brackets, either way round.
_NAME_PAREN_RELATIVE = _rx(rf"\b({_NAME_TOKEN}(?:\s+{_NAME_TOKEN})?)\s*\(\s*(?i:{_RELATIVE})\b")
_RELATIVE_PAREN_ANY = _rx(rf"\b(?i:{_RELATIVE})\s*\(\s*({_NAME_TOKEN}(?:\s+{_NAME_TOKEN})?)\s*[),;]")
_PAREN_NOT_NAMES = _words(
    """
Deceased Alive Living Healthy Died Dead Adopted Estranged Unknown None Caregiver Translator Interpreter
Present Absent Local Remote Diabetic Hypertensive Well Ill Sick Passed Aged Age Former Late Step Half
Paternal Maternal Biological Primary Legal Healthcare Emergency Contact Next Kin Also Both Older Younger
Elder Eldest Twin Adult Minor Teenage Teen
"""
)
# "Case: Tobiah Wexler, 45M": after a patient cue, two capitalised words then age and sex are a name even
# when neither is listed, unless they are the complaint ("Case: Chest Pain, 45M").
_CUE_NAME_AGE = _rx(
    rf"\b(?:[Cc]ase|[Pp]atient|[Pp]t|[Nn]ame|ID|Re)\s*[:\-]\s*({_NAME_TOKEN}\s+{_NAME_TOKEN}),?\s+"
    r"\d{1,3}\s?(?:[MF]\b|yo\b|y/o|y\.o\.|-?years?\b|-?year-old|yr)"
)
_COMPLAINT_WORDS = _words(
    """
Pain Chest Fever Cough Headache Abdominal Back Shortness Breath Rash Fall Syncope Weakness Dizziness
Vomiting Diarrhea Diarrhoea Sore Throat Ear Eye Red Swelling Knee Hip Leg Arm Hand Foot Neck Joint Urinary
Burning Bleeding Palpitations Confusion Seizure Follow Up New Known Routine Annual Well Child Visit Check
Acute Chronic Lower Upper Left Right Flank Pelvic Vaginal Rectal Nausea Fatigue Tiredness Weight Loss Gain
Dyspnea Dyspnoea Jaundice Edema Oedema Numbness Tingling Anxiety Depression Insomnia Memory Altered Mental
Status Blurry Vision Hearing Skin Lesion Lump Mass Breast Testicular Scrotal Penile Discharge Itching
Trauma Injury Burn Bite Wound Ulcer Cellulitis Abscess Asthma Diabetes Hypertension Pregnancy Prenatal
Postpartum Contraception Vaccination Physical Exam Screening Review Medication Refill Results Labs
"""
)
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
# "called" names someone after a person noun or a copula ("a man called ...", "is called ..."); otherwise it
# is more often a phone call ("called Poison Control").
_NAMING_CALLED_BEFORE = _rx(
    r"\b(?:man|woman|boy|girl|friend|someone|person|guy|lady|son|daughter|child|baby|brother|sister|husband|"
    r"wife|partner|patient|pt|is|was|be|been|being|also|sometimes|often|prefers\s+to\s+be)\s*$",
    re.IGNORECASE,
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
# Dotted initials anywhere ("discussed with J.D.", "A.K.'s mother"), except the dotted abbreviations of
# clinical and everyday writing.
_BARE_INITIALS = _rx(r"(?<![\w.])[A-Z]\.\s?[A-Z]\.(?:\s?[A-Z]\.)?(?!\w|\s?[A-Z]\.)")
_DOTTED_ABBREVIATIONS = _INITIALS_OK | _words(
    """
B.S. B.A. M.S. M.A. P.O. Q.D. O.D. O.S. O.U. D.C. L.A. N.Y. U.K. E.U. B.I.D. T.I.D. Q.I.D. N.P.O. P.R.N.
Q.H.S. A.C. P.C. H.S. S.L. I.M. S.C. S.Q. G.I. E.N.T. C.T. M.R.I. E.K.G. E.C.G. U.A. C.B.C. B.M.P. H.I.V.
T.B. U.T.I. D.V.T. P.E. M.I. C.H.F. A.F. E.D. I.C.U. O.T. P.T. S.T. R.T. L.P.N. N.B. P.S. A.K.A. R.O.S.
H.P.I. P.M.H. A.B.G. G.C.S. E.M.S. C.P.R. B.P. H.R. R.R. O.B. G.Y.N. V.A. D.O.B. D.D.S. D.M.D. M.B.
B.S.N. M.S.N. D.N.P. P.A.-C. F.N.P. L.V.N. C.N.A. M.P.H. M.B.A. O.K. T.V. A.D. B.C.
U.N. W.H.O. C.D.C. F.D.A. N.I.H. A.M.A. U.S.A. I.D. G.P. C.O. S.O.B. D.N.R. D.N.I. A.M.A. R.A. O.A.
M.S.K. C.V. N.S. L.R. D.5. K.U.B. I.U.D. S.T.I. S.T.D. A.D.H.D. O.C.D. P.T.S.D. A.L.S. T.I.A. C.V.A.
"""
)
# "Patient Tomasz reports...", "pt Ngozi has...": a capitalised word between "patient" and a verb of
# history-taking is a name even when it is on no list.
_PATIENT_UNKNOWN = _rx(
    rf"\b(?:[Pp]atient|[Pp]t\.?|PATIENT|PT|[Cc]lient|[Rr]esident)\s+(?:named\s+|called\s+)?({_NAME_TOKEN})\s+"
    r"(?:is|was|has|had|reports|reported|presents|presented|states|stated|complains|complained|denies|denied|"
    r"endorses|endorsed|notes|noted|says|said|tells|told|came|comes|returns|returned|arrived|describes|"
    r"described|admits|admitted|feels|felt|underwent|lives|works|smokes|drinks|takes|took|uses|used|wants|"
    r"asked|asks|agreed|declined|refused|prefers|speaks|understands|walks|ambulates|c/o|with\s+(?:a|an|\d))\b"
    rf"|\b(?:[Pp]atient|[Pp]t\.?|PT|[Cc]lient)\s+({_NAME_TOKEN})['\u2019]s\b"
)
_PATIENT_UNKNOWN_NOT = _words(
    """
Education Information Consent Preference Preferences Care Safety Satisfaction Portal Advocate Navigator
Experience Population Transport Transfer Status Identifier Record Chart Instructions Handout Understanding
Agreement History Profile Goals Goal Plan Weight Position Condition Outcome Response Population Data
Demographics Age Sex Name Number Room Bed Family Caregiver Representative Relations Registration Intake
Zero Number Count Census Volume Flow Load List Summary Report Report's
"""
)
# "JD, 45M", "Pt RK 62F": bare capitals used as initials right before an age and sex.
_CAPS_INITIALS_AGE = _rx(r"\b([A-Z]{2,3}),?\s+\d{1,3}\s?(?:[MF]|yo|y/o|y\.o\.|-?year-old|yr)\b")
_CAPS_INITIALS_BEFORE = _rx(r"(?:^|(?:[Pp]atient|[Pp]t\.?|[Cc]ase|:|Initials)\s)$")
_CAPS_NOT_INITIALS = _words(
    """
ED ER OR PT OT BP HR RR DM CHF HTN CAD COPD CKD MI PE DVT UTI GI ICU CT MRI ECG EKG HIV TB CVA TIA AKI
SOB CP HA LBP RLQ LUQ RUQ LLQ OA RA SLE MS ALS ID GP NP PA RN MD DO CC HPI PMH ROS AMS FTT GCS IV IM
"""
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
    for m in _KIN_TITLE_NAME.finditer(text):
        word = m.group(1)
        if (
            word in _NAME_STOP
            or word in _MONTH_WORDS
            or word in _PLACES_NOT_LOCAL
            or word in _PAREN_NOT_NAMES
        ):
            continue
        if _is_eponym_at(text, m.start(1), m.end(1)):
            continue
        yield C.PERSON_NAME, m.start(), m.end(), "looks like a person's name (family title and name)"
    for rx in (_NAME_PAREN_RELATIVE, _RELATIVE_PAREN_ANY):
        for m in rx.finditer(text):
            words = m.group(1).split()
            if rx is _NAME_PAREN_RELATIVE:
                words = words[-1:] if words[0] in _NAME_STOP or words[0] in _PAREN_NOT_NAMES else words
            if any(w in _PAREN_NOT_NAMES or w in _COMPLAINT_WORDS for w in words) or not _name_ok(words):
                continue
            if words[0] in _PLACES_NOT_LOCAL or _is_eponym_at(text, m.start(1), m.end(1)):
                continue
            start = m.end(1) - len(" ".join(words)) if rx is _NAME_PAREN_RELATIVE else m.start(1)
            yield C.PERSON_NAME, start, m.end(1), "looks like a person's name (a relative)"
    for m in _CUE_NAME_AGE.finditer(text):
        words = m.group(1).split()
        if any(w in _COMPLAINT_WORDS or w in _NAME_STOP or w in _EPONYM_NOUNS for w in words):
            continue
        if not _name_ok(words) or words[0] in _PLACES_NOT_LOCAL:
            continue
        yield C.PERSON_NAME, m.start(1), m.end(1), "looks like a person's name (followed by age and sex)"
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
            if (
                rx is _CUED_NAME
                and m.group().lower().startswith("called")
                and not any(t in GIVEN_NAMES or t in SURNAMES for t in tokens)
                and not _NAMING_CALLED_BEFORE.search(_before(text, m.start(), 30))
            ):
                continue  # "called Poison Control": phoned, not named ("a man called Tobiah Wexler")
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
    for m in _BARE_INITIALS.finditer(text):
        if m.group().replace(" ", "") not in _DOTTED_ABBREVIATIONS:
            yield C.PERSON_NAME, m.start(), m.end(), "looks like a person's initials"
    for m in _PATIENT_UNKNOWN.finditer(text):
        group = 1 if m.group(1) else 2
        word = m.group(group)
        if word in _PATIENT_UNKNOWN_NOT or not _name_ok([word]) or word in _PLACES_NOT_LOCAL:
            continue
        yield C.PERSON_NAME, m.start(group), m.end(group), 'looks like a person\'s name (after "patient")'
    for m in _CAPS_INITIALS_AGE.finditer(text):
        if m.group(1) not in _CAPS_NOT_INITIALS and _CAPS_INITIALS_BEFORE.search(
            text, max(0, m.start() - 12), m.start()
        ):
            yield C.PERSON_NAME, m.start(1), m.end(1), "looks like a person's initials"
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


# Names written in lower case or that are also words, in the positions where people put names: "pt ngozi
# c/o", "spoke to her son dele", "amara's mother", "bongani (brother)", "Will, her husband,", "Spoke with
# Faith". In lower case only listed names count (and none that is an English word), since "pt tolerating"
# and "son drove" share the shape.
# Listed names that, in lower case, are clinical shorthand ("mother tia at 70", "ana positive", "sal nebs").
_LOWER_NOT_NAMES = _words(
    """
geri nan nana vera papa mama ortho neuro derm psych cards tia ana ami ada eva ena les mel cal val pam sal
rad nat cam lin dee mae ira isa una von ama abe ian eli dan vic tad ned lou hal kay rex
"""
)
_LOWER_NAMES = (
    frozenset(w.lower() for w in GIVEN_NAMES | SURNAMES if len(w) >= 3 and w not in WORD_NAMES)
    - _LOWER_NOT_NAMES
    - frozenset(w.lower() for w in _AMBIGUOUS_GIVEN)
)
_LC_WORD = r"([a-z][a-z\u00df-\u00ff-]+)(?:['\u2019]s)?"
# Run on the lower-cased text (several times faster than a case-insensitive cue), so the rule checks that
# the word was written in lower case; capitalised names are the other rules' business.
_LC_CUE_NAME = _rx(
    r"\b(?:pt|patient|client|mr|mrs|ms|miss|mister|dr|named|called|nicknamed|goes\s+by|known\s+as|name\s+is|"
    r"name's|(?:spoke|speaking|spoken|talked|talking|discussed|chatted|met|spk)\s+(?:to|with|w/)|"
    rf"{_RELATIVE}|mom|mum|dad|grandma|grandpa|granny|hubby)(?:-in-law)?(?:['\u2019]s)?\.?,?\s+"
    r"(?:(?:named|called|is)\s+)?[\"'\u2018\u201c]?"
    + _LC_WORD
    + r"(?!\s*(?:disease|syndrome|sign|palsy|test|criteria|score)\b)"
)
# A nickname in quotes ("known as 'jojo'", "goes by \"Boo\""): whatever the word, it names the person.
_QUOTED_NICKNAME = _rx(
    r"\b(?i:known\s+as|nicknamed|goes\s+by|calls\s+(?:him|her|them)sel(?:f|ves)|prefers\s+to\s+be\s+called)\s+"
    r"[\"'\u2018\u201c]([A-Za-z][A-Za-z'-]{1,20})[\"'\u2019\u201d]"
)
_LC_POSSESSIVE_RELATIVE = _rx(
    rf"\b([a-z][a-z\u00df-\u00ff-]{{2,}})['\u2019]s\s+(?:{_RELATIVE}|mom|mum|dad|family|kids|children|baby)\b"
)
_LC_PAREN_RELATIVE = _rx(rf"\b([a-z][a-z\u00df-\u00ff-]{{2,}})\s*\(\s*(?i:{_RELATIVE})\s*\)")
_NAME_APPOSITION = _rx(
    rf"\b({_NAME_TOKEN}|[a-z][a-z-]{{2,}}),\s+(?:her|his|their|the\s+(?:patient|pt)['\u2019]?s|(?:patient|pt)['\u2019]s)"
    rf"\s+(?:{_RELATIVE}|mom|mum|dad|carer)\b"
)
# "Grace and her husband attend together": a listed name (words too) coordinated with the person's relative.
_NAME_AND_RELATIVE = _rx(
    rf"\b({_NAME_TOKEN})\s+(?:and|&)\s+(?:her|his|their)\s+(?:{_RELATIVE}|mom|mum|dad)\b"
)
_SPOKE_WITH = _rx(
    rf"\b(?i:spoke|speaking|spoken|talked|talking|discussed|chatted|met|called|phoned|texted|updated)\s+"
    rf"(?i:to|with)\s+({_NAME_TOKEN})\b"
)
# "Fiifi Ansah came in with...", "Zebulon Quartey reports...": two capitalised words opening a sentence, then
# a verb of history-taking, are a person when one of them is a listed name, unless either is a service, a
# complaint or an eponym ("Social Work reports"); unlisted pairs share the shape of "Urine Culture reports".
_PAIR_SPEECH = _rx(
    rf"(?:^|(?<=[.;!?:]\s)|(?<=\n))({_NAME_TOKEN})\s+({_NAME_TOKEN})\s+"
    r"(?:reports|reported|presents|presented|complains|complained|denies|denied|states|stated|endorses|"
    r"endorsed|was\s+brought|was\s+admitted|came\s+in|comes\s+in|is\s+an?\s+\d)\b"
)
_SERVICE_WORDS = _words(
    """
Therapy Care Medicine Surgery Services Service Team Diseases Disease Consult Consults Nursing Work Health
Management Pathology Radiology Pharmacy Oncology Cardiology Neurology Psychiatry Psychology Nutrition
Dietetics Physiotherapy Rehabilitation Rehab Hospice Palliative Genetics Endocrinology Nephrology Hematology
Urology Dermatology Ophthalmology Otolaryngology Gynecology Obstetrics Pediatrics Geriatrics Transplant
Infectious Speech Occupational Respiratory Wound Pain Sleep Vascular Plastic Trauma Orthopedics Ortho
General Internal Family Emergency Urgent Primary Critical Intensive Acute Chronic Home Community Public
"""
)
# "pt grace okonkwo-bello 45F", "the case of faith adeyemi, 29F": two lower-case words between a patient
# cue and an age with sex are the patient's name. The frame is strong enough for given names that are also
# words ("faith", "grace", "hope"), so one of the two must be listed and not an English word, or both listed.
_LC_CUE_NAME_AGE = _rx(
    r"\b(?i:pt|patient|client|resident|case\s+of|case\s*[:\-]|saw|seeing|presenting|presented|admitted|admitting)"
    rf"\s*:?\s+([a-z][{_LO}'\u2019]+)\s+([a-z][{_LO}'\u2019]+(?:-[{_LO}]+)?),?\s+"
    r"(?:a\s+|an\s+)?\d{1,3}\s?(?i:[mf]\b|yo\b|y/o|y\.o\.|-?years?\b|-?year-old|yrs?\b)"
)


# Korean and Chinese given names with a hyphen ("Park Ji-hoon", "Seo-yeon Choi").
_HYPHEN_GIVEN = r"[A-Z][a-z]{1,5}-[a-z]{2,5}"
_SURNAME_HYPHEN_GIVEN = _rx(
    rf"\b(?:({_NAME_TOKEN})\s+({_HYPHEN_GIVEN})|({_HYPHEN_GIVEN})\s+({_NAME_TOKEN}))\b"
)


def _not_a_name_word(word: str) -> bool:
    """A capitalised word that is a clinical, place or service word rather than a name."""
    return (
        word in _NAME_STOP
        or word in _MONTH_WORDS
        or word in _WEEKDAYS
        or word in _PLACES_NOT_LOCAL
        or word in _COMPLAINT_WORDS
        or word in _SERVICE_WORDS
        or word in _PAREN_NOT_NAMES
        or word in _GENERIC_ORG_WORDS
        or word in _NOT_PLACE_WORDS
        or word.lower() in _EPONYM_NOUNS
    )


@_rule
def _more_names(text: str) -> Iterator[tuple[PhiCategory, int, int, str]]:
    why_lower = "looks like a person's name (written in lower case)"
    pos = 0
    low = _lowered(text) or text.lower()
    while (m := _LC_CUE_NAME.search(low, pos)) is not None:
        pos = m.start(1)  # cues chain ("pt's wife priya"): look again from the word after the cue
        if m.group(1) in _LOWER_NAMES and text[m.start(1) : m.end(1)].islower():
            yield C.PERSON_NAME, m.start(1), m.end(1), why_lower
    for m in _LC_CUE_NAME_AGE.finditer(text):
        first, last = m.group(1).capitalize(), m.group(2)
        parts = [p.capitalize() for p in last.split("-")]
        if _not_a_name_word(first) or any(_not_a_name_word(p) for p in parts):
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
        if listed and not _not_a_name_word(word):
            yield C.PERSON_NAME, m.start(1), m.end(1), "looks like a person's name (with a relative)"
    for m in _NAME_AND_RELATIVE.finditer(text):
        word = m.group(1)
        if (word in GIVEN_NAMES or word in SURNAMES) and not _not_a_name_word(word):
            yield C.PERSON_NAME, m.start(1), m.end(1), "looks like a person's name (with a relative)"
    for m in _SPOKE_WITH.finditer(text):
        word = m.group(1)
        if (
            (word in GIVEN_NAMES or word in SURNAMES)
            and not _not_a_name_word(word)
            and not _is_eponym_at(text, m.start(1), m.end(1))
        ):
            yield C.PERSON_NAME, m.start(1), m.end(1), _REASON[C.PERSON_NAME]
    for m in _PAIR_SPEECH.finditer(text):
        first, last = m.group(1), m.group(2)
        if _not_a_name_word(first) or _not_a_name_word(last) or first.upper() == first:
            continue
        if not (first in GIVEN_NAMES or first in SURNAMES or last in SURNAMES or last in GIVEN_NAMES):
            continue  # "Urine Culture reports", "Poison Control states"
        if f"{first} {last}" in _CITIES or first in _CITY_FIRST_WORDS:
            continue
        yield C.PERSON_NAME, m.start(1), m.end(2), "looks like a person's name (followed by what they said)"
    if "-" in text:
        for m in _SURNAME_HYPHEN_GIVEN.finditer(text):
            surname = m.group(1) or m.group(4)
            if surname in SURNAMES and not _not_a_name_word(surname):
                yield C.PERSON_NAME, m.start(), m.end(), "looks like a person's name (given name and surname)"


# --- biometric identifiers ---------------------------------------------------------------------------------

# Safe Harbor lists "biometric identifiers, including finger and voice prints". A note rarely holds the print
# itself, but one that records the patient's print being enrolled, taken or used to check their identity
# ("voiceprint enrollment completed for the pt's phone-based identity check", "fingerprints on file with
# the clinic") ties the person to a biometric record. The word must come with an identity or record cue in
# the same sentence: "fingerprint-like lesions", "loss of fingerprints on capecitabine", "impaired facial
# recognition" are clinical findings.
_BIOMETRIC = _rx(
    r"\b(?i:voice\s?prints?|finger\s?prints?|thumb\s?prints?|palm\s?prints?|palm\s+vein|retina(?:l)?\s+scans?"
    r"|iris\s+(?:scans?|recognition|template)|facial\s+recognition|face\s+(?:ID|recognition|scan|template)"
    r"|biometrics?)\b(?![-\u2010]like)"
)
_BIOMETRIC_CUE = _rx(
    r"(?i:enrol|register|on\s+file|template|captured|taken|stored|database|identity|identif|verif|authenticat"
    r"|unlock|log\s?-?in|sign-?in|check-?in|\bID\b|scanner|sample|record(?:ed|s)?\b|match)"
)
_BIOMETRIC_NOT_BEFORE = _rx(
    r"(?i:loss\s+of|lost|absent|absence\s+of|worn|faint|no|impaired|poor)\s+(?:\w+\s+)?$"
)
_BIOMETRIC_WHY = "records a biometric identifier (finger or voice print)"
_BIOMETRIC_HINTS = ("print", "scan", "recogn", "biometric", "face id", "palm vein", "template")


@_rule
def _biometrics(text: str) -> Iterator[tuple[PhiCategory, int, int, str]]:
    low = _lowered(text) or text.lower()
    if not any(h in low for h in _BIOMETRIC_HINTS):
        return
    for m in _BIOMETRIC.finditer(text):
        if _BIOMETRIC_NOT_BEFORE.search(text, max(0, m.start() - 30), m.start()):
            continue
        start = max(text.rfind(".", 0, m.start()), text.rfind(";", 0, m.start())) + 1
        stops = [i for i in (text.find(".", m.end()), text.find(";", m.end())) if i != -1]
        end = min(stops) if stops else len(text)
        if _BIOMETRIC_CUE.search(text, start, m.start()) or _BIOMETRIC_CUE.search(text, m.end(), end):
            yield C.OTHER_IDENTIFIER, m.start(), m.end(), _BIOMETRIC_WHY


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


def _masked(text: str, allowed: Sequence[str]) -> str:
    """``text`` with each allowed phrase (longest first) blanked out, keeping its length so that the
    spans found still point into the text as given."""
    for phrase in sorted(allowed, key=len, reverse=True):
        if phrase:
            text = text.replace(phrase, "x" * len(phrase))
    return text


def ensure_no_phi(fields: Mapping[str, str], allowed: Sequence[str] = ()) -> None:
    """Raise ``PhiFound`` (an ``Invalid``, ``field`` = the first offending field) if a field holds PHI.

    ``allowed`` are phrases the caller knows are not a patient's (a letter's own dates, its applicant's
    and author's names): they are not checked. The message names each offending field, span and why,
    so the visitor can remove them; nothing is logged and nothing of the text is kept beyond the
    offending spans quoted in the message.
    """
    found: dict[str, list[PhiHit]] = {}
    parts: list[str] = []
    for name, value in fields.items():
        if not value:
            continue
        hits = check_text(_masked(value, allowed) if allowed else value)
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
