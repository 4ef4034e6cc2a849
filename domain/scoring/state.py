"""The score state: whether scores exist (no row: never rebuilt), from which day they are
kept and as of which day they are judged. Read by the rebuild, the incremental upkeep and
the queries alike."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.scoring.models import ScoreState


def default_since(today: date) -> date:
    """Scores are kept from the first day of last year."""
    return date(today.year - 1, 1, 1)


async def current_state(session: AsyncSession, *, lock: bool = False) -> ScoreState | None:
    stmt = select(ScoreState).order_by(ScoreState.id).limit(1)
    if lock:
        stmt = stmt.with_for_update()
    return (await session.scalars(stmt)).first()
