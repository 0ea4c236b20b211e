"""coaches and messages: every application's coach and its history, message threads, read state

``coaches`` holds the current coach of each application (a coordinator of its program) and
``coach_assignments`` every assignment: who became coach, who was before, who made the change (NULL:
Rounds, on application) and when. Existing applications past the draft get the coordinator who
published their program, recorded as an assignment by Rounds at the time of the migration.

``message_threads`` are the conversations of a visitor about one application: with its coach (one per
application) or with one preceptor of the enrollment (one per application and preceptor); partial
unique indexes keep one of each. ``messages`` are their messages (at most one attachment each, its
bytes in the file store under their SHA-256), and ``thread_reads`` how far each participant has read.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-09
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

COACH_THREAD = "kind = 'coach'"
PRECEPTOR_THREAD = "kind = 'preceptor'"


def _fk(table: str, column: str, target: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint([column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}"))


def upgrade() -> None:
    op.create_table(
        "coaches",
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("coach_id", sa.Integer(), nullable=False),
        sa.Column("assigned_at", sa.DateTime(), nullable=False),
        _fk("coaches", "application_id", "applications"),
        _fk("coaches", "coach_id", "users"),
        sa.PrimaryKeyConstraint("application_id", name=op.f("pk_coaches")),
    )
    with op.batch_alter_table("coaches", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_coaches_coach_id"), ["coach_id"], unique=False)

    op.create_table(
        "coach_assignments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("coach_id", sa.Integer(), nullable=False),
        sa.Column("previous_coach_id", sa.Integer(), nullable=True),
        sa.Column("assigned_by", sa.Integer(), nullable=True),
        sa.Column("at", sa.DateTime(), nullable=False),
        _fk("coach_assignments", "application_id", "applications"),
        _fk("coach_assignments", "coach_id", "users"),
        _fk("coach_assignments", "previous_coach_id", "users"),
        _fk("coach_assignments", "assigned_by", "users"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_coach_assignments")),
    )
    with op.batch_alter_table("coach_assignments", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_coach_assignments_application_id"), ["application_id"], unique=False
        )

    op.create_table(
        "message_threads",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("preceptor_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("last_message_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "(kind = 'coach' AND preceptor_id IS NULL) OR (kind = 'preceptor' AND preceptor_id IS NOT NULL)",
            name=op.f("ck_message_threads_kind_matches_preceptor"),
        ),
        _fk("message_threads", "application_id", "applications"),
        _fk("message_threads", "preceptor_id", "users"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_message_threads")),
    )
    with op.batch_alter_table("message_threads", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_message_threads_application_id"), ["application_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_message_threads_preceptor_id"), ["preceptor_id"], unique=False)
        batch_op.create_index(
            "uq_message_threads_coach",
            ["application_id"],
            unique=True,
            sqlite_where=sa.text(COACH_THREAD),
            postgresql_where=sa.text(COACH_THREAD),
        )
        batch_op.create_index(
            "uq_message_threads_preceptor",
            ["application_id", "preceptor_id"],
            unique=True,
            sqlite_where=sa.text(PRECEPTOR_THREAD),
            postgresql_where=sa.text(PRECEPTOR_THREAD),
        )

    op.create_table(
        "messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("thread_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("attachment_name", sa.String(length=255), nullable=True),
        sa.Column("attachment_type", sa.String(length=64), nullable=True),
        sa.Column("attachment_size", sa.Integer(), nullable=True),
        sa.Column("attachment_sha256", sa.String(length=64), nullable=True),
        _fk("messages", "thread_id", "message_threads"),
        _fk("messages", "author_id", "users"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_messages")),
    )
    with op.batch_alter_table("messages", schema=None) as batch_op:
        batch_op.create_index("ix_messages_thread_id_id", ["thread_id", "id"], unique=False)

    op.create_table(
        "thread_reads",
        sa.Column("thread_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("last_read_message_id", sa.Integer(), nullable=False),
        sa.Column("read_at", sa.DateTime(), nullable=False),
        _fk("thread_reads", "thread_id", "message_threads"),
        _fk("thread_reads", "user_id", "users"),
        sa.PrimaryKeyConstraint("thread_id", "user_id", name=op.f("pk_thread_reads")),
    )
    with op.batch_alter_table("thread_reads", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_thread_reads_user_id"), ["user_id"], unique=False)

    _coach_existing_applications()


def _coach_existing_applications() -> None:
    """Every application past the draft gets its program's publishing coordinator as coach, recorded
    as an assignment by Rounds (``assigned_by`` NULL) now."""
    now = datetime.now(UTC).replace(tzinfo=None)  # the columns hold naive UTC
    conn = op.get_bind()
    rows = conn.execute(
        sa.text(
            "SELECT a.id, p.coordinator_id FROM applications a JOIN programs p ON p.id = a.program_id "
            "WHERE a.state <> 'draft' ORDER BY a.id"
        )
    ).fetchall()
    for application_id, coordinator_id in rows:
        values = {"a": application_id, "c": coordinator_id, "at": now}
        conn.execute(
            sa.text("INSERT INTO coaches (application_id, coach_id, assigned_at) VALUES (:a, :c, :at)"),
            values,
        )
        conn.execute(
            sa.text(
                "INSERT INTO coach_assignments (application_id, coach_id, previous_coach_id, "
                "assigned_by, at) VALUES (:a, :c, NULL, NULL, :at)"
            ),
            values,
        )


def downgrade() -> None:
    op.drop_table("thread_reads")
    op.drop_table("messages")
    op.drop_table("message_threads")
    op.drop_table("coach_assignments")
    op.drop_table("coaches")
