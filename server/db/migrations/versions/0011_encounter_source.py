"""encounters: who put each one on the record (issue 18: facts a letter states as the platform's)

``encounters.source`` is ``platform`` (made by Rounds when a session it hosted ended, for an invited
visitor it saw connected), ``preceptor`` (entered by hand by a preceptor) or ``visitor`` (self-reported).
A letter's "as recorded by the Rounds platform" counts only the first.

Existing rows are sorted by what the database can still show:
* ``platform``: the row names a visit hosted by whoever recorded it, which invited this enrollment and
  in which the enrollment's visitor was connected (what ``services.live.end_visit`` made);
* ``visitor``: recorded by the enrollment's visitor; such a row keeps no patient's consent (a visitor
  cannot attest it: ``consent_recorded`` becomes NULL, "not recorded by the host");
* ``preceptor``: everything else.
A hand entry's ``session_id`` that names no visit of the enrollment's program attended by its visitor is
cleared: it pointed at nothing the platform can vouch for. The downgrade drops the column (the cleared
values are not restored).

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

# Correlated conditions on the row being updated (``encounters``), plain SQL both engines read.
_HOSTED_AND_ATTENDED = """
EXISTS (
    SELECT 1 FROM visits v
    JOIN visit_invitations i ON i.visit_id = v.id
    JOIN applications a ON a.id = encounters.enrollment_id
    JOIN attendance_intervals t ON t.visit_id = v.id AND t.user_id = a.visitor_id
    WHERE v.id = encounters.session_id
      AND v.host_id = encounters.created_by
      AND i.enrollment_id = encounters.enrollment_id
)
"""
_BY_ITS_VISITOR = """
EXISTS (
    SELECT 1 FROM applications a
    WHERE a.id = encounters.enrollment_id AND a.visitor_id = encounters.created_by
)
"""
_ATTENDED_IN_PROGRAM = """
EXISTS (
    SELECT 1 FROM visits v
    JOIN applications a ON a.id = encounters.enrollment_id
    JOIN attendance_intervals t ON t.visit_id = v.id AND t.user_id = a.visitor_id
    WHERE v.id = encounters.session_id AND v.program_id = a.program_id
)
"""


def upgrade() -> None:
    with op.batch_alter_table("encounters", schema=None) as batch_op:
        batch_op.add_column(sa.Column("source", sa.String(length=16), nullable=True))
    op.execute(f"UPDATE encounters SET source = 'platform' WHERE {_HOSTED_AND_ATTENDED}")
    op.execute(
        "UPDATE encounters SET source = 'visitor', consent_recorded = NULL "
        f"WHERE source IS NULL AND {_BY_ITS_VISITOR}"
    )
    op.execute("UPDATE encounters SET source = 'preceptor' WHERE source IS NULL")
    op.execute(
        "UPDATE encounters SET session_id = NULL "
        f"WHERE source <> 'platform' AND session_id IS NOT NULL AND NOT {_ATTENDED_IN_PROGRAM}"
    )
    with op.batch_alter_table("encounters", schema=None) as batch_op:
        batch_op.alter_column("source", existing_type=sa.String(length=16), nullable=False)


def downgrade() -> None:
    with op.batch_alter_table("encounters", schema=None) as batch_op:
        batch_op.drop_column("source")
