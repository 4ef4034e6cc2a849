"""The evidence chains: the append-only table chain_link (triggers on SQLite and PostgreSQL
refuse UPDATE and DELETE), one link per sealed row (domain/audit/chain). Rows written before
this revision are sealed by `python -m api migrate` after the migrations run
(domain.audit.chain.sealing.seal_backlog), not here: sealing reads the rows through the
current models.

Revision ID: 20261208_0017
Revises: 20261208_0016
Create Date: 2026-12-08 00:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "20261208_0017"
down_revision: str | None = "20261208_0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLE = "chain_link"


def upgrade() -> None:
    op.create_table(
        TABLE,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("chain", sa.String(length=40), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("row_key", sa.String(length=64), nullable=False),
        sa.Column("scheme", sa.Integer(), nullable=False),
        sa.Column("row_digest", sa.String(length=64), nullable=False),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.Column("sealed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_chain_link")),
        sa.UniqueConstraint("chain", "seq", name="uq_chain_link_chain_seq"),
        sa.UniqueConstraint("chain", "row_key", name="uq_chain_link_chain_row_key"),
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            f"""CREATE FUNCTION {TABLE}_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN RAISE EXCEPTION '{TABLE} is append-only'; END $$"""
        )
        op.execute(
            f"""CREATE TRIGGER {TABLE}_append_only BEFORE UPDATE OR DELETE ON {TABLE}
            FOR EACH ROW EXECUTE FUNCTION {TABLE}_append_only()"""
        )
    else:
        for verb in ("UPDATE", "DELETE"):
            op.execute(
                f"""CREATE TRIGGER {TABLE}_no_{verb.lower()} BEFORE {verb} ON {TABLE}
                BEGIN SELECT RAISE(ABORT, '{TABLE} is append-only'); END"""
            )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"DROP TRIGGER {TABLE}_append_only ON {TABLE}")
        op.execute(f"DROP FUNCTION {TABLE}_append_only()")
    op.drop_table(TABLE)
