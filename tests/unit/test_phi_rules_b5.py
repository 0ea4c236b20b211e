"""The rules written for the weaknesses the fifth blind set showed (tests/phi_blind/README.md), each
with the span it must report and clean traps that share its shape. Written in new words, not copied
from that set."""

from __future__ import annotations

import pytest

from server.domain.phi import PhiCategory, check_text
from server.domain.phi.text import Folded
from tests.support.phi_rules import Found, assert_clean, assert_found, found_ids

C = PhiCategory

FOUND: list[Found] = [
    # numbers: a masked SSN, a ZIP cued over a clause, a wristband's number, a cue that ends in a colon
    (C.SSN, "the form shows ***-**-3108 under her name", "***-**-3108"),
    (C.ZIP_CODE, "her zip on the intake sheet was 77012 so she was sent elsewhere", "77012"),
    (C.MEDICAL_RECORD_NUMBER, "scanned the wristband barcode 0051239984 twice", "0051239984"),
    (C.DEVICE_IDENTIFIER, "the pump serial was printed on the box he brought: QX771-20B", "QX771-20B"),
    (C.HEALTH_PLAN_NUMBER, "Medicaid number is on the card: TX 4410-90231-C", "4410-90231-C"),
    # ages: a relative's age, "actually", how long a relative lived
    (C.AGE_OVER_89, "her husband is 93 and still drives her to dialysis", "93"),
    (C.AGE_OVER_89, "not 79 as charted; she's really 97", "she's really 97"),
    (C.AGE_OVER_89, "his grandfather lived to be 102", "102"),
    # street corners, Latin American house numbers, a named street after "under"
    (C.STREET_ADDRESS, "picked up by EMS at the corner of Wabash and 35th", "Wabash and 35th"),
    (C.STREET_ADDRESS, "she sells tamales at Mission and 19th every morning", "Mission and 19th"),
    (C.STREET_ADDRESS, "vive en Carrera 12 #45-20 con su hija", "Carrera 12 #45-20"),
    (C.STREET_ADDRESS, "sleeps under the Fifth Avenue bridge", "under the Fifth Avenue"),
    # places: a journey, a person noun before a town, a neighbourhood before a large city, "the X area"
    (C.GEOGRAPHY, "she flew in from Iquitos for the biopsy", "Iquitos"),
    (C.GEOGRAPHY, "a farmer from Tamale with a foot ulcer", "Tamale"),
    (C.GEOGRAPHY, "34F at 30 wks from Mathare, Nairobi", "Mathare, Nairobi"),
    (C.GEOGRAPHY, "He lives in the Little Saigon area with his son.", "Little Saigon"),
    # workplaces
    (C.OTHER_IDENTIFIER, "a respiratory therapist on the night shift at Brightwater", "Brightwater"),
    (C.OTHER_IDENTIFIER, "his wife phoned from the Marriott where she works", "Marriott"),
    (C.OTHER_IDENTIFIER, "her son works at the county assessor's office", "county assessor's office"),
    (C.OTHER_IDENTIFIER, "pt is an Uber driver, 12-h days", "Uber"),
    (C.OTHER_IDENTIFIER, "she owns Golden Paws Veterinary in town", "Golden Paws Veterinary"),
    (C.OTHER_IDENTIFIER, "teaches chemistry at Jefferson High", "Jefferson High"),
    # unique characteristics
    (C.OTHER_IDENTIFIER, "she was on the news after the bridge rescue", "she was on the news"),
    (C.OTHER_IDENTIFIER, "He is the starting pitcher for the county team.", "starting pitcher for"),
    (
        C.OTHER_IDENTIFIER,
        "the first Somali man elected to the school board",
        "the first Somali man elected to the",
    ),
    (
        C.OTHER_IDENTIFIER,
        "She is the only Samoan nurse in the county.",
        "the only Samoan nurse in the county",
    ),
    (C.OTHER_IDENTIFIER, "a 'Semper Fi Dominguez' forearm tattoo", "Semper Fi Dominguez"),
    (C.OTHER_IDENTIFIER, "one of two men surviving the mine collapse", "surviving the mine collapse"),
    # handles and links
    (C.OTHER_IDENTIFIER, "his gamer handle is NightOwlKing", "NightOwlKing"),
    (C.OTHER_IDENTIFIER, "she posted on TikTok as 'mia.k_07' from the ward", "mia.k_07"),
    (C.URL, "her fundraiser is at gofund.to/xk81Lm", "gofund.to/xk81Lm"),
    # a birth dated by an event
    (C.DATE, "he was born the night of the great blackout", "born the night of the great blackout"),
]

CLEAN = [
    # ranges and times that are not identifiers or dates
    "Works the 0645-1915 shift on weekends.",
    "Aim for 150-300 minutes a week; the essay is 250-500 words.",
    "INR goal 2-3, vanc trough 15-20, keep K between 4-5.",
    "Clinic Mon/Wed/Fri; Thu next week is didactics.",
    # the writer's own relatives, periods of supervision, a clinician's school
    "Growing up in Accra, I watched my grandmother care for neighbours.",
    "I supervised him from August to October 2025 on the wards.",
    "He is a 2019 graduate of Aga Khan Medical College.",
    # countries stay clean, however they are cued
    "Returned from Rwanda 3 weeks ago; travelled to Malawi in May.",
    # shapes of the new rules in clinical talk
    "Vanc 1 g q12h; Medicaid covers it.",
    "the only abnormality on the panel was a low Na",
    "Pt is on the list for transplant.",
    "ran to the corner of the room when the alarm went off",
    "Drove himself to the ED.",
    "the area of erythema is 4 cm",
    "She follows the wound care team's advice on TikTok.",
]


@pytest.mark.parametrize(("category", "text", "span"), FOUND, ids=found_ids(FOUND))
def test_found(category: PhiCategory, text: str, span: str) -> None:
    assert_found(category, text, span)


@pytest.mark.parametrize("text", CLEAN)
def test_clean(text: str) -> None:
    assert_clean(text)


def test_folded_patterns_report_offsets_of_the_text_as_written() -> None:
    """The case-insensitive cue patterns run on the lower-cased text; where lower-casing changes the
    length ("İ" becomes two characters), they fall back to IGNORECASE and the offsets still hold."""
    rx = Folded(r"\blives\s+in\b")
    for text in ("Pt LIVES IN Gary", "İpek: pt LIVES IN Gary"):
        m = rx.search(text)
        assert m is not None and text[m.start() : m.end()] == "LIVES IN"
    text = "İpek's grandfather: pt is the current mayor of our town"
    found = [text[h.start : h.end] for h in check_text(text)]
    assert "pt is the current mayor" in found, found
