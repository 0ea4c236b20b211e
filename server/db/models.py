"""Tables and their mapping. Enumerated values are stored as their string values."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """Stores naive UTC (SQLite keeps no zone) and always hands back aware UTC datetimes."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        assert isinstance(value, datetime)
        return value.replace(tzinfo=UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class UserRow(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16))
    full_name: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # None until the owner opens the link mailed at sign-up; accounts made by `rounds user create`
    # (or the demo) are verified when they are made.
    email_verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    # The IANA zone (``America/Chicago``) the owner reads times in; None: not chosen (pages then show
    # the browser's zone, mail shows UTC).
    time_zone: Mapped[str | None] = mapped_column(String(64), nullable=True)
    # When the owner closed the account (its login and email are gone then; its records stay).
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)

    visitor_profile: Mapped[VisitorProfileRow | None] = relationship(
        back_populates="user", uselist=False, lazy="raise"
    )
    preceptor_profile: Mapped[PreceptorProfileRow | None] = relationship(
        back_populates="user", uselist=False, lazy="raise"
    )


class VisitorProfileRow(Base):
    __tablename__ = "visitor_profiles"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    training_status: Mapped[str | None] = mapped_column(String(16))
    profession: Mapped[str | None] = mapped_column(String(80))
    school: Mapped[str | None] = mapped_column(String(200))
    country: Mapped[str | None] = mapped_column(String(80))
    graduation_year: Mapped[int | None] = mapped_column(Integer)
    step1_status: Mapped[str | None] = mapped_column(String(16))

    user: Mapped[UserRow] = relationship(back_populates="visitor_profile", lazy="raise")


class PreceptorProfileRow(Base):
    __tablename__ = "preceptor_profiles"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    specialty: Mapped[str | None] = mapped_column(String(120))
    institution: Mapped[str | None] = mapped_column(String(200))
    title: Mapped[str | None] = mapped_column(String(120))
    npi: Mapped[str | None] = mapped_column(String(10))
    phone: Mapped[str | None] = mapped_column(String(40))
    address: Mapped[str | None] = mapped_column(String(400))
    contact_email: Mapped[str | None] = mapped_column(String(254))

    user: Mapped[UserRow] = relationship(back_populates="preceptor_profile", lazy="raise")


class LoginRow(Base):
    """A browser's login. The cookie holds a random token; only its hash is stored."""

    __tablename__ = "logins"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())


class LoginFailureRow(Base):
    """One failed login, kept for a while to slow down password guessing."""

    __tablename__ = "login_failures"
    __table_args__ = (Index("ix_login_failures_email_at", "email", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254))
    client_ip: Mapped[str] = mapped_column(String(64), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime())


class ProgramRow(Base):
    __tablename__ = "programs"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    specialty: Mapped[str] = mapped_column(String(120), index=True)
    rotation_type: Mapped[str] = mapped_column(String(32))
    modality: Mapped[str] = mapped_column(String(16))
    description: Mapped[str] = mapped_column(Text, default="")
    allowed_training_statuses: Mapped[list[str]] = mapped_column(JSON)
    step1_pass_required: Mapped[bool] = mapped_column(Boolean)
    allowed_professions: Mapped[list[str]] = mapped_column(JSON)
    required_documents: Mapped[list[str]] = mapped_column(JSON)
    coordinator_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    published: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # The catalog's search key: title, specialty and description folded (server.domain.programs.search_key).
    search_text: Mapped[str] = mapped_column(Text, default="", server_default="")
    # What visitors must see to before day one (in person and hybrid): checklist item names.
    before_day_one: Mapped[list[str]] = mapped_column(JSON, default=list, server_default="[]")
    # Loaded with every program read (one more query per read, never per row): access checks ask it.
    co_coordinators: Mapped[list[ProgramCoordinatorRow]] = relationship(
        lazy="selectin", order_by="ProgramCoordinatorRow.coordinator_id"
    )


