"""The guard itself: runs every rule over a text, merges overlapping findings into ``PhiHit``s, words
them for the visitor, and refuses fields that hold an identifier (``ensure_no_phi``).

The rules run in a fixed order (``RULES``). Overlaps are settled by length, then category priority, then
position; findings of the same span and category keep the first rule's reason, so the order is part of
the behaviour.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from server.domain.errors import Invalid
from server.domain.phi.addresses import find_addresses
from server.domain.phi.ages import find_ages
from server.domain.phi.biometrics import find_biometrics
from server.domain.phi.characteristics import find_characteristics
from server.domain.phi.cued_names import find_cued_names
from server.domain.phi.dates import find_dates
from server.domain.phi.foreign_dates import find_foreign_dates
from server.domain.phi.geography import find_geography
from server.domain.phi.given_names import find_given_names
from server.domain.phi.hits import PRIORITY, Finding, PhiCategory, PhiHit, Rule
from server.domain.phi.holidays import find_holidays
from server.domain.phi.lower_case_names import find_lower_case_names
from server.domain.phi.name_frames import find_name_frames
from server.domain.phi.numbers import find_numbers
from server.domain.phi.partial_numbers import find_partial_numbers
from server.domain.phi.parties import is_party_span, normalized, party_words
from server.domain.phi.public import is_public
from server.domain.phi.short_names import find_short_names
from server.domain.phi.spelled_numbers import find_spelled_numbers
from server.domain.phi.typed_dates import find_typed_dates
from server.domain.phi.web import find_web
from server.domain.phi.workplaces import find_workplaces
from server.domain.phi.world_places import find_world_places

# Every rule, in the order the guard runs them (see the module's docstring for why the order matters).
RULES: tuple[Rule, ...] = (
    find_web,
    find_spelled_numbers,
    find_numbers,
    find_partial_numbers,
    find_dates,
    find_typed_dates,
    find_holidays,
    find_foreign_dates,
    find_ages,
    find_addresses,
    find_geography,
    find_world_places,
    find_workplaces,
    find_cued_names,
    find_short_names,
    find_given_names,
    find_lower_case_names,
    find_name_frames,
    find_biometrics,
    find_characteristics,
)


def check_text(text: str, *, parties: Iterable[str] = ()) -> list[PhiHit]:
    """Find Safe Harbor identifiers in ``text``.

    ``parties`` are the names of the platform's people party to the record the text belongs to (the
    learner, the preceptor, the coordinator, a letter's author; see :mod:`.parties`): a name finding made
    only of their names is not an identifier. They must come from the server's records, never from the
    client. Returns the hits ordered by position; overlapping hits are merged so each character is
    reported once, keeping the longer span (or, at equal length, the more specific category). The text is
    not logged.
    """
    if not text:
        return []
    raw: list[Finding] = []
    for rule in RULES:
        raw.extend(rule(text))
    # Empty spans, and findings that point at no patient (public references, the writer's own dates).
    raw = [r for r in raw if r[2] > r[1] and not is_public(text, r)]
    own = party_words(normalized(parties)) if parties else frozenset()
    if own:
        # Before the merge, so that a party's name does not hide a shorter finding under it.
        raw = [
            r for r in raw if r[0] is not PhiCategory.PERSON_NAME or not is_party_span(text, r[1], r[2], own)
        ]
    raw.sort(key=lambda r: (-(r[2] - r[1]), PRIORITY[r[0]], r[1]))
    taken: list[Finding] = []
    for hit in raw:
        if all(hit[2] <= t[1] or hit[1] >= t[2] for t in taken):
            taken.append(hit)
    taken.sort(key=lambda r: r[1])
    return [PhiHit(cat, s, e, reason) for cat, s, e, reason in taken]


def _quote(span: str, limit: int = 60) -> str:
    span = " ".join(span.split())
    return span if len(span) <= limit else span[: limit - 1] + "…"


def describe_hits(text: str, hits: list[PhiHit]) -> str:
    """One message listing each offending span and why, e.g. '"555-0143" looks like a phone number'.

    The message quotes only the offending spans (for the visitor to find and fix them), never the rest of
    the text; it is meant for the person who typed it, not for logs.
    """
    parts = [f'"{_quote(text[h.start : h.end])}" (characters {h.start + 1}-{h.end}) {h.reason}' for h in hits]
    return "; ".join(parts)


class PhiFound(Invalid):
    """``Invalid`` raised by ``ensure_no_phi``; ``hits`` maps each offending field to its hits (spans only,
    never the text), so a page can highlight them."""

    def __init__(self, message: str, *, field: str, hits: dict[str, list[PhiHit]]) -> None:
        super().__init__(message, field=field)
        self.hits = hits


def _masked(text: str, allowed: Sequence[str]) -> str:
    """``text`` with each allowed phrase (longest first) blanked out, keeping its length so that the
    spans found still point into the text as given."""
    for phrase in sorted(allowed, key=len, reverse=True):
        if phrase:
            text = text.replace(phrase, "x" * len(phrase))
    return text


def ensure_no_phi(
    fields: Mapping[str, str], allowed: Sequence[str] = (), *, parties: Iterable[str] = ()
) -> None:
    """Raise ``PhiFound`` (an ``Invalid``, ``field`` = the first offending field) if a field holds PHI.

    ``allowed`` are phrases the caller knows are not a patient's (a letter's own dates, its program's
    name): they are not checked. ``parties`` are the names of the record's own people, passed to
    ``check_text`` (see there). The message names each offending field, span and why,
    so the visitor can remove them; nothing is logged and nothing of the text is kept beyond the
    offending spans quoted in the message.
    """
    found: dict[str, list[PhiHit]] = {}
    parts: list[str] = []
    people = normalized(parties)
    for name, value in fields.items():
        if not value:
            continue
        hits = check_text(_masked(value, allowed) if allowed else value, parties=people)
        if hits:
            found[name] = hits
            parts.append(f"{name}: {describe_hits(value, hits)}")
    if found:
        raise PhiFound(
            "This looks like it contains patient identifiers (HIPAA Safe Harbor); remove them and try again. "
            + " | ".join(parts),
            field=next(iter(found)),
            hits=found,
        )
