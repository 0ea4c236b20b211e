"""Employers, schools and teams tied to the person ("works at Walmart", "CEO of Brightline Logistics",
"teaches at Lincoln Elementary"): a named workplace narrows a patient down to a few people, which Safe
Harbor counts as "any other unique identifying characteristic".

A job alone ("works as a cashier") is fine. The name must be capitalised and not generic ("the VA", "a
community hospital", "Cardiology"), and a person's given name after "works with" is left to the name
rules. Found in two steps for speed: a preposition and a capitalised run, then the work cue before it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from server.domain.phi.eponyms import followed_by_eponym_noun
from server.domain.phi.gazetteer import (
    LARGE_PLACES,
)
from server.domain.phi.generic_words import GENERIC_FACILITY_WORDS, GENERIC_ORG_WORDS, NOT_PLACE_WORDS
from server.domain.phi.hits import Finding
from server.domain.phi.hits import PhiCategory as C
from server.domain.phi.months import MONTH_WORDS, WEEKDAYS
from server.domain.phi.name_words import (
    ALL_GIVEN,
    AMBIGUOUS_GIVEN,
    NAME_STOP,
)
from server.domain.phi.text import (
    UP,
    word_set,
)

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
    r"bouncer|security|crew|crewman|hand|apprentice|trainee|"
    # people of the workplace: "his boss at Home Depot", "coworkers at Tyson"
    r"boss|bosses|employer|coworkers?|co-workers?|colleagues?|workmates?|union|shift|shifts)"
)

_JOB_BEFORE = re.compile(rf"\b(?i:{_JOB_NOUN})\s+$")

# Found in two steps, for speed: a preposition and a capitalised run, then the cue just before it.
_EMPLOYER = re.compile(
    r"\b(?:at|for|with|by|of|in)\s+(?:the\s+)?"
    rf"((?:[{UP}][\w&'.-]*)(?:\s+(?:&\s+|and\s+|of\s+|de\s+|the\s+)?[{UP}][\w&'.-]*){{0,4}})"
)

_EMPLOYER_CUE_BEFORE = re.compile(
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

_ORG_NAME = re.compile(rf"\b((?:[{UP}][\w&'.-]*\s+(?:&\s+|and\s+|of\s+)?){{1,3}}){_ORG_SUFFIX}(?![\w-])")

# Employers that are also software or brand names elsewhere in the guard's stop lists ("entered in Epic"),
# and university acronyms, which the all-capitals rule would otherwise take for ward abbreviations.
_NAMED_EMPLOYERS = word_set(
    """
Google Epic Cerner Zoom Microsoft Apple Amazon Meta Tesla Netflix Uber Lyft DoorDash Walmart Target Costco
FedEx UPS USPS IBM Intel Oracle Infosys Wipro TCS Accenture Deloitte KPMG PwC Boeing NASA Starbucks
UCLA USC NYU MIT UCSF UCSD UCSB UCI LSU OSU UNC UVA BYU CUNY SUNY UIC UIUC ASU FSU UCF UGA TCU SMU VCU GWU
UPenn CMU JHU UCL KCL LSE IIT AIIMS UNAM USP UBC UofT NUS
United Delta Southwest JetBlue Spirit Frontier Lufthansa Ryanair easyJet
"""
)

# Spanish and Portuguese: "trabaja en la maquiladora de Foxconn", "trabalha na Embraer", "empleada de
# Walmart": a work verb, a few lower-case words, then a capitalised name.
_FOREIGN_WORK = re.compile(
    r"\b(?i:trabaja|trabajaba|trabajó|trabalha|trabalhava|trabalhou|empleado|empleada|funcionári[oa]|"
    r"obrer[oa]|operari[oa]|operári[oa]|labora|laboraba)\s+(?:en|em|para|na|no|pela|pelo|de|del|da|do)\s+"
    r"(?:(?:la|el|los|las|a|o|as|os|una|un|um|uma)\s+)?(?:[a-záéíóúñçãõâêô]+\s+){0,2}?(?:(?:de|del|da|do)\s+)?"
    rf"([{UP}][\w&'.-]*(?:\s+[{UP}][\w&'.-]*){{0,3}})"
)


def _org_is_generic(name: str) -> bool:
    if name.split()[0] in _NAMED_EMPLOYERS:
        return False
    words = [w.strip(".,'") for w in name.replace("&", " ").split() if w not in ("of", "and", "the", "de")]
    return all(
        w in GENERIC_ORG_WORDS
        or w in GENERIC_FACILITY_WORDS
        or w in NAME_STOP
        or w in LARGE_PLACES
        or w in MONTH_WORDS
        or w in WEEKDAYS
        or w in NOT_PLACE_WORDS
        or (w.isupper() and len(w) <= 5)
        for w in words
    )


def find_workplaces(text: str) -> Iterator[Finding]:
    """A named employer, school or team after a work cue, or a name ending in an organisation word."""
    why = "names the person's employer, school or team, which can identify them"
    for m in _EMPLOYER.finditer(text):
        job_cue = text.startswith(("at", "for"), m.start()) and _JOB_BEFORE.search(
            text, max(0, m.start() - 20), m.start()
        )
        if not job_cue and not _EMPLOYER_CUE_BEFORE.search(text, max(0, m.start() - 40), m.start()):
            continue
        name = m.group(1).rstrip(".")
        if _org_is_generic(name) or followed_by_eponym_noun(text, m.end(1)):
            continue
        first = name.split()[0]
        if first in ALL_GIVEN and first not in AMBIGUOUS_GIVEN and len(name.split()) <= 2:
            continue  # "works with Maria": a person, which the name rules report
        yield C.OTHER_IDENTIFIER, m.start(1), m.start(1) + len(name), why
    for m in _ORG_NAME.finditer(text):
        if _org_is_generic(m.group(1)) or followed_by_eponym_noun(text, m.end()):
            continue
        yield C.OTHER_IDENTIFIER, m.start(), m.end(), why
    for m in _FOREIGN_WORK.finditer(text):
        if not _org_is_generic(m.group(1)):
            yield C.OTHER_IDENTIFIER, m.start(1), m.end(1), why
