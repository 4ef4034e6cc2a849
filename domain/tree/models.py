"""Organisation units stored as one table with a materialized path.

`path` is the chain of ids from the root, each followed by "/" (e.g. "/1/4/17/"). A subtree
is the half-open range [path, path[:-1] + "0"): "/" sorts just before "0" and ids are
digits, so "/1/4/" covers "/1/4/17/" but not "/1/40/". That range is one indexed scan on
SQLite and on PostgreSQL (the column uses the "C" collation there).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column

from domain.db import Base, PathString, TimestampMixin, UTCDateTime, utcnow
from domain.tree.kinds import SMALL_MICRO_STAFF_LIMIT, RiskClass, Trade, UnitKind


class OrgUnit(TimestampMixin, Base):
    __tablename__ = "org_unit"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), nullable=False)
    code: Mapped[str] = mapped_column(String(64), nullable=False)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("org_unit.id", ondelete="RESTRICT"), nullable=True
    )
    path: Mapped[str] = mapped_column(PathString, nullable=False)
    depth: Mapped[int] = mapped_column(Integer, nullable=False)
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)

    # Enterprise attributes (NULL for other kinds; a check constraint keeps them apart).
    credit_code: Mapped[str | None] = mapped_column(String(18), nullable=True)
    trade: Mapped[str | None] = mapped_column(String(32), nullable=True)
    high_risk: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    staff_count: Mapped[int | None] = mapped_column(Integer, nullable=True)
    risk_class: Mapped[str | None] = mapped_column(String(1), nullable=True)
    placarded: Mapped[bool | None] = mapped_column(Boolean, nullable=True)

    # Optimistic concurrency: the services bump `version` themselves and every UPDATE is
    # guarded by the version that was read, so a concurrent writer gets StaleDataError.
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    __mapper_args__ = {"version_id_col": version, "version_id_generator": False}

    __table_args__ = (
        Index("ix_org_unit_path", "path", unique=True),
        Index("ix_org_unit_parent_id_code", "parent_id", "code"),
        # Codes are unique among siblings; roots (parent NULL) share the pseudo-parent 0.
        Index(
            "uq_org_unit_sibling_code",
            func.coalesce(parent_id, 0),
            "code",
            unique=True,
        ),
        Index("uq_org_unit_credit_code", "credit_code", unique=True),
        Index("ix_org_unit_kind_path", "kind", "path"),
        CheckConstraint("kind IN ('DISTRICT', 'PARK', 'DEPARTMENT', 'ENTERPRISE')", name="kind"),
        CheckConstraint(
            "(kind = 'ENTERPRISE') = (credit_code IS NOT NULL AND trade IS NOT NULL "
            "AND high_risk IS NOT NULL AND staff_count IS NOT NULL AND placarded IS NOT NULL)",
            name="enterprise_fields",
        ),
        CheckConstraint("staff_count IS NULL OR staff_count >= 0", name="staff_count"),
        CheckConstraint("risk_class IS NULL OR risk_class IN ('A', 'B', 'C', 'D')", name="risk_class"),
    )

    @property
    def unit_kind(self) -> UnitKind:
        return UnitKind(self.kind)

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None

    @property
    def small_micro(self) -> bool | None:
        if self.staff_count is None:
            return None
        return self.staff_count < SMALL_MICRO_STAFF_LIMIT

    @property
    def trade_value(self) -> Trade | None:
        return Trade(self.trade) if self.trade else None

    @property
    def risk_class_value(self) -> RiskClass | None:
        return RiskClass(self.risk_class) if self.risk_class else None

    @property
    def ancestor_ids(self) -> list[int]:
        """Ids from the root down to the parent."""
        return [int(p) for p in self.path.strip("/").split("/")[:-1]]


def subtree_upper_bound(path: str) -> str:
    """Exclusive upper bound of the subtree range that starts at `path`."""
    return path[:-1] + "0"


class EnterpriseProfile(Base):
    """The attributes duty rules depend on, as they were from a date: a row is written when
    an enterprise is created and whenever one of them changes, never updated. A period's rule
    is chosen from the row in force on its first day (before the first row: the first row)."""

    __tablename__ = "enterprise_profile"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("org_unit.id", ondelete="RESTRICT"), nullable=False)
    effective_from: Mapped[date] = mapped_column(Date, nullable=False)
    trade: Mapped[str] = mapped_column(String(32), nullable=False)
    high_risk: Mapped[bool] = mapped_column(Boolean, nullable=False)
    staff_count: Mapped[int] = mapped_column(Integer, nullable=False)
    risk_class: Mapped[str | None] = mapped_column(String(1), nullable=True)
    placarded: Mapped[bool] = mapped_column(Boolean, nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)

    __table_args__ = (Index("ix_enterprise_profile_unit_id", "unit_id", "effective_from", "id"),)


PROFILE_FIELDS = ("trade", "high_risk", "staff_count", "risk_class", "placarded")
