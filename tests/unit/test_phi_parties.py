"""The record's own people (``check_text(text, parties=...)``): a party's name in any of its forms is not
PHI; a patient's name still is, also in the same sentence, also when it shares a word with a party."""

from __future__ import annotations

import pytest

from server.domain.errors import Invalid
from server.domain.phi import PhiCategory, check_text, ensure_no_phi


def _names(text: str, parties: tuple[str, ...]) -> list[str]:
    return [
        text[h.start : h.end]
        for h in check_text(text, parties=parties)
        if h.category is PhiCategory.PERSON_NAME
    ]


@pytest.mark.parametrize(
    ("text", "parties"),
    [
        ("Great job today, Priya! Your HPI was focused.", ("Priya Raman",)),
        ("Sincerely, Dr. Adebayo Ogunleye, MD, FACP", ("Adebayo Ogunleye",)),
        ("Dr. Ivanova, quick q: should I use the Oswestry?", ("Irina Ivanova",)),
        ("Thanks Coach Elena - I'll redo the A&P tonight.", ("Elena Sokolova",)),
        ("Dr. Alvarez approved Laura Chen's final evaluation.", ("Laura Chen", "Dr. Miguel Alvarez")),
        ("Atenciosamente, Dra. Beatriz Lopes - preceptora.", ("Beatriz Lopes",)),
        ("Dr. Martínez, ¿puedo enviarle mi caso clínico hoy?", ("Jorge Martinez",)),  # accents folded
        ("spoke with priya about her presentation", ("Priya Raman",)),  # lower case
        ("I am writing in strong support of Hamid Karimi.", ("Hamid Karimi",)),
    ],
)
def test_a_party_named_in_any_form_passes(text: str, parties: tuple[str, ...]) -> None:
    assert check_text(text) != []  # without the parties the guard objects: the test can fail
    assert check_text(text, parties=parties) == []


@pytest.mark.parametrize(
    ("text", "parties", "patient"),
    [
        # a patient's name beside a party's, in the same sentence
        ("Priya presented Mr. Alvarez's case well.", ("Priya Raman",), "Mr. Alvarez"),
        ("Dr. Reyes saw Rosa Delgado, 54F, with Priya.", ("Priya Raman", "Ana Reyes"), "Rosa Delgado"),
        # sharing a given name or a family name with a party does not make a patient a party
        ("Priya Singh, 45F, presented with chest pain.", ("Priya Raman",), "Priya Singh"),
        # a party's name where a patient's goes
        ("pt Raman has chest pain", ("Priya Raman",), "Raman"),
        ("Baby Chen, born at 28 weeks.", ("Laura Chen",), "Baby Chen"),
    ],
)
def test_a_patient_name_is_still_found(text: str, parties: tuple[str, ...], patient: str) -> None:
    names = _names(text, parties)
    assert any(patient in n or n in patient for n in names), names


def test_parties_do_not_hide_other_identifiers() -> None:
    text = "Priya called the daughter at (617) 555-0143 on 03/14/2024."
    found = {h.category for h in check_text(text, parties=("Priya Raman",))}
    assert found == {PhiCategory.PHONE, PhiCategory.DATE}


def test_blank_and_title_only_parties_allow_nothing() -> None:
    text = "Dr. Patel reviewed the case."
    assert check_text(text, parties=("", "  ", "Dr.", "MD")) == check_text(text) != []


def test_ensure_no_phi_takes_parties() -> None:
    ensure_no_phi({"strengths": "Kwame committed to a diagnosis."}, parties=["Kwame Mensah"])
    with pytest.raises(Invalid) as caught:
        ensure_no_phi({"strengths": "Kwame presented Mrs. Okafor well."}, parties=["Kwame Mensah"])
    assert "Mrs. Okafor" in caught.value.message and "Kwame" not in caught.value.message
