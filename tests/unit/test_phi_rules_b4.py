"""The rules written for the weaknesses the fourth blind set showed (tests/phi_blind/README.md), each
with the span it must report and clean traps that share its shape. Written in new words, not copied
from that set."""

from __future__ import annotations

import pytest

from server.domain.phi import PhiCategory
from server.domain.phi.world_places import world_places
from tests.support.phi_rules import Found, assert_clean, assert_found, found_ids

C = PhiCategory

FOUND: list[Found] = [
    # ages: a birth year, a relative's age at death, other languages
    (C.AGE_OVER_89, "Born in 1928, widowed, lives with her niece.", "Born in 1928"),
    (C.AGE_OVER_89, "born in '31, Korean War vet", "born in '31"),
    (C.AGE_OVER_89, "FHx: father passed away at 97 of pneumonia.", "97"),
    (C.AGE_OVER_89, "Senhor de 91 anos com dispneia.", "91 anos"),
    (C.AGE_OVER_89, "Mujer de 93 años con caída.", "93 años"),
    # holidays tied to an event, any case, many countries
    (C.DATE, "His chest pain began on Holi last year.", "on Holi last year"),
    (C.DATE, "rash started around thanksgiving", "around thanksgiving"),
    (C.DATE, "Since Lunar New Year he has lost 4 kg.", "Since Lunar New Year"),
    (C.DATE, "This past Easter she fell on the stairs.", "This past Easter"),
    # dates in other languages
    (C.DATE, "Internada em 3 de fevereiro com febre.", "3 de fevereiro"),
    (C.DATE, "Ingresó el 21 de octubre de 2024.", "21 de octubre de 2024"),
    # towns of the world after a place cue, in any case
    (C.GEOGRAPHY, "lives in toledo with her sister", "toledo"),
    (C.GEOGRAPHY, "Came from Medellín last month for treatment.", "Medellín"),
    (C.GEOGRAPHY, "moradora de Campinas, diabética", "Campinas"),
    (C.GEOGRAPHY, "pt from yaba, lagos with fever", "yaba, lagos"),
    (C.GEOGRAPHY, "From Multan, he works as a driver.", "Multan"),
    # unique characteristics
    (
        C.OTHER_IDENTIFIER,
        "Pt is the longtime town sheriff and wants privacy.",
        "Pt is the longtime town sheriff",
    ),
    (C.OTHER_IDENTIFIER, "She's the woman who won the powerball in March.", "who won the powerball"),
    (C.OTHER_IDENTIFIER, "He survived the refinery explosion in 2019.", "survived the refinery explosion"),
    (C.OTHER_IDENTIFIER, "the only female pilot at the base", "the only female pilot at the"),
    # partial account numbers
    (C.ACCOUNT_NUMBER, "Refund goes to the debit card ending in 5521.", "5521"),
    (C.SSN, "Verified identity with SSN last four 9034.", "9034"),
    # employers
    (C.OTHER_IDENTIFIER, "Her supervisor at Kroger changed her shifts.", "Kroger"),
    (C.OTHER_IDENTIFIER, "trabalha na fábrica da Embraer há 10 anos", "Embraer"),
    # names in frames
    (C.PERSON_NAME, "Baby Amara, 3 days old, jaundiced.", "Amara"),
    (C.PERSON_NAME, "Interpreter: his uncle, Suresh-bhai.", "Suresh-bhai"),
    (C.PERSON_NAME, 'pt "Smokey" Delacroix, 58, COPD', '"Smokey" Delacroix'),
    (C.PERSON_NAME, "The Balogun family declined the autopsy.", "Balogun"),
    (C.PERSON_NAME, "Tobenna, the 4 y/o with croup, is better.", "Tobenna"),
    (C.PERSON_NAME, 'A tattoo reading "MARISOL" on the chest.', "MARISOL"),
    (C.PERSON_NAME, "saw mrs adeyemi-cole for f/u", "adeyemi-cole"),
    (C.PERSON_NAME, "bed 12 - jose maria pena, 71M, CHF", "jose maria pena"),
    (C.PERSON_NAME, "pt batbayar gan-ochir 52M with cough", "batbayar gan-ochir"),
]

CLEAN = [
    # a birth year under 90, a relative's age under 90, a band
    "Born in 1961, non-smoker.",
    "Mother died at 72 of breast cancer.",
    "Pt is 90 or older; the log says 90+.",
    "Niño de 4 años con otitis.",
    # holidays in sentences about no one, and the writer's own
    "The pharmacy is closed on Thanksgiving Day.",
    "Burns from sparklers peak around the Fourth of July.",
    "I'm off on Diwali, back the next day.",
    # guideline months, the rotation's calendar, the writer's own dates and places
    "The FDA approved the RSV vaccine in May 2023.",
    "Our rotation starts on June 2; orientation is on the first day.",
    "My OSCE is on March 3, so I'll log cases after.",
    "I grew up in Karachi and trained in Lahore.",
    # fractions and ranges that look like dates
    "CPAP 10/5 overnight; Beighton 6/9.",
    "Goal BP under 130/80; she is 15/10 above goal.",
    "Recovery takes 6-12 weeks.",
    # public references
    "Gave the Poison Control number, 1-800-222-1222.",
    "Crisis line 1-800-273-8255 is on the handout.",
    "See https://www.cdc.gov/flu/ and https://www.mdcalc.com/calc/10/wells-score.",
    "She follows @cleaneating_guru (a public account) on Instagram.",
    "Sanford Guide and the Harriet Lane Handbook agree; Harrison's chapter on it is good review.",
    # unique-characteristic shapes that are not
    "The mayor announced a boil-water notice for the county.",
    "Survivors of sepsis often have weakness.",
    "the only medication in the bag was metformin",
    "We saw it on the news that measles is back.",
    # partial numbers that are not
    "His shift ending at 7 pm makes the 6 pm dose hard.",
    # frames that are not names
    "mild mr and tr on echo",
    "Started Baby Aspirin daily.",
    "The whole family was screened; the Somali family support group meets weekly.",
    "bed 3 - chest pain, 45M",
    # place cues before words that are also towns
    "lives in fear of falling; came from the bank; moved to a new apartment",
    "Travelled to Lagos State last year? No.",
    "enfermedad de Kawasaki probable",
]


@pytest.mark.parametrize(("category", "text", "span"), FOUND, ids=found_ids(FOUND))
def test_found(category: PhiCategory, text: str, span: str) -> None:
    assert_found(category, text, span)


@pytest.mark.parametrize("text", CLEAN)
def test_clean(text: str) -> None:
    assert_clean(text)


def test_the_world_gazetteer_is_read_once_and_knows_towns_of_every_continent() -> None:
    places = world_places()
    assert world_places() is places  # cached: read once
    assert len(places) > 50_000
    for town in ("gary", "cucuta", "recife", "bhopal", "ikot ekpene", "ciudad juarez", "shiprock"):
        assert town in places, town
    # countries and US states are never local places
    assert "texas" not in places and "nigeria" not in places
