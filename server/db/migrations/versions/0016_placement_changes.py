"""placement changes only with consent, and the before-day-one checklist

``blocks.closed_at`` / ``closed_reason``: a block that cannot take place (a site closes, a preceptor
leaves), closed by its coordinator; it takes no new application, offer or seat, and those who hold it
keep it until they accept an alternative. ``placement_proposals`` are the coordinator's questions to a
visitor ("would you take one of these instead?"; at most one open per application: a partial unique
index), ``placement_options`` their alternatives (a program and consecutive blocks of it).

``programs.before_day_one`` names the checklist items a program requires of its visitors before the
start (existing in-person and hybrid programs get every item, virtual ones none);
``checklist_marks`` keeps which item of an enrollment was marked done, by whom, with a note.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-10
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None

OPEN_PROPOSAL = "state = 'open'"
ALL_ITEMS = (
    '["travel", "housing", "malpractice_insurance", "immunizations", "background_check", "orientation"]'
)


def upgrade() -> None:
    # In place (no table rebuild on SQLite: other tables refer to both).
    with op.batch_alter_table("blocks", schema=None, recreate="never") as batch_op:
        batch_op.add_column(sa.Column("closed_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("closed_reason", sa.Text(), nullable=True))
    with op.batch_alter_table("programs", schema=None, recreate="never") as batch_op:
        batch_op.add_column(sa.Column("before_day_one", sa.JSON(), server_default="[]", nullable=False))
    programs = sa.table(
        "programs", sa.column("modality", sa.String()), sa.column("before_day_one", sa.JSON())
    )
    op.execute(
        programs.update()
        .where(programs.c.modality.in_(["in_person", "hybrid"]))
        .values(before_day_one=sa.literal_column(f"'{ALL_ITEMS}'"))
    )

    op.create_table(
        "placement_proposals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("coordinator_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("answered_at", sa.DateTime(), nullable=True),
        sa.Column("chosen_option_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["applications.id"],
            name=op.f("fk_placement_proposals_application_id_applications"),
        ),
        sa.ForeignKeyConstraint(
            ["coordinator_id"], ["users.id"], name=op.f("fk_placement_proposals_coordinator_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_placement_proposals")),
    )
    with op.batch_alter_table("placement_proposals", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_placement_proposals_application_id"), ["application_id"], unique=False
        )
        batch_op.create_index(
            "uq_placement_proposals_open_per_application",
            ["application_id"],
            unique=True,
            sqlite_where=sa.text(OPEN_PROPOSAL),
            postgresql_where=sa.text(OPEN_PROPOSAL),
        )
    op.create_table(
        "placement_options",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("proposal_id", sa.Integer(), nullable=False),
        sa.Column("program_id", sa.Integer(), nullable=False),
        sa.Column("block_ids", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["proposal_id"],
            ["placement_proposals.id"],
            name=op.f("fk_placement_options_proposal_id_placement_proposals"),
        ),
        sa.ForeignKeyConstraint(
            ["program_id"], ["programs.id"], name=op.f("fk_placement_options_program_id_programs")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_placement_options")),
    )
    with op.batch_alter_table("placement_options", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_placement_options_proposal_id"), ["proposal_id"], unique=False)

    op.create_table(
        "checklist_marks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("item", sa.String(length=32), nullable=False),
        sa.Column("done_at", sa.DateTime(), nullable=True),
        sa.Column("done_by", sa.Integer(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["applications.id"],
            name=op.f("fk_checklist_marks_application_id_applications"),
        ),
        sa.ForeignKeyConstraint(["done_by"], ["users.id"], name=op.f("fk_checklist_marks_done_by_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_checklist_marks")),
        sa.UniqueConstraint("application_id", "item", name="uq_checklist_marks_item"),
    )
    with op.batch_alter_table("checklist_marks", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_checklist_marks_application_id"), ["application_id"], unique=False
        )


def downgrade() -> None:
    op.drop_table("checklist_marks")
    op.drop_table("placement_options")
    op.drop_table("placement_proposals")
    with op.batch_alter_table("programs", schema=None, recreate="never") as batch_op:
        batch_op.drop_column("before_day_one")
    with op.batch_alter_table("blocks", schema=None, recreate="never") as batch_op:
        batch_op.drop_column("closed_reason")
        batch_op.drop_column("closed_at")
