"""one open application per visitor and program, enforced by the database

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

# Written out here rather than imported: a migration must keep meaning what it meant when written.
OPEN_APPLICATION = (
    "state NOT IN ('denied', 'ineligible', 'offer_declined', 'offer_expired', 'completed', "
    "'withdrawn', 'dismissed')"
)


def upgrade() -> None:
    op.create_index(
        "uq_applications_open_per_program",
        "applications",
        ["visitor_id", "program_id"],
        unique=True,
        sqlite_where=sa.text(OPEN_APPLICATION),
        postgresql_where=sa.text(OPEN_APPLICATION),
    )


def downgrade() -> None:
    op.drop_index("uq_applications_open_per_program", table_name="applications")
