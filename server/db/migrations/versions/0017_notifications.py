"""notifications: in the app and by email, each kind switchable; reminders made once across nodes

``notifications`` holds what Rounds told each person in the app (names and a link, never clinical
text), written in the same transaction as the change that causes it. ``notification_preferences``
holds a person's own choices, per kind, in the app and by email (a kind with no row keeps its
defaults). ``reminders`` holds each reminder to make (an offer 48 hours before it expires, a session an
hour before it starts), claimed by the reminder job with row locks and marked made. ``outbox`` gains
``attachments`` (a session's ``.ics``).

Offers waiting for an answer and sessions still to come get their reminders here, as the services
write them for new ones.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-08
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None

# As in server/domain/notifications.py when this was written (a migration keeps its own copy).
OFFER_REMINDER_BEFORE = timedelta(hours=48)
SESSION_REMINDER_BEFORE = timedelta(hours=1)


def upgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.add_column(sa.Column("attachments", sa.JSON(), nullable=True))
    op.execute("UPDATE outbox SET attachments = '[]'")
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.alter_column("attachments", existing_type=sa.JSON(), nullable=False)

    op.create_table(
        "notifications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("recipient_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("subject_type", sa.String(length=24), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.String(length=300), nullable=False),
        sa.Column("link", sa.String(length=200), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=True),
        sa.Column("note", sa.String(length=300), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("read_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["recipient_id"], ["users.id"], name=op.f("fk_notifications_recipient_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notifications")),
    )
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_notifications_recipient_id"), ["recipient_id"], unique=False)
        batch_op.create_index("ix_notifications_recipient_read", ["recipient_id", "read_at"], unique=False)

    op.create_table(
        "notification_preferences",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("in_app", sa.Boolean(), nullable=False),
        sa.Column("email", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_notification_preferences_user_id_users")
        ),
        sa.PrimaryKeyConstraint("user_id", "kind", name=op.f("pk_notification_preferences")),
    )

    reminders = op.create_table(
        "reminders",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=False),
        sa.Column("about", sa.DateTime(), nullable=False),
        sa.Column("due_at", sa.DateTime(), nullable=False),
        sa.Column("made_at", sa.DateTime(), nullable=True),
        sa.Column("outcome", sa.String(length=16), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reminders")),
        sa.UniqueConstraint("kind", "subject_id", name="uq_reminders_kind_subject"),
    )
    with op.batch_alter_table("reminders", schema=None) as batch_op:
        batch_op.create_index("ix_reminders_pending", ["made_at", "due_at"], unique=False)

    _remind_what_is_waiting(reminders)


def _remind_what_is_waiting(reminders: sa.Table) -> None:
    """Reminders for the offers waiting for an answer and the sessions still to come (times are
    naive UTC in both databases)."""
    bind = op.get_bind()
    now = datetime.now(UTC).replace(tzinfo=None)
    applications = sa.table(
        "applications",
        sa.column("id", sa.Integer()),
        sa.column("state", sa.String()),
        sa.column("offer_expires_at", sa.DateTime()),
    )
    visits = sa.table(
        "visits",
        sa.column("id", sa.Integer()),
        sa.column("status", sa.String()),
        sa.column("starts_at", sa.DateTime()),
    )
    rows: list[dict[str, object]] = []
    offers = bind.execute(
        sa.select(applications.c.id, applications.c.offer_expires_at).where(
            applications.c.state == "offer_made", applications.c.offer_expires_at > now
        )
    )
    for application_id, expires in offers:
        rows.append(
            {
                "kind": "offer_expiring",
                "subject_id": application_id,
                "about": expires,
                "due_at": expires - OFFER_REMINDER_BEFORE,
            }
        )
    sessions = bind.execute(
        sa.select(visits.c.id, visits.c.starts_at).where(
            visits.c.status == "scheduled", visits.c.starts_at > now
        )
    )
    for visit_id, starts in sessions:
        rows.append(
            {
                "kind": "session_starting",
                "subject_id": visit_id,
                "about": starts,
                "due_at": starts - SESSION_REMINDER_BEFORE,
            }
        )
    if rows:
        op.bulk_insert(reminders, rows)


def downgrade() -> None:
    op.drop_table("reminders")
    op.drop_table("notification_preferences")
    op.drop_table("notifications")
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_column("attachments")
