"""Organisation tree, people, posts, 分管 charges and real-name assignments.

Revision ID: 20261122_0001
Revises:
Create Date: 2026-11-22 22:43:49.874699
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "20261122_0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "org_unit",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column(
            "path",
            sa.String(length=255).with_variant(sa.String(length=255, collation="C"), "postgresql"),
            nullable=False,
        ),
        sa.Column("depth", sa.Integer(), nullable=False),
        sa.Column("archived_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("credit_code", sa.String(length=18), nullable=True),
        sa.Column("trade", sa.String(length=32), nullable=True),
        sa.Column("high_risk", sa.Boolean(), nullable=True),
        sa.Column("staff_count", sa.Integer(), nullable=True),
        sa.Column("risk_class", sa.String(length=1), nullable=True),
        sa.Column("placarded", sa.Boolean(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "(kind = 'ENTERPRISE') = (credit_code IS NOT NULL AND trade IS NOT NULL AND high_risk IS NOT NULL AND staff_count IS NOT NULL AND placarded IS NOT NULL)",
            name=op.f("ck_org_unit_enterprise_fields"),
        ),
        sa.CheckConstraint(
            "kind IN ('DISTRICT', 'PARK', 'DEPARTMENT', 'ENTERPRISE')", name=op.f("ck_org_unit_kind")
        ),
        sa.CheckConstraint(
            "risk_class IS NULL OR risk_class IN ('A', 'B', 'C', 'D')", name=op.f("ck_org_unit_risk_class")
        ),
        sa.CheckConstraint("staff_count IS NULL OR staff_count >= 0", name=op.f("ck_org_unit_staff_count")),
        sa.ForeignKeyConstraint(
            ["parent_id"], ["org_unit.id"], name=op.f("fk_org_unit_parent_id_org_unit"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_org_unit")),
    )
    with op.batch_alter_table("org_unit", schema=None) as batch_op:
        batch_op.create_index("ix_org_unit_kind_path", ["kind", "path"], unique=False)
        batch_op.create_index("ix_org_unit_parent_id_code", ["parent_id", "code"], unique=False)
        batch_op.create_index("ix_org_unit_path", ["path"], unique=True)
        batch_op.create_index("uq_org_unit_credit_code", ["credit_code"], unique=True)
    # Codes are unique among siblings; roots share the pseudo-parent 0.
    op.create_index(
        "uq_org_unit_sibling_code", "org_unit", [sa.text("coalesce(parent_id, 0)"), "code"], unique=True
    )

    op.create_table(
        "person",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("id_number", sa.String(length=18), nullable=False),
        sa.Column("phone", sa.String(length=20), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_person")),
    )
    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.create_index("ix_person_name", ["name"], unique=False)
        batch_op.create_index("uq_person_id_number", ["id_number"], unique=True)

    op.create_table(
        "post",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("single_holder", sa.Boolean(), nullable=False),
        sa.Column("archived_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["org_unit.id"], name=op.f("fk_post_unit_id_org_unit"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_post")),
    )
    with op.batch_alter_table("post", schema=None) as batch_op:
        batch_op.create_index("ix_post_kind", ["kind"], unique=False)
        batch_op.create_index("ix_post_unit_id_kind", ["unit_id", "kind"], unique=False)

    op.create_table(
        "assignment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("post_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=True),
        sa.Column("corrects_id", sa.Integer(), nullable=True),
        sa.Column("withdrawn", sa.Boolean(), nullable=False),
        sa.Column("note", sa.String(length=500), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint("end_date IS NULL OR end_date >= start_date", name=op.f("ck_assignment_dates")),
        sa.ForeignKeyConstraint(
            ["corrects_id"],
            ["assignment.id"],
            name=op.f("fk_assignment_corrects_id_assignment"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.id"], name=op.f("fk_assignment_person_id_person"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["post_id"], ["post.id"], name=op.f("fk_assignment_post_id_post"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assignment")),
    )
    with op.batch_alter_table("assignment", schema=None) as batch_op:
        batch_op.create_index("ix_assignment_person_id_start_date", ["person_id", "start_date"], unique=False)
        batch_op.create_index("ix_assignment_post_id_start_date", ["post_id", "start_date"], unique=False)
        batch_op.create_index("uq_assignment_corrects_id", ["corrects_id"], unique=True)

    op.create_table(
        "post_charge",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("post_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("end_date IS NULL OR end_date >= start_date", name=op.f("ck_post_charge_dates")),
        sa.ForeignKeyConstraint(
            ["post_id"], ["post.id"], name=op.f("fk_post_charge_post_id_post"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["org_unit.id"], name=op.f("fk_post_charge_unit_id_org_unit"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_post_charge")),
    )
    with op.batch_alter_table("post_charge", schema=None) as batch_op:
        batch_op.create_index("ix_post_charge_post_id", ["post_id"], unique=False)
        batch_op.create_index("ix_post_charge_unit_id", ["unit_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("post_charge", schema=None) as batch_op:
        batch_op.drop_index("ix_post_charge_unit_id")
        batch_op.drop_index("ix_post_charge_post_id")

    op.drop_table("post_charge")
    with op.batch_alter_table("assignment", schema=None) as batch_op:
        batch_op.drop_index("uq_assignment_corrects_id")
        batch_op.drop_index("ix_assignment_post_id_start_date")
        batch_op.drop_index("ix_assignment_person_id_start_date")

    op.drop_table("assignment")
    with op.batch_alter_table("post", schema=None) as batch_op:
        batch_op.drop_index("ix_post_unit_id_kind")
        batch_op.drop_index("ix_post_kind")

    op.drop_table("post")
    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.drop_index("uq_person_id_number")
        batch_op.drop_index("ix_person_name")

    op.drop_table("person")
    op.drop_index("uq_org_unit_sibling_code", table_name="org_unit")
    with op.batch_alter_table("org_unit", schema=None) as batch_op:
        batch_op.drop_index("uq_org_unit_credit_code")
        batch_op.drop_index("ix_org_unit_path")
        batch_op.drop_index("ix_org_unit_parent_id_code")
        batch_op.drop_index("ix_org_unit_kind_path")

    op.drop_table("org_unit")
