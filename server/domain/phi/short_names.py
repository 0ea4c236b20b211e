"""Names written short: dotted initials ("J.D.", "Pt A.K."), initials in capitals before an age ("JD,
45M"), an initial and a surname ("R. Okafor"), a name in capitals ("OKAFOR, CHIDI"), and an unlisted
capitalised word between "patient" and a verb ("Patient Tomasz reports").

Dotted abbreviations are everywhere in clinical writing ("b.i.d.", "M.D.", "C.T."), so those are listed
and pass; capitals before an age count only after a patient cue, and never a ward or diagnosis ("ED",
"CHF").
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from server.domain.phi.eponyms import is_eponym_at
from server.domain.phi.gazetteer import (
    CITY_FIRST_WORDS,
    PLACES_NOT_LOCAL,
)
from server.domain.phi.hits import Finding
from server.domain.phi.hits import PhiCategory as C
from server.domain.phi.months import MONTH_WORDS
from server.domain.phi.name_words import (
    NAME_STOP,
    NAME_TOKEN,
    STRONG_GIVEN,
    SURNAMES,
    name_ok,
)
from server.domain.phi.text import (
    word_set,
)

_INITIAL_SURNAME = re.compile(r"(?<![\w.])([A-Z])\.\s?([A-Z][a-z]+(?:-[A-Z][a-z]+)?)\b")

_CAPS_NAME = re.compile(r"\b([A-Z]{2,}(?:[-'][A-Z]+)?)(,?)\s+([A-Z]{3,})\b")

_INITIALS = re.compile(
    r"(?:\b(?:[Pp]atient|[Pp]t\.?|Mr\.?|Mrs\.?|Ms\.?)\s+[A-Z]\.\s?[A-Z]\.(?:\s?[A-Z]\.)?)"
    r"|(?:\b[Ii]nitials?\s*(?:are|is|:)?\s*[A-Z]\.?\s?[A-Z]\.?(?:\s?[A-Z]\.?)?(?![a-z]))"
    r"|(?:(?<![\w.])[A-Z]\.\s?[A-Z]\.(?=,?\s+(?:a|an|is|was|age[ds]?|\d)\b))"
)

_DOTTED_PAIR = re.compile(r"[A-Z]\.\s?[A-Z]\.")

_INITIALS_OK = frozenset(
    {"M.D.", "D.O.", "R.N.", "N.P.", "P.A.", "U.S.", "A.M.", "P.M.", "E.R.", "I.V.", "O.R."}
)

# Dotted initials anywhere ("discussed with J.D.", "A.K.'s mother"), except the dotted abbreviations of
# clinical and everyday writing.
_BARE_INITIALS = re.compile(r"(?<![\w.])[A-Z]\.\s?[A-Z]\.(?:\s?[A-Z]\.)?(?!\w|\s?[A-Z]\.)")

_DOTTED_ABBREVIATIONS = _INITIALS_OK | word_set(
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
_PATIENT_UNKNOWN = re.compile(
    rf"\b(?:[Pp]atient|[Pp]t\.?|PATIENT|PT|[Cc]lient|[Rr]esident)\s+(?:named\s+|called\s+)?({NAME_TOKEN})\s+"
    r"(?:is|was|has|had|reports|reported|presents|presented|states|stated|complains|complained|denies|denied|"
    r"endorses|endorsed|notes|noted|says|said|tells|told|came|comes|returns|returned|arrived|describes|"
    r"described|admits|admitted|feels|felt|underwent|lives|works|smokes|drinks|takes|took|uses|used|wants|"
    r"asked|asks|agreed|declined|refused|prefers|speaks|understands|walks|ambulates|c/o|with\s+(?:a|an|\d))\b"
    rf"|\b(?:[Pp]atient|[Pp]t\.?|PT|[Cc]lient)\s+({NAME_TOKEN})['\u2019]s\b"
)

_PATIENT_UNKNOWN_NOT = word_set(
    """
Education Information Consent Preference Preferences Care Safety Satisfaction Portal Advocate Navigator
Experience Population Transport Transfer Status Identifier Record Chart Instructions Handout Understanding
Agreement History Profile Goals Goal Plan Weight Position Condition Outcome Response Population Data
Demographics Age Sex Name Number Room Bed Family Caregiver Representative Relations Registration Intake
Zero Number Count Census Volume Flow Load List Summary Report Report's
"""
)

# "JD, 45M", "Pt RK 62F": bare capitals used as initials right before an age and sex.
_CAPS_INITIALS_AGE = re.compile(r"\b([A-Z]{2,3}),?\s+\d{1,3}\s?(?:[MF]|yo|y/o|y\.o\.|-?year-old|yr)\b")

_CAPS_INITIALS_BEFORE = re.compile(r"(?:^|(?:[Pp]atient|[Pp]t\.?|[Cc]ase|:|Initials)\s)$")

_CAPS_NOT_INITIALS = word_set(
    """
ED ER OR PT OT BP HR RR DM CHF HTN CAD COPD CKD MI PE DVT UTI GI ICU CT MRI ECG EKG HIV TB CVA TIA AKI
SOB CP HA LBP RLQ LUQ RUQ LLQ OA RA SLE MS ALS ID GP NP PA RN MD DO CC HPI PMH ROS AMS FTT GCS IV IM
"""
)


def find_short_names(text: str) -> Iterator[Finding]:
    """Initials, an initial and a surname, names in capitals, and unlisted names after "patient"."""
    for m in _INITIAL_SURNAME.finditer(text):
        last = m.group(2)
        if last in SURNAMES and not (
            last in NAME_STOP or last in PLACES_NOT_LOCAL or last in MONTH_WORDS or last in CITY_FIRST_WORDS
        ):
            if is_eponym_at(text, m.start(), m.end()):
                continue
            yield C.PERSON_NAME, m.start(), m.end(), "looks like a person's name (initial and surname)"
    for m in _CAPS_NAME.finditer(text):
        a, comma, b = m.group(1).capitalize(), m.group(2), m.group(3).capitalize()
        first, last = (b, a) if comma else (a, b)
        if first in STRONG_GIVEN and last in SURNAMES:
            yield C.PERSON_NAME, m.start(), m.end(), "looks like a person's name (in capitals)"
    for m in _BARE_INITIALS.finditer(text):
        if m.group().replace(" ", "") not in _DOTTED_ABBREVIATIONS:
            yield C.PERSON_NAME, m.start(), m.end(), "looks like a person's initials"
    for m in _PATIENT_UNKNOWN.finditer(text):
        group = 1 if m.group(1) else 2
        word = m.group(group)
        if word in _PATIENT_UNKNOWN_NOT or not name_ok([word]) or word in PLACES_NOT_LOCAL:
            continue
        yield C.PERSON_NAME, m.start(group), m.end(group), 'looks like a person\'s name (after "patient")'
    for m in _CAPS_INITIALS_AGE.finditer(text):
        if m.group(1) not in _CAPS_NOT_INITIALS and _CAPS_INITIALS_BEFORE.search(
            text, max(0, m.start() - 12), m.start()
        ):
            yield C.PERSON_NAME, m.start(1), m.end(1), "looks like a person's initials"
    for m in _INITIALS.finditer(text) if ("nitial" in text or _DOTTED_PAIR.search(text)) else ():
        core = re.sub(r"^\w+\.?\s+", "", m.group()) if " " in m.group()[:9] else m.group()
        if core.replace(" ", "") in _INITIALS_OK:
            continue
        yield C.PERSON_NAME, m.start(), m.end(), "looks like a person's initials"
