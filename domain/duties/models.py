"""Duty lists, their versions and items; critical periods; records of performance.

Append-only evidence: a duty list is revised by a new version (the old one stays, and
periods that started under it keep it); a record or a critical period is corrected or
withdrawn by a new row whose `corrects_id` points at it, never by an UPDATE. Database
triggers (migration 20261126_0004) refuse UPDATE and DELETE on the evidence tables.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.sql.elements import ColumnElement

from domain.corrections import in_force
from domain.db import Base, UTCDateTime, utcnow


class DutySource(Base):
    """A source document the requirements come from (file name, issuer, number, date)."""

    __tablename__ = "duty_source"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    file: Mapped[str] = mapped_column(String(200), nullable=False)
    issuer: Mapped[str] = mapped_column(String(200), nullable=False)
    number: Mapped[str | None] = mapped_column(String(100), nullable=True)
    issued_on: Mapped[date] = mapped_column(Date, nullable=False)
    title: Mapped[str] = mapped_column(Text, nullable=False)
    note: Mapped[str | None] = mapped_column(Text, nullable=True)

    __table_args__ = (Index("uq_duty_source_file", "file", unique=True),)


class DutyList(Base):
    """A duty list (职责清单) carried by posts of some kinds.

    `unit_id` NULL makes it a catalogue template that applies to no post; otherwise it
    applies to posts of `post_kinds` on that unit and in its subtree.
    """

    __tablename__ = "duty_list"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(64), nullable=False)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    post_kinds: Mapped[list[str]] = mapped_column(JSON, nullable=False)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("org_unit.id", ondelete="RESTRICT"), nullable=True)
    template_id: Mapped[int | None] = mapped_column(
        ForeignKey("duty_list.id", ondelete="RESTRICT"), nullable=True
    )
    source_id: Mapped[int | None] = mapped_column(
        ForeignKey("duty_source.id", ondelete="RESTRICT"), nullable=True
    )
    source_clause: Mapped[str | None] = mapped_column(String(200), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)
    created_by: Mapped[str] = mapped_column(String(64), nullable=False)

    __table_args__ = (
        Index("uq_duty_list_code", "code", unique=True),
        Index("ix_duty_list_unit_id", "unit_id"),
    )


class DutyListVersion(Base):
    """The items of a list from `effective_from` until the next version's date."""

    __tablename__ = "duty_list_version"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    list_id: Mapped[int] = mapped_column(ForeignKey("duty_list.id", ondelete="RESTRICT"), nullable=False)
    number: Mapped[int] = mapped_column(Integer, nullable=False)
    effective_from: Mapped[date] = mapped_column(Date, nullable=False)
    note: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)
    created_by: Mapped[str] = mapped_column(String(64), nullable=False)

    __table_args__ = (
        Index("uq_duty_list_version_list_id", "list_id", "number", unique=True),
        Index("uq_duty_list_version_effective", "list_id", "effective_from", unique=True),
    )


class DutyItem(Base):
    """One duty of a version. `key` names the duty across versions of its list."""

    __tablename__ = "duty_item"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version_id: Mapped[int] = mapped_column(
        ForeignKey("duty_list_version.id", ondelete="RESTRICT"), nullable=False
    )
    key: Mapped[str] = mapped_column(String(100), nullable=False)
    position: Mapped[int] = mapped_column(Integer, nullable=False)
    text: Mapped[str] = mapped_column(Text, nullable=False)
    source_id: Mapped[int | None] = mapped_column(
        ForeignKey("duty_source.id", ondelete="RESTRICT"), nullable=True
    )
    source_clause: Mapped[str | None] = mapped_column(String(200), nullable=True)
    # Canonical mapping of domain.duties.rules.Rule, or NULL for a duty without a frequency.
    # none_as_null: a duty without a rule is SQL NULL, not JSON 'null', so filters can see it.
    rule: Mapped[dict[str, Any] | None] = mapped_column(JSON(none_as_null=True), nullable=True)
    note: Mapped[str | None] = mapped_column(Text, nullable=True)
    meta: Mapped[dict[str, Any] | None] = mapped_column(JSON(none_as_null=True), nullable=True)

    __table_args__ = (
        Index("uq_duty_item_version_id", "version_id", "key", unique=True),
        Index("ix_duty_item_key", "key"),
    )


class CriticalPeriod(Base):
    """A declared critical period of a unit and its subtree (重要节点, 复工复产, 险情, 事故…)
    during which event-triggered duties fall due."""

    __tablename__ = "critical_period"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("org_unit.id", ondelete="RESTRICT"), nullable=False)
    kind: Mapped[str] = mapped_column(String(32), nullable=False)
    title: Mapped[str] = mapped_column(String(200), nullable=False)
    start_date: Mapped[date] = mapped_column(Date, nullable=False)
    end_date: Mapped[date] = mapped_column(Date, nullable=False)
    corrects_id: Mapped[int | None] = mapped_column(
        ForeignKey("critical_period.id", ondelete="RESTRICT"), nullable=True
    )
    withdrawn: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)
    created_by: Mapped[str] = mapped_column(String(64), nullable=False)

    __table_args__ = (
        Index("ix_critical_period_unit_id", "unit_id", "start_date"),
        Index("ix_critical_period_start_date", "start_date"),
        Index("uq_critical_period_corrects_id", "corrects_id", unique=True),
        CheckConstraint("end_date >= start_date", name="dates"),
    )


EXEMPTION = "EXEMPTION"