class ProgramPreceptorRow(Base):
    __tablename__ = "program_preceptors"

    program_id: Mapped[int] = mapped_column(ForeignKey("programs.id"), primary_key=True)
    preceptor_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)


class ProgramCoordinatorRow(Base):
    """A coordinator who runs a program beside the one who published it (``programs.coordinator_id``),
    joined by invitation."""

    __tablename__ = "program_coordinators"

    program_id: Mapped[int] = mapped_column(ForeignKey("programs.id"), primary_key=True)
    coordinator_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True, index=True)


class BlockRow(Base):
    """A four-week block of a program. ``seats_held`` counts applications holding a seat;
    the check constraint makes the database itself refuse an overbooked block."""

    __tablename__ = "blocks"
    __table_args__ = (
        UniqueConstraint("program_id", "start_date", name="uq_blocks_program_start"),
        CheckConstraint("seats_held >= 0 AND seats_held <= capacity", name="seats_within_capacity"),
        CheckConstraint("capacity >= 1", name="capacity_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    program_id: Mapped[int] = mapped_column(ForeignKey("programs.id"), index=True)
    start_date: Mapped[date] = mapped_column(Date)
    capacity: Mapped[int] = mapped_column(Integer)
    seats_held: Mapped[int] = mapped_column(Integer, default=0)
    # Set when the block cannot take place (server/domain/placements.py): why, for the visitors.
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    closed_reason: Mapped[str | None] = mapped_column(Text)


# A visitor has at most one open application per program; closed ones (denied, withdrawn...)
# do not count. The service checks this first; the index makes the database refuse a duplicate
# even when two requests race.
OPEN_APPLICATION = (
    "state NOT IN ('denied', 'ineligible', 'offer_declined', 'offer_expired', 'completed', "
    "'withdrawn', 'dismissed')"
)


class ApplicationRow(Base):
    __tablename__ = "applications"
    __table_args__ = (
        Index(
            "uq_applications_open_per_program",
            "visitor_id",
            "program_id",
            unique=True,
            sqlite_where=text(OPEN_APPLICATION),
            postgresql_where=text(OPEN_APPLICATION),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    visitor_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    program_id: Mapped[int] = mapped_column(ForeignKey("programs.id"), index=True)
    state: Mapped[str] = mapped_column(String(32), index=True)
    statement: Mapped[str] = mapped_column(Text, default="")
    decision_note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    offer_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class ApplicationBlockRow(Base):
    __tablename__ = "application_blocks"

    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), primary_key=True)
    block_id: Mapped[int] = mapped_column(ForeignKey("blocks.id"), primary_key=True, index=True)


class ApplicationEventRow(Base):
    """The history of an application: every transition, who made it and why."""

    __tablename__ = "application_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    action: Mapped[str] = mapped_column(String(32))
    from_state: Mapped[str] = mapped_column(String(32))
    to_state: Mapped[str] = mapped_column(String(32))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    note: Mapped[str | None] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(UTCDateTime())


# At most one open proposal per application (server/domain/placements.py).
OPEN_PROPOSAL = "state = 'open'"


class PlacementProposalRow(Base):
    """A coordinator's proposal of alternative placements to a visitor whose block cannot take place;
    nothing of the application changes until the visitor accepts one of its options."""

    __tablename__ = "placement_proposals"
    __table_args__ = (
        Index(
            "uq_placement_proposals_open_per_application",
            "application_id",
            unique=True,
            sqlite_where=text(OPEN_PROPOSAL),
            postgresql_where=text(OPEN_PROPOSAL),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    coordinator_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    reason: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    chosen_option_id: Mapped[int | None] = mapped_column(Integer)


class PlacementOptionRow(Base):
    """One alternative of a proposal: a program and the consecutive blocks of it."""

    __tablename__ = "placement_options"

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("placement_proposals.id"), index=True)
    program_id: Mapped[int] = mapped_column(ForeignKey("programs.id"))
    block_ids: Mapped[list[int]] = mapped_column(JSON)


class ChecklistMarkRow(Base):
    """Where one item of an enrollment's before-day-one checklist stands (server/domain/checklists.py):
    the items themselves follow from the program; only what was done is kept."""

    __tablename__ = "checklist_marks"
    __table_args__ = (UniqueConstraint("application_id", "item", name="uq_checklist_marks_item"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    item: Mapped[str] = mapped_column(String(32))
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    done_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    note: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class DocumentRow(Base):
    """An uploaded file. The bytes live under the data dir, named by their SHA-256."""

    __tablename__ = "documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    original_name: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16))
    review_note: Mapped[str | None] = mapped_column(Text)
    expires_on: Mapped[date | None] = mapped_column(Date)
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime())
    reviewed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


# --- the clinical learning record -------------------------------------------------------------


class EncounterRow(Base):
    """Something a visitor took part in during an enrollment: a patient visit, a huddle or a didactic.

    ``enrollment_id`` is the application that became the enrollment. ``session_id`` is the live
    session (a :class:`Visit`) the encounter came from, where there was one, and ``consent_id`` the
    patient's consent record (a :class:`VisitConsent`); a patient visit a preceptor entered by hand
    carries ``consent_recorded`` instead (a visitor's own entry carries none). Neither has a foreign
    key: encounters recorded before live sessions existed may carry a ``session_id`` that names no
    visit, so adding the constraint would fail on PostgreSQL for existing data; the services that set
    them check them (migration 0011 cleared the ones that named no session the visitor attended).
    ``source`` says who put it on the record (``platform``, ``preceptor`` or ``visitor``: see
    :class:`server.domain.caselog.EncounterSource`). No calendar date of the visit is stored:
    ``created_at`` is when the record was made."""

    __tablename__ = "encounters"
    __table_args__ = (CheckConstraint("rotation_week >= 1", name="week_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    enrollment_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    session_id: Mapped[int | None] = mapped_column(Integer, index=True)
    kind: Mapped[str] = mapped_column(String(16))
    setting: Mapped[str] = mapped_column(String(24))
    rotation_week: Mapped[int] = mapped_column(Integer)
    consent_id: Mapped[int | None] = mapped_column(Integer)
    consent_recorded: Mapped[bool | None] = mapped_column(Boolean)
    created_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    source: Mapped[str] = mapped_column(String(16))


class CaseLogRow(Base):
    """One visitor's log of one encounter. ``diagnoses`` is the visitor's list, kept as written;
    a preceptor's correction goes to ``corrected_diagnoses``."""

    __tablename__ = "case_logs"
    __table_args__ = (
        UniqueConstraint("encounter_id", "visitor_id", name="uq_case_logs_encounter_visitor"),
        CheckConstraint("minutes >= 1 AND minutes <= 600", name="minutes_in_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    encounter_id: Mapped[int] = mapped_column(ForeignKey("encounters.id"), index=True)
    visitor_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    state: Mapped[str] = mapped_column(String(16))
    age_band: Mapped[str] = mapped_column(String(16))
    sex: Mapped[str] = mapped_column(String(16))
    visit_type: Mapped[str] = mapped_column(String(16))
    chief_complaint: Mapped[str] = mapped_column(String(300))
    note: Mapped[str | None] = mapped_column(Text)
    minutes: Mapped[int] = mapped_column(Integer)
    complexity: Mapped[str] = mapped_column(String(16))
    participation: Mapped[list[str]] = mapped_column(JSON)
    diagnoses: Mapped[list[str]] = mapped_column(JSON)
    corrected_diagnoses: Mapped[list[str] | None] = mapped_column(JSON)
    review_status: Mapped[str] = mapped_column(String(16))
    reviewed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class AuditEventRow(Base):
    """Who read or changed a clinical record they did not write, and when."""

    __tablename__ = "audit_events"
    __table_args__ = (Index("ix_audit_events_record", "record_type", "record_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    actor_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    action: Mapped[str] = mapped_column(String(16))
    record_type: Mapped[str] = mapped_column(String(32))
    record_id: Mapped[int] = mapped_column(Integer)
    at: Mapped[datetime] = mapped_column(UTCDateTime())


class PresentationRow(Base):
    """A visitor's case presentation of one case log (one per log): its format's structured fields in
    ``content``, the ranked differential (frozen at submission), the preceptor's reference differential
    and match overrides, and the preceptor's One-Minute-Preceptor ``feedback``. The JSON columns hold
    plain dicts and lists checked by ``server.domain.presentations`` before they are written."""

    __tablename__ = "presentations"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_log_id: Mapped[int] = mapped_column(ForeignKey("case_logs.id"), unique=True)
    visitor_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    format: Mapped[str] = mapped_column(String(16))
    state: Mapped[str] = mapped_column(String(16))
    content: Mapped[dict[str, str]] = mapped_column(JSON)
    differential: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    reference: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON)
    overrides: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    reference_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reference_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    feedback: Mapped[dict[str, str] | None] = mapped_column(JSON)
    reviewed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


# --- live sessions (visits) -------------------------------------------------------------------


class VisitRow(Base):
    """A scheduled live session of a program's block: a patient visit, a huddle or a didactic, hosted
    by one of the program's preceptors. ``status`` moves scheduled -> live (the host joined) -> ended,
    or scheduled/live -> cancelled; see :mod:`server.domain.visits`. Times are UTC."""

    __tablename__ = "visits"
    __table_args__ = (
        CheckConstraint("duration_minutes >= 5 AND duration_minutes <= 240", name="duration_in_range"),
        Index("ix_visits_host_starts", "host_id", "starts_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    program_id: Mapped[int] = mapped_column(ForeignKey("programs.id"), index=True)
    block_id: Mapped[int] = mapped_column(ForeignKey("blocks.id"), index=True)
    host_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    kind: Mapped[str] = mapped_column(String(16))
    title: Mapped[str] = mapped_column(String(200))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    duration_minutes: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16))
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    cancel_note: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # Significant revisions (moved, cancelled) and the time of the last: the calendar's SEQUENCE/DTSTAMP.
    sequence: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    revised_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class VisitInvitationRow(Base):
    """A visitor invited to a visit, through their enrollment in the visit's block."""

    __tablename__ = "visit_invitations"
    __table_args__ = (UniqueConstraint("visit_id", "visitor_id", name="uq_visit_invitations_visit_visitor"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    visit_id: Mapped[int] = mapped_column(ForeignKey("visits.id"), index=True)
    visitor_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    enrollment_id: Mapped[int] = mapped_column(ForeignKey("applications.id"))


class PatientLinkRow(Base):
    """A single-use link for a patient to join a patient visit without an account. Only the SHA-256
    of the token is stored: the link itself is shown once, to the host who created it."""

    __tablename__ = "patient_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    visit_id: Mapped[int] = mapped_column(ForeignKey("visits.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    redeemed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class VisitConsentRow(Base):
    """The patient's consent to learners in a patient visit (AMA 9.2.1): scope, method, who obtained
    it and when, and its withdrawal. Deliberately no patient identifier of any kind."""

    __tablename__ = "visit_consents"

    id: Mapped[int] = mapped_column(primary_key=True)
    visit_id: Mapped[int] = mapped_column(ForeignKey("visits.id"), index=True)
    scope: Mapped[str] = mapped_column(String(16))
    method: Mapped[str] = mapped_column(String(16))
    obtained_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime())
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class AttendanceIntervalRow(Base):
    """One stretch of time a participant was connected to a live visit: the evidence for verified
    hours. ``user_id`` is None for the patient; ``participant_key`` is the room's participant id
    (``user-12``, ``patient-3``). An open interval has no ``disconnected_at`` yet."""

    __tablename__ = "attendance_intervals"
    __table_args__ = (Index("ix_attendance_intervals_visit_key", "visit_id", "participant_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    visit_id: Mapped[int] = mapped_column(ForeignKey("visits.id"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    participant_key: Mapped[str] = mapped_column(String(40))
    role: Mapped[str] = mapped_column(String(16))
    connected_at: Mapped[datetime] = mapped_column(UTCDateTime())
    disconnected_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    end_reason: Mapped[str | None] = mapped_column(String(16))


# --- evaluations (issue 5: per-encounter mini-CEX/EPA/RIME and end-of-rotation) -----------------


class EncounterEvaluationRow(Base):
    """A preceptor's evaluation of one observed encounter of an enrollment: the telehealth mini-CEX
    (``ratings``: every item's 1-9 score or null = not observed), EPA entrustment levels (``epas``:
    only those rated), the RIME stage, minutes, and three narrative fields (PHI-guarded). Checked by
    ``server.domain.evaluations.make_encounter_evaluation`` before it is written; ``rotation_type`` is
    the program's at the time, so the scope it was rated under stays known. Written as a draft and
    released once (``state``); a released evaluation is final."""

    __tablename__ = "encounter_evaluations"
    __table_args__ = (
        CheckConstraint("rotation_week >= 1 AND rotation_week <= 52", name="week_in_range"),
        CheckConstraint(
            "minutes_observed >= 1 AND minutes_observed <= 600", name="minutes_observed_in_range"
        ),
        CheckConstraint(
            "minutes_feedback >= 0 AND minutes_feedback <= 120", name="minutes_feedback_in_range"
        ),
        Index("ix_encounter_evaluations_enrollment_preceptor", "enrollment_id", "preceptor_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    enrollment_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    preceptor_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    visitor_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    encounter_id: Mapped[int | None] = mapped_column(ForeignKey("encounters.id"))
    presentation_id: Mapped[int | None] = mapped_column(ForeignKey("presentations.id"))
    rotation_type: Mapped[str] = mapped_column(String(32))
    rotation_week: Mapped[int] = mapped_column(Integer)
    observed_on: Mapped[date] = mapped_column(Date)
    ratings: Mapped[dict[str, int | None]] = mapped_column(JSON)
    epas: Mapped[dict[str, str]] = mapped_column(JSON)
    rime: Mapped[str | None] = mapped_column(String(16))
    minutes_observed: Mapped[int] = mapped_column(Integer)
    minutes_feedback: Mapped[int] = mapped_column(Integer)
    strengths: Mapped[str] = mapped_column(Text)
    improvement: Mapped[str] = mapped_column(Text)
    example: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(16))
    released_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class FinalEvaluationRow(Base):
    """A preceptor's end-of-rotation evaluation of an enrollment (one per enrollment and preceptor):
    competency ratings, the SLOE comparative rating with ``group_size`` as it was when written (the
    preceptor's distinct past visitors, not counting this one), whether they will write a letter, and
    a narrative (PHI-guarded). Draft, then released once."""

    __tablename__ = "final_evaluations"
    __table_args__ = (
        UniqueConstraint("enrollment_id", "preceptor_id", name="uq_final_evaluations_enrollment_preceptor"),
        CheckConstraint("group_size >= 0", name="group_size_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    enrollment_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    preceptor_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    visitor_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    rotation_type: Mapped[str] = mapped_column(String(32))
    competencies: Mapped[dict[str, int | None]] = mapped_column(JSON)
    comparative_rating: Mapped[str | None] = mapped_column(String(16))
    group_size: Mapped[int] = mapped_column(Integer)
    will_write_letter: Mapped[bool] = mapped_column(Boolean)
    narrative: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(16))
    released_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


# --- certificates of completion (issue 5, item 7) ----------------------------------------------

# One current certificate per enrollment; a reissued one keeps the earlier rows with superseded_at set.
CURRENT_CERTIFICATE = "superseded_at IS NULL"


class CompletionCertificateRow(Base):
    """A certificate of completion as issued: every field the verification code signs
    (``server.domain.certificates.canonical_bytes``, over ``id`` too), stored as issued so that the
    public page can recompute the code from the row and show a changed row as not genuine. Sessions and
    seconds come from the attendance records (``server.services.certificates``), never from input."""

    __tablename__ = "certificates"
    __table_args__ = (
        Index(
            "uq_certificates_current_per_enrollment",
            "enrollment_id",
            unique=True,
            sqlite_where=text(CURRENT_CERTIFICATE),
            postgresql_where=text(CURRENT_CERTIFICATE),
        ),
        CheckConstraint("sessions_attended >= 0", name="sessions_not_negative"),
        CheckConstraint("verified_seconds >= 0", name="seconds_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    enrollment_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    visitor_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    program_id: Mapped[int] = mapped_column(ForeignKey("programs.id"))
    preceptor_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    visitor_name: Mapped[str] = mapped_column(String(200))
    program_title: Mapped[str] = mapped_column(String(200))
    rotation_type: Mapped[str] = mapped_column(String(32))
    modality: Mapped[str] = mapped_column(String(16))
    preceptor_name: Mapped[str] = mapped_column(String(200))
    preceptor_title: Mapped[str] = mapped_column(String(200))
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date] = mapped_column(Date)
    sessions_attended: Mapped[int] = mapped_column(Integer)
    verified_seconds: Mapped[int] = mapped_column(Integer)
    issued_on: Mapped[date] = mapped_column(Date)
    code: Mapped[str] = mapped_column(String(32), unique=True, index=True)
    issued_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    superseded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


# --- letters of recommendation (issue 5, items 3, 4, 6, 8) ----------------------------------------

LETTER_STATES = "state IN ('requested', 'accepted', 'declined', 'drafting', 'signed')"


class LetterRequestRow(Base):
    """A visitor's ERAS letter request to a preceptor of their enrollment's program: the author's name and
    title as they were when asked, the target specialty, the ERAS Letter ID (optional until ERAS issues
    it), the FERPA waiver (given when asked and never changed), the state and when it was signed. The
    letter's text lives in :class:`LetterVersionRow`; a waived letter is never shown to the visitor
    (``server.services.letters``)."""

    __tablename__ = "letter_requests"
    __table_args__ = (CheckConstraint(LETTER_STATES, name="state_known"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    enrollment_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    visitor_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    preceptor_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    author_name: Mapped[str] = mapped_column(String(200))
    author_title: Mapped[str] = mapped_column(String(200))
    specialty: Mapped[str] = mapped_column(String(100))
    eras_letter_id: Mapped[str | None] = mapped_column(String(32))
    ferpa_waived: Mapped[bool] = mapped_column(Boolean)
    state: Mapped[str] = mapped_column(String(16))
    signed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The author's letterhead as signed (server.domain.letterhead.Letterhead as a dict); None until then.
    letterhead: Mapped[dict[str, str] | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class LetterVersionRow(Base):
    """One saved version of a letter, numbered from 1 per request: its paragraphs as JSON, each
    ``{"text", "kind", "evidence": ["evaluation:12", ...]}``, who saved it and when."""

    __tablename__ = "letter_versions"
    __table_args__ = (
        UniqueConstraint("request_id", "number", name="uq_letter_versions_request_number"),
        CheckConstraint("number >= 1", name="number_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("letter_requests.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    paragraphs: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    saved_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    saved_at: Mapped[datetime] = mapped_column(UTCDateTime())


class AccountTokenRow(Base):
    """A single-use link mailed to an account's owner (verify the email, reset the password). The
    link carries a random token; only its SHA-256 is stored."""

    __tablename__ = "account_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    purpose: Mapped[str] = mapped_column(String(24))
    # The address the link was mailed to: a verification holds for that address only.
    email: Mapped[str] = mapped_column(String(254))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class OutboxMailRow(Base):
    """An email Rounds will send (or, with no SMTP server set, keeps for the demo outbox), written in
    the same transaction as the change that causes it. The sender claims due rows for a lease, sends
    them, and marks them sent; a failed try is due again later."""

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_pending", "sent_at", "failed_at", "due_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    recipient: Mapped[str] = mapped_column(String(254), index=True)
    subject: Mapped[str] = mapped_column(String(200))
    text_body: Mapped[str] = mapped_column(Text)
    html_body: Mapped[str] = mapped_column(Text)
    # Extra headers (e.g. List-Unsubscribe), name -> value.
    headers: Mapped[dict[str, str]] = mapped_column(JSON)
    # The same Message-ID on every try, so a receiver can tell a repeat from a new mail.
    message_id: Mapped[str] = mapped_column(String(200), unique=True)
    # SHA-256 of the cookie of the browser whose request caused the mail (the demo outbox only).
    browser_hash: Mapped[str | None] = mapped_column(String(64), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    due_at: Mapped[datetime] = mapped_column(UTCDateTime())
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    claimed_by: Mapped[str | None] = mapped_column(String(80), nullable=True)
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    failed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    last_error: Mapped[str | None] = mapped_column(String(300), nullable=True)
    # Files sent with the mail (a session's .ics): [{"filename", "content_type", "content"}].
    attachments: Mapped[list[dict[str, str]]] = mapped_column(JSON, default=list)


class NotificationRow(Base):
    """Something Rounds told a person in the app (server/domain/notifications.py): written in the
    same transaction as the change that causes it. Names and a link only, never clinical text."""

    __tablename__ = "notifications"
    __table_args__ = (Index("ix_notifications_recipient_read", "recipient_id", "read_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    # The record it is about: its type (application, visit, ...) and id.
    subject_type: Mapped[str] = mapped_column(String(24))
    subject_id: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(String(300))
    link: Mapped[str] = mapped_column(String(200))
    # The moment it is about (an offer's expiry, a session's start): each reader sees it in their zone.
    at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    # A rejected document's reason (checked by the PHI guard before it is kept here).
    note: Mapped[str | None] = mapped_column(String(300), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class NotificationPreferenceRow(Base):
    """A person's own choice for one kind of notification (a kind with no row has its defaults)."""

    __tablename__ = "notification_preferences"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    kind: Mapped[str] = mapped_column(String(32), primary_key=True)
    in_app: Mapped[bool] = mapped_column(Boolean)
    email: Mapped[bool] = mapped_column(Boolean)


class ReminderRow(Base):
    """A reminder to make at ``due_at`` (an offer 48 hours before it expires, a session an hour before
    it starts), written with the offer or the schedule. The reminder job claims due rows with row
    locks, makes each one's notifications and marks it made in the same transaction: once, across
    every node. Moving the subject's time moves the reminder (and makes it due again)."""

    __tablename__ = "reminders"
    __table_args__ = (
        UniqueConstraint("kind", "subject_id", name="uq_reminders_kind_subject"),
        Index("ix_reminders_pending", "made_at", "due_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    subject_id: Mapped[int] = mapped_column(Integer)
    # The moment the reminder is about: the offer's expiry, the session's start.
    about: Mapped[datetime] = mapped_column(UTCDateTime())
    due_at: Mapped[datetime] = mapped_column(UTCDateTime())
    made_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    # made (notifications written) or obsolete (the offer was answered, the session cancelled).
    outcome: Mapped[str | None] = mapped_column(String(16), nullable=True)


# One active calendar subscription per user; a replaced or revoked one keeps its row with revoked_at set.
ACTIVE_FEED = "revoked_at IS NULL"


class CalendarFeedRow(Base):
    """A user's private calendar subscription (``GET /calendar/{token}.ics``). The URL carries a random
    token; only its SHA-256 is stored, so the URL is shown once, when the feed is made."""

    __tablename__ = "calendar_feeds"
    __table_args__ = (
        Index(
            "uq_calendar_feeds_active_per_user",
            "user_id",
            unique=True,
            sqlite_where=text(ACTIVE_FEED),
            postgresql_where=text(ACTIVE_FEED),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class StaffInvitationRow(Base):
    """A coordinator's invitation of a preceptor or another coordinator to a program, mailed as a
    link; only the SHA-256 of the link's token is stored. Used once (``accepted_at``), revocable."""

    __tablename__ = "staff_invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    program_id: Mapped[int] = mapped_column(ForeignKey("programs.id"), index=True)
    role: Mapped[str] = mapped_column(String(16))
    email: Mapped[str] = mapped_column(String(254))
    invited_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    accepted_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


# --- coaches and messages ---------------------------------------------------------------------


class CoachRow(Base):
    """The coach of an application (applicant or enrolled visitor): a coordinator of its program.
    One row per application, the current one; every change is also written to ``coach_assignments``."""

    __tablename__ = "coaches"

    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), primary_key=True)
    coach_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    assigned_at: Mapped[datetime] = mapped_column(UTCDateTime())


class CoachAssignmentRow(Base):
    """The history of an application's coaches: who became coach, who was before, who made the change
    (None: Rounds, automatically on application) and when."""

    __tablename__ = "coach_assignments"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    coach_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    previous_coach_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    assigned_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime())


COACH_THREAD = "kind = 'coach'"
PRECEPTOR_THREAD = "kind = 'preceptor'"


class MessageThreadRow(Base):
    """A conversation of a visitor about one application: with its coach (``kind`` ``coach``, one per
    application, whoever the coach is now) or with one preceptor of the enrollment (``kind``
    ``preceptor``, one per application and preceptor). ``last_message_at`` orders the thread lists."""

    __tablename__ = "message_threads"
    __table_args__ = (
        Index(
            "uq_message_threads_coach",
            "application_id",
            unique=True,
            sqlite_where=text(COACH_THREAD),
            postgresql_where=text(COACH_THREAD),
        ),
        Index(
            "uq_message_threads_preceptor",
            "application_id",
            "preceptor_id",
            unique=True,
            sqlite_where=text(PRECEPTOR_THREAD),
            postgresql_where=text(PRECEPTOR_THREAD),
        ),
        CheckConstraint(
            "(kind = 'coach' AND preceptor_id IS NULL) OR (kind = 'preceptor' AND preceptor_id IS NOT NULL)",
            name="kind_matches_preceptor",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    preceptor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_message_at: Mapped[datetime] = mapped_column(UTCDateTime())


class MessageRow(Base):
    """One message of a thread, checked by the PHI guard before it was written; at most one attachment
    (a PDF, JPEG or PNG recognised by content, its bytes in the file store under their SHA-256)."""

    __tablename__ = "messages"
    __table_args__ = (Index("ix_messages_thread_id_id", "thread_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    thread_id: Mapped[int] = mapped_column(ForeignKey("message_threads.id"))
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    attachment_name: Mapped[str | None] = mapped_column(String(255), nullable=True)
    attachment_type: Mapped[str | None] = mapped_column(String(64), nullable=True)
    attachment_size: Mapped[int | None] = mapped_column(Integer, nullable=True)
    attachment_sha256: Mapped[str | None] = mapped_column(String(64), nullable=True)


class ThreadReadRow(Base):
    """How far a participant has read a thread: every message up to ``last_read_message_id``."""

    __tablename__ = "thread_reads"

    thread_id: Mapped[int] = mapped_column(ForeignKey("message_threads.id"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True, index=True)
    last_read_message_id: Mapped[int] = mapped_column(Integer)
    read_at: Mapped[datetime] = mapped_column(UTCDateTime())
