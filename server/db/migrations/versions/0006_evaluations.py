"""evaluations: per-encounter mini-CEX/EPA/RIME evaluations and end-of-rotation evaluations

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "encounter_evaluations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("enrollment_id", sa.Integer(), nullable=False),
        sa.Column("preceptor_id", sa.Integer(), nullable=False),
        sa.Column("visitor_id", sa.Integer(), nullable=False),
        sa.Column("encounter_id", sa.Integer(), nullable=True),
        sa.Column("presentation_id", sa.Integer(), nullable=True),
        sa.Column("rotation_type", sa.String(length=32), nullable=False),
        sa.Column("rotation_week", sa.Integer(), nullable=False),
        sa.Column("observed_on", sa.Date(), nullable=False),
        sa.Column("ratings", sa.JSON(), nullable=False),
        sa.Column("epas", sa.JSON(), nullable=False),
        sa.Column("rime", sa.String(length=16), nullable=True),
        sa.Column("minutes_observed", sa.Integer(), nullable=False),
        sa.Column("minutes_feedback", sa.Integer(), nullable=False),
        sa.Column("strengths", sa.Text(), nullable=False),
        sa.Column("improvement", sa.Text(), nullable=False),
        sa.Column("example", sa.Text(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("released_at", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "rotation_week >= 1 AND rotation_week <= 52", name=op.f("ck_encounter_evaluations_week_in_range")
        ),
        sa.CheckConstraint(
            "minutes_observed >= 1 AND minutes_observed <= 600",
            name=op.f("ck_encounter_evaluations_minutes_observed_in_range"),
        ),
        sa.CheckConstraint(
            "minutes_feedback >= 0 AND minutes_feedback <= 120",
            name=op.f("ck_encounter_evaluations_minutes_feedback_in_range"),
        ),
        sa.ForeignKeyConstraint(
            ["enrollment_id"],
            ["applications.id"],
            name=op.f("fk_encounter_evaluations_enrollment_id_applications"),
        ),
        sa.ForeignKeyConstraint(
            ["preceptor_id"], ["users.id"], name=op.f("fk_encounter_evaluations_preceptor_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["visitor_id"], ["users.id"], name=op.f("fk_encounter_evaluations_visitor_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["encounter_id"], ["encounters.id"], name=op.f("fk_encounter_evaluations_encounter_id_encounters")
        ),
        sa.ForeignKeyConstraint(
            ["presentation_id"],
            ["presentations.id"],
            name=op.f("fk_encounter_evaluations_presentation_id_presentations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_encounter_evaluations")),
    )
    with op.batch_alter_table("encounter_evaluations", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_encounter_evaluations_enrollment_id"), ["enrollment_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_encounter_evaluations_visitor_id"), ["visitor_id"], unique=False)
        batch_op.create_index(
            "ix_encounter_evaluations_enrollment_preceptor", ["enrollment_id", "preceptor_id"], unique=False
        )

    op.create_table(
        "final_evaluations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("enrollment_id", sa.Integer(), nullable=False),
        sa.Column("preceptor_id", sa.Integer(), nullable=False),
        sa.Column("visitor_id", sa.Integer(), nullable=False),
        sa.Column("rotation_type", sa.String(length=32), nullable=False),
        sa.Column("competencies", sa.JSON(), nullable=False),
        sa.Column("comparative_rating", sa.String(length=16), nullable=True),
        sa.Column("group_size", sa.Integer(), nullable=False),
        sa.Column("will_write_letter", sa.Boolean(), nullable=False),
        sa.Column("narrative", sa.Text(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("released_at", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("group_size >= 0", name=op.f("ck_final_evaluations_group_size_not_negative")),
        sa.ForeignKeyConstraint(
            ["enrollment_id"],
            ["applications.id"],
            name=op.f("fk_final_evaluations_enrollment_id_applications"),
        ),
        sa.ForeignKeyConstraint(
            ["preceptor_id"], ["users.id"], name=op.f("fk_final_evaluations_preceptor_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["visitor_id"], ["users.id"], name=op.f("fk_final_evaluations_visitor_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_final_evaluations")),
        sa.UniqueConstraint(
            "enrollment_id", "preceptor_id", name="uq_final_evaluations_enrollment_preceptor"
        ),
    )
    with op.batch_alter_table("final_evaluations", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_final_evaluations_enrollment_id"), ["enrollment_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_final_evaluations_preceptor_id"), ["preceptor_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_final_evaluations_visitor_id"), ["visitor_id"], unique=False)


def downgrade() -> None:
    op.drop_table("final_evaluations")
    op.drop_table("encounter_evaluations")
