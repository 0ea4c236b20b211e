"""certificates of completion: the issued content, its verification code, and the reissue history

One current certificate per enrollment (a partial unique index over the rows not superseded); a
reissued certificate keeps the earlier rows with ``superseded_at`` set. The code has a unique index:
the public verification page finds a certificate by it. See ``server.db.models.CompletionCertificateRow``.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

CURRENT_CERTIFICATE = "superseded_at IS NULL"


def upgrade() -> None:
    op.create_table(
        "certificates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("enrollment_id", sa.Integer(), nullable=False),
        sa.Column("visitor_id", sa.Integer(), nullable=False),
        sa.Column("program_id", sa.Integer(), nullable=False),
        sa.Column("preceptor_id", sa.Integer(), nullable=False),
        sa.Column("visitor_name", sa.String(length=200), nullable=False),
        sa.Column("program_title", sa.String(length=200), nullable=False),
        sa.Column("rotation_type", sa.String(length=32), nullable=False),
        sa.Column("modality", sa.String(length=16), nullable=False),
        sa.Column("preceptor_name", sa.String(length=200), nullable=False),
        sa.Column("preceptor_title", sa.String(length=200), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=False),
        sa.Column("sessions_attended", sa.Integer(), nullable=False),
        sa.Column("verified_seconds", sa.Integer(), nullable=False),
        sa.Column("issued_on", sa.Date(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("issued_by", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("superseded_at", sa.DateTime(), nullable=True),
        sa.CheckConstraint("sessions_attended >= 0", name=op.f("ck_certificates_sessions_not_negative")),
        sa.CheckConstraint("verified_seconds >= 0", name=op.f("ck_certificates_seconds_not_negative")),
        sa.ForeignKeyConstraint(
            ["enrollment_id"], ["applications.id"], name=op.f("fk_certificates_enrollment_id_applications")
        ),
        sa.ForeignKeyConstraint(["visitor_id"], ["users.id"], name=op.f("fk_certificates_visitor_id_users")),
        sa.ForeignKeyConstraint(
            ["program_id"], ["programs.id"], name=op.f("fk_certificates_program_id_programs")
        ),
        sa.ForeignKeyConstraint(
            ["preceptor_id"], ["users.id"], name=op.f("fk_certificates_preceptor_id_users")
        ),
        sa.ForeignKeyConstraint(["issued_by"], ["users.id"], name=op.f("fk_certificates_issued_by_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_certificates")),
    )
    with op.batch_alter_table("certificates", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_certificates_enrollment_id"), ["enrollment_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_certificates_visitor_id"), ["visitor_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_certificates_code"), ["code"], unique=True)
        batch_op.create_index(
            "uq_certificates_current_per_enrollment",
            ["enrollment_id"],
            unique=True,
            sqlite_where=sa.text(CURRENT_CERTIFICATE),
            postgresql_where=sa.text(CURRENT_CERTIFICATE),
        )


def downgrade() -> None:
    op.drop_table("certificates")
