"""Eponyms and named scales: a capitalised word followed by a noun such as "disease", "sign" or "score"
("Bell's palsy", "Marcus Gunn pupil", "Ottawa ankle rules") names a condition, not a person or a place.

The name, place and workplace rules all ask this before reporting, so the nouns and the look-ahead live
here once.
"""

from __future__ import annotations

import re

from server.domain.phi.text import word_set

# Nouns that, right after a capitalised word, make it an eponym or a named scale rather than a person or
# place: "Marcus Gunn pupil", "Austin Flint murmur", "Ottawa ankle rules", "Philadelphia chromosome".
EPONYM_NOUNS = word_set(
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
handbook guide manual textbook atlas pocketbook companion formulary
"""
)

# Standard medical textbooks called by their author ("Harrison's", "Robbins", "Netter"): a book, when the
# sentence talks about reading (a patient called Harrison stays a name elsewhere).
_TEXTBOOKS = word_set(
    """
Harrison Harrison's Robbins Netter Netter's Guyton Tintinalli Sabiston Braunwald Nelson Nelson's Bates
Bates' Williams Cecil Goldman Kaplan Lippincott Gray's Moore Snell Langman Sadler Ganong Katzung Goodman
Gilman Fitzpatrick Wintrobe Davidson Davidson's Macleod Macleod's Hutchison Oxford Rosen Rosen's Schwartz
Current Marino Marino's Swanson Swanson's Pretest First Aid UWorld Boards Beck Zollinger
"""
)
_READING = re.compile(
    r"(?i)\b(?:textbooks?|books?|editions?|chapters?|review|reading|read|pathophys\w*|anatomy|physiology|"
    r"pharmacology|study|studying|Step\s+\d|boards)\b"
)

_WORD_AFTER = re.compile(r"\s*(?:['\u2019]s\b)?\s*([A-Za-z][A-Za-z'-]*)")


def followed_by_eponym_noun(text: str, end: int, lookahead_words: int = 3) -> bool:
    """True when one of the next few words (skipping capitalised ones) is an eponym noun ("disease")."""
    pos = end
    for _ in range(lookahead_words):
        m = _WORD_AFTER.match(text, pos)
        if not m:
            return False
        word = m.group(1)
        bare = word.split("-")[-1].lower()
        if bare in EPONYM_NOUNS or word.lower() in EPONYM_NOUNS:
            return True
        if not word[:1].isupper():
            return False
        pos = m.end()
    return False


def is_eponym_at(text: str, start: int, end: int) -> bool:
    """True when the capitalised run ending at ``end`` is an eponym ("Bell's palsy", "Mallory-Weiss")."""
    if followed_by_eponym_noun(text, end):
        return True
    if text[start:end] in _TEXTBOOKS and _READING.search(text):
        return True
    # hyphen joins ("Mallory-Weiss") and possessives followed by a noun ("Bell's palsy")
    return end < len(text) and text[end] == "-"
