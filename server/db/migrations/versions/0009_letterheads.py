"""letters: the author's letterhead as it was when the letter was signed

A signed letter is final, so the letterhead and contact details it is printed on are kept with it
(``letter_requests.letterhead``, JSON: name, title, institution, address, phone, email) instead of
being read from the author's profile, which may change later. Empty until the letter is signed.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("letter_requests", schema=None) as batch_op:
        batch_op.add_column(sa.Column("letterhead", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("letter_requests", schema=None) as batch_op:
        batch_op.drop_column("letterhead")
