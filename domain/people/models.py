from __future__ import annotations

from sqlalchemy import ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from domain.db import Base, TimestampMixin
from domain.identifiers import mask_id_number, mask_phone


class Person(TimestampMixin, Base):
    __tablename__ = "person"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100), nullable=False)
    # Canonical 18-character 居民身份证号; never returned unmasked without a right to see it.
    id_number: Mapped[str] = mapped_column(String(18), nullable=False)
    phone: Mapped[str | None] = mapped_column(String(20), nullable=True)
    # The unit that registered the person (their employer): its admins see and manage them
    # before any assignment exists. NULL for persons registered before units were recorded.
    registered_unit_id: Mapped[int | None] = mapped_column(
        ForeignKey("org_unit.id", ondelete="RESTRICT"), nullable=True
    )
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    __mapper_args__ = {"version_id_col": version, "version_id_generator": False}
    __table_args__ = (
        Index("uq_person_id_number", "id_number", unique=True),
        Index("ix_person_name", "name"),
        Index("ix_person_registered_unit_id", "registered_unit_id"),
    )

    @property
    def id_number_masked(self) -> str:
        return mask_id_number(self.id_number)

    @property
    def phone_masked(self) -> str | None:
        return mask_phone(self.phone) if self.phone else None
