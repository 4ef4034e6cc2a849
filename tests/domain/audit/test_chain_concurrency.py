"""Writers committing at the same time extend one chain, never two branches: on PostgreSQL
each takes its chains' advisory locks before it reads their heads (on SQLite writers take
turns already). Run on a database of the test's own, with committed data."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from sqlalchemy import select

from domain.audit.chain.models import ChainLink
from domain.audit.chain.sealing import seal_backlog
from domain.audit.chain.verify import verify
from domain.audit.models import AuditEvent
from domain.db import begin_write, create_session_factory
from tests.conftest import migrated_database, on_postgresql


def _event(n: int) -> AuditEvent:
    return AuditEvent(actor="system", action="test.concurrent", target_type="Test", target_id=n, domain="/")


async def test_interleaved_writers_extend_one_chain(tmp_path: Path) -> None:
    async with migrated_database(tmp_path) as (_url, engine):
        sessions = create_session_factory(engine)
        async with sessions() as s:
            await seal_backlog(s)
            await s.commit()
        if on_postgresql():
            # Both write and flush (ids 1 and 2 taken), then commit at once: the second to
            # commit waits for the first's chain lock, then reads the head it left.
            async with sessions() as a, sessions() as b:
                a.add(_event(1))
                await a.flush()
                b.add(_event(2))
                await b.flush()
                await asyncio.gather(b.commit(), a.commit())
            rounds = [
                asyncio.gather(*(_write(sessions, n) for n in range(k, k + 4))) for k in range(3, 15, 4)
            ]
            for r in rounds:
                await r
        else:
            for n in range(1, 15):
                await _write(sessions, n)
        async with sessions() as s:
            links = (
                await s.scalars(
                    select(ChainLink).where(ChainLink.chain == "audit_event").order_by(ChainLink.seq)
                )
            ).all()
            events = (
                await s.scalars(select(AuditEvent.id).where(AuditEvent.action == "test.concurrent"))
            ).all()
            assert [link.seq for link in links] == list(range(1, len(links) + 1))
            assert {int(link.row_key) for link in links} >= set(events) and len(events) == 14
            assert [link.prev_hash for link in links[1:]] == [link.hash for link in links[:-1]]
            assert (await verify(s, ["audit_event"])).ok


async def _write(sessions: Any, n: int) -> None:
    async with sessions() as s:
        await begin_write(s)
        s.add(_event(n))
        await s.commit()
