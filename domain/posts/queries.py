"""Read statements over posts, charges and assignments."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.pagination import Ordering
from domain.posts.kinds import RESPONSIBLE_KINDS, PostKind
from domain.posts.models import (
    Assignment,
    Post,
    PostCharge,
    assignment_on,
    effective_assignment,
)
from domain.tree.models import OrgUnit

POST_ORDER: Ordering[Post] = Ordering((Post.id,), key=lambda p: (p.id,))
ASSIGNMENT_ORDER: Ordering[Assignment] = Ordering(
    (Assignment.start_date, Assignment.id), key=lambda a: (a.start_date, a.id)
)

CHARGE_ORDER: Ordering[PostCharge] = Ordering(
    (PostCharge.start_date, PostCharge.id), key=lambda c: (c.start_date, c.id)
)


@dataclass(frozen=True)
class PostFilter:
    kinds: tuple[PostKind, ...] | None = None
    include_archived: bool = False


def posts_stmt(f: PostFilter) -> Select[Any]:
    """Partition by Post.unit_id."""
    stmt = select(Post)
    if not f.include_archived:
        stmt = stmt.where(Post.archived_at.is_(None))
    if f.kinds:
        stmt = stmt.where(Post.kind.in_([k.value for k in f.kinds]))
    return stmt


@dataclass(frozen=True)
class AssignmentFilter:
    """`on`: only assignments in force that day. `include_history`: also the rows that were
    corrected or withdrawn, so a reader sees every record ever written."""

    on: date | None = None
    include_history: bool = False


def assignments_stmt(f: AssignmentFilter) -> Select[Any]:
    """Partition by Assignment.post_id or Assignment.person_id."""
    stmt = select(Assignment)
    if not f.include_history:
        stmt = stmt.where(effective_assignment())
    if f.on is not None:
        stmt = stmt.where(assignment_on(f.on))
    return stmt


def charged_units_stmt(on: date | None) -> Select[Any]:
    """Units a post is in charge of (分管); partition by PostCharge.post_id."""
    stmt = select(OrgUnit).join(PostCharge, PostCharge.unit_id == OrgUnit.id)
    if on is not None:
        stmt = stmt.where(
            PostCharge.start_date <= on,
            (PostCharge.end_date.is_(None)) | (PostCharge.end_date >= on),
        )
    return stmt


CHARGE_PARTITION = PostCharge.post_id


async def responsible_assignments(
    session: AsyncSession, unit_ids: Sequence[int], on: date, visible: ColumnElement[bool] | None = None
) -> dict[int, dict[PostKind, Assignment]]:
    """The three responsible persons' assignments in force on `on`, per enterprise; only
    those `visible` matches when given."""
    stmt = (
        select(Assignment, Post.kind, Post.unit_id)
        .join(Post, Post.id == Assignment.post_id)
        .where(
            Post.unit_id.in_(list(unit_ids)),
            Post.kind.in_([k.value for k in RESPONSIBLE_KINDS]),
            effective_assignment(),
            assignment_on(on),
        )
        .order_by(Assignment.start_date, Assignment.id)
    )
    if visible is not None:
        stmt = stmt.where(visible)
    rows = await session.execute(stmt)
    result: dict[int, dict[PostKind, Assignment]] = {u: {} for u in unit_ids}
    for assignment, kind, unit_id in rows.all():
        result[unit_id][PostKind(kind)] = assignment
    return result
