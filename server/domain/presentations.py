"""The case presentation: its two formats and their structured fields, the preceptor's One-Minute-
Preceptor feedback, the draft -> submitted -> reviewed states, and the rules for the differential that
goes with it (how many items each format asks for at submission, and the preceptor's overrides).

Plain Python. Every field is free text with a length limit; whether the text holds patient identifiers
is for the PHI guard (``server.domain.phi``), which the services run over every field named here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from server.domain.differential import Differential, Override, check_submittable, match_items
from server.domain.errors import Conflict, Invalid

SHORT_MAX = 500
LONG_MAX = 4000
MAX_OVERRIDES = 50
SNAPPS_DIFFERENTIAL_MIN = 2
SNAPPS_DIFFERENTIAL_MAX = 3


class PresentationFormat(StrEnum):
    """The full oral case presentation, or the learner-led SNAPPS."""

    ORAL = "oral"
    SNAPPS = "snapps"


class PresentationState(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    REVIEWED = "reviewed"


@dataclass(frozen=True, slots=True)
class Presentation:
    """A visitor's presentation of one case log as written: its format's checked ``content``, the
    ranked differential, the preceptor's reference differential with the match overrides and who
    entered them when, the One-Minute-Preceptor ``feedback`` with who reviewed it when, and its times.
    No id: :class:`StoredPresentation` is one the database has."""

    case_log_id: int
    visitor_id: int
    format: PresentationFormat
    state: PresentationState
    content: Mapping[str, str]
    differential: Differential
    reference: Differential | None
    overrides: tuple[Override, ...]
    reference_by: int | None
    reference_at: datetime | None
    feedback: Mapping[str, str] | None
    reviewed_by: int | None
    reviewed_at: datetime | None
    created_at: datetime
    updated_at: datetime
    submitted_at: datetime | None


@dataclass(frozen=True, slots=True)
class StoredPresentation(Presentation):
    """A presentation as stored, with its id."""

    id: int


# Each format's fields, in the order they are presented, with their length limits.
ORAL_FIELDS: dict[str, int] = {
    "identification": SHORT_MAX,  # identification and chief concern
    "hpi": LONG_MAX,  # history of present illness, with pertinent negatives
    "pertinent_negatives": SHORT_MAX * 2,
    "past_history": LONG_MAX,
    "medications_allergies": LONG_MAX,
    "social_family_history": LONG_MAX,
    "review_of_systems": LONG_MAX,
    "exam": LONG_MAX,
    "summary_statement": SHORT_MAX * 2,
    "assessment": LONG_MAX,
    "plan": LONG_MAX,
}
SNAPPS_FIELDS: dict[str, int] = {
    "summarize": LONG_MAX,
    "narrow": SHORT_MAX * 2,  # the reasoning behind the 2-3 diagnoses of the differential
    "analyze": LONG_MAX,
    "probe": LONG_MAX,
    "plan": LONG_MAX,
    "select": SHORT_MAX * 2,  # the learning issue
}
FIELDS: dict[PresentationFormat, dict[str, int]] = {
    PresentationFormat.ORAL: ORAL_FIELDS,
    PresentationFormat.SNAPPS: SNAPPS_FIELDS,
}
# What a submitted presentation must have filled in (the others may stay empty).
REQUIRED: dict[PresentationFormat, frozenset[str]] = {
    PresentationFormat.ORAL: frozenset(
        {"identification", "hpi", "exam", "summary_statement", "assessment", "plan"}
    ),
    PresentationFormat.SNAPPS: frozenset(SNAPPS_FIELDS),
}
# The One-Minute Preceptor's five steps, as the preceptor's feedback fields.
FEEDBACK_FIELDS: dict[str, int] = {
    "commitment": LONG_MAX,  # get a commitment
    "evidence": LONG_MAX,  # probe for supporting evidence
    "general_rule": LONG_MAX,  # teach a general rule
    "reinforce": LONG_MAX,  # reinforce what was right
    "correct": LONG_MAX,  # correct mistakes
}


def _check_fields(values: Mapping[str, object], limits: Mapping[str, int], field: str) -> dict[str, str]:
    unknown = [name for name in values if name not in limits]
    if unknown:
        known = ", ".join(limits)
        raise Invalid(f"{str(unknown[0])[:40]!r} is not one of the fields here ({known}).", field=field)
    out: dict[str, str] = {}
    for name, limit in limits.items():
        value = values.get(name)
        if value is None:
            value = ""
        if not isinstance(value, str):
            raise Invalid("Must be text.", field=f"{field}.{name}")
        text = value.strip()
        if len(text) > limit:
            raise Invalid(f"At most {limit} characters (this has {len(text)}).", field=f"{field}.{name}")
        if "\x00" in text:
            raise Invalid("Must not contain the NUL character.", field=f"{field}.{name}")
        out[name] = text
    return out


def check_content(fmt: PresentationFormat, content: Mapping[str, object]) -> dict[str, str]:
    """The format's fields, every one present (empty when not given), trimmed; Invalid for a field the
    format does not have, a value that is not text, or text over its limit."""
    return _check_fields(content, FIELDS[fmt], "content")


def check_complete(fmt: PresentationFormat, content: Mapping[str, str], differential: Differential) -> None:
    """Raise Invalid unless the presentation can be submitted: the format's required fields are filled
    in, and the differential names at least one diagnosis (SNAPPS: narrowed to 2 or 3)."""
    for name in FIELDS[fmt]:
        if name in REQUIRED[fmt] and not content.get(name, "").strip():
            raise Invalid("Fill this in before submitting.", field=f"content.{name}")
    check_submittable(differential, field="differential")
    if fmt is PresentationFormat.SNAPPS and not (
        SNAPPS_DIFFERENTIAL_MIN <= len(differential) <= SNAPPS_DIFFERENTIAL_MAX
    ):
        raise Invalid(
            f"SNAPPS narrows the differential to {SNAPPS_DIFFERENTIAL_MIN} or {SNAPPS_DIFFERENTIAL_MAX} "
            f"diagnoses (this has {len(differential)}).",
            field="differential",
        )


def check_feedback(feedback: Mapping[str, object]) -> dict[str, str]:
    """The One-Minute-Preceptor fields, trimmed and within their limits; at least one filled in."""
    out = _check_fields(feedback, FEEDBACK_FIELDS, "feedback")
    if not any(out.values()):
        raise Invalid("Write at least one part of the feedback.", field="feedback")
    return out


def check_overrides(overrides: Iterable[Override]) -> list[Override]:
    """The overrides with one ruling per pair (the same ruling twice is kept once); Invalid when there
    are too many or a pair is both forced to match and forbidden to."""
    given = list(overrides)
    if len(given) > MAX_OVERRIDES:
        raise Invalid(f"At most {MAX_OVERRIDES} overrides.", field="overrides")
    match_items((), (), given)  # checks the codes' shape and contradictions
    unique: dict[tuple[str, str], Override] = {}
    for override in given:
        unique.setdefault((override.reference_code, override.visitor_code), override)
    return list(unique.values())


def check_editable(state: PresentationState) -> None:
    """The visitor changes a presentation only while it is a draft."""
    if state is not PresentationState.DRAFT:
        raise Conflict("This presentation has been submitted; it can no longer be changed.")


def check_reviewable(state: PresentationState) -> None:
    """The preceptor reviews a submitted presentation, once."""
    if state is PresentationState.DRAFT:
        raise Conflict("This presentation is still a draft; it can be reviewed once it is submitted.")
    if state is PresentationState.REVIEWED:
        raise Conflict("This presentation has already been reviewed.")


def check_reference_allowed(state: PresentationState) -> None:
    """The preceptor's reference differential goes with a submitted (or reviewed) presentation."""
    if state is PresentationState.DRAFT:
        raise Conflict("This presentation is still a draft; enter the reference once it is submitted.")
