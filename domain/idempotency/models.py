"""A write's idempotency key and the answer it was given."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from domain.db import Base, UTCDateTime


class IdempotencyKey(Base):
    """One key of one caller: the fingerprint of the request first sent with it and the
    answer (status and body) it got. Written in the same transaction as the request's own
    writes, so it exists exactly when they do."""

    __tablename__ = "idempotency_key"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # Who sent it ("person:12", "client:3"): keys are the caller's own namespace.
    subject: Mapped[str] = mapped_column(String(64), nullable=False)
    key: Mapped[str] = mapped_column(String(255), nullable=False)
    # SHA-256 of the request (document, operation name, variables), hex.
    fingerprint: Mapped[str] = mapped_column(String(64), nullable=False)
    status: Mapped[int] = mapped_column(Integer, nullable=False)
    media_type: Mapped[str] = mapped_column(String(100), nullable=False)
    body: Mapped[bytes] = mapped_column(LargeBinary, nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)

    __table_args__ = (
        Index("uq_idempotency_key_subject_key", "subject", "key", unique=True),
        Index("ix_idempotency_key_expires_at", "expires_at"),
    )
