"""clinical record: encounters, case logs, audit events

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "encounters",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("enrollment_id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("setting", sa.String(length=24), nullable=False),
        sa.Column("rotation_week", sa.Integer(), nullable=False),
        sa.Column("consent_id", sa.Integer(), nullable=True),
        sa.Column("consent_recorded", sa.Boolean(), nullable=True),
        sa.Column("created_by", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("rotation_week >= 1", name=op.f("ck_encounters_week_positive")),
        sa.ForeignKeyConstraint(
            ["enrollment_id"], ["applications.id"], name=op.f("fk_encounters_enrollment_id_applications")
        ),
        sa.ForeignKeyConstraint(["created_by"], ["users.id"], name=op.f("fk_encounters_created_by_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_encounters")),
    )
    with op.batch_alter_table("encounters", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_encounters_enrollment_id"), ["enrollment_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_encounters_session_id"), ["session_id"], unique=False)

    op.create_table(
        "case_logs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("encounter_id", sa.Integer(), nullable=False),
        sa.Column("visitor_id", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("age_band", sa.String(length=16), nullable=False),
        sa.Column("sex", sa.String(length=16), nullable=False),
        sa.Column("visit_type", sa.String(length=16), nullable=False),
        sa.Column("chief_complaint", sa.String(length=300), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("minutes", sa.Integer(), nullable=False),
        sa.Column("complexity", sa.String(length=16), nullable=False),
        sa.Column("participation", sa.JSON(), nullable=False),
        sa.Column("diagnoses", sa.JSON(), nullable=False),
        sa.Column("corrected_diagnoses", sa.JSON(), nullable=True),
        sa.Column("review_status", sa.String(length=16), nullable=False),
        sa.Column("reviewed_by", sa.Integer(), nullable=True),
        sa.Column("reviewed_at", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("submitted_at", sa.DateTime(), nullable=True),
        sa.CheckConstraint("minutes >= 1 AND minutes <= 600", name=op.f("ck_case_logs_minutes_in_range")),
        sa.ForeignKeyConstraint(
            ["encounter_id"], ["encounters.id"], name=op.f("fk_case_logs_encounter_id_encounters")
        ),
        sa.ForeignKeyConstraint(["visitor_id"], ["users.id"], name=op.f("fk_case_logs_visitor_id_users")),
        sa.ForeignKeyConstraint(["reviewed_by"], ["users.id"], name=op.f("fk_case_logs_reviewed_by_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_logs")),
        sa.UniqueConstraint("encounter_id", "visitor_id", name="uq_case_logs_encounter_visitor"),
    )
    with op.batch_alter_table("case_logs", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_case_logs_encounter_id"), ["encounter_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_case_logs_visitor_id"), ["visitor_id"], unique=False)

    op.create_table(
        "audit_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("record_type", sa.String(length=32), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["actor_id"], ["users.id"], name=op.f("fk_audit_events_actor_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_events")),
    )
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_events_actor_id"), ["actor_id"], unique=False)
        batch_op.create_index("ix_audit_events_record", ["record_type", "record_id"], unique=False)


def downgrade() -> None:
    op.drop_table("audit_events")
    op.drop_table("case_logs")
    op.drop_table("encounters")
