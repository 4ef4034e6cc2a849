"""Evidence files and their attachments: the append-only tables evidence_file and
evidence_attachment (triggers on SQLite and PostgreSQL refuse UPDATE and DELETE).

Revision ID: 20261208_0016
Revises: 20261207_0015
Create Date: 2026-12-08 00:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "20261208_0016"
down_revision: str | None = "20261207_0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ("evidence_file", "evidence_attachment")


def _append_only(table: str) -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            f"""CREATE FUNCTION {table}_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN RAISE EXCEPTION '{table} is append-only'; END $$"""
        )
        op.execute(
            f"""CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table}
            FOR EACH ROW EXECUTE FUNCTION {table}_append_only()"""
        )
    else:
        for verb in ("UPDATE", "DELETE"):
            op.execute(
                f"""CREATE TRIGGER {table}_no_{verb.lower()} BEFORE {verb} ON {table}
                BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END"""
            )


def upgrade() -> None:
    op.create_table(
        "evidence_file",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("media_type", sa.String(length=100), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("thumbnail_sha256", sa.String(length=64), nullable=True),
        sa.Column("thumbnail_size", sa.Integer(), nullable=True),
        sa.Column("width", sa.Integer(), nullable=True),
        sa.Column("height", sa.Integer(), nullable=True),
        sa.Column("uploaded_by", sa.String(length=64), nullable=False),
        sa.Column("uploaded_by_person_id", sa.Integer(), nullable=True),
        sa.Column("agency_id", sa.Integer(), nullable=True),
        sa.Column("anonymous", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("size > 0", name=op.f("ck_evidence_file_size")),
        sa.CheckConstraint("length(sha256) = 64", name=op.f("ck_evidence_file_sha256")),
        sa.ForeignKeyConstraint(
            ["uploaded_by_person_id"],
            ["person.id"],
            name=op.f("fk_evidence_file_uploaded_by_person_id_person"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["agency_id"], ["agency.id"], name=op.f("fk_evidence_file_agency_id_agency"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_evidence_file")),
    )
    op.create_index("ix_evidence_file_sha256", "evidence_file", ["sha256"])
    op.create_index(
        "uq_evidence_file_uploader_sha256",
        "evidence_file",
        ["uploaded_by", "sha256"],
        unique=True,
        sqlite_where=sa.text("anonymous = 0"),
        postgresql_where=sa.text("NOT anonymous"),
    )
    op.create_table(
        "evidence_attachment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("file_id", sa.Integer(), nullable=False),
        sa.Column("subject", sa.String(length=16), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=False),
        sa.Column("stage", sa.String(length=16), nullable=True),
        sa.Column("attached_by", sa.String(length=64), nullable=False),
        sa.Column("attached_by_person_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "subject IN ('RECORD', 'HAZARD', 'HAZARD_PLAN', 'EXEMPTION', 'TIP_OFF')",
            name=op.f("ck_evidence_attachment_subject"),
        ),
        sa.CheckConstraint(
            "(subject = 'HAZARD') = (stage IS NOT NULL) AND "
            "(stage IS NULL OR stage IN ('FOUND', 'RECTIFIED', 'VERIFIED'))",
            name=op.f("ck_evidence_attachment_stage"),
        ),
        sa.ForeignKeyConstraint(
            ["file_id"],
            ["evidence_file.id"],
            name=op.f("fk_evidence_attachment_file_id_evidence_file"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["attached_by_person_id"],
            ["person.id"],
            name=op.f("fk_evidence_attachment_attached_by_person_id_person"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_evidence_attachment")),
    )
    op.create_index("ix_evidence_attachment_subject", "evidence_attachment", ["subject", "subject_id", "id"])
    op.create_index("ix_evidence_attachment_file_id", "evidence_attachment", ["file_id"])
    op.create_index(
        "uq_evidence_attachment",
        "evidence_attachment",
        ["subject", "subject_id", sa.text("coalesce(stage, '')"), "file_id"],
        unique=True,
    )
    for table in TABLES:
        _append_only(table)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in TABLES:
            op.execute(f"DROP TRIGGER {table}_append_only ON {table}")
            op.execute(f"DROP FUNCTION {table}_append_only()")
    op.drop_table("evidence_attachment")
    op.drop_table("evidence_file")
