"""live sessions: visits, invitations, patient links, consents, attendance intervals

``encounters.session_id`` stays a plain integer (no foreign key to ``visits``): encounters written
before this revision, and by API clients, may name a session that is not a visit, and PostgreSQL would
refuse the constraint on such rows. See ``server.db.models.EncounterRow``.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "visits",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("program_id", sa.Integer(), nullable=False),
        sa.Column("block_id", sa.Integer(), nullable=False),
        sa.Column("host_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("starts_at", sa.DateTime(), nullable=False),
        sa.Column("duration_minutes", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=True),
        sa.Column("ended_at", sa.DateTime(), nullable=True),
        sa.Column("cancel_note", sa.String(length=300), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "duration_minutes >= 5 AND duration_minutes <= 240", name=op.f("ck_visits_duration_in_range")
        ),
        sa.ForeignKeyConstraint(["program_id"], ["programs.id"], name=op.f("fk_visits_program_id_programs")),
        sa.ForeignKeyConstraint(["block_id"], ["blocks.id"], name=op.f("fk_visits_block_id_blocks")),
        sa.ForeignKeyConstraint(["host_id"], ["users.id"], name=op.f("fk_visits_host_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_visits")),
    )
    with op.batch_alter_table("visits", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_visits_program_id"), ["program_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_visits_block_id"), ["block_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_visits_starts_at"), ["starts_at"], unique=False)
        batch_op.create_index("ix_visits_host_starts", ["host_id", "starts_at"], unique=False)

    op.create_table(
        "visit_invitations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("visit_id", sa.Integer(), nullable=False),
        sa.Column("visitor_id", sa.Integer(), nullable=False),
        sa.Column("enrollment_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["visit_id"], ["visits.id"], name=op.f("fk_visit_invitations_visit_id_visits")
        ),
        sa.ForeignKeyConstraint(
            ["visitor_id"], ["users.id"], name=op.f("fk_visit_invitations_visitor_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["enrollment_id"],
            ["applications.id"],
            name=op.f("fk_visit_invitations_enrollment_id_applications"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_visit_invitations")),
        sa.UniqueConstraint("visit_id", "visitor_id", name="uq_visit_invitations_visit_visitor"),
    )
    with op.batch_alter_table("visit_invitations", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_visit_invitations_visit_id"), ["visit_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_visit_invitations_visitor_id"), ["visitor_id"], unique=False)

    op.create_table(
        "patient_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("visit_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("redeemed_at", sa.DateTime(), nullable=True),
        sa.Column("revoked_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["visit_id"], ["visits.id"], name=op.f("fk_patient_links_visit_id_visits")),
        sa.ForeignKeyConstraint(["created_by"], ["users.id"], name=op.f("fk_patient_links_created_by_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_patient_links")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_patient_links_token_hash")),
    )
    with op.batch_alter_table("patient_links", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_patient_links_visit_id"), ["visit_id"], unique=False)

    op.create_table(
        "visit_consents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("visit_id", sa.Integer(), nullable=False),
        sa.Column("scope", sa.String(length=16), nullable=False),
        sa.Column("method", sa.String(length=16), nullable=False),
        sa.Column("obtained_by", sa.Integer(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.Column("withdrawn_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["visit_id"], ["visits.id"], name=op.f("fk_visit_consents_visit_id_visits")),
        sa.ForeignKeyConstraint(
            ["obtained_by"], ["users.id"], name=op.f("fk_visit_consents_obtained_by_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_visit_consents")),
    )
    with op.batch_alter_table("visit_consents", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_visit_consents_visit_id"), ["visit_id"], unique=False)

    op.create_table(
        "attendance_intervals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("visit_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("participant_key", sa.String(length=40), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("connected_at", sa.DateTime(), nullable=False),
        sa.Column("disconnected_at", sa.DateTime(), nullable=True),
        sa.Column("end_reason", sa.String(length=16), nullable=True),
        sa.ForeignKeyConstraint(
            ["visit_id"], ["visits.id"], name=op.f("fk_attendance_intervals_visit_id_visits")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_attendance_intervals_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_attendance_intervals")),
    )
    with op.batch_alter_table("attendance_intervals", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_attendance_intervals_visit_id"), ["visit_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_attendance_intervals_user_id"), ["user_id"], unique=False)
        batch_op.create_index(
            "ix_attendance_intervals_visit_key", ["visit_id", "participant_key"], unique=False
        )


def downgrade() -> None:
    op.drop_table("attendance_intervals")
    op.drop_table("visit_consents")
    op.drop_table("patient_links")
    op.drop_table("visit_invitations")
    op.drop_table("visits")
