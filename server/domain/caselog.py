"""The case log: what a visitor records about an encounter, and the rules its fields follow.

Plain Python: the vocabulary (age bands, settings, participation...), the limits of each field, the
rotation week's range, the check of a diagnosis list (against a code resolver the caller passes in, so
this module needs no code set), and the draft -> submitted states with the preceptor's review.
Never patient identity: no names, no dates of the visit, an age band instead of an age.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, tzinfo
from enum import StrEnum

from server.domain.dates import local_day, zone_abbreviation
from server.domain.errors import Conflict, Invalid

WEEKS_PER_BLOCK = 4
CHIEF_COMPLAINT_MAX = 300
NOTE_MAX = 2000
MINUTES_MIN = 1
MINUTES_MAX = 600
DIAGNOSES_MIN = 1
DIAGNOSES_MAX = 10


class AgeBand(StrEnum):
    """The patient's age as a band: never an exact age (and over 89 is one band, as Safe Harbor asks)."""

    NEWBORN = "newborn"
    MONTHS_1_11 = "1-11mo"
    YEARS_1_5 = "1-5"
    YEARS_6_11 = "6-11"
    YEARS_12_17 = "12-17"
    YEARS_18_29 = "18-29"
    YEARS_30_39 = "30-39"
    YEARS_40_49 = "40-49"
    YEARS_50_59 = "50-59"
    YEARS_60_69 = "60-69"
    YEARS_70_79 = "70-79"
    YEARS_80_89 = "80-89"
    YEARS_90_PLUS = "90+"


class Sex(StrEnum):
    FEMALE = "female"
    MALE = "male"
    OTHER = "other"
    UNKNOWN = "unknown"


class Setting(StrEnum):
    TELEHEALTH_VIDEO = "telehealth_video"
    TELEHEALTH_AUDIO = "telehealth_audio"
    CLINIC = "clinic"
    INPATIENT = "inpatient"
    ED = "ed"


class VisitType(StrEnum):
    NEW = "new"
    FOLLOW_UP = "follow_up"
    CONSULT = "consult"


class Participation(StrEnum):
    """What the visitor did; several may apply to one encounter."""

    OBSERVED = "observed"
    TOOK_HISTORY = "took_history_under_supervision"
    PRESENTED = "presented"
    COUNSELED = "counseled"


class Complexity(StrEnum):
    LOW = "low"
    MODERATE = "moderate"
    HIGH = "high"


class EncounterKind(StrEnum):
    PATIENT_VISIT = "patient_visit"
    HUDDLE = "huddle"
    DIDACTIC = "didactic"


class EncounterSource(StrEnum):
    """Who put an encounter on the record, which decides what it may stand as evidence for.

    ``platform``: Rounds itself, when a session it hosted ended, for each invited visitor it saw
    connected (its attendance), with the consent its host recorded there: the only encounters a letter
    or certificate may present as "recorded by the Rounds platform". ``preceptor``: entered by hand by a
    preceptor of the program. ``visitor``: entered by the visitor: self-reported, shown as such
    everywhere, and never carrying a patient's consent (only a host records that)."""

    PLATFORM = "platform"
    PRECEPTOR = "preceptor"
    VISITOR = "visitor"


ENCOUNTER_SOURCE_LABELS: dict[EncounterSource, str] = {
    EncounterSource.PLATFORM: "Recorded by Rounds",
    EncounterSource.PRECEPTOR: "Entered by a preceptor",
    EncounterSource.VISITOR: "Self-reported",
}


