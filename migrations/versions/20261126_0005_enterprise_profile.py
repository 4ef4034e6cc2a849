"""Enterprise profiles: the attributes duty rules depend on (trade, high-risk, staff count,
A/B/C/D class, placarded), kept as dated rows so that a period is judged by the attributes
it started with. Each existing enterprise gets a row from the day it was created.
Append-only (triggers on SQLite and PostgreSQL).

Revision ID: 20261126_0005
Revises: 20261126_0004
Create Date: 2026-11-26 13:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "20261126_0005"
down_revision: str | None = "20261126_0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FIELDS = "trade, high_risk, staff_count, risk_class, placarded"


def upgrade() -> None:
    op.create_table(
        "enterprise_profile",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("effective_from", sa.Date(), nullable=False),
        sa.Column("trade", sa.String(length=32), nullable=False),
        sa.Column("high_risk", sa.Boolean(), nullable=False),
        sa.Column("staff_count", sa.Integer(), nullable=False),
        sa.Column("risk_class", sa.String(length=1), nullable=True),
        sa.Column("placarded", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["unit_id"],
            ["org_unit.id"],
            name=op.f("fk_enterprise_profile_unit_id_org_unit"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_enterprise_profile")),
    )
    with op.batch_alter_table("enterprise_profile", schema=None) as batch_op:
        batch_op.create_index(
            "ix_enterprise_profile_unit_id", ["unit_id", "effective_from", "id"], unique=False
        )
    postgresql = op.get_bind().dialect.name == "postgresql"
    created_on = (
        "(created_at AT TIME ZONE 'Asia/Shanghai')::date" if postgresql else "date(created_at, '+8 hours')"
    )
    op.execute(
        f"INSERT INTO enterprise_profile (unit_id, effective_from, {FIELDS}, created_at) "
        f"SELECT id, {created_on}, {FIELDS}, created_at FROM org_unit WHERE kind = 'ENTERPRISE' ORDER BY id"
    )
    if postgresql:
        op.execute(
            """CREATE FUNCTION enterprise_profile_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN RAISE EXCEPTION 'enterprise_profile is append-only'; END $$"""
        )
        op.execute(
            """CREATE TRIGGER enterprise_profile_append_only BEFORE UPDATE OR DELETE ON enterprise_profile
            FOR EACH ROW EXECUTE FUNCTION enterprise_profile_append_only()"""
        )
    else:
        for verb in ("UPDATE", "DELETE"):
            op.execute(
                f"""CREATE TRIGGER enterprise_profile_no_{verb.lower()} BEFORE {verb} ON enterprise_profile
                BEGIN SELECT RAISE(ABORT, 'enterprise_profile is append-only'); END"""
            )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER enterprise_profile_append_only ON enterprise_profile")
        op.execute("DROP FUNCTION enterprise_profile_append_only()")
    with op.batch_alter_table("enterprise_profile", schema=None) as batch_op:
        batch_op.drop_index("ix_enterprise_profile_unit_id")
    op.drop_table("enterprise_profile")