class DutyRecordKind(StrEnum):
    """What a duty_record row is: a record of performance (a RecordKind) or an exemption
    request. Kept equal to RecordKind plus EXEMPTION (a test checks it)."""

    INSPECTION = "INSPECTION"
    MEETING = "MEETING"
    STUDY = "STUDY"
    REPORT = "REPORT"
    DRILL = "DRILL"
    TRAINING = "TRAINING"
    ON_SITE = "ON_SITE"
    PLAN = "PLAN"
    ASSESSMENT = "ASSESSMENT"
    EXEMPTION = "EXEMPTION"


class DutyRecord(Base):
    """A record of performance (履职记录), or an exemption request (kind EXEMPTION).

    The recorder is the authenticated caller: `recorder` is their subject, and
    `recorder_person_id` the person when the caller is one. `makeup_for` marks a make-up:
    performed after the period that contains that day, and counted (late) for it.
    """

    __tablename__ = "duty_record"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), nullable=False)
    performed_on: Mapped[date] = mapped_column(Date, nullable=False)
    title: Mapped[str] = mapped_column(String(200), nullable=False)
    findings: Mapped[str | None] = mapped_column(Text, nullable=True)
    recorder: Mapped[str] = mapped_column(String(64), nullable=False)
    recorder_person_id: Mapped[int | None] = mapped_column(
        ForeignKey("person.id", ondelete="RESTRICT"), nullable=True
    )
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agency.id", ondelete="RESTRICT"), nullable=True)
    makeup_for: Mapped[date | None] = mapped_column(Date, nullable=True)
    participants: Mapped[list[dict[str, Any]]] = mapped_column(JSON, nullable=False, default=list)
    attachments: Mapped[list[dict[str, Any]]] = mapped_column(JSON, nullable=False, default=list)
    # Exemption requests: which obligation, for which dates, and why.
    exempt_post_id: Mapped[int | None] = mapped_column(
        ForeignKey("post.id", ondelete="RESTRICT"), nullable=True
    )
    exempt_person_id: Mapped[int | None] = mapped_column(
        ForeignKey("person.id", ondelete="RESTRICT"), nullable=True
    )
    exempt_list_id: Mapped[int | None] = mapped_column(
        ForeignKey("duty_list.id", ondelete="RESTRICT"), nullable=True
    )
    exempt_item_key: Mapped[str | None] = mapped_column(String(100), nullable=True)
    exempt_from: Mapped[date | None] = mapped_column(Date, nullable=True)
    exempt_to: Mapped[date | None] = mapped_column(Date, nullable=True)
    reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    corrects_id: Mapped[int | None] = mapped_column(
        ForeignKey("duty_record.id", ondelete="RESTRICT"), nullable=True
    )
    withdrawn: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)

    __table_args__ = (
        Index("ix_duty_record_recorder_person_id", "recorder_person_id", "performed_on"),
        Index("ix_duty_record_performed_on", "performed_on"),
        Index("ix_duty_record_exempt_post_id", "exempt_post_id"),
        Index("uq_duty_record_corrects_id", "corrects_id", unique=True),
        CheckConstraint(
            "(kind = 'EXEMPTION') = (exempt_item_key IS NOT NULL AND exempt_from IS NOT NULL "
            "AND exempt_to IS NOT NULL AND exempt_list_id IS NOT NULL)",
            name="exemption_fields",
        ),
        CheckConstraint("exempt_to IS NULL OR exempt_to >= exempt_from", name="exempt_dates"),
        CheckConstraint("makeup_for IS NULL OR makeup_for < performed_on", name="makeup"),
    )


class DutyRecordUnit(Base):
    """A unit a record covers."""

    __tablename__ = "duty_record_unit"

    record_id: Mapped[int] = mapped_column(
        ForeignKey("duty_record.id", ondelete="RESTRICT"), primary_key=True
    )
    unit_id: Mapped[int] = mapped_column(ForeignKey("org_unit.id", ondelete="RESTRICT"), primary_key=True)

    __table_args__ = (Index("ix_duty_record_unit_unit_id", "unit_id", "record_id"),)


class DutyRecordItem(Base):
    """A duty a record says it fulfils. A record written through the API names one whenever
    its kind is in play for the recorder (`domain.duties.records.choosing`); older records
    naming none may fulfil any duty of their kind, as they did when written."""

    __tablename__ = "duty_record_item"

    record_id: Mapped[int] = mapped_column(
        ForeignKey("duty_record.id", ondelete="RESTRICT"), primary_key=True
    )
    item_id: Mapped[int] = mapped_column(ForeignKey("duty_item.id", ondelete="RESTRICT"), primary_key=True)


class ExemptionDecision(Base):
    """Approval or refusal of an exemption request by someone above the holder."""

    __tablename__ = "exemption_decision"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("duty_record.id", ondelete="RESTRICT"), nullable=False)
    approved: Mapped[bool] = mapped_column(Boolean, nullable=False)
    decided_by: Mapped[str] = mapped_column(String(64), nullable=False)
    decided_by_person_id: Mapped[int | None] = mapped_column(
        ForeignKey("person.id", ondelete="RESTRICT"), nullable=True
    )
    note: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)

    __table_args__ = (Index("uq_exemption_decision_record_id", "record_id", unique=True),)


def effective_record() -> ColumnElement[bool]:
    """Records in force: not replaced by a correction, and not withdrawals."""
    return in_force(DutyRecord)


def effective_period() -> ColumnElement[bool]:
    """Critical periods in force."""
    return in_force(CriticalPeriod)
