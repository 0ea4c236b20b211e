"""case presentations with their ranked differentials, reference and feedback

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-24
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "presentations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_log_id", sa.Integer(), nullable=False),
        sa.Column("visitor_id", sa.Integer(), nullable=False),
        sa.Column("format", sa.String(length=16), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("content", sa.JSON(), nullable=False),
        sa.Column("differential", sa.JSON(), nullable=False),
        sa.Column("reference", sa.JSON(), nullable=True),
        sa.Column("overrides", sa.JSON(), nullable=False),
        sa.Column("reference_by", sa.Integer(), nullable=True),
        sa.Column("reference_at", sa.DateTime(), nullable=True),
        sa.Column("feedback", sa.JSON(), nullable=True),
        sa.Column("reviewed_by", sa.Integer(), nullable=True),
        sa.Column("reviewed_at", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("submitted_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["case_log_id"], ["case_logs.id"], name=op.f("fk_presentations_case_log_id_case_logs")
        ),
        sa.ForeignKeyConstraint(["visitor_id"], ["users.id"], name=op.f("fk_presentations_visitor_id_users")),
        sa.ForeignKeyConstraint(
            ["reference_by"], ["users.id"], name=op.f("fk_presentations_reference_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["reviewed_by"], ["users.id"], name=op.f("fk_presentations_reviewed_by_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_presentations")),
        sa.UniqueConstraint("case_log_id", name=op.f("uq_presentations_case_log_id")),
    )
    with op.batch_alter_table("presentations", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_presentations_visitor_id"), ["visitor_id"], unique=False)


def downgrade() -> None:
    op.drop_table("presentations")
