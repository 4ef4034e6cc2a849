"""Trades as regulators class them, and district frequency defaults.

Trades: new values (有色、建材、轻工、纺织、烟草、商贸) join the existing ones, which all stay;
the hierarchy (工贸 over 冶金、机械 …) is vocabulary in the code (domain/tree/kinds.py), so
stored trades of enterprises, their profile history and stored rules need no change.

District frequency defaults: an append-only table (corrections and withdrawals are new
rows pointing at what they replace; triggers refuse UPDATE and DELETE, on SQLite and on
PostgreSQL).

Frequency basis: catalogue templates loaded before this version carry rules without a
basis. Items are evidence (never changed): each template with an item the catalogue now
marks as a default (园区自定) gets a new version, effective today, with the same items and
those rules marked; earlier versions stay as they were. Templates apply to no post, so no
obligation moves; lists units adopted keep their rules until the unit revises or adopts
again.

Revision ID: 20261207_0013
Revises: 20261207_0012
Create Date: 2026-12-07 20:30:00
"""

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from alembic import op

revision: str = "20261207_0013"
down_revision: str | None = "20261207_0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLE = "district_frequency_default"


def _append_only(dialect: str) -> list[str]:
    if dialect == "postgresql":
        return [
            f"""CREATE FUNCTION {TABLE}_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN RAISE EXCEPTION '{TABLE} is append-only'; END $$""",
            f"""CREATE TRIGGER {TABLE}_append_only BEFORE UPDATE OR DELETE ON {TABLE}
            FOR EACH ROW EXECUTE FUNCTION {TABLE}_append_only()""",
        ]
    return [
        f"""CREATE TRIGGER {TABLE}_no_update BEFORE UPDATE ON {TABLE}
        BEGIN SELECT RAISE(ABORT, '{TABLE} is append-only'); END""",
        f"""CREATE TRIGGER {TABLE}_no_delete BEFORE DELETE ON {TABLE}
        BEGIN SELECT RAISE(ABORT, '{TABLE} is append-only'); END""",
    ]


# The catalogue's rules whose frequency is the platform's choice (seeds/requirements/*.yaml),
# as marked by this version; "variant": only the unconditional variant is a default.
DEFAULT_KEYS = {
    "000-enterprise-principal-4-5a",
    "001-park-principals-2-1-2",
    "001-park-committee-2-3-2",
    "001-enterprise-principal-2-2-5a",
    "001-enterprise-principal-2-3-1",
    "001-enterprise-principal-2-6-3",
    "002-enterprise-supervision-2-15",
    "002-park-principals-3-1",
    "002-park-committee-1-3",
    "002-park-committee-2-1b",
    "002-park-committee-2-6",
    "002-park-committee-2-18",
    "003-park-committee-2-1-2",
    "003-park-committee-2-1-3",
    "003-park-committee-2-3-2",
    "003-park-committee-2-4-1",
    "003-park-committee-3-5b",
    "004-key-work-2023-16-7",
    "004-key-work-2023-19-3",
    "004-key-work-2023-23-2a",
    "004-campaign-principals-7-2",
    "004-enterprise-principal-16-7",
}
DEFAULT_VARIANT_KEYS = {"001-enterprise-principal-2-2-5b"}

_lists = sa.table("duty_list", sa.column("id", sa.Integer), sa.column("unit_id", sa.Integer))
_versions = sa.table(
    "duty_list_version",
    sa.column("id", sa.Integer),
    sa.column("list_id", sa.Integer),
    sa.column("number", sa.Integer),
    sa.column("effective_from", sa.Date),
    sa.column("note", sa.Text),
    sa.column("created_at", sa.DateTime(timezone=True)),
    sa.column("created_by", sa.String),
)
_items = sa.table(
    "duty_item",
    sa.column("id", sa.Integer),
    sa.column("version_id", sa.Integer),
    sa.column("key", sa.String),
    sa.column("position", sa.Integer),
    sa.column("text", sa.Text),
    sa.column("source_id", sa.Integer),
    sa.column("source_clause", sa.String),
    sa.column("rule", sa.JSON(none_as_null=True)),
    sa.column("note", sa.Text),
    sa.column("meta", sa.JSON(none_as_null=True)),
)


