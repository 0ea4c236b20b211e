"""Findings that point at no patient, dropped after the rules have run: public references, the Safe Harbor
age band itself, the writer's own schedule and places, and dates that belong to an institution.

- **Public references.** A toll-free number (800, 888, 877, 866, 855, 844, 833) is an organisation's
  (Poison Control, SAMHSA, CDC-INFO, 1-800-QUIT-NOW), never a person's line; a web address on a public
  reference site (a government or intergovernmental domain, a journal, a calculator, PubMed) is a
  citation. A handle the patient *follows* is a public account, not theirs.
- **"90 or older"**, "90+": the aggregated band Safe Harbor asks for is not an age over 89.
- **The writer's own.** In a sentence written in the first person ("I", "my", "our", "we") that says
  nothing of a patient (no patient word, no third-person pronoun, no relative), a date or a place is the
  writer's: "My Step 2 CK is on July 14", "Can we reschedule our 3/14 meeting?", "I'm living in
  Houston", "Back home in Lagos we treat malaria empirically". Learners' notes that describe a patient
  always have a patient word or pronoun, so their dates stay identifiers.
- **Institutions' dates.** A month and year after a guideline body or a publication verb ("ACIP updated
  ... in June 2023"), a clinic's closure ("The clinic is closed on Christmas Day"), the rotation's own
  calendar ("The rotation runs from June 2 to July 25"), and holidays in a sentence about no person
  ("injuries peak around the Fourth of July"): none of them is a date of an individual.
"""

from __future__ import annotations

import re

from server.domain.phi.hits import Finding
from server.domain.phi.hits import PhiCategory as C

_TOLL_FREE = re.compile(
    r"^(?:\+?1[\s.-]?)?\(?8(?:00|88|77|66|55|44|33)\)?[\s.-]?[A-Z0-9](?:[\s.-]?[A-Z0-9]){6,7}$"
)

# "Sanford Guide", "Harriet Lane Handbook": a reference work named after a person.
_REFERENCE_WORK = re.compile(r"(?i)\b(?:handbook|guide|manual|textbook|atlas|formulary|pocketbook)$")

# Reference sites: government and intergovernmental domains, journals, calculators, drug and patient
# references. Their pages are cited, not owned by a patient.
_PUBLIC_SERVICE = re.compile(
    r"(?i)\b(?:poison|hotline|helpline|help\s+line|lifeline|crisis|CDC|SAMHSA|quit|quitline|resources?|"
    r"national|free\s+and\s+confidential|info|information\s+line|988)"
)

_PUBLIC_DOMAINS = re.compile(
    r"(?i)^(?:https?://)?(?:www\.)?(?:[a-z0-9-]+\.)*(?:"
    r"[a-z0-9-]+\.gov|[a-z0-9-]+\.int|gov\.[a-z]{2}|nhs\.uk|europa\.eu|"
    r"mdcalc\.com|nejm\.org|thelancet\.com|bmj\.com|jamanetwork\.com|nature\.com|cochranelibrary\.com|"
    r"uptodate\.com|medscape\.com|aafp\.org|acc\.org|heart\.org|idsociety\.org|ahajournals\.org|"
    r"mayoclinic\.org|clevelandclinic\.org|merckmanuals\.com|drugs\.com|wikipedia\.org|ncbi\.nlm\.nih\.gov|"
    r"doi\.org|goop\.com|webmd\.com|healthline\.com|kidshealth\.org|cancer\.org|diabetes\.org|"
    r"lungusa\.org|psychiatry\.org|acog\.org|aap\.org|healthychildren\.org|radiopaedia\.org|"
    r"litfl\.com|statpearls\.com|amboss\.com|pubmed\.ncbi\.nlm\.nih\.gov"
    r")(?:[/?#].*)?$"
)

_FOLLOWED_HANDLE = re.compile(r"(?i)\b(?:follows|following|followed|watches|watched|subscribed\s+to)\s+$")

_AGE_BAND_AFTER = re.compile(r"\s*(?:\+|or\s+(?:older|over|above)|and\s+(?:older|over|above))", re.IGNORECASE)

_SENTENCE_WINDOW = 400

_SENTENCE_END = re.compile(r"[.!?\n](?:\s|$)")

_FIRST_PERSON = re.compile(r"\b(?:I|I'm|I've|I'll|I'd|my|My|me|we|We|our|Our|us|we'd|We'd|we'll|We'll)\b")

