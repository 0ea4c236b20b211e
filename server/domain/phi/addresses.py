"""Street addresses and postal codes: US addresses ("412 Elm Street Apt 3B", "509 east 12th st"), rural
routes and PO boxes, house and plot numbers, foreign streets ("14 Rue Saint-Denis", "Hauptstraße 5"),
numbered roads ("off Route 9"), ZIP codes (after a state, ZIP+4, or with a cue), and British and Canadian
postcodes.

A street needs a number and a street word; lower-case addresses need a numbered street or a compass word
too, since "2 weeks ago dr ..." has the shape of "<number> <word> dr". A European postcode before a town is
reported with the town, by :mod:`server.domain.phi.geography`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from server.domain.phi.gazetteer import (
    STATE_CODES,
    STATE_NAMES,
)
from server.domain.phi.hits import REASON, Finding
from server.domain.phi.hits import PhiCategory as C
from server.domain.phi.text import (
    HAS_DIGIT,
    LO,
    UP,
    lowered,
)

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
    re.compile(
        r"\b(?:at|address(?:\s+is)?|lives\s+at|living\s+at|resides\s+at|home\s+(?:is|at)|located\s+at)\s*:?\s*"
        rf"(\d{{1,6}}[A-Z]?\s+(?:[A-Z][a-z]+\s+){{1,3}}{_RARE_SUFFIX}s?)\b",
        re.IGNORECASE,
    ),
    re.compile(
        rf"\b\d{{1,6}}[A-Z]?\s+(?:[NSEW]\.?\s+|(?:North|South|East|West)\s+)?(?:[A-Z][a-z]+\.?\s+|\d{{1,3}}(?:st|nd|rd|th)\s+)"
        rf"{{1,3}}{_STREET_SUFFIX}\b\.?(?:\s+(?:North|South|East|West|[NSEW]{{1,2}})\b)?{_UNIT}"
    ),
    re.compile(
        r"\b(?:on|at|near|off|of|along|under|beneath|behind)\s+(?:the\s+)?(?:[A-Z][a-z]+\s+|\d{1,3}(?:st|nd|rd|th)\s+){1,2}"
        r"(?:Street|Avenue|Road|Boulevard|Lane|Drive|Court|Parkway|Highway|Terrace|Circle|Plaza|St|Ave|Rd|"
        r"Blvd)\b\.?"
    ),
    # A street corner: "the corner of Alvarado and 6th", "the taqueria on Cesar Chavez and 24th".
    re.compile(
        r"\b(?:corner\s+of|intersection\s+of|on|at|off|near)\s+"
        r"((?:[A-Z][a-z]+\.?\s+){1,3}(?:and|&)\s+\d{1,3}(?:st|nd|rd|th)\b(?:\s+(?:St|Street|Ave|Avenue)\b\.?)?"
        r"|(?<=corner\sof\s)(?:[A-Z][a-z]+\.?\s+){1,3}(?:and|&)\s+[A-Z][a-z]+(?:\s+[A-Z][a-z]+)?)"
    ),
    re.compile(r"\b(?:RR|Rural\s+Route|HC|Star\s+Route)\s*#?\s*\d+,?\s+Box\s+\d+\b", re.IGNORECASE),
    re.compile(
        r"\b(?:House|H\.|Flat|Plot|Door|Block|Quarter|Qtr)\s*(?:No\.?|#|Number)\s*:?\s*[\w/-]+"
        r"(?:,?\s*(?:Sector|Block|Phase|Ward|Lane|Street|Road|Colony|Nagar)\s*[\w-]+)*",
        re.IGNORECASE,
    ),
    re.compile(r"\bP\.?\s?O\.?\s*Box\s+\d+\b", re.IGNORECASE),
    re.compile(r"\b(?:Apt|Apartment|Suite)\.?\s*#?\s*\d+[A-Z]?\b", re.IGNORECASE),
]

# The street patterns that can match a text without digits: a named street after a cue, a street corner.
_ADDRESS_RXS_NO_DIGIT = [
    rx for rx in _ADDRESS_RXS if "on|at|near|off" in rx.pattern or "corner" in rx.pattern
]

# Addresses typed in lower case ("509 east 12th st #4C", "22 w 4th ave apt 3"): only with a numbered street
# or a compass word before the street name, since "2 weeks ago dr ..." has the shape of "<number> <word> dr".
_LC_STREET_SUFFIX = (
    r"(?:street|st|avenue|ave|road|rd|boulevard|blvd|lane|ln|drive|dr|place|pl|terrace|way|court|ct)"
)

_LC_ADDRESS = re.compile(
    r"(?<![\w./-])\d{1,6}[a-z]?\s+(?:(?:[nsew]\.?|north|south|east|west)\s+(?:[a-z]+\s+)?|"
    r"(?:[nsew]\.?\s+|north\s+|south\s+|east\s+|west\s+)?\d{1,3}(?:st|nd|rd|th)\s+)"
    rf"{_LC_STREET_SUFFIX}\b\.?(?:,?\s*(?:apt|apartment|unit|suite|ste|#)\.?\s*#?\s*[\w-]{{1,5}})?"
)

STATE_ALT = "|".join(STATE_CODES)

_ZIP_AFTER_STATE = re.compile(rf"\b(?:{STATE_ALT}|{STATE_NAMES}),?\s+(\d{{5}}(?:-\d{{4}})?)(?!\d)")

_ZIP_AFTER_PLACE_VERB = re.compile(
    r"\b(?:lives?|living|resides?|residing|is|was|moved|relocated|stays?|home\s+is)\s+(?:in|to|from|at)\s+"
    r"(?:the\s+)?(\d{5})\b(?![\d,.]\d|\s*(?:mg|mL|units|cells|copies|/|%))",
    re.IGNORECASE,
)

_ZIP_BEFORE_CUE = re.compile(r"(?<![\w.-])(\d{5}|\d{3})\s+(?:zip|postal)(?:\s*code)?\b", re.IGNORECASE)

_ZIP4 = re.compile(r"(?<![\d-])\d{5}-\d{4}(?![\d-])")

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
    re.compile(
        rf"\b\d{{1,5}}[A-Za-z]?,?\s+{_FOREIGN_STREET_WORD}\s+{_FOREIGN_LINK}[{UP}][\w'-]+"
        rf"(?:[\s-](?:{_FOREIGN_LINK})?[{UP}][\w'-]+){{0,3}}"
    ),
    re.compile(
        rf"\b{_FOREIGN_STREET_WORD}\s+{_FOREIGN_LINK}[{UP}][{LO}][\w'-]*(?:[\s-][{UP}][\w'-]+){{0,2}},?\s+"
        r"(?:No\.?\s*|n[º°o]\.?\s*|#\s*)?\d{1,4}[A-Za-z]?\b(?!\s*(?:mg|mcg|g\b|mL|ml|units?|%|cm|mm|kg|L\b|x\b))"
    ),
    # A numbered or named street and a house number after "#" or "No.": "Calle 45 #12-30", "Calle 5 de
    # Mayo #312" (Latin American addresses put the number after the street).
    re.compile(
        rf"\b{_FOREIGN_STREET_WORD}\s+(?:\d{{1,3}}[A-Z]?|[{UP}][\w'-]+)(?:\s+(?:{_FOREIGN_LINK})?[{UP}][\w'-]+){{0,3}}"
        r"\s*(?:#|No\.?|n[º°o]\.?)\s*\d{1,5}(?:-\d{1,4})?[A-Za-z]?\b"
    ),
    re.compile(
        rf"\b[{UP}][{LO}]+(?:straße|strasse|str\.|weg|gasse|platz|allee|damm|ufer|straat|laan|gracht|plein|"
        r"vej|gade|gatan|vägen|veien|katu|tie)\s+\d{1,4}[a-z]?\b"
    ),
]

# Postcodes outside the US: British ("SW1A 1AA", "M14 5TQ"), Canadian ("K1A 0B1"), and a European
# four- or five-digit code before a town after a comma (", 75001 Paris").
_UK_POSTCODE = re.compile(r"\b(?:[A-Z]{1,2}\d[A-Z\d]?|GIR)\s\d[A-Z]{2}\b")

_CA_POSTCODE = re.compile(r"\b[A-Z]\d[A-Z]\s\d[A-Z]\d\b")

# Numbered roads: "on Route 9", "off Highway 61", "near I-95".
_NUMBERED_ROAD = re.compile(
    r"\b(?:on|off|along|near|at|by|of|from|exit\s+on)\s+(?:(?:State|County|US|U\.S\.|Farm[\s-]to[\s-]Market|FM|SR|CR)\s+)?"
    r"(?:Route|Rte\.?|Highway|Hwy\.?|Interstate|Road|Rd\.?)\s*\d{1,4}[A-Z]?\b"
    r"|\b(?:on|off|along|near|exit\s+on)\s+I-\d{1,3}\b(?!\s*(?:therapy|ablation|uptake|scan|treatment|MIBG|dose))"
)


# Cheap tests before the patterns that need them: the words of a numbered road, five digits in a row (a
# ZIP), a capital letter before a digit (the start of a British or Canadian postcode's parts).
_ROAD_HINTS = ("route", "rte", "highway", "hwy", "interstate", "road", "rd", "i-")
_FIVE_DIGITS = re.compile(r"\d{5}")
_CAPITAL_DIGIT = re.compile(r"[A-Z]\d|GIR\s")


def find_addresses(text: str) -> Iterator[Finding]:
    """Street addresses (US, lower-case and foreign), numbered roads, ZIP codes and postcodes."""
    has_digit = HAS_DIGIT.search(text) is not None
    for rx in _ADDRESS_RXS if has_digit else _ADDRESS_RXS_NO_DIGIT:
        for m in rx.finditer(text):
            group = 1 if rx.groups else 0
            yield C.STREET_ADDRESS, m.start(group), m.end(group), REASON[C.STREET_ADDRESS]
    if not has_digit:
        return  # every other address and code holds a digit
    for m in _LC_ADDRESS.finditer(text):
        yield C.STREET_ADDRESS, m.start(), m.end(), REASON[C.STREET_ADDRESS]
    for rx in _FOREIGN_STREETS:
        for m in rx.finditer(text):
            yield C.STREET_ADDRESS, m.start(), m.end(), REASON[C.STREET_ADDRESS]
    low = lowered(text) or text.lower()
    if any(word in low for word in _ROAD_HINTS):
        for m in _NUMBERED_ROAD.finditer(text):
            yield C.STREET_ADDRESS, m.start(), m.end(), "names a numbered road, which gives away a location"
    five = _FIVE_DIGITS.search(text) is not None
    for m in _ZIP_AFTER_STATE.finditer(text) if five else ():
        if text.startswith("ID", m.start()) and not text[: m.start()].rstrip().endswith(","):
            continue  # "Employee ID 44521": an identifier, which the cue rules report
        yield C.ZIP_CODE, m.start(1), m.end(1), REASON[C.ZIP_CODE]
    for m in _ZIP4.finditer(text) if five else ():
        yield C.ZIP_CODE, m.start(), m.end(), REASON[C.ZIP_CODE]
    for m in _ZIP_AFTER_PLACE_VERB.finditer(text) if five else ():
        yield C.ZIP_CODE, m.start(1), m.end(1), REASON[C.ZIP_CODE]
    for m in _ZIP_BEFORE_CUE.finditer(text) if ("zip" in low or "postal" in low) else ():
        yield C.ZIP_CODE, m.start(1), m.end(1), REASON[C.ZIP_CODE]
    if not _CAPITAL_DIGIT.search(text):
        return  # a British or Canadian postcode opens with a capital and a digit
    for m in _UK_POSTCODE.finditer(text):
        yield C.ZIP_CODE, m.start(), m.end(), "looks like a postcode"
    for m in _CA_POSTCODE.finditer(text):
        if not re.fullmatch(r"T\d[A-Z]\s\dM\d", m.group()):  # "T2N 1M0" is a TNM stage
            yield C.ZIP_CODE, m.start(), m.end(), "looks like a postcode"
