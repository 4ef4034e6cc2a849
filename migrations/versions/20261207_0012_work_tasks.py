"""Tasks that belong to departments (004 附件2, 000 挂图作战): work lists of a park set by an
issuing office, their tasks with lead and supporting units and leader posts, and the
append-only events of each task (progress, sign-off request, sign-off, return); and the
units a duty list targets (a list with targets applies only to posts on those units).

The data step for existing installs (parks that adopted 004-key-work-2023 as a duty list
stop owing its items from the day it runs, by a new list version, and get the 2023 work
list as tasks) is `python -m api load-catalogue`, run after migrating (see the README): it
needs the catalogue files and the duty-list services (audit, score upkeep), which a
migration must not import.

Revision ID: 20261207_0012
Revises: 20261207_0011
Create Date: 2026-12-07 20:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "20261207_0012"
down_revision: str | None = "20261207_0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

APPEND_ONLY = ("work_task_event",)


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


def _fk(name: str, column: str, target: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint([column], [target], name=op.f(name), ondelete="RESTRICT")


def upgrade() -> None:
    op.create_table(
        "duty_list_target",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("list_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=True),
        sa.Column("unit_name", sa.String(length=255), nullable=False),
        _fk("fk_duty_list_target_list_id_duty_list", "list_id", "duty_list.id"),
        _fk("fk_duty_list_target_unit_id_org_unit", "unit_id", "org_unit.id"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_duty_list_target")),
    )
    op.create_index("ix_duty_list_target_list_id", "duty_list_target", ["list_id"], unique=False)

    op.create_table(
        "work_list",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("park_id", sa.Integer(), nullable=False),
        sa.Column("issuing_unit_id", sa.Integer(), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=True),
        sa.Column("source_clause", sa.String(length=200), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        _fk("fk_work_list_park_id_org_unit", "park_id", "org_unit.id"),
        _fk("fk_work_list_issuing_unit_id_org_unit", "issuing_unit_id", "org_unit.id"),
        _fk("fk_work_list_source_id_duty_source", "source_id", "duty_source.id"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_work_list")),
    )
    op.create_index("uq_work_list_code", "work_list", ["code"], unique=True)
    op.create_index("ix_work_list_park_id", "work_list", ["park_id"], unique=False)

    op.create_table(
        "work_task",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("list_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("requirement", sa.Text(), nullable=False),
        sa.Column("deadline", sa.Date(), nullable=False),
        sa.Column("section", sa.String(length=200), nullable=True),
        sa.Column("source_clause", sa.String(length=200), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        _fk("fk_work_task_list_id_work_list", "list_id", "work_list.id"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_work_task")),
    )
    op.create_index("uq_work_task_number", "work_task", ["list_id", "number"], unique=True)

    op.create_table(
        "work_task_unit",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("task_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        _fk("fk_work_task_unit_task_id_work_task", "task_id", "work_task.id"),
        _fk("fk_work_task_unit_unit_id_org_unit", "unit_id", "org_unit.id"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_work_task_unit")),
    )
    op.create_index("uq_work_task_unit", "work_task_unit", ["task_id", "unit_id"], unique=True)
    op.create_index("ix_work_task_unit_unit_id", "work_task_unit", ["unit_id", "role"], unique=False)

    op.create_table(
        "work_task_leader",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("task_id", sa.Integer(), nullable=False),
        sa.Column("post_id", sa.Integer(), nullable=False),
        _fk("fk_work_task_leader_task_id_work_task", "task_id", "work_task.id"),
        _fk("fk_work_task_leader_post_id_post", "post_id", "post.id"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_work_task_leader")),
    )
    op.create_index("uq_work_task_leader", "work_task_leader", ["task_id", "post_id"], unique=True)
    op.create_index("ix_work_task_leader_post_id", "work_task_leader", ["post_id"], unique=False)

    op.create_table(
        "work_task_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("task_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("occurred_on", sa.Date(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("actor", sa.String(length=64), nullable=False),
        sa.Column("actor_person_id", sa.Integer(), nullable=True),
        sa.Column("post_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        _fk("fk_work_task_event_task_id_work_task", "task_id", "work_task.id"),
        _fk("fk_work_task_event_actor_person_id_person", "actor_person_id", "person.id"),
        _fk("fk_work_task_event_post_id_post", "post_id", "post.id"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_work_task_event")),
    )
    op.create_index("ix_work_task_event_task_id", "work_task_event", ["task_id", "id"], unique=False)

    dialect = op.get_bind().dialect.name
    for table in APPEND_ONLY:
        for statement in _append_only(table, dialect):
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in APPEND_ONLY:
            op.execute(f"DROP TRIGGER {table}_append_only ON {table}")
            op.execute(f"DROP FUNCTION {table}_append_only()")
    for table in ("work_task_event", "work_task_leader", "work_task_unit", "work_task", "work_list"):
        op.drop_table(table)
    op.drop_table("duty_list_target")
