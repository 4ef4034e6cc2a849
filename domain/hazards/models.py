"""Hazards, their categories, plans (五落实), notices (双报告) and history.

A hazard row carries its current state, deadline and responsible person as a projection
for filtering the ledger; the evidence is the append-only history (`hazard_event`), the
plans and the notices, which database triggers keep from UPDATE and DELETE. Every change
of the projection is made together with the history row that explains it.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from domain.db import Base, UTCDateTime, utcnow


class HazardCategory(Base):
    """An entry of the category library (隐患分类); `major` marks the 重大事故隐患 entries."""

    __tablename__ = "hazard_category"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(64), nullable=False)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    domain: Mapped[str] = mapped_column(String(32), nullable=False)  # 粉尘涉爆, 有限空间, … (HazardDomain)
    major: Mapped[bool] = mapped_column(Boolean, nullable=False)
    description: Mapped[str | None] = mapped_column(Text, nullable=True)
    basis: Mapped[str | None] = mapped_column(Text, nullable=True)  # the standard or document it comes from
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)
    created_by: Mapped[str] = mapped_column(String(64), nullable=False)

    __table_args__ = (Index("uq_hazard_category_code", "code", unique=True),)


class Hazard(Base):
    __tablename__ = "hazard"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("org_unit.id", ondelete="RESTRICT"), nullable=False)
    category_id: Mapped[int] = mapped_column(
        ForeignKey("hazard_category.id", ondelete="RESTRICT"), nullable=False
    )
    grade: Mapped[str] = mapped_column(String(8), nullable=False)
    title: Mapped[str] = mapped_column(String(200), nullable=False)
    description: Mapped[str] = mapped_column(Text, nullable=False)
    evidence: Mapped[list[dict[str, Any]]] = mapped_column(JSON, nullable=False, default=list)
    source: Mapped[str] = mapped_column(String(16), nullable=False)
    record_id: Mapped[int | None] = mapped_column(
        ForeignKey("duty_record.id", ondelete="RESTRICT"), nullable=True
    )
    found_on: Mapped[date] = mapped_column(Date, nullable=False)
    found_by: Mapped[str] = mapped_column(String(64), nullable=False)
    found_by_person_id: Mapped[int | None] = mapped_column(
        ForeignKey("person.id", ondelete="RESTRICT"), nullable=True
    )
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agency.id", ondelete="RESTRICT"), nullable=True)
    # Projection of the history, for filtering the ledger.
    state: Mapped[str] = mapped_column(String(16), nullable=False)
    deadline: Mapped[date | None] = mapped_column(Date, nullable=True)
    responsible_person_id: Mapped[int | None] = mapped_column(
        ForeignKey("person.id", ondelete="RESTRICT"), nullable=True
    )
    rectified_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    closed_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    __mapper_args__ = {"version_id_col": version, "version_id_generator": False}
    __table_args__ = (
        Index("ix_hazard_unit_id_state", "unit_id", "state"),
        Index("ix_hazard_state_deadline", "state", "deadline"),
        Index("ix_hazard_found_on", "found_on"),
        CheckConstraint("grade IN ('GENERAL', 'MAJOR')", name="grade"),
    )


class HazardPlan(Base):
    """The 五落实 of a hazard: measures, responsible person, funds, deadline, contingency
    plan. A new plan replaces the previous one; all stay."""

    __tablename__ = "hazard_plan"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    hazard_id: Mapped[int] = mapped_column(ForeignKey("hazard.id", ondelete="RESTRICT"), nullable=False)
    measures: Mapped[str] = mapped_column(Text, nullable=False)
    responsible_person_id: Mapped[int] = mapped_column(
        ForeignKey("person.id", ondelete="RESTRICT"), nullable=False
    )
    funds: Mapped[Decimal] = mapped_column(Numeric(14, 2), nullable=False)
    deadline: Mapped[date] = mapped_column(Date, nullable=False)
    contingency_plan: Mapped[str] = mapped_column(Text, nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)
    created_by: Mapped[str] = mapped_column(String(64), nullable=False)

    __table_args__ = (
        Index("ix_hazard_plan_hazard_id", "hazard_id", "id"),
        CheckConstraint("funds >= 0", name="funds"),
    )


class HazardEvent(Base):
    """One entry of a hazard's history: a transition, a plan, a notice, an escalation."""

    __tablename__ = "hazard_event"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    hazard_id: Mapped[int] = mapped_column(ForeignKey("hazard.id", ondelete="RESTRICT"), nullable=False)
    kind: Mapped[str] = mapped_column(String(32), nullable=False)
    from_state: Mapped[str | None] = mapped_column(String(16), nullable=True)
    to_state: Mapped[str] = mapped_column(String(16), nullable=False)
    actor: Mapped[str] = mapped_column(String(64), nullable=False)
    actor_person_id: Mapped[int | None] = mapped_column(
        ForeignKey("person.id", ondelete="RESTRICT"), nullable=True
    )
    note: Mapped[str | None] = mapped_column(Text, nullable=True)
    data: Mapped[dict[str, Any] | None] = mapped_column(JSON(none_as_null=True), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)

    __table_args__ = (Index("ix_hazard_event_hazard_id", "hazard_id", "id"),)


class HazardNotice(Base):
    """A notice to a unit about a hazard: the 双报告 of a major one to its supervising
    department and the park's safety office, or an escalation to the level above."""

    __tablename__ = "hazard_notice"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    hazard_id: Mapped[int] = mapped_column(ForeignKey("hazard.id", ondelete="RESTRICT"), nullable=False)
    unit_id: Mapped[int] = mapped_column(ForeignKey("org_unit.id", ondelete="RESTRICT"), nullable=False)
    kind: Mapped[str] = mapped_column(String(32), nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)

    __table_args__ = (
        Index("ix_hazard_notice_unit_id", "unit_id", "id"),
        Index("ix_hazard_notice_hazard_id", "hazard_id"),
    )


class TipOff(Base):
    """A public tip-off (举报), filed without an account. Its content, and above all the
    reporter's contact, are seen only by those with the tip-off right at its park (the park
    safety office); the reporter follows it by its tracking code, which shows the status
    alone. The client address is kept only as a keyed hash, for the rate limit."""

    __tablename__ = "tip_off"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    park_id: Mapped[int] = mapped_column(ForeignKey("org_unit.id", ondelete="RESTRICT"), nullable=False)
    tracking_code: Mapped[str] = mapped_column(String(32), nullable=False)
    content: Mapped[str] = mapped_column(Text, nullable=False)
    location: Mapped[str | None] = mapped_column(String(500), nullable=True)
    contact: Mapped[str | None] = mapped_column(String(200), nullable=True)
    address_hash: Mapped[str] = mapped_column(String(64), nullable=False)
    status: Mapped[str] = mapped_column(String(16), nullable=False)
    hazard_id: Mapped[int | None] = mapped_column(ForeignKey("hazard.id", ondelete="RESTRICT"), nullable=True)
    dismiss_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    triaged_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    __mapper_args__ = {"version_id_col": version, "version_id_generator": False}
    __table_args__ = (
        Index("uq_tip_off_tracking_code", "tracking_code", unique=True),
        Index("ix_tip_off_park_id", "park_id", "id"),
        Index("ix_tip_off_address_hash", "address_hash", "created_at"),
    )
