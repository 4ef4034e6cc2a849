"""District frequency defaults (区县默认频次): where a rule's frequency is the platform's
choice (basis DEFAULT, the documents give no number), a district's admins set their
district's own, effective from a date. Append-only like every evidence table: a
correction or a withdrawal is a new row whose `corrects_id` points at the row it replaces
(triggers refuse UPDATE and DELETE, migration 20261207_0013)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
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


class DistrictFrequencyDefault(Base):
    """The frequency a district gives a DEFAULT duty (named by its key) from `effective_from`:
    `rule` is the replacement rule's canonical mapping, with the same record kinds and basis
    DEFAULT. A withdrawal is a row with `withdrawn` that corrects the one it withdraws."""

    __tablename__ = "district_frequency_default"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    district_id: Mapped[int] = mapped_column(ForeignKey("org_unit.id", ondelete="RESTRICT"), nullable=False)
    item_key: Mapped[str] = mapped_column(String(100), nullable=False)
    rule: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False)
    effective_from: Mapped[date] = mapped_column(Date, nullable=False)
    note: Mapped[str | None] = mapped_column(Text, nullable=True)
    corrects_id: Mapped[int | None] = mapped_column(
        ForeignKey("district_frequency_default.id", ondelete="RESTRICT"), nullable=True
    )
    withdrawn: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)
    created_by: Mapped[str] = mapped_column(String(64), nullable=False)

    __table_args__ = (
        Index("ix_district_frequency_default_district_id", "district_id", "item_key"),
        Index("uq_district_frequency_default_corrects_id", "corrects_id", unique=True),
    )


def default_in_force() -> ColumnElement[bool]:
    """Rows neither withdrawn nor replaced by a later correction."""
    return in_force(DistrictFrequencyDefault)
