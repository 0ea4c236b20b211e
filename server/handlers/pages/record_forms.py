"""What the record's pages share beyond the form plumbing of :mod:`server.handlers.pages.forms`: the
words they show, their notices, and reading their forms (case logs, presentations, ranked differentials,
overrides) into the API's types, with the map from a service's field name back to the form's input."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from server.domain.caselog import (
    AGE_BAND_LABELS,
    ENCOUNTER_SOURCE_LABELS,
    PARTICIPATION_LABELS,
    SETTING_LABELS,
    Complexity,
    EncounterKind,
    LogState,
    ReviewStatus,
    Sex,
    VisitType,
)
from server.domain.differential import MAX_ITEMS, Likelihood, MatchKind, canonical_code
from server.domain.errors import Invalid
from server.domain.presentations import (
    FEEDBACK_FIELDS,
    FIELDS,
    MAX_OVERRIDES,
    REQUIRED,
    PresentationFormat,
    PresentationState,
)
from server.handlers.pages import forms
from server.handlers.pages.forms import FormValues
from server.schemas.presentations import PresentationOut
from server.schemas.record import CaseLogOut

# --- words ---------------------------------------------------------------------------------------

FORMAT_LABELS = {PresentationFormat.ORAL: "Full oral presentation", PresentationFormat.SNAPPS: "SNAPPS"}
CONTENT_LABELS: dict[PresentationFormat, dict[str, tuple[str, str]]] = {
    PresentationFormat.ORAL: {
        "identification": (
            "Identification and chief concern",
            "Age band, sex, setting and the reason for the visit.",
        ),
        "hpi": ("History of present illness", "Onset, course, character, associated symptoms."),
        "pertinent_negatives": ("Pertinent negatives", "What was asked about and is absent."),
        "past_history": ("Past medical and surgical history", ""),
        "medications_allergies": ("Medications and allergies", ""),
        "social_family_history": ("Social and family history", ""),
        "review_of_systems": ("Review of systems", ""),
        "exam": ("Examination", "Vital signs and findings, including what could be examined by video."),
        "summary_statement": ("Summary statement", "One or two sentences with the key features."),
        "assessment": ("Assessment", "Your reasoning; the ranked differential goes below."),
        "plan": ("Plan", "Tests, treatment, counselling, follow-up."),
    },
    PresentationFormat.SNAPPS: {
        "summarize": ("Summarize the history and findings", "Brief: the facts that matter."),
        "narrow": ("Narrow the differential", "The 2 or 3 possibilities, ranked below."),
        "analyze": ("Analyze the differential", "Compare and contrast them: what favours each."),
        "probe": ("Probe the preceptor", "Your questions about what is uncertain."),
        "plan": ("Plan management", ""),
        "select": ("Select a case-related issue to learn about", ""),
    },
}
FEEDBACK_LABELS: dict[str, tuple[str, str]] = {
    "commitment": ("Get a commitment", "What the visitor committed to."),
    "evidence": ("Probe for supporting evidence", ""),
    "general_rule": ("Teach a general rule", ""),
    "reinforce": ("Reinforce what was right", ""),
    "correct": ("Correct mistakes", ""),
}
LIKELIHOOD_LABELS = {
    Likelihood.LEADING: "Leading",
    Likelihood.LIKELY: "Likely",
    Likelihood.LESS_LIKELY: "Less likely",
    Likelihood.UNLIKELY: "Unlikely",
}
RECORD_WORDS: dict[str, Any] = {
    "age_bands": {k.value: v for k, v in AGE_BAND_LABELS.items()},
    "settings": {k.value: v for k, v in SETTING_LABELS.items()},
    "participation": {k.value: v for k, v in PARTICIPATION_LABELS.items()},
    "sexes": {Sex.FEMALE: "Female", Sex.MALE: "Male", Sex.OTHER: "Other", Sex.UNKNOWN: "Not known"},
    "visit_types": {VisitType.NEW: "New", VisitType.FOLLOW_UP: "Follow-up", VisitType.CONSULT: "Consult"},
    "complexities": {Complexity.LOW: "Low", Complexity.MODERATE: "Moderate", Complexity.HIGH: "High"},
    "kinds": {
        EncounterKind.PATIENT_VISIT: "Patient visit",
        EncounterKind.HUDDLE: "Huddle",
        EncounterKind.DIDACTIC: "Didactic",
    },
    "sources": {k.value: v for k, v in ENCOUNTER_SOURCE_LABELS.items()},
    "log_states": {LogState.DRAFT: "Draft", LogState.SUBMITTED: "Submitted"},
    "review_statuses": {
        ReviewStatus.PENDING: "Awaiting review",
        ReviewStatus.CONFIRMED: "Diagnoses confirmed",
        ReviewStatus.CORRECTED: "Diagnoses corrected",
    },
    "presentation_states": {
        PresentationState.DRAFT: "Draft",
        PresentationState.SUBMITTED: "Submitted",
        PresentationState.REVIEWED: "Reviewed",
    },
    "formats": FORMAT_LABELS,
    "content": CONTENT_LABELS,
    "required": REQUIRED,
    "feedback": FEEDBACK_LABELS,
    "likelihoods": LIKELIHOOD_LABELS,
    "match_kinds": {
        MatchKind.EXACT: "Exact code",
        MatchKind.CATEGORY: "Same category",
        MatchKind.OVERRIDE: "Override",
    },
    "needs": {"diagnoses": "Confirm diagnoses", "feedback": "Give feedback", "reference": "Enter reference"},
    "max_items": MAX_ITEMS,
}
RECORD_NOTICES: dict[str, str] = {
    "case_logged": "Case log submitted; your preceptor will confirm the diagnoses.",
    "case_draft": "Case log saved as a draft. Submit it when it is complete.",
    "presentation_submitted": "Presentation submitted; your preceptor will review it.",
    "presentation_draft": "Presentation saved as a draft.",
    "diagnoses_confirmed": "Diagnoses confirmed.",
    "diagnoses_corrected": "Diagnoses corrected; the visitor sees your list.",
    "feedback_saved": "Feedback saved; the presentation is reviewed.",
    "reference_saved": "Reference differential saved; the visitor can now compare.",
}
CASE_LOG_LABELS = {
    "encounter": "Encounter",
    "week": "Rotation week",
    "kind": "Kind of encounter",
    "setting": "Setting",
    "consent_recorded": "Patient consent recorded",
    "age_band": "Age band",
    "sex": "Sex",
    "visit_type": "Visit type",
    "chief_complaint": "Chief complaint",
    "note": "Note",
    "minutes": "Minutes",
    "complexity": "Complexity",
    "participation": "Your participation",
    "diagnoses": "Diagnoses",
}
DIAGNOSIS_INPUTS = 5  # empty code inputs offered on a form without scripts (one per diagnosis)
EXTRA_ROWS = 2  # empty differential rows offered below the filled ones


def render(
    request: web.Request,
    template: str,
    context: Mapping[str, Any],
    *,
    status: int = 200,
    notices: Sequence[Mapping[str, str]] = (),
) -> web.Response:
    """A record page: :func:`forms.render` with the record's words and notices (a feature's own
    ``notices`` first)."""
    return forms.render(
        request, template, {"rw": RECORD_WORDS, **context}, status=status, notices=(*notices, RECORD_NOTICES)
    )


# --- case logs -----------------------------------------------------------------------------------


def case_log_values(form: FormValues | None = None, log: CaseLogOut | None = None) -> dict[str, Any]:
    """The case-log form's values: as submitted, from a saved log, or the defaults of a new one."""
    if form is not None:
        values: dict[str, Any] = {k: str(form.get(k, "")) for k in CASE_LOG_LABELS}
        values["participation"] = [str(v) for v in form.getall("participation", [])]
        values["diagnoses"] = [str(v) for v in form.getall("diagnoses", [])]
        return values
    if log is not None:
        return {
            "age_band": log.age_band.value,
            "sex": log.sex.value,
            "visit_type": log.visit_type.value,
            "chief_complaint": log.chief_complaint,
            "note": log.note or "",
            "minutes": str(log.minutes),
            "complexity": log.complexity.value,
            "participation": [p.value for p in log.participation],
            "diagnoses": [d.code for d in log.diagnoses],
        }
    return {"encounter": "new", "week": "1", "minutes": "", "participation": [], "diagnoses": []}


