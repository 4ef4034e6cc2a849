"""A note of its own for revoking or ending a policy row, membership, contract or key, so
that the note the row was made with is never overwritten.

Revision ID: 20261126_0003
Revises: 20261123_0002
Create Date: 2026-11-26 11:40:00
"""

import warnings
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "20261126_0003"
down_revision: str | None = "20261123_0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = (
    "authz_permission",
    "authz_role_grant",
    "joint_responsibility",
    "agency_member",
    "agency_contract",
    "api_key",
)


def upgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table) as batch_op:
            batch_op.add_column(sa.Column("closing_note", sa.String(length=500), nullable=True))


def downgrade() -> None:
    # On SQLite dropping a column rebuilds the table, reflecting the tables its foreign keys
    # name; SQLAlchemy cannot reflect org_unit's expression index and says so. Nothing is
    # lost: org_unit itself is not rebuilt.
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Skipped unsupported reflection", category=sa.exc.SAWarning)
        for table in reversed(TABLES):
            with op.batch_alter_table(table) as batch_op:
                batch_op.drop_column("closing_note")
