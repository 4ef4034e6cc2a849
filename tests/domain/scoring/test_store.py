"""Writing tallies (`domain.scoring.store.apply_leaves`) from two transactions at once."""

from __future__ import annotations

import asyncio
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select, text

from domain.db import create_session_factory
from domain.scoring.models import ScoreTally
from domain.scoring.store import apply_leaves
from tests.conftest import migrated_database

pytestmark = pytest.mark.postgres_only

KEY = (None, 41, 7, date(2026, 3, 1), "DAILY", False)  # a post's vacant share: no person


async def test_two_writers_adding_to_a_new_key_make_one_tally(tmp_path: Path) -> None:
    async with migrated_database(tmp_path) as (_url, engine):
        factory = create_session_factory(engine)
        async with factory() as first, factory() as second:
            for session in (first, second):  # as record writes run them after five runs
                await session.execute(text("SET LOCAL plan_cache_mode = force_generic_plan"))
            await apply_leaves(first, {KEY: [1, 0, 2]})  # the row is new, and locked until commit
            waiting = asyncio.create_task(apply_leaves(second, {KEY: [0, 1, -1]}))
            await asyncio.sleep(0.2)
            assert not waiting.done()  # the second waits for the first's row
            await first.commit()
            await waiting
            await second.commit()
        async with factory() as session:
            rows = (await session.execute(select(ScoreTally))).scalars().all()
        assert [(r.person_id, r.post_id, r.on_time, r.late, r.missed) for r in rows] == [(None, 41, 1, 1, 1)]

        async with factory() as session:  # counts reaching zero: the row goes
            await apply_leaves(session, {KEY: [-1, -1, -1]})
            await session.commit()
            assert (await session.execute(select(ScoreTally))).first() is None
