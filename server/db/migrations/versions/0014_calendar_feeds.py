"""calendars and the catalog: calendar subscriptions, visit revisions, the programs' search text

``calendar_feeds`` holds each user's private calendar subscription: only the SHA-256 of its secret token
(the URL is shown once, when it is made), when it was made and, once replaced or revoked, when. At most
one feed per user is active (a partial unique index over the rows not revoked).

``visits.sequence`` counts the significant revisions of a visit (moved to another time, cancelled): the
iCalendar SEQUENCE calendar apps use to replace the copy they hold; ``visits.revised_at`` is when the
last one happened (NULL: never revised; the event's stamp is then its creation). Existing visits start
at 0, cancelled ones at 1 (their cancellation was a revision), revised when they were made.

``programs.search_text`` is the catalog's search key of a program (title, specialty and description,
lower case, accents removed: :func:`server.domain.programs.search_key`), filled here for existing
programs; the text search compares words against it with LIKE, the same on SQLite and PostgreSQL.

Revision ID: 0014
Revises: 0012
Create Date: 2026-12-08
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from server.domain.programs import search_key

revision = "0014"
down_revision = "0012"
branch_labels = None
depends_on = None

ACTIVE_FEED = "revoked_at IS NULL"


def upgrade() -> None:
    op.create_table(
        "calendar_feeds",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("revoked_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_calendar_feeds_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_calendar_feeds")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_calendar_feeds_token_hash")),
    )
    with op.batch_alter_table("calendar_feeds", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_calendar_feeds_user_id"), ["user_id"], unique=False)
        batch_op.create_index(
            "uq_calendar_feeds_active_per_user",
            ["user_id"],
            unique=True,
            sqlite_where=sa.text(ACTIVE_FEED),
            postgresql_where=sa.text(ACTIVE_FEED),
        )

    with op.batch_alter_table("visits", schema=None, recreate="never") as batch_op:
        batch_op.add_column(sa.Column("sequence", sa.Integer(), server_default="0", nullable=False))
        batch_op.add_column(sa.Column("revised_at", sa.DateTime(), nullable=True))
    op.execute("UPDATE visits SET sequence = 1 WHERE status = 'cancelled'")

    # Added NOT NULL with a default and filled in place: on SQLite, making a column NOT NULL afterwards
    # rebuilds the table, and dropping ``programs`` with foreign keys on fails once blocks refer to it.
    with op.batch_alter_table("programs", schema=None, recreate="never") as batch_op:
        batch_op.add_column(sa.Column("search_text", sa.Text(), server_default="", nullable=False))
    programs = sa.table(
        "programs",
        sa.column("id", sa.Integer()),
        sa.column("title", sa.String()),
        sa.column("specialty", sa.String()),
        sa.column("description", sa.Text()),
        sa.column("search_text", sa.Text()),
    )
    conn = op.get_bind()
    rows = conn.execute(
        sa.select(programs.c.id, programs.c.title, programs.c.specialty, programs.c.description)
    )
    for program_id, title, specialty, description in rows.fetchall():
        conn.execute(
            programs.update()
            .where(programs.c.id == program_id)
            .values(search_text=search_key(title, specialty, description or ""))
        )


def downgrade() -> None:
    # ALTER TABLE ... DROP COLUMN in place (SQLite 3.35 and later), not a rebuild: other tables refer
    # to both, and a rebuild drops the table they refer to.
    with op.batch_alter_table("programs", schema=None, recreate="never") as batch_op:
        batch_op.drop_column("search_text")
    with op.batch_alter_table("visits", schema=None, recreate="never") as batch_op:
        batch_op.drop_column("revised_at")
        batch_op.drop_column("sequence")
    op.drop_table("calendar_feeds")
