"""Timing the full rebuild of the score tables, and counting their rows."""

from __future__ import annotations

import time
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from domain.scoring.maintain import rebuild
from domain.scoring.models import ScoreTally, UnitScore


async def measure_rebuild(
    factory: async_sessionmaker[AsyncSession],
    today: date,
    *,
    since: date | None = None,
    workers: int = 1,
    url: str | None = None,
) -> tuple[float, float, dict[str, float]]:
    """(total with the commit, the commit alone, the breakdown `rebuild` returns)."""
    async with factory() as session:
        started = time.perf_counter()
        timings = await rebuild(session, today, since=since, workers=workers, database_url=url)
        committing = time.perf_counter()
        await session.commit()
        done = time.perf_counter()
    return done - started, done - committing, timings


async def score_rows(factory: async_sessionmaker[AsyncSession]) -> tuple[int, int]:
    async with factory() as session:
        tallies = await session.scalar(select(func.count()).select_from(ScoreTally)) or 0
        scores = await session.scalar(select(func.count()).select_from(UnitScore)) or 0
    return tallies, scores
