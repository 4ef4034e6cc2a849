"""A session factory whose writes are rolled back, for property tests that take the
session-wide engine: each Hypothesis example starts from the empty database, as each test
does (the per-test `session` fixture would carry one example's rows into the next)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from domain.db import create_session_factory


@asynccontextmanager
async def rolled_back(engine: AsyncEngine) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    """A session factory inside one transaction that is rolled back afterwards."""
    async with engine.connect() as conn:
        outer = await conn.begin()
        try:
            yield create_session_factory(conn, join_transaction_mode="create_savepoint")
        finally:
            await outer.rollback()
