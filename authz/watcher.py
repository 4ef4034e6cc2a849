"""Telling other API processes that who-may-do-what changed.

On PostgreSQL a change sends `NOTIFY authz_changes` with the keys it touched, inside its own
transaction, so the message leaves only if the change is committed. Every process LISTENs
on a connection of its own and refreshes those keys (see `AuthzListener`). SQLite serves one
process, which refreshes itself after its commit.
"""

from __future__ import annotations

import json

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

CHANNEL = "authz_changes"
# PostgreSQL refuses payloads of 8000 bytes or more; a change that touched more keys than
# fit asks everyone for a full reload.
MAX_PAYLOAD = 7000


def encode_keys(keys: set[str]) -> str:
    payload = json.dumps(sorted(keys), separators=(",", ":"))
    return payload if len(payload) <= MAX_PAYLOAD else '["*"]'


def decode_keys(payload: str) -> set[str]:
    try:
        keys = json.loads(payload)
    except ValueError:
        return {"*"}
    return {str(k) for k in keys} if isinstance(keys, list) else {"*"}


async def notify_change(session: AsyncSession, keys: set[str]) -> None:
    if session.get_bind().dialect.name == "postgresql":
        await session.execute(select(func.pg_notify(CHANNEL, encode_keys(keys))))
