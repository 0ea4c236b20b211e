"""account self-service and staff invitations: time zones, closed accounts, co-coordinators

``users.time_zone`` is the IANA zone its owner reads times in (NULL: not chosen; pages then use the
browser's zone and mail UTC, as before this migration). ``users.closed_at`` is set when the owner
closes the account: its login and email are gone from then on, its records stay (README, Accounts).
``program_coordinators`` lists the coordinators who run a program beside the one who published it
(``programs.coordinator_id``), and ``staff_invitations`` a coordinator's invitations of preceptors and
coordinators to a program (only the SHA-256 of each link's token is kept).

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-08
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("time_zone", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("closed_at", sa.DateTime(), nullable=True))

    op.create_table(
        "program_coordinators",
        sa.Column("program_id", sa.Integer(), nullable=False),
        sa.Column("coordinator_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["coordinator_id"], ["users.id"], name=op.f("fk_program_coordinators_coordinator_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["program_id"], ["programs.id"], name=op.f("fk_program_coordinators_program_id_programs")
        ),
        sa.PrimaryKeyConstraint("program_id", "coordinator_id", name=op.f("pk_program_coordinators")),
    )
    with op.batch_alter_table("program_coordinators", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_program_coordinators_coordinator_id"), ["coordinator_id"], unique=False
        )

    op.create_table(
        "staff_invitations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("program_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("invited_by", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("accepted_at", sa.DateTime(), nullable=True),
        sa.Column("accepted_by", sa.Integer(), nullable=True),
        sa.Column("revoked_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["accepted_by"], ["users.id"], name=op.f("fk_staff_invitations_accepted_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["invited_by"], ["users.id"], name=op.f("fk_staff_invitations_invited_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["program_id"], ["programs.id"], name=op.f("fk_staff_invitations_program_id_programs")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_staff_invitations")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_staff_invitations_token_hash")),
    )
    with op.batch_alter_table("staff_invitations", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_staff_invitations_program_id"), ["program_id"], unique=False)


def downgrade() -> None:
    op.drop_table("staff_invitations")
    op.drop_table("program_coordinators")
    # ALTER TABLE ... DROP COLUMN in place (SQLite 3.35 and later), not a rebuild: every other table
    # refers to users, and a rebuild drops the table they refer to (a foreign key error on SQLite).
    with op.batch_alter_table("users", schema=None, recreate="never") as batch_op:
        batch_op.drop_column("closed_at")
        batch_op.drop_column("time_zone")
