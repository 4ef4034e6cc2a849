"""Compliance scoring: district scoring schemes (versioned, with the platform default as
version 1), the derived tallies and unit scores with the state of their maintenance, the
enterprise class history and generated reports. Schemes, classes and reports are
append-only (triggers on SQLite and PostgreSQL).

Revision ID: 20261126_0008
Revises: 20261126_0007
Create Date: 2026-11-26 15:18:58.058365
"""

from collections.abc import Sequence
from datetime import UTC, date, datetime

import sqlalchemy as sa
from alembic import op

revision: str = "20261126_0008"
down_revision: str | None = "20261126_0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

APPEND_ONLY = ("score_scheme_version", "enterprise_class", "compliance_report")

# The platform default scheme (domain.scoring.scheme.DEFAULT_SCHEME) as it was when this
# revision was written; later defaults are new versions, never edits of this row.
DEFAULT_WEIGHTS = {
    "points": {"obligations": 70, "hazards": 30},
    "classWeights": {"DAILY": 1, "WEEKLY": 3, "MONTHLY": 6, "QUARTERLY": 10, "HALF_YEARLY": 12, "YEARLY": 15,
                     "MULTI_YEAR": 15, "DEADLINE": 15, "EVENT": 10},
    "lateCredit": 50,
    "hazardWeights": {"GENERAL": 2, "MAJOR": 10},
    "hazardCredits": {"OPEN_MAJOR": 50, "OVERDUE": 0, "CLOSED_LATE": 50},
    "classRule": [{"class": "A", "minScore": 90.0, "maxRisk": "GENERAL"},
                  {"class": "B", "minScore": 80.0, "maxRisk": "HIGHER"},
                  {"class": "C", "minScore": 60.0, "maxRisk": "MAJOR"}],
}  # fmt: skip


def _append_only(table: str, dialect: str) -> list[str]:
    if dialect == "postgresql":
        return [
            f"""CREATE FUNCTION {table}_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN RAISE EXCEPTION '{table} is append-only'; END $$""",
            f"""CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table}
            FOR EACH ROW EXECUTE FUNCTION {table}_append_only()""",
        ]
    return [
        f"""CREATE TRIGGER {table}_no_{verb.lower()} BEFORE {verb} ON {table}
        BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END"""
        for verb in ("UPDATE", "DELETE")
    ]


