"""Posts, 分管 charges and assignments.

History is evidence: an assignment row is written once, except that an open-ended one is
closed by setting its end date. A mistake is corrected by a new row whose `corrects_id`
points at the row it replaces (or withdraws it); the corrected row stays as it was. The
effective assignments are the rows no other row corrects, less withdrawals.
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
    and_,
    or_,
)
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.sql.elements import ColumnElement

from domain.corrections import in_force
from domain.db import Base, TimestampMixin, UTCDateTime, utcnow


class Post(TimestampMixin, Base):
    __tablename__ = "post"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("org_unit.id", ondelete="RESTRICT"), nullable=False)
    kind: Mapped[str] = mapped_column(String(32), nullable=False)
    title: Mapped[str] = mapped_column(String(200), nullable=False)
    single_holder: Mapped[bool] = mapped_column(Boolean, nullable=False)
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    __mapper_args__ = {"version_id_col": version, "version_id_generator": False}
    __table_args__ = (
        Index("ix_post_unit_id_kind", "unit_id", "kind"),
        Index("ix_post_kind", "kind"),
    )


class PostCharge(Base):
    """A post is in charge of (分管) a unit from a date, until a date (inclusive) or open."""

    __tablename__ = "post_charge"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("post.id", ondelete="RESTRICT"), nullable=False)
    unit_id: Mapped[int] = mapped_column(ForeignKey("org_unit.id", ondelete="RESTRICT"), nullable=False)
    start_date: Mapped[date] = mapped_column(Date, nullable=False)
    end_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)

    __table_args__ = (
        Index("ix_post_charge_post_id", "post_id"),
        Index("ix_post_charge_unit_id", "unit_id"),
        CheckConstraint("end_date IS NULL OR end_date >= start_date", name="dates"),
    )


class Assignment(Base):
    """A person holds a post from `start_date` to `end_date` (both inclusive; NULL = open)."""

    __tablename__ = "assignment"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("post.id", ondelete="RESTRICT"), nullable=False)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="RESTRICT"), nullable=False)
    start_date: Mapped[date] = mapped_column(Date, nullable=False)
    end_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    corrects_id: Mapped[int | None] = mapped_column(
        ForeignKey("assignment.id", ondelete="RESTRICT"), nullable=True
    )
    withdrawn: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    note: Mapped[str | None] = mapped_column(String(500), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    __mapper_args__ = {"version_id_col": version, "version_id_generator": False}
    __table_args__ = (
        Index("ix_assignment_post_id_start_date", "post_id", "start_date"),
        Index("ix_assignment_person_id_start_date", "person_id", "start_date"),
        # One correction per row: a second one must correct the correction.
        Index("uq_assignment_corrects_id", "corrects_id", unique=True),
        CheckConstraint("end_date IS NULL OR end_date >= start_date", name="dates"),
    )

    def covers(self, day: date) -> bool:
        return self.start_date <= day and (self.end_date is None or self.end_date >= day)


def effective_assignment() -> ColumnElement[bool]:
    """Rows that are in force: not replaced by a correction, and not withdrawals."""
    return in_force(Assignment)


def assignment_on(day: date | ColumnElement[date]) -> ColumnElement[bool]:
    return and_(
        Assignment.start_date <= day,
        or_(Assignment.end_date.is_(None), Assignment.end_date >= day),
    )


def assignment_overlaps(
    start: date | ColumnElement[date], end: date | ColumnElement[date] | None
) -> ColumnElement[bool]:
    """Tenures overlapping [start, end] (end None: open); the days may be bind parameters."""
    conds = [or_(Assignment.end_date.is_(None), Assignment.end_date >= start)]
    if end is not None:
        conds.append(Assignment.start_date <= end)
    return and_(*conds)