def typed_code(raw: object) -> str:
    """What was typed in a code field: "I10 Essential hypertension" (a code followed by its description,
    as the type-ahead shows it) is read as "I10"; anything else is kept whole, so that a refusal quotes
    all that was typed ("chest pain", not "chest")."""
    text = " ".join(str(raw).split())
    first = text.split(" ", 1)[0]
    return first if canonical_code(first) is not None else text


def diagnosis_codes(values: FormValues, name: str = "diagnoses") -> list[str]:
    """The codes typed or chosen (see :func:`typed_code`), blank inputs dropped."""
    return [code for raw in values.getall(name, []) if (code := typed_code(raw))]


def case_log_field(name: str) -> str | None:
    """The case-log form's input for a service or pydantic field (``diagnoses.1`` -> ``diagnoses``)."""
    base = name.split(".")[0].split("[")[0]
    return base if base in CASE_LOG_LABELS else None


# --- differentials and presentations -------------------------------------------------------------

_ROW_FIELD = re.compile(r"^(?:differential|items)(?:\[(\d+)\]|\.(\d+))(?:\.(\w+))?")
_OVERRIDE_FIELD = re.compile(r"^overrides(?:\[(\d+)\]|\.(\d+))(?:\.(\w+))?")
ROW_TEXTS = ("findings_for", "findings_against", "next_test")


