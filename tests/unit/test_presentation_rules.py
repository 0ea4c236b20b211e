"""The case presentation's domain rules: each format's fields and limits, completeness at submission
(SNAPPS narrows to 2-3 diagnoses), the One-Minute-Preceptor feedback, overrides, and the states."""

from __future__ import annotations

import pytest

from server.domain.differential import Differential, DifferentialItem, Likelihood, Override, make_differential
from server.domain.errors import Conflict, Invalid
from server.domain.presentations import (
    LONG_MAX,
    MAX_OVERRIDES,
    ORAL_FIELDS,
    REQUIRED,
    SNAPPS_FIELDS,
    PresentationFormat,
    PresentationState,
    check_complete,
    check_content,
    check_editable,
    check_feedback,
    check_overrides,
    check_reference_allowed,
    check_reviewable,
)

ORAL = PresentationFormat.ORAL
SNAPPS = PresentationFormat.SNAPPS


def differential(*codes: str) -> Differential:
    return make_differential(
        DifferentialItem(rank=i + 1, code=code, likelihood=Likelihood.LIKELY) for i, code in enumerate(codes)
    )


def test_content_has_every_field_of_its_format_trimmed() -> None:
    out = check_content(ORAL, {"hpi": "  Cough x3 days  "})
    assert list(out) == list(ORAL_FIELDS) and out["hpi"] == "Cough x3 days" and out["exam"] == ""
    assert list(check_content(SNAPPS, {})) == list(SNAPPS_FIELDS)


@pytest.mark.parametrize(
    ("fmt", "content", "field"),
    [
        (ORAL, {"summarize": "x"}, "content"),
        (SNAPPS, {"hpi": "x"}, "content"),
        (ORAL, {"hpi": 3}, "content.hpi"),
        (ORAL, {"hpi": "x" * (LONG_MAX + 1)}, "content.hpi"),
        (ORAL, {"identification": "x" * 501}, "content.identification"),
        (SNAPPS, {"select": "a\x00b"}, "content.select"),
    ],
)
def test_content_refuses_unknown_fields_wrong_types_and_oversize_text(
    fmt: PresentationFormat, content: dict[str, object], field: str
) -> None:
    with pytest.raises(Invalid) as caught:
        check_content(fmt, content)
    assert caught.value.field == field


def test_a_field_exactly_at_its_limit_passes() -> None:
    assert len(check_content(ORAL, {"hpi": "x" * LONG_MAX})["hpi"]) == LONG_MAX


def test_submission_needs_the_required_fields_and_a_differential() -> None:
    full = {name: "text" for name in ORAL_FIELDS}
    check_complete(ORAL, full, differential("I10"))
    missing = sorted(REQUIRED[ORAL])[0]
    with pytest.raises(Invalid) as caught:
        check_complete(ORAL, {**full, missing: " "}, differential("I10"))
    assert caught.value.field == f"content.{missing}"
    with pytest.raises(Invalid) as caught:
        check_complete(ORAL, full, differential())
    assert caught.value.field == "differential"


@pytest.mark.parametrize(
    ("codes", "ok"),
    [
        (("I10",), False),
        (("I10", "E11.9"), True),
        (("I10", "E11.9", "J06.9"), True),
        (("I10", "E11.9", "J06.9", "K21.9"), False),
    ],
)
def test_snapps_narrows_the_differential_to_two_or_three(codes: tuple[str, ...], ok: bool) -> None:
    content = {name: "text" for name in SNAPPS_FIELDS}
    if ok:
        check_complete(SNAPPS, content, differential(*codes))
    else:
        with pytest.raises(Invalid, match="2 or 3"):
            check_complete(SNAPPS, content, differential(*codes))


def test_feedback_needs_one_part_and_knows_only_the_five_steps() -> None:
    out = check_feedback({"commitment": " Asked for a diagnosis ", "correct": None})
    assert out["commitment"] == "Asked for a diagnosis" and out["correct"] == ""
    with pytest.raises(Invalid):
        check_feedback({"commitment": "  "})
    with pytest.raises(Invalid):
        check_feedback({"praise": "x"})


def test_overrides_are_deduplicated_and_contradictions_refused() -> None:
    same = Override("I21.4", "I20.0", True)
    assert check_overrides([same, same]) == [same]
    with pytest.raises(Invalid):
        check_overrides([same, Override("I21.4", "I20.0", False)])
    with pytest.raises(Invalid):
        check_overrides([Override("I21.4", f"I20.{i}", True) for i in range(MAX_OVERRIDES + 1)])


def test_states_draft_submitted_reviewed() -> None:
    check_editable(PresentationState.DRAFT)
    for state in (PresentationState.SUBMITTED, PresentationState.REVIEWED):
        with pytest.raises(Conflict):
            check_editable(state)
    check_reviewable(PresentationState.SUBMITTED)
    for state in (PresentationState.DRAFT, PresentationState.REVIEWED):
        with pytest.raises(Conflict):
            check_reviewable(state)
    with pytest.raises(Conflict):
        check_reference_allowed(PresentationState.DRAFT)
    check_reference_allowed(PresentationState.SUBMITTED)
    check_reference_allowed(PresentationState.REVIEWED)
