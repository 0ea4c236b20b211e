"""The letterhead a signed letter is printed on: complete or refused naming what is missing."""

from __future__ import annotations

import pytest

from server.domain.errors import Invalid
from server.domain.letterhead import LetterheadIncomplete, letterhead_of_dict, make_letterhead

FULL = {
    "name": "Dr. Ana Ruiz",
    "title": " Attending   Physician ",
    "institution": "Lakeside Clinic",
    "address": "1 Clinic Way\nChicago, IL 60601",
    "phone": "",
    "email": "ana@lakeside.test",
}


def test_a_complete_letterhead_is_tidied_and_round_trips() -> None:
    head = make_letterhead(**FULL)
    assert head.title == "Attending Physician" and head.address == "1 Clinic Way Chicago, IL 60601"
    assert head.contact_line == "ana@lakeside.test"
    assert letterhead_of_dict(head.as_dict()) == head


@pytest.mark.parametrize(
    ("missing", "named"),
    [
        ({"institution": None}, "your institution"),
        ({"address": "   "}, "a postal address"),
        ({"email": None}, "a phone number or an email address"),
        ({"name": ""}, "your name"),
    ],
)
def test_an_incomplete_letterhead_names_what_is_missing(missing: dict[str, str | None], named: str) -> None:
    with pytest.raises(LetterheadIncomplete) as refused:
        make_letterhead(**{**FULL, **missing})
    assert named in refused.value.message and refused.value.status == 409


def test_several_missing_details_are_named_together() -> None:
    with pytest.raises(LetterheadIncomplete) as refused:
        make_letterhead(name="Dr. Ana Ruiz", title="", institution="", address="", phone="", email="")
    assert (
        "your institution, a postal address and a phone number or an email address" in refused.value.message
    )


def test_a_damaged_stored_letterhead_is_refused() -> None:
    with pytest.raises(Invalid):
        letterhead_of_dict({"name": "x"})
