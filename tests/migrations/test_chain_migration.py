"""Migration 20261208_0017 (the evidence chains): rows written before it are sealed by
`migrate` after it runs, in key order, and verify; it goes down and up again."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from alembic import command
from sqlalchemy import inspect, select, text
from sqlalchemy.engine import Connection

from api.__main__ import _migrate
from domain.audit.chain.models import ChainLink
from domain.audit.chain.verify import verify
from domain.audit.models import AuditEvent
from domain.db import create_engine, create_session_factory
from migrations.runner import alembic_config, upgrade
from scratch import temporary_database
from tests.conftest import base_url


@pytest.fixture
async def scratch_url(tmp_path: Any) -> AsyncIterator[str]:
    async with temporary_database(base_url(), tmp_path) as url:
        yield url


def _down_to_0016(connection: Connection) -> None:
    cfg = alembic_config()
    cfg.attributes["connection"] = connection
    command.downgrade(cfg, "20261208_0016")


async def test_rows_older_than_the_chains_are_sealed_by_migrate(scratch_url: str) -> None:
    engine = create_engine(scratch_url)
    try:
        await upgrade(engine, "20261208_0016")
        async with create_session_factory(engine)() as session:
            # Written through a session before the chains exist: nothing to seal into yet.
            for n in range(3):
                session.add(
                    AuditEvent(actor="system", action="test.old", target_type="Test", target_id=n, domain="/")
                )
            await session.commit()
        await _migrate(scratch_url)
        async with create_session_factory(engine)() as session:
            result = await verify(session)
            assert result.ok, [c for c in result.chains if not c.ok]
            links = (
                await session.scalars(
                    select(ChainLink.row_key).where(ChainLink.chain == "audit_event").order_by(ChainLink.seq)
                )
            ).all()
            ids = (await session.scalars(select(AuditEvent.id).order_by(AuditEvent.id))).all()
            assert links == [str(i) for i in ids] and len(ids) >= 3
        await _migrate(scratch_url)  # again: nothing left to seal, nothing sealed twice
        async with engine.connect() as conn:
            assert await conn.scalar(
                text("SELECT count(*) FROM chain_link WHERE chain = 'audit_event'")
            ) == len(ids)
            await conn.run_sync(_down_to_0016)
            await conn.commit()
        async with engine.connect() as conn:
            assert "chain_link" not in await conn.run_sync(lambda c: inspect(c).get_table_names())
        await upgrade(engine)
    finally:
        await engine.dispose()