# Anything that puts a patient (or their family) in the sentence keeps its dates and places.
_PATIENT_WORDS = re.compile(
    r"(?i)\b(?:pt|pts|patient|patients|client|she|he|her|his|him|hers|they|them|their|mr|mrs|ms|miss|baby|"
    r"infant|child|son|daughter|wife|husband|mother|father|mom|dad|brother|sister|family|grandmother|"
    r"grandfather|aunt|uncle|cousin|partner|admitted|discharged|presented|diagnosed|dx|hx|yo|y/o|"
    r"year-old|\d+\s?[MF])\b"
)

_MONTH_YEAR = re.compile(r"^(?:in\s+)?[A-Za-z]+\.?,?\s+\d{4}$")

_GUIDELINE = re.compile(
    r"\b(?:ACIP|USPSTF|CDC|FDA|WHO|AHA|ACC|ADA|IDSA|NICE|ACOG|AAP|GOLD|GINA|KDIGO|ESC|NIH|EMA|"
    r"(?i:guidelines?|recommendations?|published|statement|consensus))\b"
)

# The platform's and a school's calendar, and a service closed for a holiday.
_INSTITUTION = re.compile(
    r"(?i)\b(?:rotation|block|course|semester|orientation|deadline|exam|Step\s+\d|NCLEX|OSCE|USMLE|PLAB|"
    r"interview|meeting|conference|webinar|lecture|journal\s+club|case\s+logs?|certificate|"
    r"(?:clinic|office|pharmacy|lab|hospital)\s+(?:is|will\s+be|was)\s+(?:closed|open)|closed\s+on)\b"
)

# Events that make a holiday someone's date even when no person is named ("Seizure on New Year's Eve").
_EVENT_WORDS = re.compile(
    r"(?i)\b(?:seiz\w*|fell|fall|fallen|injured|hurt|surgery|stroke|MI|started|began|begun|onset|symptoms?|"
    r"since|died|passed|born|birthday|bitten|burned|burnt|crash\w*|collapsed|delivered|married|lost|"
    r"seen|saw|visit|visited|went|came|arrived|returned|travel\w*|moved|follow-up|f/u|appointment|appt|"
    r"admission|admit|discharge|procedure|transfusion|dose|vaccinated|vaccine)\b"
)


def _sentence(text: str, start: int, end: int) -> str:
    """The sentence around ``text[start:end]`` (to the nearest end of sentence either side)."""
    # A window either side, so that a long text costs the same per finding as a short one.
    window = max(0, start - _SENTENCE_WINDOW)
    left = window
    for m in _SENTENCE_END.finditer(text, window, start):
        left = m.end()
    after = _SENTENCE_END.search(text, end, end + _SENTENCE_WINDOW)
    return text[left : after.start() + 1 if after else min(len(text), end + _SENTENCE_WINDOW)]


def is_public(text: str, finding: Finding) -> bool:
    """True when the finding points at no patient (see the module's docstring)."""
    category, start, end, _ = finding
    span = text[start:end]
    if category in (C.PHONE, C.FAX, C.OTHER_IDENTIFIER) and _TOLL_FREE.match(span.strip()):
        # A toll-free line of a named public service; a pharmacy's or an insurer's fax stays.
        return _PUBLIC_SERVICE.search(_sentence(text, start, end)) is not None
    if category is C.PERSON_NAME:
        return _REFERENCE_WORK.search(span) is not None
    if category is C.URL and _PUBLIC_DOMAINS.match(span):
        return True
    if category is C.OTHER_IDENTIFIER and span.startswith("@"):
        return _FOLLOWED_HANDLE.search(text[max(0, start - 20) : start]) is not None
    if category is C.AGE_OVER_89:
        return _AGE_BAND_AFTER.match(text, end) is not None and re.search(r"\b9\d$", span) is not None
    if category not in (C.DATE, C.GEOGRAPHY):
        return False
    sentence = _sentence(text, start, end)
    if _PATIENT_WORDS.search(sentence):
        return False
    if _FIRST_PERSON.search(sentence):
        return True
    if category is C.DATE:
        if _INSTITUTION.search(sentence) or (_MONTH_YEAR.match(span) and _GUIDELINE.search(sentence)):
            return True
        # A holiday in a sentence about no one and no event: epidemiology, a calendar.
        return not any(ch.isdigit() for ch in span) and not _EVENT_WORDS.search(sentence)
    return False
