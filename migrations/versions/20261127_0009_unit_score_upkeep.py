"""Unit scores, kept fast under record writes.

- The index on `changed_at` goes. District systems ask what changed since a time for one
  district and period, which the district index narrows to its parks' rows; the index on
  `changed_at` served no query and cost every score update (a record write rewrites about
  a dozen rows) an index entry.
- PostgreSQL: autovacuum visits `unit_score` after 2,000 dead rows, not after a fifth of
  the table. A record write rewrites the TREE rows of its park and district, so those few
  rows collect dead versions with every write, and their updates (of indexed columns)
  cannot reclaim them on their own. At the default threshold (70,000 dead rows at province
  scale) reading and updating them slowed by half before a vacuum; vacuuming the table
  then takes about 50 ms.

Revision ID: 20261127_0009
Revises: 20261126_0008
Create Date: 2026-11-27 02:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "20261127_0009"
down_revision: str | None = "20261126_0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

AUTOVACUUM = "autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 2000"


def upgrade() -> None:
    op.drop_index("ix_unit_score_changed", table_name="unit_score")
    if op.get_context().dialect.name == "postgresql":
        op.execute(f"ALTER TABLE unit_score SET ({AUTOVACUUM})")


def downgrade() -> None:
    if op.get_context().dialect.name == "postgresql":
        op.execute(
            "ALTER TABLE unit_score RESET (autovacuum_vacuum_scale_factor, autovacuum_vacuum_threshold)"
        )
    op.create_index("ix_unit_score_changed", "unit_score", ["changed_at"])
