"""letters of recommendation: ERAS letter requests (with the FERPA waiver) and their saved versions

``letter_requests`` holds the request as the visitor made it (author's name and title at request time,
specialty, ERAS Letter ID, the waiver) with its state and signing time; ``letter_versions`` holds every
saved version, numbered from 1 per request, its paragraphs as JSON with their evidence references
("evaluation:12"). See ``server.db.models.LetterRequestRow``.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-27
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

LETTER_STATES = "state IN ('requested', 'accepted', 'declined', 'drafting', 'signed')"


def upgrade() -> None:
    op.create_table(
        "letter_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("enrollment_id", sa.Integer(), nullable=False),
        sa.Column("visitor_id", sa.Integer(), nullable=False),
        sa.Column("preceptor_id", sa.Integer(), nullable=False),
        sa.Column("author_name", sa.String(length=200), nullable=False),
        sa.Column("author_title", sa.String(length=200), nullable=False),
        sa.Column("specialty", sa.String(length=100), nullable=False),
        sa.Column("eras_letter_id", sa.String(length=32), nullable=True),
        sa.Column("ferpa_waived", sa.Boolean(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("signed_at", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(LETTER_STATES, name=op.f("ck_letter_requests_state_known")),
        sa.ForeignKeyConstraint(
            ["enrollment_id"], ["applications.id"], name=op.f("fk_letter_requests_enrollment_id_applications")
        ),
        sa.ForeignKeyConstraint(
            ["visitor_id"], ["users.id"], name=op.f("fk_letter_requests_visitor_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["preceptor_id"], ["users.id"], name=op.f("fk_letter_requests_preceptor_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_letter_requests")),
    )
    with op.batch_alter_table("letter_requests", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_letter_requests_enrollment_id"), ["enrollment_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_letter_requests_visitor_id"), ["visitor_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_letter_requests_preceptor_id"), ["preceptor_id"], unique=False)

    op.create_table(
        "letter_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("paragraphs", sa.JSON(), nullable=False),
        sa.Column("saved_by", sa.Integer(), nullable=False),
        sa.Column("saved_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("number >= 1", name=op.f("ck_letter_versions_number_positive")),
        sa.ForeignKeyConstraint(
            ["request_id"], ["letter_requests.id"], name=op.f("fk_letter_versions_request_id_letter_requests")
        ),
        sa.ForeignKeyConstraint(["saved_by"], ["users.id"], name=op.f("fk_letter_versions_saved_by_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_letter_versions")),
        sa.UniqueConstraint("request_id", "number", name=op.f("uq_letter_versions_request_number")),
    )
    with op.batch_alter_table("letter_versions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_letter_versions_request_id"), ["request_id"], unique=False)


def downgrade() -> None:
    op.drop_table("letter_versions")
    op.drop_table("letter_requests")
