"""Numbers that identify: phone and fax numbers, Social Security numbers, record, plan, account,
licence, device and vehicle numbers after their cue word, vehicle plates, device UDIs, and long numbers or
ID-shaped codes with no cue at all.

Clinical text is full of numbers, so shape alone decides only for what nothing clinical looks like (a
ten-digit phone, "123-45-6789"); a number followed by a unit is a measurement, codes with a clinical
shape (TNM stages, ICD-10, gene names) pass, and the cue word before a number decides its category.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from server.domain.phi.cues import CUE_GAP, cue_category, cues
from server.domain.phi.hits import REASON, Finding
from server.domain.phi.hits import PhiCategory as C
from server.domain.phi.text import (
    HAS_DIGIT,
    MD_UNIT_AFTER,
    UNIT_AFTER,
    digit_count,
    lowered,
    text_before,
)

_PHONE = re.compile(
    r"(?<![\w/.+-])(?:(?:\+|00)?1[\s.-]?)?(?:\(\d{3}\)\s?\d{3}[\s.-]?|\d{3}[\s./-]\d{3}[\s.-])\d{4}"
    r"(?:\s*(?:ext\.?|x|extension)\s*\d{1,5})?(?![\w/-]|\.\d)"
)

_PHONE_INTL = re.compile(r"(?<![\w/.])\+\d{1,3}(?:[\s.-]?\(?\d{1,5}\)?){2,5}(?![\w/-]|\.\d)")

_PHONE_UK = re.compile(r"(?<![\w/.])0\d{3,4}\s\d{6,7}(?![\w/-])")

_PHONE_7 = re.compile(r"(?<![\w/.-])\d{3}[-\s.]\d{4}(?:\s*(?:ext\.?|x|extension)\s*\d{1,5})?(?![\w/-]|\.\d)")

_SSN = re.compile(r"(?<![\w/.-])\d{3}([- ])\d{2}\1\d{4}(?![\w/-]|\.\d)")

# An SSN masked to its last four ("xxx-xx-6251", "***-**-4410"): the last four still identify.
_SSN_MASKED = re.compile(r"(?<![\w*])(?:[xX*#]{3})-?(?:[xX*#]{2})-?\d{4}(?![\w/-])")

# "0700-1900 shift", "0800-1630 hours": two clock times in 24-hour form, a span of work, not a number.
_CLOCK_RANGE = re.compile(r"([01]\d|2[0-4])[0-5]\d-([01]\d|2[0-4])[0-5]\d")
_CLOCK_NEAR = re.compile(
    r"(?i)\b(?:shifts?|hours?|hrs|h|schedule|clinic|call|works?|working|from|daily|am|pm)\b"
)

# "the rubric says 500-1000", "10000-20000 steps": a range of round numbers, low to high, is a quantity.
_ROUND_RANGE = re.compile(r"([1-9]\d*)-([1-9]\d*)")

_DIGITS = re.compile(r"(?<![\w.,/])\d(?:[\d]|[-\s.](?=\d))*\d(?![\w/]|[.,]\d)")

_ALNUM = re.compile(
    r"(?<![\w/*-])(?=[A-Z0-9-]*\d)(?=[A-Z0-9-]*[A-Z])[A-Z0-9][A-Z0-9-]{2,}[A-Z0-9](?![\w/*]|-\w)"
)

_CUE_VALUE = re.compile(
    r"(?<![\w/*-])(?=[A-Za-z0-9/-]*\d)[A-Za-z0-9][A-Za-z0-9-]*(?:/[A-Za-z0-9-]+)*[A-Za-z0-9]|(?<![\w/*-])\d(?![\w/])"
)

# A value after a cue may hold slashes ("MR/19/00831", "CR/2231/07"); one made of short numbers only is a
# date, fraction or reading ("3/12/24", "4/5"), which the other rules judge.
_SLASHED_NUMBERS = re.compile(r"\d{1,4}(?:/\d{1,4})+")

# An identifier written in groups after its cue ("ABC 123 456 789", "W 1234 5678").
_CUE_GROUPED = re.compile(r"(?<![\w/*-])[A-Za-z0-9]{1,5}(?:[ -]\d{2,5}){2,4}(?![\w/-]|[.,]\d)")

# Codes that are clinical, not identifying: TNM stages, gravida/para, ICD-10 without the dot, gene variants,
# spine levels, ECG leads, named scores.
_CLINICAL_CODE = re.compile(
    r"^(?:[pcy]?T[0-4X][a-d]?N[0-3X][a-c]?M[01X][a-c]?|G\d{1,2}P\d{1,5}|[A-TV-Z]\d{2}[0-9A-Z]{0,4}"
    r"|[A-Z]\d{2,4}[A-Z]|[CTLS]\d{1,2}-[CTLS]?\d{1,2}|V\d-V\d|HLA-[A-Z0-9]+|CD\d+|BRCA\d|CA-?\d+(?:-\d+)?"
    r"|COVID-\d+|SARS-COV-\d|H\d+N\d+|[A-Z]{2,6}-\d{1,3}|[A-Z]{1,4}\d{1,2}|\d{1,3}[A-Z]{1,4}|CHA2DS2-VASC"
    r"|HIV-\d|HSV-\d|HPV-?\d+|ICD-\d+(?:-CM)?|DSM-\d|CYP\d[A-Z]\d+|HER\d|IL-\d+|TNF|ESR\d?|[A-Z]\d[A-Z]\d)$"
)

_PLATE = re.compile(
    r"\b(?i:licen[cs]e\s+plate|number\s+plate|plates?|tag|vehicle\s+(?:no\.?|number|#|registration)"
    r"|(?:car|vehicle|van|truck|lorry|motorbike|motorcycle|scooter|taxi|cab|bike|auto|rickshaw)(?:'s)?\s+"
    r"(?:reg(?:istration)?|rego|licen[cs]e|no\.?|number))(?i:\s+(?:number|no\.?|#|plate))?(?![a-z])"
    r"\s*(?:is|was|reads?)?\s*[:#]?\s*"
    r"((?=[A-Z0-9 -]*\d)[A-Z0-9]{1,4}(?:[\s-][A-Z0-9]{1,5}){1,3}|(?=[A-Z0-9]*\d)[A-Z0-9]{4,8})\b",
)

# Substrings one of which _PLATE needs.
_PLATE_HINTS = (
    "plate",
    "tag",
    "vehicle",
    "car",
    "van",
    "truck",
    "lorry",
    "motor",
    "scooter",
    "taxi",
    "cab",
    "bike",
    "auto",
    "rickshaw",
)

# British plates ("AB12 CDE") near a word about a vehicle: the shape alone could be a typo'd abbreviation.
_UK_PLATE = re.compile(r"\b[A-Z]{2}\d{2}\s[A-Z]{3}\b")

_VEHICLE_NEAR = re.compile(
    r"\b(?i:reg|rego|registration|plates?|car|cars|van|truck|lorry|vehicle|motorbike|motorcycle|scooter|taxi)\b"
)

_GS1_UDI = re.compile(r"\(01\)\d{14}(?:\(\d{2,4}\)[0-9A-Za-z-]{1,20})*")

_VIN = re.compile(r"[A-HJ-NPR-Z0-9]{17}")


_ZIP_GAP = re.compile(r"^[^\d.;:!?]{0,30}$")


def _is_quantity_range(text: str, m: re.Match[str]) -> bool:
    """A clock-time span near a word of work or time, or a low-to-high range of round numbers."""
    value = m.group()
    clock = _CLOCK_RANGE.fullmatch(value)
    if clock and _CLOCK_NEAR.search(text, max(0, m.start() - 30), min(len(text), m.end() + 30)):
        return True
    rng = _ROUND_RANGE.fullmatch(value)
    if rng is None:
        return False
    low, high = int(rng.group(1)), int(rng.group(2))
    return low < high and low % 50 == 0 and high % 50 == 0


def find_numbers(text: str) -> Iterator[Finding]:
    """Phones, SSNs, numbers after a cue word, plates, UDIs and long uncued numbers or codes."""
    if not HAS_DIGIT.search(text):
        return
    for m in _SSN.finditer(text):
        cue = cue_category(text, m.start())
        if m.group(1) == " " and cue not in (None, C.SSN):
            yield cue, m.start(), m.end(), REASON[cue]
            continue
        yield C.SSN, m.start(), m.end(), REASON[C.SSN]
    if "-" in text:
        for m in _SSN_MASKED.finditer(text):
            yield C.SSN, m.start(), m.end(), "looks like a Social Security number (its last four)"
    for rx in (_PHONE, _PHONE_INTL, _PHONE_UK):
        for m in rx.finditer(text):
            digits = digit_count(re.split(r"\s*(?:ext\.?|x|extension)\s*\d", m.group())[0])
            if digits < 9 or digits > 15:
                continue
            if UNIT_AFTER.match(text, m.end()) and not m.group().startswith(("(", "+")):
                continue
            cue = cue_category(text, m.start())
            cat = cue or C.PHONE
            if cat is C.ZIP_CODE:
                cat = C.PHONE
            yield cat, m.start(), m.end(), REASON[cat]
    for m in _PHONE_7.finditer(text):
        cue = cue_category(text, m.start())
        if cue is None and not re.search(r"\bat\s*$", text_before(text, m.start(), 6)):
            continue
        if UNIT_AFTER.match(text, m.end()):
            continue
        cat = cue if cue not in (None, C.ZIP_CODE) else C.PHONE
        yield cat, m.start(), m.end(), REASON[cat]
    # Values right after a cue word: "MRN 4827315", "S/N: 74421983", "plate 7ABC123".
    for cat, cm in cues(text):
        vm = _CUE_VALUE.search(text, cm.end(), min(len(text), cm.end() + 30))
        if not vm:
            continue
        grouped = (
            _CUE_GROUPED.search(text, cm.end(), min(len(text), cm.end() + 40))
            if digit_count(vm.group()) < 4
            else None
        )
        if (
            grouped
            and cat not in (C.PHONE, C.ZIP_CODE)
            and digit_count(grouped.group()) >= 6
            and CUE_GAP.match(text[cm.end() : grouped.start()])
        ):
            yield cat, grouped.start(), grouped.end(), REASON[cat]
            continue
        gap = text[cm.end() : vm.start()]
        if not CUE_GAP.match(gap) and not (
            # "zip on the referral is 60623", "gave her zip as 11368": a ZIP's cue reaches over a clause
            cat is C.ZIP_CODE and _ZIP_GAP.match(gap) and re.fullmatch(r"\d{5}(?:-\d{4})?", vm.group())
        ):
            continue
        value = vm.group()
        digits = digit_count(value)
        if "/" in value and _SLASHED_NUMBERS.fullmatch(value):
            continue
        if cat is C.ZIP_CODE:
            # US (ZIP, ZIP+4, 3-digit), Indian PIN (6), Brazilian CEP (5-3), European and Australian (4)
            if re.fullmatch(r"\d{5}(?:-\d{3,4})?|\d{3,4}|\d{6}|[A-Z]\d{2}", value):
                yield cat, vm.start(), vm.end(), REASON[cat]
            continue
        if cat is C.PHONE:
            continue  # phones are found by shape above; "number" alone is too weak here
        if cat is C.SSN:
            if digits >= 4:
                yield cat, vm.start(), vm.end(), REASON[cat]
            continue
        if digits >= 4 or (digits >= 2 and len(value) >= 5 and cat is not C.OTHER_IDENTIFIER):
            if MD_UNIT_AFTER.match(text, vm.end()):
                continue
            # a run of values: "policy number 884-221-0937, group 55012"
            yield cat, vm.start(), vm.end(), REASON[cat]
    for m in _GS1_UDI.finditer(text):
        yield C.DEVICE_IDENTIFIER, m.start(), m.end(), "looks like a device identifier (UDI)"
    low = lowered(text) or text.lower()
    plate = any(hint in low for hint in _PLATE_HINTS)
    for m in _PLATE.finditer(text) if plate else ():
        yield C.VEHICLE_IDENTIFIER, m.start(1), m.end(1), REASON[C.VEHICLE_IDENTIFIER]
    for m in _UK_PLATE.finditer(text):
        if _VEHICLE_NEAR.search(text, max(0, m.start() - 40), m.start()):
            yield C.VEHICLE_IDENTIFIER, m.start(), m.end(), REASON[C.VEHICLE_IDENTIFIER]
    # Long numbers and ID-shaped codes with no cue: still "other unique identifying numbers".
    for m in _DIGITS.finditer(text):
        value = m.group()
        digits = digit_count(value)
        if digits < 7:
            continue
        if _is_quantity_range(text, m):
            continue
        if re.search(r"[\s]", value) and digits < 9:
            continue
        if UNIT_AFTER.match(text, m.end()):
            continue
        cat = cue_category(text, m.start()) or C.OTHER_IDENTIFIER
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
        yield cat, m.start(), m.end(), REASON[cat]
    for m in _ALNUM.finditer(text):
        value = m.group()
        digits = digit_count(value)
        letters = sum(ch.isalpha() for ch in value)
        if _CLINICAL_CODE.match(value):
            continue
        if digits >= 5 or (digits >= 3 and letters >= 2 and len(value) >= 7):
            shape = C.VEHICLE_IDENTIFIER if _VIN.fullmatch(value) and letters >= 3 else C.OTHER_IDENTIFIER
            cat = cue_category(text, m.start()) or shape
            if cat in (C.ZIP_CODE, C.PHONE):
                cat = shape
            yield cat, m.start(), m.end(), REASON[cat]
