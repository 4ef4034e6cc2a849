"""Score tallies: one row per key, declared by a unique index, so that a record write adds
to its tallies in one statement (an upsert) and two writers can never both insert a row
for the same new key. Rows that share a key (possible before: nothing refused them) are
first merged into the oldest, their counts added up.

Revision ID: 20261127_0010
Revises: 20261127_0009
Create Date: 2026-11-27 02:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "20261127_0010"
down_revision: str | None = "20261127_0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KEY = "coalesce(person_id, 0), coalesce(post_id, 0), unit_id, month, weight_class"
SAME_KEY = (
    "coalesce(o.person_id, 0) = coalesce(score_tally.person_id, 0) "
    "AND coalesce(o.post_id, 0) = coalesce(score_tally.post_id, 0) AND o.unit_id = score_tally.unit_id "
    "AND o.month = score_tally.month AND o.weight_class = score_tally.weight_class"
)


def upgrade() -> None:
    keep = f"SELECT min(id) FROM score_tally GROUP BY {KEY} HAVING count(*) > 1"
    op.execute(
        f"""UPDATE score_tally SET
            on_time = (SELECT sum(o.on_time) FROM score_tally o WHERE {SAME_KEY}),
            late = (SELECT sum(o.late) FROM score_tally o WHERE {SAME_KEY}),
            missed = (SELECT sum(o.missed) FROM score_tally o WHERE {SAME_KEY})
        WHERE id IN ({keep})"""
    )
    op.execute(f"DELETE FROM score_tally WHERE id NOT IN (SELECT min(id) FROM score_tally GROUP BY {KEY})")
    op.create_index(
        "uq_score_tally_key",
        "score_tally",
        [
            sa.text("coalesce(person_id, 0)"),
            sa.text("coalesce(post_id, 0)"),
            "unit_id",
            "month",
            "weight_class",
        ],
        unique=True,
    )


def downgrade() -> None:
    op.drop_index("uq_score_tally_key", table_name="score_tally")
