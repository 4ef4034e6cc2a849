"""The engine's pool on PostgreSQL: a connection the server closed is replaced at check-out
without a ping (`domain.db._refuse_closed`)."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import text

from domain.db import create_engine

pytestmark = pytest.mark.postgres_only


async def test_a_pooled_connection_the_server_closed_is_replaced(database_url: str) -> None:
    engine = create_engine(database_url, pool_size=1, max_overflow=0)
    assert not engine.pool._pre_ping  # the check costs no round trip
    try:
        async with engine.connect() as conn:
            first = await conn.scalar(text("SELECT pg_backend_pid()"))
        admin = create_engine(database_url)
        try:
            async with admin.connect() as conn:
                assert await conn.scalar(text("SELECT pg_terminate_backend(:pid)"), {"pid": first})
        finally:
            await admin.dispose()
        await asyncio.sleep(0.2)  # the pooled connection hears of its end
        async with engine.connect() as conn:
            second = await conn.scalar(text("SELECT pg_backend_pid()"))
        assert second != first
    finally:
        await engine.dispose()