@dataclass
class Rows:
    """Differential rows read from a form: the items (ranked 1..n) and, for each item, the number of
    the form row it came from (to put a message next to the right row)."""

    items: list[dict[str, Any]]
    row_of: list[int]


def _row_numbers(values: Mapping[str, Any], prefix: str) -> list[int]:
    found = set()
    pattern = re.compile(rf"^{prefix}-(\d{{1,3}})-")
    for key in values:
        if match := pattern.match(key):
            found.add(int(match.group(1)))
    return sorted(found)


def read_rows(values: Mapping[str, Any], prefix: str = "dx") -> Rows:
    """The ranked differential of a form. A row with no code and no text is left out; the rows are
    ordered by their rank field (then by position) and renumbered 1..n, so a removed row leaves no gap.
    The same rank on two rows is refused, naming the second."""
    rows = []
    seen_ranks: dict[int, int] = {}
    for position, number in enumerate(_row_numbers(values, prefix)):

        def get(key: str, n: int = number) -> str:
            return str(values.get(f"{prefix}-{n}-{key}", "")).strip()

        code = typed_code(get("code"))
        texts = {key: get(key) for key in ROW_TEXTS}
        if not code and not any(texts.values()):
            continue
        if not code:
            raise Invalid(
                "Give the ICD-10-CM code of this diagnosis, or clear the row.",
                field=f"{prefix}-{number}-code",
            )
        if canonical_code(code) is None:
            # Words where a code goes (the type-ahead was not used): said here, quoting all of them,
            # before the schema's length limit would answer in its own terms.
            raise Invalid(
                f"{code[:60]!r} is not an ICD-10-CM code: type a code such as I10, or words to search "
                "and choose a code from the list.",
                field=f"{prefix}-{number}-code",
            )
        rank_text = get("rank")
        if rank_text and not (rank_text.isascii() and rank_text.isdigit() and len(rank_text) <= 3):
            raise Invalid("The rank must be a whole number.", field=f"{prefix}-{number}-rank")
        rank = int(rank_text) if rank_text else 1000 + position
        if rank in seen_ranks:
            raise Invalid(
                f"Rank {rank} is given to two rows; give each its own.", field=f"{prefix}-{number}-rank"
            )
        seen_ranks[rank] = number
        rows.append(
            (
                rank,
                number,
                {
                    "code": code,
                    "likelihood": get("likelihood"),
                    "cant_miss": values.get(f"{prefix}-{number}-cant_miss") == "true",
                    **texts,
                },
            )
        )
    rows.sort(key=lambda row: row[0])
    items = [{**item, "rank": i + 1} for i, (_, _, item) in enumerate(rows)]
    return Rows(items=items, row_of=[number for _, number, _ in rows])


def row_field(name: str, rows: Rows, prefix: str = "dx") -> str | None:
    """The form input of a differential field the service named (``differential[1].code``)."""
    match = _ROW_FIELD.match(name)
    if match is None:
        return "differential" if name in ("differential", "items") else None
    index = int(match.group(1) or match.group(2))
    if index >= len(rows.row_of):
        return "differential"
    return f"{prefix}-{rows.row_of[index]}-{match.group(3) or 'code'}"


def _shown_order(values: Mapping[str, Any], prefix: str) -> list[int]:
    """The row numbers in the order the person left the rows: by the rank each was given (the editor's
    Move up and Move down change the ranks, not the row numbers), rows without a rank after the ranked
    ones, in their own order."""

    def key(item: tuple[int, int]) -> tuple[int, int, int]:
        position, number = item
        rank = str(values.get(f"{prefix}-{number}-rank", "")).strip()
        if rank.isascii() and rank.isdigit() and len(rank) <= 3:
            return (0, int(rank), position)
        return (1, 0, position)

    return [number for _, number in sorted(enumerate(_row_numbers(values, prefix)), key=key)]


