"""分管 charges over time: a post takes charge of a unit from a date and gives it up on a
date. Like assignments, a charge row is closed by setting its end date, never rewritten.

A charge widens where the post's duties are done and what they cover (the units in charge
during a period), so each change is tracked for the scores from the day it takes effect;
`today` None judges as of the scores' day."""

from __future__ import annotations

from datetime import date

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.changes import mark_authz_dirty
from domain.errors import DomainError, ErrorCode, ErrorCollector, not_found
from domain.inputs import check_dates
from domain.posts.kinds import PostKind
from domain.posts.models import Post, PostCharge
from domain.posts.service import check_charges
from domain.scoring.maintain import track
from domain.tree.models import OrgUnit


async def add_charge(
    session: AsyncSession, *, post_id: int, unit_id: int, start_date: date, today: date | None = None
) -> PostCharge:
    async with track(session, today, posts=[post_id], days=[start_date, date.max]):
        return await _add_charge(session, post_id, unit_id, start_date)


async def _add_charge(session: AsyncSession, post_id: int, unit_id: int, start_date: date) -> PostCharge:
    post = (await session.scalars(select(Post).where(Post.id == post_id).with_for_update())).one_or_none()
    if post is None:
        raise not_found("postId", "岗位", "Post")
    if post.archived_at is not None:
        raise DomainError.one(ErrorCode.ARCHIVED, "postId", "岗位已撤销", "The post is archived")
    unit = await session.get(OrgUnit, post.unit_id)
    assert unit is not None
    errors = ErrorCollector()
    charged = await check_charges(
        session, errors, unit, PostKind(post.kind), [unit_id], field_of=lambda _: ("unitId",)
    )
    errors.raise_if_any()
    clash = await session.scalar(
        select(PostCharge.id)
        .where(
            PostCharge.post_id == post_id,
            PostCharge.unit_id == unit_id,
            or_(PostCharge.end_date.is_(None), PostCharge.end_date >= start_date),
        )
        .limit(1)
    )
    if clash is not None:
        raise DomainError.one(
            ErrorCode.OVERLAPPING_CHARGE,
            "startDate",
            "该岗位在此期间已分管该单元",
            "The post is already in charge of this unit in that period",
        )
    charge = PostCharge(post_id=post_id, unit_id=charged[0].id, start_date=start_date)
    session.add(charge)
    await session.flush()
    mark_authz_dirty(session, f"post:{post_id}")
    return charge


async def end_charge(
    session: AsyncSession, *, charge_id: int, end_date: date, today: date | None = None
) -> PostCharge:
    row = await session.get(PostCharge, charge_id)
    if row is None:
        raise not_found("chargeId", "分管记录", "Charge")
    async with track(session, today, posts=[row.post_id], days=[end_date, date.max]):
        return await _end_charge(session, charge_id, end_date)


async def _end_charge(session: AsyncSession, charge_id: int, end_date: date) -> PostCharge:
    charge = (
        await session.scalars(select(PostCharge).where(PostCharge.id == charge_id).with_for_update())
    ).one_or_none()
    if charge is None:
        raise not_found("chargeId", "分管记录", "Charge")
    if charge.end_date is not None:
        raise DomainError.one(
            ErrorCode.ALREADY_ENDED,
            "chargeId",
            f"该分管已于{charge.end_date}结束",
            f"The charge already ended on {charge.end_date}",
        )
    errors = ErrorCollector()
    check_dates(errors, charge.start_date, end_date)
    errors.raise_if_any()
    charge.end_date = end_date
    await session.flush()
    mark_authz_dirty(session, f"post:{charge.post_id}")
    return charge
