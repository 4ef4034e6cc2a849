"""Accountability dossiers handed out: one row per request, written once (the database
refuses UPDATE and DELETE, see migration 20261208_0018). The archive itself lives in the
blob store under its SHA-256; the row says whose, for which unit and period, and carries
the digest of its manifest and the platform's signature of it."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, CheckConstraint, Date, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from domain.db import Base, UTCDateTime, utcnow


class AccountabilityDossier(Base):
    __tablename__ = "accountability_dossier"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("org_unit.id", ondelete="RESTRICT"), nullable=False)
    period_start: Mapped[date] = mapped_column(Date, nullable=False)
    period_end: Mapped[date] = mapped_column(Date, nullable=False)
    file_name: Mapped[str] = mapped_column(String(200), nullable=False)
    # The archive (a ZIP) in the blob store: its SHA-256 (the key) and size.
    sha256: Mapped[str] = mapped_column(String(64), nullable=False)
    size: Mapped[int] = mapped_column(BigInteger, nullable=False)
    manifest_sha256: Mapped[str] = mapped_column(String(64), nullable=False)
    # The Ed25519 signature of manifest.json (hex) and the id of the key that made it.
    signature: Mapped[str] = mapped_column(String(128), nullable=False)
    key_id: Mapped[str] = mapped_column(String(16), nullable=False)
    # The subject that asked ("person:12", "client:3"); the download link is theirs.
    created_by: Mapped[str] = mapped_column(String(64), nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)

    __table_args__ = (
        Index("ix_accountability_dossier_unit_created", "unit_id", "created_at"),
        CheckConstraint("period_start <= period_end", name="period"),
        CheckConstraint("size > 0", name="size"),
    )
