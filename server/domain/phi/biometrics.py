"""Biometric identifiers ("finger and voice prints" in Safe Harbor): a note rarely holds the print
itself, but one that records the patient's print being enrolled, taken or used to check their identity
ties the person to a biometric record.

The word must come with an identity or record cue in the same sentence: "fingerprint-like lesions",
"loss of fingerprints on capecitabine" and "impaired facial recognition" are clinical findings.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from server.domain.phi.hits import Finding
from server.domain.phi.hits import PhiCategory as C
from server.domain.phi.text import (
    lowered,
)

# Safe Harbor lists "biometric identifiers, including finger and voice prints". A note rarely holds the print
# itself, but one that records the patient's print being enrolled, taken or used to check their identity
# ("voiceprint enrollment completed for the pt's phone-based identity check", "fingerprints on file with
# the clinic") ties the person to a biometric record. The word must come with an identity or record cue in
# the same sentence: "fingerprint-like lesions", "loss of fingerprints on capecitabine", "impaired facial
# recognition" are clinical findings.
_BIOMETRIC = re.compile(
    r"\b(?i:voice\s?prints?|finger\s?prints?|thumb\s?prints?|palm\s?prints?|palm\s+vein|retina(?:l)?\s+scans?"
    r"|iris\s+(?:scans?|recognition|template)|facial\s+recognition|face\s+(?:ID|recognition|scan|template)"
    r"|biometrics?)\b(?![-\u2010]like)"
)

_BIOMETRIC_CUE = re.compile(
    r"(?i:enrol|register|on\s+file|template|captured|taken|stored|database|identity|identif|verif|authenticat"
    r"|unlock|log\s?-?in|sign-?in|check-?in|\bID\b|scanner|sample|record(?:ed|s)?\b|match)"
)

_BIOMETRIC_NOT_BEFORE = re.compile(
    r"(?i:loss\s+of|lost|absent|absence\s+of|worn|faint|no|impaired|poor)\s+(?:\w+\s+)?$"
)

_BIOMETRIC_WHY = "records a biometric identifier (finger or voice print)"

_BIOMETRIC_HINTS = ("print", "scan", "recogn", "biometric", "face id", "palm vein", "template")


def find_biometrics(text: str) -> Iterator[Finding]:
    """Finger, voice, face and iris prints recorded as the person's identity."""
    low = lowered(text) or text.lower()
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
