"""Request and response types of the PHI check (``POST /api/v1/phi/check``): the text in, the guard's
findings out. The text is never echoed back, only the positions of what was found."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from pydantic import Field, StringConstraints

from server.domain.caselog import CHIEF_COMPLAINT_MAX, NOTE_MAX
from server.domain.phi import PhiCategory
from server.domain.presentations import LONG_MAX, SHORT_MAX
from server.schemas.base import Id, Input, Output

# The longest free-text field the guard runs on (a presentation's HPI, assessment, plan...): whatever
# a visitor can save can be checked first, and nothing longer.
PHI_CHECK_MAX = max(LONG_MAX, NOTE_MAX, CHIEF_COMPLAINT_MAX, SHORT_MAX * 2)


class PhiRecordKind(StrEnum):
    """Records whose text may name their own people (the guard's parties, docs/phi-guard.md)."""

    ENROLLMENT = "enrollment"  # a preceptor's evaluations of, and feedback to, the enrollment's learner
    LETTER = "letter"  # a letter request: its author writing about the applicant


class PhiRecordIn(Input):
    kind: PhiRecordKind = Field(
        description="enrollment (a preceptor writing an evaluation or feedback) or letter (its author)."
    )
    id: Id = Field(description="The enrollment's or the letter request's id.")


class PhiCheckIn(Input):
    # Not stripped: the spans returned must index the text exactly as the page holds it.
    text: Annotated[str, StringConstraints(max_length=PHI_CHECK_MAX)] = Field(
        description=f"The free text to check, at most {PHI_CHECK_MAX} characters. Nothing of it is stored "
        "or logged."
    )
    record: PhiRecordIn | None = Field(
        default=None,
        description="The record the text is written in, when it is one whose own people may be named "
        "(the learner, the preceptor, a letter's author). The server looks their names up; a client "
        "cannot send names to allow. Without it, every name is checked, as in case logs.",
    )


class PhiFindingOut(Output):
    category: PhiCategory = Field(description="The Safe Harbor identifier kind, e.g. phone or person_name.")
    start: int = Field(ge=0, description="Offset of the first character of the span, in Unicode code points.")
    end: int = Field(ge=0, description="Offset just past the span (text[start:end] is the offending span).")
    reason: str = Field(description="Why the span was flagged, e.g. 'looks like a phone number'.")


class PhiCheckOut(Output):
    clean: bool = Field(description="True when the guard found nothing: the text would be accepted.")
    findings: list[PhiFindingOut] = Field(description="Offending spans in the order they appear.")
