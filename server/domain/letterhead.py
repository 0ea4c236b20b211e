"""The letterhead a letter of recommendation is printed on: the author's name and title, institution,
postal address and a way to reach them (phone, email or both).

ERAS takes a letter only "on letterhead with contact details", so a letter cannot be signed while any
of those is missing (:func:`make_letterhead` says which). The letterhead is taken from the author's
profile when they sign and kept with the letter from then on (:meth:`Letterhead.as_dict`): a signed
letter is final, even if the author later moves."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from server.domain.errors import Conflict, Invalid

FIELDS = ("name", "title", "institution", "address", "phone", "email")
MISSING_LABELS = {
    "name": "your name",
    "institution": "your institution",
    "address": "a postal address",
    "contact": "a phone number or an email address",
}


@dataclass(frozen=True, slots=True)
class Letterhead:
    """What the top of the letter shows; ``phone`` or ``email`` may be empty, not both."""

    name: str
    title: str
    institution: str
    address: str
    phone: str
    email: str

    def as_dict(self) -> dict[str, str]:
        """The letterhead as stored with a signed letter."""
        return asdict(self)

    @property
    def contact_line(self) -> str:
        """Phone and email on one line, whichever exist."""
        return " · ".join(part for part in (self.phone, self.email) if part)


class LetterheadIncomplete(Conflict):
    """The author's profile lacks something a letterhead needs; the message names what."""


def _clean(value: object) -> str:
    return " ".join(value.split()) if isinstance(value, str) else ""


def make_letterhead(
    *,
    name: str | None,
    title: str | None,
    institution: str | None,
    address: str | None,
    phone: str | None,
    email: str | None,
) -> Letterhead:
    """A letterhead from the author's profile, whitespace tidied. Raises :class:`LetterheadIncomplete`
    naming everything missing: the name, the institution, the address, and a phone or an email."""
    head = Letterhead(
        name=_clean(name),
        title=_clean(title),
        institution=_clean(institution),
        address=_clean(address),
        phone=_clean(phone),
        email=_clean(email),
    )
    missing = [key for key in ("name", "institution", "address") if not getattr(head, key)]
    if not head.phone and not head.email:
        missing.append("contact")
    if missing:
        labels = [MISSING_LABELS[key] for key in missing]
        wanted = labels[0] if len(labels) == 1 else ", ".join(labels[:-1]) + " and " + labels[-1]
        raise LetterheadIncomplete(
            f"An ERAS letter is printed on letterhead with contact details. Add {wanted} to your profile "
            "(Dashboard, Your letterhead), then sign."
        )
    return head


def letterhead_of_dict(stored: Any) -> Letterhead:
    """The letterhead kept with a signed letter. Raises Invalid if what is stored is not one."""
    if not isinstance(stored, dict) or any(not isinstance(stored.get(key), str) for key in FIELDS):
        raise Invalid("The letter's stored letterhead is damaged.", field="letterhead")
    return Letterhead(**{key: stored[key] for key in FIELDS})
