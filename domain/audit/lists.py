"""The audit log as the API lists it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, Select, select

from domain.audit.models import AuditEvent


def events(
    visible: ColumnElement[bool],
    *,
    actor: str | None = None,
    action: str | None = None,
    target_type: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> Select[AuditEvent]:
    """Events `visible` admits, by a stored actor, action and target type if given, at or
    after `since` and before `until`."""
    stmt = select(AuditEvent).where(visible)
    if actor is not None:
        stmt = stmt.where(AuditEvent.actor == actor)
    if action is not None:
        stmt = stmt.where(AuditEvent.action == action)
    if target_type is not None:
        stmt = stmt.where(AuditEvent.target_type == target_type)
    if since is not None:
        stmt = stmt.where(AuditEvent.at >= since)
    if until is not None:
        stmt = stmt.where(AuditEvent.at < until)
    return stmt
