"""The audit log: one row per change, written once. The database refuses UPDATE and DELETE
on it (triggers on SQLite and PostgreSQL, see the migration)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from domain.db import Base, PathString, UTCDateTime, utcnow


class AuditEvent(Base):
    __tablename__ = "audit_event"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)
    # "person:12", "client:3" or "system".
    actor: Mapped[str] = mapped_column(String(64), nullable=False)
    # What happened, e.g. "policy.grant_role", "tree.update_unit".
    action: Mapped[str] = mapped_column(String(64), nullable=False)
    target_type: Mapped[str] = mapped_column(String(32), nullable=False)
    target_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    # Where the change happened (a domain path), so admins see the log of their own subtree.
    domain: Mapped[str] = mapped_column(PathString, nullable=False)
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    request_id: Mapped[str | None] = mapped_column(String(64), nullable=True)

    __table_args__ = (
        Index("ix_audit_event_domain_id", "domain", "id"),
        Index("ix_audit_event_actor_id", "actor", "id"),
    )