def form_rows(values: Mapping[str, Any], prefix: str = "dx") -> list[dict[str, Any]]:
    """The rows as submitted, in the order the person left them, to show the form again after a
    refusal."""
    rows = []
    for number in _shown_order(values, prefix):

        def get(key: str, n: int = number) -> str:
            return str(values.get(f"{prefix}-{n}-{key}", ""))

        rows.append(
            {
                "n": number,
                "rank": get("rank"),
                "code": get("code"),
                "description": "",
                "likelihood": get("likelihood"),
                "cant_miss": values.get(f"{prefix}-{number}-cant_miss") == "true",
                **{key: get(key) for key in ROW_TEXTS},
            }
        )
    return rows


def item_rows(items: list[Any]) -> list[dict[str, Any]]:
    """Saved differential items (``DifferentialItemOut``) as form rows."""
    return [
        {
            "n": i,
            "rank": str(item.rank),
            "code": item.code,
            "description": item.description,
            "likelihood": item.likelihood.value,
            "cant_miss": item.cant_miss,
            "findings_for": item.findings_for,
            "findings_against": item.findings_against,
            "next_test": item.next_test,
        }
        for i, item in enumerate(items)
    ]


def padded(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The rows plus empty ones to fill in (at least three rows, at most the differential's limit)."""
    out = list(rows)
    next_number = max((r["n"] for r in rows), default=-1) + 1
    wanted = min(MAX_ITEMS, max(len(rows) + EXTRA_ROWS, 3))
    while len(out) < wanted:
        out.append(
            {
                "n": next_number,
                "rank": "",
                "code": "",
                "description": "",
                "likelihood": "",
                "cant_miss": False,
                **dict.fromkeys(ROW_TEXTS, ""),
            }
        )
        next_number += 1
    return out


def presentation_values(
    fmt: PresentationFormat, form: FormValues | None = None, shown: PresentationOut | None = None
) -> dict[str, Any]:
    """The presentation form's values: the format, its content fields and the differential rows."""
    if form is not None:
        content = {name: str(form.get(f"content.{name}", "")) for name in FIELDS[fmt]}
        return {"format": fmt, "content": content, "rows": padded(form_rows(form))}
    if shown is not None and shown.format is fmt:
        return {"format": fmt, "content": dict(shown.content), "rows": padded(item_rows(shown.differential))}
    rows = item_rows(shown.differential) if shown is not None else []
    return {"format": fmt, "content": dict.fromkeys(FIELDS[fmt], ""), "rows": padded(rows)}


def presentation_body(values: FormValues, fmt: PresentationFormat, rows: Rows) -> dict[str, Any]:
    """The JSON-shaped body of a ``PresentationIn`` from the form."""
    return {
        "format": fmt.value,
        "content": {name: str(values.get(f"content.{name}", "")) for name in FIELDS[fmt]},
        "differential": rows.items,
        "submit": values.get("intent") == "submit",
    }


def presentation_field(name: str, rows: Rows) -> str | None:
    """The presentation form's input for a service field."""
    if name.startswith("content."):
        return name
    return row_field(name, rows)


def read_overrides(values: Mapping[str, Any]) -> tuple[list[dict[str, Any]], list[int]]:
    """The override rows of the reference form that name both codes, and their form row numbers."""
    out = []
    numbers = []
    for number in _row_numbers(values, "ov"):
        reference = str(values.get(f"ov-{number}-reference_code", "")).strip()
        visitor = str(values.get(f"ov-{number}-visitor_code", "")).strip()
        ruling = str(values.get(f"ov-{number}-match", "")).strip()
        if not reference and not visitor:
            continue
        if not reference or not visitor:
            missing = "reference_code" if not reference else "visitor_code"
            raise Invalid("Name both codes of the pair, or clear the row.", field=f"ov-{number}-{missing}")
        if ruling not in ("true", "false"):
            raise Invalid("Choose whether the pair counts as a match.", field=f"ov-{number}-match")
        out.append({"reference_code": reference, "visitor_code": visitor, "match": ruling == "true"})
        numbers.append(number)
    return out[: MAX_OVERRIDES + 1], numbers


def reference_field(name: str, rows: Rows, override_rows: list[int]) -> str | None:
    """The reference form's input for a service field (items or overrides)."""
    match = _OVERRIDE_FIELD.match(name)
    if match is not None:
        index = int(match.group(1) or match.group(2))
        if index < len(override_rows):
            return f"ov-{override_rows[index]}-{match.group(3) or 'reference_code'}"
        return None
    return row_field(name, rows)


def feedback_field(name: str) -> str | None:
    """The feedback form's input for a service field (``feedback.evidence`` -> ``evidence``)."""
    short = name.removeprefix("feedback.")
    return short if short in FEEDBACK_FIELDS else None
