"""Delegations of duties (主持或者委托分管负责人召开): the append-only table duty_delegation.

Records keep their act date (`performed_on`) and entry time (`created_at`) as before; a
record naming no duty keeps its meaning, so nothing else changes in the data.

Revision ID: 20261207_0014
Revises: 20261207_0013
Create Date: 2026-12-07 20:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "20261207_0014"
down_revision: str | None = "20261207_0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "duty_delegation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("post_id", sa.Integer(), nullable=False),
        sa.Column("list_id", sa.Integer(), nullable=False),
        sa.Column("item_key", sa.String(length=100), nullable=False),
        sa.Column("delegate_person_id", sa.Integer(), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("corrects_id", sa.Integer(), nullable=True),
        sa.Column("withdrawn", sa.Boolean(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("created_by_person_id", sa.Integer(), nullable=True),
        sa.CheckConstraint("end_date >= start_date", name=op.f("ck_duty_delegation_dates")),
        sa.ForeignKeyConstraint(
            ["corrects_id"],
            ["duty_delegation.id"],
            name=op.f("fk_duty_delegation_corrects_id_duty_delegation"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["created_by_person_id"],
            ["person.id"],
            name=op.f("fk_duty_delegation_created_by_person_id_person"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["delegate_person_id"],
            ["person.id"],
            name=op.f("fk_duty_delegation_delegate_person_id_person"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["list_id"],
            ["duty_list.id"],
            name=op.f("fk_duty_delegation_list_id_duty_list"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["post_id"], ["post.id"], name=op.f("fk_duty_delegation_post_id_post"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_duty_delegation")),
    )
    with op.batch_alter_table("duty_delegation", schema=None) as batch_op:
        batch_op.create_index("ix_duty_delegation_post_id", ["post_id", "start_date"], unique=False)
        batch_op.create_index(
            "ix_duty_delegation_delegate", ["delegate_person_id", "start_date"], unique=False
        )
        batch_op.create_index("uq_duty_delegation_corrects_id", ["corrects_id"], unique=True)
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            """CREATE FUNCTION duty_delegation_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN RAISE EXCEPTION 'duty_delegation is append-only'; END $$"""
        )
        op.execute(
            """CREATE TRIGGER duty_delegation_append_only BEFORE UPDATE OR DELETE ON duty_delegation
            FOR EACH ROW EXECUTE FUNCTION duty_delegation_append_only()"""
        )
    else:
        for verb in ("UPDATE", "DELETE"):
            op.execute(
                f"""CREATE TRIGGER duty_delegation_no_{verb.lower()} BEFORE {verb} ON duty_delegation
                BEGIN SELECT RAISE(ABORT, 'duty_delegation is append-only'); END"""
            )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER duty_delegation_append_only ON duty_delegation")
        op.execute("DROP FUNCTION duty_delegation_append_only()")
    with op.batch_alter_table("duty_delegation", schema=None) as batch_op:
        batch_op.drop_index("uq_duty_delegation_corrects_id")
        batch_op.drop_index("ix_duty_delegation_delegate")
        batch_op.drop_index("ix_duty_delegation_post_id")
    op.drop_table("duty_delegation")
