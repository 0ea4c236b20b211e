"""Cue words that name what a number is: "MRN", "fax", "member ID", "DEA", "serial", "plate", "ZIP"...

A bare number is rarely identifiable on its own ("Na 131", "BP 142/90"), but after one of these words it
is the identifier the word names, so the number rules ask :func:`cue_category` which category a cue just
before a number gives it. All cues are one alternation with a named group per category, run once over the
lower-cased text (much faster than many case-insensitive patterns); the more specific cues come first
because the first alternative that matches at a position wins.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from server.domain.phi.hits import PhiCategory
from server.domain.phi.hits import PhiCategory as C
from server.domain.phi.text import (
    lowered,
)

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
        r"|krankenblatt(?:nummer)?|fallnummer|patientennummer|cartella\s+clinica"
        # the hospital's identity band carries the record number, often as a barcode
        r"|(?:hospital\s+)?(?:bracelet|wrist\s*band|arm\s*band|ID\s+band)(?:\s+(?:barcode|number|no\.?|#|ID))?",
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

_CUE_ALL = re.compile(_CUE_ALL_SOURCE, re.IGNORECASE)

# The same pattern in lower case, run on the lower-cased text: several times faster than IGNORECASE on a
# pattern this size. (Every escape in the cue patterns is already lower case: \s, \d, \b.)
_CUE_ALL_LOWER = re.compile(_CUE_ALL_SOURCE.lower().replace("(?p<", "(?P<"))


def cues(text: str, pos: int = 0, endpos: int | None = None) -> Iterator[tuple[PhiCategory, re.Match[str]]]:
    """Every cue word in ``text[pos:endpos]``, with the category it names."""
    low = lowered(text)
    rx, subject = (_CUE_ALL_LOWER, low) if low is not None else (_CUE_ALL, text)
    for m in rx.finditer(subject, pos, len(text) if endpos is None else endpos):
        if m.lastgroup:
            yield PhiCategory(m.lastgroup), m


# A cue counts for the value that follows it when only these stand between them.
CUE_GAP = re.compile(
    r"^(?:\s|[:#=.,()\-]|is|was|of|no\.?|number|num|ID|on\s+file|listed|reads?|ends?\s+in|ending\s+(?:in|with)"
    r"|(?:the\s+)?last\s+(?:4|four)|[A-Za-z]+\s*(?=[:#])|(?:RN|MD|DO|LPN|NP|PA|DL)\b|\([A-Za-z ]+\)"
    r"|for|at|to|her|his|their|the|a|an|results|records|reports?|documents|it|them|please|member|card)*$",
    re.IGNORECASE,
)


def cue_category(text: str, start: int) -> PhiCategory | None:
    """The category named by a cue word shortly before ``start`` ("fax: ...", "MRN ..."), if any."""
    best: PhiCategory | None = None
    prev_end = -1
    for cat, m in cues(text, max(0, start - 60), start):
        generic = m.group().lower() in ("number", "#", "contact")
        between = text[prev_end : m.start()]
        if generic and best is not None and len(between) <= 25 and _LOOSE_GAP.match(between):
            continue  # "Tricare number ...", "certificate of birth number": the specific cue wins
        prev_end = m.end()
        gap = text[m.end() : start]
        if (len(gap) <= 25 and CUE_GAP.match(gap)) or (not generic and _LOOSE_GAP.match(gap)):
            best = cat
    return best


# "fax the discharge summary to 702-...", "account number on the bill is 4401-...": to name the category of a
# number already found, a specific cue reaches over a few words without digits in the same clause.
# The clause may end in a colon before the value ("the device ID was on the screenshot: A2093-XK88R"), and
# a state's two letters may open the value ("Medicaid ID is on the sticker: CA 9021-44718-B").
_LOOSE_GAP = re.compile(r"^[^\d.;:!?]{0,50}(?::\s*(?:[A-Z]{2}\s+)?)?$")