def upgrade() -> None:
    op.create_table(
        "score_state",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("since", sa.Date(), nullable=False),
        sa.Column("rebuilt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("refreshed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_score_state")),
    )
    op.create_table(
        "compliance_report",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("file_format", sa.String(length=8), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("file_name", sa.String(length=200), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["unit_id"],
            ["org_unit.id"],
            name=op.f("fk_compliance_report_unit_id_org_unit"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_compliance_report")),
    )
    with op.batch_alter_table("compliance_report", schema=None) as batch_op:
        batch_op.create_index("ix_compliance_report_unit_created", ["unit_id", "created_at"], unique=False)

    op.create_table(
        "score_scheme_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("district_id", sa.Integer(), nullable=True),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("effective_from", sa.Date(), nullable=False),
        sa.Column("weights", sa.JSON(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["district_id"],
            ["org_unit.id"],
            name=op.f("fk_score_scheme_version_district_id_org_unit"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_score_scheme_version")),
    )
    with op.batch_alter_table("score_scheme_version", schema=None) as batch_op:
        batch_op.create_index(
            "ix_score_scheme_version_district_effective", ["district_id", "effective_from"], unique=False
        )
        batch_op.create_index(
            "uq_score_scheme_version_district_number", ["district_id", "number"], unique=True
        )

    op.create_table(
        "enterprise_class",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("risk_class", sa.String(length=1), nullable=False),
        sa.Column("previous_class", sa.String(length=1), nullable=True),
        sa.Column("effective_from", sa.Date(), nullable=False),
        sa.Column("period_kind", sa.String(length=8), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("score", sa.Float(), nullable=True),
        sa.Column("risk_level", sa.String(length=8), nullable=False),
        sa.Column("scheme_version_id", sa.Integer(), nullable=False),
        sa.Column("decided_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("risk_class IN ('A', 'B', 'C', 'D')", name=op.f("ck_enterprise_class_risk_class")),
        sa.ForeignKeyConstraint(
            ["scheme_version_id"],
            ["score_scheme_version.id"],
            name=op.f("fk_enterprise_class_scheme_version_id_score_scheme_version"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"],
            ["org_unit.id"],
            name=op.f("fk_enterprise_class_unit_id_org_unit"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_enterprise_class")),
    )
    with op.batch_alter_table("enterprise_class", schema=None) as batch_op:
        batch_op.create_index(
            "ix_enterprise_class_unit_effective", ["unit_id", "effective_from"], unique=False
        )

    op.create_table(
        "score_tally",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column("post_id", sa.Integer(), nullable=True),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("weight_class", sa.String(length=16), nullable=False),
        sa.Column("on_time", sa.Integer(), nullable=False),
        sa.Column("late", sa.Integer(), nullable=False),
        sa.Column("missed", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_score_tally")),
    )
    with op.batch_alter_table("score_tally", schema=None) as batch_op:
        batch_op.create_index("ix_score_tally_person_month", ["person_id", "month"], unique=False)
        batch_op.create_index("ix_score_tally_post_month", ["post_id", "month"], unique=False)
        batch_op.create_index("ix_score_tally_unit_month", ["unit_id", "month"], unique=False)

    op.create_table(
        "unit_score",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("scope", sa.String(length=8), nullable=False),
        sa.Column("period_kind", sa.String(length=8), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("district_id", sa.Integer(), nullable=False),
        sa.Column("park_id", sa.Integer(), nullable=True),
        sa.Column("unit_kind", sa.String(length=16), nullable=False),
        sa.Column("scheme_version_id", sa.Integer(), nullable=True),
        sa.Column("ob_weight", sa.Integer(), nullable=False),
        sa.Column("ob_lost", sa.Integer(), nullable=False),
        sa.Column("on_time", sa.Integer(), nullable=False),
        sa.Column("late", sa.Integer(), nullable=False),
        sa.Column("missed", sa.Integer(), nullable=False),
        sa.Column("hz_weight", sa.Integer(), nullable=False),
        sa.Column("hz_lost", sa.Integer(), nullable=False),
        sa.Column("hz_counted", sa.Integer(), nullable=False),
        sa.Column("hz_overdue", sa.Integer(), nullable=False),
        sa.Column("hz_open_major", sa.Integer(), nullable=False),
        sa.Column("hz_closed", sa.Integer(), nullable=False),
        sa.Column("score", sa.Float(), nullable=True),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "period_kind IN ('MONTH', 'QUARTER', 'YEAR')", name=op.f("ck_unit_score_period_kind")
        ),
        sa.CheckConstraint("scope IN ('OWN', 'TREE')", name=op.f("ck_unit_score_scope")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_unit_score")),
    )
    with op.batch_alter_table("unit_score", schema=None) as batch_op:
        batch_op.create_index("ix_unit_score_changed", ["changed_at"], unique=False)
        batch_op.create_index(
            "ix_unit_score_district_period",
            ["district_id", "period_kind", "period_start", "scope", "unit_kind"],
            unique=False,
        )
        batch_op.create_index(
            "ix_unit_score_park_period",
            ["park_id", "period_kind", "period_start", "scope", "unit_kind", "score"],
            unique=False,
        )
        batch_op.create_index(
            "uq_unit_score_key", ["unit_id", "scope", "period_kind", "period_start"], unique=True
        )

    schemes = sa.table(
        "score_scheme_version",
        sa.column("district_id", sa.Integer()),
        sa.column("number", sa.Integer()),
        sa.column("effective_from", sa.Date()),
        sa.column("weights", sa.JSON()),
        sa.column("note", sa.Text()),
        sa.column("created_by", sa.String()),
        sa.column("created_at", sa.DateTime(timezone=True)),
    )
    op.bulk_insert(schemes, [{
        "district_id": None, "number": 1, "effective_from": date(2000, 1, 1), "weights": DEFAULT_WEIGHTS,
        "note": "平台默认考核方案 / platform default scheme", "created_by": "system",
        "created_at": datetime(2026, 11, 26, tzinfo=UTC),
    }])  # fmt: skip
    dialect = op.get_bind().dialect.name
    for table in APPEND_ONLY:
        for statement in _append_only(table, dialect):
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in APPEND_ONLY:
            op.execute(f"DROP TRIGGER {table}_append_only ON {table}")
            op.execute(f"DROP FUNCTION {table}_append_only()")
    with op.batch_alter_table("unit_score", schema=None) as batch_op:
        batch_op.drop_index("uq_unit_score_key")
        batch_op.drop_index("ix_unit_score_park_period")
        batch_op.drop_index("ix_unit_score_district_period")
        batch_op.drop_index("ix_unit_score_changed")

    op.drop_table("unit_score")
    with op.batch_alter_table("score_tally", schema=None) as batch_op:
        batch_op.drop_index("ix_score_tally_unit_month")
        batch_op.drop_index("ix_score_tally_post_month")
        batch_op.drop_index("ix_score_tally_person_month")

    op.drop_table("score_tally")
    with op.batch_alter_table("enterprise_class", schema=None) as batch_op:
        batch_op.drop_index("ix_enterprise_class_unit_effective")

    op.drop_table("enterprise_class")
    with op.batch_alter_table("score_scheme_version", schema=None) as batch_op:
        batch_op.drop_index("uq_score_scheme_version_district_number")
        batch_op.drop_index("ix_score_scheme_version_district_effective")

    op.drop_table("score_scheme_version")
    with op.batch_alter_table("compliance_report", schema=None) as batch_op:
        batch_op.drop_index("ix_compliance_report_unit_created")

    op.drop_table("compliance_report")
    op.drop_table("score_state")