class LogState(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"


class ReviewStatus(StrEnum):
    """Where the preceptor's review of a log's diagnoses stands."""

    PENDING = "pending"
    CONFIRMED = "confirmed"
    CORRECTED = "corrected"


class ReviewAction(StrEnum):
    CONFIRM = "confirm"
    CORRECT = "correct"


AGE_BAND_LABELS: dict[AgeBand, str] = {
    AgeBand.NEWBORN: "Newborn",
    AgeBand.MONTHS_1_11: "1-11 months",
    AgeBand.YEARS_1_5: "1-5 years",
    AgeBand.YEARS_6_11: "6-11 years",
    AgeBand.YEARS_12_17: "12-17 years",
    AgeBand.YEARS_18_29: "18-29 years",
    AgeBand.YEARS_30_39: "30-39 years",
    AgeBand.YEARS_40_49: "40-49 years",
    AgeBand.YEARS_50_59: "50-59 years",
    AgeBand.YEARS_60_69: "60-69 years",
    AgeBand.YEARS_70_79: "70-79 years",
    AgeBand.YEARS_80_89: "80-89 years",
    AgeBand.YEARS_90_PLUS: "90 years or older",
}

SETTING_LABELS: dict[Setting, str] = {
    Setting.TELEHEALTH_VIDEO: "Telehealth (video)",
    Setting.TELEHEALTH_AUDIO: "Telehealth (audio)",
    Setting.CLINIC: "Clinic",
    Setting.INPATIENT: "Inpatient",
    Setting.ED: "Emergency department",
}

PARTICIPATION_LABELS: dict[Participation, str] = {
    Participation.OBSERVED: "Observed",
    Participation.TOOK_HISTORY: "Took history under supervision",
    Participation.PRESENTED: "Presented",
    Participation.COUNSELED: "Counseled",
}


@dataclass(frozen=True, slots=True)
class Encounter:
    """An encounter as recorded: its enrollment, the live session it came from (if any), its kind and
    setting, the rotation week, the patient's consent (the record's id when taken in a session, or the
    flag a patient visit a preceptor entered by hand carries; None on a visitor's own entry), who
    recorded it and when, and by which route (:class:`EncounterSource`)."""

    id: int
    enrollment_id: int
    session_id: int | None
    kind: EncounterKind
    setting: Setting
    rotation_week: int
    consent_id: int | None
    consent_recorded: bool | None
    created_by: int
    created_at: datetime
    source: EncounterSource

    @property
    def self_reported(self) -> bool:
        """Entered by the visitor: what they say, not what the platform or a preceptor recorded."""
        return self.source is EncounterSource.VISITOR

    @property
    def platform_patient_seen(self) -> bool:
        """A patient visit the platform hosted, saw the visitor in, and in which the host recorded the
        patient's consent to learners: what "observed the care of N patients" may count."""
        return (
            self.source is EncounterSource.PLATFORM
            and self.kind is EncounterKind.PATIENT_VISIT
            and self.consent_id is not None
        )


@dataclass(frozen=True, slots=True)
class CaseLog:
    """A visitor's log of one encounter as written: the checked fields, its state, the preceptor's
    review (``diagnoses`` stays the visitor's list; a correction goes to ``corrected_diagnoses``) and
    its times. No id: :class:`StoredCaseLog` is a log the database has."""

    encounter_id: int
    visitor_id: int
    state: LogState
    age_band: AgeBand
    sex: Sex
    visit_type: VisitType
    chief_complaint: str
    note: str | None
    minutes: int
    complexity: Complexity
    participation: tuple[Participation, ...]
    diagnoses: tuple[str, ...]
    corrected_diagnoses: tuple[str, ...] | None
    review_status: ReviewStatus
    reviewed_by: int | None
    reviewed_at: datetime | None
    created_at: datetime
    updated_at: datetime
    submitted_at: datetime | None


@dataclass(frozen=True, slots=True)
class StoredCaseLog(CaseLog):
    """A case log as stored, with its id."""

    id: int


KIND_NAMES: dict[EncounterKind, str] = {
    EncounterKind.PATIENT_VISIT: "Patient visit",
    EncounterKind.HUDDLE: "Huddle",
    EncounterKind.DIDACTIC: "Didactic",
}


def short_date(d: date) -> str:
    """A day as an encounter's label shows it: "Fri Dec 4, 2026"."""
    return f"{d:%a} {d:%b} {d.day}, {d.year}"


def encounter_label(
    encounter: Encounter,
    session_title: str | None,
    session_starts_at: datetime | None,
    zone: tzinfo | None = None,
) -> str:
    """How a person tells one encounter from another in a list or a picker: its week and kind, then the
    session's date and title where it came from a session, else its setting and when it was entered,
    and "self-reported" when the visitor entered it. Two huddles of one week read differently. Days and
    times are the reader's, in ``zone`` (UTC when None)."""
    parts = [f"Week {encounter.rotation_week}", KIND_NAMES[encounter.kind]]
    if session_starts_at is not None:
        parts.append(short_date(local_day(session_starts_at, zone)))
    if session_title:
        parts.append(session_title)
    if session_starts_at is None:
        parts.append(SETTING_LABELS[encounter.setting])
        local = encounter.created_at.astimezone(zone or UTC)
        parts.append(f"entered {short_date(local.date())}, {local:%H:%M} {zone_abbreviation(local)}")
    if encounter.self_reported:
        parts.append("self-reported")
    return " · ".join(parts)


def weeks_in(number_of_blocks: int) -> int:
    """How many rotation weeks an enrollment of ``number_of_blocks`` stacked blocks has."""
    return WEEKS_PER_BLOCK * max(number_of_blocks, 0)


def check_week(week: int, number_of_blocks: int) -> None:
    """Raise Invalid unless ``week`` is a week of a rotation of ``number_of_blocks`` blocks."""
    last = weeks_in(number_of_blocks)
    if not 1 <= week <= last:
        raise Invalid(f"The rotation week must be between 1 and {last} for this enrollment.", field="week")


def check_consent(
    kind: EncounterKind, consent_recorded: bool | None, source: EncounterSource = EncounterSource.PLATFORM
) -> bool | None:
    """The consent flag to store: a patient visit has one (False until recorded); other kinds have no
    patient, so giving one for them is an error. A visitor never attests a patient's consent (the host
    records it in the session): their own entries carry none, and offering one is an error."""
    if source is EncounterSource.VISITOR:
        if consent_recorded is not None:
            raise Invalid(
                "A visitor does not record a patient's consent: the host records it during the session, "
                "and Rounds adds the encounter to your record when the session ends. Leave "
                "consent_recorded out of an encounter you enter yourself.",
                field="consent_recorded",
            )
        if kind is EncounterKind.PATIENT_VISIT:
            return None
    if kind is EncounterKind.PATIENT_VISIT:
        return bool(consent_recorded)
    if consent_recorded is not None:
        raise Invalid("Only a patient visit has a patient's consent to record.", field="consent_recorded")
    return None


def check_participation(items: Sequence[Participation]) -> list[Participation]:
    """At least one participation, none twice; returned in the vocabulary's order."""
    if not items:
        raise Invalid("Choose at least one way you took part.", field="participation")
    if len(set(items)) != len(items):
        raise Invalid("A participation is listed twice.", field="participation")
    return [p for p in Participation if p in items]


def check_diagnoses(
    codes: Sequence[str], resolve: Callable[[str], str | None], *, field: str = "diagnoses"
) -> list[str]:
    """The diagnosis codes in canonical form ("e119" -> "E11.9"), in the order given.

    ``resolve`` maps a code as typed to its canonical form, or None when the code set has no such code.
    Raises Invalid naming the first unknown code, or a code given twice (in any spelling).
    """
    if not DIAGNOSES_MIN <= len(codes) <= DIAGNOSES_MAX:
        raise Invalid(
            f"Give between {DIAGNOSES_MIN} and {DIAGNOSES_MAX} diagnosis codes.",
            field=field,
        )
    canonical: list[str] = []
    for typed in codes:
        code = resolve(typed.strip())
        if code is None:
            raise Invalid(f"{typed.strip()[:60]!r} is not an ICD-10-CM code.", field=field)
        if code in canonical:
            raise Invalid(f"{code} is listed twice.", field=field)
        canonical.append(code)
    return canonical


def check_editable(state: LogState) -> None:
    """A visitor may change a log only while it is a draft."""
    if state is not LogState.DRAFT:
        raise Conflict("This case log has been submitted; it can no longer be changed.")


def check_reviewable(state: LogState) -> None:
    """A preceptor reviews the diagnoses of a submitted log only: a draft may still change."""
    if state is not LogState.SUBMITTED:
        raise Conflict("This case log is still a draft; it can be reviewed once the visitor submits it.")


def plan_review(
    action: ReviewAction, original: Sequence[str], corrected: Sequence[str] | None
) -> tuple[ReviewStatus, list[str] | None]:
    """The review status and corrected list to store for a preceptor's ``action``.

    Confirming takes no list. Correcting needs a (checked, canonical) list; one equal to the visitor's
    own list is a confirmation, not a correction.
    """
    if action is ReviewAction.CONFIRM:
        if corrected is not None:
            raise Invalid("Confirming keeps the visitor's diagnoses; send no list.", field="diagnoses")
        return ReviewStatus.CONFIRMED, None
    if corrected is None:
        raise Invalid("Give the corrected list of diagnosis codes.", field="diagnoses")
    if list(corrected) == list(original):
        return ReviewStatus.CONFIRMED, None
    return ReviewStatus.CORRECTED, list(corrected)


def final_diagnoses(original: Sequence[str], corrected: Sequence[str] | None) -> list[str]:
    """The diagnoses that count: the preceptor's correction if there is one, else the visitor's."""
    return list(corrected) if corrected is not None else list(original)
