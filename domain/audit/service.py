"""Writing the audit log. Services call `record` in the transaction of the change, so a
change and its audit entry are kept or lost together."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from functools import cache
from typing import Any, TypeVar

from sqlalchemy import Insert, Table, insert
from sqlalchemy.ext.asyncio import AsyncSession

from domain.actors import Actor
from domain.audit.chain import sealing
from domain.audit.models import AuditEvent
from domain.db import utcnow

T = TypeVar("T")


def snapshot(row: Any, fields: tuple[str, ...]) -> dict[str, Any]:
    """A JSON-safe picture of some attributes of a row."""
    return {name: _jsonable(getattr(row, name)) for name in fields}


async def record_row(
    session: AsyncSession,
    action: str,
    row: Any,
    domain: str,
    before: dict[str, Any] | None = None,
    *,
    flush: bool = True,
    actor: Actor,
) -> AuditEvent:
    """Audit a change to one row: its picture before (for changes) and after."""
    return await record(
        session,
        actor=actor,
        action=action,
        target_type=type(row).__name__,
        target_id=row.id,
        domain=domain,
        before=before,
        after=row_snapshot(row),
        flush=flush,
    )


async def insert_audited(
    session: AsyncSession,
    row: T,
    action: str,
    domain: str,
    *,
    flush_audit: bool = True,
    actor: Actor,
) -> T:
    """Insert a row and audit its creation in the same transaction. `flush_audit` False:
    the audit entry is only added to the session, for the caller's next flush (with rows
    of its own that need the new row's id)."""
    session.add(row)
    await session.flush()
    await record_row(session, action, row, domain, flush=flush_audit, actor=actor)
    return row


def row_snapshot(row: Any) -> dict[str, Any]:
    """Every mapped column of a row, JSON-safe; personal numbers are kept masked."""
    from sqlalchemy import inspect

    picture = {attr.key: _jsonable(getattr(row, attr.key)) for attr in inspect(row).mapper.column_attrs}
    for secret, masked in (("id_number", "id_number_masked"), ("phone", "phone_masked")):
        if secret in picture:
            picture[secret] = getattr(row, masked, None)
    return picture


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return value


def entry(
    session: AsyncSession,
    *,
    action: str,
    target_type: str,
    target_id: int | None,
    domain: str,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    actor: Actor,
) -> dict[str, Any]:
    """An audit entry as the values of its row, for `insert_entries`: who did it is
    `actor` (its subject and the request that carried the change)."""
    return {
        "at": utcnow(),
        "actor": actor.subject,
        "action": action,
        "target_type": target_type,
        "target_id": target_id,
        "domain": domain,
        "before": before,
        "after": after,
        "request_id": actor.request_id,
    }


@cache
def _insert_entry() -> Insert:
    table = AuditEvent.__table__
    assert isinstance(table, Table)
    return insert(table)


async def insert_entries(session: AsyncSession, entries: Sequence[dict[str, Any]]) -> None:
    """Write audit entries (`entry`) by one Core statement, for the hot write paths that
    write their own rows without the ORM's unit of work. Their ids come back (RETURNING)
    for the evidence chain to seal them at commit; a database that cannot return them
    from a multi-row insert has the chain's backlog pass find them instead."""
    if not entries:
        return
    dialect = session.get_bind().dialect
    if dialect.insert_executemany_returning or (len(entries) == 1 and dialect.insert_returning):
        table = _insert_entry().table
        ids = (
            await session.execute(
                _insert_entry().returning(table.c.id), list(entries), execution_options=sealing.NOTED
            )
        ).scalars()
        sealing.note(session, AuditEvent, [{"id": i} for i in ids])
    else:
        await session.execute(_insert_entry(), list(entries))


async def record(
    session: AsyncSession,
    *,
    action: str,
    target_type: str,
    target_id: int | None,
    domain: str,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    flush: bool = True,
    actor: Actor,
) -> AuditEvent:
    """Add an audit entry (see `entry`), flushed unless `flush` is False."""
    event = AuditEvent(
        **entry(
            session,
            actor=actor,
            action=action,
            target_type=target_type,
            target_id=target_id,
            domain=domain,
            before=before,
            after=after,
        )
    )
    session.add(event)
    if flush:
        await session.flush()
    return event
