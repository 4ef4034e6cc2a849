"""Whether the database answers, for readiness probes."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession


async def ping(session: AsyncSession) -> None:
    """Runs `SELECT 1`; raises whatever the database or the driver raises."""
    await session.execute(text("SELECT 1"))
