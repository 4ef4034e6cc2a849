"""A holder's delegation of one duty of their post (主持或者委托分管负责人召开): append-only,
withdrawn by a new row that points at it (`corrects_id`, `withdrawn`), like records."""

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
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.sql.elements import ColumnElement

from domain.corrections import in_force
from domain.db import Base, UTCDateTime, utcnow


class DutyDelegation(Base):
    """The duty (`list_id`, `item_key`) of post `post_id` entrusted to `delegate_person_id`
    from `start_date` to `end_date` (inclusive): the delegate's records of the duty's kinds
    performed in those days count for the post's duty."""

    __tablename__ = "duty_delegation"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("post.id", ondelete="RESTRICT"), nullable=False)
    list_id: Mapped[int] = mapped_column(ForeignKey("duty_list.id", ondelete="RESTRICT"), nullable=False)
    item_key: Mapped[str] = mapped_column(String(100), nullable=False)
    delegate_person_id: Mapped[int] = mapped_column(
        ForeignKey("person.id", ondelete="RESTRICT"), nullable=False
    )
    start_date: Mapped[date] = mapped_column(Date, nullable=False)
    end_date: Mapped[date] = mapped_column(Date, nullable=False)
    note: Mapped[str | None] = mapped_column(Text, nullable=True)
    corrects_id: Mapped[int | None] = mapped_column(
        ForeignKey("duty_delegation.id", ondelete="RESTRICT"), nullable=True
    )
    withdrawn: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)
    created_by: Mapped[str] = mapped_column(String(64), nullable=False)
    created_by_person_id: Mapped[int | None] = mapped_column(
        ForeignKey("person.id", ondelete="RESTRICT"), nullable=True
    )

    __table_args__ = (
        Index("ix_duty_delegation_post_id", "post_id", "start_date"),
        Index("ix_duty_delegation_delegate", "delegate_person_id", "start_date"),
        Index("uq_duty_delegation_corrects_id", "corrects_id", unique=True),
        CheckConstraint("end_date >= start_date", name="dates"),
    )


def effective_delegation() -> ColumnElement[bool]:
    """Delegations in force: not withdrawn, not replaced."""
    return in_force(DutyDelegation)
