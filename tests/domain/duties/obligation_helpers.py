"""Helpers of the obligation tests: a post's obligations over a span, their statuses by period,
and an enterprise's responsible post.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.duties.obligations import Obligation, Status
from domain.duties.queries import obligations_of_posts
from domain.posts.kinds import PostKind
from domain.posts.models import Post
from domain.tree.models import OrgUnit

MONTHLY_INSPECTION = {"kinds": ["INSPECTION"], "every": "MONTH"}


def by_period(found: list[Obligation]) -> dict[date, Status]:
    return {o.period_start: o.status for o in found}


async def post_obligations(
    session: AsyncSession, post_id: int, lo: date, hi: date, today: date
) -> list[Obligation]:
    return await obligations_of_posts(session, select(Post.id).where(Post.id == post_id), lo, hi, today)


async def responsible_post(session: AsyncSession, unit: OrgUnit) -> Post:
    found = await session.scalar(
        select(Post).where(Post.unit_id == unit.id, Post.kind == PostKind.ADMINISTRATIVE_RESPONSIBLE.value)
    )
    assert found is not None
    return found
