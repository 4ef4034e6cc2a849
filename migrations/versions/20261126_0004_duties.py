"""Duty lists and records of performance: requirement sources, duty lists with versions
and items (each with its frequency rule), critical periods, records with the units and
duties they cover, exemption requests and their decisions.

The evidence tables are append-only (corrections are new rows): triggers refuse UPDATE and
DELETE on them, on SQLite and on PostgreSQL.

Revision ID: 20261126_0004
Revises: 20261126_0003
Create Date: 2026-11-26 12:27:36
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "20261126_0004"
down_revision: str | None = "20261126_0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

APPEND_ONLY = (
    "duty_list_version",
    "duty_item",
    "critical_period",
    "duty_record",
    "duty_record_unit",
    "duty_record_item",
    "exemption_decision",
)


def _append_only(table: str, dialect: str) -> list[str]:
    if dialect == "postgresql":
        return [
            f"""CREATE FUNCTION {table}_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN RAISE EXCEPTION '{table} is append-only'; END $$""",
            f"""CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table}
            FOR EACH ROW EXECUTE FUNCTION {table}_append_only()""",
        ]
    return [
        f"""CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table}
        BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END""",
        f"""CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table}
        BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END""",
    ]


def upgrade() -> None:
    op.create_table(
        "duty_source",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("file", sa.String(length=200), nullable=False),
        sa.Column("issuer", sa.String(length=200), nullable=False),
        sa.Column("number", sa.String(length=100), nullable=True),
        sa.Column("issued_on", sa.Date(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_duty_source")),
    )
    with op.batch_alter_table("duty_source", schema=None) as batch_op:
        batch_op.create_index("uq_duty_source_file", ["file"], unique=True)

    op.create_table(
        "critical_period",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=False),
        sa.Column("corrects_id", sa.Integer(), nullable=True),
        sa.Column("withdrawn", sa.Boolean(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.CheckConstraint("end_date >= start_date", name=op.f("ck_critical_period_dates")),
        sa.ForeignKeyConstraint(
            ["corrects_id"],
            ["critical_period.id"],
            name=op.f("fk_critical_period_corrects_id_critical_period"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"],
            ["org_unit.id"],
            name=op.f("fk_critical_period_unit_id_org_unit"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_critical_period")),
    )
    with op.batch_alter_table("critical_period", schema=None) as batch_op:
        batch_op.create_index("ix_critical_period_start_date", ["start_date"], unique=False)
        batch_op.create_index("ix_critical_period_unit_id", ["unit_id", "start_date"], unique=False)
        batch_op.create_index("uq_critical_period_corrects_id", ["corrects_id"], unique=True)

    op.create_table(
        "duty_list",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("post_kinds", sa.JSON(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=True),
        sa.Column("template_id", sa.Integer(), nullable=True),
        sa.Column("source_id", sa.Integer(), nullable=True),
        sa.Column("source_clause", sa.String(length=200), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["source_id"],
            ["duty_source.id"],
            name=op.f("fk_duty_list_source_id_duty_source"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["template_id"],
            ["duty_list.id"],
            name=op.f("fk_duty_list_template_id_duty_list"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["org_unit.id"], name=op.f("fk_duty_list_unit_id_org_unit"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_duty_list")),
    )
    with op.batch_alter_table("duty_list", schema=None) as batch_op:
        batch_op.create_index("ix_duty_list_unit_id", ["unit_id"], unique=False)
        batch_op.create_index("uq_duty_list_code", ["code"], unique=True)

    op.create_table(
        "duty_list_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("list_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("effective_from", sa.Date(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["list_id"],
            ["duty_list.id"],
            name=op.f("fk_duty_list_version_list_id_duty_list"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_duty_list_version")),
    )
    with op.batch_alter_table("duty_list_version", schema=None) as batch_op:
        batch_op.create_index("uq_duty_list_version_effective", ["list_id", "effective_from"], unique=True)
        batch_op.create_index("uq_duty_list_version_list_id", ["list_id", "number"], unique=True)

    op.create_table(
        "duty_record",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("performed_on", sa.Date(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("findings", sa.Text(), nullable=True),
        sa.Column("recorder", sa.String(length=64), nullable=False),
        sa.Column("recorder_person_id", sa.Integer(), nullable=True),
        sa.Column("agency_id", sa.Integer(), nullable=True),
        sa.Column("makeup_for", sa.Date(), nullable=True),
        sa.Column("participants", sa.JSON(), nullable=False),
        sa.Column("attachments", sa.JSON(), nullable=False),
        sa.Column("exempt_post_id", sa.Integer(), nullable=True),
        sa.Column("exempt_person_id", sa.Integer(), nullable=True),
        sa.Column("exempt_list_id", sa.Integer(), nullable=True),
        sa.Column("exempt_item_key", sa.String(length=100), nullable=True),
        sa.Column("exempt_from", sa.Date(), nullable=True),
        sa.Column("exempt_to", sa.Date(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("corrects_id", sa.Integer(), nullable=True),
        sa.Column("withdrawn", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "(kind = 'EXEMPTION') = (exempt_item_key IS NOT NULL AND exempt_from IS NOT NULL AND exempt_to IS NOT NULL AND exempt_list_id IS NOT NULL)",
            name=op.f("ck_duty_record_exemption_fields"),
        ),
        sa.CheckConstraint(
            "exempt_to IS NULL OR exempt_to >= exempt_from", name=op.f("ck_duty_record_exempt_dates")
        ),
        sa.CheckConstraint(
            "makeup_for IS NULL OR makeup_for < performed_on", name=op.f("ck_duty_record_makeup")
        ),
        sa.ForeignKeyConstraint(
            ["agency_id"], ["agency.id"], name=op.f("fk_duty_record_agency_id_agency"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["corrects_id"],
            ["duty_record.id"],
            name=op.f("fk_duty_record_corrects_id_duty_record"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["exempt_list_id"],
            ["duty_list.id"],
            name=op.f("fk_duty_record_exempt_list_id_duty_list"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["exempt_person_id"],
            ["person.id"],
            name=op.f("fk_duty_record_exempt_person_id_person"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["exempt_post_id"],
            ["post.id"],
            name=op.f("fk_duty_record_exempt_post_id_post"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["recorder_person_id"],
            ["person.id"],
            name=op.f("fk_duty_record_recorder_person_id_person"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_duty_record")),
    )
    with op.batch_alter_table("duty_record", schema=None) as batch_op:
        batch_op.create_index("ix_duty_record_exempt_post_id", ["exempt_post_id"], unique=False)
        batch_op.create_index("ix_duty_record_performed_on", ["performed_on"], unique=False)
        batch_op.create_index(
            "ix_duty_record_recorder_person_id", ["recorder_person_id", "performed_on"], unique=False
        )
        batch_op.create_index("uq_duty_record_corrects_id", ["corrects_id"], unique=True)

    op.create_table(
        "duty_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=100), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=True),
        sa.Column("source_clause", sa.String(length=200), nullable=True),
        sa.Column("rule", sa.JSON(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("meta", sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(
            ["source_id"],
            ["duty_source.id"],
            name=op.f("fk_duty_item_source_id_duty_source"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["duty_list_version.id"],
            name=op.f("fk_duty_item_version_id_duty_list_version"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_duty_item")),
    )
    with op.batch_alter_table("duty_item", schema=None) as batch_op:
        batch_op.create_index("ix_duty_item_key", ["key"], unique=False)
        batch_op.create_index("uq_duty_item_version_id", ["version_id", "key"], unique=True)

    op.create_table(
        "duty_record_unit",
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["record_id"],
            ["duty_record.id"],
            name=op.f("fk_duty_record_unit_record_id_duty_record"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"],
            ["org_unit.id"],
            name=op.f("fk_duty_record_unit_unit_id_org_unit"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("record_id", "unit_id", name=op.f("pk_duty_record_unit")),
    )
    with op.batch_alter_table("duty_record_unit", schema=None) as batch_op:
        batch_op.create_index("ix_duty_record_unit_unit_id", ["unit_id", "record_id"], unique=False)

    op.create_table(
        "exemption_decision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("approved", sa.Boolean(), nullable=False),
        sa.Column("decided_by", sa.String(length=64), nullable=False),
        sa.Column("decided_by_person_id", sa.Integer(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["decided_by_person_id"],
            ["person.id"],
            name=op.f("fk_exemption_decision_decided_by_person_id_person"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["record_id"],
            ["duty_record.id"],
            name=op.f("fk_exemption_decision_record_id_duty_record"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exemption_decision")),
    )
    with op.batch_alter_table("exemption_decision", schema=None) as batch_op:
        batch_op.create_index("uq_exemption_decision_record_id", ["record_id"], unique=True)

    op.create_table(
        "duty_record_item",
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["duty_item.id"],
            name=op.f("fk_duty_record_item_item_id_duty_item"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["record_id"],
            ["duty_record.id"],
            name=op.f("fk_duty_record_item_record_id_duty_record"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("record_id", "item_id", name=op.f("pk_duty_record_item")),
    )


def downgrade() -> None:
    op.drop_table("duty_record_item")
    with op.batch_alter_table("exemption_decision", schema=None) as batch_op:
        batch_op.drop_index("uq_exemption_decision_record_id")

    op.drop_table("exemption_decision")
    with op.batch_alter_table("duty_record_unit", schema=None) as batch_op:
        batch_op.drop_index("ix_duty_record_unit_unit_id")

    op.drop_table("duty_record_unit")
    with op.batch_alter_table("duty_item", schema=None) as batch_op:
        batch_op.drop_index("uq_duty_item_version_id")
        batch_op.drop_index("ix_duty_item_key")

    op.drop_table("duty_item")
    with op.batch_alter_table("duty_record", schema=None) as batch_op:
        batch_op.drop_index("uq_duty_record_corrects_id")
        batch_op.drop_index("ix_duty_record_recorder_person_id")
        batch_op.drop_index("ix_duty_record_performed_on")
        batch_op.drop_index("ix_duty_record_exempt_post_id")

    op.drop_table("duty_record")
    with op.batch_alter_table("duty_list_version", schema=None) as batch_op:
        batch_op.drop_index("uq_duty_list_version_list_id")
        batch_op.drop_index("uq_duty_list_version_effective")

    op.drop_table("duty_list_version")
    with op.batch_alter_table("duty_list", schema=None) as batch_op:
        batch_op.drop_index("uq_duty_list_code")
        batch_op.drop_index("ix_duty_list_unit_id")

    op.drop_table("duty_list")
    with op.batch_alter_table("critical_period", schema=None) as batch_op:
        batch_op.drop_index("uq_critical_period_corrects_id")
        batch_op.drop_index("ix_critical_period_unit_id")
        batch_op.drop_index("ix_critical_period_start_date")

    op.drop_table("critical_period")
    with op.batch_alter_table("duty_source", schema=None) as batch_op:
        batch_op.drop_index("uq_duty_source_file")

    op.drop_table("duty_source")
