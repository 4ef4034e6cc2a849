"""Score tallies count a post's period once: a holder's share that another share carries for
the post (`answering`) counts in its holder's score only.

The tallies and unit scores are derived data, and under the new meaning of a post's duty
(judged for the post, by whoever held it when they acted) the stored ones are stale: they
are emptied here, the scoring state kept, and `python -m api migrate` (which `serve` runs)
rebuilds them from the evidence when it finds a scoring state with no tallies.

Revision ID: 20261207_0015
Revises: 20261207_0014
Create Date: 2026-12-07 20:50:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "20261207_0015"
down_revision: str | None = "20261207_0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _key(answering: bool) -> list[sa.TextClause | str]:
    return [
        sa.text("coalesce(person_id, 0)"),
        sa.text("coalesce(post_id, 0)"),
        "unit_id",
        "month",
        "weight_class",
        *(["answering"] if answering else []),
    ]


def upgrade() -> None:
    op.execute("DELETE FROM unit_score")
    op.execute("DELETE FROM score_tally")
    op.drop_index("uq_score_tally_key", table_name="score_tally")
    with op.batch_alter_table("score_tally") as batch:
        batch.add_column(sa.Column("answering", sa.Boolean(), nullable=False, server_default=sa.false()))
    op.create_index("uq_score_tally_key", "score_tally", _key(True), unique=True)


def downgrade() -> None:
    op.execute("DELETE FROM unit_score")
    op.execute("DELETE FROM score_tally")
    op.drop_index("uq_score_tally_key", table_name="score_tally")
    with op.batch_alter_table("score_tally") as batch:
        batch.drop_column("answering")
    op.create_index("uq_score_tally_key", "score_tally", _key(False), unique=True)