def _marked(key: str, rule: dict[str, Any] | None) -> dict[str, Any] | None:
    """The rule with its basis, or None when it needs no mark (or has one already)."""
    if rule is None or "basis" in rule:
        return None
    if key in DEFAULT_KEYS:
        return {**rule, "basis": "DEFAULT"}
    variants = rule.get("variants") or []
    if (
        key in DEFAULT_VARIANT_KEYS
        and variants
        and "when" not in variants[-1]
        and "basis" not in variants[-1]
    ):
        return {**rule, "variants": [*variants[:-1], {**variants[-1], "basis": "DEFAULT"}]}
    return None


def _mark_templates() -> None:
    bind = op.get_bind()
    today = datetime.now(ZoneInfo("Asia/Shanghai")).date()
    templates = bind.execute(sa.select(_lists.c.id).where(_lists.c.unit_id.is_(None))).scalars().all()
    for list_id in templates:
        latest = bind.execute(
            sa.select(_versions.c.id, _versions.c.number, _versions.c.effective_from)
            .where(_versions.c.list_id == list_id)
            .order_by(_versions.c.number.desc())
            .limit(1)
        ).first()
        if latest is None:
            continue
        items = bind.execute(
            sa.select(_items).where(_items.c.version_id == latest.id).order_by(_items.c.position)
        ).all()
        if not any(_marked(i.key, i.rule) for i in items):
            continue
        version_id = bind.execute(
            sa.insert(_versions)
            .values(
                list_id=list_id,
                number=latest.number + 1,
                effective_from=max(today, latest.effective_from + timedelta(days=1)),
                note="标注频次依据：原文未给频次、由平台默认的职责标为园区自定（迁移 20261207_0013）",
                created_at=datetime.now(UTC),
                created_by="system",
            )
            .returning(_versions.c.id)
        ).scalar_one()
        for i in items:
            bind.execute(
                sa.insert(_items).values(
                    version_id=version_id,
                    key=i.key,
                    position=i.position,
                    text=i.text,
                    source_id=i.source_id,
                    source_clause=i.source_clause,
                    rule=_marked(i.key, i.rule) or i.rule,
                    note=i.note,
                    meta=i.meta,
                )
            )


def upgrade() -> None:
    op.create_table(
        TABLE,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("district_id", sa.Integer(), nullable=False),
        sa.Column("item_key", sa.String(length=100), nullable=False),
        sa.Column("rule", sa.JSON(), nullable=False),
        sa.Column("effective_from", sa.Date(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("corrects_id", sa.Integer(), nullable=True),
        sa.Column("withdrawn", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["corrects_id"],
            [f"{TABLE}.id"],
            name=op.f("fk_district_frequency_default_corrects_id_district_frequency_default"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["district_id"],
            ["org_unit.id"],
            name=op.f("fk_district_frequency_default_district_id_org_unit"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_district_frequency_default")),
    )
    with op.batch_alter_table(TABLE, schema=None) as batch_op:
        batch_op.create_index(
            "ix_district_frequency_default_district_id", ["district_id", "item_key"], unique=False
        )
        batch_op.create_index("uq_district_frequency_default_corrects_id", ["corrects_id"], unique=True)
    for statement in _append_only(op.get_bind().dialect.name):
        op.execute(statement)
    _mark_templates()


def downgrade() -> None:
    # The template versions that marked the basis stay (evidence is never deleted); like
    # every rule written with a basis, the previous version cannot read them.
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"DROP TRIGGER IF EXISTS {TABLE}_append_only ON {TABLE}")
        op.execute(f"DROP FUNCTION IF EXISTS {TABLE}_append_only()")
    else:
        op.execute(f"DROP TRIGGER IF EXISTS {TABLE}_no_update")
        op.execute(f"DROP TRIGGER IF EXISTS {TABLE}_no_delete")
    with op.batch_alter_table(TABLE, schema=None) as batch_op:
        batch_op.drop_index("uq_district_frequency_default_corrects_id")
        batch_op.drop_index("ix_district_frequency_default_district_id")
    op.drop_table(TABLE)
