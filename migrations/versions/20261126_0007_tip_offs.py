"""Public tip-offs (举报) and the tip-off right: the admin role template gains read and
write on `tipoff`, the one right that shows a reporter's contact (吹哨人 confidentiality).

Revision ID: 20261126_0007
Revises: 20261126_0006
Create Date: 2026-11-26 14:05:20
"""

from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision: str = "20261126_0007"
down_revision: str | None = "20261126_0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "tip_off",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("park_id", sa.Integer(), nullable=False),
        sa.Column("tracking_code", sa.String(length=32), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("location", sa.String(length=500), nullable=True),
        sa.Column("contact", sa.String(length=200), nullable=True),
        sa.Column("address_hash", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("hazard_id", sa.Integer(), nullable=True),
        sa.Column("dismiss_reason", sa.Text(), nullable=True),
        sa.Column("triaged_by", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["hazard_id"], ["hazard.id"], name=op.f("fk_tip_off_hazard_id_hazard"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["park_id"], ["org_unit.id"], name=op.f("fk_tip_off_park_id_org_unit"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tip_off")),
    )
    with op.batch_alter_table("tip_off", schema=None) as batch_op:
        batch_op.create_index("ix_tip_off_address_hash", ["address_hash", "created_at"], unique=False)
        batch_op.create_index("ix_tip_off_park_id", ["park_id", "id"], unique=False)
        batch_op.create_index("uq_tip_off_tracking_code", ["tracking_code"], unique=True)

    permission = sa.table(
        "authz_permission",
        sa.column("role", sa.String),
        sa.column("resource", sa.String),
        sa.column("action", sa.String),
        sa.column("created_at", sa.DateTime(timezone=True)),
        sa.column("created_by", sa.String),
    )
    created = datetime(2026, 11, 26, tzinfo=UTC)
    op.bulk_insert(
        permission,
        [
            {
                "role": "admin",
                "resource": "tipoff",
                "action": action,
                "created_at": created,
                "created_by": "system",
            }
            for action in ("read", "write")
        ],
    )


def downgrade() -> None:
    op.execute("DELETE FROM authz_permission WHERE resource = 'tipoff'")
    with op.batch_alter_table("tip_off", schema=None) as batch_op:
        batch_op.drop_index("uq_tip_off_tracking_code")
        batch_op.drop_index("ix_tip_off_park_id")
        batch_op.drop_index("ix_tip_off_address_hash")

    op.drop_table("tip_off")
