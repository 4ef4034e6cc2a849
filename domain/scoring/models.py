"""Scoring schemes, the materialised tallies and scores, enterprise classes and reports.

Evidence and derived data are kept apart:

- `score_scheme_version` (a district's 考核方案, versioned) and `enterprise_class` (the
  class history) and `compliance_report` (what was handed out) are append-only; database
  triggers (migration 20261126_0008) refuse UPDATE and DELETE on them.
- `score_tally`, `unit_score` and `score_state` are derived from the evidence and may be
  rebuilt at any time (`python -m api rebuild-scores`); they are maintained incrementally
  by the services that change the evidence (`domain.scoring.maintain`).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    false,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column

from domain.db import Base, UTCDateTime, utcnow


class ScoreSchemeVersion(Base):
    """A version of a district's scoring scheme (`district_id` NULL: the platform default).

    A period is scored with the version of its district in force on the period's first day
    (the latest `effective_from` on or before it), so a score never moves because weights
    changed after its period began; versions are never edited, only superseded."""

    __tablename__ = "score_scheme_version"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    district_id: Mapped[int | None] = mapped_column(
        ForeignKey("org_unit.id", ondelete="RESTRICT"), nullable=True
    )
    number: Mapped[int] = mapped_column(Integer, nullable=False)
    effective_from: Mapped[date] = mapped_column(Date, nullable=False)
    weights: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False)
    note: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_by: Mapped[str] = mapped_column(String(64), nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)

    __table_args__ = (
        Index("uq_score_scheme_version_district_number", "district_id", "number", unique=True),
        Index("ix_score_scheme_version_district_effective", "district_id", "effective_from"),
    )


class ScoreState(Base):
    """The one row saying up to which day the tallies are current (`as_of`, the `today`
    their statuses were judged on) and from which day they count (`since`)."""

    __tablename__ = "score_state"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    as_of: Mapped[date] = mapped_column(Date, nullable=False)
    since: Mapped[date] = mapped_column(Date, nullable=False)
    rebuilt_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)
    refreshed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)


class ScoreTally(Base):
    """Counted obligations of one holder (or a post's vacant share: `person_id` NULL), at
    one unit, whose period ends in one month, of one weight class. Scheme-free counts."""

    __tablename__ = "score_tally"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # Derived rows name units, posts and persons without foreign keys: they are rebuilt from
    # the evidence (which holds the keys), and a rebuild writes a province's million rows
    # without three key lookups each.
    person_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    post_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    unit_id: Mapped[int] = mapped_column(Integer, nullable=False)
    month: Mapped[date] = mapped_column(Date, nullable=False)
    weight_class: Mapped[str] = mapped_column(String(16), nullable=False)
    on_time: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    late: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    missed: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    # Shares of post periods carried by another holder's share (`Obligation.answering`):
    # they count in their holder's score only, never for the post or its units.
    answering: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False, server_default=false())

    __table_args__ = (
        Index("ix_score_tally_person_month", "person_id", "month"),
        Index("ix_score_tally_post_month", "post_id", "month"),
        Index("ix_score_tally_unit_month", "unit_id", "month"),
    )


# One tally per key (a record write adds to it in one statement, `store.apply_leaves`). A
# vacant share (no person) and a per-holder count (no post) are keys too, so their NULL
# counts as a value: 0, which no row's id is.
Index(
    "uq_score_tally_key",
    func.coalesce(ScoreTally.person_id, 0),
    func.coalesce(ScoreTally.post_id, 0),
    ScoreTally.unit_id,
    ScoreTally.month,
    ScoreTally.weight_class,
    ScoreTally.answering,
    unique=True,
)


class UnitScore(Base):
    """A unit's score for a period, on its own (`scope` OWN: its posts and hazards) or with
    its subtree (TREE), with the weighted sums it is computed from.

    `ob_weight` is Σ weight of the counted obligations and `ob_lost` Σ weight × (100 −
    credit); `hz_weight` / `hz_lost` the same for hazards. The score is
    100 − points_obligations × ob_lost / (100 × ob_weight) − points_hazards × hz_lost /
    (100 × hz_weight) under `scheme_version_id`; NULL when nothing counted."""

    __tablename__ = "unit_score"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_id: Mapped[int] = mapped_column(Integer, nullable=False)  # derived: no foreign keys
    scope: Mapped[str] = mapped_column(String(8), nullable=False)
    period_kind: Mapped[str] = mapped_column(String(8), nullable=False)
    period_start: Mapped[date] = mapped_column(Date, nullable=False)
    # The unit's place, denormalised for dashboards and ranks (a move rebuilds the scores).
    district_id: Mapped[int] = mapped_column(Integer, nullable=False)
    park_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    unit_kind: Mapped[str] = mapped_column(String(16), nullable=False)
    scheme_version_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    ob_weight: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    ob_lost: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    on_time: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    late: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    missed: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    hz_weight: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    hz_lost: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    hz_counted: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    hz_overdue: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    hz_open_major: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    hz_closed: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    score: Mapped[float | None] = mapped_column(Float, nullable=True)
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)

    __table_args__ = (
        Index("uq_unit_score_key", "unit_id", "scope", "period_kind", "period_start", unique=True),
        Index(
            "ix_unit_score_district_period",
            "district_id",
            "period_kind",
            "period_start",
            "scope",
            "unit_kind",
        ),
        Index(
            "ix_unit_score_park_period",
            "park_id",
            "period_kind",
            "period_start",
            "scope",
            "unit_kind",
            "score",
        ),
        CheckConstraint("scope IN ('OWN', 'TREE')", name="scope"),
        CheckConstraint("period_kind IN ('MONTH', 'QUARTER', 'YEAR')", name="period_kind"),
    )


class EnterpriseClass(Base):
    """An enterprise's class (A/B/C/D) decided from its score and risk for a period, in
    force from `effective_from`; the history of classifications, never edited."""

    __tablename__ = "enterprise_class"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("org_unit.id", ondelete="RESTRICT"), nullable=False)
    risk_class: Mapped[str] = mapped_column(String(1), nullable=False)
    previous_class: Mapped[str | None] = mapped_column(String(1), nullable=True)
    effective_from: Mapped[date] = mapped_column(Date, nullable=False)
    period_kind: Mapped[str] = mapped_column(String(8), nullable=False)
    period_start: Mapped[date] = mapped_column(Date, nullable=False)
    score: Mapped[float | None] = mapped_column(Float, nullable=True)
    risk_level: Mapped[str] = mapped_column(String(8), nullable=False)
    scheme_version_id: Mapped[int] = mapped_column(
        ForeignKey("score_scheme_version.id", ondelete="RESTRICT"), nullable=False
    )
    decided_by: Mapped[str] = mapped_column(String(64), nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)

    __table_args__ = (
        Index("ix_enterprise_class_unit_effective", "unit_id", "effective_from"),
        CheckConstraint("risk_class IN ('A', 'B', 'C', 'D')", name="risk_class"),
    )


class ComplianceReport(Base):
    """A generated report file (周报 / 月报), kept as handed out: its content and digest."""

    __tablename__ = "compliance_report"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("org_unit.id", ondelete="RESTRICT"), nullable=False)
    kind: Mapped[str] = mapped_column(String(16), nullable=False)
    file_format: Mapped[str] = mapped_column(String(8), nullable=False)
    period_start: Mapped[date] = mapped_column(Date, nullable=False)
    period_end: Mapped[date] = mapped_column(Date, nullable=False)
    file_name: Mapped[str] = mapped_column(String(200), nullable=False)
    content: Mapped[bytes] = mapped_column(LargeBinary, nullable=False)
    sha256: Mapped[str] = mapped_column(String(64), nullable=False)
    created_by: Mapped[str] = mapped_column(String(64), nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)

    __table_args__ = (Index("ix_compliance_report_unit_created", "unit_id", "created_at"),)
