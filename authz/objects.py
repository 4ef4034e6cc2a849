"""Where objects live for authorization, read from the database: a unit at its path, a post
at "<unit path>p<id>/", an assignment and a 分管 record at their post, a record at the
domain common to its units. None where there is no such object."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from authz.agencies import common_domain
from authz.domains import ROOT_DOMAIN, post_domain
from domain.duties.models import DutyRecordUnit
from domain.posts.models import Assignment, Post, PostCharge
from domain.tree.models import OrgUnit


async def unit_path(session: AsyncSession, unit_id: int) -> str | None:
    return await session.scalar(select(OrgUnit.path).where(OrgUnit.id == unit_id))


async def post_unit_path(session: AsyncSession, post_id: int) -> str | None:
    """The path of the unit the post belongs to."""
    return await session.scalar(
        select(OrgUnit.path).join(Post, Post.unit_id == OrgUnit.id).where(Post.id == post_id)
    )


async def post_domain_of(session: AsyncSession, post_id: int) -> str | None:
    path = await post_unit_path(session, post_id)
    return post_domain(path, post_id) if path is not None else None


async def assignment_domain(session: AsyncSession, assignment_id: int) -> str | None:
    """An assignment lives at its post."""
    post_id = await session.scalar(select(Assignment.post_id).where(Assignment.id == assignment_id))
    return await post_domain_of(session, post_id) if post_id is not None else None


async def charge_domain(session: AsyncSession, charge_id: int) -> str | None:
    """A 分管 record lives at its post."""
    post_id = await session.scalar(select(PostCharge.post_id).where(PostCharge.id == charge_id))
    return await post_domain_of(session, post_id) if post_id is not None else None


async def record_domain(session: AsyncSession, record_id: int) -> str:
    """The domain common to the units a record covers (the root for none)."""
    paths = (
        await session.scalars(
            select(OrgUnit.path)
            .join(DutyRecordUnit, DutyRecordUnit.unit_id == OrgUnit.id)
            .where(DutyRecordUnit.record_id == record_id)
        )
    ).all()
    return common_domain(list(paths)) if paths else ROOT_DOMAIN
