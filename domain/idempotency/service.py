"""Idempotency keys: find the answer a key already has, keep the answer of a new one.

Contract (the draft's): a retry with the same key, by the same caller, within the retention
window, gets the first answer and writes nothing; the same key with a different request is
refused. The key row is written in the request's own transaction: a write that never
committed (its process died, the database failed) left no key either, so its retry runs
afresh; one that committed left both, so its retry is answered from the row.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.idempotency.models import IdempotencyKey

# The draft leaves the key's form to the server; ours: 1–255 visible ASCII characters (a
# UUID is the usual choice).
KEY_PATTERN = re.compile(r"^[\x21-\x7e]{1,255}$")


def valid_key(key: str) -> bool:
    return bool(KEY_PATTERN.match(key))


def fingerprint(query: str | None, operation_name: str | None, variables: Any) -> str:
    """The request's identity for its key: the same document, operation and variables give
    the same fingerprint whatever the JSON's key order or spacing."""
    canonical = json.dumps(
        {"query": query, "operationName": operation_name, "variables": variables or {}},
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class StoredAnswer:
    fingerprint: str
    status: int
    media_type: str
    body: bytes


async def find(session: AsyncSession, subject: str, key: str, now: datetime) -> StoredAnswer | None:
    """The answer the caller's key already has, if it is still within its retention window."""
    row = await session.scalar(
        select(IdempotencyKey).where(
            IdempotencyKey.subject == subject, IdempotencyKey.key == key, IdempotencyKey.expires_at > now
        )
    )
    if row is None:
        return None
    return StoredAnswer(row.fingerprint, row.status, row.media_type, row.body)


async def keep(
    session: AsyncSession,
    subject: str,
    key: str,
    answer: StoredAnswer,
    now: datetime,
    retention: timedelta,
) -> None:
    """Record the key's answer in the session's transaction (flushed: a concurrent first use
    of the same key fails here, on the unique index, before anything commits). An expired
    row of the same key gives way."""
    await session.execute(
        delete(IdempotencyKey).where(
            IdempotencyKey.subject == subject, IdempotencyKey.key == key, IdempotencyKey.expires_at <= now
        )
    )
    session.add(
        IdempotencyKey(
            subject=subject,
            key=key,
            fingerprint=answer.fingerprint,
            status=answer.status,
            media_type=answer.media_type,
            body=answer.body,
            created_at=now,
            expires_at=now + retention,
        )
    )
    await session.flush()


async def purge_expired(session: AsyncSession, now: datetime) -> int:
    """Forget the keys past their retention window; the number forgotten."""
    result = await session.execute(delete(IdempotencyKey).where(IdempotencyKey.expires_at <= now))
    return int(result.rowcount or 0)  # type: ignore[attr-defined]
