"""Small reads of scoring's own rows, for the API's loaders and fields."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.scoring.models import ScoreState


async def score_state(session: AsyncSession) -> ScoreState | None:
    """The one score state row (the first, should there ever be more)."""
    return (await session.scalars(select(ScoreState).order_by(ScoreState.id).limit(1))).first()
